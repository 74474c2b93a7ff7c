package org.rnn4j.data.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.FileFormatException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void theFetchedPackageHasTenThousandDigits() throws IOException {
        Path dir = InstalledData.mnistDigits();
        long start = System.nanoTime();
        ImageSet train = MnistDigits.train(dir);
        ImageSet test = MnistDigits.test(dir);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(8337, train.count());
        assertEquals(1663, test.count());
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
}
