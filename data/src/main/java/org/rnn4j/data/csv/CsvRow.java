package org.rnn4j.data.csv;

import org.rnn4j.io.FileFormatException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One data row read with a {@link CsvLayout}: its features and targets as float32, its label text and its timestamp.
 * Every value is checked: a field that is empty, not a number, not finite or beyond the float32 range is a
 * {@link FileFormatException} naming the file, line and column. A row is reused from line to line.
 */
final class CsvRow {
    final CsvLayout layout;
    final float[] features;
    final float[] targets;
    String label;
    double time;
    String timeText;

    CsvRow(CsvLayout layout) {
        this.layout = layout;
        this.features = new float[layout.features().length];
        this.targets = new float[layout.targets().length];
    }

    /** Reads the fields of one line (split by {@link #split}) into this row. */
    void parse(List<String> fields, Path file, int lineNo) throws FileFormatException {
        for (int i = 0; i < features.length; i++) {
            features[i] = number(fields, layout.features()[i], file, lineNo);
        }
        for (int i = 0; i < targets.length; i++) {
            targets[i] = number(fields, layout.targets()[i], file, lineNo);
        }
        if (layout.label() >= 0) {
            label = fields.get(layout.label()).strip();
        }
        if (layout.time() >= 0) {
            timeText = fields.get(layout.time()).strip();
            time = parse(timeText, file, lineNo, layout.time());
        }
    }

    /** Takes the other row's label and targets (what {@link #sameTarget} compares). */
    void copyTargetFrom(CsvRow other) {
        System.arraycopy(other.targets, 0, targets, 0, targets.length);
        label = other.label;
    }

    /** Whether the other row has the same label and targets. */
    boolean sameTarget(CsvRow other) {
        return Arrays.equals(targets, other.targets) && Objects.equals(label, other.label);
    }

    private float number(List<String> fields, int column, Path file, int lineNo) throws FileFormatException {
        double v = parse(fields.get(column).strip(), file, lineNo, column);
        float f = (float) v;
        if (Float.isInfinite(f)) {
            throw new FileFormatException(layout.where(file, lineNo, column) + "'" + fields.get(column).strip()
                    + "' is beyond the float32 range (largest " + Float.MAX_VALUE + ")");
        }
        return f;
    }

    private double parse(String s, Path file, int lineNo, int column) throws FileFormatException {
        String where = layout.where(file, lineNo, column);
        if (s.isEmpty()) {
            throw new FileFormatException(where + "empty field, expected a number");
        }
        if (!isNumber(s)) {
            String word = s.toLowerCase(Locale.ROOT).replaceFirst("^[+-]", "");
            if (word.equals("nan") || word.equals("inf") || word.equals("infinity")) {
                throw new FileFormatException(where + "'" + s + "' is not a finite number; rnn4j accepts finite"
                        + " numbers only");
            }
            throw new FileFormatException(where + "'" + abbreviate(s) + "' is not a number");
        }
        try {
            double v = Double.parseDouble(s);
            if (Double.isInfinite(v)) {
                throw new FileFormatException(where + "'" + abbreviate(s) + "' is beyond the number range");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new FileFormatException(where + "'" + abbreviate(s) + "' is not a number");
        }
    }

    /** The integer a label stands for (2, 2.0, +2), or Long.MIN_VALUE when it is not an integer. */
    static long integral(String label) {
        try {
            double v = Double.parseDouble(label);
            if (v == Math.rint(v) && Math.abs(v) < 1e15 && isNumber(label)) {
                return (long) v;
            }
        } catch (NumberFormatException e) {
            // a name
        }
        return Long.MIN_VALUE;
    }

    /** Digits with at most a sign, a point and an exponent: what Double.parseDouble reads, without NaN, Infinity or hex. */
    private static boolean isNumber(String s) {
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if ("+-.eE".indexOf(c) < 0) {
                return false;
            }
        }
        return digit;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /** The fields of one line; a field may be quoted with ", and "" inside quotes is one quote. */
    static List<String> split(String line, Path file, int lineNo) throws FileFormatException {
        List<String> fields = new ArrayList<>();
        if (line.indexOf('"') < 0) {   // the common case, without the quote handling
            int from = 0;
            while (true) {
                int comma = line.indexOf(',', from);
                if (comma < 0) {
                    fields.add(line.substring(from));
                    return fields;
                }
                fields.add(line.substring(from, comma));
                from = comma + 1;
            }
        }
        return org.rnn4j.io.Csv.split(line, file.toString(), lineNo);   // quoted fields
    }
}
