package org.rnn4j.data.audio;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;
import org.rnn4j.tensor.Tensor;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The features against torchaudio's Kaldi-compatible implementation ({@code compliance.kaldi.fbank} and
 * {@code mfcc}, {@code functional.compute_deltas}; scripts/fixtures/make_audio_fixtures.py) on a chirp with noise
 * and on synthetic speech at 16 kHz (16-bit) and 22.05 kHz (float). torchaudio computes in float32 and rnn4j in
 * double, so the values agree to float32 rounding of the spectra: within 2e-3 + 2e-4 relative for the log-mel
 * energies (whose magnitude is 5 to 25), and likewise for what is computed from them.
 */
class AudioFeaturesTest {

    static Path fixture(String name) {
        try {
            return Path.of(AudioFeaturesTest.class.getResource("/fixtures/audio/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertClose(String what, NpyArray expected, Tensor actual, double atol, double rtol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.data();
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            double excess = Math.abs(e[i] - a[i]) - (atol + rtol * Math.abs(e[i]));
            if (excess > 0) {
                throw new AssertionError(what + " [" + i / actual.dim(1) + ", " + i % actual.dim(1) + "]: expected "
                        + e[i] + ", got " + a[i]);
            }
            worst = Math.max(worst, Math.abs(e[i] - a[i]));
        }
        assertTrue(worst < atol + 1, what + " worst " + worst);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tone_16k", "speech_16k", "speech_22k_float"})
    void filterbankAndMfccMatchTorchaudiosKaldi(String name) throws IOException {
        Wav wav = Wav.read(fixture(name + ".wav"));
        Tensor fbank = AudioFeatures.fbank(wav);
        assertEquals(40, fbank.dim(1));
        assertClose(name + " fbank", Npy.read(fixture(name + ".fbank.npy")), fbank, 2e-3, 2e-4);
        Tensor mfcc = AudioFeatures.mfcc(wav.samples(), FeatureOptions.mfcc(wav.sampleRate()));
        assertClose(name + " mfcc", Npy.read(fixture(name + ".mfcc.npy")), mfcc, 5e-3, 2e-4);
        assertClose(name + " mfcc + deltas", Npy.read(fixture(name + ".mfcc39.npy")),
                AudioFeatures.mfccWithDeltas(wav), 5e-3, 2e-4);
    }

    @Test
    void framesAreTheWholeWindowsOnly() {
        FeatureOptions o = FeatureOptions.fbank(16000);
        assertEquals(400, o.frameLength());
        assertEquals(160, o.frameShift());
        assertEquals(0, AudioFeatures.frames(399, o));
        assertEquals(1, AudioFeatures.frames(400, o));
        assertEquals(1, AudioFeatures.frames(559, o));
        assertEquals(2, AudioFeatures.frames(560, o));
        String msg = assertThrows(IllegalArgumentException.class,
                () -> AudioFeatures.fbank(new float[300], o)).getMessage();
        assertTrue(msg.contains("300 samples") && msg.contains("400"), msg);
    }

    @Test
    void normalisationGivesZeroMeanAndUnitVariancePerColumn() {
        Tensor x = Tensor.of(new float[] {1, 10, 3, 10, 5, 10, 7, 10}, 4, 2);
        float[] y = AudioFeatures.normalize(x).data();
        // column 0: 1, 3, 5, 7 has mean 4 and standard deviation √5; column 1 is constant and only shifted
        double s = Math.sqrt(5);
        assertArrayEquals(new float[] {(float) (-3 / s), 0, (float) (-1 / s), 0, (float) (1 / s), 0, (float) (3 / s), 0},
                y, 1e-6f);
    }

    @Test
    void deltasOfALineAreItsSlopeAwayFromTheEdges() {
        float[] x = new float[12];
        for (int i = 0; i < 12; i++) {
            x[i] = 2 * i;
        }
        float[] y = AudioFeatures.withDeltas(Tensor.of(x, 12, 1)).data();   // (12, 3): x, Δ, ΔΔ
        for (int i = 2; i < 10; i++) {
            assertEquals(2f, y[i * 3 + 1], 1e-6f, "Δ at " + i);
        }
        // at the first frame the repeated edge makes (1·(2 − 0) + 2·(4 − 0)) / 10 = 1
        assertEquals(1f, y[1], 1e-6f);
        assertEquals(0f, y[5 * 3 + 2], 1e-6f, "ΔΔ of a line is 0 four frames from the edges");
        // near the end the repeated edge bends Δ: Δ[10] = (1·(22 − 18) + 2·(22 − 16)) / 10 = 1.6
        assertEquals(1.6f, y[10 * 3 + 1], 1e-6f);
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FeatureOptions(16000, 0.025, 0.01, 0.97, 40, 20,
                9000, 13, 22));
        assertThrows(IllegalArgumentException.class, () -> new FeatureOptions(16000, 0.025, 0.01, 0.97, 10, 20,
                0, 13, 22));
        assertThrows(IllegalArgumentException.class, () -> AudioFeatures.normalize(Tensor.zeros(3)));
    }
}
