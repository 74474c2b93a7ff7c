package org.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** How a row scan splits a batch between threads: equal work, at least the minimum of rows each. */
class RowScanRangesTest {

    @Test
    void rowsOfEqualCostAreSplitInHalves() {
        long[] cost = new long[32];
        java.util.Arrays.fill(cost, 100);
        assertArrayEquals(new int[] {0, 16, 32}, StepSchedule.balancedRanges(cost, 32, 2, 8));
        assertArrayEquals(new int[] {0, 18, 37}, StepSchedule.balancedRanges(fill(37), 37, 2, 8));
    }

    @Test
    void aBatchSortedLongestFirstGivesTheLongRowsFewerRows() {
        // lengths 100, 97, ..., 7 (32 rows, 1712 row-steps): 16 rows each would give the first thread 1240 and the
        // second 472; 10 and 22 rows give 865 and 847
        long[] cost = new long[32];
        for (int i = 0; i < 32; i++) {
            cost[i] = 100 - 3 * i;
        }
        assertArrayEquals(new int[] {0, 10, 32}, StepSchedule.balancedRanges(cost, 32, 2, 8));
    }

    @Test
    void everyRangeKeepsTheMinimumOfRows() {
        long[] cost = new long[20];
        cost[0] = 1000;   // one very long row: alone it would be half the work
        for (int i = 1; i < 20; i++) {
            cost[i] = 1;
        }
        assertArrayEquals(new int[] {0, 8, 20}, StepSchedule.balancedRanges(cost, 20, 2, 8));
        long[] even = fill(24);
        assertArrayEquals(new int[] {0, 8, 16, 24}, StepSchedule.balancedRanges(even, 24, 3, 8));
    }

    private static long[] fill(int n) {
        long[] c = new long[n];
        java.util.Arrays.fill(c, 10);
        return c;
    }
}
