package org.rnn4j.data.speech;

/**
 * A stretch of an utterance, from {@code start} to {@code end} seconds, during which {@code phone} is spoken (or,
 * for {@value PhoneSet#SILENCE}, nothing is).
 */
public record Segment(double start, double end, String phone) {

    public Segment {
        if (!(start >= 0) || !(end > start) || Double.isInfinite(end)) {
            throw new IllegalArgumentException("a segment needs 0 <= start < end, got " + start + ".." + end
                    + " for '" + phone + "'");
        }
        if (phone == null || phone.isEmpty()) {
            throw new IllegalArgumentException("a segment needs a phone name, got none at " + start + ".." + end);
        }
    }

    /** {@code end - start}. */
    public double seconds() {
        return end - start;
    }
}
