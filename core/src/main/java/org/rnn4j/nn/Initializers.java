package org.rnn4j.nn;

import java.util.random.RandomGenerator;

/** Weight-initialisation primitives on ranges of the flat parameter array. */
final class Initializers {

    private Initializers() {
    }

    static void fill(float[] w, int off, int n, float value) {
        java.util.Arrays.fill(w, off, off + n, value);
    }

    /** U(-k, k). */
    static void uniform(float[] w, int off, int n, float k, RandomGenerator rng) {
        for (int i = 0; i < n; i++) {
            w[off + i] = (float) ((rng.nextDouble() * 2.0 - 1.0) * k);
        }
    }

    /** N(0, std²). */
    static void normal(float[] w, int off, int n, float std, RandomGenerator rng) {
        for (int i = 0; i < n; i++) {
            w[off + i] = (float) (rng.nextGaussian() * std);
        }
    }

    /** Glorot/Xavier uniform for a (rows, cols) matrix: U(-a, a), a = sqrt(6 / (rows + cols)). */
    static void glorotUniform(float[] w, int off, int rows, int cols, RandomGenerator rng) {
        uniform(w, off, rows * cols, (float) Math.sqrt(6.0 / (rows + cols)), rng);
    }

    /**
     * A (rows, cols) matrix with orthonormal rows (rows ≤ cols) or orthonormal columns (rows &gt; cols):
     * Gram-Schmidt, twice for stability, on a Gaussian matrix, in double precision.
     */
    static void orthogonal(float[] w, int off, int rows, int cols, RandomGenerator rng) {
        boolean byRows = rows <= cols;
        int count = byRows ? rows : cols;   // vectors to orthonormalise
        int len = byRows ? cols : rows;     // their length
        double[][] v = new double[count][len];
        for (int a = 0; a < count; a++) {
            for (int pass = 0; pass < 8; pass++) {
                for (int i = 0; i < len; i++) {
                    v[a][i] = rng.nextGaussian();
                }
                for (int reorth = 0; reorth < 2; reorth++) {
                    for (int b = 0; b < a; b++) {
                        double dot = 0;
                        for (int i = 0; i < len; i++) {
                            dot += v[a][i] * v[b][i];
                        }
                        for (int i = 0; i < len; i++) {
                            v[a][i] -= dot * v[b][i];
                        }
                    }
                }
                double norm = 0;
                for (int i = 0; i < len; i++) {
                    norm += v[a][i] * v[a][i];
                }
                norm = Math.sqrt(norm);
                if (norm > 1e-6) {
                    for (int i = 0; i < len; i++) {
                        v[a][i] /= norm;
                    }
                    break;
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                w[off + r * cols + c] = (float) (byRows ? v[r][c] : v[c][r]);
            }
        }
    }

    /** Ones on the main diagonal of a (rows, cols) matrix, zeros elsewhere. */
    static void identity(float[] w, int off, int rows, int cols) {
        fill(w, off, rows * cols, 0f);
        for (int i = 0; i < Math.min(rows, cols); i++) {
            w[off + i * cols + i] = 1f;
        }
    }
}
