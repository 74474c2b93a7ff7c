package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.data.audio.Wav;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rnn4j features}: the file it writes equals torchaudio's Kaldi features of the same WAV (the data module's
 * committed fixtures, made by scripts/fixtures/make_audio_fixtures.py), and bad input is refused in one sentence
 * on stderr with nothing written.
 */
class FeaturesCommandTest {

    private static final Path FIXTURES = Path.of("../data/src/test/resources/fixtures/audio");

    @TempDir
    Path dir;

    private static void assertClose(NpyArray expected, NpyArray actual, double atol) {
        assertArrayEquals(expected.shape(), actual.shape());
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], atol + 2e-4 * Math.abs(e[i]), "value " + i);
        }
    }

    @Test
    void writesTheFeaturesTorchaudioComputes() throws IOException {
        for (String kind : new String[] {"fbank", "mfcc"}) {
            Path out = dir.resolve(kind + ".npy");
            MainTest.Result r = MainTest.rnn4j("features", FIXTURES.resolve("speech_16k.wav").toString(), "-o",
                    out.toString(), "--kind", kind);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("371 frames"), r.out());
            assertClose(Npy.read(FIXTURES.resolve("speech_16k." + (kind.equals("fbank") ? "fbank" : "mfcc39") + ".npy")),
                    Npy.read(out), kind.equals("fbank") ? 2e-3 : 5e-3);
        }
        Path norm = dir.resolve("norm.npy");
        assertEquals(0, MainTest.rnn4j("features", FIXTURES.resolve("tone_16k.wav").toString(), "-o", norm.toString(),
                "--normalize").code());
        float[] v = Npy.read(norm).toFloatArray();
        double mean = 0;
        for (int i = 0; i < v.length; i += 40) {
            mean += v[i];
        }
        assertEquals(0, mean / (v.length / 40), 1e-5, "column 0 has mean 0 after --normalize");
    }

    @Test
    void badInputIsOneSentenceAndWritesNothing() throws IOException {
        Path out = dir.resolve("never.npy");
        Path stereo = dir.resolve("stereo.wav");
        byte[] mono = Files.readAllBytes(FIXTURES.resolve("tone_16k.wav"));
        mono[22] = 2;   // the format chunk's channel count
        Files.write(stereo, mono);
        MainTest.Result r = MainTest.rnn4j("features", stereo.toString(), "-o", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("stereo.wav: 2 channels; expected mono") && r.out().isEmpty(), r.err());
        r = MainTest.rnn4j("features", FIXTURES.resolve("tone_16k.wav").toString(), "-o", out.toString(), "--kind", "plp");
        assertTrue(r.code() != 0 && r.err().contains("--kind must be fbank or mfcc, got 'plp'"), r.err());
        Path tiny = dir.resolve("tiny.wav");
        Wav.write(tiny, new Wav(16000, new float[100]));
        r = MainTest.rnn4j("features", tiny.toString(), "-o", out.toString());
        assertTrue(r.code() == 1 && r.err().contains("tiny.wav: 0.006 s of audio makes no 25 ms frame"), r.err());
        assertFalse(Files.exists(out));
    }
}
