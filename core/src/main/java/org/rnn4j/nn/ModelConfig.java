package org.rnn4j.nn;

/**
 * Everything that defines a {@link SequenceModel}'s architecture: what a model file stores besides the
 * parameter values, and what {@link SequenceModel#create} rebuilds a model from.
 *
 * @param network    the recurrent network
 * @param head       where the linear head reads the network
 * @param outputSize number of outputs of the head
 * @param embedding  the learned input embedding, or null for none; with one, the network's input size is
 *                   {@code embeddingDim + F − 1} for F model input features (the token id and F − 1 others)
 */
public record ModelConfig(RecurrentConfig network, Head head, int outputSize, EmbeddingSpec embedding) {

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
        if (embedding != null && network.inputSize() < embedding.embeddingDim()) {
            throw new IllegalArgumentException("with an embedding of dimension " + embedding.embeddingDim()
                    + " the network reads at least " + embedding.embeddingDim() + " features, but its inputSize is "
                    + network.inputSize());
        }
    }

    /** A model without an embedding. */
    public ModelConfig(RecurrentConfig network, Head head, int outputSize) {
        this(network, head, outputSize, null);
    }

    /** F, the features per step of the model's input x (B, T, F): the network's, or with an embedding the token id and the rest. */
    public int inputSize() {
        return embedding == null ? network.inputSize() : network.inputSize() - embedding.embeddingDim() + 1;
    }
}
