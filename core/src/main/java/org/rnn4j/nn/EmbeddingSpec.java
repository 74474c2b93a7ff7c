package org.rnn4j.nn;

/**
 * A learned input embedding in front of a {@link SequenceModel}'s network, named like PyTorch's
 * {@code nn.Embedding(num_embeddings, embedding_dim)}: input feature column 0 carries an integer token id in
 * [0, numEmbeddings), and the first recurrent layer reads the token's row of {@code embedding.weight} followed by
 * the remaining input features.
 *
 * @param numEmbeddings V, the number of distinct tokens
 * @param embeddingDim  D, the size of one token's vector
 */
public record EmbeddingSpec(int numEmbeddings, int embeddingDim) {

    /** Token ids travel as float32 input values; integers are exact up to this bound. */
    public static final int MAX_TOKENS = 1 << 24;

    public EmbeddingSpec {
        if (numEmbeddings < 1 || numEmbeddings > MAX_TOKENS) {
            throw new IllegalArgumentException("an embedding needs between 1 and 2^24 = " + MAX_TOKENS
                    + " tokens (ids travel as float32 inputs, exact only below 2^24), got " + numEmbeddings);
        }
        if (embeddingDim < 1) {
            throw new IllegalArgumentException("embeddingDim must be at least 1, got " + embeddingDim);
        }
    }
}
