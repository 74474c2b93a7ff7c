package org.rnn4j.train;

import org.rnn4j.tensor.Tensor;

import java.util.Arrays;

/**
 * Sequences held in memory as arrays: inputs x (N, T, I), optional lengths (N), and either real-valued targets
 * (N, outputs) or (N, T, outputs), or class indices (N) or (N·T). A batch is cut to the longest sequence it
 * contains.
 */
public final class ArrayDataset implements Dataset {

    private final Tensor x;
    private final int[] lengths;
    private final Tensor targets;
    private final int[] classes;
    private final String description;
    private double[] times;   // (N·T) or null

    private ArrayDataset(Tensor x, int[] lengths, Tensor targets, int[] classes, String description) {
        if (x == null || x.rank() != 3) {
            throw new IllegalArgumentException("x must have shape (sequences, steps, features), got "
                    + (x == null ? "none" : Tensor.shapeString(x.shape())));
        }
        int n = x.dim(0);
        int t = x.dim(1);
        if (lengths != null) {
            if (lengths.length != n) {
                throw new IllegalArgumentException("lengths has " + lengths.length + " entries for " + n + " sequences");
            }
            for (int i = 0; i < n; i++) {
                if (lengths[i] < 1 || lengths[i] > t) {
                    throw new IllegalArgumentException("lengths[" + i + "] = " + lengths[i] + " is outside [1, " + t + "]");
                }
            }
        }
        if (targets != null && (targets.dim(0) != n || (targets.rank() == 3 && targets.dim(1) != t)
                || targets.rank() < 2 || targets.rank() > 3)) {
            throw new IllegalArgumentException("targets must have shape (" + n + ", outputs) or (" + n + ", " + t
                    + ", outputs), got " + Tensor.shapeString(targets.shape()));
        }
        if (classes != null && classes.length != n && classes.length != n * t) {
            throw new IllegalArgumentException("expected " + n + " class labels (one per sequence) or " + (n * t)
                    + " (one per step), got " + classes.length);
        }
        this.x = x;
        this.lengths = lengths;
        this.targets = targets;
        this.classes = classes;
        this.description = description;
    }

    /** Regression or binary targets, (N, outputs) or (N, T, outputs). */
    public static ArrayDataset withTargets(Tensor x, int[] lengths, Tensor targets, String description) {
        if (targets == null) {
            throw new IllegalArgumentException("targets are missing");
        }
        return new ArrayDataset(x, lengths, targets, null, description);
    }

    /** Class indices, one per sequence (N) or one per step (N·T, batch-first). */
    public static ArrayDataset withClasses(Tensor x, int[] lengths, int[] classes, String description) {
        if (classes == null) {
            throw new IllegalArgumentException("class labels are missing");
        }
        return new ArrayDataset(x, lengths, null, classes, description);
    }

    /**
     * Gives every step a timestamp: (N·T) seconds, batch-first, non-decreasing within each sequence. Returns this
     * dataset.
     */
    public ArrayDataset withTimes(double[] times) {
        int n = x.dim(0);
        int t = x.dim(1);
        if (times != null) {
            if (times.length != n * t) {
                throw new IllegalArgumentException("times must hold " + (n * t) + " timestamps (one per sequence and"
                        + " step), got " + times.length);
            }
            for (int i = 0; i < n; i++) {
                int len = lengths == null ? t : lengths[i];
                for (int s = 0; s < len; s++) {
                    double v = times[i * t + s];
                    if (!Double.isFinite(v) || (s > 0 && v < times[i * t + s - 1])) {
                        throw new IllegalArgumentException("times of sequence " + i + " at step " + s + " ("
                                + v + ") " + (Double.isFinite(v) ? "go backwards" : "are not finite"));
                    }
                }
            }
        }
        this.times = times;
        return this;
    }

    @Override
    public int size() {
        return x.dim(0);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public Batch batch(int[] indices) {
        Batch b = untimedBatch(indices);
        if (times == null) {
            return b;
        }
        int t = x.dim(1);
        int steps = b.steps();
        double[] bt = new double[indices.length * steps];
        for (int r = 0; r < indices.length; r++) {
            System.arraycopy(times, indices[r] * t, bt, r * steps, steps);
        }
        return b.withTimes(bt);
    }

    private Batch untimedBatch(int[] indices) {
        int t = x.dim(1);
        int f = x.dim(2);
        int steps = 1;
        for (int i : indices) {
            steps = Math.max(steps, lengths == null ? t : lengths[i]);
        }
        boolean perStep = (targets != null && targets.rank() == 3) || (classes != null && classes.length != size());
        int b = indices.length;
        Tensor bx = Tensor.zeros(b, steps, f);
        int[] bl = lengths == null ? null : new int[b];
        for (int r = 0; r < b; r++) {
            int i = indices[r];
            System.arraycopy(x.data(), i * t * f, bx.data(), r * steps * f, steps * f);
            if (bl != null) {
                bl[r] = lengths[i];
            }
        }
        if (classes != null) {
            int[] bc;
            if (perStep) {
                bc = new int[b * steps];
                for (int r = 0; r < b; r++) {
                    System.arraycopy(classes, indices[r] * t, bc, r * steps, steps);
                }
            } else {
                bc = new int[b];
                for (int r = 0; r < b; r++) {
                    bc[r] = classes[indices[r]];
                }
            }
            return Batch.withClasses(bx, bl, bc);
        }
        int k = targets.dim(targets.rank() - 1);
        Tensor bt;
        if (perStep) {
            bt = Tensor.zeros(b, steps, k);
            for (int r = 0; r < b; r++) {
                System.arraycopy(targets.data(), indices[r] * t * k, bt.data(), r * steps * k, steps * k);
            }
        } else {
            bt = Tensor.zeros(b, k);
            for (int r = 0; r < b; r++) {
                System.arraycopy(targets.data(), indices[r] * k, bt.data(), r * k, k);
            }
        }
        return Batch.withTargets(bx, bl, bt);
    }

    @Override
    public String toString() {
        return description + " " + Arrays.toString(x.shape());
    }
}
