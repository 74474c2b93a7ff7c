package org.rnn4j.nn;

import org.rnn4j.kernel.Activation;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamLayout;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Phased GRU cell: a {@link GruCell} step (PyTorch's form) whose update passes through the Phased LSTM's time gate
 * ({@link TimeGate}).
 * <pre>
 * h̃_t = the GRU step from h_{t−1}
 * h_t = k ⊙ h̃_t + (1 − k) ⊙ h_{t−1}
 * backward:  dk = dh_t ⊙ (h̃_t − h_{t−1});  the GRU step's backward from k ⊙ dh_t;  dh_{t−1} += (1 − k) ⊙ dh_t
 * </pre>
 * At inference (α = 0) a closed unit keeps its state exactly and its work is skipped, as for the Phased LSTM.
 * Shapes: B batch, T steps, I input, H hidden, G = 3H.
 */
final class PhasedGruCell extends TimeGatedCell<PhasedGruCell.PhasedGruTape> {

    /** The GRU's buffers and the time gate's. */
    static final class PhasedGruTape extends GruTape {
        final TimeGate.Buffers gate;
        /** (B, H) (1 − k) ⊙ dh_t of the current backward step: the path around the GRU step. */
        final float[] around;
        /** An open unit's input and recurrent parts of its r, z, n rows, at event-driven inference. */
        final float[] inputGates = new float[3];
        final float[] recurrentGates = new float[3];

        PhasedGruTape(GruCell gru, int batch, int steps, boolean reverse) {
            super(gru, batch, steps, reverse);
            this.gate = new TimeGate.Buffers(steps, batch, gru.hidden, "Phased GRU buffer");
            this.around = new float[batch * gru.hidden];
        }
    }

    private final GruCell gru;

    PhasedGruCell(PhasedGruSpec spec, int inputSize, int hidden, ParamLayout.Builder layout, String suffix) {
        this(spec, new GruCell(inputSize, hidden, layout, suffix), layout, suffix);
    }

    private PhasedGruCell(PhasedGruSpec spec, GruCell gru, ParamLayout.Builder layout, String suffix) {
        super(gru, new TimeGate(layout, suffix, gru.hidden, spec.periodMin(), spec.periodMax(), spec.ratioOn(),
                spec.learnPeriod(), spec.learnShift(), spec.learnRatioOn()), spec.leak());
        this.gru = gru;
    }

    @Override
    Wiring wiring() {
        return Wiring.RESET_AFTER;
    }

    @Override
    PhasedGruTape newTape(int batch, int steps, boolean reverse) {
        return new PhasedGruTape(gru, batch, steps, reverse);
    }

    @Override
    TimeGate.Buffers gate(PhasedGruTape tp) {
        return tp.gate;
    }

    @Override
    void initialize(float[] w, Init init, RandomGenerator rng) {
        weights.initialize(w, init, hidden, rng);
        timeGate.initialize(w, rng);
    }

    /** The GRU step (h̃ into h_t), then the time gate mixing it with the previous state. */
    @Override
    void forward(Kernels k, float[] w, PhasedGruTape tp, Pass p, int t, int lo, int hi, int u0, int u1) {
        gru.forward(k, w, tp, p, t, lo, hi, u0, u1);
        int bsz = tp.batch;
        int h = hidden;
        int prev = tp.prev(t) * bsz * h;
        int next = tp.next(t) * bsz * h;
        int aux = t * bsz * h;
        float alpha = leak(p);
        for (int b = lo; b < hi; b++) {
            double time = p.time(t, b);
            for (int j = u0; j < u1; j++) {
                int bj = b * h + j;
                float gate = timeGate.open(w, tp.gate, j, aux + bj, time, alpha);
                tp.h[next + bj] = gate * tp.h[next + bj] + (1f - gate) * tp.h[prev + bj];
            }
        }
    }

    /**
     * Inference: closed units copy their state; open ones compute their three gate rows alone, input and recurrent
     * parts each as bias plus the kernels' dot product, in the dense computation's order.
     */
    @Override
    void forwardEventDriven(Kernels k, float[] w, PhasedGruTape tp, Pass p, int t, int rows, float[] x, int xOff) {
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;
        int hPrev = tp.prev(t) * bsz * h;
        int hNext = tp.next(t) * bsz * h;
        int aux = t * bsz * h;
        int whh = weights.whh.offset();
        int bhh = weights.bhh.offset();
        int wih = weights.wih.offset();
        int bih = weights.bih.offset();
        int in = inputSize;
        float[] in3 = tp.inputGates;
        float[] rec3 = tp.recurrentGates;
        double[] closedUntil = TimeGate.closedUntil(tp.gate, tp, p);
        for (int b = 0; b < rows; b++) {
            double time = p.time(t, b);
            int row = pre + b * gw;
            int hb = hPrev + b * h;
            int hn = hNext + b * h;
            int xRow = xOff + (t * bsz + b) * in;
            // every unit keeps its state and reads as closed unless computed below
            System.arraycopy(tp.h, hb, tp.h, hn, h);
            Arrays.fill(tp.gate.phase, aux + b * h, aux + (b + 1) * h, 1f);
            Arrays.fill(tp.gate.gate, aux + b * h, aux + (b + 1) * h, 0f);
            for (int j = 0; j < h; j++) {
                if (closedUntil != null && time < closedUntil[b * h + j]) {
                    continue;   // known to be closed: not even a phase
                }
                int o = aux + b * h + j;
                float gate = timeGate.inferenceGate(w, tp.gate, closedUntil, b, j, o, time);
                if (gate == 0f) {
                    continue;
                }
                float hp = tp.h[hb + j];
                // the r, z, n rows of unit j (h rows apart), input and recurrent parts: bias plus the kernels'
                // single dot product each
                for (int q = 0; q < 3; q++) {
                    in3[q] = w[bih + q * h + j];
                    rec3[q] = w[bhh + q * h + j];
                }
                k.multTransBAdd(1, 3, in, x, xRow, in, w, wih + j * in, h * in, in3, 0, 3);
                k.multTransBAdd(1, 3, h, tp.h, hb, h, w, whh + j * h, h * h, rec3, 0, 3);
                float r = Activation.SIGMOID.apply(in3[0] + rec3[0]);
                float z = Activation.SIGMOID.apply(in3[1] + rec3[1]);
                float n = Activation.TANH.apply(in3[2] + r * rec3[2]);
                tp.pre[row + j] = r;
                tp.pre[row + h + j] = z;
                tp.pre[row + 2 * h + j] = n;
                tp.aux[o] = rec3[2];
                float hTilde = (1f - z) * n + z * hp;
                tp.h[hn + j] = gate * hTilde + (1f - gate) * hp;
            }
        }
    }

    /** Back through the mixing (the gate's gradient, the path around the step), then the GRU step from k ⊙ dh_t. */
    @Override
    void backward(Kernels k, float[] w, float[] g, PhasedGruTape tp, Pass p, int t, Carry d, int lo, int hi, int u0,
                  int u1) {
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;
        int hPrev = tp.prev(t) * bsz * h;
        int aux = t * bsz * h;
        float alpha = leak(p);
        for (int b = lo; b < hi; b++) {
            double time = p.time(t, b);
            int row = pre + b * gw;
            for (int j = u0; j < u1; j++) {
                int o = aux + b * h + j;
                int bj = b * h + j;
                float z = tp.pre[row + h + j];
                float n = tp.pre[row + 2 * h + j];
                float hp = tp.h[hPrev + bj];
                float gate = tp.gate.gate[o];
                float hTilde = (1f - z) * n + z * hp;
                timeGate.backward(w, g, j, time, tp.gate.phase[o], d.dh[bj] * (hTilde - hp), alpha);
                tp.around[bj] = (1f - gate) * d.dh[bj];
                d.dh[bj] = gate * d.dh[bj];
            }
        }
        gru.backward(k, w, g, tp, p, t, d, lo, hi, u0, u1);
        for (int b = lo; b < hi; b++) {
            for (int j = u0; j < u1; j++) {
                d.dhPrev[b * h + j] += tp.around[b * h + j];
            }
        }
    }
}
