package org.rnn4j.data.csv;

import java.util.List;

/**
 * The classes that labels must belong to when they are fixed in advance: those of a trained model (for evaluation),
 * or a count given on the command line. Labels outside them are an error naming the line.
 *
 * @param count the number of classes; integer labels must lie in [0, count)
 * @param names the name of each class index, or empty when labels are integers
 */
public record KnownClasses(int count, List<String> names) {

    public KnownClasses {
        names = List.copyOf(names == null ? List.of() : names);
        if (count < 1 || (!names.isEmpty() && names.size() != count)) {
            throw new IllegalArgumentException("known classes need a count of at least 1 and one name per class or"
                    + " none, got " + count + " and " + names);
        }
    }

    /** Integer classes 0..count-1. */
    public static KnownClasses count(int count) {
        return new KnownClasses(count, List.of());
    }
}
