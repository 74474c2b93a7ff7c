package org.rnn4j.data;

import org.rnn4j.data.csv.CsvColumns;
import org.rnn4j.data.csv.CsvSequences;
import org.rnn4j.data.csv.KnownClasses;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.Objective;
import org.rnn4j.train.Standardization;
import org.rnn4j.train.Subset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The user's sequences in files, in one of four forms:
 * <ul>
 *   <li>{@code FILE.csv}: long format, a header and one row per sequence and step, the rows of a sequence one after
 *       another (see {@link CsvSequences});</li>
 *   <li>{@code DIR}: a directory of {@code .csv} files, one sequence each, named by the file;</li>
 *   <li>{@code FILE.npz}: arrays {@code x} (N, T, I) float, and {@code y} (N, K) or (N, T, K) targets or
 *       {@code labels} (N) or (N, T) class indices, optionally {@code lengths} (N) and {@code times} (N, T);</li>
 *   <li>{@code FILE.npy}: {@code x} alone, with the other arrays in {@code .npy} files of their own
 *       ({@link NpyFiles}).</li>
 * </ul>
 * Class labels give cross-entropy, real-valued targets mean squared error (or binary cross-entropy when asked); a
 * label or target per sequence gives a model with a {@link Head#LAST_STEP} head, one per step an
 * {@link Head#EVERY_STEP} head. Features are standardised on the training split by default; the
 * {@link TaskData#schema()} keeps the columns, classes and standardisation so that a trained model reads new data
 * alike ({@link #test}).
 *
 * <p>A CSV file whose padded arrays would take more than a quarter of the heap, or any CSV data with
 * {@code streaming}, is read from disk batch by batch; otherwise it is read into memory. Either way the batches are
 * the same.
 *
 * @param data            the data file or directory
 * @param validationData  a validation file or directory in one of the forms, or null
 * @param validationSplit the fraction of the sequences held out for validation (chosen by {@code seed}), or null
 * @param seed            the seed of the validation split
 * @param columns         the roles of CSV columns; roles left null or empty are taken from the trained model's
 *                        schema in {@link #test}, and the id column defaults to {@code id}
 * @param npyFiles        the arrays that go with an {@code x.npy} file
 * @param classes         the number of classes labels must be below, or null to count them in the data
 * @param objective       the loss: {@link Objective#MSE} or {@link Objective#BINARY_CROSS_ENTROPY} for real-valued
 *                        targets, {@link Objective#CROSS_ENTROPY} for class labels, or null for the data's default
 *                        (cross-entropy for labels, mean squared error for targets)
 * @param standardize     whether to standardise the features
 * @param streaming       whether to read CSV data from disk batch by batch even when it would fit in memory
 */
public record DataFiles(Path data, Path validationData, Double validationSplit, long seed, CsvColumns columns,
                        NpyFiles npyFiles, Integer classes, Objective objective, boolean standardize,
                        boolean streaming) implements DataSource {

    /** CSV data whose padded arrays would take more than this share of the heap is read from disk batch by batch. */
    private static final double IN_MEMORY_SHARE = 0.25;

    /**
     * The {@code .npy} files that go with an {@code x.npy} input file, each null when absent.
     *
     * @param labels  class indices (N) or (N, T)
     * @param targets real-valued targets (N, K) or (N, T, K)
     * @param lengths the length of each sequence (N)
     * @param times   the timestamp of every step (N, T)
     */
    public record NpyFiles(Path labels, Path targets, Path lengths, Path times) {
        /** No files. */
        public static final NpyFiles NONE = new NpyFiles(null, null, null, null);

        public NpyFiles {
            if (labels != null && targets != null) {
                throw new IllegalArgumentException("give labels (--labels) or targets (--targets), not both");
            }
        }

        /** Whether any file is given. */
        public boolean any() {
            return labels != null || targets != null || lengths != null || times != null;
        }
    }

    public DataFiles {
        if (data == null) {
            throw new IllegalArgumentException("no data file given");
        }
        if (validationData != null && validationSplit != null) {
            throw new IllegalArgumentException("give a validation file (--val-data) or a validation split"
                    + " (--val-split), not both");
        }
        if (classes != null && classes < 2) {
            throw new IllegalArgumentException("the number of classes (--classes) must be at least 2, got " + classes);
        }
        columns = columns != null ? columns : new CsvColumns(null, null, List.of(), null, List.of(), null);
        npyFiles = npyFiles != null ? npyFiles : NpyFiles.NONE;
    }

    /** {@code data} with no validation data, seed 1, CSV columns by default, counted classes, standardised. */
    public static DataFiles of(Path data) {
        return new DataFiles(data, null, null, 1, null, null, null, null, true, false);
    }

    /** These files with a validation file or directory. */
    public DataFiles withValidationData(Path validation) {
        return new DataFiles(data, validation, null, seed, columns, npyFiles, classes, objective, standardize,
                streaming);
    }

    /** These files with a fraction of the sequences held out for validation, chosen by {@link #seed()}. */
    public DataFiles withValidationSplit(double fraction) {
        return new DataFiles(data, null, fraction, seed, columns, npyFiles, classes, objective, standardize, streaming);
    }

    /** These files with another seed for the validation split. */
    public DataFiles withSeed(long seed) {
        return new DataFiles(data, validationData, validationSplit, seed, columns, npyFiles, classes, objective,
                standardize, streaming);
    }

    /** These files with the roles of their CSV columns. */
    public DataFiles withColumns(CsvColumns columns) {
        return new DataFiles(data, validationData, validationSplit, seed, columns, npyFiles, classes, objective,
                standardize, streaming);
    }

    /** These files with the arrays that go with an {@code x.npy}. */
    public DataFiles withNpyFiles(NpyFiles files) {
        return new DataFiles(data, validationData, validationSplit, seed, columns, files, classes, objective,
                standardize, streaming);
    }

    /** These files with a fixed number of classes. */
    public DataFiles withClasses(int classes) {
        return new DataFiles(data, validationData, validationSplit, seed, columns, npyFiles, classes, objective,
                standardize, streaming);
    }

    /** These files with another objective for real-valued targets. */
    public DataFiles withObjective(Objective objective) {
        return new DataFiles(data, validationData, validationSplit, seed, columns, npyFiles, classes, objective,
                standardize, streaming);
    }

    /** These files with or without standardisation. */
    public DataFiles withStandardize(boolean standardize) {
        return new DataFiles(data, validationData, validationSplit, seed, columns, npyFiles, classes, objective,
                standardize, streaming);
    }

    /** These files, CSV data read from disk batch by batch or not. */
    public DataFiles withStreaming(boolean streaming) {
        return new DataFiles(data, validationData, validationSplit, seed, columns, npyFiles, classes, objective,
                standardize, streaming);
    }

    /** Whether a path is CSV data: a .csv file or a directory. */
    public static boolean isCsv(Path file) {
        return Files.isDirectory(file) || file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    }

    /** The file's name without its .csv, .npz or .npy. */
    @Override
    public String name() {
        return data.getFileName().toString().replaceAll("(?i)\\.(npz|npy|csv)$", "");
    }

    @Override
    public TaskData training() throws IOException {
        return training(null);
    }

    /**
     * As {@link #training()}, telling {@code progress} how far the indexing pass over each CSV file has got.
     *
     * @param progress gives the listener for one CSV file or directory, or null for none
     */
    public TaskData training(Function<Path, ? extends CsvSequences.Progress> progress) throws IOException {
        Read train = read(data, classes == null ? null : KnownClasses.count(classes), columns.perStep(), null, false,
                progress);
        Dataset trainSet = train.dataset();
        Dataset valSet = null;
        int outputs = train.outputs();
        if (validationData != null) {
            KnownClasses known = classes != null ? KnownClasses.count(classes)
                    : train.schema().classNames().isEmpty() ? null
                    : new KnownClasses(train.outputs(), train.schema().classNames());
            Read val = read(validationData, known, train.head() == Head.EVERY_STEP, train.schema(), false, progress);
            if (train.objective() == Objective.CROSS_ENTROPY && val.objective() == Objective.CROSS_ENTROPY) {
                outputs = Math.max(train.outputs(), val.outputs());   // a file may lack the highest class
            } else if (val.outputs() != train.outputs()) {
                outputs = -1;
            }
            if (val.inputSize() != train.inputSize() || val.head() != train.head() || outputs < 0) {
                throw new IllegalArgumentException(validationData + " does not match " + data + ": it has "
                        + val.inputSize() + " features and " + val.outputs() + " outputs per " + val.head()
                        + ", the training data " + train.inputSize() + " and " + train.outputs() + " per "
                        + train.head());
            }
            valSet = val.dataset();
        } else if (validationSplit != null) {
            int[][] parts = Subset.split(trainSet.size(), validationSplit, seed);
            valSet = new Subset(trainSet, parts[1], trainSet.describe() + ", validation split of " + parts[1].length);
            trainSet = new Subset(trainSet, parts[0], trainSet.describe() + ", training split of " + parts[0].length);
        }
        DataSchema schema = train.schema();
        if (standardize) {
            Standardization s = Standardization.fit(trainSet, 256);
            trainSet = s.applyTo(trainSet);
            valSet = valSet == null ? null : s.applyTo(valSet);
            schema = schema.withStandardization(s.mean(), s.std());
        }
        return new TaskData(trainSet, valSet, train.inputSize(), train.head(), outputs, train.objective(), Double.NaN,
                schema);
    }

    @Override
    public TaskData test(ModelConfig model, DataSchema trained) throws IOException {
        return test(model, trained, null);
    }

    /** As {@link #test(ModelConfig, DataSchema)}, telling {@code progress} how far the indexing pass has got. */
    public TaskData test(ModelConfig model, DataSchema trained,
                         Function<Path, ? extends CsvSequences.Progress> progress) throws IOException {
        KnownClasses known = new KnownClasses(model.outputSize(), trained == null ? List.of() : trained.classNames());
        Read u = read(validationData != null ? validationData : data, known, model.head() == Head.EVERY_STEP, trained,
                false, progress);
        Dataset d = u.dataset();
        if (validationData == null && validationSplit != null) {
            int[] part = Subset.split(d.size(), validationSplit, seed)[1];
            d = new Subset(d, part, d.describe() + ", validation split of " + part.length);
        }
        if (trained != null && trained.standardized()) {
            d = new Standardization(trained.mean(), trained.std()).applyTo(d);
        }
        return new TaskData(d, null, u.inputSize(), u.head(), u.outputs(), u.objective(), Double.NaN, trained);
    }

    /**
     * The CSV data as inputs of a trained model, without labels or targets, read with the model's columns where
     * {@link #columns()} names none, batch by batch from disk (not standardised: apply the schema's scaling).
     */
    public CsvSequences predictionInputs(DataSchema trained, Function<Path, ? extends CsvSequences.Progress> progress)
            throws IOException {
        if (!isCsv(data)) {
            throw new IllegalArgumentException(data + ": expected a .csv file or a directory of .csv files");
        }
        return readCsv(data, null, null, trained, true, progress).csv();
    }

    /** One source of data as read, before splitting and standardisation. */
    private record Read(Dataset dataset, int inputSize, Head head, int outputs, Objective objective, DataSchema schema,
                        CsvSequences csv) {
    }

    /**
     * Reads one source of the data.
     *
     * @param known      classes the labels must belong to, or null to learn them
     * @param perStep    per-step or per-sequence targets, or null to decide from the data
     * @param trained    the schema of the training data, whose columns are used where none are named, or null
     * @param prediction inputs only: label and target columns are not read
     */
    private Read read(Path file, KnownClasses known, Boolean perStep, DataSchema trained, boolean prediction,
                      Function<Path, ? extends CsvSequences.Progress> progress) throws IOException {
        if (isCsv(file)) {
            return readCsv(file, known, perStep, trained, prediction, progress);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".npy") && npyFiles.any()) {
            throw new IllegalArgumentException("--labels, --targets, --lengths and --times go with --data x.npy, not "
                    + file);
        }
        ArrayFiles.Read a;
        Integer classCount = known == null ? null : known.count();
        if (name.endsWith(".npz")) {
            a = ArrayFiles.read(file, objective, classCount);
        } else if (name.endsWith(".npy")) {
            a = readNpy(file, classCount);
        } else {
            throw new IllegalArgumentException(file + ": expected a .csv, .npz or .npy file or a directory of .csv files");
        }
        DataSchema schema = new DataSchema(null, null, List.of(), null, List.of(), List.of(), null, null);
        return new Read(a.dataset(), a.inputSize(), a.head(), a.outputs(), a.objective(), schema, null);
    }

    private ArrayFiles.Read readNpy(Path x, Integer classCount) throws IOException {
        if (npyFiles.labels() == null && npyFiles.targets() == null) {
            throw new IllegalArgumentException(x + ": the inputs of an .npy file need class labels (--labels FILE.npy)"
                    + " or real-valued targets (--targets FILE.npy) in another .npy file");
        }
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("x", x);
        files.put(npyFiles.labels() != null ? "labels" : "y",
                npyFiles.labels() != null ? npyFiles.labels() : npyFiles.targets());
        files.put("lengths", npyFiles.lengths());
        files.put("times", npyFiles.times());
        for (Map.Entry<String, Path> e : files.entrySet()) {
            if (e.getValue() != null) {
                arrays.put(e.getKey(), Npy.read(e.getValue()));
            }
        }
        return ArrayFiles.read(x, arrays, key -> files.get(key).toString(), objective, classCount);
    }

    private Read readCsv(Path file, KnownClasses known, Boolean perStep, DataSchema trained, boolean prediction,
                         Function<Path, ? extends CsvSequences.Progress> progress) throws IOException {
        String id = columns.id() != null ? columns.id()
                : trained != null && trained.idColumn() != null ? trained.idColumn() : "id";
        String time = columns.time() != null ? columns.time() : trained == null ? null : trained.timeColumn();
        List<String> features = !columns.features().isEmpty() ? columns.features()
                : trained == null ? List.of() : trained.featureColumns();
        String label = columns.label();
        List<String> targets = columns.targets();
        if (label == null && targets.isEmpty() && trained != null) {
            label = trained.labelColumn();
            targets = trained.targetColumns();
        }
        CsvColumns roles = new CsvColumns(id, time, features, label, targets, perStep);
        if (prediction) {
            roles = roles.unlabelled();
        } else if (!roles.labelled()) {
            throw new IllegalArgumentException(file + ": name what to learn, --label-column NAME (classes) or"
                    + " --target-columns A,B (real values)");
        }
        Objective obj = Objective.MSE;
        if (roles.label() != null) {
            if (objective != null && objective != Objective.CROSS_ENTROPY) {
                throw new IllegalArgumentException("the objective " + objectiveName(objective) + " (--objective)"
                        + " needs real-valued targets (--target-columns), but the label column (--label-column)"
                        + " gives classes");
            }
            obj = Objective.CROSS_ENTROPY;
        } else if (objective == Objective.CROSS_ENTROPY && !prediction) {
            throw new IllegalArgumentException("the objective ce (--objective) needs a label column (--label-column);"
                    + " real-valued targets take mse or bce");
        } else if (objective != null) {
            obj = objective;
        }
        CsvSequences.Progress listener = progress == null ? null : progress.apply(file);
        CsvSequences seq = CsvSequences.index(file, roles, known, listener);
        if (perStep != null) {
            seq = seq.withPerStep(perStep);
        }
        Dataset d;
        if (streaming || prediction || seq.paddedBytes() > IN_MEMORY_SHARE * Runtime.getRuntime().maxMemory()) {
            int[] all = new int[seq.size()];
            java.util.Arrays.setAll(all, i -> i);
            d = new Subset(seq, all, seq.describe() + ", read from disk batch by batch");
        } else {
            d = seq.toArrays();
        }
        int outputs = roles.label() != null ? seq.classes() : roles.targets().size();
        CsvColumns found = seq.columns();
        DataSchema schema = new DataSchema(found.id(), found.time(), found.features(), found.label(), found.targets(),
                seq.classNames(), null, null);
        return new Read(d, seq.features(), seq.perStep() ? Head.EVERY_STEP : Head.LAST_STEP, outputs, obj, schema,
                seq);
    }

    /** The name of an objective as the command line spells it: mse, bce or ce. */
    static String objectiveName(Objective objective) {
        return switch (objective) {
            case MSE -> "mse";
            case BINARY_CROSS_ENTROPY -> "bce";
            case CROSS_ENTROPY -> "ce";
        };
    }
}
