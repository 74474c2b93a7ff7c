package org.rnn4j.cli.options;

import org.rnn4j.data.BuiltInTask;
import org.rnn4j.data.DataFiles;
import org.rnn4j.data.DataSource;
import org.rnn4j.data.TaskData;
import org.rnn4j.data.csv.CsvColumns;
import org.rnn4j.data.image.FashionMnist;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.Provenance;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.train.Objective;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What to train or evaluate on, as options: a built-in task (synthetic, or images read as sequences), or the user's
 * files: arrays in .npz or .npy files, a CSV file in long format, or a directory of CSV files with one sequence each.
 * The options are checked against each other here and become a {@link DataSource} ({@link BuiltInTask} or
 * {@link DataFiles}), which reads the data.
 */
public final class DataOptions {

    @Option(names = "--task", defaultValue = "adding", paramLabel = "NAME",
            description = {"Built-in task: adding (the adding problem), parity (running parity) or copy (copy memory);"
                    + " or an image classified from a sequence: fashion-rows, fashion-pixels, fashion-permuted"
                    + " (Fashion-MNIST read row by row, pixel by pixel, or pixel by pixel in a fixed random order),"
                    + " mnist-rows, mnist-pixels, mnist-permuted (the MNIST digits). Default: ${DEFAULT-VALUE}."})
    String task;

    @Option(names = "--steps", paramLabel = "T",
            description = "Sequence length T of the task (for copy: the delay). Default: 50 for adding and parity, 20 for copy.")
    Integer steps;

    @Option(names = "--train-size", paramLabel = "N",
            description = "Training sequences of the task. Default: 10000; for an image task all the training images"
                    + " not held out for validation (a smaller N takes a fixed random sample of them).")
    Integer trainSize;

    @Option(names = "--val-size", paramLabel = "N",
            description = "Validation sequences, each task with its own seed; for a synthetic task also the size of the"
                    + " test set. Default: 1000; for fashion-* 5000 and for mnist-* 1000 images held out from the"
                    + " training images (0 for none).")
    Integer valSize;

    @Option(names = "--test-size", paramLabel = "N",
            description = "Test sequences after training. Default: --val-size for a synthetic task, the whole test"
                    + " set for an image task (a smaller N takes a fixed random sample of it).")
    Integer testSize;

    @Option(names = "--data-seed", defaultValue = "1", paramLabel = "S",
            description = "Seed of the generated task data and of --val-split; for an image task, of the validation"
                    + " split, the samples and the pixel order of *-permuted. Default: ${DEFAULT-VALUE}.")
    long dataSeed;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where an image task's data is: for fashion-* the four Fashion-MNIST .gz files (default:"
                    + " $RNN4J_FASHION_MNIST, else " + FashionMnist.SYSTEM_DIR + "; scripts/install-fashion-mnist),"
                    + " for mnist-* the full MNIST's four IDX files, else the 10 000 digits' 0.json … 9.json"
                    + " (default: $RNN4J_DATA/mnist, else ~/.cache/rnn4j/mnist; scripts/fetch-mnist installs both).")
    Path dataDir;

    @Option(names = "--data", paramLabel = "FILE|DIR",
            description = {"Your data instead of a task:",
                    "  FILE.csv: long format, a header and one row per sequence and step (see the column options);",
                    "  DIR: a directory of .csv files, one sequence each, named by the file;",
                    "  FILE.npz: arrays x (N, T, I) float, and y (N, K) or (N, T, K) targets or labels (N) or (N, T)"
                            + " class indices, optionally lengths (N) and times (N, T);",
                    "  FILE.npy: x alone, with --labels or --targets (and --lengths, --times) in .npy files."})
    Path data;

    @Option(names = "--val-data", paramLabel = "FILE|DIR", description = "Validation data, in a format of --data.")
    Path valData;

    @Option(names = "--val-split", paramLabel = "F",
            description = "Hold out this fraction of the --data sequences for validation, chosen by --data-seed.")
    Double valSplit;

    @Option(names = "--id-column", paramLabel = "NAME",
            description = "CSV: the column naming each sequence; its rows are one after another. Default: id (a"
                    + " directory's files are named by the file).")
    String idColumn;

    @Option(names = "--time-column", paramLabel = "NAME",
            description = "CSV: the timestamp of each step in seconds, used by --cell plstm and pgru; must not go"
                    + " backwards within a sequence. Default: none.")
    String timeColumn;

    @Option(names = "--feature-columns", split = ",", paramLabel = "NAME",
            description = "CSV: the input columns, in order. Default: every column without another role.")
    List<String> featureColumns;

    @Option(names = "--label-column", paramLabel = "NAME",
            description = "CSV: class labels, integers from 0 or names (cross-entropy). Constant within a sequence:"
                    + " one prediction per sequence; changing: one per step.")
    String labelColumn;

    @Option(names = "--target-columns", split = ",", paramLabel = "NAME",
            description = "CSV: real-valued targets (--objective mse or bce), per sequence or per step like labels.")
    List<String> targetColumns;

    @Option(names = "--per-step", description = "CSV: a prediction on every step even where labels are constant within a sequence.")
    boolean perStep;

    @Option(names = "--classes", paramLabel = "N",
            description = "Number of classes; labels must be below N. Default: the largest label + 1, or the names found.")
    Integer classes;

    @Option(names = "--labels", paramLabel = "FILE.npy", description = "With --data x.npy: class indices (N) or (N, T).")
    Path labelsFile;

    @Option(names = "--targets", paramLabel = "FILE.npy", description = "With --data x.npy: targets (N, K) or (N, T, K).")
    Path targetsFile;

    @Option(names = "--lengths", paramLabel = "FILE.npy", description = "With --data x.npy: the length of each sequence (N).")
    Path lengthsFile;

    @Option(names = "--times", paramLabel = "FILE.npy", description = "With --data x.npy: the timestamp of every step (N, T).")
    Path timesFile;

    @Option(names = "--no-standardize",
            description = "Do not standardise the features of --data. By default each feature is scaled to mean 0 and"
                    + " std 1 over the valid steps of the training split, and the model file keeps the scaling.")
    boolean noStandardize;

    @Option(names = "--streaming",
            description = "Read CSV data from disk batch by batch instead of into memory (the default when its padded"
                    + " arrays would take more than a quarter of the heap).")
    boolean streaming;

    @Option(names = "--objective", paramLabel = "NAME",
            description = "With --data: mse or bce for targets, ce for labels. Default: mse for targets, ce for labels.")
    String objective;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;   // the command these options belong to, when parsed by picocli

    /** Whether the option was given on the command line (false when these options were not parsed). */
    private boolean given(String option) {
        CommandLine.ParseResult parsed = mixee == null || mixee.commandLine() == null ? null
                : mixee.commandLine().getParseResult();
        return parsed != null && parsed.hasMatchedOption(option);
    }

    /** The training (and validation) data and what they imply for the model. */
    public TaskData load() throws IOException {
        if (data != null) {
            for (String option : List.of("--task", "--steps", "--train-size")) {
                if (given(option)) {   // a built-in task's options with the user's data: refused, not ignored
                    throw new IllegalArgumentException(option + " does not apply with --data " + data
                            + "; it chooses a built-in task's data");
                }
            }
        }
        if (data == null) {
            if (valData != null || valSplit != null) {
                throw new IllegalArgumentException((valData != null ? "--val-data" : "--val-split") + " needs --data");
            }
            if (noStandardize || perStep || classes != null) {   // refused now, not after the training
                throw new IllegalArgumentException("--no-standardize, --per-step and --classes are for --data, not for"
                        + " --task " + task);
            }
            return task(testSize).training();
        }
        return files().training(CsvIndexProgress::new);
    }

    /**
     * Test data for a trained model: a held-out set of a synthetic task with yet another seed, an image task's test
     * images, or the user's data read as the model's training data was (its columns, classes and standardisation):
     * --val-data, else the --val-split part of --data, else all of --data.
     *
     * @param size the number of test sequences of a task, or null for the default of --test-size (see its description)
     */
    public TaskData test(Integer size, ModelConfig config, DataSchema schema) throws IOException {
        if (noStandardize || perStep || classes != null) {
            throw new IllegalArgumentException("--no-standardize, --per-step and --classes are for training; a trained"
                    + " model brings its own standardisation, head and classes");
        }
        if (data == null) {
            if (valData != null || valSplit != null) {
                throw new IllegalArgumentException((valData != null ? "--val-data" : "--val-split") + " needs --data");
            }
            return task(size != null ? size : testSize).test(config, schema);
        }
        return files().test(config, schema, CsvIndexProgress::new);
    }

    /** Whether the data is the user's files (--data) rather than a built-in task. */
    /** --data, or null. */
    public Path dataFile() {
        return data;
    }

    /** --val-split, or null. */
    public Double valSplit() {
        return valSplit;
    }

    /** --data-seed. */
    public long dataSeed() {
        return dataSeed;
    }

    public boolean hasFiles() {
        return data != null;
    }

    /**
     * What the command chose for the user from the data of --data, in one line for the output before training: the
     * input columns (when --feature-columns was not given), the number of classes (when --classes was not given),
     * and one prediction per sequence or per step (when --per-step was not given); null when it chose nothing.
     */
    public String decisions(TaskData loaded) {
        if (data == null) {
            return null;
        }
        DataSchema schema = loaded.schema();
        boolean arrays = data.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(npz|npy)");
        List<String> parts = new ArrayList<>();
        if (!arrays && featureColumns == null && schema != null && !schema.featureColumns().isEmpty()) {
            parts.add("inputs " + String.join(", ", schema.featureColumns()) + " (every column without another"
                    + " role; --feature-columns chooses)");
        }
        if (loaded.objective() == Objective.CROSS_ENTROPY && classes == null) {
            List<String> names = schema == null ? List.of() : schema.classNames();
            parts.add(loaded.outputSize() + " classes " + (names.isEmpty() ? "(the largest label + 1; --classes sets it)"
                    : "(" + (names.size() <= 10 ? String.join(", ", names)
                    : String.join(", ", names.subList(0, 10)) + ", ...") + ": the label names, sorted)"));
        }
        if (!perStep) {
            String what = loaded.objective() == Objective.CROSS_ENTROPY ? "labels" : "targets";
            parts.add(loaded.head() == Head.LAST_STEP
                    ? "one prediction per sequence (" + (arrays ? "the " + what + " have one row per sequence"
                    : "the " + what + " are constant within every sequence; --per-step predicts every step") + ")"
                    : "a prediction at every step (" + (arrays ? "the " + what + " have a row per step"
                    : "the " + what + " change within a sequence") + ")");
        }
        return parts.isEmpty() ? null : "data: " + String.join("; ", parts);
    }

    /** The task's name, or the data file's name without its extension: for a run directory. */
    public String describeTask() {
        return data != null ? data.getFileName().toString().replaceAll("(?i)\\.(npz|npy|csv)$", "") : task;
    }

    /**
     * What eval needs to read the same data again, kept in the model's provenance: the objective, the data seed (it
     * chooses the generated sequences, the image samples, the validation split and a permutation), the built-in task
     * and its --steps, and the --val-split fraction.
     */
    public Provenance recordIn(Provenance p, TaskData loaded) {
        p = p.withExtra("objective", loaded.objective().name()).withExtra("data_seed", Long.toString(dataSeed));
        if (data == null) {
            p = p.withExtra("task", task.toLowerCase(Locale.ROOT));
            if (steps != null) {
                p = p.withExtra("steps", Integer.toString(steps));
            }
        }
        if (valSplit != null) {
            p = p.withExtra("val_split", Double.toString(valSplit));
        }
        return p;
    }

    /**
     * Options not given take the values the model was trained with (kept in its provenance by {@link #recordIn}):
     * the data seed, and without --data the task and its --steps. Another data seed would read other sequences,
     * another validation split or another pixel permutation, with nothing to show for it but a worse score.
     *
     * @param trained the provenance's extra values
     * @param given   the options given on the command line
     * @return what was taken, as options, for the output
     */
    public List<String> takeTrainingData(Map<String, String> trained, CommandLine.ParseResult given) {
        List<String> taken = new ArrayList<>();
        if (data == null && trained.containsKey("task") && !given.hasMatchedOption("--task")) {
            task = trained.get("task");
            taken.add("--task " + task);
            if (trained.containsKey("steps") && !given.hasMatchedOption("--steps")) {
                steps = Integer.parseInt(trained.get("steps"));
                taken.add("--steps " + steps);
            }
        }
        if (trained.containsKey("data_seed") && !given.hasMatchedOption("--data-seed")) {
            dataSeed = Long.parseLong(trained.get("data_seed"));
            if (dataSeed != 1) {
                taken.add("--data-seed " + dataSeed);
            }
        }
        return taken;
    }

    /** The built-in task of these options, its sizes checked and named by option. */
    private BuiltInTask task(Integer testCount) {
        boolean image = BuiltInTask.IMAGE_TASKS.contains(task.toLowerCase(Locale.ROOT));
        if (!image && !BuiltInTask.SYNTHETIC_TASKS.contains(task.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("--task: unknown task '" + task + "'; choose " + String.join(", ",
                    BuiltInTask.SYNTHETIC_TASKS) + ", " + String.join(", ", BuiltInTask.IMAGE_TASKS));
        }
        atLeast(steps, 1, "--steps");
        atLeast(trainSize, 1, "--train-size");
        atLeast(valSize, image ? 0 : 1, "--val-size");
        atLeast(testCount, 1, "--test-size");
        if (image && steps != null) {
            throw new IllegalArgumentException("--steps does not apply to --task " + task + ": its images set the"
                    + " sequence length (28 steps for *-rows, 784 for *-pixels and *-permuted)");
        }
        if (!image && dataDir != null && BuiltInTask.SYNTHETIC_TASKS.contains(task.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("--data-dir is for the image tasks (" + String.join(", ",
                    BuiltInTask.IMAGE_TASKS) + "), not for --task " + task);
        }
        return new BuiltInTask(task, steps, trainSize, valSize, testCount, dataSeed, dataDir);
    }

    /** The user's files of these options; the options of built-in tasks are refused rather than ignored. */
    private DataFiles files() {
        if (dataDir != null || steps != null || trainSize != null || testSize != null || valSize != null) {
            throw new IllegalArgumentException((dataDir != null ? "--data-dir" : steps != null ? "--steps"
                    : trainSize != null ? "--train-size" : testSize != null ? "--test-size" : "--val-size")
                    + " is for built-in tasks (--task), not for --data (use --val-split or --val-data)");
        }
        if (valData != null && valSplit != null) {
            throw new IllegalArgumentException("give --val-data or --val-split, not both");
        }
        if (classes != null && classes < 2) {
            throw new IllegalArgumentException("--classes must be at least 2, got " + classes);
        }
        if (labelsFile != null && targetsFile != null) {
            throw new IllegalArgumentException("give --labels or --targets, not both");
        }
        for (Path file : new Path[]{data, valData}) {
            if (file != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")
                    && labelsFile == null && targetsFile == null) {
                throw new IllegalArgumentException("--data " + file + " needs --labels FILE.npy (class indices) or"
                        + " --targets FILE.npy (real values)");
            }
        }
        Objective obj = null;
        if (objective != null) {
            obj = switch (objective.toLowerCase(Locale.ROOT)) {
                case "mse" -> Objective.MSE;
                case "bce" -> Objective.BINARY_CROSS_ENTROPY;
                case "ce" -> Objective.CROSS_ENTROPY;
                default -> throw new IllegalArgumentException("--objective must be mse, bce or ce, got " + objective);
            };
        }
        CsvColumns columns = new CsvColumns(idColumn, timeColumn, featureColumns, labelColumn, targetColumns,
                perStep ? Boolean.TRUE : null);
        return new DataFiles(data, valData, valSplit, dataSeed, columns,
                new DataFiles.NpyFiles(labelsFile, targetsFile, lengthsFile, timesFile), classes, obj, !noStandardize,
                streaming);
    }

    /** Refuses a size option below {@code min}. */
    private static void atLeast(Integer value, int min, String option) {
        if (value != null && value < min) {
            throw new IllegalArgumentException(option + " must be " + (min == 0 ? "0 or more" : "at least " + min)
                    + ", got " + value);
        }
    }
}
