package org.rnn4j.data;

import org.rnn4j.io.DataSchema;
import org.rnn4j.nn.ModelConfig;

import java.io.IOException;

/**
 * Where a model's data comes from, described as the {@code rnn4j} command describes it: a built-in task
 * ({@link BuiltInTask}: the synthetic tasks and images read as sequences) or the user's files ({@link DataFiles}:
 * CSV in long format, a directory of CSV files, {@code .npz} or {@code .npy} arrays). The same description gives
 * the training and validation data, and later the test data of a model trained on it.
 *
 * <pre>{@code
 * TaskData data = DataFiles.of(Path.of("sensors.csv"))
 *         .withColumns(new CsvColumns("id", "time", List.of(), "label", List.of(), null))
 *         .withValidationSplit(0.2).training();
 * SequenceModel model = SequenceModel.builder().cell(CellSpec.gru()).inputSize(data.inputSize()).hiddenSize(16)
 *         .head(data.head()).outputSize(data.outputSize()).build();
 * new Trainer(TrainConfig.builder().objective(data.objective()).build(), new Adam(0.01f))
 *         .fit(model, data.train(), data.validation(), new TrainListener() { });
 * }</pre>
 *
 * <p>Reading checks every value: a malformed file, a missing column, a value that is not finite, a label outside
 * the known classes each raise an exception naming the file, line or array and what was expected. Nothing is
 * read until {@link #training} or {@link #test} is called.
 */
public sealed interface DataSource permits BuiltInTask, DataFiles {

    /** A short name for run directories and messages: the task's name, or the data file's name without extension. */
    String name();

    /**
     * The training data and the validation data (null when the description has none), with their input size,
     * head, outputs and objective. User data is standardised on the training split unless told otherwise, and the
     * schema records the columns, classes and scaling for the model file.
     */
    TaskData training() throws IOException;

    /**
     * Test data for a model trained on this description, in {@link TaskData#train()}: a synthetic task's held-out
     * sequences (a seed never used in training), an image task's test images, or the user's data read with the
     * trained model's columns, classes and standardisation (the validation file, else the validation split, else
     * all of the data).
     *
     * @param model   the trained model's configuration (its classes and head decide how labels are read)
     * @param trained the schema kept in the model file, or null (a built-in task, or a model file without one)
     */
    TaskData test(ModelConfig model, DataSchema trained) throws IOException;
}
