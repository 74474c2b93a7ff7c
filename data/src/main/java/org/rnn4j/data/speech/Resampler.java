package org.rnn4j.data.speech;

import org.rnn4j.data.audio.Wav;

import java.util.function.IntToDoubleFunction;

/**
 * Changes the sample rate of audio by band-limited interpolation: output sample j is the input signal at time
 * {@code j / outRate}, interpolated with a Blackman-windowed sinc whose cut-off sits at 95% of the lower of the two
 * Nyquist frequencies, {@value #ZERO_CROSSINGS} zero crossings each side. With rates in the ratio L/M (in lowest
 * terms) the kernel is needed at only L fractional offsets, which are tabulated once, each normalised to sum to 1.
 * Output sample j lines up with input time j / outRate, so segment times carry over unchanged.
 */
public final class Resampler {

    static final int ZERO_CROSSINGS = 16;
    private static final double CUTOFF = 0.95;

    private final int inRate;
    private final int outRate;
    private final int up;        // L: outRate / gcd
    private final int down;      // M: inRate / gcd
    private final int half;      // taps each side of the centre
    private final double[] taps; // (L, 2 * half): taps[p * 2half + i] weighs input base - half + 1 + i at phase p

    Resampler(int inRate, int outRate) {
        if (inRate <= 0 || outRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive, got " + inRate + " and " + outRate);
        }
        this.inRate = inRate;
        this.outRate = outRate;
        int g = gcd(inRate, outRate);
        up = outRate / g;
        down = inRate / g;
        double cutoff = CUTOFF * Math.min(1.0, (double) outRate / inRate);   // in units of the input Nyquist
        half = (int) Math.ceil(ZERO_CROSSINGS / cutoff);
        taps = new double[up * 2 * half];
        for (int p = 0; p < up; p++) {
            double frac = (double) p / up;
            double sum = 0;
            for (int i = 0; i < 2 * half; i++) {
                double d = frac + (half - 1 - i);           // time from input sample to output point, in samples
                double u = d / half;
                double w = Math.abs(u) >= 1 ? 0 : 0.42 + 0.5 * Math.cos(Math.PI * u) + 0.08 * Math.cos(2 * Math.PI * u);
                double x = Math.PI * cutoff * d;
                double h = cutoff * (x == 0 ? 1 : Math.sin(x) / x) * w;
                taps[p * 2 * half + i] = h;
                sum += h;
            }
            for (int i = 0; i < 2 * half; i++) {
                taps[p * 2 * half + i] /= sum;
            }
        }
    }

    /** The number of output samples for {@code n} input samples: those whose time falls within the input. */
    int outputLength(int n) {
        return (int) (((long) n * up + down - 1) / down);
    }

    /**
     * A recording at another sample rate: {@code wav} itself when it is at {@code rate} already, else its samples
     * resampled (not rounded to 16 bits).
     */
    public static Wav resample(Wav wav, int rate) {
        if (wav.sampleRate() == rate) {
            return wav;
        }
        float[] x = wav.samples();
        double[] y = new Resampler(wav.sampleRate(), rate).resample(x.length, i -> x[i]);
        float[] out = new float[y.length];
        for (int j = 0; j < y.length; j++) {
            out[j] = (float) y[j];
        }
        return new Wav(rate, out);
    }

    /** (outputLength(in.length)) the resampled audio, in input units (not rounded). */
    double[] resample(short[] in) {
        return resample(in.length, i -> in[i]);
    }

    /** (outputLength(length)) the resampled audio of the {@code length} input samples {@code in(i)}. */
    private double[] resample(int length, IntToDoubleFunction in) {
        int n = outputLength(length);
        double[] out = new double[n];
        if (inRate == outRate) {
            for (int j = 0; j < n; j++) {
                out[j] = in.applyAsDouble(j);
            }
            return out;
        }
        int width = 2 * half;
        for (int j = 0; j < n; j++) {
            long pos = (long) j * down;
            int base = (int) (pos / up);                 // the input sample at or before time j / outRate
            int phase = (int) (pos % up);
            int first = base - half + 1;
            int t = phase * width;
            double acc = 0;
            int lo = Math.max(0, -first);
            int hi = Math.min(width, length - first);
            for (int i = lo; i < hi; i++) {
                acc += taps[t + i] * in.applyAsDouble(first + i);
            }
            out[j] = acc;
        }
        return out;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
