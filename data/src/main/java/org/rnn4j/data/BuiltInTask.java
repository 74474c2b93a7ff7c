package org.rnn4j.data;

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
import org.rnn4j.nn.ModelConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A built-in task, by name: a synthetic task generated from a seed ({@code adding}, {@code parity}, {@code copy}) or
 * an image data set read as sequences ({@code fashion-rows}, {@code fashion-pixels}, {@code fashion-permuted} for
 * Fashion-MNIST, {@code mnist-rows}, {@code mnist-pixels}, {@code mnist-permuted} for the MNIST digits). The sizes
 * and the sequence length are null for their defaults.
 *
 * <p>Seeds: a synthetic task's training sequences use {@code seed}, its validation sequences {@code seed +
 * 1_000_003} and its test sequences {@code seed + 2_000_029}, so the three never share a sequence. An image task
 * holds its validation images out of the training images (split by {@code seed + 1_000_003}), samples the training
 * and test images when sizes are given (by {@code seed} and {@code seed + 2_000_029}), and draws the pixel order of
 * {@code *-permuted} from {@code seed}.
 *
 * @param name           the task's name (case does not matter)
 * @param steps          a synthetic task's sequence length T (for copy: the delay); null for 50 (adding, parity) or
 *                       20 (copy). Image tasks take theirs from the images
 * @param trainSize      training sequences; null for 10 000, or for an image task all the training images not held
 *                       out (a number takes a fixed random sample of them)
 * @param validationSize validation sequences; null for 1000, or 5000 (Fashion-MNIST) and 1000 (digits) images held
 *                       out of the training images, where 0 holds none out
 * @param testSize       test sequences; null for the validation size of a synthetic task, or an image task's whole
 *                       test set (a number takes a fixed random sample of it)
 * @param seed           the data seed
 * @param dataDir        where an image task's files are, or null for the data set's default directory
 *                       ({@link FashionMnist#defaultDir()}, {@link MnistDigits#defaultDir()})
 */
public record BuiltInTask(String name, Integer steps, Integer trainSize, Integer validationSize, Integer testSize,
                          long seed, Path dataDir) implements DataSource {

    /** The synthetic tasks. */
    public static final List<String> SYNTHETIC_TASKS = List.of("adding", "parity", "copy");

    /** The image tasks: a data set and a way of reading its images as sequences. */
    public static final List<String> IMAGE_TASKS = List.of("fashion-rows", "fashion-pixels", "fashion-permuted",
            "mnist-rows", "mnist-pixels", "mnist-permuted");

    public BuiltInTask {
        name = name.toLowerCase(Locale.ROOT);
        if (name.equals("copy-memory")) {
            name = "copy";
        }
        boolean image = IMAGE_TASKS.contains(name);
        if (!image && !SYNTHETIC_TASKS.contains(name)) {
            throw new IllegalArgumentException("unknown task '" + name + "'; choose " + String.join(", ",
                    SYNTHETIC_TASKS) + ", " + String.join(", ", IMAGE_TASKS));
        }
        atLeast(trainSize, 1, "training size");
        atLeast(validationSize, image ? 0 : 1, "validation size");
        atLeast(testSize, 1, "test size");
        if (image && steps != null) {
            throw new IllegalArgumentException("a sequence length (--steps) does not apply to the image task " + name
                    + ": its images set it (28 steps for *-rows, 784 for *-pixels and *-permuted)");
        }
        atLeast(steps, 1, "sequence length");
        if (!image && dataDir != null) {
            throw new IllegalArgumentException("a data directory (--data-dir) is for the image tasks ("
                    + String.join(", ", IMAGE_TASKS) + "), not for the task " + name);
        }
    }

    /** The task with its default sizes and length, data seed 1 and the default data directory. */
    public static BuiltInTask named(String name) {
        return new BuiltInTask(name, null, null, null, null, 1, null);
    }

    /** This task with sequence length {@code steps}. */
    public BuiltInTask withSteps(int steps) {
        return new BuiltInTask(name, steps, trainSize, validationSize, testSize, seed, dataDir);
    }

    /** This task with these sizes (null for the defaults). */
    public BuiltInTask withSizes(Integer train, Integer validation, Integer test) {
        return new BuiltInTask(name, steps, train, validation, test, seed, dataDir);
    }

    /** This task with another data seed. */
    public BuiltInTask withSeed(long seed) {
        return new BuiltInTask(name, steps, trainSize, validationSize, testSize, seed, dataDir);
    }

    /** This image task reading its files from {@code dir}. */
    public BuiltInTask withDataDir(Path dir) {
        return new BuiltInTask(name, steps, trainSize, validationSize, testSize, seed, dir);
    }

    /** Whether this is an image task. */
    public boolean isImageTask() {
        return IMAGE_TASKS.contains(name);
    }

    @Override
    public TaskData training() throws IOException {
        if (isImageTask()) {
            return trainingImages();
        }
        SyntheticTask train = synthetic(trainSize != null ? trainSize : 10_000, seed);
        SyntheticTask validation = synthetic(validationSize != null ? validationSize : 1000, seed + 1_000_003L);
        return new TaskData(train, validation, train.inputSize(), train.head(), train.outputSize(), train.objective(),
                train.baselineLoss(), null);
    }

    /** {@inheritDoc} The model's configuration and schema are not needed for a built-in task. */
    @Override
    public TaskData test(ModelConfig model, DataSchema trained) throws IOException {
        if (isImageTask()) {
            ImageSet images = images(false);
            if (testSize != null) {
                images = ImageSets.sample(images, testSize, seed + 2_000_029L);
            }
            return imageTaskData(sequences(images), null);
        }
        SyntheticTask t = synthetic(testSize != null ? testSize : validationSize != null ? validationSize : 1000,
                seed + 2_000_029L);
        return new TaskData(t, null, t.inputSize(), t.head(), t.outputSize(), t.objective(), t.baselineLoss(), null);
    }

    private static void atLeast(Integer value, int min, String what) {
        if (value != null && value < min) {
            throw new IllegalArgumentException("the " + what + " must be at least " + min + ", got " + value);
        }
    }

    private SyntheticTask synthetic(int size, long seed) {
        return switch (name) {
            case "adding" -> new AddingProblem(steps == null ? 50 : steps, size, seed);
            case "parity" -> new Parity(steps == null ? 50 : steps, size, seed);
            default -> new CopyMemory(steps == null ? 20 : steps, size, seed);
        };
    }

    /** Validation images held out of the training images, and a sample of the rest if asked. */
    private TaskData trainingImages() throws IOException {
        ImageSet all = images(true);
        int nVal = validationSize != null ? validationSize : fashion() ? 5000 : 1000;
        ImageSet train = all;
        ImageSet validation = null;
        if (nVal > 0) {
            ImageSets.Split split = ImageSets.split(all, nVal, seed + 1_000_003L);
            train = split.train();
            validation = split.validation();
        }
        if (trainSize != null) {
            train = ImageSets.sample(train, trainSize, seed);
        }
        return imageTaskData(sequences(train), validation == null ? null : sequences(validation));
    }

    private static TaskData imageTaskData(SequentialImages train, SequentialImages validation) {
        return new TaskData(train, validation, train.inputSize(), train.head(), train.outputSize(), train.objective(),
                train.baselineLoss(), null);
    }

    private boolean fashion() {
        return name.startsWith("fashion");
    }

    /** The training or test images of the task's data set. */
    private ImageSet images(boolean training) throws IOException {
        Path dir = dataDir != null ? dataDir : fashion() ? FashionMnist.defaultDir() : MnistDigits.defaultDir();
        if (fashion()) {
            return training ? FashionMnist.train(dir) : FashionMnist.test(dir);
        }
        return training ? MnistDigits.train(dir) : MnistDigits.test(dir);
    }

    private SequentialImages sequences(ImageSet images) {
        if (name.endsWith("-rows")) {
            return SequentialImages.rows(images);
        }
        return name.endsWith("-pixels") ? SequentialImages.pixels(images) : SequentialImages.permuted(images, seed);
    }
}
