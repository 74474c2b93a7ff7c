package org.rnn4j.io;

import org.rnn4j.tensor.Tensor;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads a numeric CSV file as a 2-D float32 tensor {@code (rows, columns)} and writes a 1-D or 2-D tensor
 * as CSV.
 *
 * <p>The format read: UTF-8 text (a byte-order mark is skipped), fields separated by commas, one row per
 * line ({@code \n} or {@code \r\n}). Blank lines and lines whose first non-blank character is {@code #}
 * are skipped wherever they are. With {@code header}, the first other line names the columns and must have
 * as many fields as the data rows. A field may be quoted with {@code "} ({@code ""} inside a quoted field
 * is one quote), which matters for header names with commas. Every data field is a decimal number such as
 * {@code -1.5}, {@code 2e-3} or {@code 7}, parsed to the nearest float32; NaN, Infinity, empty fields and
 * numbers beyond the float32 range are rejected, since rnn4j does not accept non-finite input.
 *
 * <p>Every problem is a {@link FileFormatException} naming the file and line (and column, counted from 1)
 * and saying what was found and what was expected.
 */
public final class Csv {

    private static final String NUMBER_CHARS = "0123456789+-.eE";

    private Csv() {
    }

    /**
     * Reads {@code file} as a {@code (rows, columns)} tensor.
     *
     * @param header whether the first line that is not blank or a comment names the columns (it is skipped)
     * @throws FileFormatException if the file holds no data rows, a row has another number of fields than
     *                             the first, or a field is not a finite number
     */
    public static Tensor readMatrix(Path file, boolean header) throws IOException {
        FileErrors.checkNotDirectory(file);   // the JDK says "Is a directory" without the path
        String source = file.toString();
        int columns = -1;
        int firstRowLine = 0;
        List<String> names = null;
        int headerLine = 0;
        int rows = 0;
        float[] values = new float[1024];
        int count = 0;
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
            int lineNo = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                String stripped = line.strip();
                if (stripped.isEmpty() || stripped.startsWith("#")) {
                    continue;
                }
                List<String> fields = split(line, source, lineNo);
                if (header && names == null) {
                    names = fields;
                    headerLine = lineNo;
                    continue;
                }
                if (columns < 0) {
                    columns = fields.size();
                    firstRowLine = lineNo;
                    if (names != null && names.size() != columns) {
                        throw new FileFormatException(source + " line " + headerLine + ": the header has "
                                + names.size() + " names, but the first data row (line " + lineNo + ") has "
                                + columns + " columns");
                    }
                } else if (fields.size() != columns) {
                    throw new FileFormatException(source + " line " + lineNo + ": " + fields.size()
                            + " columns, but the first data row (line " + firstRowLine + ") has " + columns);
                }
                if ((long) count + columns > Integer.MAX_VALUE - 8) {
                    throw new FileFormatException(source + " line " + lineNo
                            + ": the file holds more values than one Java array can (" + (Integer.MAX_VALUE - 8) + ")");
                }
                if (count + columns > values.length) {
                    values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8,
                            Math.max(2L * values.length, count + columns)));
                }
                for (int c = 0; c < columns; c++) {
                    values[count++] = number(fields.get(c), source, lineNo, c + 1);
                }
                rows++;
            }
            if (rows == 0) {
                throw new FileFormatException(source + (lineNo == 0 ? ": empty file, expected rows of numbers"
                        : names != null ? ": the header (line " + headerLine + ") is followed by no data rows"
                        : ": no data rows, only blank lines and comments"));
            }
        }
        return Tensor.of(Arrays.copyOf(values, count), rows, columns);
    }

    /**
     * The fields of one line of {@code source}: separated by commas; a field may be quoted with ", and "" inside
     * quotes is one quote. A malformed quoted field is refused naming the source, line and column.
     */
    public static List<String> split(String line, String source, int lineNo) throws FileFormatException {
        List<String> fields = new ArrayList<>();
        int n = line.length();
        int pos = 0;
        while (true) {
            int start = pos;
            while (pos < n && line.charAt(pos) == ' ') {
                pos++;
            }
            if (pos < n && line.charAt(pos) == '"') {
                StringBuilder field = new StringBuilder();
                pos++;
                while (true) {
                    if (pos >= n) {
                        throw new FileFormatException(source + " line " + lineNo + ", column " + (fields.size() + 1)
                                + ": the quoted field has no closing quote");
                    }
                    char c = line.charAt(pos++);
                    if (c != '"') {
                        field.append(c);
                    } else if (pos < n && line.charAt(pos) == '"') {
                        field.append('"');
                        pos++;
                    } else {
                        break;
                    }
                }
                while (pos < n && line.charAt(pos) == ' ') {
                    pos++;
                }
                if (pos < n && line.charAt(pos) != ',') {
                    throw new FileFormatException(source + " line " + lineNo + ", column " + (fields.size() + 1)
                            + ": text after the closing quote, expected a comma");
                }
                fields.add(field.toString());
            } else {
                int comma = line.indexOf(',', start);
                pos = comma < 0 ? n : comma;
                fields.add(line.substring(start, pos));
            }
            if (pos >= n) {
                return fields;
            }
            pos++; // the comma
        }
    }

    private static float number(String field, String source, int lineNo, int column) throws FileFormatException {
        String s = field.strip();
        String where = source + " line " + lineNo + ", column " + column + ": ";
        if (s.isEmpty()) {
            throw new FileFormatException(where + "empty field, expected a number");
        }
        boolean numeric = s.chars().anyMatch(Character::isDigit);
        for (int i = 0; i < s.length() && numeric; i++) {
            numeric = NUMBER_CHARS.indexOf(s.charAt(i)) >= 0;
        }
        if (!numeric) {
            String word = s.toLowerCase(Locale.ROOT).replaceFirst("^[+-]", "");
            if (word.equals("nan") || word.equals("inf") || word.equals("infinity")) {
                throw new FileFormatException(where + "'" + s + "' is not a finite number; rnn4j accepts finite numbers only");
            }
            throw new FileFormatException(where + "'" + Npy.abbreviate(s) + "' is not a number");
        }
        float value;
        try {
            value = Float.parseFloat(s);
        } catch (NumberFormatException e) {
            throw new FileFormatException(where + "'" + Npy.abbreviate(s) + "' is not a number");
        }
        if (Float.isInfinite(value)) {
            throw new FileFormatException(where + "'" + Npy.abbreviate(s) + "' is beyond the float32 range (largest "
                    + Float.MAX_VALUE + ")");
        }
        return value;
    }

    /**
     * Writes a 2-D tensor as one line per row, or a 1-D tensor as one column, atomically (see
     * {@link AtomicFiles}). Values are written with {@link Float#toString(float)}, which reads back as the
     * same float; lines end with {@code \n}.
     *
     * @param header column names written as the first line (quoted where needed), or null for none
     * @throws IllegalArgumentException if the tensor is not 1-D or 2-D, holds no values or a value that is
     *                                  not finite, or the header does not have one name per column
     */
    public static void write(Path file, Tensor tensor, String[] header) throws IOException {
        int rank = tensor.rank();
        if (rank != 1 && rank != 2) {
            throw new IllegalArgumentException("cannot write " + file + ": CSV holds a 1-D or 2-D tensor, got shape "
                    + Tensor.shapeString(tensor.shape()));
        }
        int rows = tensor.dim(0);
        int columns = rank == 1 ? 1 : tensor.dim(1);
        if (tensor.size() == 0) {
            throw new IllegalArgumentException("cannot write " + file + ": the tensor of shape "
                    + Tensor.shapeString(tensor.shape()) + " holds no values");
        }
        float[] data = tensor.data();
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                String index = rank == 1 ? "[" + i + "]" : "[" + i / columns + ", " + i % columns + "]";
                throw new IllegalArgumentException("cannot write " + file + ": the tensor holds " + data[i] + " at "
                        + index + ", but CSV files for rnn4j hold finite numbers only");
            }
        }
        String headerLine = header == null ? null : headerLine(file, header, columns);
        AtomicFiles.write(file, out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            if (headerLine != null) {
                w.write(headerLine);
                w.write('\n');
            }
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    if (c > 0) {
                        w.write(',');
                    }
                    w.write(Float.toString(data[r * columns + c]));
                }
                w.write('\n');
            }
            w.flush();
        });
    }

    private static String headerLine(Path file, String[] names, int columns) {
        if (names.length != columns) {
            throw new IllegalArgumentException("cannot write " + file + ": the header has " + names.length
                    + " names but the tensor has " + columns + " columns");
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            if (name == null || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("cannot write " + file + ": header name " + (i + 1)
                        + " is null or holds a line break");
            }
            boolean quote = name.isEmpty() || name.contains(",") || name.contains("\"") || name.startsWith("#") || !name.equals(name.strip());
            line.append(i == 0 ? "" : ",").append(quote ? "\"" + name.replace("\"", "\"\"") + "\"" : name);
        }
        return line.toString();
    }
}
