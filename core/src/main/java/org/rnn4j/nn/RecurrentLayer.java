package org.rnn4j.nn;

import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;

import java.util.Arrays;

/**
 * One direction of one layer: a {@link Cell} scanned over time, forward (t = 0 … T-1) or reverse
 * (t = T-1 … 0), with backpropagation through time. How each step is computed is its {@link StepSchedule}'s.
 *
 * <p>Variable lengths (right padding): sequence b runs for steps t &lt; length[b]. At a padded step its
 * state is frozen (copied unchanged) and its output is 0; in backward its gate gradients are 0 and the state
 * gradient passes through unchanged. A reverse layer therefore keeps its initial state through the padding and
 * starts each sequence at that sequence's own last element. The cells never see the mask: the layer sets the
 * gradient arriving at frozen rows aside, zeroes it so the cell produces exact zeros there, and adds it back to
 * the gradient leaving the step.
 *
 * <p>Shapes: x (T, B, I) time-major and contiguous; outputs are written into a (T, B, ldOut) buffer at a
 * column offset, so two directions can fill one concatenated output.
 */
final class RecurrentLayer<T extends Tape> {

    private final Cell<T> cell;
    private final boolean reverse;
    private final StepSchedule<T> schedule;
    private T tape;
    private Pass pass;              // the latest forward's, which backward reads too
    private Cell.Carry carry;       // the backward scan's gradients at the states
    // (B, R) and (B, H): the gradients at frozen rows, set aside during a backward step
    private float[] passH;
    private float[] passC;
    private double[] stateGradientNorms;   // (T) ‖∂L/∂h_t‖ of the latest backward, when recorded; else null

    private RecurrentLayer(Cell<T> cell, boolean reverse, ScheduleOptions options) {
        this.cell = cell;
        this.reverse = reverse;
        this.schedule = new StepSchedule<>(cell, options);
    }

    static <T extends Tape> RecurrentLayer<T> of(Cell<T> cell, boolean reverse, ScheduleOptions options) {
        return new RecurrentLayer<>(cell, reverse, options);
    }

    Cell<T> cell() {
        return cell;
    }

    private T tape(int batch, int steps) {
        if (tape == null || tape.batch != batch || tape.steps != steps) {
            tape = cell.newTape(batch, steps, reverse);
            carry = new Cell.Carry(batch, cell.outputSize(), cell.hiddenSize());
            passH = new float[batch * cell.outputSize()];
            passC = new float[batch * cell.hiddenSize()];
        }
        return tape;
    }

    /**
     * Runs the scan.
     *
     * @param x     (T, B, I) input at xOff, not modified
     * @param steps T
     * @param p     what the call runs over (lengths in [0, T], times, first step, mode)
     * @param h0    (B, R) initial state at h0Off, or null for zeros
     * @param c0    (B, H) initial cell state at c0Off, or null for zeros (ignored without cell state)
     * @param out   (T, B, ldOut) output buffer; columns [outCol, outCol + R) are overwritten
     */
    void forward(Compute cx, float[] w, float[] x, int xOff, int steps, Pass p, float[] h0, int h0Off, float[] c0,
                 int c0Off, float[] out, int outCol, int ldOut) {
        int batch = p.batch();
        T tp = tape(batch, steps);
        this.pass = p;
        int r = cell.outputSize();
        int h = cell.hiddenSize();
        int init = tp.initialIndex();
        copyOrZero(h0, h0Off, tp.h, init * batch * r, batch * r);
        if (cell.hasCellState()) {
            copyOrZero(c0, c0Off, tp.c, init * batch * h, batch * h);
        }
        schedule.startForward(cx, w, tp, p, x, xOff);
        int[] scans = schedule.scanRanges(cx, tp, p);
        if (scans != null) {
            cx.forRowRanges(scans, (k, lo, hi) -> {
                Compute.StepOperands operands = new Compute.StepOperands();
                for (int s = 0; s < steps; s++) {
                    int t = reverse ? steps - 1 - s : s;
                    schedule.forwardRows(k, w, tp, p, t, lo, hi, operands);
                    emit(tp, p, t, lo, hi, out, outCol, ldOut);
                }
            });
        } else {
            for (int s = 0; s < steps; s++) {
                int t = reverse ? steps - 1 - s : s;
                schedule.forwardStep(cx, w, tp, p, t);
                emit(tp, p, t, 0, batch, out, outCol, ldOut);
            }
        }
        schedule.endForward(w, tp, p);
    }

    /**
     * Rows [lo, hi) of step t's output: h_t of the running rows into out; a finished row keeps its state (copied
     * to t's slot) and outputs zeros.
     */
    private void emit(T tp, Pass p, int t, int lo, int hi, float[] out, int outCol, int ldOut) {
        int batch = tp.batch;
        int r = cell.outputSize();
        int h = cell.hiddenSize();
        int prev = tp.prev(t);
        int next = tp.next(t);
        for (int b = lo; b < hi; b++) {
            int o = (t * batch + b) * ldOut + outCol;
            if (p.active(b, t)) {
                System.arraycopy(tp.h, (next * batch + b) * r, out, o, r);
            } else {
                System.arraycopy(tp.h, (prev * batch + b) * r, tp.h, (next * batch + b) * r, r);
                if (cell.hasCellState()) {
                    System.arraycopy(tp.c, (prev * batch + b) * h, tp.c, (next * batch + b) * h, h);
                }
                Arrays.fill(out, o, o + r, 0f);
            }
        }
    }

    /** State updates of the latest forward; see {@link Cell#unitUpdates}. */
    long unitUpdates() {
        return tape == null ? 0 : cell.unitUpdates(tape, pass);
    }

    /** Copies the final state (B, R) to dst at off. */
    void finalState(float[] dst, int off) {
        int n = tape.batch * cell.outputSize();
        System.arraycopy(tape.h, tape.finalIndex() * n, dst, off, n);
    }

    /** Copies the final cell state (B, H) to dst at off. */
    void finalCell(float[] dst, int off) {
        int n = tape.batch * cell.hiddenSize();
        System.arraycopy(tape.c, tape.finalIndex() * n, dst, off, n);
    }

    /**
     * Backpropagation through time for the last forward call. Accumulates parameter gradients into g.
     *
     * @param x    the forward input, not modified
     * @param dOut (T, B, ldOut) gradient of the outputs at column outCol, or null; not modified
     * @param dhN  (B, R) gradient of the final state at dhNOff, or null
     * @param dcN  (B, H) gradient of the final cell state, or null
     * @param dx   (T, B, I) accumulated into, or null
     * @param dh0  (B, R) overwritten with the gradient of the initial state at dh0Off, or null
     * @param dc0  (B, H) overwritten with the gradient of the initial cell state, or null
     */
    void backward(Compute cx, float[] w, float[] g, float[] x, int xOff,
                  float[] dOut, int outCol, int ldOut,
                  float[] dhN, int dhNOff, float[] dcN, int dcNOff,
                  float[] dx, int dxOff, float[] dh0, int dh0Off, float[] dc0, int dc0Off) {
        T tp = tape;
        Pass p = pass;
        Cell.Carry d = carry;
        int batch = tp.batch;
        int steps = tp.steps;
        int r = cell.outputSize();
        int h = cell.hiddenSize();
        boolean hasC = cell.hasCellState();
        if (stateGradientNorms != null && stateGradientNorms.length != steps) {
            stateGradientNorms = new double[steps];
        }
        copyOrZero(dhN, dhNOff, d.dh, 0, batch * r);
        copyOrZero(hasC ? dcN : null, dcNOff, d.dc, 0, batch * h);
        schedule.startBackward(cx, w, tp);
        int[] scans = stateGradientNorms == null ? schedule.scanRanges(cx, tp, p) : null;
        if (scans != null) {
            // each thread its rows through all steps, with carries of its own over the same arrays (rows apart)
            cx.forRowRanges(scans, (k, lo, hi) -> {
                Cell.Carry own = d.sameArrays();
                for (int s = steps - 1; s >= 0; s--) {
                    int t = reverse ? steps - 1 - s : s;
                    backwardRows(k, w, g, tp, p, t, own, dOut, outCol, ldOut, lo, hi);
                    own.swap();
                }
            });
            if (steps % 2 == 1) {   // as many swaps as the threads' carries made
                d.swap();
            }
        } else {
            for (int s = steps - 1; s >= 0; s--) {
                int t = reverse ? steps - 1 - s : s;
                backwardStep(cx, w, g, tp, p, t, d, dOut, outCol, ldOut);
                d.swap();
            }
        }
        if (dh0 != null) {
            System.arraycopy(d.dh, 0, dh0, dh0Off, batch * r);
        }
        if (dc0 != null && hasC) {
            System.arraycopy(d.dc, 0, dc0, dc0Off, batch * h);
        }
        schedule.endBackward(cx, w, g, tp, p, x, xOff, dx, dxOff);
    }

    /** Step t backward on the team, a hand-off per step: the output's gradient into dh, the step, the finished rows. */
    private void backwardStep(Compute cx, float[] w, float[] g, T tp, Pass p, int t, Cell.Carry d, float[] dOut,
                              int outCol, int ldOut) {
        int batch = tp.batch;
        int r = cell.outputSize();
        boolean hasC = cell.hasCellState();
        receive(p, t, d, dOut, outCol, ldOut, 0, batch);
        if (stateGradientNorms != null) {
            stateGradientNorms[t] = stateGradientNorm(d.dh, p, t, batch, r);
        }
        schedule.backwardStep(cx, w, g, tp, p, t, d);
        if (!hasC) {
            Arrays.fill(d.dcPrev, 0f);
        }
        passOn(p, t, d, 0, batch);
    }

    /** Step t backward for rows [lo, hi) on the calling thread: a thread's part of a row scan. */
    private void backwardRows(Kernels k, float[] w, float[] g, T tp, Pass p, int t, Cell.Carry d, float[] dOut,
                              int outCol, int ldOut, int lo, int hi) {
        int h = cell.hiddenSize();
        receive(p, t, d, dOut, outCol, ldOut, lo, hi);
        schedule.backwardRows(k, w, g, tp, p, t, d, lo, hi);
        if (!cell.hasCellState()) {
            Arrays.fill(d.dcPrev, lo * h, hi * h, 0f);
        }
        passOn(p, t, d, lo, hi);
    }

    /**
     * Rows [lo, hi) of dh before step t's backward: a running row adds the gradient at its output; a finished row
     * sets its dh and dc aside, to pass them to the step before unchanged ({@link #passOn}).
     */
    private void receive(Pass p, int t, Cell.Carry d, float[] dOut, int outCol, int ldOut, int lo, int hi) {
        int batch = p.batch();
        int r = cell.outputSize();
        int h = cell.hiddenSize();
        for (int b = lo; b < hi; b++) {
            if (p.active(b, t)) {
                if (dOut != null) {
                    int o = (t * batch + b) * ldOut + outCol;
                    for (int j = 0; j < r; j++) {
                        d.dh[b * r + j] += dOut[o + j];
                    }
                }
            } else {
                moveRow(d.dh, passH, b * r, r);
                moveRow(d.dc, passC, b * h, h);
            }
        }
    }

    /** Rows [lo, hi) after step t's backward: a finished row's dh and dc, set aside, go to the step before. */
    private void passOn(Pass p, int t, Cell.Carry d, int lo, int hi) {
        if (p.lengths() == null) {
            return;
        }
        int r = cell.outputSize();
        int h = cell.hiddenSize();
        for (int b = lo; b < hi; b++) {
            if (!p.active(b, t)) {
                addRow(passH, d.dhPrev, b * r, r);
                addRow(passC, d.dcPrev, b * h, h);
            }
        }
    }

    /**
     * Records ‖∂L/∂h_t‖ at every step of the following backward passes ({@link #stateGradientNorms()}), or stops
     * recording with false.
     */
    void recordStateGradients(boolean on) {
        stateGradientNorms = on ? new double[0] : null;
    }

    /** (T) ‖∂L/∂h_t‖ of the latest backward pass, over the running sequences' rows; null when not recorded. */
    double[] stateGradientNorms() {
        return stateGradientNorms;
    }

    /** The Frobenius norm of the state gradient dh (B, R) over the rows still running at step t. */
    private static double stateGradientNorm(float[] dh, Pass p, int t, int batch, int r) {
        double ss = 0;
        for (int b = 0; b < batch; b++) {
            if (p.active(b, t)) {
                for (int j = 0; j < r; j++) {
                    ss += (double) dh[b * r + j] * dh[b * r + j];
                }
            }
        }
        return Math.sqrt(ss);
    }

    private static void copyOrZero(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        if (src == null) {
            Arrays.fill(dst, dstOff, dstOff + n, 0f);
        } else {
            System.arraycopy(src, srcOff, dst, dstOff, n);
        }
    }

    /** pass[row] = v[row]; v[row] = 0. */
    private static void moveRow(float[] v, float[] pass, int off, int n) {
        System.arraycopy(v, off, pass, off, n);
        Arrays.fill(v, off, off + n, 0f);
    }

    /** dst[row] += pass[row]. */
    private static void addRow(float[] pass, float[] dst, int off, int n) {
        for (int j = 0; j < n; j++) {
            dst[off + j] += pass[off + j];
        }
    }
}
