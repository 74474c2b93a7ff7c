package org.rnn4j.data.image;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017): 28×28 grey-scale pictures of ten kinds of clothing, 60 000 for
 * training and 10 000 for testing, in the four IDX files of the original release,
 * {@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz} and
 * {@code t10k-labels-idx1-ubyte.gz} (or the same names without {@code .gz}, uncompressed). Debian's package
 * {@code dataset-fashion-mnist} installs them in {@value #SYSTEM_DIR}; {@code scripts/install-fashion-mnist} installs
 * that package.
 */
public final class FashionMnist {

    /** Where Debian's {@code dataset-fashion-mnist} puts the files. */
    public static final String SYSTEM_DIR = "/usr/share/datasets/fashion-mnist";
    /** The environment variable that overrides {@link #SYSTEM_DIR}. */
    public static final String ENV = "RNN4J_FASHION_MNIST";
    public static final int ROWS = 28;
    public static final int COLS = 28;
    public static final int CLASSES = 10;
    /** The class names, in label order. */
    public static final java.util.List<String> CLASS_NAMES = java.util.List.of("T-shirt/top", "Trouser", "Pullover",
            "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {
    }

    /** {@code $RNN4J_FASHION_MNIST} when set, else {@value #SYSTEM_DIR}. */
    public static Path defaultDir() {
        String env = System.getenv(ENV);
        return Path.of(env != null && !env.isBlank() ? env : SYSTEM_DIR);
    }

    /** The 60 000 training images, pixels divided by 255. */
    public static ImageSet train(Path dir) throws IOException {
        return Idx.readImages("fashion-mnist train", file(dir, "train-images-idx3-ubyte"),
                file(dir, "train-labels-idx1-ubyte"), CLASSES);
    }

    /** The 10 000 test images, pixels divided by 255. */
    public static ImageSet test(Path dir) throws IOException {
        return Idx.readImages("fashion-mnist test", file(dir, "t10k-images-idx3-ubyte"),
                file(dir, "t10k-labels-idx1-ubyte"), CLASSES);
    }

    /** Whether the four files are in {@code dir}. */
    public static boolean isPresent(Path dir) {
        for (String name : new String[]{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"}) {
            if (!Files.isRegularFile(dir.resolve(name + ".gz")) && !Files.isRegularFile(dir.resolve(name))) {
                return false;
            }
        }
        return true;
    }

    private static Path file(Path dir, String name) throws FileNotFoundException {
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new FileNotFoundException("Fashion-MNIST is not in " + dir + " (no " + name + ".gz); run"
                + " scripts/install-fashion-mnist, or point " + ENV + " or --data-dir to the directory that holds it");
    }
}
