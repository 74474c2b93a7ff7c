package org.rnn4j.train;

import org.rnn4j.tensor.Tensor;

/**
 * A mini-batch: inputs x (B, T, I), optional lengths (right padding; null when every sequence has T steps), and
 * targets of one of two kinds: real-valued {@link #targets()} for regression and binary objectives, shaped like
 * the model's predictions ((B, outputs) or (B, T, outputs)), or class indices {@link #classes()} (B, or B·T in
 * batch-first order for per-step labels). A batch may carry timestamps (B·T seconds, batch-first) for cells
 * that use time.
 */
public final class Batch {

    private final Tensor x;
    private final int[] lengths;
    private final Tensor targets;
    private final int[] classes;
    private final double[] times;

    private Batch(Tensor x, int[] lengths, Tensor targets, int[] classes, double[] times) {
        if (x == null || x.rank() != 3) {
            throw new IllegalArgumentException("a batch needs inputs x of shape (batch, steps, features), got "
                    + (x == null ? "none" : Tensor.shapeString(x.shape())));
        }
        if (lengths != null && lengths.length != x.dim(0)) {
            throw new IllegalArgumentException("lengths has " + lengths.length + " entries for a batch of " + x.dim(0));
        }
        this.x = x;
        this.lengths = lengths;
        this.targets = targets;
        this.classes = classes;
        if (times != null && times.length != x.dim(0) * x.dim(1)) {
            throw new IllegalArgumentException("times must hold " + (x.dim(0) * x.dim(1)) + " timestamps (one per"
                    + " sequence and step), got " + times.length);
        }
        this.times = times;
    }

    /** A batch with real-valued targets (MSE or binary cross-entropy). */
    public static Batch withTargets(Tensor x, int[] lengths, Tensor targets) {
        if (targets == null) {
            throw new IllegalArgumentException("targets are missing");
        }
        return new Batch(x, lengths, targets, null, null);
    }

    /** A batch with class-index targets (softmax cross-entropy). */
    public static Batch withClasses(Tensor x, int[] lengths, int[] classes) {
        if (classes == null) {
            throw new IllegalArgumentException("class targets are missing");
        }
        return new Batch(x, lengths, null, classes, null);
    }

    /** This batch with timestamps (B·T seconds, batch-first), or without them for null. */
    public Batch withTimes(double[] times) {
        return new Batch(x, lengths, targets, classes, times);
    }

    /** This batch with other inputs of the same shape (e.g. scaled), keeping lengths, targets and timestamps. */
    public Batch withInputs(Tensor x) {
        if (x == null || !java.util.Arrays.equals(x.shape(), this.x.shape())) {
            throw new IllegalArgumentException("new inputs must have the shape " + Tensor.shapeString(this.x.shape())
                    + ", got " + (x == null ? "none" : Tensor.shapeString(x.shape())));
        }
        return new Batch(x, lengths, targets, classes, times);
    }

    /** The timestamp of each step (B·T seconds, batch-first), or null. */
    public double[] times() {
        return times;
    }

    public Tensor x() {
        return x;
    }

    public int[] lengths() {
        return lengths;
    }

    /** Real-valued targets, or null for a classification batch. */
    public Tensor targets() {
        return targets;
    }

    /** Class indices, or null for a regression batch. */
    public int[] classes() {
        return classes;
    }

    public int size() {
        return x.dim(0);
    }

    public int steps() {
        return x.dim(1);
    }

    /**
     * This batch with its sequences in order of length, longest first (stable), or this batch when they already
     * are or have no lengths. Recurrent layers then compute, at each step, only the sequences still running; a
     * mean loss or a summed metric over the batch does not depend on the order of its rows.
     */
    public Batch sortedByLength() {
        int b = size();
        if (lengths == null) {
            return this;
        }
        boolean sorted = true;
        for (int i = 1; i < b && sorted; i++) {
            sorted = lengths[i] <= lengths[i - 1];
        }
        if (sorted) {
            return this;
        }
        Integer[] order = new Integer[b];
        for (int i = 0; i < b; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (p, q) -> Integer.compare(lengths[q], lengths[p]));
        int[] perm = new int[b];
        for (int i = 0; i < b; i++) {
            perm[i] = order[i];
        }
        Tensor pt = targets == null ? null : Tensor.of(permuteRows(targets.data(), perm), targets.shape());
        return new Batch(Tensor.of(permuteRows(x.data(), perm), x.shape()), permuteRows(lengths, perm), pt,
                permuteRows(classes, perm), permuteRows(times, perm));
    }

    /** A batch-first array's B equal rows (one value each, or T, or T·I) in the order perm; null for null. */
    private static <A> A permuteRows(A data, int[] perm) {
        if (data == null) {
            return null;
        }
        int n = java.lang.reflect.Array.getLength(data);
        int per = n / perm.length;
        @SuppressWarnings("unchecked")
        A out = (A) java.lang.reflect.Array.newInstance(data.getClass().getComponentType(), n);
        for (int i = 0; i < perm.length; i++) {
            System.arraycopy(data, perm[i] * per, out, i * per, per);
        }
        return out;
    }
}
