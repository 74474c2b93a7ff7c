package org.rnn4j.nn;

/**
 * What a batch of sequences is besides its values: which steps are real, when they happened, and whether the call
 * runs whole sequences or a window of longer ones. Given to {@link Recurrent#forward(org.rnn4j.tensor.Tensor,
 * Sequences, State)} and {@link SequenceModel#forward(org.rnn4j.tensor.Tensor, Sequences, State)}.
 *
 * @param lengths   per-sequence lengths, right padding, or null when every sequence has all T steps: in [1, T]
 *                  for whole sequences, in [0, T] for a window (0: the sequence ended before it; its state passes
 *                  through and its outputs are 0)
 * @param times     (B·T) timestamp of each step in seconds, batch-first, non-decreasing within each sequence's
 *                  valid steps; null for none. Cells that do not use time ignore them.
 * @param firstStep for a window, the index of its first step within the whole sequences (what a Phased cell
 *                  without timestamps takes as the time, and the statistics row of a BN-LSTM); 0 otherwise
 * @param window    whether the call runs a window of longer sequences (truncated BPTT) rather than whole ones;
 *                  a bidirectional network needs whole sequences
 */
public record Sequences(int[] lengths, double[] times, int firstStep, boolean window) {

    /** Whole sequences, every one all T steps long, without timestamps. */
    public static final Sequences ALL = new Sequences(null, null, 0, false);

    public Sequences {
        if (firstStep < 0) {
            throw new IllegalArgumentException("firstStep must be ≥ 0, got " + firstStep);
        }
        if (firstStep > 0 && !window) {
            throw new IllegalArgumentException("whole sequences start at step 0; a call starting at step " + firstStep
                    + " is a window (Sequences.window)");
        }
    }

    /** Whole sequences of these lengths (null: all T steps). */
    public static Sequences of(int[] lengths) {
        return new Sequences(lengths, null, 0, false);
    }

    /** Whole sequences of these lengths (null: all T steps) with these timestamps (null: none). */
    public static Sequences of(int[] lengths, double[] times) {
        return new Sequences(lengths, times, 0, false);
    }

    /** The same with these timestamps (B·T, batch-first; null for none). */
    public Sequences withTimes(double[] times) {
        return new Sequences(lengths, times, firstStep, window);
    }

    /** The same steps as a window of longer sequences that starts at step {@code firstStep} of them. */
    public Sequences window(int firstStep) {
        return new Sequences(lengths, times, firstStep, true);
    }

    /** The length a sequence may have at least: 1 for whole sequences, 0 in a window. */
    int minLength() {
        return window ? 0 : 1;
    }

    @Override
    public String toString() {
        return "Sequences[" + (lengths == null ? "all T steps" : "lengths " + java.util.Arrays.toString(lengths))
                + (times == null ? "" : ", with times") + (window ? ", window from step " + firstStep : "") + "]";
    }
}
