package org.rnn4j.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.rnn4j.data.csv.CsvColumns;
import org.rnn4j.data.csv.CsvSequences;
import org.rnn4j.data.csv.KnownClasses;
import org.rnn4j.data.image.FashionMnist;
import org.rnn4j.data.image.ImageSet;
import org.rnn4j.data.image.ImageSets;
import org.rnn4j.data.image.MnistDigits;
import org.rnn4j.data.image.SequentialImages;
import org.rnn4j.data.synthetic.AddingProblem;
import org.rnn4j.data.synthetic.CopyMemory;
import org.rnn4j.data.synthetic.Parity;
import org.rnn4j.data.synthetic.SyntheticTask;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.FileFormatException;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;
import org.rnn4j.io.Npz;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.ArrayDataset;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.Objective;
import org.rnn4j.train.Standardization;
import org.rnn4j.train.Subset;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What to train or evaluate on: a built-in task (synthetic, or images read as sequences), or the user's files:
 * arrays in .npz or .npy files, a CSV file in long format, or a directory of CSV files with one sequence each.
 */
final class DataOptions {

    /** The image tasks: a data set and a way of reading its images as sequences. */
    static final List<String> IMAGE_TASKS = List.of("fashion-rows", "fashion-pixels", "fashion-permuted", "mnist-rows",
            "mnist-pixels", "mnist-permuted");

    /** CSV data whose padded arrays would take more than this share of the heap is read from disk batch by batch. */
    private static final double IN_MEMORY_SHARE = 0.25;

    /** The indexing pass shows a progress bar for data larger than this. */
    private static final long PROGRESS_BYTES = 32L << 20;

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
                    + " for mnist-* 0.json … 9.json (default: $RNN4J_DATA/mnist, else ~/.cache/rnn4j/mnist;"
                    + " scripts/fetch-mnist).")
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

    /** The user's data as read from one source, before splitting and standardisation. */
    record UserData(Dataset dataset, int inputSize, Head head, int outputs, Objective objective, DataSchema schema,
                    CsvSequences csv) {
    }

    /** The training (and validation) data and what they imply for the model. */
    TaskData load() throws IOException {
        if (data == null) {
            if (valData != null || valSplit != null) {
                throw new IllegalArgumentException((valData != null ? "--val-data" : "--val-split") + " needs --data");
            }
            if (noStandardize || perStep || classes != null) {   // refused now, not after the training
                throw new IllegalArgumentException("--no-standardize, --per-step and --classes are for --data, not for"
                        + " --task " + task);
            }
            if (testSize != null) {
                orDefault(testSize, 0, "--test-size");
            }
            if (isImageTask()) {
                return loadImages();
            }
            checkNoImageOptions();
            SyntheticTask t = task(orDefault(trainSize, 10_000, "--train-size"), dataSeed);
            return new TaskData(t, task(orDefault(valSize, 1000, "--val-size"), dataSeed + 1_000_003L), t.inputSize(),
                    t.head(), t.outputSize(), t.objective(), t.baselineLoss(), null);
        }
        checkNoTaskOptions();
        if (valData != null && valSplit != null) {
            throw new IllegalArgumentException("give --val-data or --val-split, not both");
        }
        if (classes != null && classes < 2) {
            throw new IllegalArgumentException("--classes must be at least 2, got " + classes);
        }
        UserData train = read(data, classes == null ? null : KnownClasses.count(classes), perStep ? Boolean.TRUE : null,
                null, false);
        Dataset trainSet = train.dataset();
        Dataset valSet = null;
        int outputs = train.outputs();
        if (valData != null) {
            KnownClasses known = classes != null ? KnownClasses.count(classes)
                    : train.schema().classNames().isEmpty() ? null
                    : new KnownClasses(train.outputs(), train.schema().classNames());
            UserData val = read(valData, known, train.head() == Head.EVERY_STEP, train.schema(), false);
            if (train.objective() == Objective.CROSS_ENTROPY && val.objective() == Objective.CROSS_ENTROPY) {
                outputs = Math.max(train.outputs(), val.outputs());   // a file may lack the highest class
            } else if (val.outputs() != train.outputs()) {
                outputs = -1;
            }
            if (val.inputSize() != train.inputSize() || val.head() != train.head() || outputs < 0) {
                throw new IllegalArgumentException(valData + " does not match " + data + ": it has " + val.inputSize()
                        + " features and " + val.outputs() + " outputs per " + val.head() + ", the training data "
                        + train.inputSize() + " and " + train.outputs() + " per " + train.head());
            }
            valSet = val.dataset();
        } else if (valSplit != null) {
            int[][] parts = Subset.split(trainSet.size(), valSplit, dataSeed);
            valSet = new Subset(trainSet, parts[1], trainSet.describe() + ", validation split of " + parts[1].length);
            trainSet = new Subset(trainSet, parts[0], trainSet.describe() + ", training split of " + parts[0].length);
        }
        DataSchema schema = train.schema();
        if (!noStandardize) {
            Standardization s = Standardization.fit(trainSet, 256);
            trainSet = s.applyTo(trainSet);
            valSet = valSet == null ? null : s.applyTo(valSet);
            schema = schema.withStandardization(s.mean(), s.std());
        }
        return new TaskData(trainSet, valSet, train.inputSize(), train.head(), outputs, train.objective(), Double.NaN,
                schema);
    }

    /**
     * Test data for a trained model: a held-out set of a synthetic task with yet another seed, an image task's test
     * images, or the user's data read as the model's training data was (its columns, classes and standardisation):
     * --val-data, else the --val-split part of --data, else all of --data.
     *
     * @param size the number of test sequences of a task, or null for the default of --test-size (see its description)
     */
    TaskData test(Integer size, ModelConfig config, DataSchema schema) throws IOException {
        if (noStandardize || perStep || classes != null) {
            throw new IllegalArgumentException("--no-standardize, --per-step and --classes are for training; a trained"
                    + " model brings its own standardisation, head and classes");
        }
        if (data == null) {
            if (valData != null || valSplit != null) {
                throw new IllegalArgumentException((valData != null ? "--val-data" : "--val-split") + " needs --data");
            }
            Integer n = size != null ? size : testSize;
            if (isImageTask()) {
                ImageSet images = readImages(false);
                if (n != null) {
                    images = ImageSets.sample(images, orDefault(n, 0, "--test-size"), dataSeed + 2_000_029L);
                }
                return imageTaskData(sequences(images), null);
            }
            checkNoImageOptions();
            SyntheticTask t = task(n != null ? orDefault(n, 0, "--test-size") : Math.max(1, orDefault(valSize, 1000,
                    "--val-size")), dataSeed + 2_000_029L);
            return new TaskData(t, null, t.inputSize(), t.head(), t.outputSize(), t.objective(), t.baselineLoss(), null);
        }
        checkNoTaskOptions();
        KnownClasses known = new KnownClasses(config.outputSize(), schema == null ? List.of() : schema.classNames());
        UserData u = read(valData != null ? valData : data, known, config.head() == Head.EVERY_STEP, schema, false);
        Dataset d = u.dataset();
        if (valData == null && valSplit != null) {
            int[] part = Subset.split(d.size(), valSplit, dataSeed)[1];
            d = new Subset(d, part, d.describe() + ", validation split of " + part.length);
        }
        if (schema != null && schema.standardized()) {
            d = new Standardization(schema.mean(), schema.std()).applyTo(d);
        }
        return new TaskData(d, null, u.inputSize(), u.head(), u.outputs(), u.objective(), Double.NaN, schema);
    }

    String describeTask() {
        return data != null ? data.getFileName().toString().replaceAll("(?i)\\.(npz|npy|csv)$", "") : task;
    }

    /** Whether a path is CSV data: a .csv file or a directory. */
    static boolean isCsv(Path file) {
        return Files.isDirectory(file) || file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    }

    /**
     * Reads one source of the user's data.
     *
     * @param known      classes the labels must belong to, or null to learn them
     * @param perStep    per-step or per-sequence targets, or null to decide from the data
     * @param trained    the schema of the training data, whose columns are used where no option names them, or null
     * @param prediction inputs only: label and target columns are not read
     */
    UserData read(Path file, KnownClasses known, Boolean perStep, DataSchema trained, boolean prediction)
            throws IOException {
        if (isCsv(file)) {
            return readCsv(file, known, perStep, trained, prediction);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".npy") && (labelsFile != null || targetsFile != null || lengthsFile != null
                || timesFile != null)) {
            throw new IllegalArgumentException("--labels, --targets, --lengths and --times go with --data x.npy, not "
                    + file);
        }
        Arrays a;
        Integer classCount = known == null ? null : known.count();
        if (name.endsWith(".npz")) {
            a = Arrays.read(file, objective, classCount);
        } else if (name.endsWith(".npy")) {
            a = readNpy(file, classCount);
        } else {
            throw new IllegalArgumentException(file + ": expected a .csv, .npz or .npy file or a directory of .csv files");
        }
        DataSchema schema = new DataSchema(null, null, List.of(), null, List.of(), List.of(), null, null);
        return new UserData(a.dataset, a.inputSize(), a.head, a.outputs, a.objective, schema, null);
    }

    private Arrays readNpy(Path x, Integer classCount) throws IOException {
        if (labelsFile == null && targetsFile == null) {
            throw new IllegalArgumentException("--data " + x + " needs --labels FILE.npy (class indices) or --targets"
                    + " FILE.npy (real values)");
        }
        if (labelsFile != null && targetsFile != null) {
            throw new IllegalArgumentException("give --labels or --targets, not both");
        }
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("x", x);
        files.put(labelsFile != null ? "labels" : "y", labelsFile != null ? labelsFile : targetsFile);
        files.put("lengths", lengthsFile);
        files.put("times", timesFile);
        for (Map.Entry<String, Path> e : files.entrySet()) {
            if (e.getValue() != null) {
                arrays.put(e.getKey(), Npy.read(e.getValue()));
            }
        }
        return Arrays.read(x, arrays, key -> files.get(key).toString(), objective, classCount);
    }

    private UserData readCsv(Path file, KnownClasses known, Boolean perStep, DataSchema trained, boolean prediction)
            throws IOException {
        String id = idColumn != null ? idColumn : trained != null && trained.idColumn() != null ? trained.idColumn() : "id";
        String time = timeColumn != null ? timeColumn : trained == null ? null : trained.timeColumn();
        List<String> features = featureColumns != null ? featureColumns
                : trained == null ? List.of() : trained.featureColumns();
        String label = labelColumn;
        List<String> targets = targetColumns;
        if (label == null && targets == null && trained != null) {
            label = trained.labelColumn();
            targets = trained.targetColumns();
        }
        CsvColumns columns = new CsvColumns(id, time, features, label, targets, perStep);
        if (prediction) {
            columns = columns.unlabelled();
        } else if (!columns.labelled()) {
            throw new IllegalArgumentException(file + ": name what to learn, --label-column NAME (classes) or"
                    + " --target-columns A,B (real values)");
        }
        Objective obj = Objective.MSE;
        if (columns.label() != null) {
            if (objective != null && !objective.equalsIgnoreCase("ce")) {
                throw new IllegalArgumentException("--objective " + objective + " needs real-valued --target-columns,"
                        + " but --label-column gives classes");
            }
            obj = Objective.CROSS_ENTROPY;
        } else if (objective != null && objective.equalsIgnoreCase("bce")) {
            obj = Objective.BINARY_CROSS_ENTROPY;
        } else if (objective != null && !objective.equalsIgnoreCase("mse")) {
            throw new IllegalArgumentException("--objective must be mse or bce for --target-columns (ce needs"
                    + " --label-column), got " + objective);
        }
        CsvSequences seq;
        try (IndexProgress progress = new IndexProgress(file)) {
            seq = CsvSequences.index(file, columns, known, progress);
        }
        if (perStep != null) {
            seq = seq.withPerStep(perStep);
        }
        Dataset d;
        if (streaming || seq.paddedBytes() > IN_MEMORY_SHARE * Runtime.getRuntime().maxMemory()) {
            int[] all = new int[seq.size()];
            java.util.Arrays.setAll(all, i -> i);
            d = new Subset(seq, all, seq.describe() + ", read from disk batch by batch");
        } else {
            d = seq.toArrays();
        }
        int outputs = columns.label() != null ? seq.classes() : columns.targets().size();
        CsvColumns found = seq.columns();
        DataSchema schema = new DataSchema(found.id(), found.time(), found.features(), found.label(), found.targets(),
                seq.classNames(), null, null);
        return new UserData(d, seq.features(), seq.perStep() ? Head.EVERY_STEP : Head.LAST_STEP, outputs, obj, schema,
                seq);
    }

    /** A progress bar on stderr for the indexing pass over a large file, on a terminal only. */
    private static final class IndexProgress implements CsvSequences.Progress, AutoCloseable {
        private final Path file;
        private ProgressBar bar;

        IndexProgress(Path file) {
            this.file = file;
        }

        @Override
        public void bytesRead(long done, long total) {
            if (bar == null && total > PROGRESS_BYTES && System.console() != null) {
                bar = new ProgressBarBuilder().setTaskName("reading " + file.getFileName())
                        .setInitialMax(total >> 20).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUnit(" MB", 1).showSpeed().build();
            }
            if (bar != null) {
                bar.stepTo(done >> 20);
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }

    boolean isImageTask() {
        return IMAGE_TASKS.contains(task.toLowerCase(Locale.ROOT));
    }

    /** The value of a size option, at least 1, or the default when it was not given. */
    private static int orDefault(Integer value, int otherwise, String option) {
        if (value == null) {
            return otherwise;
        }
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
        return value;
    }

    private void checkNoImageOptions() {
        if (dataDir != null) {
            throw new IllegalArgumentException("--data-dir is for the image tasks (" + String.join(", ", IMAGE_TASKS)
                    + "), not for --task " + task);
        }
    }

    /** An image task: validation images held out of the training images, and a sample of the rest if asked. */
    private TaskData loadImages() throws IOException {
        if (steps != null) {
            throw new IllegalArgumentException("--steps does not apply to --task " + task + ": its images set the"
                    + " sequence length (28 steps for *-rows, 784 for *-pixels and *-permuted)");
        }
        ImageSet all = readImages(true);
        int nVal = valSize != null ? valSize : task.toLowerCase(Locale.ROOT).startsWith("fashion") ? 5000 : 1000;
        if (nVal < 0) {
            throw new IllegalArgumentException("--val-size must be 0 or more, got " + nVal);
        }
        ImageSet train = all;
        ImageSet validation = null;
        if (nVal > 0) {
            ImageSets.Split split = ImageSets.split(all, nVal, dataSeed + 1_000_003L);
            train = split.train();
            validation = split.validation();
        }
        if (trainSize != null) {
            train = ImageSets.sample(train, orDefault(trainSize, 0, "--train-size"), dataSeed);
        }
        return imageTaskData(sequences(train), validation == null ? null : sequences(validation));
    }

    private static TaskData imageTaskData(SequentialImages train, SequentialImages validation) {
        return new TaskData(train, validation, train.inputSize(), train.head(), train.outputSize(), train.objective(),
                train.baselineLoss(), null);
    }

    /** The images of an image task's data set, from --data-dir or the data set's default directory. */
    private ImageSet readImages(boolean training) throws IOException {
        boolean fashion = task.toLowerCase(Locale.ROOT).startsWith("fashion");
        Path dir = dataDir != null ? dataDir : fashion ? FashionMnist.defaultDir() : MnistDigits.defaultDir();
        if (fashion) {
            return training ? FashionMnist.train(dir) : FashionMnist.test(dir);
        }
        return training ? MnistDigits.train(dir) : MnistDigits.test(dir);
    }

    private SequentialImages sequences(ImageSet images) {
        String name = task.toLowerCase(Locale.ROOT);
        if (name.endsWith("-rows")) {
            return SequentialImages.rows(images);
        }
        return name.endsWith("-pixels") ? SequentialImages.pixels(images) : SequentialImages.permuted(images, dataSeed);
    }

    /** The options of built-in tasks mean nothing with --data: refuse them rather than ignore them. */
    private void checkNoTaskOptions() {
        if (dataDir != null || steps != null || trainSize != null || testSize != null || valSize != null) {
            throw new IllegalArgumentException((dataDir != null ? "--data-dir" : steps != null ? "--steps"
                    : trainSize != null ? "--train-size" : testSize != null ? "--test-size" : "--val-size")
                    + " is for built-in tasks (--task), not for --data (use --val-split or --val-data)");
        }
    }

    private SyntheticTask task(int size, long seed) {
        return switch (task.toLowerCase(Locale.ROOT)) {
            case "adding" -> new AddingProblem(steps == null ? 50 : steps, size, seed);
            case "parity" -> new Parity(steps == null ? 50 : steps, size, seed);
            case "copy", "copy-memory" -> new CopyMemory(steps == null ? 20 : steps, size, seed);
            default -> throw new IllegalArgumentException("unknown task '" + task + "'; choose adding, parity, copy, "
                    + String.join(", ", IMAGE_TASKS));
        };
    }

    private static void requireFinite(String name, Tensor t) throws FileFormatException {
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                int[] shape = t.shape();
                int[] idx = new int[shape.length];
                for (int a = shape.length - 1, rest = i; a >= 0; a--) {
                    idx[a] = rest % shape[a];
                    rest /= shape[a];
                }
                throw new FileFormatException(name + " contains " + d[i] + " at "
                        + java.util.Arrays.toString(idx) + "; values must be finite");
            }
        }
    }

    /** Adds the optional (N, T) timestamps of an .npz file to its dataset. */
    private static ArrayDataset withTimes(ArrayDataset d, java.util.function.Function<String, String> where,
                                          Map<String, NpyArray> arrays, int n, int t) throws FileFormatException {
        NpyArray times = arrays.get("times");
        if (times == null) {
            return d;
        }
        if (times.rank() != 2 || times.shape()[0] != n || times.shape()[1] != t) {
            throw new FileFormatException(where.apply("times") + " must have shape (" + n + ", " + t + "), one timestamp per"
                    + " sequence and step, got " + Tensor.shapeString(times.shape()));
        }
        try {
            return d.withTimes(times.toDoubleArray());
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(where.apply("times") + ": " + e.getMessage());
        }
    }

    /** Arrays of an .npz file as a dataset. */
    private record Arrays(ArrayDataset dataset, Tensor x, Head head, int outputs, Objective objective) {

        int inputSize() {
            return x.dim(2);
        }

        static Arrays read(Path file, String objectiveName, Integer classCount) throws IOException {
            return read(file, Npz.read(file), name -> file + "['" + name + "']", objectiveName, classCount);
        }

        /**
         * Arrays named x, y or labels, lengths and times, from one .npz file or from .npy files; {@code where} names
         * an array in messages.
         */
        static Arrays read(Path file, Map<String, NpyArray> arrays, java.util.function.Function<String, String> where,
                           String objectiveName, Integer classCount) throws IOException {
            NpyArray xa = arrays.get("x");
            if (xa == null) {
                throw new FileFormatException(file + ": no array named 'x' (inputs of shape (sequences, steps, features));"
                        + " it has " + arrays.keySet());
            }
            Tensor x = xa.toTensor();
            if (x.rank() != 3) {
                throw new FileFormatException(where.apply("x") + " must have shape (sequences, steps, features), got "
                        + Tensor.shapeString(x.shape()));
            }
            int n = x.dim(0);
            int t = x.dim(1);
            if (n == 0 || t == 0) {
                throw new FileFormatException(where.apply("x") + " is empty: shape " + Tensor.shapeString(x.shape()));
            }
            requireFinite(where.apply("x"), x);
            int[] lengths = arrays.containsKey("lengths") ? arrays.get("lengths").toIntArray() : null;
            if (lengths != null) {
                if (lengths.length != n) {
                    throw new FileFormatException(where.apply("lengths") + " has " + lengths.length + " entries for " + n
                            + " sequences in 'x'");
                }
                for (int i = 0; i < n; i++) {
                    if (lengths[i] < 1 || lengths[i] > t) {
                        throw new FileFormatException(where.apply("lengths") + "[" + i + "] = " + lengths[i]
                                + " is outside [1, " + t + "]");
                    }
                }
            }
            NpyArray y = arrays.get("y");
            NpyArray labels = arrays.get("labels");
            if ((y == null) == (labels == null)) {
                throw new FileFormatException(file + ": needs exactly one of 'y' (real-valued targets) and 'labels'"
                        + " (class indices); it has " + arrays.keySet());
            }
            String what = file.getFileName().toString();
            if (labels != null) {
                if (objectiveName != null && !objectiveName.equalsIgnoreCase("ce")) {
                    throw new IllegalArgumentException("--objective " + objectiveName + " needs real-valued 'y', but "
                            + file + " has class 'labels'");
                }
                int[] shape = labels.shape();
                boolean perStep = shape.length == 2;
                if (!(shape.length == 1 && shape[0] == n) && !(perStep && shape[0] == n && shape[1] == t)) {
                    throw new FileFormatException(where.apply("labels") + " must have shape (" + n + ",) or (" + n + ", " + t
                            + "), got " + Tensor.shapeString(shape));
                }
                int[] classes = labels.toIntArray();
                int max = -1;
                for (int i = 0; i < classes.length; i++) {
                    if (classes[i] == org.rnn4j.loss.Losses.IGNORE) {
                        continue;   // a label to skip, as in PyTorch's ignore_index
                    }
                    if (classes[i] < 0) {
                        throw new FileFormatException(where.apply("labels") + " has the negative class " + classes[i]
                                + " at flat index " + i);
                    }
                    if (classCount != null && classes[i] >= classCount) {
                        throw new FileFormatException(where.apply("labels") + " has the class " + classes[i]
                                + " at flat index " + i + ", outside 0.." + (classCount - 1) + " (" + classCount
                                + " classes)");
                    }
                    max = Math.max(max, classes[i]);
                }
                if (classCount != null) {
                    max = classCount - 1;
                }
                return new Arrays(withTimes(ArrayDataset.withClasses(x, lengths, classes, what), where, arrays, n, t), x,
                        perStep ? Head.EVERY_STEP : Head.LAST_STEP, Math.max(2, max + 1), Objective.CROSS_ENTROPY);
            }
            Objective obj;
            if (objectiveName == null || objectiveName.equalsIgnoreCase("mse")) {
                obj = Objective.MSE;
            } else if (objectiveName.equalsIgnoreCase("bce")) {
                obj = Objective.BINARY_CROSS_ENTROPY;
            } else {
                throw new IllegalArgumentException("--objective must be mse or bce for real-valued 'y' (ce needs 'labels'), got "
                        + objectiveName);
            }
            Tensor targets = y.toTensor();
            requireFinite(where.apply("y"), targets);
            if (targets.rank() == 1) {
                targets = Tensor.of(targets.data(), targets.dim(0), 1);
            }
            boolean perStep = targets.rank() == 3;
            if (targets.dim(0) != n || (perStep && targets.dim(1) != t) || targets.rank() > 3) {
                throw new FileFormatException(where.apply("y") + " must have shape (" + n + ", K) or (" + n + ", " + t
                        + ", K), got " + Tensor.shapeString(targets.shape()));
            }
            return new Arrays(withTimes(ArrayDataset.withTargets(x, lengths, targets, what), where, arrays, n, t), x,
                    perStep ? Head.EVERY_STEP : Head.LAST_STEP, targets.dim(targets.rank() - 1), obj);
        }
    }
}
