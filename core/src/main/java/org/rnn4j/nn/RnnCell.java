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
final class RnnCell extends AbstractCell<Tape> {

    private final Activation phi;
    private final StandardWeights weights;

    RnnCell(RnnSpec spec, int inputSize, int hidden, ParamLayout.Builder layout, String suffix) {
        super(inputSize, hidden, hidden, hidden, false);
        this.phi = spec.nonlinearity() == RnnSpec.Nonlinearity.TANH ? Activation.TANH : Activation.RELU;
        this.weights = new StandardWeights(layout, suffix, hidden, inputSize, hidden);
    }

    @Override
    public Tape newTape(int batch, int steps, boolean reverse) {
        return new Tape(this, batch, steps, reverse);
    }

    @Override
    public void initialize(float[] w, Init init, RandomGenerator rng) {
        weights.initialize(w, init, hidden, rng);
    }

    @Override
    public void projectInput(Compute cx, float[] w, Tape tp, float[] x, int xOff) {
        weights.project(cx, w, x, xOff, tp.steps * tp.batch, tp.pre, true);
        weights.prepareForward(cx, w, tp);
    }

    @Override
    public void startBackward(Compute cx, float[] w, Tape tp) {
        weights.prepareBackward(cx, w, tp);
    }

    @Override
    public void forwardStep(Compute cx, float[] w, Tape tp, int t) {
        int b = tp.batch;
        int h = hidden;
        int pre = t * b * h;                       // (B, H) pre-activation of step t
        weights.recurrentForward(cx, w, tp, tp.h, tp.prev(t) * b * h, tp.pre, pre, h);
        cx.kernels().activate(phi, b, h, tp.pre, pre, h);
        System.arraycopy(tp.pre, pre, tp.h, tp.next(t) * b * h, b * h);
    }

    @Override
    public void backwardStep(Compute cx, float[] w, float[] g, Tape tp, int t,
                             float[] dh, float[] dc, float[] dhPrev, float[] dcPrev) {
        int b = tp.batch;
        int h = hidden;
        int off = t * b * h;
        // dA_t = dh ⊙ φ'(h_t)
        System.arraycopy(dh, 0, tp.dA, off, b * h);
        cx.kernels().activateBackward(phi, b, h, tp.pre, off, h, tp.dA, off, h);
        // dh_{t-1} = dA_t · W_hh
        Arrays.fill(dhPrev, 0, b * h, 0f);
        weights.recurrentBackward(cx, w, tp, tp.dA, off, h, dhPrev);
    }

    @Override
    public void backwardSequence(Compute cx, float[] w, float[] g, Tape tp, float[] x, int xOff,
                                 float[] dx, int dxOff) {
        int rows = tp.steps * tp.batch;
        weights.inputGrads(cx, w, g, rows, tp.dA, x, xOff, dx, dxOff);
        weights.recurrentGrads(cx, g, rows, tp.dA, tp.h, tp.firstPrevIndex() * tp.batch * hidden);
    }
}
