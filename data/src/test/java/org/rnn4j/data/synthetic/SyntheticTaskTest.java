package org.rnn4j.data.synthetic;

import org.junit.jupiter.api.Test;
import org.rnn4j.train.Batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticTaskTest {

    @Test
    void addingProblemMarksOneStepInEachHalfAndTargetsTheirSum() {
        AddingProblem task = new AddingProblem(30, 100, 7);
        Batch b = task.batch(java.util.stream.IntStream.range(0, 100).toArray());
        double sumSq = 0;
        for (int i = 0; i < 100; i++) {
            int marks = 0;
            float sum = 0;
            int firstHalf = 0;
            for (int t = 0; t < 30; t++) {
                float v = b.x().get(i, t, 0);
                assertTrue(v >= 0 && v < 1);
                if (b.x().get(i, t, 1) == 1f) {
                    marks++;
                    sum += v;
                    firstHalf += t < 15 ? 1 : 0;
                }
            }
            assertEquals(2, marks);
            assertEquals(1, firstHalf);
            assertEquals(sum, b.targets().get(i, 0), 1e-6);
            sumSq += Math.pow(b.targets().get(i, 0) - 1.0, 2);
        }
        assertEquals(task.baselineLoss(), sumSq / 100, 0.05, "predicting 1 should score about 1/6");
    }

    @Test
    void parityTargetsAreTheRunningXorOfTheBits() {
        Batch b = new Parity(12, 5, 3).batch(new int[]{0, 1, 2, 3, 4});
        for (int i = 0; i < 5; i++) {
            int p = 0;
            for (int t = 0; t < 12; t++) {
                float bit = b.x().get(i, t, 0);
                assertTrue(bit == 0f || bit == 1f);
                p ^= (int) bit;
                assertEquals(p, b.classes()[i * 12 + t]);
            }
        }
    }

    @Test
    void copyMemoryAsksForTheFirstTenSymbolsAfterTheDelimiter() {
        int delay = 6;
        CopyMemory task = new CopyMemory(delay, 3, 1);
        assertEquals(26, task.steps());
        Batch b = task.batch(new int[]{0, 1, 2});
        for (int i = 0; i < 3; i++) {
            for (int t = 0; t < 26; t++) {
                int symbol = -1;
                for (int s = 0; s < 10; s++) {
                    if (b.x().get(i, t, s) == 1f) {
                        assertEquals(-1, symbol, "one-hot");
                        symbol = s;
                    }
                }
                if (t < 10) {
                    assertTrue(symbol >= 1 && symbol <= 8);
                    assertEquals(symbol, b.classes()[i * 26 + 16 + t], "target copies input " + t);
                } else {
                    assertEquals(t == 10 + delay - 1 ? 9 : 0, symbol, "step " + t);
                }
                if (t < 16) {
                    assertEquals(0, b.classes()[i * 26 + t], "blank target at " + t);
                }
            }
        }
        assertEquals(10 * Math.log(8) / 26, task.baselineLoss(), 1e-12);
    }

    @Test
    void sequencesDependOnlyOnSeedAndIndex() {
        AddingProblem a = new AddingProblem(10, 50, 5);
        Batch one = a.batch(new int[]{7, 3});
        Batch other = a.batch(new int[]{3, 9, 7});
        float[] seq7 = java.util.Arrays.copyOfRange(one.x().data(), 0, 20);
        assertArrayEquals(seq7, java.util.Arrays.copyOfRange(other.x().data(), 40, 60));
        assertFalse(java.util.Arrays.equals(seq7, java.util.Arrays.copyOfRange(
                new AddingProblem(10, 50, 6).batch(new int[]{7}).x().data(), 0, 20)), "another seed, another sequence");
    }

    @Test
    void badSizesAreRejected() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AddingProblem(1, 10, 0)).getMessage().contains("at least 2 steps"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Parity(5, 0, 0)).getMessage().contains("at least 1 sequence"));
        assertThrows(IndexOutOfBoundsException.class, () -> new Parity(5, 3, 0).batch(new int[]{3}));
    }
}
