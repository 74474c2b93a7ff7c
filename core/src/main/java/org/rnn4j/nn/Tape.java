package org.rnn4j.nn;

import org.rnn4j.kernel.Compute;

/**
 * The buffers one direction of one layer keeps for a batch of {@code B} sequences of {@code T} steps: what
 * the forward pass computes and what the backward pass needs. Allocated once per (B, T) and reused; cells
 * extend it with their own buffers.
 *
 * <p>Shape legend: B batch, T steps, G gate width (gates × H), R output size (H, or P with a projection),
 * H hidden size.
 *
 * <p>Time is indexed by the real step {@code t} for per-step buffers. The state history is indexed so that a
 * forward layer reads its previous state at {@code t} and writes {@code t + 1} (index 0 holds the initial
 * state), while a reverse layer reads {@code t + 1} and writes {@code t} (index T holds the initial state).
 */
public class Tape {

    final int batch;
    final int steps;
    final boolean reverse;

    /** Length of each sequence, or null when every sequence has all T steps. Set by the layer per call. */
    int[] lengths;
    /**
     * Rows [0, rows) are the ones the current step computes, set by the layer before each step: all B, or for a
     * cell that {@linkplain Cell#skipsFinishedRows skips finished rows}, up to the last sequence still running
     * (at least 1). Rows past it are finished sequences: the layer freezes their state, and the cell leaves their
     * gates alone in forward and writes zero gate gradients for them in backward. Offsets into (T, B, …) buffers
     * keep the stride {@link #batch}. Only packed products ({@code multAddPacked}, {@code Compute.step}) and
     * elementwise work take fewer rows: those give every row the same bits whatever the row count, while the
     * unpacked kernels choose their summation order by the row count, so unpacked products keep all B rows.
     */
    int rows;
    /**
     * (T, B) timestamp of every step in seconds (double: absolute times need the precision), or null when the
     * batch has none. Set by the layer per call; cells that do not use time ignore it.
     */
    double[] times;
    /**
     * Index of this call's first step within the whole sequence: 0 for a forward over whole sequences, the window's
     * start for truncated BPTT, the number of steps already fed for a stream. Step t here is step firstStep + t of
     * the sequence (the time of a Phased cell without timestamps, the statistics row of a BN-LSTM).
     */
    int firstStep;
    /**
     * (B, H) for event-driven inference, given by a stream: per row and unit, a time before which the unit stays
     * closed, carried from call to call; null outside streams (a pass then keeps its own, from −∞).
     */
    double[] carriedClosedUntil;
    /** Whether the network is in training mode (cells with a training-only term, like the Phased LSTM's leak). */
    boolean training;
    /**
     * Whether the latest backward pass skipped finished rows (steps computed only rows [0, rowsAt(t))): their
     * gate gradients are then exactly zero. Set by the layer.
     */
    boolean skipping;
    /** Scratch of {@link #multTransAAddComputedRows}: a chunk of gathered rows of A and of B. */
    private float[] gatherA = new float[0];
    private float[] gatherB = new float[0];
    /** Rows gathered per product of {@link #multTransAAddComputedRows}. */
    static final int GATHER_ROWS = 1024;

    /** (T, B, G) input projection plus biases; after the forward step, the gates after their activation. */
    final float[] pre;
    /** (T+1, B, R) outputs r_t (the recurrent state); see the class comment for the indexing. */
    final float[] h;
    /** (T+1, B, H) cell states c_t for cells that have one, else empty. */
    final float[] c;
    /** (T, B, G) gradient of the loss with respect to the gate pre-activations; allocated by the first backward. */
    float[] dA;
    /**
     * W_hhᵀ packed for this pass's forward steps, and W_hh for its backward steps; null when the pass is too short
     * to pay for packing (see {@link StandardWeights#prepareForward}); kept across passes to reuse the arrays.
     */
    org.rnn4j.kernel.PackedMatrix packedForward;
    org.rnn4j.kernel.PackedMatrix packedBackward;
    boolean usePackedForward;
    boolean usePackedBackward;
    /**
     * Whether this pass's forward steps compute their own input projection ({@link StandardWeights#prepareFused}):
     * packedForward is then [W_ihᵀ; W_hhᵀ] and fusedBias b_ih (+ b_hh).
     */
    boolean fusedInput;
    float[] fusedBias;
    /**
     * The layer input (T·B, I) at xOff, for steps that read it themselves: fused steps, and the open units of an
     * event-driven pass. Null otherwise; a fused pass drops it when it ends.
     */
    float[] x;
    int xOff;
    /** The operands of a packed step's products, set at every step. */
    final org.rnn4j.kernel.Compute.StepOperands stepOperands = new org.rnn4j.kernel.Compute.StepOperands();

    protected Tape(Cell<?> cell, int batch, int steps, boolean reverse) {
        this.batch = batch;
        this.steps = steps;
        this.reverse = reverse;
        this.rows = batch;
        this.pre = new float[size("gate buffer", steps, batch, cell.gateWidth())];
        this.h = new float[size("state history", steps + 1, batch, cell.outputSize())];
        this.c = cell.hasCellState() ? new float[size("cell history", steps + 1, batch, cell.hiddenSize())] : new float[0];
    }

    /**
     * rows · batch · width as an array length, or a clear error when a batch is too large for Java arrays.
     */
    static int size(String what, int rows, int batch, int width) {
        long n = (long) rows * batch * width;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a batch of " + batch + " sequences needs a " + what + " of " + rows
                    + " × " + batch + " × " + width + " = " + n + " values, more than one Java array holds;"
                    + " use smaller batches or shorter sequences (truncated BPTT)");
        }
        return (int) n;
    }

    /** Index in the state history of the state before step t. */
    final int prev(int t) {
        return reverse ? t + 1 : t;
    }

    /** Index in the state history of the state after step t. */
    final int next(int t) {
        return reverse ? t : t + 1;
    }

    /** Index in the state history of the initial state. */
    final int initialIndex() {
        return reverse ? steps : 0;
    }

    /** Index in the state history of the final state. */
    final int finalIndex() {
        return reverse ? 0 : steps;
    }

    /** Row offset (in states) of the first "previous state" in step order: the (T·B, R) matrix of r_{t-1}. */
    final int firstPrevIndex() {
        return reverse ? 1 : 0;
    }

    /** The rows step t computes: 1 + the last row still running at t (at least 1), or all B without lengths. */
    final int rowsAt(int t) {
        if (lengths == null) {
            return batch;
        }
        for (int b = batch - 1; b > 0; b--) {
            if (t < lengths[b]) {
                return b + 1;
            }
        }
        return 1;
    }

    /**
     * Zeroes rows [from, B) of step t's (B, width) block in a (T, B, width) buffer: the gate gradients of finished
     * sequences a backward step skipped, which the weight gradients still read.
     */
    final void zeroRows(float[] buf, int t, int width, int from) {
        java.util.Arrays.fill(buf, (t * batch + from) * width, (t + 1) * batch * width, 0f);
    }

    /**
     * C (m, n) += Aᵀ·B over this pass's T·B rows, with A (T·B, m) and B (T·B, n) at row strides lda and ldb, as
     * {@code cx.multTransAAdd} over every row. After a backward pass that {@linkplain #skipping skipped} finished
     * rows (a weight gradient, A holding the gate gradients), only the rows the steps computed are used, gathered
     * {@value #GATHER_ROWS} at a time and in the same order: the others are zero rows of A, which leave every
     * element's chain of multiply-adds unchanged, so the bits are those of the product over every row.
     */
    final void multTransAAddComputedRows(Compute cx, int m, int n, float[] a, int aOff, int lda, float[] b,
                                         int bOff, int ldb, float[] c, int cOff, int ldc) {
        int all = steps * batch;
        long computed = 0;
        if (skipping) {
            for (int t = 0; t < steps; t++) {
                computed += rowsAt(t);
            }
        }
        if (!skipping || computed > 0.85 * all) {   // too few rows to skip to pay for the copies
            cx.multTransAAdd(m, n, all, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            return;
        }
        if (gatherA.length < GATHER_ROWS * m) {
            gatherA = new float[GATHER_ROWS * m];
        }
        if (gatherB.length < GATHER_ROWS * n) {
            gatherB = new float[GATHER_ROWS * n];
        }
        int k = 0;
        for (int t = 0; t < steps; t++) {
            int r = rowsAt(t);
            for (int i = 0; i < r; ) {
                int take = Math.min(r - i, GATHER_ROWS - k);
                int row = t * batch + i;
                for (int q = 0; q < take; q++) {
                    System.arraycopy(a, aOff + (row + q) * lda, gatherA, (k + q) * m, m);
                    System.arraycopy(b, bOff + (row + q) * ldb, gatherB, (k + q) * n, n);
                }
                k += take;
                i += take;
                if (k == GATHER_ROWS) {
                    cx.multTransAAdd(m, n, k, gatherA, 0, m, gatherB, 0, n, c, cOff, ldc);
                    k = 0;
                }
            }
        }
        if (k > 0) {
            cx.multTransAAdd(m, n, k, gatherA, 0, m, gatherB, 0, n, c, cOff, ldc);
        }
    }

    /** Whether sequence b is still running at step t (right padding: t < length). */
    final boolean active(int b, int t) {
        return lengths == null || t < lengths[b];
    }

    /** Allocates the backward buffers on first use; cells override to add theirs (and call super). */
    void ensureBackward(Cell<?> cell) {
        if (dA == null) {
            dA = new float[pre.length];
        }
    }
}
