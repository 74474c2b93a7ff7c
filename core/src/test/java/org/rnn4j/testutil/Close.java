package org.rnn4j.testutil;

import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise closeness with a message that shows the first mismatch and the largest difference. */
public final class Close {

    private Close() {
    }

    /** Passes when |actual - expected| ≤ atol + rtol·|expected| for every element. */
    public static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        int first = -1;
        int bad = 0;
        double maxDiff = 0;
        int maxAt = -1;
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs((double) actual[i] - expected[i]);
            if (!(diff <= atol + rtol * Math.abs(expected[i]))) {   // also catches NaN
                bad++;
                if (first < 0) {
                    first = i;
                }
            }
            if (!(diff <= maxDiff)) {
                maxDiff = diff;
                maxAt = i;
            }
        }
        if (bad > 0) {
            fail(String.format("%s: %d of %d values differ (atol %.1e, rtol %.1e); first at [%d]: expected %.8g, got %.8g;"
                            + " max |diff| %.3e at [%d] (expected %.8g, got %.8g)",
                    what, bad, expected.length, atol, rtol, first, expected[first], actual[first],
                    maxDiff, maxAt, expected[maxAt], actual[maxAt]));
        }
    }
}
