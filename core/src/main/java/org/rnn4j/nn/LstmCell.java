package org.rnn4j.nn;

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
 *
 * backward, from dm_t (= W_hrᵀ dr_t with a projection, the schedule's product) and dc_t:
 * dA^o = dm ⊙ tanh(c_t) ⊙ o(1 − o)
 * dc   = dc_t + dm ⊙ o ⊙ (1 − tanh²c_t) + p_o ⊙ dA^o          (0 where the clip was active)
 * dA^g = dc ⊙ i ⊙ (1 − g²),  dA^i = dc ⊙ g ⊙ i(1 − i),  dA^f = dc ⊙ c_{t−1} ⊙ f(1 − f)   (c_{t−1} − g with CIFG)
 * dc_{t−1} = dc ⊙ f + p_i ⊙ dA^i + p_f ⊙ dA^f;   dp_i += dA^i c_{t−1},  dp_f += dA^f c_{t−1},  dp_o += dA^o c_t
 * </pre>
 * Peephole terms are present only with peepholes. Shapes: B batch, T steps, I input, H hidden, P projection,
 * R = P or H, G = gates·H. Derivation of the backward pass: {@code docs/cells/lstm.md}.
 */
final class LstmCell extends Cell<LstmCell.LstmTape> {

    /** The LSTM's extra buffers. */
    static class LstmTape extends Tape {
        /** (T, B, H) tanh(c_t). */
        final float[] tanhC;
        /** (T, B, H) m_t = o_t ⊙ tanh(c_t), kept only with a projection (else it is the output r_t). */
        final float[] m;
        /** (T, B, P) dL/dr_t per step, for the deferred projection gradient; projection only. */
        float[] dR;
        /** (B, H) dL/dm_t of the current backward step; projection only. */
        float[] dm;
        private final boolean projected;
        private final int hidden;
        private final int outputs;

        LstmTape(LstmCell cell, int batch, int steps, boolean reverse) {
            super(cell, batch, steps, reverse);
            this.projected = cell.projection != null;
            this.hidden = cell.hidden;
            this.outputs = cell.out;
            this.tanhC = new float[size("cell activation buffer", steps, batch, hidden)];
            this.m = projected ? new float[size("projection input buffer", steps, batch, hidden)] : new float[0];
        }

        @Override
        void ensureBackward() {
            super.ensureBackward();
            if (projected && dm == null) {
                dm = new float[batch * hidden];
                dR = new float[steps * batch * outputs];
            }
        }
    }

    private final boolean cifg;
    private final float clip;
    // column offsets of the gate blocks within a row of pre (i is -1 with CIFG)
    private final int colI;
    private final int colF;
    private final int colG;
    private final int colO;
    private final ParamView projection; // weight_hr (P, H), or null
    private final ParamView peephole;   // (3, H) rows i, f, o; (2, H) rows f, o with CIFG; null without

    LstmCell(LstmSpec spec, int inputSize, int hidden, ParamLayout.Builder layout, String suffix) {
        super(inputSize, hidden, spec.outputSize(hidden), spec.gates(), true, layout, suffix);
        this.cifg = spec.cifg();
        this.clip = spec.cellClip();
        this.colI = cifg ? -1 : 0;
        this.colF = cifg ? 0 : hidden;
        this.colG = colF + hidden;
        this.colO = colG + hidden;
        this.projection = spec.projSize() > 0 ? layout.add("weight_hr" + suffix, spec.projSize(), hidden) : null;
        this.peephole = spec.peepholes() ? layout.add("weight_peephole" + suffix, cifg ? 2 : 3, hidden) : null;
    }

    @Override
    Wiring wiring() {
        return Wiring.SUMMED;
    }

    /** The peepholes (3, H) rows i, f, o, or (2, H) f, o with CIFG; null without. */
    ParamView peephole() {
        return peephole;
    }

    @Override
    ParamView projection() {
        return projection;
    }

    /** The peephole gradients sum over the rows. */
    @Override
    Compute.Split split() {
        return peephole != null ? Compute.Split.UNITS : Compute.Split.ROWS;
    }

    @Override
    LstmTape newTape(int batch, int steps, boolean reverse) {
        return new LstmTape(this, batch, steps, reverse);
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
    void initialize(float[] w, Init init, RandomGenerator rng) {
        weights.initialize(w, init, hidden, rng);
        float k = (float) (1.0 / Math.sqrt(hidden));
        if (projection != null) {
            if (init == Init.PYTORCH) {
                Initializers.uniform(w, projection.offset(), projection.size(), k, rng);
            } else {
                Initializers.glorotUniform(w, projection.offset(), out, hidden, rng);
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
    void forward(Kernels k, float[] w, LstmTape tp, Pass p, int t, int lo, int hi, int u0, int u1) {
        int b = tp.batch;
        // m_t straight into the output r_t when there is no projection
        int mBase = projection != null ? t * b * hidden : tp.next(t) * b * out;
        step(k, w, tp, t, lo, hi, u0, u1, tp.c, tp.next(t) * b * hidden, projection != null ? tp.m : tp.h, mBase);
    }

    /**
     * The equations above for rows [lo, hi) and units [u0, u1) of step t, after the products: the gates in place,
     * c_t into {@code cOut} and m_t into {@code mOut}, each a (B, H) block at its base offset.
     */
    void step(Kernels k, float[] w, LstmTape tp, int t, int lo, int hi, int u0, int u1,
              float[] cOut, int cBase, float[] mOut, int mBase) {
        int bsz = tp.batch;
        int h = hidden;
        int rows = hi - lo;
        int n = u1 - u0;
        int pre = (t * bsz + lo) * gw + u0;            // (rows, G) gates of step t, from unit u0 of each block
        int cPrev = (tp.prev(t) * bsz + lo) * h + u0;  // (rows, H) c_{t-1}, from unit u0
        int cNext = cBase + lo * h + u0;               // (rows, H) c_t
        int aux = (t * bsz + lo) * h + u0;             // (rows, H) tanh(c_t)
        int mOff = mBase + lo * h + u0;                // (rows, H) m_t

        boolean peep = peephole != null;
        k.lstmStep(rows, n, tp.pre, pre, gw, colI, colF, colG, colO, peep ? w : null,
                peep ? peepI() + u0 : 0, peep ? peepF() + u0 : 0, peep ? peepO() + u0 : 0, clip,
                tp.c, cPrev, cOut, cNext, tp.tanhC, aux, mOut, mOff, h);
    }

    @Override
    void backward(Kernels k, float[] w, float[] g, LstmTape tp, Pass p, int t, Carry d, int lo, int hi, int u0,
                  int u1) {
        stepBackward(w, g, tp, t, lo, hi, u0, u1, projection != null ? tp.dm : d.dh, d.dc, d.dcPrev, tp.c,
                tp.next(t) * tp.batch * hidden);
    }

    /**
     * The backward equations above for rows [lo, hi) and units [u0, u1) of step t: from dm (B, H) and dc (B, H),
     * the gate gradients into dA, dc_{t−1} into dcPrev (B, H), the peephole gradients into g; c_t is read from
     * {@code cOut} at its base offset, where {@link #step} wrote it.
     */
    void stepBackward(float[] w, float[] g, LstmTape tp, int t, int lo, int hi, int u0, int u1, float[] dm,
                      float[] dc, float[] dcPrev, float[] cOut, int cBase) {
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;
        int cPrev = tp.prev(t) * bsz * h;
        int aux = t * bsz * h;
        for (int b = lo; b < hi; b++) {
            int row = pre + b * gw;
            int cb = b * h;
            for (int j = u0; j < u1; j++) {
                float o = tp.pre[row + colO + j];
                float tc = tp.tanhC[aux + cb + j];
                float cNew = cOut[cBase + cb + j];
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
}
