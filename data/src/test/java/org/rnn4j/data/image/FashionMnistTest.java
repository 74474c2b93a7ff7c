package org.rnn4j.data.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.data.image.IdxFixtures.gzip;
import static org.rnn4j.data.image.IdxFixtures.idx;

class FashionMnistTest {

    /** n images of 28×28 u8 pixels, image i filled with the value i + 1, and labels i mod 10. */
    private static void writeSet(Path dir, String prefix, int n, boolean gzipped) throws IOException {
        byte[] pixels = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(pixels, i * 784, (i + 1) * 784, (byte) (i + 1));
            labels[i] = (byte) (i % 10);
        }
        byte[] x = idx(0x08, new int[]{n, 28, 28}, pixels);
        byte[] y = idx(0x08, new int[]{n}, labels);
        String ext = gzipped ? ".gz" : "";
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte" + ext), gzipped ? gzip(x) : x);
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), gzipped ? gzip(y) : y);
    }

    @Test
    void readsTheFourFilesGzippedOrPlain(@TempDir Path dir) throws IOException {
        assertFalse(FashionMnist.isPresent(dir));
        writeSet(dir, "train", 12, true);
        writeSet(dir, "t10k", 3, false);
        assertTrue(FashionMnist.isPresent(dir));
        ImageSet train = FashionMnist.train(dir);
        ImageSet test = FashionMnist.test(dir);
        assertEquals(12, train.count());
        assertEquals(3, test.count());
        assertEquals("fashion-mnist train", train.name());
        assertEquals(11 / 255f, train.image(10)[783]);
        assertEquals(3 / 255f, test.image(2)[0]);
        assertArrayEquals(new int[]{0, 1, 2}, test.labels());
        assertEquals(1, train.labels()[11]);
    }

    @Test
    void aMissingDirectorySaysHowToInstallTheData(@TempDir Path dir) {
        Path absent = dir.resolve("nowhere");
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> FashionMnist.train(absent));
        assertTrue(e.getMessage().contains(absent.toString()) && e.getMessage().contains("scripts/install-fashion-mnist")
                && e.getMessage().contains("RNN4J_FASHION_MNIST"), e.getMessage());
    }

    @Test
    void theInstalledDatasetHasSixtyAndTenThousandBalancedImages() throws IOException {
        Path dir = InstalledData.fashionMnist();
        ImageSet train = FashionMnist.train(dir);
        ImageSet test = FashionMnist.test(dir);
        assertEquals(60_000, train.count());
        assertEquals(10_000, test.count());
        assertEquals(28, train.rows());
        int[] perClass = new int[10];
        for (int l : test.labels()) {
            perClass[l]++;
        }
        assertArrayEquals(new int[]{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, perClass);
        assertEquals(9, train.labels()[0], "the first training picture is an ankle boot");
        float max = 0;
        for (float p : train.pixels()) {
            max = Math.max(max, p);
        }
        assertEquals(1f, max);
    }
}
