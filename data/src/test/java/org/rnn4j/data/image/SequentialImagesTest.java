package org.rnn4j.data.image;

import org.junit.jupiter.api.Test;
import org.rnn4j.nn.Head;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Objective;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequentialImagesTest {

    private static final int ROWS = 4;
    private static final int COLS = 3;

    /** n images of 4×3 pixels; pixel (r, c) of image i is (100·i + 10·r + c) / 1000, its label i mod 5. */
    private static ImageSet images(int n) {
        float[] p = new float[n * ROWS * COLS];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < COLS; c++) {
                    p[(i * ROWS + r) * COLS + c] = value(i, r, c);
                }
            }
            labels[i] = i % 5;
        }
        return new ImageSet("test images", ROWS, COLS, p, labels, 5);
    }

    private static float value(int image, int row, int col) {
        return (100 * image + 10 * row + col) / 1000f;
    }

    @Test
    void rowsAreStepsAndColumnsAreFeatures() {
        SequentialImages d = SequentialImages.rows(images(6));
        assertEquals(ROWS, d.steps());
        assertEquals(COLS, d.inputSize());
        assertEquals(5, d.outputSize());
        assertEquals(Head.LAST_STEP, d.head());
        assertEquals(Objective.CROSS_ENTROPY, d.objective());
        Batch b = d.batch(new int[]{4, 1});
        assertArrayEquals(new int[]{2, ROWS, COLS}, b.x().shape());
        assertNull(b.lengths());
        assertArrayEquals(new int[]{4, 1}, b.classes());
        assertEquals(value(4, 2, 1), b.x().get(0, 2, 1), "image 4, row 2, column 1 at (t=2, f=1)");
        assertEquals(value(1, 3, 0), b.x().get(1, 3, 0), "image 1, row 3, column 0 at (t=3, f=0)");
    }

    @Test
    void pixelsAreStepsInReadingOrder() {
        SequentialImages d = SequentialImages.pixels(images(6));
        assertEquals(ROWS * COLS, d.steps());
        assertEquals(1, d.inputSize());
        assertNull(d.pixelOrder());
        Batch b = d.batch(new int[]{5, 0, 3});
        assertArrayEquals(new int[]{3, ROWS * COLS, 1}, b.x().shape());
        assertArrayEquals(new int[]{0, 0, 3}, b.classes());
        assertEquals(value(5, 2, 1), b.x().get(0, 2 * COLS + 1, 0), "image 5, row 2, column 1 at t=7");
        assertEquals(value(3, 3, 2), b.x().get(2, ROWS * COLS - 1, 0), "the last pixel at the last step");
    }

    @Test
    void permutedPixelsFollowOneOrderFixedByTheSeed() {
        SequentialImages train = SequentialImages.permuted(images(6), 42);
        SequentialImages test = SequentialImages.permuted(images(2), 42);
        int[] order = train.pixelOrder();
        assertEquals(ROWS * COLS, order.length);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        assertArrayEquals(IntStream.range(0, ROWS * COLS).toArray(), sorted, "a permutation of the pixels");
        assertFalse(Arrays.equals(sorted, order), "not the identity");
        assertArrayEquals(order, test.pixelOrder(), "training and test sets share the order of their seed");
        assertArrayEquals(order, SequentialImages.permuted(images(3), 42).pixelOrder(), "the seed fixes the order");
        assertFalse(Arrays.equals(order, SequentialImages.permuted(images(6), 43).pixelOrder()), "another seed");

        Batch b = train.batch(new int[]{2, 5});
        assertArrayEquals(new int[]{2, ROWS * COLS, 1}, b.x().shape());
        for (int t = 0; t < ROWS * COLS; t++) {
            int r = order[t] / COLS;
            int c = order[t] % COLS;
            assertEquals(value(5, r, c), b.x().get(1, t, 0), "step " + t + " reads pixel (" + r + ", " + c + ")");
        }
        assertTrue(train.describe().contains("permuted (seed 42)"), train.describe());
    }

    @Test
    void permutationsAreUniformEnoughAndDifferPerSeed() {
        int n = 12;   // 12! orders: 2000 draws rarely meet the same one twice
        int[][] firstCounts = new int[n][n];   // how often item j lands at position i
        Set<String> distinct = new HashSet<>();
        for (long seed = 0; seed < 2000; seed++) {
            int[] p = SequentialImages.permutation(n, seed);
            distinct.add(Arrays.toString(p));
            for (int i = 0; i < n; i++) {
                firstCounts[i][p[i]]++;
            }
        }
        assertEquals(2000, distinct.size());
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertTrue(firstCounts[i][j] > 100 && firstCounts[i][j] < 240,
                        "item " + j + " at position " + i + " " + firstCounts[i][j] + " times in 2000, expected about 167");
            }
        }
    }

    @Test
    void baselineIsTheEntropyOfTheLabels() {
        assertEquals(Math.log(5), SequentialImages.rows(images(10)).baselineLoss(), 1e-12);
        double p = 2 / 6.0;
        double q = 1 / 6.0;
        assertEquals(-(p * Math.log(p) + 4 * q * Math.log(q)), SequentialImages.rows(images(6)).baselineLoss(), 1e-12);
    }

    @Test
    void aValidationSplitIsDisjointCompleteAndFixedByTheSeed() {
        ImageSet set = images(20);
        ImageSets.Split s = ImageSets.split(set, 5, 7);
        assertEquals(15, s.train().count());
        assertEquals(5, s.validation().count());
        Set<Float> seen = new HashSet<>();   // pixel (0, 0) identifies an image
        for (ImageSet part : new ImageSet[]{s.train(), s.validation()}) {
            for (int i = 0; i < part.count(); i++) {
                int image = Math.round(part.image(i)[0] * 10);
                assertEquals(image % 5, part.labels()[i], "labels travel with their images");
                assertTrue(seen.add(part.image(i)[0]), "image " + image + " is in only one part");
            }
        }
        assertEquals(20, seen.size());
        ImageSets.Split again = ImageSets.split(set, 5, 7);
        assertArrayEquals(s.validation().pixels(), again.validation().pixels());
        assertNotEquals(Arrays.toString(s.validation().pixels()),
                Arrays.toString(ImageSets.split(set, 5, 8).validation().pixels()), "another seed, other images");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageSets.split(set, 20, 1));
        assertTrue(e.getMessage().contains("at least 1 must remain"), e.getMessage());
    }

    @Test
    void aSampleIsASeededSubsetAndTheWholeSetWhenItIsSmall() {
        ImageSet set = images(20);
        assertSame(set, ImageSets.sample(set, 20, 1));
        ImageSet s = ImageSets.sample(set, 8, 3);
        assertEquals(8, s.count());
        assertArrayEquals(s.pixels(), ImageSets.sample(set, 8, 3).pixels());
        float previous = -1;
        for (int i = 0; i < s.count(); i++) {
            assertTrue(s.image(i)[0] > previous, "kept in the original order");
            previous = s.image(i)[0];
        }
        assertThrows(IllegalArgumentException.class, () -> ImageSets.sample(set, 0, 1));
    }
}
