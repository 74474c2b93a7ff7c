package org.rnn4j.nn;

import org.rnn4j.kernel.Activation;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.ParamView;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * LSTM cell with a forget gate (Hochreiter &amp; Schmidhuber 1997; Gers, Schmidhuber &amp; Cummins 2000) and the
 * options of {@link LstmSpec}: diagonal peepholes, coupled input/forget gate, recurrent projection (LSTMP,
 * Sak, Senior &amp; Beaufays 2014) and cell clipping.
 *
 * <pre>
 * a_t = W_ih x_t + b_ih + W_hh r_{t-1} + b_hh            gate order i, f, g, o (f, g, o with CIFG)
 * i_t = σ(a^i + p_i ⊙ c_{t-1})        (i_t = 1 - f_t with CIFG)
 * f_t = σ(a^f + p_f ⊙ c_{t-1})
 * g_t = tanh(a^g)
 * c_t = clip(f_t ⊙ c_{t-1} + i_t ⊙ g_t)
 * o_t = σ(a^o + p_o ⊙ c_t)
 * m_t = o_t ⊙ tanh(c_t)
 * r_t = W_hr m_t  (projection)  or  r_t = m_t
 * </pre>
 * Peephole terms are present only with peepholes. Shapes: B batch, T steps, I input, H hidden, P projection,
 * R = P or H, G = gates·H. Derivation of the backward pass: {@code docs/cells/lstm.md}.
 */
final class LstmCell extends AbstractCell<LstmCell.LstmTape> {

    /** The LSTM's extra buffers. */
    static final class LstmTape extends Tape {
        /** (T, B, H) tanh(c_t). */
        final float[] tanhC;
        /** (T, B, H) m_t = o_t ⊙ tanh(c_t), kept only with a projection (else it is the output r_t). */
        final float[] m;
        /** (T, B, P) dL/dr_t per step, for the deferred projection gradient; projection only. */
        float[] dR;
        /** (B, H) dL/dm_t of the current backward step. */
        float[] dm;
        /** The elementwise work of a forward step, reused from step to step. */
        ForwardRows forwardRows;
        /** The elementwise work of a backward step, reused from step to step. */
        BackwardRows backwardRows;

        LstmTape(LstmCell cell, int batch, int steps, boolean reverse) {
            super(cell, batch, steps, reverse);
            this.tanhC = new float[size("cell activation buffer", steps, batch, cell.hidden)];
            this.m = cell.projSize > 0 ? new float[size("projection input buffer", steps, batch, cell.hidden)] : new float[0];
        }

        @Override
        void ensureBackward(Cell<?> cell) {
            super.ensureBackward(cell);
            if (dm == null) {
                LstmCell lc = (LstmCell) cell;
                dm = new float[batch * lc.hidden];
                dR = lc.projSize > 0 ? new float[steps * batch * lc.projSize] : new float[0];
            }
        }
    }

    private final int projSize;
    private final boolean cifg;
    private final float clip;
    // column offsets of the gate blocks within a row of pre (i is -1 with CIFG)
    private final int colI;
    private final int colF;
    private final int colG;
    private final int colO;
    private final StandardWeights weights;
    private final ParamView peephole;   // (3, H) rows i, f, o; (2, H) rows f, o with CIFG; null without
    private final ParamView projection; // weight_hr (P, H), or null

    LstmCell(LstmSpec spec, int inputSize, int hidden, ParamLayout.Builder layout, String suffix) {
        super(inputSize, hidden, spec.outputSize(hidden), spec.gates() * hidden, true);
        this.projSize = spec.projSize();
        this.cifg = spec.cifg();
        this.clip = spec.cellClip();
        this.colI = cifg ? -1 : 0;
        this.colF = cifg ? 0 : hidden;
        this.colG = colF + hidden;
        this.colO = colG + hidden;
        this.weights = new StandardWeights(layout, suffix, gw, inputSize, out);
        this.projection = projSize > 0 ? layout.add("weight_hr" + suffix, projSize, hidden) : null;
        this.peephole = spec.peepholes() ? layout.add("weight_peephole" + suffix, cifg ? 2 : 3, hidden) : null;
    }

    @Override
    public LstmTape newTape(int batch, int steps, boolean reverse) {
        LstmTape tp = new LstmTape(this, batch, steps, reverse);
        tp.forwardRows = new ForwardRows(tp);
        tp.backwardRows = new BackwardRows(tp);
        return tp;
    }

    // peephole vector offsets in the flat array (only valid with peepholes)
    private int peepI() {
        return peephole.offset();
    }

    private int peepF() {
        return peephole.offset() + (cifg ? 0 : hidden);
    }

    private int peepO() {
        return peephole.offset() + (cifg ? hidden : 2 * hidden);
    }

    @Override
    public void initialize(float[] w, Init init, RandomGenerator rng) {
        weights.initialize(w, init, hidden, rng);
        float k = (float) (1.0 / Math.sqrt(hidden));
        if (projection != null) {
            if (init == Init.PYTORCH) {
                Initializers.uniform(w, projection.offset(), projection.size(), k, rng);
            } else {
                Initializers.glorotUniform(w, projection.offset(), projSize, hidden, rng);
            }
        }
        if (peephole != null) {
            if (init == Init.PYTORCH) {
                Initializers.uniform(w, peephole.offset(), peephole.size(), k, rng);
            } else {
                Initializers.fill(w, peephole.offset(), peephole.size(), 0f);
            }
        }
        if (init == Init.GLOROT_ORTHOGONAL) {
            setForgetBias(w, 1f);
        }
    }

    /** Sets the forget-gate rows of b_ih to {@code value} and those of b_hh to 0, so their sum is {@code value}. */
    void setForgetBias(float[] w, float value) {
        Arrays.fill(w, weights.bih.offset() + colF, weights.bih.offset() + colF + hidden, value);
        Arrays.fill(w, weights.bhh.offset() + colF, weights.bhh.offset() + colF + hidden, 0f);
    }

    @Override
    public boolean skipsFinishedRows() {
        return true;
    }

    @Override
    public void projectInput(Compute cx, float[] w, LstmTape tp, float[] x, int xOff) {
        weights.prepareFused(cx, w, tp, x, xOff, true);
    }

    @Override
    public void finishForward(float[] w, LstmTape tp) {
        StandardWeights.finishFused(tp);
    }

    @Override
    public void startBackward(Compute cx, float[] w, LstmTape tp) {
        weights.prepareBackward(cx, w, tp);
    }

    @Override
    public void forwardStep(Compute cx, float[] w, LstmTape tp, int t) {
        int bsz = tp.batch;
        int pre = t * bsz * gw;                 // (B, G) gates of step t
        // the product, then the elementwise rest on the threads that computed it (each its own units, if it can)
        ForwardRows rows = tp.forwardRows;
        rows.k = cx.kernels();
        rows.w = w;
        rows.t = t;
        weights.recurrentStep(cx, w, tp, t, tp.h, tp.prev(t) * bsz * out, tp.pre, pre, gw, null, gw / hidden, rows);
        rows.w = null;
        if (projection != null) {
            int aux = t * bsz * hidden;
            int rNext = tp.next(t) * bsz * out;
            // an unpacked product: every row (see Tape.rows); the finished rows' m_t are zeros, their r_t frozen
            Arrays.fill(tp.m, aux + tp.rows * hidden, aux + bsz * hidden, 0f);
            Arrays.fill(tp.h, rNext, rNext + bsz * out, 0f);
            cx.multTransBAdd(bsz, out, hidden, tp.m, aux, hidden, w, projection.offset(), hidden, tp.h, rNext, out);
        }
    }

    /** The elementwise part of a forward step; set per step and reused, so nothing is allocated. */
    final class ForwardRows implements Compute.StepTask {
        private final LstmTape tp;
        Kernels k;
        float[] w;
        int t;

        ForwardRows(LstmTape tp) {
            this.tp = tp;
        }

        @Override
        public void run(int lo, int hi, int unitLo, int unitHi) {
            forwardRows(k, w, tp, t, lo, hi, unitLo, unitHi);
        }
    }

    /** Gates, cell state and output m_t of rows [lo, hi) and units [u0, u1) of step t, after the recurrent product. */
    private void forwardRows(Kernels k, float[] w, LstmTape tp, int t, int lo, int hi, int u0, int u1) {
        int bsz = tp.batch;
        int h = hidden;
        int rows = hi - lo;
        int n = u1 - u0;
        int pre = (t * bsz + lo) * gw + u0;            // (rows, G) gates of step t, from unit u0 of each block
        int cPrev = (tp.prev(t) * bsz + lo) * h + u0;  // (rows, H) c_{t-1}, from unit u0
        int cNext = (tp.next(t) * bsz + lo) * h + u0;  // (rows, H) c_t
        int aux = (t * bsz + lo) * h + u0;             // (rows, H) slices of tanhC and m

        if (peephole != null) {
            for (int b = 0; b < rows; b++) {
                int row = pre + b * gw;
                int cb = cPrev + b * h;
                for (int j = 0; j < n; j++) {
                    if (!cifg) {
                        tp.pre[row + colI + j] += w[peepI() + u0 + j] * tp.c[cb + j];
                    }
                    tp.pre[row + colF + j] += w[peepF() + u0 + j] * tp.c[cb + j];
                }
            }
        }
        if (!cifg) {
            k.activate(Activation.SIGMOID, rows, n, tp.pre, pre + colI, gw);
        }
        k.activate(Activation.SIGMOID, rows, n, tp.pre, pre + colF, gw);
        k.activate(Activation.TANH, rows, n, tp.pre, pre + colG, gw);
        for (int b = 0; b < rows; b++) {
            int row = pre + b * gw;
            int cb = b * h;
            for (int j = 0; j < n; j++) {
                float f = tp.pre[row + colF + j];
                float i = cifg ? 1f - f : tp.pre[row + colI + j];
                float c = f * tp.c[cPrev + cb + j] + i * tp.pre[row + colG + j];
                if (clip > 0f) {
                    c = Math.max(-clip, Math.min(clip, c));
                }
                tp.c[cNext + cb + j] = c;
                if (peephole != null) {
                    tp.pre[row + colO + j] += w[peepO() + u0 + j] * c;
                }
            }
        }
        k.activate(Activation.SIGMOID, rows, n, tp.pre, pre + colO, gw);
        for (int b = 0; b < rows; b++) {
            System.arraycopy(tp.c, cNext + b * h, tp.tanhC, aux + b * h, n);
        }
        k.activate(Activation.TANH, rows, n, tp.tanhC, aux, h);

        // m_t = o ⊙ tanh(c_t), written straight into the output when there is no projection
        float[] mBuf = projection != null ? tp.m : tp.h;
        int mOff = projection != null ? aux : (tp.next(t) * bsz + lo) * out + u0;
        for (int b = 0; b < rows; b++) {
            int row = pre + b * gw;
            for (int j = 0; j < n; j++) {
                mBuf[mOff + b * h + j] = tp.pre[row + colO + j] * tp.tanhC[aux + b * h + j];
            }
        }
    }

    @Override
    public void backwardStep(Compute cx, float[] w, float[] g, LstmTape tp, int t,
                             float[] dh, float[] dc, float[] dhPrev, float[] dcPrev) {
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;

        // dm_t = W_hrᵀ dr_t with a projection, else dm_t = dr_t
        float[] dm = dh;
        if (projection != null) {
            System.arraycopy(dh, 0, tp.dR, t * bsz * out, bsz * out);
            dm = tp.dm;
            Arrays.fill(dm, 0, bsz * h, 0f);
            cx.multAdd(bsz, h, out, dh, 0, out, w, projection.offset(), h, dm, 0, h);
        }
        if (peephole == null) {   // rows independent: split between the threads
            BackwardRows rows = tp.backwardRows;
            rows.w = w;
            rows.g = g;
            rows.dm = dm;
            rows.dc = dc;
            rows.dcPrev = dcPrev;
            rows.t = t;
            cx.forRows(tp.rows, rows);
            rows.w = rows.g = rows.dm = rows.dc = rows.dcPrev = null;
        } else {                  // the peephole gradients sum over the rows: one thread, in row order
            backwardRows(w, g, tp, t, dm, dc, dcPrev, 0, tp.rows);
        }
        tp.zeroRows(tp.dA, t, gw, tp.rows);   // finished rows: no gradient
        // dr_{t-1} = dA_t · W_hh
        Arrays.fill(dhPrev, 0, bsz * out, 0f);
        weights.recurrentBackward(cx, w, tp, tp.dA, pre, gw, dhPrev);
    }

    /** The elementwise work of a backward step for some rows (no peepholes); set per step and reused. */
    final class BackwardRows implements Compute.RowTask {
        private final LstmTape tp;
        float[] w;
        float[] g;
        float[] dm;
        float[] dc;
        float[] dcPrev;
        int t;

        BackwardRows(LstmTape tp) {
            this.tp = tp;
        }

        @Override
        public void run(int lo, int hi) {
            backwardRows(w, g, tp, t, dm, dc, dcPrev, lo, hi);
        }
    }

    /** Gate gradients dA and dc_{t−1} of rows [lo, hi) of step t, from dm_t and dc_t. */
    private void backwardRows(float[] w, float[] g, LstmTape tp, int t, float[] dm, float[] dc, float[] dcPrev,
                              int lo, int hi) {
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;
        int cPrev = tp.prev(t) * bsz * h;
        int cNext = tp.next(t) * bsz * h;
        int aux = t * bsz * h;
        for (int b = lo; b < hi; b++) {
            int row = pre + b * gw;
            int cb = b * h;
            for (int j = 0; j < h; j++) {
                float o = tp.pre[row + colO + j];
                float tc = tp.tanhC[aux + cb + j];
                float cNew = tp.c[cNext + cb + j];
                float cOld = tp.c[cPrev + cb + j];
                float dmj = dm[cb + j];

                float dAo = dmj * tc * o * (1f - o);
                float dct = dc[cb + j] + dmj * o * (1f - tc * tc);
                if (peephole != null) {
                    dct += dAo * w[peepO() + j];
                    g[peepO() + j] += dAo * cNew;
                }
                if (clip > 0f && Math.abs(cNew) >= clip) {
                    dct = 0f;   // the clamp was active: c_t does not depend on its inputs
                }
                float f = tp.pre[row + colF + j];
                float gg = tp.pre[row + colG + j];
                float i = cifg ? 1f - f : tp.pre[row + colI + j];
                float dAg = dct * i * (1f - gg * gg);
                // with CIFG, i = 1 - f sends -dct·g to f
                float dAf = dct * (cifg ? cOld - gg : cOld) * f * (1f - f);
                float dcp = dct * f;
                if (!cifg) {
                    float dAi = dct * gg * i * (1f - i);
                    tp.dA[row + colI + j] = dAi;
                    if (peephole != null) {
                        dcp += dAi * w[peepI() + j];
                        g[peepI() + j] += dAi * cOld;
                    }
                }
                if (peephole != null) {
                    dcp += dAf * w[peepF() + j];
                    g[peepF() + j] += dAf * cOld;
                }
                tp.dA[row + colF + j] = dAf;
                tp.dA[row + colG + j] = dAg;
                tp.dA[row + colO + j] = dAo;
                dcPrev[cb + j] = dcp;
            }
        }
    }

    @Override
    public void backwardSequence(Compute cx, float[] w, float[] g, LstmTape tp, float[] x, int xOff,
                                 float[] dx, int dxOff) {
        int rows = tp.steps * tp.batch;
        weights.inputGrads(cx, w, g, rows, tp.dA, x, xOff, dx, dxOff);
        weights.recurrentGrads(cx, g, tp, tp.dA, tp.h, tp.firstPrevIndex() * tp.batch * out);
        if (projection != null) {
            // dW_hr (P, H) += Σ_t dr_tᵀ m_t
            cx.multTransAAdd(projSize, hidden, rows, tp.dR, 0, projSize, tp.m, 0, hidden, g, projection.offset(), hidden);
        }
    }
}
