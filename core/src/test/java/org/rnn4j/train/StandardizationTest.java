package org.rnn4j.train;

import org.junit.jupiter.api.Test;
import org.rnn4j.tensor.Tensor;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class StandardizationTest {

    /** Two sequences of 3 steps and 2 features; the second is 2 steps long and its padded step holds 1000. */
    private static ArrayDataset data() {
        float[] x = {
                1, 5, 2, 5, 3, 5,
                4, 5, 5, 5, 1000, 1000};
        return ArrayDataset.withTargets(Tensor.of(x, 2, 3, 2), new int[]{3, 2}, Tensor.zeros(2, 1), "two");
    }

    @Test
    void statisticsCoverValidStepsOnlyAndAConstantFeatureGetsStdOne() {
        for (int batch : new int[]{1, 2, 7}) {
            Standardization s = Standardization.fit(data(), batch);
            // feature 0 over valid steps: 1..5, mean 3, population variance 2
            assertEquals(3f, s.mean()[0], 1e-6f, "batch " + batch);
            assertEquals((float) Math.sqrt(2), s.std()[0], 1e-6f);
            assertEquals(5f, s.mean()[1], 1e-6f);
            assertEquals(1f, s.std()[1], "a constant feature is centred, never divided by zero");
        }
    }

    @Test
    void appliedDatasetHasZeroMeanAndUnitStd() {
        Standardization s = Standardization.fit(data(), 2);
        Batch b = s.applyTo(data()).batch(new int[]{0, 1});
        float[] v = b.x().data();
        float[] feature0 = {v[0], v[2], v[4], v[6], v[8]};
        double mean = 0;
        double sq = 0;
        for (float f : feature0) {
            mean += f / 5.0;
            sq += f * f / 5.0;
        }
        assertEquals(0, mean, 1e-6, Arrays.toString(feature0));
        assertEquals(1, sq, 1e-5);
        assertEquals(0f, v[1]);
        assertArrayEquals(new int[]{3, 2}, b.lengths());
        ArrayDataset original = data();
        s.applyTo(original).batch(new int[]{0, 1});
        assertEquals(1f, original.batch(new int[]{0}).x().data()[0], "the data itself is not modified");
    }

    @Test
    void splitIsDeterministicDisjointAndComplete() {
        int[][] a = Subset.split(10, 0.3, 5);
        int[][] b = Subset.split(10, 0.3, 5);
        assertArrayEquals(a[0], b[0]);
        assertArrayEquals(a[1], b[1]);
        assertEquals(3, a[1].length);
        int[] all = new int[10];
        for (int[] part : a) {
            for (int i : part) {
                all[i]++;
            }
        }
        int[] ones = new int[10];
        Arrays.fill(ones, 1);
        assertArrayEquals(ones, all);
        assertNotEquals(Arrays.toString(a[1]), Arrays.toString(Subset.split(10, 0.3, 6)[1]), "another seed, another split");
        assertEquals(1, Subset.split(3, 0.01, 1)[1].length);
    }
}
