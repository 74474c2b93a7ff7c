package org.rnn4j.data.timeseries;

import org.rnn4j.io.Csv;
import org.rnn4j.io.FileFormatException;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.ArrayDataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One real-valued series read from a column of a CSV file: a header line, then one row per time step in time order
 * (blank lines and lines starting with {@code #} skipped, fields may be quoted). Statsmodels' data sets are in this
 * form, e.g. {@code sunspots.csv} ({@code "YEAR","SUNACTIVITY"}) and {@code co2.csv} ({@code date,co2}, weekly,
 * with empty fields where a week has no measurement).
 *
 * @param source     the file, for messages
 * @param column     the column read
 * @param values     the values, in file order
 * @param gapsFilled how many empty fields were filled (0 unless read with gaps filled)
 */
public record TimeSeries(String source, String column, double[] values, int gapsFilled) {

    public TimeSeries {
        values = values.clone();
    }

    /** The number of values. */
    public int length() {
        return values.length;
    }

    /**
     * Reads column {@code column} of a CSV file. Every field of the column must be a finite number; an empty field is
     * a gap, refused naming its line unless {@code fillGaps}, which interpolates gaps linearly between their
     * neighbours and drops gaps before the first and after the last value.
     *
     * @throws FileFormatException naming the file (and line) for a missing column, a field that is not a finite
     *                             number, a row of the wrong width, a file that is not UTF-8, or fewer than 2 values
     */
    public static TimeSeries read(Path file, String column, boolean fillGaps) throws IOException {
        org.rnn4j.io.FileErrors.checkNotDirectory(file);   // the JDK says "Is a directory" without the path
        String source = file.toString();
        List<String> header = null;
        int index = -1;
        List<Double> values = new ArrayList<>();   // NaN for a gap
        int lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                List<String> fields = Csv.split(line, source, lineNo);
                if (header == null) {
                    header = fields;
                    index = header.indexOf(column);
                    if (index < 0) {
                        throw new FileFormatException(source + " has no column '" + column + "'; its header (line "
                                + lineNo + ") names " + String.join(", ", header));
                    }
                    continue;
                }
                if (fields.size() != header.size()) {
                    throw new FileFormatException(source + " line " + lineNo + ": " + fields.size() + " fields, but the"
                            + " header has " + header.size());
                }
                String field = fields.get(index).trim();
                if (field.isEmpty()) {
                    if (!fillGaps) {
                        throw new FileFormatException(source + " line " + lineNo + ": column '" + column + "' is empty"
                                + " (a gap in the series); fill gaps by linear interpolation or remove the line");
                    }
                    values.add(Double.NaN);
                    continue;
                }
                double v;
                try {
                    v = Double.parseDouble(field);
                } catch (NumberFormatException e) {
                    v = Double.NaN;
                }
                if (!Double.isFinite(v)) {
                    throw new FileFormatException(source + " line " + lineNo + ": column '" + column + "' holds '"
                            + field + "', not a finite number");
                }
                values.add(v);
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(source + ": no such file");
        } catch (CharacterCodingException e) {
            throw new FileFormatException(source + ": not a UTF-8 text file (a CSV file of numbers was expected)");
        }
        if (header == null) {
            throw new FileFormatException(source + ": empty file, expected a header and one row per time step");
        }
        double[] raw = values.stream().mapToDouble(Double::doubleValue).toArray();
        int gaps = (int) Arrays.stream(raw).filter(Double::isNaN).count();
        double[] filled = fillGaps(raw);
        if (filled.length < 2) {
            throw new FileFormatException(source + ": column '" + column + "' has " + filled.length + " value"
                    + (filled.length == 1 ? "" : "s") + "; a series needs at least 2");
        }
        return new TimeSeries(source, column, filled, gaps);
    }

    /** Gaps (NaN) interpolated linearly; those before the first and after the last value dropped. */
    static double[] fillGaps(double[] raw) {
        int first = 0;
        while (first < raw.length && Double.isNaN(raw[first])) {
            first++;
        }
        int last = raw.length - 1;
        while (last >= first && Double.isNaN(raw[last])) {
            last--;
        }
        double[] v = Arrays.copyOfRange(raw, first, last + 1);
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                int j = i;
                while (Double.isNaN(v[j])) {
                    j++;
                }
                double a = v[i - 1];
                double b = v[j];
                for (int k = i; k < j; k++) {
                    v[k] = a + (b - a) * (k - i + 1) / (j - i + 1);
                }
                i = j;
            }
        }
        return v;
    }

    /**
     * Next-value examples for teacher-forced training: window i reads z[i·stride, i·stride + steps) and its targets
     * are the values one step later. x and the targets are (N, steps, 1); the last window is shorter when the series
     * does not fill it (its length says so).
     *
     * @param z the (standardised) series
     */
    public static ArrayDataset nextValueWindows(double[] z, int steps, int stride, String description) {
        if (steps < 1 || stride < 1) {
            throw new IllegalArgumentException("steps and stride must be at least 1, got " + steps + " and " + stride);
        }
        int usable = z.length - 1;   // the last value has no successor
        if (usable < 1) {
            throw new IllegalArgumentException("a series of " + z.length + " value has no next value to learn");
        }
        int n = (usable - 1) / stride + 1;
        Tensor x = Tensor.zeros(n, steps, 1);
        Tensor y = Tensor.zeros(n, steps, 1);
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            int start = i * stride;
            int len = Math.min(steps, usable - start);
            lengths[i] = len;
            for (int t = 0; t < len; t++) {
                x.data()[i * steps + t] = (float) z[start + t];
                y.data()[i * steps + t] = (float) z[start + t + 1];
            }
        }
        return ArrayDataset.withTargets(x, lengths, y, description);
    }
}
