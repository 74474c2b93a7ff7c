package org.rnn4j.loss;

import org.rnn4j.tensor.Tensor;

import java.util.Arrays;

/**
 * Loss functions, each returning the mean loss and its gradient. Predictions are (B, K) for one prediction per
 * sequence, or (B, T, K) for one per step; for the latter, {@code lengths} (null = all T) excludes padded steps
 * from the mean and gives them a zero gradient.
 */
public final class Losses {

    /** In {@link #softmaxCrossEntropy} targets, a class index that is skipped (PyTorch's {@code ignore_index}). */
    public static final int IGNORE = -100;

    private Losses() {
    }

    /** Mean squared error over all elements: mean((prediction − target)²), like PyTorch's {@code MSELoss}. */
    public static LossValue meanSquaredError(Tensor prediction, Tensor target) {
        return meanSquaredError(prediction, target, null);
    }

    /** Mean squared error over the elements of valid steps. */
    public static LossValue meanSquaredError(Tensor prediction, Tensor target, int[] lengths) {
        checkSameShape(prediction, target);
        Rows rows = Rows.of(prediction, lengths);
        float[] p = prediction.data();
        float[] y = target.data();
        float[] g = new float[p.length];
        double sum = 0;
        int count = rows.nonEmpty(rows.validRows() * rows.k);
        for (int r = 0; r < rows.n; r++) {
            if (!rows.valid(r)) {
                continue;
            }
            for (int j = 0; j < rows.k; j++) {
                int i = r * rows.k + j;
                double d = (double) p[i] - y[i];
                sum += d * d;
                g[i] = (float) (2 * d / count);
            }
        }
        return new LossValue(sum / count, Tensor.of(g, prediction.shape()), count);
    }

    /** Softmax cross-entropy of logits (B, C) against class indices (B). */
    public static LossValue softmaxCrossEntropy(Tensor logits, int[] classes) {
        return softmaxCrossEntropy(logits, classes, null);
    }

    /**
     * Softmax cross-entropy of logits against class indices, averaged over the counted rows: logits (B, C) with
     * classes (B), or logits (B, T, C) with classes (B·T) in batch-first order, padded steps excluded by lengths.
     * A class of {@link #IGNORE} skips its row.
     */
    public static LossValue softmaxCrossEntropy(Tensor logits, int[] classes, int[] lengths) {
        Rows rows = Rows.of(logits, lengths);
        if (classes == null || classes.length != rows.n) {
            throw new IllegalArgumentException("expected " + rows.n + " class indices for logits of shape "
                    + Tensor.shapeString(logits.shape()) + ", got " + (classes == null ? "none" : classes.length));
        }
        int c = rows.k;
        float[] z = logits.data();
        float[] g = new float[z.length];
        int count = 0;
        for (int r = 0; r < rows.n; r++) {
            if (rows.valid(r) && classes[r] != IGNORE) {
                if (classes[r] < 0 || classes[r] >= c) {
                    throw new IllegalArgumentException("class index " + classes[r] + " at position " + r
                            + " is outside [0, " + c + ")");
                }
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("no target to compute a loss on: every row is padding or ignored");
        }
        double sum = 0;
        for (int r = 0; r < rows.n; r++) {
            if (!rows.valid(r) || classes[r] == IGNORE) {
                continue;
            }
            int off = r * c;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, z[off + j]);
            }
            double norm = 0;
            for (int j = 0; j < c; j++) {
                norm += Math.exp(z[off + j] - max);
            }
            double logNorm = max + Math.log(norm);
            sum += logNorm - z[off + classes[r]];
            for (int j = 0; j < c; j++) {
                double prob = Math.exp(z[off + j] - logNorm);
                g[off + j] = (float) ((prob - (j == classes[r] ? 1 : 0)) / count);
            }
        }
        return new LossValue(sum / count, Tensor.of(g, logits.shape()), count);
    }

    /** Binary cross-entropy with logits, element-wise, averaged over all elements (PyTorch's {@code BCEWithLogitsLoss}). */
    public static LossValue binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
        return binaryCrossEntropyWithLogits(logits, targets, null);
    }

    /**
     * Binary cross-entropy with logits over the elements of valid steps; targets in [0, 1]. Computed in the
     * stable form max(z, 0) − z·y + log(1 + e^−|z|).
     */
    public static LossValue binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, int[] lengths) {
        checkSameShape(logits, targets);
        Rows rows = Rows.of(logits, lengths);
        float[] z = logits.data();
        float[] y = targets.data();
        float[] g = new float[z.length];
        int count = rows.nonEmpty(rows.validRows() * rows.k);
        double sum = 0;
        for (int r = 0; r < rows.n; r++) {
            if (!rows.valid(r)) {
                continue;
            }
            for (int j = 0; j < rows.k; j++) {
                int i = r * rows.k + j;
                if (!(y[i] >= 0f && y[i] <= 1f)) {
                    throw new IllegalArgumentException("binary target " + y[i] + " at index " + i + " is outside [0, 1]");
                }
                double zi = z[i];
                sum += Math.max(zi, 0) - zi * y[i] + Math.log1p(Math.exp(-Math.abs(zi)));
                double sig = 1.0 / (1.0 + Math.exp(-zi));
                g[i] = (float) ((sig - y[i]) / count);
            }
        }
        return new LossValue(sum / count, Tensor.of(g, logits.shape()), count);
    }

    /** Index of the largest logit of each row: (B, C) → B classes, (B, T, C) → B·T classes. */
    public static int[] argmax(Tensor logits) {
        int k = logits.dim(logits.rank() - 1);
        int n = logits.size() / Math.max(k, 1);
        int[] out = new int[n];
        float[] z = logits.data();
        for (int r = 0; r < n; r++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (z[r * k + j] > z[r * k + best]) {
                    best = j;
                }
            }
            out[r] = best;
        }
        return out;
    }

    private static void checkSameShape(Tensor prediction, Tensor target) {
        if (target == null || !Arrays.equals(prediction.shape(), target.shape())) {
            throw new IllegalArgumentException("target must have the prediction's shape "
                    + Tensor.shapeString(prediction.shape()) + ", got "
                    + (target == null ? "none" : Tensor.shapeString(target.shape())));
        }
        float[] y = target.data();
        for (int i = 0; i < y.length; i++) {
            if (!Float.isFinite(y[i])) {
                throw new IllegalArgumentException("target contains " + y[i] + " at flat index " + i
                        + "; targets must be finite numbers");
            }
        }
    }

    /** The predictions seen as n rows of k values, with the padded rows of a (B, T, K) tensor marked. */
    private record Rows(int n, int k, int steps, int[] lengths) {
        static Rows of(Tensor prediction, int[] lengths) {
            int rank = prediction.rank();
            if (rank != 2 && rank != 3) {
                throw new IllegalArgumentException("predictions must be (batch, outputs) or (batch, steps, outputs), got "
                        + Tensor.shapeString(prediction.shape()));
            }
            int k = prediction.dim(rank - 1);
            int steps = rank == 3 ? prediction.dim(1) : 1;
            if (lengths != null) {
                if (rank != 3) {
                    throw new IllegalArgumentException("lengths apply to per-step predictions (batch, steps, outputs), got "
                            + Tensor.shapeString(prediction.shape()));
                }
                if (lengths.length != prediction.dim(0)) {
                    throw new IllegalArgumentException("lengths has " + lengths.length + " entries for a batch of "
                            + prediction.dim(0));
                }
                for (int b = 0; b < lengths.length; b++) {
                    if (lengths[b] < 0 || lengths[b] > steps) {
                        throw new IllegalArgumentException("lengths[" + b + "] = " + lengths[b] + " is outside [0, " + steps + "]");
                    }
                }
            }
            return new Rows(prediction.size() / Math.max(k, 1), k, steps, lengths);
        }

        boolean valid(int row) {
            return lengths == null || row % steps < lengths[row / steps];
        }

        int nonEmpty(int count) {
            if (count == 0) {
                throw new IllegalArgumentException("no target to compute a loss on: every step is padding");
            }
            return count;
        }

        int validRows() {
            if (lengths == null) {
                return n;
            }
            int s = 0;
            for (int l : lengths) {
                s += l;
            }
            return s;
        }
    }
}
