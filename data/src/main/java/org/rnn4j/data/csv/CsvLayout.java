package org.rnn4j.data.csv;

import org.rnn4j.io.FileFormatException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where each role of {@link CsvColumns} sits in one file's header: the index of the id, time and label columns (-1
 * for none) and of every feature and target column, in input order.
 *
 * @param names    the header's column names, in file order
 * @param columns  the roles, with the feature columns as found (every column without another role when none were
 *                 named), so that the other files of a directory are read with the same features
 * @param id       index of the sequence id column, or -1
 * @param time     index of the timestamp column, or -1
 * @param features index of each feature column
 * @param targets  index of each target column
 * @param label    index of the label column, or -1
 */
record CsvLayout(List<String> names, CsvColumns columns, int id, int time, int[] features, int[] targets, int label) {

    /** Number of fields a row must have. */
    int width() {
        return names.size();
    }

    /**
     * The layout of a header line.
     *
     * @param directory whether the file is one sequence of a directory (an id column is then optional)
     * @throws FileFormatException naming the file and line when a column is named twice or a role's column is missing
     */
    static CsvLayout of(Path file, int lineNo, List<String> header, CsvColumns columns, boolean directory)
            throws FileFormatException {
        List<String> names = new ArrayList<>();
        for (String h : header) {
            String name = h.strip();
            if (names.contains(name)) {
                throw new FileFormatException(file + " line " + lineNo + ": the header names the column '" + name
                        + "' twice");
            }
            names.add(name);
        }
        String where = file + " line " + lineNo;
        int id = -1;
        if (columns.id() != null && (!directory || names.contains(columns.id()))) {
            id = column(names, columns.id(), "sequence id (--id-column)", where);
        }
        int time = columns.time() == null ? -1 : column(names, columns.time(), "timestamp (--time-column)", where);
        int label = columns.label() == null ? -1 : column(names, columns.label(), "label (--label-column)", where);
        int[] targets = new int[columns.targets().size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = column(names, columns.targets().get(i), "target (--target-columns)", where);
        }
        List<String> featureNames = columns.features();
        if (featureNames.isEmpty()) {
            featureNames = new ArrayList<>(names);
            featureNames.removeAll(Arrays.asList(columns.id(), columns.time(), columns.label()));
            featureNames.removeAll(columns.targets());
            if (featureNames.isEmpty()) {
                throw new FileFormatException(where + ": no feature columns are left in the header " + names
                        + " once the id, time, label and target columns are taken");
            }
            columns = columns.withFeatures(featureNames);
        }
        int[] features = new int[featureNames.size()];
        for (int i = 0; i < features.length; i++) {
            features[i] = column(names, featureNames.get(i), "feature (--feature-columns)", where);
        }
        return new CsvLayout(List.copyOf(names), columns, id, time, features, targets, label);
    }

    private static int column(List<String> names, String name, String role, String where) throws FileFormatException {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new FileFormatException(where + ": no " + role + " column '" + name + "'; the header has " + names);
        }
        return i;
    }

    /** "FILE line L, column C ('NAME'): ", the start of a message about one field. */
    String where(Path file, int lineNo, int column) {
        return file + " line " + lineNo + ", column " + (column + 1) + " ('" + names.get(column) + "'): ";
    }
}
