package org.rnn4j.nn;

/**
 * The buffers one direction of one layer keeps for a batch of B sequences of T steps: what the forward pass
 * computes and what the backward pass needs. Allocated once per (B, T) and reused; cells extend it with their own
 * buffers. A tape holds buffers only: what a call runs over is its {@link Pass}, how its steps are computed is the
 * layer's {@link StepSchedule}.
 *
 * <p>Shape legend: B batch, T steps, G gate width (gates × H), R output size (H, or P with a projection),
 * H hidden size.
 *
 * <p>Per-step buffers are indexed by the real step t. The state history is indexed so that a forward layer reads
 * its previous state at t and writes t + 1 (index 0 holds the initial state), while a reverse layer reads t + 1
 * and writes t (index T holds the initial state).
 */
class Tape {

    final int batch;
    final int steps;
    final boolean reverse;
    /** G, the width of a step's gate block. */
    final int gateWidth;

    /** (T, B, G) the gates' pre-activations; after the forward step, the gates after their activation. */
    final float[] pre;
    /** (T+1, B, R) outputs r_t (the recurrent state); see the class comment for the indexing. */
    final float[] h;
    /** (T+1, B, H) cell states c_t for cells that have one, else empty. */
    final float[] c;
    /** (T, B, G) gradient of the loss at the gates' pre-activations; allocated by the first backward. */
    float[] dA;

    Tape(Cell<?> cell, int batch, int steps, boolean reverse) {
        this.batch = batch;
        this.steps = steps;
        this.reverse = reverse;
        this.gateWidth = cell.gateWidth();
        this.pre = new float[size("gate buffer", steps, batch, cell.gateWidth())];
        this.h = new float[size("state history", steps + 1, batch, cell.outputSize())];
        this.c = cell.hasCellState() ? new float[size("cell history", steps + 1, batch, cell.hiddenSize())] : new float[0];
    }

    /** rows · batch · width as an array length, or a clear error when a batch is too large for Java arrays. */
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

    /** (T, B, G) where the input projection x·W_ihᵀ (with the biases the cell's wiring puts there) is written. */
    float[] inputPart() {
        return pre;
    }

    /**
     * Where step t's recurrent product h_{t−1}·W_hhᵀ goes: this array at {@link #recurrentOffset}, a (B, G) block
     * of row stride G. By default the gates' pre-activations, where it adds to the input projection.
     */
    float[] recurrentPart() {
        return pre;
    }

    /** The offset of step t's block in {@link #recurrentPart()}. */
    int recurrentOffset(int t) {
        return t * batch * gateWidth;
    }

    /** (T, B, G) the gradient at the input projection's output: what dW_ih and dx are computed from. */
    float[] dInput() {
        return dA;
    }

    /** (T, B, G) the gradient at the recurrent product's output: what dW_hh and dh_{t−1} are computed from. */
    float[] dRecurrent() {
        return dA;
    }

    /** Allocates the backward buffers on first use; cells override to add theirs (and call super). */
    void ensureBackward() {
        if (dA == null) {
            dA = new float[pre.length];
        }
    }

    /** Zeroes rows [from, to) of step t's (B, width) block in a (T, B, width) buffer. */
    final void zeroRows(float[] buf, int t, int width, int from, int to) {
        java.util.Arrays.fill(buf, (t * batch + from) * width, (t * batch + to) * width, 0f);
    }
}
