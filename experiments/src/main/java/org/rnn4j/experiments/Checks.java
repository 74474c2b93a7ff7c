package org.rnn4j.experiments;

import java.util.ArrayList;
import java.util.List;

/** The checks of the experiments' settings records: each refuses a bad value with a sentence naming it. */
final class Checks {

    private Checks() {
    }

    /** Refuses a value below {@code min}. */
    static void atLeast(int value, int min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
    }

    /** Refuses a value that is not positive and finite. */
    static void positive(double value, String name) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** A copy of {@code names} without repeats, each one of {@code allowed}, at least one. */
    static List<String> names(List<String> names, List<String> allowed, String what) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (!allowed.contains(n)) {
                throw new IllegalArgumentException("unknown " + what + " '" + n + "'; choose from " + allowed);
            }
            if (!out.contains(n)) {
                out.add(n);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no " + what + " given; choose from " + allowed);
        }
        return List.copyOf(out);
    }

    /** "1 job" or "N jobs". */
    static String jobs(int jobs) {
        return jobs + (jobs == 1 ? " job" : " jobs");
    }
}
