package org.rnn4j.data;

import org.rnn4j.io.DataSchema;
import org.rnn4j.nn.Head;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.Objective;

/**
 * Data read from a {@link DataSource}, and what it implies for a model that learns it.
 *
 * @param train        the training data (or, from {@link DataSource#test}, the test data)
 * @param validation   validation data, or null
 * @param inputSize    features per step
 * @param head         one prediction per sequence ({@link Head#LAST_STEP}) or per step ({@link Head#EVERY_STEP})
 * @param outputSize   regression outputs, or classes
 * @param objective    loss and metric
 * @param baselineLoss loss of the best constant prediction, NaN when unknown
 * @param schema       columns, classes and standardisation of the user's data (for the model file), or null for a
 *                     built-in task
 */
public record TaskData(Dataset train, Dataset validation, int inputSize, Head head, int outputSize, Objective objective,
                       double baselineLoss, DataSchema schema) {

    /** The same description with {@code data} as the training data and no validation data. */
    public TaskData withOnly(Dataset data) {
        return new TaskData(data, null, inputSize, head, outputSize, objective, baselineLoss, schema);
    }
}
