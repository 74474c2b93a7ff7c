package org.rnn4j.kernel;

/**
 * Reference implementation of {@link Kernels}: plain loops, no blocking, obviously correct. Every
 * faster kernel is tested against this one.
 */
final class ScalarKernels implements Kernels {

    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void multAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int p = 0; p < k; p++) {
                float aip = a[aOff + i * lda + p];
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += aip * b[bp + j];
                }
            }
        }
    }

    @Override
    public void multTransAAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        for (int p = 0; p < k; p++) {
            int ap = aOff + p * lda;
            int bp = bOff + p * ldb;
            for (int i = 0; i < m; i++) {
                float api = a[ap + i];
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += api * b[bp + j];
                }
            }
        }
    }

    @Override
    public void multTransBAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                int bj = bOff + j * ldb;
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum += a[ai + p] * b[bj + p];
                }
                c[ci + j] += sum;
            }
        }
    }

    @Override
    public int packedSize(int k, int n) {
        return k * n;
    }

    /** Row-major (k, n). */
    @Override
    public void pack(int k, int n, int p0, int rows, float[] src, int off, int ld, boolean transposed,
                     float[] packed) {
        for (int p = 0; p < rows; p++) {
            for (int j = 0; j < n; j++) {
                packed[(p0 + p) * n + j] = transposed ? src[off + j * ld + p] : src[off + p * ld + j];
            }
        }
    }

    @Override
    public int packedColumnBlock() {
        return 16;
    }

    /** Each element summed over p in order, then added to C: as {@link #multTransBAdd} does. */
    @Override
    public void multAddPacked(int m, int n, int k, int p0, int p1, float[] a, int aOff, int lda, float[] packed,
                              int j0, int j1, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda - p0;
            int ci = cOff + i * ldc;
            for (int j = j0; j < j1; j++) {
                float sum = 0f;
                for (int p = p0; p < p1; p++) {
                    sum += a[ai + p] * packed[p * n + j];
                }
                c[ci + j] += sum;
            }
        }
    }

    @Override
    public float dot(int n, float[] a, int aOff, float[] b, int bOff) {
        float sum = 0f;
        for (int p = 0; p < n; p++) {
            sum += a[aOff + p] * b[bOff + p];
        }
        return sum;
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff) {
        for (int i = 0; i < n; i++) {
            x[xOff + i] *= alpha;
        }
    }

    @Override
    public void addRowBias(int m, int n, float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[ci + j] += bias[biasOff + j];
            }
        }
    }

    @Override
    public void sumRowsAdd(int m, int n, float[] a, int aOff, int lda, float[] out, int outOff) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            for (int j = 0; j < n; j++) {
                out[outOff + j] += a[ai + j];
            }
        }
    }

    @Override
    public void activate(Activation f, int m, int n, float[] x, int off, int ld) {
        for (int i = 0; i < m; i++) {
            int xi = off + i * ld;
            for (int j = 0; j < n; j++) {
                x[xi + j] = f.apply(x[xi + j]);
            }
        }
    }

    @Override
    public void activateBackward(Activation f, int m, int n, float[] y, int yOff, int ldy,
                                 float[] d, int dOff, int ldd) {
        for (int i = 0; i < m; i++) {
            int yi = yOff + i * ldy;
            int di = dOff + i * ldd;
            for (int j = 0; j < n; j++) {
                d[di + j] *= f.derivativeFromOutput(y[yi + j]);
            }
        }
    }
}
