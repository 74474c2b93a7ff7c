package org.rnn4j.nn;

import org.rnn4j.tensor.Tensor;

/**
 * Steps [from, to) of a batch of sequences: what a window of truncated BPTT or of {@link Recurrent#infer} reads.
 * Batch-first throughout, as the public API.
 */
public final class SequenceWindows {

    private SequenceWindows() {
    }

    /** x[:, from:to, :] of a (B, T, F) tensor, copied. */
    public static Tensor steps(Tensor x, int from, int to) {
        int b = x.dim(0);
        int t = x.dim(1);
        int f = x.dim(2);
        checkRange(from, to, t);
        int len = to - from;
        Tensor out = Tensor.zeros(b, len, f);
        for (int i = 0; i < b; i++) {
            System.arraycopy(x.data(), (i * t + from) * f, out.data(), i * len * f, len * f);
        }
        return out;
    }

    /** Each sequence's number of valid steps within [from, to); lengths null means all T steps are valid. */
    public static int[] lengths(int[] lengths, int batch, int steps, int from, int to) {
        checkRange(from, to, steps);
        int[] out = new int[batch];
        for (int b = 0; b < batch; b++) {
            int len = lengths == null ? steps : lengths[b];
            out[b] = Math.max(0, Math.min(len, to) - from);
        }
        return out;
    }

    /** The timestamps (B·T, batch-first) of steps [from, to) of every sequence, or null for none. */
    public static double[] times(double[] times, int batch, int steps, int from, int to) {
        if (times == null) {
            return null;
        }
        checkRange(from, to, steps);
        int len = to - from;
        double[] out = new double[batch * len];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(times, b * steps + from, out, b * len, len);
        }
        return out;
    }

    private static void checkRange(int from, int to, int steps) {
        if (from < 0 || to > steps || from > to) {
            throw new IllegalArgumentException("steps [" + from + ", " + to + ") are not within [0, " + steps + ")");
        }
    }
}
