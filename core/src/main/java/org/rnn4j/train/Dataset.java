package org.rnn4j.train;

/**
 * A fixed, indexable collection of sequences. Random access by index is what makes shuffling reproducible and
 * a resumed run exact: the trainer only keeps a permutation and a position.
 */
public interface Dataset {

    /** Number of sequences. */
    int size();

    /** The sequences at these indices, as one batch padded to the longest of them. */
    Batch batch(int[] indices);

    /**
     * The sequences of one epoch (0-based): this dataset, or, for generated data that draws fresh sequences every
     * epoch (as the Phased LSTM paper's tasks do), that epoch's draw, of the same size. The trainer asks for it at
     * the start of each epoch; it must depend on the epoch only, so that a resumed run sees the same data.
     */
    default Dataset forEpoch(int epoch) {
        return this;
    }

    /** A one-line description for logs and provenance, e.g. {@code "adding problem, T=100, 10000 sequences"}. */
    String describe();
}
