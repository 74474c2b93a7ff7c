package org.rnn4j.data.speech;

import java.io.IOException;
import java.util.List;

/**
 * espeak-ng's C library as the generator uses it: speak a text with a voice and prosody, and get the samples with
 * the onset of every phoneme. {@link EspeakNgLibrary} implements it with the foreign-function API, which a class
 * compiled for Java 21 cannot name; {@link #open()} loads it.
 */
interface EspeakEngine {

    /** The class that implements this interface, compiled with release 22. */
    String IMPLEMENTATION = "org.rnn4j.data.speech.EspeakNgLibrary";

    /**
     * Speaks {@code text}.
     *
     * @param voice a voice name espeak-ng knows, language and variant: {@code en-us+m3}
     * @param rate  words per minute, 80..450 (175 is espeak-ng's normal)
     * @param pitch base pitch, 0..100 (50 normal)
     * @param range pitch range, 0..100 (50 normal, 0 monotone)
     * @param seed  seeds the C library's {@code rand()}, which espeak-ng draws its breath noise and pitch flutter
     *              from: the same arguments give the same samples
     */
    Synthesis speak(String voice, String text, int rate, int pitch, int range, int seed) throws IOException;

    /** The voice variants installed ({@code m3}, {@code f2}, ...), sorted; each combines with a language. */
    List<String> variants() throws IOException;

    /**
     * The process's engine: libespeak-ng has one state per process, initialised once, so every caller shares it
     * (its methods are synchronised). Needs a JDK 22 or newer and libespeak-ng1; says so when either is missing.
     */
    static EspeakEngine open() throws IOException {
        if (Runtime.version().feature() < 22) {
            throw new IOException("generating speech with espeak-ng needs Java 22 or newer (the foreign-function API);"
                    + " this is Java " + Runtime.version().feature());
        }
        try {
            return (EspeakEngine) Class.forName(IMPLEMENTATION).getMethod("instance").invoke(null);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("could not start espeak-ng: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IOException("this build of rnn4j-data lacks " + IMPLEMENTATION + " (" + e + ")", e);
        }
    }
}
