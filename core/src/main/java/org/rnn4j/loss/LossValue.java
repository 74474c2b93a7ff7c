package org.rnn4j.loss;

import org.rnn4j.tensor.Tensor;

/**
 * A loss and its gradient with respect to the predictions (same shape as the predictions).
 *
 * @param value    the mean loss over the counted elements
 * @param gradient dLoss/dPrediction
 * @param count    how many elements (or sequences, or steps) the mean is over
 */
public record LossValue(double value, Tensor gradient, int count) {
}
