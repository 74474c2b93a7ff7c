package org.rnn4j.nn;

import org.rnn4j.kernel.Activation;
import org.rnn4j.kernel.Compute;
import org.rnn4j.param.ParamLayout;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Elman RNN cell: {@code h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)}, φ = tanh or ReLU (Elman 1990;
 * the ReLU form with identity initialisation is the IRNN of Le, Jaitly &amp; Hinton 2015).
 *
 * <p>Shapes: B batch, T steps, I input, H hidden (= G = R). Derivation: {@code docs/cells/rnn.md}.
 * The tape keeps pre (T, B, H) = h_t after the forward step, which is all the backward needs.
 */
final class RnnCell extends AbstractCell<RnnCell.RnnTape> {

    /** The tape, with the elementwise work of a forward step reused from step to step. */
    static final class RnnTape extends Tape {
        Activate activate;

        RnnTape(RnnCell cell, int batch, int steps, boolean reverse) {
            super(cell, batch, steps, reverse);
        }
    }

    /** h_t = φ(pre_t) over some rows and units of step t; set per step. */
    final class Activate implements Compute.StepTask {
        private final RnnTape tp;
        org.rnn4j.kernel.Kernels k;
        int t;

        Activate(RnnTape tp) {
            this.tp = tp;
        }

        @Override
        public void run(int lo, int hi, int u0, int u1) {
            int b = tp.batch;
            int pre = (t * b + lo) * hidden + u0;
            int next = (tp.next(t) * b + lo) * hidden + u0;
            k.activate(phi, hi - lo, u1 - u0, tp.pre, pre, hidden);
            for (int r = 0; r < hi - lo; r++) {
                System.arraycopy(tp.pre, pre + r * hidden, tp.h, next + r * hidden, u1 - u0);
            }
        }
    }

    private final Activation phi;
    private final StandardWeights weights;

    RnnCell(RnnSpec spec, int inputSize, int hidden, ParamLayout.Builder layout, String suffix) {
        super(inputSize, hidden, hidden, hidden, false);
        this.phi = spec.nonlinearity() == RnnSpec.Nonlinearity.TANH ? Activation.TANH : Activation.RELU;
        this.weights = new StandardWeights(layout, suffix, hidden, inputSize, hidden);
    }

    @Override
    public RnnTape newTape(int batch, int steps, boolean reverse) {
        RnnTape tp = new RnnTape(this, batch, steps, reverse);
        tp.activate = new Activate(tp);
        return tp;
    }

    @Override
    public void initialize(float[] w, Init init, RandomGenerator rng) {
        weights.initialize(w, init, hidden, rng);
    }

    @Override
    public boolean skipsFinishedRows() {
        return true;
    }

    @Override
    public void projectInput(Compute cx, float[] w, RnnTape tp, float[] x, int xOff) {
        weights.prepareFused(cx, w, tp, x, xOff, true);
    }

    @Override
    public void finishForward(float[] w, RnnTape tp) {
        StandardWeights.finishFused(tp);
    }

    @Override
    public void startBackward(Compute cx, float[] w, RnnTape tp) {
        weights.prepareBackward(cx, w, tp);
    }

    @Override
    public void forwardStep(Compute cx, float[] w, RnnTape tp, int t) {
        int b = tp.batch;
        int h = hidden;
        int pre = t * b * h;                       // (B, H) pre-activation of step t
        Activate act = tp.activate;
        act.k = cx.kernels();
        act.t = t;
        weights.recurrentStep(cx, w, tp, t, tp.h, tp.prev(t) * b * h, tp.pre, pre, h, null, 1, act);
    }

    @Override
    public void backwardStep(Compute cx, float[] w, float[] g, RnnTape tp, int t,
                             float[] dh, float[] dc, float[] dhPrev, float[] dcPrev) {
        int b = tp.batch;
        int h = hidden;
        int off = t * b * h;
        // dA_t = dh ⊙ φ'(h_t); the finished rows past tp.rows have dh = 0 and keep dA = 0
        System.arraycopy(dh, 0, tp.dA, off, b * h);
        cx.kernels().activateBackward(phi, tp.rows, h, tp.pre, off, h, tp.dA, off, h);
        // dh_{t-1} = dA_t · W_hh
        Arrays.fill(dhPrev, 0, b * h, 0f);
        weights.recurrentBackward(cx, w, tp, tp.dA, off, h, dhPrev);
    }

    @Override
    public void backwardSequence(Compute cx, float[] w, float[] g, RnnTape tp, float[] x, int xOff,
                                 float[] dx, int dxOff) {
        int rows = tp.steps * tp.batch;
        weights.inputGrads(cx, w, g, rows, tp.dA, x, xOff, dx, dxOff);
        weights.recurrentGrads(cx, g, tp, tp.dA, tp.h, tp.firstPrevIndex() * tp.batch * hidden);
    }
}
