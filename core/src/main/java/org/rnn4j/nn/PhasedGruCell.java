package org.rnn4j.nn;

import org.rnn4j.kernel.Activation;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamLayout;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Phased GRU cell: PyTorch's GRU step (gate order r, z, n; reset after the recurrent product) through the time gate.
 * <pre>
 * r = σ(W_ir x + b_ir + W_hr h_{t−1} + b_hr),  z = σ(W_iz x + b_iz + W_hz h_{t−1} + b_hz)
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h_{t−1} + b_hn)),  h̃ = (1 − z) ⊙ n + z ⊙ h_{t−1}
 * h_t = k ⊙ h̃ + (1 − k) ⊙ h_{t−1}                      k: the {@link TimeGate}
 * </pre>
 * At inference (α = 0) a closed unit keeps its state exactly and its work is skipped, as for the Phased LSTM.
 * Shapes: B batch, T steps, I input, H hidden, G = 3H.
 */
final class PhasedGruCell extends AbstractCell<PhasedGruCell.PhasedGruTape> {

    /** The Phased GRU's extra buffers. */
    static final class PhasedGruTape extends TimeGatedTape {
        /** (T, B, H) W_hn h_{t−1} + b_hn. */
        final float[] hn;
        /** (B, G) recurrent product of the current step. */
        final float[] rec;
        /** (T, B, G) gradient of the recurrent product's output. */
        float[] dRec;
        /** An open unit's input and recurrent parts of its r, z, n rows, at event-driven inference. */
        final float[] inputGates = new float[3];
        final float[] recurrentGates = new float[3];

        PhasedGruTape(PhasedGruCell cell, int batch, int steps, boolean reverse) {
            super(cell, batch, steps, reverse, "Phased GRU buffer");
            this.hn = new float[phase.length];
            this.rec = new float[batch * cell.gw];
        }

        @Override
        void ensureBackward(Cell<?> cell) {
            super.ensureBackward(cell);
            if (dRec == null) {
                dRec = new float[pre.length];
            }
        }
    }

    private final PhasedGruSpec spec;
    private final StandardWeights weights;
    private final TimeGate timeGate;

    PhasedGruCell(PhasedGruSpec spec, int inputSize, int hidden, ParamLayout.Builder layout, String suffix) {
        super(inputSize, hidden, hidden, 3 * hidden, false);
        this.spec = spec;
        this.weights = new StandardWeights(layout, suffix, gw, inputSize, hidden);
        this.timeGate = new TimeGate(layout, suffix, hidden, spec.periodMin(), spec.periodMax(), spec.ratioOn(),
                spec.learnPeriod(), spec.learnShift(), spec.learnRatioOn());
    }

    @Override
    public PhasedGruTape newTape(int batch, int steps, boolean reverse) {
        return new PhasedGruTape(this, batch, steps, reverse);
    }

    @Override
    public void initialize(float[] w, Init init, RandomGenerator rng) {
        weights.initialize(w, init, hidden, rng);
        timeGate.initialize(w, rng);
    }

    @Override
    public void projectInput(Compute cx, float[] w, PhasedGruTape tp, float[] x, int xOff) {
        if (TimeGate.startPass(tp, spec.leak(), x, xOff)) {
            return;   // event-driven: only open units need their input rows, computed in forwardStep
        }
        weights.project(cx, w, x, xOff, tp.steps * tp.batch, tp.pre, false);
        weights.prepareForward(cx, w, tp);
    }

    @Override
    public void startBackward(Compute cx, float[] w, PhasedGruTape tp) {
        weights.prepareBackward(cx, w, tp);
    }

    @Override
    public long unitUpdates(PhasedGruTape tp) {
        return tp.updates;
    }

    @Override
    public boolean skipsFinishedRows() {
        return true;
    }

    @Override
    public void forwardStep(Compute cx, float[] w, PhasedGruTape tp, int t) {
        if (!tp.training) {
            forwardStepEventDriven(cx.kernels(), w, tp, t);
            return;
        }
        Kernels k = cx.kernels();
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;
        int hPrev = tp.prev(t) * bsz * h;
        int hNext = tp.next(t) * bsz * h;
        int aux = t * bsz * h;
        int m = tp.rows;   // rows past it are finished sequences
        Arrays.fill(tp.rec, 0f);
        k.addRowBias(m, gw, w, weights.bhh.offset(), tp.rec, 0, gw);
        weights.recurrentForward(cx, w, tp, tp.h, hPrev, tp.rec, 0, gw);
        for (int b = 0; b < m; b++) {
            for (int j = 0; j < 2 * h; j++) {
                tp.pre[pre + b * gw + j] += tp.rec[b * gw + j];
            }
        }
        k.activate(Activation.SIGMOID, m, 2 * h, tp.pre, pre, gw);
        for (int b = 0; b < m; b++) {
            for (int j = 0; j < h; j++) {
                float hn = tp.rec[b * gw + 2 * h + j];
                tp.hn[aux + b * h + j] = hn;
                tp.pre[pre + b * gw + 2 * h + j] += tp.pre[pre + b * gw + j] * hn;
            }
        }
        k.activate(Activation.TANH, m, h, tp.pre, pre + 2 * h, gw);
        for (int b = 0; b < m; b++) {
            double time = TimeGate.time(tp, t, b);
            boolean counted = tp.active(b, t);
            int row = pre + b * gw;
            for (int j = 0; j < h; j++) {
                int o = aux + b * h + j;
                float phi = timeGate.phase(w, j, time);
                float gate = timeGate.gate(w, j, phi, tp.leak);
                tp.phase[o] = phi;
                tp.gate[o] = gate;
                if (counted && gate != 0f) {
                    tp.updates++;
                }
                float z = tp.pre[row + h + j];
                float hp = tp.h[hPrev + b * h + j];
                float hTilde = (1f - z) * tp.pre[row + 2 * h + j] + z * hp;
                tp.h[hNext + b * h + j] = gate * hTilde + (1f - gate) * hp;
            }
        }
    }

    /**
     * Inference: closed units copy their state; open ones compute their three gate rows alone, input and recurrent
     * parts each as bias plus the kernels' dot product, in the dense computation's order.
     */
    private void forwardStepEventDriven(Kernels k, float[] w, PhasedGruTape tp, int t) {
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
        int in = weights.inputSize;
        float[] in3 = tp.inputGates;
        float[] rec3 = tp.recurrentGates;
        for (int b = 0; b < tp.rows; b++) {
            double time = TimeGate.time(tp, t, b);
            boolean counted = tp.active(b, t);
            int row = pre + b * gw;
            int hb = hPrev + b * h;
            int hn = hNext + b * h;
            int xRow = tp.xOff + (t * bsz + b) * in;
            // every unit keeps its state and reads as closed unless computed below
            System.arraycopy(tp.h, hb, tp.h, hn, h);
            java.util.Arrays.fill(tp.phase, aux + b * h, aux + (b + 1) * h, 1f);
            java.util.Arrays.fill(tp.gate, aux + b * h, aux + (b + 1) * h, 0f);
            double[] closedUntil = tp.closedUntil;
            for (int j = 0; j < h; j++) {
                if (closedUntil != null && time < closedUntil[b * h + j]) {
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
                float hp = tp.h[hb + j];
                // the r, z, n rows of unit j (h rows apart), input and recurrent parts: bias plus the kernels'
                // single dot product each
                for (int q = 0; q < 3; q++) {
                    in3[q] = w[bih + q * h + j];
                    rec3[q] = w[bhh + q * h + j];
                }
                k.multTransBAdd(1, 3, in, tp.x, xRow, in, w, wih + j * in, h * in, in3, 0, 3);
                k.multTransBAdd(1, 3, h, tp.h, hb, h, w, whh + j * h, h * h, rec3, 0, 3);
                float r = Activation.SIGMOID.apply(in3[0] + rec3[0]);
                float z = Activation.SIGMOID.apply(in3[1] + rec3[1]);
                float n = Activation.TANH.apply(in3[2] + r * rec3[2]);
                tp.pre[row + j] = r;
                tp.pre[row + h + j] = z;
                tp.pre[row + 2 * h + j] = n;
                tp.hn[o] = rec3[2];
                float hTilde = (1f - z) * n + z * hp;
                tp.h[hn + j] = gate * hTilde + (1f - gate) * hp;
            }
        }
    }

    @Override
    public void backwardStep(Compute cx, float[] w, float[] g, PhasedGruTape tp, int t,
                             float[] dh, float[] dc, float[] dhPrev, float[] dcPrev) {
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;
        int hPrev = tp.prev(t) * bsz * h;
        int aux = t * bsz * h;
        for (int b = 0; b < tp.rows; b++) {
            double time = TimeGate.time(tp, t, b);
            int row = pre + b * gw;
            for (int j = 0; j < h; j++) {
                int o = aux + b * h + j;
                float r = tp.pre[row + j];
                float z = tp.pre[row + h + j];
                float n = tp.pre[row + 2 * h + j];
                float hp = tp.h[hPrev + b * h + j];
                float gate = tp.gate[o];
                float d = dh[b * h + j];
                float hTilde = (1f - z) * n + z * hp;
                timeGate.backward(w, g, j, time, tp.phase[o], d * (hTilde - hp), tp.leak);
                float dTilde = gate * d;   // through h_t = k h̃ + (1 − k) h_{t−1}
                float dAz = dTilde * (hp - n) * z * (1f - z);
                float dAn = dTilde * (1f - z) * (1f - n * n);
                float dAr = dAn * tp.hn[o] * r * (1f - r);
                tp.dA[row + j] = dAr;
                tp.dA[row + h + j] = dAz;
                tp.dA[row + 2 * h + j] = dAn;
                tp.dRec[row + j] = dAr;
                tp.dRec[row + h + j] = dAz;
                tp.dRec[row + 2 * h + j] = dAn * r;
                dhPrev[b * h + j] = dTilde * z + (1f - gate) * d;
            }
        }
        tp.zeroRows(tp.dA, t, gw, tp.rows);   // finished rows: no gradient
        tp.zeroRows(tp.dRec, t, gw, tp.rows);
        weights.recurrentBackward(cx, w, tp, tp.dRec, pre, gw, dhPrev);
    }

    @Override
    public void backwardSequence(Compute cx, float[] w, float[] g, PhasedGruTape tp, float[] x, int xOff,
                                 float[] dx, int dxOff) {
        int rows = tp.steps * tp.batch;
        weights.inputGrads(cx, w, g, rows, tp.dA, x, xOff, dx, dxOff);
        weights.recurrentGrads(cx, g, tp, tp.dRec, tp.h, tp.firstPrevIndex() * tp.batch * hidden);
    }
}
