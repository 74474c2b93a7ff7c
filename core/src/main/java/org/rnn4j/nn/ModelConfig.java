package org.rnn4j.nn;

/**
 * Everything that defines a {@link SequenceModel}'s architecture: what a model file stores besides the
 * parameter values, and what {@link SequenceModel#create} rebuilds a model from.
 *
 * @param network    the recurrent network
 * @param head       where the linear head reads the network
 * @param outputSize number of outputs of the head
 */
public record ModelConfig(RecurrentConfig network, Head head, int outputSize) {

    public ModelConfig {
        if (network == null) {
            throw new IllegalArgumentException("a network configuration is required");
        }
        if (head == null) {
            throw new IllegalArgumentException("head must be EVERY_STEP or LAST_STEP");
        }
        if (outputSize < 1) {
            throw new IllegalArgumentException("outputSize (the head's number of outputs) must be at least 1, got "
                    + outputSize);
        }
    }
}
