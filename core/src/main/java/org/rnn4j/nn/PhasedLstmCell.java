package org.rnn4j.nn;

import org.rnn4j.kernel.Activation;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.ParamView;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Phased LSTM cell (Neil, Pfeiffer &amp; Liu 2016): an {@link LstmCell} step whose updates pass through the time gate
 * of {@link PhasedLstmSpec} ({@link TimeGate}).
 * <pre>
 * (c̃_t, h̃_t) = the LSTM step from (c_{t−1}, h_{t−1})     gate order i, f, g, o; optional peepholes
 * φ = ((t − s) mod |τ|) / |τ|,  k = gate(φ, |r_on|, α)
 * c_t = k ⊙ c̃_t + (1 − k) ⊙ c_{t−1};   h_t = k ⊙ h̃_t + (1 − k) ⊙ h_{t−1}
 * backward:  dk = dh_t ⊙ (h̃_t − h_{t−1}) + dc_t ⊙ (c̃_t − c_{t−1})  (to τ, s and r_on through the gate)
 *            the LSTM step's backward from (k ⊙ dh_t, k ⊙ dc_t);  dh_{t−1} += (1 − k) ⊙ dh_t, dc_{t−1} += (1 − k) ⊙ dc_t
 * </pre>
 * At inference (α = 0) a closed unit's gate is exactly 0: its state is copied and its work skipped
 * ({@link #forwardEventDriven}). Shapes: B batch, T steps, I input, H hidden, G = 4H.
 */
final class PhasedLstmCell extends TimeGatedCell<PhasedLstmCell.PhasedTape> {

    /** The LSTM's buffers, the time gate's, and the candidate state. */
    static final class PhasedTape extends LstmCell.LstmTape {
        /** (T, B, H) the LSTM candidate c̃_t. */
        final float[] cTilde;
        final TimeGate.Buffers gate;
        /** (B, H) (1 − k) ⊙ dh_t and (1 − k) ⊙ dc_t of the current backward step: the paths around the LSTM step. */
        final float[] aroundH;
        final float[] aroundC;
        /** An open unit's four gate pre-activations, at event-driven inference. */
        final float[] fourGates = new float[4];

        PhasedTape(LstmCell lstm, int batch, int steps, boolean reverse) {
            super(lstm, batch, steps, reverse);
            this.gate = new TimeGate.Buffers(steps, batch, lstm.hidden, "Phased LSTM buffer");
            this.cTilde = new float[gate.phase.length];
            this.aroundH = new float[batch * lstm.hidden];
            this.aroundC = new float[batch * lstm.hidden];
        }
    }

    private final LstmCell lstm;
    private final ParamView peephole;   // (3, H) rows i, f, o, or null; the LSTM step's

    PhasedLstmCell(PhasedLstmSpec spec, int inputSize, int hidden, ParamLayout.Builder layout, String suffix) {
        this(spec, new LstmCell(CellSpec.lstm().withPeepholes(spec.peepholes()), inputSize, hidden, layout, suffix),
                layout, suffix);
    }

    private PhasedLstmCell(PhasedLstmSpec spec, LstmCell lstm, ParamLayout.Builder layout, String suffix) {
        super(lstm, new TimeGate(layout, suffix, lstm.hidden, spec.periodMin(), spec.periodMax(), spec.ratioOn(),
                spec.learnPeriod(), spec.learnShift(), spec.learnRatioOn()), spec.leak());
        this.lstm = lstm;
        this.peephole = lstm.peephole();
    }

    @Override
    Wiring wiring() {
        return Wiring.SUMMED;
    }

    @Override
    PhasedTape newTape(int batch, int steps, boolean reverse) {
        return new PhasedTape(lstm, batch, steps, reverse);
    }

    @Override
    TimeGate.Buffers gate(PhasedTape tp) {
        return tp.gate;
    }

    @Override
    void initialize(float[] w, Init init, RandomGenerator rng) {
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

    /** The LSTM step (c̃ into cTilde, h̃ into h_t), then the time gate mixing both with the previous state. */
    @Override
    void forward(Kernels k, float[] w, PhasedTape tp, Pass p, int t, int lo, int hi, int u0, int u1) {
        int bsz = tp.batch;
        int h = hidden;
        int prev = tp.prev(t) * bsz * h;   // (B, H) h_{t−1} and c_{t−1}
        int next = tp.next(t) * bsz * h;   // (B, H) h_t and c_t
        int aux = t * bsz * h;             // (B, H) slices of cTilde and the gate buffers
        lstm.step(k, w, tp, t, lo, hi, u0, u1, tp.cTilde, aux, tp.h, next);
        float alpha = leak(p);
        for (int b = lo; b < hi; b++) {
            double time = p.time(t, b);
            for (int j = u0; j < u1; j++) {
                int bj = b * h + j;
                float gate = timeGate.open(w, tp.gate, j, aux + bj, time, alpha);
                tp.c[next + bj] = gate * tp.cTilde[aux + bj] + (1f - gate) * tp.c[prev + bj];
                tp.h[next + bj] = gate * tp.h[next + bj] + (1f - gate) * tp.h[prev + bj];
            }
        }
    }

    /**
     * Inference (α = 0): a closed unit's gate is exactly 0, so its state is copied and its gate rows (input and
     * recurrent products) and elementwise work are skipped. Only the open units of each sequence compute their
     * four gate rows, each as biases plus two dot products summed in the dense computation's order (bias, then
     * input product, then recurrent product; each dot as the kernels' own), so with scalar kernels, and at batch 1
     * with vector kernels when I and H are multiples of the vector length, the results equal the dense
     * computation bit for bit. The pre-activations of closed units are left as they were.
     */
    @Override
    void forwardEventDriven(Kernels k, float[] w, PhasedTape tp, Pass p, int t, int rows, float[] x, int xOff) {
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
        int in = inputSize;
        float[] four = tp.fourGates;
        float[] phase = tp.gate.phase;
        float[] gates = tp.gate.gate;
        double[] closedUntil = TimeGate.closedUntil(tp.gate, tp, p);
        for (int b = 0; b < rows; b++) {
            double time = p.time(t, b);
            int row = pre + b * gw;
            int hb = prev + b * h;
            int hn = next + b * h;
            // every unit keeps its state and reads as closed unless computed below
            System.arraycopy(tp.c, hb, tp.c, hn, h);
            System.arraycopy(tp.h, hb, tp.h, hn, h);
            Arrays.fill(phase, aux + b * h, aux + (b + 1) * h, 1f);
            Arrays.fill(gates, aux + b * h, aux + (b + 1) * h, 0f);
            int cu = b * h;
            int xRow = xOff + (t * bsz + b) * in;
            for (int j = 0; j < h; j++) {
                if (closedUntil != null && time < closedUntil[cu + j]) {
                    continue;   // known to be closed: not even a phase
                }
                int o = aux + b * h + j;
                float gate = timeGate.inferenceGate(w, tp.gate, closedUntil, b, j, o, time);
                if (gate == 0f) {
                    continue;
                }
                float cPrev = tp.c[hb + j];
                float hPrev = tp.h[hb + j];
                // the i, f, g, o rows of unit j (h rows apart): biases, then the input's and the state's dot
                // products, each summed as the kernels' single dot
                for (int q = 0; q < 4; q++) {
                    four[q] = w[bih + q * h + j] + w[bhh + q * h + j];
                }
                k.multTransBAdd(1, 4, in, x, xRow, in, w, wih + j * in, h * in, four, 0, 4);
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

    /**
     * Back through the mixing (the gate's gradient to τ, s and r_on, and the paths around the step), the LSTM step
     * from k ⊙ dh_t and k ⊙ dc_t, and then the paths around it added to dc_{t−1} and dh_{t−1}.
     */
    @Override
    void backward(Kernels k, float[] w, float[] g, PhasedTape tp, Pass p, int t, Carry d, int lo, int hi, int u0,
                  int u1) {
        int bsz = tp.batch;
        int h = hidden;
        int prev = tp.prev(t) * bsz * h;
        int aux = t * bsz * h;
        float alpha = leak(p);
        for (int b = lo; b < hi; b++) {
            double time = p.time(t, b);
            for (int j = u0; j < u1; j++) {
                int o = aux + b * h + j;
                int bj = b * h + j;
                float gate = tp.gate.gate[o];
                float hTilde = tp.pre[(t * bsz + b) * gw + 3 * h + j] * tp.tanhC[o];
                float dGate = d.dh[bj] * (hTilde - tp.h[prev + bj]) + d.dc[bj] * (tp.cTilde[o] - tp.c[prev + bj]);
                timeGate.backward(w, g, j, time, tp.gate.phase[o], dGate, alpha);
                tp.aroundH[bj] = (1f - gate) * d.dh[bj];
                tp.aroundC[bj] = (1f - gate) * d.dc[bj];
                d.dh[bj] = gate * d.dh[bj];
                d.dc[bj] = gate * d.dc[bj];
            }
        }
        lstm.stepBackward(w, g, tp, t, lo, hi, u0, u1, d.dh, d.dc, d.dcPrev, tp.cTilde, aux);
        for (int b = lo; b < hi; b++) {
            for (int j = u0; j < u1; j++) {
                int bj = b * h + j;
                d.dcPrev[bj] += tp.aroundC[bj];
                d.dhPrev[bj] = tp.aroundH[bj];
            }
        }
    }
}
