package org.rnn4j.io;

import java.util.Arrays;
import java.util.List;

/**
 * What a model was trained on, kept in its model file so that evaluation and prediction read and scale new data
 * the same way: the names of the input columns and of the classes, and the per-feature standardisation.
 *
 * <p>A model sees {@code (x - mean) / std} for every feature; {@code mean} and {@code std} are null when the data was
 * not standardised. Names are empty lists when the data had none (arrays from .npz files, integer class labels).
 *
 * @param idColumn       the CSV column naming the sequence, or null
 * @param timeColumn     the CSV column holding each step's timestamp, or null
 * @param featureColumns the CSV columns of the inputs, in input order, or empty
 * @param labelColumn    the CSV column of the class labels, or null
 * @param targetColumns  the CSV columns of real-valued targets, in output order, or empty
 * @param classNames     the name of each class index, or empty for integer labels
 * @param mean           per-feature mean subtracted from the inputs, or null
 * @param std            per-feature divisor (positive), or null
 */
public record DataSchema(String idColumn, String timeColumn, List<String> featureColumns, String labelColumn,
                         List<String> targetColumns, List<String> classNames, float[] mean, float[] std) {

    public DataSchema {
        featureColumns = List.copyOf(featureColumns == null ? List.of() : featureColumns);
        targetColumns = List.copyOf(targetColumns == null ? List.of() : targetColumns);
        classNames = List.copyOf(classNames == null ? List.of() : classNames);
        if ((mean == null) != (std == null) || (mean != null && mean.length != std.length)) {
            throw new IllegalArgumentException("standardisation needs a mean and a std per feature, got "
                    + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        if (mean != null) {
            for (int i = 0; i < mean.length; i++) {
                if (!Float.isFinite(mean[i]) || !(std[i] > 0) || !Float.isFinite(std[i])) {
                    throw new IllegalArgumentException("standardisation of feature " + i + " has mean " + mean[i]
                            + " and std " + std[i] + "; the mean must be finite and the std finite and positive");
                }
            }
        }
        if (!featureColumns.isEmpty() && mean != null && featureColumns.size() != mean.length) {
            throw new IllegalArgumentException(featureColumns.size() + " feature columns but standardisation for "
                    + mean.length + " features");
        }
    }

    /** Whether the inputs are standardised. */
    public boolean standardized() {
        return mean != null;
    }

    /** This schema with the given standardisation (null, null for none). */
    public DataSchema withStandardization(float[] mean, float[] std) {
        return new DataSchema(idColumn, timeColumn, featureColumns, labelColumn, targetColumns, classNames, mean, std);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataSchema d && java.util.Objects.equals(idColumn, d.idColumn)
                && java.util.Objects.equals(timeColumn, d.timeColumn) && featureColumns.equals(d.featureColumns)
                && java.util.Objects.equals(labelColumn, d.labelColumn) && targetColumns.equals(d.targetColumns)
                && classNames.equals(d.classNames) && Arrays.equals(mean, d.mean) && Arrays.equals(std, d.std);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(idColumn, timeColumn, featureColumns, labelColumn, targetColumns, classNames,
                Arrays.hashCode(mean), Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return "DataSchema[id=" + idColumn + ", time=" + timeColumn + ", features=" + featureColumns + ", label="
                + labelColumn + ", targets=" + targetColumns + ", classes=" + classNames + ", mean="
                + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
