package org.rnn4j.data.audio;

import org.rnn4j.tensor.Tensor;

/**
 * Speech features per frame, computed as Kaldi computes them (and torchaudio's {@code compliance.kaldi}, which
 * the tests compare against):
 * <pre>
 * frames      L = 25 ms of samples every S = 10 ms, only whole frames: T = 1 + ⌊(N − L) / S⌋
 * per frame   subtract the frame's mean; pre-emphasis x[i] −= 0.97 x[i−1] (x[0] −= 0.97 x[0]);
 *             Hamming window 0.54 − 0.46 cos(2π i / (L − 1)); zero-pad to a power of two K
 * spectrum    |FFT|², bins 0 … K/2 − 1 (the Nyquist bin takes no filter)
 * filterbank  mel(f) = 1127 ln(1 + f / 700); M triangles evenly spaced in mel between 20 Hz and Nyquist,
 *             each from its left neighbour's centre to its right's; fbank_m = ln max(Σ_k w_mk |X_k|², ε)
 * MFCC        c_j = Σ_m fbank_m · s_j cos(π j (m + ½) / M), s_0 = √(1/M), s_j = √(2/M); j < 13;
 *             c_j ·= 1 + Q/2 · sin(π j / Q), Q = 22
 * deltas      d_t = Σ_{n=1,2} n (c_{t+n} − c_{t−n}) / 10, the first and last frames repeated at the edges;
 *             ΔΔ = the deltas of the deltas
 * </pre>
 * Samples in [−1, 1) (as {@link Wav#read} gives them) are scaled by 32768 first, to the 16-bit range Kaldi reads
 * WAV files in, so the log energies equal Kaldi's. All arithmetic is in double; results are float.
 */
public final class AudioFeatures {

    private static final double EPSILON = Math.ulp(1f);   // float32's machine epsilon, Kaldi's floor

    private AudioFeatures() {
    }

    /** Frames in a recording of n samples: only whole frames. */
    public static int frames(int n, FeatureOptions o) {
        int len = o.frameLength();
        return n < len ? 0 : 1 + (n - len) / o.frameShift();
    }

    /** 40 log-mel energies per 10 ms frame of the recording: (T, 40). */
    public static Tensor fbank(Wav wav) {
        return fbank(wav.samples(), FeatureOptions.fbank(wav.sampleRate()));
    }

    /** 13 MFCCs per 10 ms frame of the recording, with their deltas and delta-deltas: (T, 39). */
    public static Tensor mfccWithDeltas(Wav wav) {
        return withDeltas(mfcc(wav.samples(), FeatureOptions.mfcc(wav.sampleRate())));
    }

    /** Log-mel filterbank energies: (T, melBins). */
    public static Tensor fbank(float[] samples, FeatureOptions o) {
        double[] logMel = logMel(samples, o, "fbank");
        float[] out = new float[logMel.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) logMel[i];
        }
        return Tensor.of(out, frames(samples.length, o), o.melBins());
    }

    /** Mel-frequency cepstral coefficients: (T, ceps). */
    public static Tensor mfcc(float[] samples, FeatureOptions o) {
        int t = frames(samples.length, o);
        int m = o.melBins();
        double[] logMel = logMel(samples, o, "mfcc");
        double[][] dct = new double[o.ceps()][m];
        for (int j = 0; j < o.ceps(); j++) {
            double scale = Math.sqrt((j == 0 ? 1.0 : 2.0) / m);
            double lift = o.lifter() == 0 ? 1 : 1 + 0.5 * o.lifter() * Math.sin(Math.PI * j / o.lifter());
            for (int b = 0; b < m; b++) {
                dct[j][b] = lift * scale * Math.cos(Math.PI * j * (b + 0.5) / m);
            }
        }
        float[] out = new float[t * o.ceps()];
        for (int f = 0; f < t; f++) {
            for (int j = 0; j < o.ceps(); j++) {
                double c = 0;
                for (int b = 0; b < m; b++) {
                    c += logMel[f * m + b] * dct[j][b];
                }
                out[f * o.ceps() + j] = (float) c;
            }
        }
        return Tensor.of(out, t, o.ceps());
    }

    /** (T, F) features with their deltas and delta-deltas beside them: (T, 3F). */
    public static Tensor withDeltas(Tensor features) {
        checkFrames(features);
        int t = features.dim(0);
        int f = features.dim(1);
        float[] d1 = deltas(features.data(), t, f);
        float[] d2 = deltas(d1, t, f);
        float[] out = new float[t * 3 * f];
        for (int i = 0; i < t; i++) {
            System.arraycopy(features.data(), i * f, out, i * 3 * f, f);
            System.arraycopy(d1, i * f, out, i * 3 * f + f, f);
            System.arraycopy(d2, i * f, out, i * 3 * f + 2 * f, f);
        }
        return Tensor.of(out, t, 3 * f);
    }

    /**
     * Per-utterance mean and variance normalisation: each of the F columns of (T, F) shifted to mean 0 and scaled
     * to standard deviation 1 over the T frames (a constant column only shifted).
     */
    public static Tensor normalize(Tensor features) {
        checkFrames(features);
        int t = features.dim(0);
        int f = features.dim(1);
        float[] x = features.data();
        float[] out = new float[x.length];
        for (int j = 0; j < f; j++) {
            double sum = 0;
            for (int i = 0; i < t; i++) {
                sum += x[i * f + j];
            }
            double mean = sum / t;
            double ss = 0;
            for (int i = 0; i < t; i++) {
                double d = x[i * f + j] - mean;
                ss += d * d;
            }
            double std = Math.sqrt(ss / t);
            double scale = std > 0 ? 1 / std : 1;
            for (int i = 0; i < t; i++) {
                out[i * f + j] = (float) ((x[i * f + j] - mean) * scale);
            }
        }
        return Tensor.of(out, t, f);
    }

    private static void checkFrames(Tensor features) {
        if (features == null || features.rank() != 2 || features.dim(0) < 1) {
            throw new IllegalArgumentException("features must have shape (T, F) with T ≥ 1, got "
                    + (features == null ? "none" : Tensor.shapeString(features.shape())));
        }
    }

    /** d_t = Σ_{n=1,2} n (x_{t+n} − x_{t−n}) / 10 over (T, F), edges repeated. */
    private static float[] deltas(float[] x, int t, int f) {
        float[] d = new float[t * f];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < f; j++) {
                double s = 0;
                for (int n = 1; n <= 2; n++) {
                    s += n * (x[Math.min(t - 1, i + n) * f + j] - x[Math.max(0, i - n) * f + j]);
                }
                d[i * f + j] = (float) (s / 10);
            }
        }
        return d;
    }

    /** (T, melBins) log-mel energies in double, frame-major. */
    private static double[] logMel(float[] samples, FeatureOptions o, String what) {
        int len = o.frameLength();
        int shift = o.frameShift();
        int t = frames(samples.length, o);
        if (t == 0) {
            throw new IllegalArgumentException(what + ": " + samples.length + " samples make no frame; a frame needs "
                    + len + " (" + (1000 * o.frameSeconds()) + " ms at " + o.sampleRate() + " Hz)");
        }
        int k = Integer.highestOneBit(len - 1) << 1;   // the next power of two ≥ len
        double[][] banks = melBanks(o, k);
        double[] window = new double[len];
        for (int i = 0; i < len; i++) {
            window[i] = 0.54 - 0.46 * Math.cos(2 * Math.PI * i / (len - 1));
        }
        double[] re = new double[k];
        double[] im = new double[k];
        double[] power = new double[k / 2];
        double[] out = new double[t * o.melBins()];
        for (int f = 0; f < t; f++) {
            int start = f * shift;
            double mean = 0;
            for (int i = 0; i < len; i++) {
                mean += samples[start + i] * 32768.0;
            }
            mean /= len;
            double previous = samples[start] * 32768.0 - mean;   // x[0] −= c·x[0]
            for (int i = 0; i < len; i++) {
                double x = samples[start + i] * 32768.0 - mean;
                re[i] = (x - o.preemphasis() * previous) * window[i];
                previous = x;
            }
            java.util.Arrays.fill(re, len, k, 0);
            java.util.Arrays.fill(im, 0);
            Fft.transform(re, im);
            for (int b = 0; b < k / 2; b++) {
                power[b] = re[b] * re[b] + im[b] * im[b];
            }
            for (int m = 0; m < o.melBins(); m++) {
                double e = 0;
                double[] w = banks[m];
                for (int b = 0; b < k / 2; b++) {
                    e += w[b] * power[b];
                }
                out[f * o.melBins() + m] = Math.log(Math.max(e, EPSILON));
            }
        }
        return out;
    }

    /** The M triangular filters over FFT bins 0 … K/2 − 1 of bin width rate / K. */
    static double[][] melBanks(FeatureOptions o, int k) {
        int bins = o.melBins();
        double low = mel(o.lowHz());
        double high = mel(o.highEdge());
        double delta = (high - low) / (bins + 1);
        double width = o.sampleRate() / (double) k;
        double[][] banks = new double[bins][k / 2];
        for (int m = 0; m < bins; m++) {
            double left = low + m * delta;
            double centre = left + delta;
            double right = centre + delta;
            for (int b = 0; b < k / 2; b++) {
                double v = mel(b * width);
                double up = (v - left) / (centre - left);
                double down = (right - v) / (right - centre);
                banks[m][b] = Math.max(0, Math.min(up, down));
            }
        }
        return banks;
    }

    static double mel(double hz) {
        return 1127.0 * Math.log(1 + hz / 700.0);
    }
}
