package org.rnn4j.kernel;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares the output view of a kernel with a reference, element by element, and checks that the kernel
 * wrote nothing outside the view. Failures name the first mismatching element, both values, and the largest
 * difference in the view.
 */
final class FloatAsserts {

    /** The largest difference allowed at an array index. */
    @FunctionalInterface
    interface Tolerance {
        double at(int index);
    }

    private FloatAsserts() {
    }

    /**
     * Asserts that the strided view (rows, cols) at {@code off} with leading dimension {@code ld} of
     * {@code actual} matches {@code expected} within {@code tol}, and that every element of {@code actual}
     * outside the view is bit-for-bit equal to {@code before}. No argument is modified.
     */
    static void assertView(String what, int off, int rows, int cols, int ld,
                           float[] before, float[] expected, float[] actual, Tolerance tol) {
        int firstBad = -1;
        double maxDiff = 0;
        int maxAt = -1;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int idx = off + i * ld + j;
                float e = expected[idx];
                float a = actual[idx];
                if (e == a || (Float.isNaN(e) && Float.isNaN(a))) {
                    continue;   // also equal infinities, whose difference would be NaN
                }
                double diff = Math.abs((double) e - a);
                if (Double.isNaN(diff) || diff > maxDiff) {
                    maxDiff = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
                    maxAt = idx;
                }
                if (firstBad < 0 && !(diff <= tol.at(idx))) {
                    firstBad = idx;
                }
            }
        }
        if (firstBad >= 0) {
            fail(String.format("%s: first mismatch at (%d, %d) [array index %d]: expected %s, got %s, "
                            + "|diff| %.3g > allowed %.3g; max |diff| in the view %.3g at (%d, %d)",
                    what, (firstBad - off) / ld, (firstBad - off) % ld, firstBad, expected[firstBad],
                    actual[firstBad], Math.abs((double) expected[firstBad] - actual[firstBad]), tol.at(firstBad),
                    maxDiff, (maxAt - off) / ld, (maxAt - off) % ld));
        }
        for (int idx = 0; idx < actual.length; idx++) {
            int rel = idx - off;
            boolean inView = rel >= 0 && rel / ld < rows && rel % ld < cols;
            if (!inView && Float.floatToRawIntBits(actual[idx]) != Float.floatToRawIntBits(before[idx])) {
                fail(String.format("%s: array index %d lies outside the output view (offset %d, %d x %d, ld %d) "
                        + "but was changed from %s to %s", what, idx, off, rows, cols, ld, before[idx], actual[idx]));
            }
        }
    }

    /** Bit-for-bit equality of two arrays, naming the first differing index. */
    static void assertBitwiseEqual(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(String.format("%s: first difference at index %d: %s vs %s", what, i, expected[i], actual[i]));
            }
        }
    }
}
