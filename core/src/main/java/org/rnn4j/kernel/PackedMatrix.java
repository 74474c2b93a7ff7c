package org.rnn4j.kernel;

/**
 * A matrix B (k, n) copied once into the layout its kernels multiply fastest, for a product repeated many times
 * with the same B: the recurrent weights of every time step of a pass. {@link Compute#multAddPacked} multiplies
 * with it. Packing costs one pass over B; a layer packs at the start of a forward (or backward) pass over enough
 * time steps, so that B is read in its packed form by every step instead of being repacked, or read across rows
 * 4 KiB apart, by each product.
 *
 * <p>The array is reused by later {@link #pack} calls of the same shape: a pass allocates nothing.
 */
public final class PackedMatrix {

    private final Kernels kernels;
    private final int k;
    private final int n;
    private final float[] data;

    private PackedMatrix(Kernels kernels, int k, int n) {
        if (k < 1 || n < 1) {
            throw new IllegalArgumentException("a packed matrix needs k, n >= 1, got " + k + " x " + n);
        }
        this.kernels = kernels;
        this.k = k;
        this.n = n;
        this.data = new float[kernels.packedSize(k, n)];
    }

    /** {@code previous} if it has this shape and was packed for kernels of the same arithmetic, else a new one. */
    public static PackedMatrix reuse(PackedMatrix previous, Kernels kernels, int k, int n) {
        if (previous != null && previous.kernels.sameArithmetic(kernels) && previous.k == k && previous.n == n) {
            return previous;
        }
        return new PackedMatrix(kernels, k, n);
    }

    /**
     * Packs B = S (k, n) read from {@code src} at {@code off} with row stride {@code ld}; or, with
     * {@code transposed}, B = Sᵀ for S (n, k) stored that way (the weights W (n, k) of a product x·Wᵀ).
     */
    public PackedMatrix pack(float[] src, int off, int ld, boolean transposed) {
        kernels.pack(k, n, src, off, ld, transposed, data);
        return this;
    }

    /**
     * Packs rows [p0, p0 + S's rows) of B from S, read as {@link #pack} reads it; the other rows are left as they
     * are. B = [W_ihᵀ; W_hhᵀ], for one, is packed from its two parts.
     */
    public PackedMatrix packRows(int p0, int rows, float[] src, int off, int ld, boolean transposed) {
        if (p0 < 0 || rows < 0 || p0 + rows > k) {
            throw new IllegalArgumentException("rows [" + p0 + ", " + (p0 + rows) + ") outside a packed matrix of "
                    + k + " rows");
        }
        kernels.pack(k, n, p0, rows, src, off, ld, transposed, data);
        return this;
    }

    /**
     * C (m, n) += A (m, k) · this, all n columns, on the calling thread with {@code k} (kernels of the arithmetic
     * this was packed for): a thread's own rows of a product, as in a row scan. Each element of C gets the chain of
     * multiply-adds it gets in the whole product.
     */
    public void multAddInto(Kernels k, int m, float[] a, int aOff, int lda, float[] c, int cOff, int ldc) {
        if (!kernels.sameArithmetic(k)) {
            throw new IllegalArgumentException("the matrix was packed for " + kernels.name() + " kernels, not "
                    + k.name());
        }
        k.multAddPacked(m, columns(), rows(), 0, rows(), a, aOff, lda, data, 0, columns(), c, cOff, ldc);
    }

    public int rows() {
        return k;
    }

    public int columns() {
        return n;
    }

    Kernels kernels() {
        return kernels;
    }

    float[] data() {
        return data;
    }
}
