package org.rnn4j.nn;

/**
 * Elman RNN: h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) with φ tanh or ReLU.
 *
 * @param nonlinearity the activation φ
 */
public record RnnSpec(Nonlinearity nonlinearity) implements CellSpec {

    /** The activation of an Elman RNN. */
    public enum Nonlinearity { TANH, RELU }

    public RnnSpec {
        if (nonlinearity == null) {
            throw new IllegalArgumentException("an RNN needs a nonlinearity (TANH or RELU)");
        }
    }

    @Override
    public String kind() {
        return "RNN";
    }

    @Override
    public int outputSize(int hiddenSize) {
        return hiddenSize;
    }

}
