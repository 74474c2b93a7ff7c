package org.rnn4j.cli;

import org.rnn4j.data.image.FashionMnist;
import org.rnn4j.data.image.ImageSet;
import org.rnn4j.data.image.ImageSets;
import org.rnn4j.data.image.MnistDigits;
import org.rnn4j.data.image.SequentialImages;
import org.rnn4j.data.synthetic.AddingProblem;
import org.rnn4j.data.synthetic.CopyMemory;
import org.rnn4j.data.synthetic.Parity;
import org.rnn4j.data.synthetic.SyntheticTask;
import org.rnn4j.io.FileFormatException;
import org.rnn4j.io.NpyArray;
import org.rnn4j.io.Npz;
import org.rnn4j.nn.Head;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.ArrayDataset;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.Objective;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What to train or evaluate on: a built-in task, or arrays in .npz files. */
final class DataOptions {

    /** The image tasks: a data set and a way of reading its images as sequences. */
    static final List<String> IMAGE_TASKS = List.of("fashion-rows", "fashion-pixels", "fashion-permuted", "mnist-rows",
            "mnist-pixels", "mnist-permuted");

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
            description = "Seed of the generated task data; for an image task, of the validation split, the samples"
                    + " and the pixel order of *-permuted. Default: ${DEFAULT-VALUE}.")
    long dataSeed;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where an image task's data is: for fashion-* the four Fashion-MNIST .gz files (default:"
                    + " $RNN4J_FASHION_MNIST, else " + FashionMnist.SYSTEM_DIR + "; scripts/install-fashion-mnist),"
                    + " for mnist-* 0.json … 9.json (default: $RNN4J_DATA/mnist, else ~/.cache/rnn4j/mnist;"
                    + " scripts/fetch-mnist).")
    Path dataDir;

    @Option(names = "--data", paramLabel = "FILE.npz",
            description = "Train on arrays instead of a task: x (N, T, I) float, and y (N, K) or (N, T, K) targets or"
                    + " labels (N) or (N, T) class indices, optionally lengths (N) and times (N, T), the timestamp of"
                    + " every step (used by --cell plstm).")
    Path data;

    @Option(names = "--val-data", paramLabel = "FILE.npz", description = "Validation arrays, in the layout of --data.")
    Path valData;

    @Option(names = "--objective", paramLabel = "NAME",
            description = "With --data: mse or bce for y, ce for labels. Default: mse for y, ce for labels.")
    String objective;

    /** The training (and validation) data and what they imply for the model. */
    TaskData load() throws IOException {
        if (data == null) {
            if (valData != null) {
                throw new IllegalArgumentException("--val-data needs --data");
            }
            if (isImageTask()) {
                return loadImages();
            }
            checkNoImageOptions();
            SyntheticTask t = task(orDefault(trainSize, 10_000, "--train-size"), dataSeed);
            return new TaskData(t, task(orDefault(valSize, 1000, "--val-size"), dataSeed + 1_000_003L), t.inputSize(),
                    t.head(), t.outputSize(), t.objective(), t.baselineLoss());
        }
        Arrays train = Arrays.read(data, objective);
        Arrays val = valData == null ? null : Arrays.read(valData, objective);
        int outputs = train.outputs;
        if (val != null && train.objective == Objective.CROSS_ENTROPY && val.objective == Objective.CROSS_ENTROPY) {
            outputs = Math.max(train.outputs, val.outputs);   // a file may lack the highest class
        } else if (val != null && val.outputs != train.outputs) {
            outputs = -1;
        }
        if (val != null && (val.inputSize() != train.inputSize() || val.head != train.head || outputs < 0)) {
            throw new IllegalArgumentException(valData + " does not match " + data + ": it has " + val.inputSize()
                    + " features and " + val.outputs + " outputs per " + val.head + ", the training data "
                    + train.inputSize() + " and " + train.outputs + " per " + train.head);
        }
        return new TaskData(train.dataset, val == null ? null : val.dataset, train.inputSize(), train.head,
                outputs, train.objective, Double.NaN);
    }

    /**
     * A held-out test set: of a synthetic task with yet another seed, of an image task its test images, or the
     * validation arrays.
     *
     * @param size the number of test sequences, or null for the default of --test-size (see its description)
     */
    TaskData test(Integer size) throws IOException {
        if (data != null) {
            Arrays a = Arrays.read(valData != null ? valData : data, objective);
            return new TaskData(a.dataset, null, a.inputSize(), a.head, a.outputs, a.objective, Double.NaN);
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
        return new TaskData(t, null, t.inputSize(), t.head(), t.outputSize(), t.objective(), t.baselineLoss());
    }

    String describeTask() {
        return data != null ? data.getFileName().toString().replaceAll("\\.npz$", "") : task;
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
                train.baselineLoss());
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

    private SyntheticTask task(int size, long seed) {
        return switch (task.toLowerCase(Locale.ROOT)) {
            case "adding" -> new AddingProblem(steps == null ? 50 : steps, size, seed);
            case "parity" -> new Parity(steps == null ? 50 : steps, size, seed);
            case "copy", "copy-memory" -> new CopyMemory(steps == null ? 20 : steps, size, seed);
            default -> throw new IllegalArgumentException("unknown task '" + task + "'; choose adding, parity, copy, "
                    + String.join(", ", IMAGE_TASKS));
        };
    }

    private static void requireFinite(Path file, String name, Tensor t) throws FileFormatException {
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                int[] shape = t.shape();
                int[] idx = new int[shape.length];
                for (int a = shape.length - 1, rest = i; a >= 0; a--) {
                    idx[a] = rest % shape[a];
                    rest /= shape[a];
                }
                throw new FileFormatException(file + "['" + name + "'] contains " + d[i] + " at "
                        + java.util.Arrays.toString(idx) + "; values must be finite");
            }
        }
    }

    /** Adds the optional (N, T) timestamps of an .npz file to its dataset. */
    private static ArrayDataset withTimes(ArrayDataset d, Path file, Map<String, NpyArray> arrays, int n, int t)
            throws FileFormatException {
        NpyArray times = arrays.get("times");
        if (times == null) {
            return d;
        }
        if (times.rank() != 2 || times.shape()[0] != n || times.shape()[1] != t) {
            throw new FileFormatException(file + "['times'] must have shape (" + n + ", " + t + "), one timestamp per"
                    + " sequence and step, got " + Tensor.shapeString(times.shape()));
        }
        try {
            return d.withTimes(times.toDoubleArray());
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file + "['times']: " + e.getMessage());
        }
    }

    /** Arrays of an .npz file as a dataset. */
    private record Arrays(ArrayDataset dataset, Tensor x, Head head, int outputs, Objective objective) {

        int inputSize() {
            return x.dim(2);
        }

        static Arrays read(Path file, String objectiveName) throws IOException {
            Map<String, NpyArray> arrays = Npz.read(file);
            NpyArray xa = arrays.get("x");
            if (xa == null) {
                throw new FileFormatException(file + ": no array named 'x' (inputs of shape (sequences, steps, features));"
                        + " it has " + arrays.keySet());
            }
            Tensor x = xa.toTensor();
            if (x.rank() != 3) {
                throw new FileFormatException(file + "['x'] must have shape (sequences, steps, features), got "
                        + Tensor.shapeString(x.shape()));
            }
            int n = x.dim(0);
            int t = x.dim(1);
            if (n == 0 || t == 0) {
                throw new FileFormatException(file + "['x'] is empty: shape " + Tensor.shapeString(x.shape()));
            }
            requireFinite(file, "x", x);
            int[] lengths = arrays.containsKey("lengths") ? arrays.get("lengths").toIntArray() : null;
            if (lengths != null) {
                if (lengths.length != n) {
                    throw new FileFormatException(file + "['lengths'] has " + lengths.length + " entries for " + n
                            + " sequences in 'x'");
                }
                for (int i = 0; i < n; i++) {
                    if (lengths[i] < 1 || lengths[i] > t) {
                        throw new FileFormatException(file + "['lengths'][" + i + "] = " + lengths[i]
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
                    throw new FileFormatException(file + "['labels'] must have shape (" + n + ",) or (" + n + ", " + t
                            + "), got " + Tensor.shapeString(shape));
                }
                int[] classes = labels.toIntArray();
                int max = -1;
                for (int i = 0; i < classes.length; i++) {
                    if (classes[i] == org.rnn4j.loss.Losses.IGNORE) {
                        continue;   // a label to skip, as in PyTorch's ignore_index
                    }
                    if (classes[i] < 0) {
                        throw new FileFormatException(file + "['labels'] has the negative class " + classes[i]
                                + " at flat index " + i);
                    }
                    max = Math.max(max, classes[i]);
                }
                return new Arrays(withTimes(ArrayDataset.withClasses(x, lengths, classes, what), file, arrays, n, t), x,
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
            requireFinite(file, "y", targets);
            if (targets.rank() == 1) {
                targets = Tensor.of(targets.data(), targets.dim(0), 1);
            }
            boolean perStep = targets.rank() == 3;
            if (targets.dim(0) != n || (perStep && targets.dim(1) != t) || targets.rank() > 3) {
                throw new FileFormatException(file + "['y'] must have shape (" + n + ", K) or (" + n + ", " + t
                        + ", K), got " + Tensor.shapeString(targets.shape()));
            }
            return new Arrays(withTimes(ArrayDataset.withTargets(x, lengths, targets, what), file, arrays, n, t), x,
                    perStep ? Head.EVERY_STEP : Head.LAST_STEP, targets.dim(targets.rank() - 1), obj);
        }
    }
}
