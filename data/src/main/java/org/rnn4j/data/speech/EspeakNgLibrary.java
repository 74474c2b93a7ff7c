package org.rnn4j.data.speech;

import org.rnn4j.data.audio.Wav;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * libespeak-ng ({@code speak_lib.h}, API revision 12) through the foreign-function API, initialised in synchronous
 * mode with phoneme events: {@code espeak_Synth} returns when the text is spoken, and by then the callback has
 * received every buffer of samples and, among the events, an {@code espeakEVENT_PHONEME} with the mnemonic and the
 * sample number of each phoneme's onset, and an {@code espeakEVENT_WORD} before the phoneme events of each word. The only
 * class of rnn4j-data compiled with release 22.
 *
 * <p>Two things make the same arguments give the same samples. The library keeps synthesis state in static
 * variables that carry from one utterance into the next (the same text spoken twice in a row comes out a few
 * samples longer or shorter), so every call loads the library, initialises it, speaks and unloads it again (the
 * arena that opened it closes); and it draws noise from the C library's {@code rand()}, which is seeded before each
 * call. Loading costs about 40 ms. The library's state is the process's, so calls from all instances take turns.
 */
// restricted methods (linking, reinterpreting native memory) are what this class is for; run with
// --enable-native-access=ALL-UNNAMED (scripts/speech-corpus, the data module's tests) to use them without a warning
@SuppressWarnings("restricted")
final class EspeakNgLibrary implements EspeakEngine {

    private static final String LIBRARY = "libespeak-ng.so.1";
    private static final int AUDIO_OUTPUT_SYNCHRONOUS = 2;
    private static final int INITIALIZE_PHONEME_EVENTS = 0x0001;
    private static final int CHARS_UTF8 = 1;
    private static final int ENDPAUSE = 0x1000;
    private static final int POS_CHARACTER = 1;
    private static final int EVENT_LIST_TERMINATED = 0;
    private static final int EVENT_WORD = 1;
    private static final int EVENT_PHONEME = 7;
    private static final int RATE = 1;
    private static final int PITCH = 3;
    private static final int RANGE = 4;
    private static final int EE_OK = 0;

    /** {@code espeak_EVENT}: type, unique_identifier, text_position, length, audio_position, sample, user_data, id. */
    private static final MemoryLayout EVENT = MemoryLayout.structLayout(
            JAVA_INT.withName("type"), JAVA_INT.withName("unique_identifier"), JAVA_INT.withName("text_position"),
            JAVA_INT.withName("length"), JAVA_INT.withName("audio_position"), JAVA_INT.withName("sample"),
            ADDRESS.withName("user_data"), MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("id"));
    private static final long TYPE = EVENT.byteOffset(MemoryLayout.PathElement.groupElement("type"));
    private static final long SAMPLE = EVENT.byteOffset(MemoryLayout.PathElement.groupElement("sample"));
    private static final long ID = EVENT.byteOffset(MemoryLayout.PathElement.groupElement("id"));
    private static final FunctionDescriptor CALLBACK = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    /** The library is loaded once per process at a time, whoever calls. */
    private static final Object LOADED = new Object();

    private final Linker linker = Linker.nativeLinker();
    private final MethodHandle srand;
    private final MethodHandle onSynth;

    // what the callback collects during one synth call
    private short[] samples = new short[1 << 16];
    private int sampleCount;
    private final List<String> phonemeNames = new ArrayList<>();
    private int[] phonemeOnsets = new int[256];
    private final List<Integer> wordFirstPhonemes = new ArrayList<>();   // per word: the index of its first phoneme
    private Throwable callbackFailure;

    private EspeakNgLibrary() throws IOException {
        srand = linker.downcallHandle(linker.defaultLookup().find("srand").orElseThrow(
                () -> new IOException("the C library has no srand")), FunctionDescriptor.ofVoid(JAVA_INT));
        try {
            onSynth = MethodHandles.lookup().findVirtual(EspeakNgLibrary.class, "onSynth",
                    MethodType.methodType(int.class, MemorySegment.class, int.class, MemorySegment.class)).bindTo(this);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new engine; checks that the library loads. */
    public static EspeakNgLibrary instance() throws IOException {
        EspeakNgLibrary engine = new EspeakNgLibrary();
        engine.variants();
        return engine;
    }

    /** The library's functions, bound while {@code arena} keeps it loaded. */
    private final class Loaded {
        final MethodHandle initialize;
        final MethodHandle setSynthCallback;
        final MethodHandle info;
        final MethodHandle setVoiceByName;
        final MethodHandle setParameter;
        final MethodHandle synth;
        final MethodHandle terminate;

        Loaded(Arena arena) throws IOException {
            SymbolLookup lib;
            try {
                lib = SymbolLookup.libraryLookup(LIBRARY, arena);
            } catch (IllegalArgumentException e) {
                throw new IOException(LIBRARY + " could not be loaded (" + e.getMessage() + "); install espeak-ng"
                        + " with scripts/install-speech (Debian package libespeak-ng1)", e);
            }
            initialize = linker.downcallHandle(symbol(lib, "espeak_Initialize"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
            setSynthCallback = linker.downcallHandle(symbol(lib, "espeak_SetSynthCallback"),
                    FunctionDescriptor.ofVoid(ADDRESS));
            info = linker.downcallHandle(symbol(lib, "espeak_Info"), FunctionDescriptor.of(ADDRESS, ADDRESS));
            setVoiceByName = linker.downcallHandle(symbol(lib, "espeak_SetVoiceByName"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS));
            setParameter = linker.downcallHandle(symbol(lib, "espeak_SetParameter"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
            synth = linker.downcallHandle(symbol(lib, "espeak_Synth"), FunctionDescriptor.of(JAVA_INT,
                    ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
            terminate = linker.downcallHandle(symbol(lib, "espeak_Terminate"), FunctionDescriptor.of(JAVA_INT));
        }
    }

    private static MemorySegment symbol(SymbolLookup lib, String name) throws IOException {
        return lib.find(name).orElseThrow(() -> new IOException(LIBRARY + " has no function " + name
                + "; rnn4j needs espeak-ng 1.49 or newer"));
    }

    @Override
    public List<String> variants() throws IOException {
        Path dataDir;
        synchronized (LOADED) {
            try (Arena arena = Arena.ofConfined()) {
                Loaded lib = new Loaded(arena);
                int rate = (int) lib.initialize.invokeExact(AUDIO_OUTPUT_SYNCHRONOUS, 0, MemorySegment.NULL, 0);
                if (rate <= 0) {
                    throw new IOException("espeak_Initialize failed (returned " + rate + ")");
                }
                MemorySegment path = arena.allocate(ADDRESS);
                MemorySegment version = (MemorySegment) lib.info.invokeExact(path);
                dataDir = Path.of(path.get(ADDRESS, 0).reinterpret(4096).getString(0));
                int ignored = (int) lib.terminate.invokeExact();
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException("calling " + LIBRARY + " failed: " + t, t);
            }
        }
        Path dir = dataDir.resolve("voices").resolve("!v");
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    names.add(f.getFileName().toString());
                }
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public Synthesis speak(String voice, String text, int rate, int pitch, int range, int seed) throws IOException {
        synchronized (LOADED) {
            sampleCount = 0;
            phonemeNames.clear();
            wordFirstPhonemes.clear();
            callbackFailure = null;
            int sampleRate;
            try (Arena arena = Arena.ofConfined()) {
                Loaded lib = new Loaded(arena);
                sampleRate = (int) lib.initialize.invokeExact(AUDIO_OUTPUT_SYNCHRONOUS, 0, MemorySegment.NULL,
                        INITIALIZE_PHONEME_EVENTS);
                if (sampleRate <= 0) {
                    throw new IOException("espeak_Initialize failed (returned " + sampleRate + ")");
                }
                try {
                    lib.setSynthCallback.invokeExact(linker.upcallStub(onSynth, CALLBACK, arena));
                    int err = (int) lib.setVoiceByName.invokeExact(arena.allocateFrom(voice));
                    if (err != EE_OK) {
                        throw new IOException("espeak-ng has no voice '" + voice + "' (espeak_SetVoiceByName returned "
                                + err + "); `espeak-ng --voices` and `espeak-ng --voices=variant` list them");
                    }
                    parameter(lib, RATE, rate, "rate");
                    parameter(lib, PITCH, pitch, "pitch");
                    parameter(lib, RANGE, range, "range");
                    MemorySegment utf8 = arena.allocateFrom(text);
                    srand.invokeExact(seed);
                    err = (int) lib.synth.invokeExact(utf8, utf8.byteSize(), 0, POS_CHARACTER, 0,
                            CHARS_UTF8 | ENDPAUSE, MemorySegment.NULL, MemorySegment.NULL);
                    if (err != EE_OK) {
                        throw new IOException("espeak_Synth returned " + err + " for '" + text + "'");
                    }
                } finally {
                    int ignored = (int) lib.terminate.invokeExact();
                }
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException("calling " + LIBRARY + " failed: " + t, t);
            }
            if (callbackFailure != null) {
                throw new IOException("reading espeak-ng's output failed: " + callbackFailure, callbackFailure);
            }
            List<Double> words = new ArrayList<>();
            for (int first : wordFirstPhonemes) {
                int onset = first < phonemeNames.size() ? phonemeOnsets[first] : sampleCount;
                words.add((double) Math.min(onset, sampleCount) / sampleRate);
            }
            return new Synthesis(Wav.fromPcm16(sampleRate, Arrays.copyOf(samples, sampleCount)), segments(sampleRate),
                    words);
        }
    }

    private static void parameter(Loaded lib, int parameter, int value, String name) throws Throwable {
        int err = (int) lib.setParameter.invokeExact(parameter, value, 0);
        if (err != EE_OK) {
            throw new IOException("espeak_SetParameter(" + name + ", " + value + ") returned " + err);
        }
    }

    /** Each phoneme from its onset to the next one's, a pause ({@code _}) before the first; empty ones dropped. */
    private List<Segment> segments(int sampleRate) {
        List<Segment> out = new ArrayList<>();
        int n = phonemeNames.size();
        int previous = 0;
        String previousName = "_";
        for (int i = 0; i <= n; i++) {
            int onset = i < n ? Math.min(phonemeOnsets[i], sampleCount) : sampleCount;
            if (onset > previous) {
                out.add(new Segment((double) previous / sampleRate, (double) onset / sampleRate, previousName));
                previous = onset;
            }
            if (i < n) {
                previousName = phonemeNames.get(i);
            }
        }
        return out;
    }

    /** {@code int SynthCallback(short *wav, int numsamples, espeak_EVENT *events)}: 0 continues, 1 aborts. */
    private int onSynth(MemorySegment wav, int count, MemorySegment events) {
        try {
            if (count > 0 && !wav.equals(MemorySegment.NULL)) {
                if (sampleCount + count > samples.length) {
                    samples = Arrays.copyOf(samples, Math.max(2 * samples.length, sampleCount + count));
                }
                MemorySegment.copy(wav.reinterpret(2L * count), JAVA_SHORT, 0, samples, sampleCount, count);
                sampleCount += count;
            }
            if (!events.equals(MemorySegment.NULL)) {
                for (long i = 0; ; i++) {
                    MemorySegment e = events.reinterpret((i + 1) * EVENT.byteSize()).asSlice(i * EVENT.byteSize());
                    int type = e.get(JAVA_INT, TYPE);
                    if (type == EVENT_LIST_TERMINATED) {
                        break;
                    }
                    if (type == EVENT_WORD) {
                        // the word event's own sample number can fall inside the word before; the phoneme events
                        // that follow it are the word's, so its onset is its first phoneme's
                        wordFirstPhonemes.add(phonemeNames.size());
                    }
                    if (type == EVENT_PHONEME) {
                        byte[] id = e.asSlice(ID, 8).toArray(JAVA_BYTE);
                        int length = 0;
                        while (length < 8 && id[length] != 0) {
                            length++;
                        }
                        if (phonemeNames.size() == phonemeOnsets.length) {
                            phonemeOnsets = Arrays.copyOf(phonemeOnsets, 2 * phonemeOnsets.length);
                        }
                        phonemeOnsets[phonemeNames.size()] = e.get(JAVA_INT, SAMPLE);
                        phonemeNames.add(new String(id, 0, length, StandardCharsets.UTF_8));
                    }
                }
            }
            return 0;
        } catch (Throwable t) {
            // an exception must not leave an upcall: it would end the JVM
            callbackFailure = t;
            return 1;
        }
    }
}
