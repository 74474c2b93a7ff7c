package org.rnn4j.train;

import org.junit.jupiter.api.Test;
import org.rnn4j.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class BatchTest {

    /** (B, T, 1) inputs whose value names the row and step: 10·row + step. */
    private static Tensor inputs(int b, int t) {
        float[] x = new float[b * t];
        for (int r = 0; r < b; r++) {
            for (int s = 0; s < t; s++) {
                x[r * t + s] = 10 * r + s;
            }
        }
        return Tensor.of(x, b, t, 1);
    }

    @Test
    void sortingByLengthMovesEveryPartOfARowTogetherLongestFirstAndStable() {
        int[] lengths = {2, 3, 1, 3};
        double[] times = {0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32};
        Batch classes = Batch.withClasses(inputs(4, 3), lengths, new int[] {0, 1, 2, 3}).withTimes(times);
        Batch sorted = classes.sortedByLength();
        assertArrayEquals(new int[] {3, 3, 2, 1}, sorted.lengths());
        assertArrayEquals(new int[] {1, 3, 0, 2}, sorted.classes(), "rows 1 and 3 keep their order");
        assertArrayEquals(new float[] {10, 11, 12, 30, 31, 32, 0, 1, 2, 20, 21, 22}, sorted.x().data());
        assertArrayEquals(new double[] {10, 11, 12, 30, 31, 32, 0, 1, 2, 20, 21, 22}, sorted.times());
        assertArrayEquals(new int[] {2, 3, 1, 3}, lengths, "the original batch is not modified");

        // per-step labels (B·T) and real-valued targets move with their rows as well
        int[] perStep = {0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32};
        Batch steps = Batch.withClasses(inputs(4, 3), lengths, perStep).sortedByLength();
        assertArrayEquals(new int[] {10, 11, 12, 30, 31, 32, 0, 1, 2, 20, 21, 22}, steps.classes());
        Batch regression = Batch.withTargets(inputs(4, 3), lengths, Tensor.of(new float[] {0, 0.5f, 1, 1.5f, 2, 2.5f,
            3, 3.5f}, 4, 2)).sortedByLength();
        assertArrayEquals(new float[] {1, 1.5f, 3, 3.5f, 0, 0.5f, 2, 2.5f}, regression.targets().data());
        assertArrayEquals(new int[] {4, 2}, regression.targets().shape());

        Batch already = Batch.withClasses(inputs(3, 3), new int[] {3, 3, 1}, new int[3]);
        assertSame(already, already.sortedByLength());
        Batch full = Batch.withClasses(inputs(3, 3), null, new int[3]);
        assertSame(full, full.sortedByLength());
    }
}
