package org.rnn4j.kernel;

/**
 * The dense float32 kernels every cell and layer is built from.
 *
 * <p>Matrices are row-major strided views: a view is {@code (array, offset, ld)} and element (i, j)
 * is {@code array[offset + i * ld + j]}. Names follow EJML's grammar: {@code mult} is A·B,
 * {@code multTransA} is Aᵀ·B, {@code multTransB} is A·Bᵀ, and the suffix {@code Add} means the result is
 * accumulated into C ({@code C += ...}). Every method reads its inputs without modifying them and writes
 * only the argument documented as modified. Outputs must not alias inputs.
 *
 * <p>Two implementations exist with identical results up to float rounding: {@link ScalarKernels}, the
 * reference, and {@code VectorKernels}, which uses {@code jdk.incubator.vector}. {@link #select()} picks
 * one; the system property {@code rnn4j.kernels=scalar} forces the scalar path everywhere.
 *
 * <p>Kernels are single-threaded: an instance may keep scratch space between calls, so it computes on one thread
 * at a time, and {@link #forThread()} gives another thread an instance of its own with the same arithmetic.
 * {@link Compute} gives each of its threads one and splits large products across them. No kernel keeps state in
 * static or thread-local fields, so kernels may run on any thread, virtual ones included.
 */
public interface Kernels {

    /** Human-readable name, e.g. {@code "scalar"} or {@code "vector(256 bits)"}. */
    String name();

    /**
     * An instance of these kernels for another thread: the same arithmetic (so the same bits and the same packed
     * layout), with scratch space of its own. Stateless kernels return themselves.
     */
    default Kernels forThread() {
        return this;
    }

    /** Whether {@code other} computes exactly as this: the same implementation, perhaps another instance. */
    default boolean sameArithmetic(Kernels other) {
        return other != null && other.getClass() == getClass();
    }

    /**
     * C += A·B.
     *
     * @param m rows of A and C
     * @param n columns of B and C
     * @param k columns of A, rows of B
     * @param a (m, k), not modified
     * @param b (k, n), not modified
     * @param c (m, n), modified
     */
    void multAdd(int m, int n, int k,
                 float[] a, int aOff, int lda,
                 float[] b, int bOff, int ldb,
                 float[] c, int cOff, int ldc);

    /**
     * C += Aᵀ·B.
     *
     * @param a (k, m), not modified
     * @param b (k, n), not modified
     * @param c (m, n), modified
     */
    void multTransAAdd(int m, int n, int k,
                       float[] a, int aOff, int lda,
                       float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc);

    /**
     * C += A·Bᵀ.
     *
     * @param a (m, k), not modified
     * @param b (n, k), not modified
     * @param c (m, n), modified
     */
    void multTransBAdd(int m, int n, int k,
                       float[] a, int aOff, int lda,
                       float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc);

    /** Floats a {@link PackedMatrix} of (k, n) needs with these kernels. */
    int packedSize(int k, int n);

    /**
     * Copies B (k, n) into {@code packed} in these kernels' packed layout: B = S (k, n) read at {@code off} with row
     * stride {@code ld}, or with {@code transposed} B = Sᵀ for S (n, k).
     */
    default void pack(int k, int n, float[] src, int off, int ld, boolean transposed, float[] packed) {
        pack(k, n, 0, k, src, off, ld, transposed, packed);
    }

    /**
     * Copies rows [p0, p0 + rows) of B (k, n) into {@code packed}, as {@link #pack(int, int, float[], int, int,
     * boolean, float[])} does for all rows: S is (rows, n), or (n, rows) with {@code transposed}. A packed matrix
     * can so be built from two sources, such as W_ih and W_hh stacked.
     */
    void pack(int k, int n, int p0, int rows, float[] src, int off, int ld, boolean transposed, float[] packed);

    /** Column chunks of a packed product start at multiples of this (the packed layout's column block). */
    int packedColumnBlock();

    /**
     * C (m, j0:j1) += A (m, k) · B (k, j0:j1) for B packed by {@link #pack}; j0 a multiple of
     * {@link #packedColumnBlock()}. A and packed not modified, C modified.
     */
    default void multAddPacked(int m, int n, int k, float[] a, int aOff, int lda, float[] packed, int j0, int j1,
                               float[] c, int cOff, int ldc) {
        multAddPacked(m, n, k, 0, k, a, aOff, lda, packed, j0, j1, c, cOff, ldc);
    }

    /**
     * C (m, j0:j1) += A (m, p1 − p0) · B (p0:p1, j0:j1): the product with rows [p0, p1) of a packed B (k, n) only.
     * Adding the products of [0, p) and [p, k) one after the other gives the same bits as the whole product would
     * after C += (its first part).
     */
    void multAddPacked(int m, int n, int k, int p0, int p1, float[] a, int aOff, int lda, float[] packed, int j0,
                       int j1, float[] c, int cOff, int ldc);

    /**
     * Σ_p a[aOff + p] · b[bOff + p] over n terms, summed exactly as one element of {@link #multTransBAdd} with one
     * row of A (so code that computes single rows, like event-driven inference, matches the dense product);
     * a and b not modified.
     */
    float dot(int n, float[] a, int aOff, float[] b, int bOff);

    /** y += alpha·x over n contiguous elements; x not modified, y modified. */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** x *= alpha over n contiguous elements; x modified. */
    void scale(int n, float alpha, float[] x, int xOff);

    /** Adds the vector bias (n) to each of the m rows of C (m, n); bias not modified, C modified. */
    void addRowBias(int m, int n, float[] bias, int biasOff, float[] c, int cOff, int ldc);

    /** out[j] += Σ_i A[i, j] for A (m, n): the gradient of a row-broadcast bias; A not modified, out modified. */
    void sumRowsAdd(int m, int n, float[] a, int aOff, int lda, float[] out, int outOff);

    /**
     * Applies an activation in place to the block X (m, n): {@code x = f(x)}; X modified.
     */
    void activate(Activation f, int m, int n, float[] x, int off, int ld);

    /**
     * Multiplies the gradient block D (m, n) in place by the activation's derivative, expressed through the
     * activation's output Y (m, n): {@code d *= f'(y)}. Y not modified, D modified. Y and D may share an
     * array but not elements.
     */
    void activateBackward(Activation f, int m, int n,
                          float[] y, int yOff, int ldy,
                          float[] d, int dOff, int ldd);

    /**
     * One LSTM step's elementwise work on a block of {@code rows} × {@code n} units, after the step's products
     * (the equations of the LSTM cell, in {@code org.rnn4j.nn.LstmCell}):
     * <pre>
     * i = σ(a^i + p_i ⊙ c_prev)  (i = 1 − f with CIFG),  f = σ(a^f + p_f ⊙ c_prev),  g = tanh(a^g)
     * c = clip(f ⊙ c_prev + i ⊙ g),  o = σ(a^o + p_o ⊙ c),  tanhC = tanh(c),  m = o ⊙ tanhC
     * </pre>
     * The gate block G holds the pre-activations a at {@code gOff + col} (row stride {@code ldg}) and receives the
     * activated gates in place. The (rows, n) blocks c_prev, c, tanhC and m share the row stride {@code ldh}.
     *
     * @param colI column of the input gate in G, or −1 for a coupled input and forget gate (CIFG)
     * @param peep the peephole weights p_i, p_f, p_o at {@code peepI}, {@code peepF}, {@code peepO} (each n long),
     *             or {@code null} without peepholes; not modified
     * @param clip the cell clip, or 0 for none
     * @param cPrev c_prev, not modified; {@code cOut}, {@code tanhC} and {@code m} modified
     */
    default void lstmStep(int rows, int n, float[] g, int gOff, int ldg, int colI, int colF, int colG, int colO,
                          float[] peep, int peepI, int peepF, int peepO, float clip,
                          float[] cPrev, int cPrevOff, float[] cOut, int cOutOff, float[] tanhC, int tanhCOff,
                          float[] m, int mOff, int ldh) {
        CellSteps.lstm(this, rows, n, g, gOff, ldg, colI, colF, colG, colO, peep, peepI, peepF, peepO, clip,
                cPrev, cPrevOff, cOut, cOutOff, tanhC, tanhCOff, m, mOff, ldh);
    }

    /**
     * One GRU step's elementwise work (PyTorch's form, the reset gate applied to the recurrent product) on a block
     * of {@code rows} × {@code n} units, after the step's products:
     * <pre>
     * r = σ(a^r + rec^r),  z = σ(a^z + rec^z),  n = tanh(a^n + r ⊙ rec^n),  h = (1 − z) ⊙ n + z ⊙ h_prev
     * </pre>
     * The gate block G holds the input parts a^r, a^z, a^n at {@code gOff}, {@code gOff + block} and
     * {@code gOff + 2·block} (row stride {@code ldg}) and receives r, z and n in place; rec (row stride
     * {@code ldRec}) holds the recurrent products in the same layout and is not modified. rec^n is copied to aux
     * (for the backward pass) and h to hNext; aux, h_prev and hNext share the row stride {@code ldh}.
     */
    default void gruStep(int rows, int n, float[] g, int gOff, int ldg, int block, float[] rec, int recOff,
                         int ldRec, float[] aux, int auxOff, float[] hPrev, int hPrevOff, float[] hNext,
                         int hNextOff, int ldh) {
        CellSteps.gru(this, rows, n, g, gOff, ldg, block, rec, recOff, ldRec, aux, auxOff, hPrev, hPrevOff, hNext,
                hNextOff, ldh);
    }

    /** The reference implementation. */
    static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /**
     * A new instance of the fastest implementation available: the Vector API kernels when the
     * {@code jdk.incubator.vector} module is present (run the JVM with {@code --add-modules jdk.incubator.vector})
     * and the system property {@code rnn4j.kernels} is not {@code scalar}; the scalar reference otherwise.
     */
    static Kernels select() {
        String forced = System.getProperty("rnn4j.kernels", "auto");
        if (forced.equalsIgnoreCase("scalar") || !VectorSupport.available()) {
            return scalar();
        }
        return VectorSupport.kernels();
    }
}
