package org.rnn4j.nn;

import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.kernel.PackedMatrix;
import org.rnn4j.param.ParamView;

import java.util.Arrays;

/**
 * How one direction of one layer computes its steps: the products with W_ih and W_hh, whether the recurrent
 * weights are packed, whether a step computes its own input projection, which rows a step computes, and how its
 * elementwise work is split between the threads. The cell ({@link Cell}) contributes only that elementwise work;
 * the products are the same for every cell, arranged by its {@link Cell.Wiring}.
 *
 * <p>Decisions, made once per pass:
 * <ul>
 *   <li><b>packing</b>: passes of at least {@link ScheduleOptions#packMinSteps()} steps copy W_hhᵀ (forward) and
 *       W_hh (backward) once into the kernels' packed layout, which each step's product then reads;</li>
 *   <li><b>fused input</b>: packed passes of cells whose input projection adds to the gates with its bias pack
 *       [W_ihᵀ; W_hhᵀ] together, and each step computes bias + x_t·W_ihᵀ + h_{t−1}·W_hhᵀ in one product, its
 *       output still in cache; the additions run in the order of a projection then a step, so the bits are those of
 *       projecting the whole sequence first (which the other passes do);</li>
 *   <li><b>finished rows</b>: with lengths, a step computes only the rows up to the last sequence still running
 *       ({@link Pass#runningRows}); with the batch sorted longest first, a step costs its running sequences only.
 *       Packed products and elementwise work give every row the same bits whatever the row count, so they take
 *       fewer rows; the unpacked kernels choose their summation order by the row count, so unpacked products take
 *       every row. Skipped rows get zero gate gradients, and the recurrent weight gradient gathers only the rows
 *       computed ({@link #multTransAAddComputedRows});</li>
 *   <li><b>threads</b>: a packed step whose units split at the packed layout's column blocks runs as one hand-off
 *       ({@link Compute#step}): each thread computes every gate's columns of its units and then their elementwise
 *       work. Otherwise the products split by columns and the elementwise work by rows, by units, or not at all, as the
 *       cell's {@linkplain Cell#split split} allows.</li>
 * </ul>
 * Nothing is allocated per step: the packed matrices, the fused bias and the operands are kept across passes.
 *
 * <p>Shapes: x (T·B, I) time-major; B batch, T steps, I input, H hidden, R output, G = gates × H.
 */
final class StepSchedule<T extends Tape> {

    private final Cell<T> cell;
    private final ScheduleOptions options;
    private final StandardWeights weights;
    private final int gates;

    // this pass's decisions, and the input its fused or event-driven steps read (null between passes)
    private boolean eventDriven;
    private boolean packed;
    private boolean fused;
    private boolean skipping;
    private float[] x;
    private int xOff;

    // kept across passes: nothing is allocated per step
    private PackedMatrix forwardWeights;    // W_hhᵀ, or [W_ihᵀ; W_hhᵀ] when fused
    private PackedMatrix backwardWeights;   // W_hh
    private PackedMatrix projectionWeights;          // W_hrᵀ of a packed LSTMP pass's forward
    private PackedMatrix projectionBackwardWeights;  // W_hr, for its backward
    private final float[] fusedBias;        // (G) the input part's bias of a fused step
    private final Compute.StepOperands operands = new Compute.StepOperands();
    private final Elementwise elementwise = new Elementwise();
    private float[] gatherA = new float[0];   // scratch of multTransAAddComputedRows
    private float[] gatherB = new float[0];
    private float[] transposed = new float[0];   // scratch of multTransAAddComputedRows: Cᵀ

    /** Rows gathered per product of {@link #multTransAAddComputedRows}. */
    static final int GATHER_ROWS = 1024;

    /** Weight-gradient products with at least this many times more columns of A than of B compute Cᵀ. */
    static final int TRANSPOSE_RATIO = 3;

    StepSchedule(Cell<T> cell, ScheduleOptions options) {
        this.cell = cell;
        this.options = options;
        this.weights = cell.weights;
        this.gates = cell.gw / cell.hidden;
        this.fusedBias = new float[cell.gw];
    }

    /** The rows step t computes: all B, or up to the last sequence still running. */
    private int rows(Pass p, int t) {
        return skipping ? p.runningRows(t) : p.batch();
    }

    /**
     * Starts a forward pass over x (T·B, I) at xOff, which must stay unchanged until {@link #endForward}: decides
     * the pass's schedule and projects the inputs of all steps unless the steps will.
     */
    void startForward(Compute cx, float[] w, T tp, Pass p, float[] x, int xOff) {
        Cell.Wiring wiring = cell.wiring();
        eventDriven = cell.eventDriven(p);
        packed = !eventDriven && wiring != Cell.Wiring.RESET_BEFORE && tp.steps >= options.packMinSteps();
        fused = packed && options.fuseInput() && cell.fusesInput()
                && (wiring == Cell.Wiring.SUMMED || wiring == Cell.Wiring.RESET_AFTER);
        skipping = options.skipFinishedRows() && p.lengths() != null && wiring != Cell.Wiring.RESET_BEFORE;
        if (eventDriven || fused) {
            this.x = x;
            this.xOff = xOff;
        }
        if (fused) {
            int in = cell.inputSize;
            forwardWeights = PackedMatrix.reuse(forwardWeights, cx.kernels(), in + cell.out, cell.gw)
                    .packRows(0, in, w, weights.wih.offset(), in, true)
                    .packRows(in, cell.out, w, weights.whh.offset(), cell.out, true);
            boolean both = wiring == Cell.Wiring.SUMMED;
            for (int j = 0; j < cell.gw; j++) {   // as projectInput: 0 + b_ih (+ b_hh)
                fusedBias[j] = both ? w[weights.bih.offset() + j] + w[weights.bhh.offset() + j]
                        : w[weights.bih.offset() + j];
            }
        } else if (!eventDriven) {
            projectInput(cx, w, tp, x, xOff);
            if (packed) {
                forwardWeights = PackedMatrix.reuse(forwardWeights, cx.kernels(), cell.out, cell.gw)
                        .pack(w, weights.whh.offset(), cell.out, true);
            }
        }
        ParamView projection = cell.projection();
        if (packed && projection != null) {
            projectionWeights = PackedMatrix.reuse(projectionWeights, cx.kernels(), cell.hidden, cell.out)
                    .pack(w, projection.offset(), cell.hidden, true);
        }
        cell.startForward(w, tp, p);
    }

    /** inputPart (T·B, G) = x · W_ihᵀ plus the biases the wiring adds there. */
    private void projectInput(Compute cx, float[] w, T tp, float[] x, int xOff) {
        int rows = tp.steps * tp.batch;
        int g = cell.gw;
        float[] part = tp.inputPart();
        Arrays.fill(part, 0, rows * g, 0f);
        Cell.Wiring wiring = cell.wiring();
        if (wiring != Cell.Wiring.NORMALISED) {
            cx.kernels().addRowBias(rows, g, w, weights.bih.offset(), part, 0, g);
        }
        if (wiring == Cell.Wiring.SUMMED || wiring == Cell.Wiring.RESET_BEFORE) {
            cx.kernels().addRowBias(rows, g, w, weights.bhh.offset(), part, 0, g);
        }
        cx.multTransBAdd(rows, g, cell.inputSize, x, xOff, cell.inputSize, w, weights.wih.offset(), cell.inputSize,
                part, 0, g);
    }

    /** Step t of a forward pass: its products, its elementwise work, and a projection's product. */
    void forwardStep(Compute cx, float[] w, T tp, Pass p, int t) {
        int rows = rows(p, t);
        if (eventDriven) {
            cell.forwardEventDriven(cx.kernels(), w, tp, p, t, rows, x, xOff);
            return;
        }
        if (cell.wiring() == Cell.Wiring.RESET_BEFORE) {
            resetBeforeStep(cx, w, tp, p, t);
            return;
        }
        elementwise.forward(w, tp, p, t);
        int b = tp.batch;
        int hPrev = tp.prev(t) * b * cell.out;
        float[] rec = tp.recurrentPart();
        int recOff = tp.recurrentOffset(t);
        boolean ownBias = cell.wiring() == Cell.Wiring.RESET_AFTER;   // rec = b_hh + h·W_hhᵀ
        if (cell.wiring() == Cell.Wiring.NORMALISED) {
            Arrays.fill(rec, recOff, recOff + b * cell.gw, 0f);
        }
        if (packed) {
            cx.step(stepOperands(operands, w, tp, t, rows), elementwise, cell.split(), options.smallStepsByRows());
        } else {
            if (ownBias) {
                Arrays.fill(rec, recOff, recOff + b * cell.gw, 0f);
                cx.kernels().addRowBias(b, cell.gw, w, weights.bhh.offset(), rec, recOff, cell.gw);
            }
            // unpacked: every row (see the class comment)
            cx.multTransBAdd(b, cell.gw, cell.out, tp.h, hPrev, cell.out, w, weights.whh.offset(), cell.out, rec,
                    recOff, cell.gw);
            split(cx, rows);
        }
        ParamView projection = cell.projection();
        if (projection != null) {
            project(cx, w, (LstmCell.LstmTape) tp, t, rows, projection);
        }
    }

    /**
     * The row ranges of this pass's row scans (after {@link #startForward}), one per thread, or null when the
     * pass steps on the team instead. In a row scan each thread takes a block of rows and computes all steps of
     * them, forward ({@link #forwardRows}) and backward ({@link #backwardRows}), with no hand-off between steps.
     * That needs rows that are independent at every step (no sum over rows), packed steps (whose products, a
     * projection's included, give a row the same bits whichever rows are computed with it), two threads or more
     * with at least 8 rows each, and packed weights of at most {@value #ROW_SCAN_MAX_WEIGHT_BYTES} bytes (each
     * thread reads all of them at every step; the largest measured, config C's, take 1.8 MB). The ranges give the
     * threads equal numbers of computed row-steps: with finished rows skipped, a batch sorted longest first gives
     * the thread of the long rows fewer of them.
     */
    int[] scanRanges(Compute cx, T tp, Pass p) {
        if (!options.rowScans() || !packed || eventDriven || cell.split() != Compute.Split.ROWS
                || cell.wiring() == Cell.Wiring.NORMALISED || forwardWeights == null) {
            return null;
        }
        long bytes = 4L * forwardWeights.rows() * forwardWeights.columns()
                + (cell.projection() != null ? 4L * cell.hidden * cell.out : 0);
        int b = tp.batch;
        int parts = Math.min(cx.threads(), b / ROW_SCAN_MIN_ROWS);
        if (parts < 2 || bytes > ROW_SCAN_MAX_WEIGHT_BYTES) {
            return null;
        }
        // cost[i]: the steps that compute row i (those whose running rows reach past it)
        long[] cost = new long[b + 1];
        for (int t = 0; t < tp.steps; t++) {
            cost[rows(p, t)]++;
        }
        for (int i = b - 1; i >= 0; i--) {
            cost[i] += cost[i + 1];
        }
        return balancedRanges(cost, b, parts, ROW_SCAN_MIN_ROWS);
    }

    /**
     * Splits rows [0, rows) into {@code parts} contiguous ranges of at least {@code minRows} rows whose costs
     * (cost[i] for row i) are as equal as a cut between rows allows: range k ends where the running total passes
     * k/parts of the whole (a row goes to the range holding more than half of it). Returns the parts + 1 bounds.
     */
    static int[] balancedRanges(long[] cost, int rows, int parts, int minRows) {
        long total = 0;
        for (int i = 0; i < rows; i++) {
            total += cost[i];
        }
        int[] ranges = new int[parts + 1];
        int row = 0;
        long done = 0;
        for (int k = 1; k < parts; k++) {
            long target = total * k / parts;
            int last = rows - (parts - k) * minRows;   // leave the later ranges their rows
            while (row < last && (row - ranges[k - 1] < minRows || done + cost[row] / 2 < target)) {
                done += cost[row++];
            }
            ranges[k] = row;
        }
        ranges[parts] = rows;
        return ranges;
    }

    /** A row scan gives each thread at least this many rows. */
    private static final int ROW_SCAN_MIN_ROWS = 8;
    /** Row scans for packed weights (and projection) of at most this many bytes. */
    private static final long ROW_SCAN_MAX_WEIGHT_BYTES = 2L << 20;

    /**
     * Step t of a forward pass for rows [lo, hi) only (those still running), on the calling thread with kernels k:
     * the step's products for those rows, then their elementwise work. s is the calling thread's own operands.
     * Every element is computed by the same chain of operations as in {@link #forwardStep}, so a pass of row
     * scans gives the same bits.
     */
    void forwardRows(Kernels k, float[] w, T tp, Pass p, int t, int lo, int hi, Compute.StepOperands s) {
        int end = Math.max(lo, Math.min(hi, rows(p, t)));
        int b = tp.batch;
        if (end > lo) {
            stepOperands(s, w, tp, t, b).computeRows(k, lo, end);
            cell.forward(k, w, tp, p, t, lo, end, 0, cell.gw / gates);
        }
        if (cell.projection() != null) {   // r_t = m_t · W_hrᵀ of rows [lo, hi), zeros for the finished ones
            LstmCell.LstmTape lt = (LstmCell.LstmTape) tp;
            int h = cell.hidden;
            int m = t * b * h;
            int rNext = tp.next(t) * b * cell.out;
            Arrays.fill(lt.m, m + end * h, m + hi * h, 0f);
            Arrays.fill(tp.h, rNext + lo * cell.out, rNext + hi * cell.out, 0f);
            projectionWeights.multAddInto(k, hi - lo, lt.m, m + lo * h, h, tp.h, rNext + lo * cell.out, cell.out);
        }
    }

    /**
     * s set to step t's packed products over {@code rows} rows: the input part (when fused: bias + x_t·W_ihᵀ into
     * the gates) and the recurrent part h_{t−1}·W_hhᵀ (with b_hh into its own buffer for the GRU's wiring).
     */
    private Compute.StepOperands stepOperands(Compute.StepOperands s, float[] w, T tp, int t, int rows) {
        int b = tp.batch;
        s.rows(rows, forwardWeights, gates);
        if (fused) {
            s.input(x, xOff + t * b * cell.inputSize, cell.inputSize, cell.inputSize, fusedBias, 0, tp.pre,
                    t * b * cell.gw, cell.gw);
        } else {
            s.noInput();
        }
        boolean ownBias = cell.wiring() == Cell.Wiring.RESET_AFTER;   // rec = b_hh + h·W_hhᵀ
        return s.recurrent(tp.h, tp.prev(t) * b * cell.out, cell.out, ownBias ? w : null, weights.bhh.offset(),
                tp.recurrentPart(), tp.recurrentOffset(t), cell.gw);
    }

    /**
     * r_t (B, P) = m_t · W_hrᵀ, on every row (the finished rows' m_t are zeros): packed in a packed pass, so that
     * a row gets the same bits whichever rows are computed with it (as a row scan computes them), else unpacked.
     */
    private void project(Compute cx, float[] w, LstmCell.LstmTape tp, int t, int rows, ParamView projection) {
        int b = tp.batch;
        int h = cell.hidden;
        int m = t * b * h;
        int rNext = tp.next(t) * b * cell.out;
        Arrays.fill(tp.m, m + rows * h, m + b * h, 0f);
        Arrays.fill(tp.h, rNext, rNext + b * cell.out, 0f);
        if (packed) {
            cx.multAddPacked(b, tp.m, m, h, projectionWeights, tp.h, rNext, cell.out);
        } else {
            cx.multTransBAdd(b, cell.out, h, tp.m, m, h, w, projection.offset(), h, tp.h, rNext, cell.out);
        }
    }

    /**
     * A step of the original GRU form, whose candidate reads r_t ⊙ h_{t−1}: pre[r, z] += h_{t−1}·W_hh[r, z]ᵀ, the
     * reset half of the elementwise work, pre[n] += (r ⊙ h_{t−1})·W_hnᵀ, the rest. Unpacked, on every row.
     */
    private void resetBeforeStep(Compute cx, float[] w, T tp, Pass p, int t) {
        int b = tp.batch;
        int h = cell.hidden;
        int pre = t * b * cell.gw;
        int whh = weights.whh.offset();
        GruTape gt = (GruTape) tp;
        cx.multTransBAdd(b, 2 * h, h, tp.h, tp.prev(t) * b * h, h, w, whh, h, tp.pre, pre, cell.gw);
        cell.forwardReset(cx.kernels(), w, tp, p, t, 0, b);
        cx.multTransBAdd(b, h, h, gt.aux, t * b * h, h, w, whh + 2 * h * h, h, tp.pre, pre + 2 * h, cell.gw);
        cell.forward(cx.kernels(), w, tp, p, t, 0, b, 0, h);
    }

    /** The elementwise work of the current step over rows [0, rows), split as the cell allows. */
    private void split(Compute cx, int rows) {
        cx.forBlocks(rows, cell.hidden, elementwise, cell.split());
    }

    /** Ends a forward pass: the schedule lets go of the input, the cell finishes (running statistics). */
    void endForward(float[] w, T tp, Pass p) {
        x = null;
        operands.noInput();
        cell.endForward(w, tp, p);
    }

    /**
     * Before the first backward step: packs W_hh for the steps of a pass long enough (whether or not its forward
     * steps were event-driven).
     */
    void startBackward(Compute cx, float[] w, T tp) {
        tp.ensureBackward();
        packed = cell.wiring() != Cell.Wiring.RESET_BEFORE && tp.steps >= options.packMinSteps();
        if (packed) {
            backwardWeights = PackedMatrix.reuse(backwardWeights, cx.kernels(), cell.gw, cell.out)
                    .pack(w, weights.whh.offset(), cell.out, false);
            ParamView projection = cell.projection();
            if (projection != null) {
                projectionBackwardWeights = PackedMatrix.reuse(projectionBackwardWeights, cx.kernels(), cell.out,
                        cell.hidden).pack(w, projection.offset(), cell.hidden, false);
            }
        }
    }

    /**
     * Step t backward, from d.dh and d.dc: the gate gradients of step t and the gradients at the state before it,
     * dhPrev = (the cell's direct path) + dRec·W_hh; rows the step skipped get zeros.
     */
    void backwardStep(Compute cx, float[] w, float[] g, T tp, Pass p, int t, Cell.Carry d) {
        int b = tp.batch;
        int rows = rows(p, t);
        Arrays.fill(d.dhPrev, 0, b * cell.out, 0f);
        ParamView projection = cell.projection();
        if (projection != null) {   // dm_t = dr_t · W_hr, every row; dr_t kept for dW_hr
            LstmCell.LstmTape lt = (LstmCell.LstmTape) tp;
            System.arraycopy(d.dh, 0, lt.dR, t * b * cell.out, b * cell.out);
            Arrays.fill(lt.dm, 0, b * cell.hidden, 0f);
            if (packed) {
                cx.multAddPacked(b, d.dh, 0, cell.out, projectionBackwardWeights, lt.dm, 0, cell.hidden);
            } else {
                cx.multAdd(b, cell.hidden, cell.out, d.dh, 0, cell.out, w, projection.offset(), cell.hidden, lt.dm,
                        0, cell.hidden);
            }
        }
        if (cell.wiring() == Cell.Wiring.RESET_BEFORE) {
            resetBeforeBackward(cx, w, g, tp, p, t, d);
        } else {
            elementwise.backward(w, g, tp, p, t, d);
            split(cx, rows);
            float[] dRec = tp.dRecurrent();
            zeroGateGradients(tp, t, rows, b);   // finished rows: no gradient
            int off = t * b * cell.gw;
            if (packed) {
                cx.multAddPacked(rows, dRec, off, cell.gw, backwardWeights, d.dhPrev, 0, cell.out);
            } else {
                cx.multAdd(b, cell.out, cell.gw, dRec, off, cell.gw, w, weights.whh.offset(), cell.out, d.dhPrev, 0,
                        cell.out);
            }
        }
        if (rows < b) {   // finished rows the step skipped
            Arrays.fill(d.dhPrev, rows * cell.out, b * cell.out, 0f);
            Arrays.fill(d.dcPrev, rows * cell.hidden, b * cell.hidden, 0f);
        }
    }

    /**
     * Step t backward for rows [lo, hi) only, on the calling thread with kernels k (a thread's part of a row scan,
     * {@link #scanRanges}): the gate gradients of the rows still running, their dhPrev = (the cell's direct path) +
     * dRec·W_hh, zeros for the finished ones. The same operations per element as {@link #backwardStep}, so the same
     * bits.
     */
    void backwardRows(Kernels k, float[] w, float[] g, T tp, Pass p, int t, Cell.Carry d, int lo, int hi) {
        int b = tp.batch;
        int end = Math.max(lo, Math.min(hi, rows(p, t)));
        Arrays.fill(d.dhPrev, lo * cell.out, hi * cell.out, 0f);
        if (cell.projection() != null) {   // dm_t = dr_t · W_hr of rows [lo, hi); dr_t kept for dW_hr
            LstmCell.LstmTape lt = (LstmCell.LstmTape) tp;
            System.arraycopy(d.dh, lo * cell.out, lt.dR, (t * b + lo) * cell.out, (hi - lo) * cell.out);
            Arrays.fill(lt.dm, lo * cell.hidden, hi * cell.hidden, 0f);
            projectionBackwardWeights.multAddInto(k, hi - lo, d.dh, lo * cell.out, cell.out, lt.dm, lo * cell.hidden,
                    cell.hidden);
        }
        if (end > lo) {
            cell.backward(k, w, g, tp, p, t, d, lo, end, 0, cell.gw / gates);
        }
        int off = t * b * cell.gw;
        float[] dRec = tp.dRecurrent();
        zeroGateGradients(tp, t, end, hi);   // finished rows: no gradient
        if (end > lo) {
            backwardWeights.multAddInto(k, end - lo, dRec, off + lo * cell.gw, cell.gw, d.dhPrev, lo * cell.out,
                    cell.out);
        }
        Arrays.fill(d.dcPrev, end * cell.hidden, hi * cell.hidden, 0f);
    }

    /** Zeroes rows [from, to) of step t in the gate gradients: dA, and dRec and dIn where the cell has them. */
    private void zeroGateGradients(T tp, int t, int from, int to) {
        tp.zeroRows(tp.dA, t, cell.gw, from, to);
        if (tp.dRecurrent() != tp.dA) {
            tp.zeroRows(tp.dRecurrent(), t, cell.gw, from, to);
        }
        if (tp.dInput() != tp.dA) {
            tp.zeroRows(tp.dInput(), t, cell.gw, from, to);
        }
    }

    /**
     * The original GRU form backward: through the mix and n, d(r ⊙ h_{t−1}) = dA^n · W_hn, through the reset gate,
     * then dh_{t−1} += dA[r, z] · W_hh[r, z]. Unpacked, on every row.
     */
    private void resetBeforeBackward(Compute cx, float[] w, float[] g, T tp, Pass p, int t, Cell.Carry d) {
        int b = tp.batch;
        int h = cell.hidden;
        int pre = t * b * cell.gw;
        int whh = weights.whh.offset();
        GruTape gt = (GruTape) tp;
        cell.backward(cx.kernels(), w, g, tp, p, t, d, 0, b, 0, h);
        Arrays.fill(gt.dAux, 0f);
        cx.multAdd(b, h, h, tp.dA, pre + 2 * h, cell.gw, w, whh + 2 * h * h, h, gt.dAux, 0, h);
        cell.backwardReset(tp, p, t, d, 0, b);
        cx.multAdd(b, h, 2 * h, tp.dA, pre, cell.gw, w, whh, h, d.dhPrev, 0, h);
    }

    /**
     * After the backward scan: the weight and bias gradients of all steps at once, and dx += dInput · W_ih.
     *
     * @param x  the forward input (T·B, I), not modified
     * @param dx (T·B, I) input gradient, accumulated into, or null when not needed
     */
    void endBackward(Compute cx, float[] w, float[] g, T tp, Pass p, float[] x, int xOff, float[] dx, int dxOff) {
        int rows = tp.steps * tp.batch;
        int in = cell.inputSize;
        int gw = cell.gw;
        int r = cell.out;
        float[] dIn = tp.dInput();
        multTransAAddComputedRows(cx, tp.steps, tp.batch, skipping ? p : null, gw, in, dIn, 0, gw, x, xOff, in, g,
                weights.wih.offset(), in);
        cx.kernels().sumRowsAdd(rows, gw, tp.dA, 0, gw, g, weights.bih.offset());
        if (dx != null) {
            cx.multAdd(rows, in, gw, dIn, 0, gw, w, weights.wih.offset(), in, dx, dxOff, in);
        }
        int hPrev0 = tp.firstPrevIndex() * tp.batch * r;   // (T·B, R) the states each step's product read
        if (cell.wiring() == Cell.Wiring.RESET_BEFORE) {
            int h = cell.hidden;
            int whh = weights.whh.offset();
            // r and z rows read h_{t−1}; n rows read r_t ⊙ h_{t−1}
            cx.multTransAAdd(2 * h, h, rows, tp.dA, 0, gw, tp.h, hPrev0, h, g, whh, h);
            cx.multTransAAdd(h, h, rows, tp.dA, 2 * h, gw, ((GruTape) tp).aux, 0, h, g, whh + 2 * h * h, h);
            cx.kernels().sumRowsAdd(rows, gw, tp.dA, 0, gw, g, weights.bhh.offset());
        } else {
            float[] dRec = tp.dRecurrent();
            multTransAAddComputedRows(cx, tp.steps, tp.batch, skipping ? p : null, gw, r, dRec, 0, gw, tp.h, hPrev0, r, g, weights.whh.offset(), r);
            // b_hh is added with the recurrent product (reset after) or with the gates
            float[] dBias = cell.wiring() == Cell.Wiring.RESET_AFTER ? dRec : tp.dA;
            cx.kernels().sumRowsAdd(rows, gw, dBias, 0, gw, g, weights.bhh.offset());
        }
        ParamView projection = cell.projection();
        if (projection != null) {   // dW_hr (P, H) += Σ_t dr_tᵀ m_t
            LstmCell.LstmTape lt = (LstmCell.LstmTape) tp;
            cx.multTransAAdd(r, cell.hidden, rows, lt.dR, 0, r, lt.m, 0, cell.hidden, g, projection.offset(),
                    cell.hidden);
        }
    }

    /**
     * C (m, n) += Aᵀ·B over a pass's T·B rows, with A (T·B, m) and B (T·B, n) at row strides lda and ldb, as
     * {@code cx.multTransAAdd} over every row. After a backward pass that skipped finished rows (A holding the gate
     * gradients; {@code skipped} its pass, null when every row was computed), only the rows the steps computed are
     * used, gathered {@value #GATHER_ROWS} at a time and in the same order: the others are zero rows of A, which
     * leave every element's chain of multiply-adds unchanged, so the bits are those of the product over every row.
     *
     * <p>A weight gradient has many more columns of A (the gates) than of B (the inputs or states): with m at
     * least {@value #TRANSPOSE_RATIO} n and n at most 128, Cᵀ (n, m) += Bᵀ·A is computed instead, in a transposed
     * copy of C (at n = 256, config A's W_hh, the transposed product looked slower on two threads). Each
     * element is the same chain of multiply-adds over the rows (its two factors swapped), so the bits are the same;
     * the kernels copy the narrow operand rather than the wide one into their panels (event-digits Phased LSTM, m = 4H: about
     * twice as fast at n = 40, 1.3 times at n = 110; {@code PhasedTrainBreakdown}, docs/performance.md).
     */
    void multTransAAddComputedRows(Compute cx, int steps, int batch, Pass skipped, int m, int n, float[] a, int aOff,
                                   int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        long computed = 0;
        if (skipped != null) {
            for (int t = 0; t < steps; t++) {
                computed += skipped.runningRows(t);
            }
        }
        boolean swap = m >= TRANSPOSE_RATIO * n && n <= 128;
        float[] cc = c;   // C, or its transpose (n, m)
        int ccOff = cOff;
        int ldcc = ldc;
        if (swap) {
            if (transposed.length < n * m) {
                transposed = new float[n * m];
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    transposed[j * m + i] = c[cOff + i * ldc + j];
                }
            }
            cc = transposed;
            ccOff = 0;
            ldcc = m;
        }
        if (skipped == null || computed > 0.85 * steps * batch) {   // too few rows to skip to pay for the copies
            product(cx, swap, m, n, steps * batch, a, aOff, lda, b, bOff, ldb, cc, ccOff, ldcc);
        } else {
            gatheredProduct(cx, steps, batch, skipped, swap, m, n, a, aOff, lda, b, bOff, ldb, cc, ccOff, ldcc);
        }
        if (swap) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[cOff + i * ldc + j] = transposed[j * m + i];
                }
            }
        }
    }

    /** C (m, n) += Aᵀ·B over k rows, or with {@code swap} C (n, m) += Bᵀ·A. */
    private static void product(Compute cx, boolean swap, int m, int n, int k, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (swap) {
            cx.multTransAAdd(n, m, k, b, bOff, ldb, a, aOff, lda, c, cOff, ldc);
        } else {
            cx.multTransAAdd(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }
    }

    /** {@link #product} over the rows the steps of {@code skipped} computed, gathered in chunks. */
    private void gatheredProduct(Compute cx, int steps, int batch, Pass skipped, boolean swap, int m, int n,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff,
                                 int ldc) {
        if (gatherA.length < GATHER_ROWS * m) {
            gatherA = new float[GATHER_ROWS * m];
        }
        if (gatherB.length < GATHER_ROWS * n) {
            gatherB = new float[GATHER_ROWS * n];
        }
        int k = 0;
        for (int t = 0; t < steps; t++) {
            int r = skipped.runningRows(t);
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
                    product(cx, swap, m, n, k, gatherA, 0, m, gatherB, 0, n, c, cOff, ldc);
                    k = 0;
                }
            }
        }
        if (k > 0) {
            product(cx, swap, m, n, k, gatherA, 0, m, gatherB, 0, n, c, cOff, ldc);
        }
    }

    /**
     * The one adapter from the threads' blocks to the cell's elementwise methods: what the current step is, set
     * before the step's hand-off and read by every thread of it.
     */
    private final class Elementwise implements Compute.StepTask {
        private boolean backward;
        private float[] w;
        private float[] g;
        private T tp;
        private Pass p;
        private int t;
        private Cell.Carry d;

        void forward(float[] w, T tp, Pass p, int t) {
            this.backward = false;
            this.w = w;
            this.tp = tp;
            this.p = p;
            this.t = t;
        }

        void backward(float[] w, float[] g, T tp, Pass p, int t, Cell.Carry d) {
            this.backward = true;
            this.w = w;
            this.g = g;
            this.tp = tp;
            this.p = p;
            this.t = t;
            this.d = d;
        }

        @Override
        public void run(Kernels k, int lo, int hi, int u0, int u1) {
            if (backward) {
                cell.backward(k, w, g, tp, p, t, d, lo, hi, u0, u1);
            } else {
                cell.forward(k, w, tp, p, t, lo, hi, u0, u1);
            }
        }
    }
}
