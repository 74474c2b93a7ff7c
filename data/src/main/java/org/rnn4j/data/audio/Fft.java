package org.rnn4j.data.audio;

/**
 * In-place radix-2 decimation-in-time FFT of a complex sequence whose length is a power of two:
 * X_k = Σ_n x_n e^{−2πi kn/N}. Twiddles are computed per stage from cos and sin of the stage's angle, in double.
 */
final class Fft {

    private Fft() {
    }

    static void transform(double[] re, double[] im) {
        int n = re.length;
        if (n != im.length || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("the FFT needs two arrays of one power-of-two length, got " + n
                    + " and " + im.length);
        }
        for (int i = 1, j = 0; i < n; i++) {   // bit-reversal permutation
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double tr = re[i];
                re[i] = re[j];
                re[j] = tr;
                double ti = im[i];
                im[i] = im[j];
                im[j] = ti;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            int half = len >> 1;
            for (int k = 0; k < half; k++) {
                double angle = -2 * Math.PI * k / len;
                double wr = Math.cos(angle);
                double wi = Math.sin(angle);
                for (int s = 0; s < n; s += len) {
                    int a = s + k;
                    int b = a + half;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }
}
