package org.rnn4j.nn;

import org.rnn4j.kernel.Compute;

import java.util.Arrays;

/**
 * One direction of one layer: a {@link Cell} scanned over time, forward (t = 0 … T-1) or reverse
 * (t = T-1 … 0), with backpropagation through time.
 *
 * <p>Variable lengths (right padding): sequence b runs for steps t &lt; length[b]. At a padded step its
 * state is frozen (copied unchanged) and its output is 0; in backward its gate gradients are 0 and the state
 * gradient passes through unchanged. A reverse layer therefore keeps its initial state through the padding and
 * starts each sequence at that sequence's own last element. The cells never see the mask: the layer sets the
 * gradient arriving at frozen rows aside, zeroes it so the cell produces exact zeros there, and adds it back to
 * the gradient leaving the step.
 *
 * <p>Cells that {@linkplain Cell#skipsFinishedRows skip finished rows} compute at each step only the rows up to the
 * last sequence still running ({@link Tape#rows}); with the batch sorted by length, longest first, a step costs its
 * running sequences only, as with PyTorch's packed sequences. The results are the bits of computing every row.
 *
 * <p>Shapes: x (T, B, I) time-major and contiguous; outputs are written into a (T, B, ldOut) buffer at a
 * column offset, so two directions can fill one concatenated output.
 */
final class RecurrentLayer<T extends Tape> {

    /** Whether cells that can skip the finished rows do; off only in tests, which compare the two. */
    static boolean skipFinishedRows = true;

    private final Cell<T> cell;
    private final boolean reverse;
    private boolean training;
    private int firstStep;
    private double[] carriedClosedUntil;
    private T tape;
    // (B, R) and (B, H) gradient carries of the backward scan, and the frozen rows' pass-through
    private float[] dh;
    private float[] dc;
    private float[] dhPrev;
    private float[] dcPrev;
    private float[] passH;
    private float[] passC;

    private RecurrentLayer(Cell<T> cell, boolean reverse) {
        this.cell = cell;
        this.reverse = reverse;
    }

    static <T extends Tape> RecurrentLayer<T> of(Cell<T> cell, boolean reverse) {
        return new RecurrentLayer<>(cell, reverse);
    }

    Cell<T> cell() {
        return cell;
    }

    /** The index within the whole sequence of the next forward call's first step. */
    void setFirstStep(int step) {
        this.firstStep = step;
    }

    /**
     * A stream's (B, H) closed-until times for event-driven cells, kept between its calls; null when not streaming.
     * See {@link Tape#carriedClosedUntil}.
     */
    void setCarriedClosedUntil(double[] times) {
        this.carriedClosedUntil = times;
    }

    /** Training or inference mode, for cells with a training-only term (the Phased LSTM's leak). */
    void setTraining(boolean on) {
        this.training = on;
    }

    private T tape(int batch, int steps) {
        if (tape == null || tape.batch != batch || tape.steps != steps) {
            tape = cell.newTape(batch, steps, reverse);
            int r = cell.outputSize();
            int h = cell.hiddenSize();
            dh = new float[batch * r];
            dhPrev = new float[batch * r];
            passH = new float[batch * r];
            dc = new float[batch * h];
            dcPrev = new float[batch * h];
            passC = new float[batch * h];
        }
        return tape;
    }

    /**
     * Runs the scan.
     *
     * @param x       (T, B, I) input at xOff, not modified
     * @param lengths per-sequence lengths in [1, T], or null for all T
     * @param times   (T, B) timestamps, or null
     * @param h0      (B, R) initial state at h0Off, or null for zeros
     * @param c0      (B, H) initial cell state at c0Off, or null for zeros (ignored without cell state)
     * @param out     (T, B, ldOut) output buffer; columns [outCol, outCol + R) are overwritten
     */
    void forward(Compute cx, float[] w, float[] x, int xOff, int batch, int steps, int[] lengths, double[] times,
                 float[] h0, int h0Off, float[] c0, int c0Off, float[] out, int outCol, int ldOut) {
        T tp = tape(batch, steps);
        tp.lengths = lengths;
        tp.times = times;
        tp.training = training;
        tp.firstStep = firstStep;
        tp.carriedClosedUntil = carriedClosedUntil;
        int r = cell.outputSize();
        int h = cell.hiddenSize();
        int init = tp.initialIndex();
        copyOrZero(h0, h0Off, tp.h, init * batch * r, batch * r);
        if (cell.hasCellState()) {
            copyOrZero(c0, c0Off, tp.c, init * batch * h, batch * h);
        }
        cell.projectInput(cx, w, tp, x, xOff);
        boolean skip = skipFinishedRows && cell.skipsFinishedRows();
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            tp.rows = skip ? tp.rowsAt(t) : batch;
            cell.forwardStep(cx, w, tp, t);
            int prev = tp.prev(t);
            int next = tp.next(t);
            for (int b = 0; b < batch; b++) {
                int o = (t * batch + b) * ldOut + outCol;
                if (tp.active(b, t)) {
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
        tp.rows = batch;
        cell.finishForward(w, tp);
    }

    /** State updates of the latest forward; see {@link Cell#unitUpdates}. */
    long unitUpdates() {
        return tape == null ? 0 : cell.unitUpdates(tape);
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
        tp.ensureBackward(cell);
        int batch = tp.batch;
        int steps = tp.steps;
        int r = cell.outputSize();
        int h = cell.hiddenSize();
        boolean hasC = cell.hasCellState();
        copyOrZero(dhN, dhNOff, dh, 0, batch * r);
        copyOrZero(hasC ? dcN : null, dcNOff, dc, 0, batch * h);
        cell.startBackward(cx, w, tp);
        boolean skip = skipFinishedRows && cell.skipsFinishedRows();
        tp.skipping = skip && tp.lengths != null;
        for (int s = steps - 1; s >= 0; s--) {
            int t = reverse ? steps - 1 - s : s;
            int rows = skip ? tp.rowsAt(t) : batch;
            tp.rows = rows;
            for (int b = 0; b < batch; b++) {
                if (tp.active(b, t)) {
                    if (dOut != null) {
                        int o = (t * batch + b) * ldOut + outCol;
                        for (int j = 0; j < r; j++) {
                            dh[b * r + j] += dOut[o + j];
                        }
                    }
                } else {
                    moveRow(dh, passH, b * r, r);
                    moveRow(dc, passC, b * h, h);
                }
            }
            cell.backwardStep(cx, w, g, tp, t, dh, dc, dhPrev, dcPrev);
            if (!hasC) {
                Arrays.fill(dcPrev, 0f);
            }
            if (rows < batch) {   // finished rows the step skipped
                Arrays.fill(dhPrev, rows * r, batch * r, 0f);
                if (hasC) {
                    Arrays.fill(dcPrev, rows * h, batch * h, 0f);
                }
            }
            if (tp.lengths != null) {
                for (int b = 0; b < batch; b++) {
                    if (!tp.active(b, t)) {
                        addRow(passH, dhPrev, b * r, r);
                        addRow(passC, dcPrev, b * h, h);
                    }
                }
            }
            float[] tmp = dh;
            dh = dhPrev;
            dhPrev = tmp;
            tmp = dc;
            dc = dcPrev;
            dcPrev = tmp;
        }
        tp.rows = batch;
        if (dh0 != null) {
            System.arraycopy(dh, 0, dh0, dh0Off, batch * r);
        }
        if (dc0 != null && hasC) {
            System.arraycopy(dc, 0, dc0, dc0Off, batch * h);
        }
        cell.backwardSequence(cx, w, g, tp, x, xOff, dx, dxOff);
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
