package org.rnn4j.nn;

import org.rnn4j.kernel.Activation;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.ParamView;

import java.util.random.RandomGenerator;

/**
 * Phased LSTM cell (Neil, Pfeiffer &amp; Liu 2016): an LSTM step (gate order i, f, g, o as in PyTorch) whose
 * updates pass through the time gate of {@link PhasedLstmSpec}.
 * <pre>
 * a_t = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh
 * i, f = σ(a^i + p_i ⊙ c_{t−1}), σ(a^f + p_f ⊙ c_{t−1});  g = tanh(a^g)
 * c̃_t = f ⊙ c_{t−1} + i ⊙ g;   o = σ(a^o + p_o ⊙ c̃_t);   h̃_t = o ⊙ tanh(c̃_t)
 * φ = ((t − s) mod |τ|) / |τ|,  k = gate(φ, |r_on|, α)
 * c_t = k ⊙ c̃_t + (1 − k) ⊙ c_{t−1};   h_t = k ⊙ h̃_t + (1 − k) ⊙ h_{t−1}
 * </pre>
 * τ and r_on enter through their absolute values, which keeps them positive whatever the optimizer does (as the
 * official implementation does). Gradients to τ and s flow through the phase with the derivative of the
 * piecewise-linear mod away from its jumps: ∂φ/∂τ = −(t − s)/τ², ∂φ/∂s = −1/τ (PyTorch's {@code remainder}
 * convention, ∂ mod(u, τ)/∂τ = −⌊u/τ⌋). Shapes: B batch, T steps, I input, H hidden, G = 4H.
 */
final class PhasedLstmCell extends AbstractCell<PhasedLstmCell.PhasedTape> {

    /** The Phased LSTM's extra buffers. */
    static final class PhasedTape extends TimeGatedTape {
        /** (T, B, H) the LSTM candidate c̃_t. */
        final float[] cTilde;
        /** (T, B, H) tanh(c̃_t). */
        final float[] tanhC;
        /** An open unit's four gate pre-activations, at event-driven inference. */
        final float[] fourGates = new float[4];
        /** A training step's elementwise work, forward and backward, reused from step to step. */
        ForwardUnits forwardUnits;
        BackwardUnits backwardUnits;

        PhasedTape(PhasedLstmCell cell, int batch, int steps, boolean reverse) {
            super(cell, batch, steps, reverse, "Phased LSTM buffer");
            this.cTilde = new float[phase.length];
            this.tanhC = new float[phase.length];
        }
    }

    private static final int I = 0;

    private final PhasedLstmSpec spec;
    private final StandardWeights weights;
    private final ParamView peephole;   // (3, H) rows i, f, o, or null
    private final TimeGate timeGate;

    PhasedLstmCell(PhasedLstmSpec spec, int inputSize, int hidden, ParamLayout.Builder layout, String suffix) {
        super(inputSize, hidden, hidden, 4 * hidden, true);
        this.spec = spec;
        this.weights = new StandardWeights(layout, suffix, gw, inputSize, hidden);
        this.peephole = spec.peepholes() ? layout.add("weight_peephole" + suffix, 3, hidden) : null;
        this.timeGate = new TimeGate(layout, suffix, hidden, spec.periodMin(), spec.periodMax(), spec.ratioOn(),
                spec.learnPeriod(), spec.learnShift(), spec.learnRatioOn());
    }

    @Override
    public PhasedTape newTape(int batch, int steps, boolean reverse) {
        PhasedTape tp = new PhasedTape(this, batch, steps, reverse);
        tp.forwardUnits = new ForwardUnits(tp);
        tp.backwardUnits = new BackwardUnits(tp);
        return tp;
    }

    @Override
    public void initialize(float[] w, Init init, RandomGenerator rng) {
        weights.initialize(w, init, hidden, rng);
        if (peephole != null) {
            if (init == Init.PYTORCH) {
                Initializers.uniform(w, peephole.offset(), peephole.size(), (float) (1.0 / Math.sqrt(hidden)), rng);
            } else {
                Initializers.fill(w, peephole.offset(), peephole.size(), 0f);
            }
        }
        timeGate.initialize(w, rng);
    }

    @Override
    public void projectInput(Compute cx, float[] w, PhasedTape tp, float[] x, int xOff) {
        if (TimeGate.startPass(tp, spec.leak(), x, xOff)) {
            return;   // event-driven: only open units need their input rows, computed in forwardStep
        }
        weights.project(cx, w, x, xOff, tp.steps * tp.batch, tp.pre, true);
        weights.prepareForward(cx, w, tp);
    }

    @Override
    public void startBackward(Compute cx, float[] w, PhasedTape tp) {
        weights.prepareBackward(cx, w, tp);
    }

    @Override
    public boolean skipsFinishedRows() {
        return true;
    }

    @Override
    public long unitUpdates(PhasedTape tp) {
        return tp.updates;
    }

    @Override
    public void forwardStep(Compute cx, float[] w, PhasedTape tp, int t) {
        if (!tp.training) {   // at inference α = 0: closed units are exactly frozen, so skip them
            forwardStepEventDriven(cx.kernels(), w, tp, t);
            return;
        }
        weights.recurrentForward(cx, w, tp, tp.h, tp.prev(t) * tp.batch * hidden, tp.pre, t * tp.batch * gw, gw);
        // the elementwise rest with the time gate, units split between the threads
        ForwardUnits forward = tp.forwardUnits;
        forward.k = cx.kernels();
        forward.w = w;
        forward.t = t;
        forward.updates.set(0);
        cx.forUnits(tp.rows, hidden, forward);
        tp.updates += forward.updates.get();
        forward.w = null;
    }

    /** The elementwise part of a training forward step over some rows and units; set per step and reused. */
    final class ForwardUnits implements Compute.StepTask {
        private final PhasedTape tp;
        /** Unit updates with an open gate, summed over the threads' parts. */
        final java.util.concurrent.atomic.AtomicLong updates = new java.util.concurrent.atomic.AtomicLong();
        Kernels k;
        float[] w;
        int t;

        ForwardUnits(PhasedTape tp) {
            this.tp = tp;
        }

        @Override
        public void run(int lo, int hi, int u0, int u1) {
            updates.addAndGet(forwardUnits(k, w, tp, t, lo, hi, u0, u1));
        }
    }

    /** The elementwise part of a backward step over some rows and units; set per step and reused. */
    final class BackwardUnits implements Compute.StepTask {
        private final PhasedTape tp;
        float[] w;
        float[] g;
        float[] dh;
        float[] dc;
        float[] dhPrev;
        float[] dcPrev;
        int t;

        BackwardUnits(PhasedTape tp) {
            this.tp = tp;
        }

        @Override
        public void run(int lo, int hi, int u0, int u1) {
            backwardUnits(w, g, tp, t, dh, dc, dhPrev, dcPrev, lo, hi, u0, u1);
        }
    }

    /**
     * Training forward of rows [lo, hi) and units [u0, u1) of step t after the recurrent product: gates, candidate
     * state, time gate and the mixing. Returns the unit updates with an open gate counted.
     */
    private long forwardUnits(Kernels k, float[] w, PhasedTape tp, int t, int lo, int hi, int u0, int u1) {
        int bsz = tp.batch;
        int h = hidden;
        int rows = hi - lo;
        int n = u1 - u0;
        int pre = (t * bsz + lo) * gw + u0;            // (rows, G) gates of step t, from unit u0 of each block
        int prev = (tp.prev(t) * bsz + lo) * h + u0;   // (rows, H) h_{t-1} and c_{t-1}, from unit u0
        int next = (tp.next(t) * bsz + lo) * h + u0;   // (rows, H) h_t and c_t
        int aux = (t * bsz + lo) * h + u0;             // (rows, H) slices of cTilde, tanhC, phase, gate
        int colF = h;
        int colG = 2 * h;
        int colO = 3 * h;

        if (peephole != null) {
            for (int b = 0; b < rows; b++) {
                for (int j = 0; j < n; j++) {
                    float c = tp.c[prev + b * h + j];
                    tp.pre[pre + b * gw + I + j] += w[peephole.offset() + u0 + j] * c;
                    tp.pre[pre + b * gw + colF + j] += w[peephole.offset() + h + u0 + j] * c;
                }
            }
        }
        k.activate(Activation.SIGMOID, rows, n, tp.pre, pre + I, gw);
        k.activate(Activation.SIGMOID, rows, n, tp.pre, pre + colF, gw);
        k.activate(Activation.TANH, rows, n, tp.pre, pre + colG, gw);
        for (int b = 0; b < rows; b++) {
            int row = pre + b * gw;
            for (int j = 0; j < n; j++) {
                float ct = tp.pre[row + colF + j] * tp.c[prev + b * h + j] + tp.pre[row + I + j] * tp.pre[row + colG + j];
                tp.cTilde[aux + b * h + j] = ct;
                if (peephole != null) {
                    tp.pre[row + colO + j] += w[peephole.offset() + 2 * h + u0 + j] * ct;
                }
            }
        }
        k.activate(Activation.SIGMOID, rows, n, tp.pre, pre + colO, gw);
        for (int b = 0; b < rows; b++) {
            System.arraycopy(tp.cTilde, aux + b * h, tp.tanhC, aux + b * h, n);
        }
        k.activate(Activation.TANH, rows, n, tp.tanhC, aux, h);

        float alpha = tp.leak;
        long updates = 0;
        for (int b = 0; b < rows; b++) {
            double time = TimeGate.time(tp, t, lo + b);
            int row = pre + b * gw;
            boolean counted = tp.active(lo + b, t);
            for (int j = 0; j < n; j++) {
                float phi = timeGate.phase(w, u0 + j, time);
                float gate = timeGate.gate(w, u0 + j, phi, alpha);
                if (counted && gate != 0f) {
                    updates++;
                }
                int o = aux + b * h + j;
                tp.phase[o] = phi;
                tp.gate[o] = gate;
                float cPrev = tp.c[prev + b * h + j];
                float hPrev = tp.h[prev + b * h + j];
                float hTilde = tp.pre[row + colO + j] * tp.tanhC[o];
                tp.c[next + b * h + j] = gate * tp.cTilde[o] + (1f - gate) * cPrev;
                tp.h[next + b * h + j] = gate * hTilde + (1f - gate) * hPrev;
            }
        }
        return updates;
    }

    /**
     * Inference (α = 0): a closed unit's gate is exactly 0, so its state is copied and its gate rows (input and
     * recurrent products) and elementwise work are skipped. Only the open units of each sequence compute their
     * four gate rows, each as biases plus two dot products summed in the dense computation's order (bias, then
     * input product, then recurrent product; each dot as the kernels' own), so with scalar kernels, and at batch 1
     * with vector kernels when I and H are multiples of the vector length, the results equal the dense
     * computation bit for bit. The pre-activations of closed units are left as they were.
     */
    private void forwardStepEventDriven(Kernels k, float[] w, PhasedTape tp, int t) {
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;
        int prev = tp.prev(t) * bsz * h;
        int next = tp.next(t) * bsz * h;
        int aux = t * bsz * h;
        int whh = weights.whh.offset();
        int wih = weights.wih.offset();
        int bih = weights.bih.offset();
        int bhh = weights.bhh.offset();
        int in = weights.inputSize;
        float[] four = tp.fourGates;
        for (int b = 0; b < tp.rows; b++) {
            double time = TimeGate.time(tp, t, b);
            int row = pre + b * gw;
            int hb = prev + b * h;
            int hn = next + b * h;
            boolean counted = tp.active(b, t);
            // every unit keeps its state and reads as closed unless computed below
            System.arraycopy(tp.c, hb, tp.c, hn, h);
            System.arraycopy(tp.h, hb, tp.h, hn, h);
            java.util.Arrays.fill(tp.phase, aux + b * h, aux + (b + 1) * h, 1f);
            java.util.Arrays.fill(tp.gate, aux + b * h, aux + (b + 1) * h, 0f);
            double[] closedUntil = tp.closedUntil;
            int cu = b * h;
            int xRow = tp.xOff + (t * bsz + b) * in;
            for (int j = 0; j < h; j++) {
                if (closedUntil != null && time < closedUntil[cu + j]) {
                    continue;   // known to be closed: not even a phase
                }
                int o = aux + b * h + j;
                float gate = timeGate.inferenceGate(w, tp, b, j, o, time);
                if (gate == 0f) {
                    continue;
                }
                if (counted) {
                    tp.updates++;
                }
                float cPrev = tp.c[hb + j];
                float hPrev = tp.h[hb + j];
                // the i, f, g, o rows of unit j (h rows apart): biases, then the input's and the state's dot
                // products, each summed as the kernels' single dot
                for (int q = 0; q < 4; q++) {
                    four[q] = w[bih + q * h + j] + w[bhh + q * h + j];
                }
                k.multTransBAdd(1, 4, in, tp.x, xRow, in, w, wih + j * in, h * in, four, 0, 4);
                k.multTransBAdd(1, 4, h, tp.h, hb, h, w, whh + j * h, h * h, four, 0, 4);
                for (int q = 0; q < 4; q++) {
                    tp.pre[row + q * h + j] = four[q];
                }
                if (peephole != null) {
                    tp.pre[row + j] += w[peephole.offset() + j] * cPrev;
                    tp.pre[row + h + j] += w[peephole.offset() + h + j] * cPrev;
                }
                float ig = Activation.SIGMOID.apply(tp.pre[row + j]);
                float fg = Activation.SIGMOID.apply(tp.pre[row + h + j]);
                float gg = Activation.TANH.apply(tp.pre[row + 2 * h + j]);
                float ct = fg * cPrev + ig * gg;
                float aO = tp.pre[row + 3 * h + j] + (peephole != null ? w[peephole.offset() + 2 * h + j] * ct : 0f);
                float og = Activation.SIGMOID.apply(aO);
                float tc = Activation.TANH.apply(ct);
                tp.pre[row + j] = ig;
                tp.pre[row + h + j] = fg;
                tp.pre[row + 2 * h + j] = gg;
                tp.pre[row + 3 * h + j] = og;
                tp.cTilde[o] = ct;
                tp.tanhC[o] = tc;
                tp.c[hn + j] = gate * ct + (1f - gate) * cPrev;
                tp.h[hn + j] = gate * (og * tc) + (1f - gate) * hPrev;
            }
        }
    }

    @Override
    public void backwardStep(Compute cx, float[] w, float[] g, PhasedTape tp, int t,
                             float[] dh, float[] dc, float[] dhPrev, float[] dcPrev) {
        // the elementwise part, units split between the threads (a unit's parameter gradients sum over rows)
        BackwardUnits backward = tp.backwardUnits;
        backward.w = w;
        backward.g = g;
        backward.dh = dh;
        backward.dc = dc;
        backward.dhPrev = dhPrev;
        backward.dcPrev = dcPrev;
        backward.t = t;
        cx.forUnits(tp.rows, hidden, backward);
        backward.w = backward.g = backward.dh = backward.dc = backward.dhPrev = backward.dcPrev = null;
        tp.zeroRows(tp.dA, t, gw, tp.rows);   // finished rows: no gradient
        weights.recurrentBackward(cx, w, tp, tp.dA, t * tp.batch * gw, gw, dhPrev);
    }

    /** Backward through the elementwise part of step t for rows [lo, hi) and units [u0, u1). */
    private void backwardUnits(float[] w, float[] g, PhasedTape tp, int t, float[] dh, float[] dc, float[] dhPrev,
                               float[] dcPrev, int lo, int hi, int u0, int u1) {
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;
        int prev = tp.prev(t) * bsz * h;
        int aux = t * bsz * h;
        int colF = h;
        int colG = 2 * h;
        int colO = 3 * h;
        float alpha = tp.leak;
        for (int b = lo; b < hi; b++) {
            double time = TimeGate.time(tp, t, b);
            int row = pre + b * gw;
            for (int j = u0; j < u1; j++) {
                int o = aux + b * h + j;
                int bj = b * h + j;
                float gate = tp.gate[o];
                float phi = tp.phase[o];
                float cPrev = tp.c[prev + bj];
                float hPrev = tp.h[prev + bj];
                float ct = tp.cTilde[o];
                float tc = tp.tanhC[o];
                float og = tp.pre[row + colO + j];
                float hTilde = og * tc;

                // through the mixing c_t = k c̃ + (1 − k) c_{t−1}, h_t = k h̃ + (1 − k) h_{t−1}
                float dGate = dh[bj] * (hTilde - hPrev) + dc[bj] * (ct - cPrev);
                float dhTilde = gate * dh[bj];
                float dcTilde = gate * dc[bj] + dhTilde * og * (1f - tc * tc);
                float dAo = dhTilde * tc * og * (1f - og);
                if (peephole != null) {
                    dcTilde += dAo * w[peephole.offset() + 2 * h + j];
                    g[peephole.offset() + 2 * h + j] += dAo * ct;
                }
                // the LSTM step c̃ = f c_{t−1} + i g
                float ig = tp.pre[row + I + j];
                float fg = tp.pre[row + colF + j];
                float gg = tp.pre[row + colG + j];
                float dAi = dcTilde * gg * ig * (1f - ig);
                float dAf = dcTilde * cPrev * fg * (1f - fg);
                float dAg = dcTilde * ig * (1f - gg * gg);
                float dcp = (1f - gate) * dc[bj] + dcTilde * fg;
                if (peephole != null) {
                    dcp += dAi * w[peephole.offset() + j] + dAf * w[peephole.offset() + h + j];
                    g[peephole.offset() + j] += dAi * cPrev;
                    g[peephole.offset() + h + j] += dAf * cPrev;
                }
                tp.dA[row + I + j] = dAi;
                tp.dA[row + colF + j] = dAf;
                tp.dA[row + colG + j] = dAg;
                tp.dA[row + colO + j] = dAo;
                dcPrev[bj] = dcp;
                dhPrev[bj] = (1f - gate) * dh[bj];

                timeGate.backward(w, g, j, time, phi, dGate, alpha);
            }
        }
    }

    @Override
    public void backwardSequence(Compute cx, float[] w, float[] g, PhasedTape tp, float[] x, int xOff,
                                 float[] dx, int dxOff) {
        int rows = tp.steps * tp.batch;
        weights.inputGrads(cx, w, g, rows, tp.dA, x, xOff, dx, dxOff);
        weights.recurrentGrads(cx, g, tp, tp.dA, tp.h, tp.firstPrevIndex() * tp.batch * hidden);
    }
}
