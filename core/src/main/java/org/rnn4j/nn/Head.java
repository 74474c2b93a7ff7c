package org.rnn4j.nn;

/** Where a {@link SequenceModel}'s linear output layer reads the recurrent network. */
public enum Head {
    /**
     * Many-to-many: a prediction per step, (B, T, outputs). Padded steps predict from a zero input (their
     * recurrent output is 0) and are excluded by the losses when given the lengths.
     */
    EVERY_STEP,
    /**
     * Many-to-one: one prediction per sequence, (B, outputs), from the top layer's final states: the forward
     * direction at each sequence's last valid step and, when bidirectional, the reverse direction after it has
     * read the whole sequence (its output at step 0), concatenated, as Keras' Bidirectional does.
     */
    LAST_STEP
}
