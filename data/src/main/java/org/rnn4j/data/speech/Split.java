package org.rnn4j.data.speech;

import java.util.Arrays;

/**
 * Which part of a speech corpus an utterance belongs to. The split is by speaker: a speaker's utterances are all in
 * one part, so the valid and test voices are never trained on; {@link #OTHER_SYNTH} holds a second synthesiser's
 * voices, a test of a synthesiser the model never heard.
 */
public enum Split {
    TRAIN("train"), VALID("valid"), TEST("test"), OTHER_SYNTH("other-synth");

    private final String label;

    Split(String label) {
        this.label = label;
    }

    /** The name in the manifest's split column. */
    public String label() {
        return label;
    }

    /** The split named {@code label} in a manifest; throws listing the names if there is none. */
    public static Split of(String label) {
        for (Split s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + label + "' is not a split; expected one of "
                + Arrays.stream(values()).map(Split::label).toList());
    }
}
