package org.rnn4j.train;

import org.rnn4j.loss.LossValue;
import org.rnn4j.loss.Losses;
import org.rnn4j.tensor.Tensor;

/** What the model is trained to do: the loss, and the metric reported beside it. */
public enum Objective {
    /** Regression: mean squared error; the metric is the MSE too. */
    MSE("mse"),
    /** Classification with class-index targets: softmax cross-entropy; the metric is accuracy. */
    CROSS_ENTROPY("accuracy"),
    /** Binary or multi-label targets in [0, 1]: binary cross-entropy with logits; the metric is accuracy at 0.5. */
    BINARY_CROSS_ENTROPY("accuracy");

    private final String metricName;

    Objective(String metricName) {
        this.metricName = metricName;
    }

    public String metricName() {
        return metricName;
    }

    /** Whether a larger metric is better. */
    public boolean metricHigherIsBetter() {
        return this != MSE;
    }

    /** Loss of predictions against the batch's targets; {@code lengths} masks per-step predictions (or null). */
    public LossValue loss(Tensor predictions, Batch batch, int[] lengths) {
        int[] mask = predictions.rank() == 3 ? lengths : null;
        return switch (this) {
            case MSE -> Losses.meanSquaredError(predictions, requireTargets(batch), mask);
            case CROSS_ENTROPY -> Losses.softmaxCrossEntropy(predictions, requireClasses(batch), mask);
            case BINARY_CROSS_ENTROPY -> Losses.binaryCrossEntropyWithLogits(predictions, requireTargets(batch), mask);
        };
    }

    /**
     * Sum of the metric over the counted items and the count, so batches can be combined: squared errors and
     * elements for MSE, correct predictions and predictions for the accuracies.
     */
    public double[] metricSum(Tensor predictions, Batch batch, int[] lengths) {
        int[] mask = predictions.rank() == 3 ? lengths : null;
        int k = predictions.dim(predictions.rank() - 1);
        int steps = predictions.rank() == 3 ? predictions.dim(1) : 1;
        float[] p = predictions.data();
        double sum = 0;
        long count = 0;
        int rows = p.length / k;
        for (int r = 0; r < rows; r++) {
            if (mask != null && r % steps >= mask[r / steps]) {
                continue;
            }
            switch (this) {
                case MSE -> {
                    float[] y = requireTargets(batch).data();
                    for (int j = 0; j < k; j++) {
                        double d = p[r * k + j] - y[r * k + j];
                        sum += d * d;
                    }
                    count += k;
                }
                case CROSS_ENTROPY -> {
                    int label = requireClasses(batch)[r];
                    if (label == Losses.IGNORE) {
                        continue;
                    }
                    int best = 0;
                    for (int j = 1; j < k; j++) {
                        if (p[r * k + j] > p[r * k + best]) {
                            best = j;
                        }
                    }
                    sum += best == label ? 1 : 0;
                    count++;
                }
                case BINARY_CROSS_ENTROPY -> {
                    float[] y = requireTargets(batch).data();
                    for (int j = 0; j < k; j++) {
                        boolean predicted = p[r * k + j] > 0f;
                        sum += predicted == (y[r * k + j] >= 0.5f) ? 1 : 0;
                    }
                    count += k;
                }
            }
        }
        return new double[]{sum, count};
    }

    private static Tensor requireTargets(Batch b) {
        if (b.targets() == null) {
            throw new IllegalArgumentException("this objective needs real-valued targets, but the batch has class indices");
        }
        return b.targets();
    }

    private static int[] requireClasses(Batch b) {
        if (b.classes() == null) {
            throw new IllegalArgumentException("cross-entropy needs class-index targets, but the batch has real-valued targets");
        }
        return b.classes();
    }
}
