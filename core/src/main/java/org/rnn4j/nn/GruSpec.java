package org.rnn4j.nn;

/**
 * GRU options.
 *
 * @param linearBeforeReset true (the default) for PyTorch's form, n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
 *                          which ONNX calls {@code linear_before_reset=1} and Keras {@code reset_after=True};
 *                          false for Cho et al. (2014), n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)
 */
public record GruSpec(boolean linearBeforeReset) implements CellSpec {

    static final GruSpec PYTORCH = new GruSpec(true);

    /** Cho et al.'s original form (reset applied to h before the recurrent product). */
    public GruSpec original() {
        return new GruSpec(false);
    }

    @Override
    public String kind() {
        return "GRU";
    }

    @Override
    public int outputSize(int hiddenSize) {
        return hiddenSize;
    }

}
