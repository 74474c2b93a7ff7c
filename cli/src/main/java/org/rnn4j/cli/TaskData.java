package org.rnn4j.cli;

import org.rnn4j.io.DataSchema;
import org.rnn4j.nn.Head;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.Objective;

/**
 * What the command line trains or evaluates on: the datasets and what they imply for the model.
 *
 * @param train        training data
 * @param validation   validation data, or null
 * @param inputSize    features per step
 * @param head         per sequence or per step
 * @param outputSize   regression outputs or classes
 * @param objective    loss and metric
 * @param baselineLoss loss of the best constant prediction, NaN when unknown
 * @param schema       columns, classes and standardisation of the user's data (kept in the model file), or null
 *                     for a built-in task
 */
record TaskData(Dataset train, Dataset validation, int inputSize, Head head, int outputSize, Objective objective,
                double baselineLoss, DataSchema schema) {
}
