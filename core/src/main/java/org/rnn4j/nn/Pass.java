package org.rnn4j.nn;

/**
 * What one forward call of a layer runs over, given by the caller and never changed during the call: which steps
 * of which sequences are real, when they happened, where the call starts within the whole sequences, and the mode.
 * The backward pass of the call reads the same record.
 *
 * @param batch       B, the sequences of the call
 * @param lengths     per-sequence lengths in [0, T] (right padding), or null when every sequence has all T steps
 * @param times       (T, B) timestamps in seconds, time-major, or null when the batch has none
 * @param firstStep   the index of the call's first step within the whole sequences: 0 for whole sequences, a
 *                    window's start for truncated BPTT, the steps already fed for a stream (the time of a Phased
 *                    cell without timestamps, the statistics row of a BN-LSTM)
 * @param training    training mode (the Phased cells' leak, BN-LSTM batch statistics) or inference
 * @param closedUntil a stream's (B, H) times before which each unit of an event-driven cell stays closed, carried
 *                    from call to call; null outside streams
 */
record Pass(int batch, int[] lengths, double[] times, int firstStep, boolean training, double[] closedUntil) {

    /** Whether sequence b is still running at step t (right padding: t &lt; length). */
    boolean active(int b, int t) {
        return lengths == null || t < lengths[b];
    }

    /** The rows up to the last sequence still running at step t: 1 + its index (at least 1), or B without lengths. */
    int runningRows(int t) {
        if (lengths == null) {
            return batch;
        }
        for (int b = batch - 1; b > 0; b--) {
            if (t < lengths[b]) {
                return b + 1;
            }
        }
        return 1;
    }

    /** The time of step t of row b: its timestamp, or without timestamps its index within the whole sequence. */
    double time(int t, int b) {
        return times == null ? firstStep + t : times[t * batch + b];
    }
}
