package org.rnn4j.data.speech;

import java.util.OptionalDouble;

/**
 * One row of a speech corpus's manifest.
 *
 * @param id          the file names' stem: {@code wav/<id>.wav}, {@code labels/<id>.tsv}
 * @param synthesiser {@code espeak-ng} or {@code festival}
 * @param voice       the synthesiser's voice, as it names it ({@code en-us+m3}, {@code kal_diphone})
 * @param speaker     the speaker the split is made by, unique across synthesisers ({@code espeak-ng/m3})
 * @param split       train, valid, test or other-synth
 * @param text        the words spoken
 * @param seconds     the length of the audio
 * @param snrDb       the signal-to-noise ratio of the added white noise, empty for clean audio
 */
public record Utterance(String id, String synthesiser, String voice, String speaker, Split split, String text,
                        double seconds, OptionalDouble snrDb) {

    public Utterance {
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("an utterance id must be letters, digits, '.', '_' or '-', not starting"
                    + " with a dot or dash (it names files), got '" + id + "'");
        }
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("utterance " + id + ": seconds must be positive, got " + seconds);
        }
        for (String field : new String[]{synthesiser, voice, speaker, text}) {
            if (field == null || field.contains("\t") || field.contains("\n")) {
                throw new IllegalArgumentException("utterance " + id + ": a field is missing or holds a tab or a"
                        + " line break: '" + field + "'");
            }
        }
    }
}
