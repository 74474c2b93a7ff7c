package org.rnn4j.data.speech;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The phone classes a speech corpus is labelled with, each with an index: {@value #SILENCE} first (index 0), then
 * the 39 phonemes of the CMU Pronouncing Dictionary in ARPAbet, lower case and in alphabetical order. Both
 * synthesisers' phonemes map onto these classes through {@link PhoneMap}; docs/speech-data.md shows the table.
 */
public final class PhoneSet {

    /** The class of pauses and silence, index 0. */
    public static final String SILENCE = "sil";

    private static final PhoneSet STANDARD = new PhoneSet(List.of(SILENCE,
            "aa", "ae", "ah", "ao", "aw", "ay", "b", "ch", "d", "dh", "eh", "er", "ey", "f", "g", "hh", "ih", "iy",
            "jh", "k", "l", "m", "n", "ng", "ow", "oy", "p", "r", "s", "sh", "t", "th", "uh", "uw", "v", "w", "y", "z",
            "zh"));

    private final List<String> names;
    private final Map<String, Integer> indices = new HashMap<>();

    private PhoneSet(List<String> names) {
        this.names = List.copyOf(names);
        for (int i = 0; i < this.names.size(); i++) {
            indices.put(this.names.get(i), i);
        }
    }

    /** The 40 classes every corpus of this package is labelled with: sil and 39 ARPAbet phonemes. */
    public static PhoneSet standard() {
        return STANDARD;
    }

    /** The number of classes (40). */
    public int size() {
        return names.size();
    }

    /** The class names in index order. */
    public List<String> names() {
        return names;
    }

    /** The name of class {@code index}. */
    public String name(int index) {
        if (index < 0 || index >= names.size()) {
            throw new IndexOutOfBoundsException("phone index " + index + " is outside the phone set's 0.."
                    + (names.size() - 1));
        }
        return names.get(index);
    }

    /** The index of class {@code name}; throws naming the known classes if there is no such class. */
    public int index(String name) {
        Integer i = indices.get(name);
        if (i == null) {
            throw new IllegalArgumentException("'" + name + "' is not a phone class; expected one of " + names);
        }
        return i;
    }

    /** Whether {@code name} is one of the classes. */
    public boolean contains(String name) {
        return indices.containsKey(name);
    }
}
