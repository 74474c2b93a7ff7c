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

    /** A one-line description for logs and provenance, e.g. {@code "adding problem, T=100, 10000 sequences"}. */
    String describe();
}
