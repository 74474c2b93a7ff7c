package org.rnn4j.data.csv;

import java.util.List;

/**
 * Which columns of a long-format CSV file hold what. Columns are named by the file's header.
 *
 * @param id       the sequence id; rows with the same id, one after another, form a sequence. Null when every
 *                 file of a directory is one sequence (a single file without an id column is then one sequence too)
 * @param time     the timestamp of each step (seconds, non-decreasing within a sequence), or null
 * @param features the input columns in input order, or empty for every column that has no other role
 * @param label    the class label column (integers from 0, or names), or null
 * @param targets  real-valued target columns, or empty
 * @param perStep  true for a target on every step (many-to-many), false for one per sequence (many-to-one), null to
 *                 decide from the data: labels that vary within a sequence are per step
 */
public record CsvColumns(String id, String time, List<String> features, String label, List<String> targets,
                         Boolean perStep) {

    public CsvColumns {
        features = List.copyOf(features == null ? List.of() : features);
        targets = List.copyOf(targets == null ? List.of() : targets);
        if (label != null && !targets.isEmpty()) {
            throw new IllegalArgumentException("give a label column or target columns, not both (label '" + label
                    + "', targets " + targets + ")");
        }
    }

    /** Whether the rows carry something to learn: a label or targets. */
    public boolean labelled() {
        return label != null || !targets.isEmpty();
    }

    /** The same roles with these features, e.g. the training file's, so that another file reads alike. */
    public CsvColumns withFeatures(List<String> features) {
        return new CsvColumns(id, time, features, label, targets, perStep);
    }

    /** The same columns with the per-step choice made. */
    public CsvColumns withPerStep(Boolean perStep) {
        return new CsvColumns(id, time, features, label, targets, perStep);
    }

    /** The same columns without label and targets (inputs for prediction). */
    public CsvColumns unlabelled() {
        return new CsvColumns(id, time, features, null, List.of(), perStep);
    }
}
