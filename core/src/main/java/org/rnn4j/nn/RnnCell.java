package org.rnn4j.nn;

import org.rnn4j.kernel.Activation;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamLayout;

import java.util.random.RandomGenerator;

/**
 * Elman RNN cell (Elman 1990; the ReLU form with identity initialisation is the IRNN of Le, Jaitly &amp; Hinton
 * 2015):
 * <pre>
 * a_t = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh
 * h_t = φ(a_t)                                  φ = tanh or ReLU
 * backward:  dA_t = dh_t ⊙ φ'(a_t), written through h_t;   dh_{t−1} = dA_t W_hh (the schedule's product)
 * </pre>
 * Shapes: B batch, T steps, I input, H hidden (= G = R). The tape keeps pre (T, B, H) = h_t after the forward
 * step, which is all the backward needs. Derivation: {@code docs/cells/rnn.md}.
 */
final class RnnCell extends Cell<Tape> {

    private final Activation phi;

    RnnCell(RnnSpec spec, int inputSize, int hidden, ParamLayout.Builder layout, String suffix) {
        super(inputSize, hidden, hidden, 1, false, layout, suffix);
        this.phi = spec.nonlinearity() == RnnSpec.Nonlinearity.TANH ? Activation.TANH : Activation.RELU;
    }

    @Override
    Wiring wiring() {
        return Wiring.SUMMED;
    }

    @Override
    Tape newTape(int batch, int steps, boolean reverse) {
        return new Tape(this, batch, steps, reverse);
    }

    @Override
    void initialize(float[] w, Init init, RandomGenerator rng) {
        weights.initialize(w, init, hidden, rng);
    }

    @Override
    void forward(Kernels k, float[] w, Tape tp, Pass p, int t, int lo, int hi, int u0, int u1) {
        int pre = (t * tp.batch + lo) * hidden + u0;           // (rows, H) a_t, from unit u0
        int next = (tp.next(t) * tp.batch + lo) * hidden + u0; // (rows, H) h_t
        k.activate(phi, hi - lo, u1 - u0, tp.pre, pre, hidden);
        for (int r = 0; r < hi - lo; r++) {
            System.arraycopy(tp.pre, pre + r * hidden, tp.h, next + r * hidden, u1 - u0);
        }
    }

    @Override
    void backward(Kernels k, float[] w, float[] g, Tape tp, Pass p, int t, Carry d, int lo, int hi, int u0, int u1) {
        int off = (t * tp.batch + lo) * hidden + u0;   // (rows, H) dA_t and h_t, from unit u0
        for (int r = 0; r < hi - lo; r++) {
            System.arraycopy(d.dh, (lo + r) * hidden + u0, tp.dA, off + r * hidden, u1 - u0);
        }
        k.activateBackward(phi, hi - lo, u1 - u0, tp.pre, off, hidden, tp.dA, off, hidden);
    }
}
