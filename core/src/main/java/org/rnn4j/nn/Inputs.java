package org.rnn4j.nn;

import org.rnn4j.tensor.Tensor;

/** Checks of user-supplied tensors; every message names the tensor, what was expected and what came. */
final class Inputs {

    private Inputs() {
    }

    /** x must be (B, T, features) with B, T ≥ 1 and finite values. */
    static void checkSequenceInput(String name, Tensor x, int features) {
        if (x == null) {
            throw new IllegalArgumentException("input " + name + " is missing; expected shape (batch, steps, "
                    + features + ")");
        }
        int[] s = x.shape();
        if (s.length != 3 || s[2] != features) {
            throw new IllegalArgumentException("input " + name + " must have shape (batch, steps, " + features
                    + "), got " + Tensor.shapeString(s)
                    + (s.length == 3 ? ": " + s[2] + " features per step instead of " + features : ""));
        }
        if (s[0] < 1 || s[1] < 1) {
            throw new IllegalArgumentException("input " + name + " is empty: shape " + Tensor.shapeString(s)
                    + "; need at least one sequence and one step");
        }
        checkFinite(name, x);
    }

    /** Every value finite; the message gives the index of the first offender. */
    static void checkFinite(String name, Tensor x) {
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw new IllegalArgumentException("input " + name + " contains " + d[i] + " at index "
                        + indexString(i, x.shape()) + "; inputs must be finite numbers");
            }
        }
    }

    static void checkLengths(int[] lengths, int batch, int steps) {
        checkLengths(lengths, batch, steps, 1);
    }

    /** Lengths in [minLength, steps]; minLength 0 is for windows of longer sequences (truncated BPTT). */
    static void checkLengths(int[] lengths, int batch, int steps, int minLength) {
        if (lengths == null) {
            return;
        }
        if (lengths.length != batch) {
            throw new IllegalArgumentException("lengths has " + lengths.length + " entries but the batch has "
                    + batch + " sequences");
        }
        for (int b = 0; b < batch; b++) {
            if (lengths[b] < minLength || lengths[b] > steps) {
                throw new IllegalArgumentException("lengths[" + b + "] = " + lengths[b] + " is outside [" + minLength
                        + ", " + steps + "]: each sequence needs at least " + (minLength == 1 ? "one step" : "0 steps")
                        + " and at most T = " + steps);
            }
        }
    }

    /**
     * Timestamps (B·T, batch-first) must be finite and must not decrease within a sequence's valid steps.
     */
    static void checkTimes(double[] times, int batch, int steps, int[] lengths) {
        if (times == null) {
            return;
        }
        if (times.length != batch * steps) {
            throw new IllegalArgumentException("times must hold one timestamp per sequence and step, (" + batch + ", "
                    + steps + ") = " + (batch * steps) + " values, got " + times.length);
        }
        for (int b = 0; b < batch; b++) {
            int len = lengths == null ? steps : lengths[b];
            for (int t = 0; t < len; t++) {
                double v = times[b * steps + t];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("times contains " + v + " at [" + b + ", " + t
                            + "]; timestamps must be finite numbers");
                }
                if (t > 0 && v < times[b * steps + t - 1]) {
                    throw new IllegalArgumentException("times go backwards in sequence " + b + ": step " + t + " is at "
                            + v + ", before step " + (t - 1) + " at " + times[b * steps + t - 1]);
                }
            }
        }
    }

    /** A null tensor passes (optional argument); otherwise its shape must equal {@code expected} and its values be finite. */
    static void checkShape(String name, Tensor t, int... expected) {
        if (t == null) {
            return;
        }
        if (!java.util.Arrays.equals(t.shape(), expected)) {
            throw new IllegalArgumentException(name + " must have shape " + Tensor.shapeString(expected)
                    + ", got " + Tensor.shapeString(t.shape()));
        }
        checkFinite(name, t);
    }

    private static String indexString(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int a = shape.length - 1; a >= 0; a--) {
            idx[a] = flat % shape[a];
            flat /= shape[a];
        }
        return java.util.Arrays.toString(idx);
    }
}
