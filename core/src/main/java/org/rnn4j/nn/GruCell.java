package org.rnn4j.nn;

import org.rnn4j.kernel.Activation;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamLayout;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * GRU cell (Cho et al. 2014), gate order r, z, n as in PyTorch.
 *
 * <pre>
 * r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
 * z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
 * n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))     linear before reset (default, PyTorch/ONNX)
 * n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t-1}) + b_hn)     original form (Cho et al.)
 * h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}
 * </pre>
 * Shapes: B batch, T steps, I input, H hidden (= R), G = 3H. Derivation: {@code docs/cells/gru.md}.
 */
final class GruCell extends AbstractCell<GruCell.GruTape> {

    /** The GRU's extra buffers. */
    static final class GruTape extends Tape {
        /**
         * (T, B, H) per step: W_hn h_{t-1} + b_hn in the default form, r_t ⊙ h_{t-1} in the original form.
         */
        final float[] aux;
        /** (B, G) recurrent product of the current step (default form). */
        final float[] rec;
        /** (T, B, G) gradient of the recurrent product's output (default form; it differs from dA in the n rows). */
        float[] dRec;
        /** (B, H) gradient at r_t ⊙ h_{t-1} (original form). */
        float[] dRh;
        /** The elementwise work of a forward step (default form), reused from step to step. */
        ForwardRows forwardRows;
        /** The elementwise work of a backward step (default form), reused from step to step. */
        BackwardRows backwardRows;

        GruTape(GruCell cell, int batch, int steps, boolean reverse) {
            super(cell, batch, steps, reverse);
            this.aux = new float[size("GRU buffer", steps, batch, cell.hidden)];
            this.rec = cell.linearBeforeReset ? new float[batch * 3 * cell.hidden] : new float[0];
        }

        @Override
        void ensureBackward(Cell<?> cell) {
            super.ensureBackward(cell);
            if (dRh == null) {
                GruCell gc = (GruCell) cell;
                dRec = gc.linearBeforeReset ? new float[pre.length] : dA;
                dRh = new float[batch * gc.hidden];
            }
        }
    }

    private final boolean linearBeforeReset;
    private final StandardWeights weights;

    GruCell(GruSpec spec, int inputSize, int hidden, ParamLayout.Builder layout, String suffix) {
        super(inputSize, hidden, hidden, 3 * hidden, false);
        this.linearBeforeReset = spec.linearBeforeReset();
        this.weights = new StandardWeights(layout, suffix, gw, inputSize, hidden);
    }

    @Override
    public GruTape newTape(int batch, int steps, boolean reverse) {
        GruTape tp = new GruTape(this, batch, steps, reverse);
        tp.forwardRows = new ForwardRows(tp);
        tp.backwardRows = new BackwardRows(tp);
        return tp;
    }

    @Override
    public void initialize(float[] w, Init init, RandomGenerator rng) {
        weights.initialize(w, init, hidden, rng);
    }

    @Override
    public void projectInput(Compute cx, float[] w, GruTape tp, float[] x, int xOff) {
        // In the default form b_hh is added with the recurrent product, since b_hn sits inside r ⊙ (...).
        if (linearBeforeReset) {   // one product with all of W_hh per step (Cho's form uses parts of it)
            weights.prepareFused(cx, w, tp, x, xOff, false);
        } else {
            weights.project(cx, w, x, xOff, tp.steps * tp.batch, tp.pre, true);
        }
    }

    @Override
    public void finishForward(float[] w, GruTape tp) {
        StandardWeights.finishFused(tp);
    }

    @Override
    public boolean skipsFinishedRows() {
        return true;
    }

    @Override
    public void startBackward(Compute cx, float[] w, GruTape tp) {
        if (linearBeforeReset) {
            weights.prepareBackward(cx, w, tp);
        }
    }

    @Override
    public void forwardStep(Compute cx, float[] w, GruTape tp, int t) {
        Kernels k = cx.kernels();
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;             // (B, G) gates r, z, n of step t
        int hPrev = tp.prev(t) * bsz * h;   // (B, H)
        int aux = t * bsz * h;              // (B, H)
        int whh = weights.whh.offset();

        if (linearBeforeReset) {
            // rec (B, G) = b_hh + h_{t-1} W_hhᵀ, then the elementwise rest on the threads that computed it
            ForwardRows rows = tp.forwardRows;
            rows.k = k;
            rows.t = t;
            weights.recurrentStep(cx, w, tp, t, tp.h, hPrev, tp.pre, pre, gw, tp.rec, 3, rows);
            return;
        }
        int m = bsz;   // the original form's products are unpacked: every row (see Tape.rows)
        cx.multTransBAdd(m, 2 * h, h, tp.h, hPrev, h, w, whh, h, tp.pre, pre, gw);
        k.activate(Activation.SIGMOID, m, 2 * h, tp.pre, pre, gw);
        for (int b = 0; b < m; b++) {
            for (int j = 0; j < h; j++) {
                tp.aux[aux + b * h + j] = tp.pre[pre + b * gw + j] * tp.h[hPrev + b * h + j];
            }
        }
        cx.multTransBAdd(m, h, h, tp.aux, aux, h, w, whh + 2 * h * h, h, tp.pre, pre + 2 * h, gw);
        k.activate(Activation.TANH, m, h, tp.pre, pre + 2 * h, gw);
        mix(tp, t, 0, m, 0, h);
    }

    /** The elementwise work of a backward step (default form) for some rows; set per step and reused. */
    final class BackwardRows implements Compute.RowTask {
        private final GruTape tp;
        float[] dh;
        float[] dhPrev;
        int t;

        BackwardRows(GruTape tp) {
            this.tp = tp;
        }

        @Override
        public void run(int lo, int hi) {
            throughMix(tp, t, dh, dhPrev, lo, hi);
            int bsz = tp.batch;
            int h = hidden;
            int pre = t * bsz * gw;
            int aux = t * bsz * h;
            for (int b = lo; b < hi; b++) {
                int row = pre + b * gw;
                for (int j = 0; j < h; j++) {
                    float r = tp.pre[row + j];
                    float dAn = tp.dA[row + 2 * h + j];
                    float dAr = dAn * tp.aux[aux + b * h + j] * r * (1f - r);
                    tp.dA[row + j] = dAr;
                    tp.dRec[row + j] = dAr;
                    tp.dRec[row + h + j] = tp.dA[row + h + j];
                    tp.dRec[row + 2 * h + j] = dAn * r;
                }
            }
        }
    }

    /** Rows [lo, hi) through h_t = (1 − z) n + z h_{t−1}: dA^z, dA^n, and the direct path dh_{t−1} = dh ⊙ z. */
    private void throughMix(GruTape tp, int t, float[] dh, float[] dhPrev, int lo, int hi) {
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;
        int hPrev = tp.prev(t) * bsz * h;
        for (int b = lo; b < hi; b++) {
            int row = pre + b * gw;
            for (int j = 0; j < h; j++) {
                float z = tp.pre[row + h + j];
                float n = tp.pre[row + 2 * h + j];
                float d = dh[b * h + j];
                float hp = tp.h[hPrev + b * h + j];
                tp.dA[row + h + j] = d * (hp - n) * z * (1f - z);
                tp.dA[row + 2 * h + j] = d * (1f - z) * (1f - n * n);
                dhPrev[b * h + j] = d * z;
            }
        }
    }

    /** The elementwise part of a forward step (default form); set per step and reused. */
    final class ForwardRows implements Compute.StepTask {
        private final GruTape tp;
        Kernels k;
        int t;

        ForwardRows(GruTape tp) {
            this.tp = tp;
        }

        @Override
        public void run(int lo, int hi, int unitLo, int unitHi) {
            forwardRows(k, tp, t, lo, hi, unitLo, unitHi);
        }
    }

    /** Default form, rows [lo, hi) and units [u0, u1) of step t after the recurrent product: r, z, n and h_t. */
    private void forwardRows(Kernels k, GruTape tp, int t, int lo, int hi, int u0, int u1) {
        int bsz = tp.batch;
        int h = hidden;
        int rows = hi - lo;
        int n = u1 - u0;
        int pre = (t * bsz + lo) * gw + u0;
        int aux = (t * bsz + lo) * h + u0;
        for (int b = 0; b < rows; b++) {
            int row = pre + b * gw;
            int rec = (lo + b) * gw + u0;
            for (int j = 0; j < n; j++) {
                tp.pre[row + j] += tp.rec[rec + j];
                tp.pre[row + h + j] += tp.rec[rec + h + j];
            }
        }
        k.activate(Activation.SIGMOID, rows, n, tp.pre, pre, gw);
        k.activate(Activation.SIGMOID, rows, n, tp.pre, pre + h, gw);
        for (int b = 0; b < rows; b++) {
            int row = pre + b * gw;
            int rec = (lo + b) * gw + u0;
            for (int j = 0; j < n; j++) {
                float hn = tp.rec[rec + 2 * h + j];
                tp.aux[aux + b * h + j] = hn;
                tp.pre[row + 2 * h + j] += tp.pre[row + j] * hn;
            }
        }
        k.activate(Activation.TANH, rows, n, tp.pre, pre + 2 * h, gw);
        mix(tp, t, lo, hi, u0, u1);
    }

    /** h_t = (1 − z) ⊙ n + z ⊙ h_{t−1} for rows [lo, hi) and units [u0, u1) of step t. */
    private void mix(GruTape tp, int t, int lo, int hi, int u0, int u1) {
        int bsz = tp.batch;
        int h = hidden;
        int hPrev = tp.prev(t) * bsz * h;
        int hNext = tp.next(t) * bsz * h;
        for (int b = lo; b < hi; b++) {
            int row = (t * bsz + b) * gw;
            for (int j = u0; j < u1; j++) {
                float z = tp.pre[row + h + j];
                float n = tp.pre[row + 2 * h + j];
                tp.h[hNext + b * h + j] = (1f - z) * n + z * tp.h[hPrev + b * h + j];
            }
        }
    }

    @Override
    public void backwardStep(Compute cx, float[] w, float[] g, GruTape tp, int t,
                             float[] dh, float[] dc, float[] dhPrev, float[] dcPrev) {
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;
        int hPrev = tp.prev(t) * bsz * h;
        int whh = weights.whh.offset();
        // rows past m are finished sequences with zero gradients; the original form's unpacked products take all
        int m = linearBeforeReset ? tp.rows : bsz;

        if (linearBeforeReset) {   // rows independent up to the product: split between the threads
            BackwardRows rows = tp.backwardRows;
            rows.dh = dh;
            rows.dhPrev = dhPrev;
            rows.t = t;
            cx.forRows(m, rows);
            rows.dh = rows.dhPrev = null;
            tp.zeroRows(tp.dRec, t, gw, m);   // finished rows: no gradient
            weights.recurrentBackward(cx, w, tp, tp.dRec, pre, gw, dhPrev);
        } else {
            throughMix(tp, t, dh, dhPrev, 0, m);
            // d(r ⊙ h_{t-1}) = dA^n · W_hn
            Arrays.fill(tp.dRh, 0f);
            cx.multAdd(m, h, h, tp.dA, pre + 2 * h, gw, w, whh + 2 * h * h, h, tp.dRh, 0, h);
            for (int b = 0; b < m; b++) {
                int row = pre + b * gw;
                for (int j = 0; j < h; j++) {
                    float r = tp.pre[row + j];
                    float drh = tp.dRh[b * h + j];
                    tp.dA[row + j] = drh * tp.h[hPrev + b * h + j] * r * (1f - r);
                    dhPrev[b * h + j] += drh * r;
                }
            }
            cx.multAdd(m, h, 2 * h, tp.dA, pre, gw, w, whh, h, dhPrev, 0, h);
        }
        tp.zeroRows(tp.dA, t, gw, m);
    }

    @Override
    public void backwardSequence(Compute cx, float[] w, float[] g, GruTape tp, float[] x, int xOff,
                                 float[] dx, int dxOff) {
        int rows = tp.steps * tp.batch;
        int h = hidden;
        int hPrev0 = tp.firstPrevIndex() * tp.batch * h;
        weights.inputGrads(cx, w, g, rows, tp.dA, x, xOff, dx, dxOff);
        if (linearBeforeReset) {
            weights.recurrentGrads(cx, g, tp, tp.dRec, tp.h, hPrev0);
        } else {
            int whh = weights.whh.offset();
            // r and z rows read h_{t-1}; n rows read r_t ⊙ h_{t-1}
            cx.multTransAAdd(2 * h, h, rows, tp.dA, 0, gw, tp.h, hPrev0, h, g, whh, h);
            cx.multTransAAdd(h, h, rows, tp.dA, 2 * h, gw, tp.aux, 0, h, g, whh + 2 * h * h, h);
            cx.kernels().sumRowsAdd(rows, gw, tp.dA, 0, gw, g, weights.bhh.offset());
        }
    }
}
