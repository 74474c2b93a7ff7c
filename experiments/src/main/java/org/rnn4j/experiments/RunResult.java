package org.rnn4j.experiments;

import java.util.List;
import java.util.Map;

/**
 * What one run gave.
 *
 * @param id             which run
 * @param curve          the validation score after each epoch (held at the last good value after a divergence)
 * @param score          the final test score
 * @param updateFraction unit updates at inference over a dense network's
 * @param seconds        training time, over all the calls that made the run
 * @param divergedAtStep the step at which training diverged and stopped, or 0
 * @param extras         more results of the experiment's own (JSON values: numbers, strings, lists, maps), saved and
 *                       resumed with the run
 */
public record RunResult(RunId id, List<Double> curve, double score, double updateFraction, double seconds,
                        long divergedAtStep, Map<String, Object> extras) {

    public RunResult {
        curve = List.copyOf(curve);
        extras = extras == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extras));
    }

    /** This result with these extras in place of its own. */
    public RunResult withExtras(Map<String, Object> more) {
        return new RunResult(id, curve, score, updateFraction, seconds, divergedAtStep, more);
    }

    public String model() {
        return id.model();
    }

    public String condition() {
        return id.condition();
    }

    public long seed() {
        return id.seed();
    }

    /** The extra value {@code name} as a number. */
    public double extra(String name) {
        Object v = extras.get(name);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("the run " + id + " has no number '" + name + "' among its results "
                    + extras.keySet());
        }
        return n.doubleValue();
    }

    /** A note for a run that diverged, or the empty string. */
    public String divergedNote() {
        return divergedAtStep > 0 ? " (diverged at step " + divergedAtStep + ", stopped there)" : "";
    }
}
