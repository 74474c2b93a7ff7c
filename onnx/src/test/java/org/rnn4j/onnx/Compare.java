package org.rnn4j.onnx;

import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparison that names the first mismatches and the largest difference. */
final class Compare {

    private Compare() {
    }

    /** Fails unless both arrays have the same length and differ by at most tol everywhere; returns the max difference. */
    static double maxAbsDiff(String what, float[] expected, float[] actual, double tol) {
        if (expected.length != actual.length) {
            fail(what + ": " + actual.length + " values, expected " + expected.length);
        }
        double max = 0;
        StringBuilder first = new StringBuilder();
        int bad = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            if (!(d <= tol)) {
                if (bad++ < 5) {
                    first.append(String.format(" [%d] expected %.8g, got %.8g;", i, expected[i], actual[i]));
                }
            }
            max = Double.isNaN(d) ? Double.NaN : Math.max(max, d);
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + expected.length + " values differ by more than " + tol + " (max "
                    + max + "):" + first);
        }
        return max;
    }
}
