package org.rnn4j.data.csv;

import org.rnn4j.io.FileFormatException;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.ArrayDataset;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Sequences in CSV files, read by random access: one CSV file in long format (a header, then one row per sequence
 * and step, the rows of a sequence one after another, told apart by an id column), or a directory of CSV files
 * with one sequence each (the file name is the id). {@link #index} reads everything once, checks every value and
 * records where each sequence's rows are (file, byte range); {@link #batch} then reads just the rows of the
 * sequences asked for, so data larger than memory trains in mini-batches with exact shuffling and resumption.
 * {@link #toArrays} reads it all into an {@link ArrayDataset} when it fits in memory.
 *
 * <p>Per-sequence labels (many-to-one) are the label of a sequence's last row; a label or target that changes
 * within a sequence makes the data per step (many-to-many) unless {@link CsvColumns#perStep()} says otherwise.
 * Class labels are integers from 0 (a number such as {@code 2.0} counts as 2) or, when any label is not an
 * integer, names, numbered in sorted order. Timestamps are kept as doubles and must not go backwards within a
 * sequence.
 *
 * <p>Blank lines and lines starting with {@code #} are skipped. Fields are separated by commas and may be quoted
 * with {@code "}. Every problem found is a {@link FileFormatException} naming the file, line and column.
 *
 * <p>Batches hold inputs (B, T, F) with T the longest sequence of the batch, lengths (B), and class indices (B) or
 * (B·T), or targets (B, K) or (B, T, K), and timestamps (B·T) when there is a time column; padded steps hold zeros
 * (timestamps: the last real one). Without a label or target column (inputs to predict from) a batch carries
 * zero targets (B, 1) that mean nothing.
 */
public final class CsvSequences implements Dataset {

    /** Distinct labels beyond this are refused: the column is probably real-valued. */
    public static final int MAX_CLASSES = 10_000;

    /** Told how far the indexing pass has got. */
    public interface Progress {
        /** {@code done} of {@code total} bytes read. */
        void bytesRead(long done, long total);
    }

    /** The column indices of one file's header for each role. */
    private record Layout(List<String> names, int id, int time, int[] features, int[] targets, int label) {
        int width() {
            return names.size();
        }
    }

    private final Path source;
    private final Path[] files;
    private final Layout[] layouts;      // per file
    private final int[] fileOf;          // per sequence
    private final long[] start;          // per sequence: byte offset of its first row
    private final long[] end;            // per sequence: byte offset after its last row
    private final int[] firstLine;       // per sequence
    private final int[] steps;           // per sequence
    private final String[] ids;          // per sequence
    private final CsvColumns columns;    // features resolved
    private final Map<String, Integer> classIndex;   // label text -> class, or null for targets / unlabelled
    private final List<String> classNames;
    private final int classes;
    private final String varying;        // where a label first changes within a sequence, or null
    private final boolean perStep;
    private final int maxSteps;

    private CsvSequences(Path source, Path[] files, Layout[] layouts, int[] fileOf, long[] start, long[] end,
                         int[] firstLine, int[] steps, String[] ids, CsvColumns columns, Map<String, Integer> classIndex,
                         List<String> classNames, int classes, String varying, boolean perStep) {
        this.source = source;
        this.files = files;
        this.layouts = layouts;
        this.fileOf = fileOf;
        this.start = start;
        this.end = end;
        this.firstLine = firstLine;
        this.steps = steps;
        this.ids = ids;
        this.columns = columns;
        this.classIndex = classIndex;
        this.classNames = classNames;
        this.classes = classes;
        this.varying = varying;
        this.perStep = perStep;
        this.maxSteps = Arrays.stream(steps).max().orElse(0);
    }

    /**
     * Reads a CSV file or a directory of CSV files once, checks it and indexes its sequences.
     *
     * @param source   a .csv file in long format, or a directory of .csv files with one sequence each
     * @param columns  the roles of the columns
     * @param known    the classes labels must belong to, or null to learn them from the data
     * @param progress told of the bytes read, or null
     * @throws FileFormatException naming file, line and column for anything that is not as described above
     */
    public static CsvSequences index(Path source, CsvColumns columns, KnownClasses known, Progress progress)
            throws IOException {
        boolean directory = Files.isDirectory(source);
        Path[] files;
        if (directory) {
            try (Stream<Path> list = Files.list(source)) {
                files = list.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")
                        && Files.isRegularFile(p)).sorted().toArray(Path[]::new);
            }
            if (files.length == 0) {
                throw new FileFormatException(source + ": a directory without .csv files; expected one file per sequence");
            }
        } else {
            files = new Path[]{source};
        }
        Indexer ix = new Indexer(columns, known, directory, progress);
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        ix.totalBytes = total;
        Layout[] layouts = new Layout[files.length];
        for (int i = 0; i < files.length; i++) {
            layouts[i] = ix.indexFile(files[i], i);
        }
        return ix.finish(source, files, layouts);
    }

    /** The indexing pass: reads every row, checks it, and records where each sequence is. */
    private static final class Indexer {
        CsvColumns columns;
        final KnownClasses known;
        final boolean directory;
        final Progress progress;
        long totalBytes;
        long doneBytes;
        // per sequence, growing
        int n;
        int[] fileOf = new int[64];
        long[] start = new long[64];
        long[] end = new long[64];
        int[] firstLine = new int[64];
        int[] steps = new int[64];
        String[] ids = new String[64];
        final Set<String> seen = new HashSet<>();
        // label text -> "line L, column C" where first seen
        final Map<String, String> labels = new LinkedHashMap<>();
        String varying;

        Indexer(CsvColumns columns, KnownClasses known, boolean directory, Progress progress) {
            this.columns = columns;
            this.known = known;
            this.directory = directory;
            this.progress = progress;
        }

        Layout indexFile(Path file, int fileIndex) throws IOException {
            String fileId = file.getFileName().toString().replaceFirst("(?i)\\.csv$", "");
            Layout layout = null;
            Row row = null;
            Row first = null;
            String current = null;
            int headerLine = 0;
            double lastTime = 0;
            int lastLine = 0;
            long lastReported = 0;
            try (LineReader lines = new LineReader(Files.newInputStream(file))) {
                String line;
                while ((line = lines.next()) != null) {
                    int lineNo = lines.lineNumber();
                    if (lineNo == 1 && line.startsWith("\uFEFF")) {
                        line = line.substring(1);
                    }
                    String stripped = line.strip();
                    if (stripped.isEmpty() || stripped.startsWith("#")) {
                        continue;
                    }
                    List<String> fields = split(line, file, lineNo);
                    if (layout == null) {
                        layout = resolve(file, lineNo, fields);
                        headerLine = lineNo;
                        row = new Row(layout);
                        first = new Row(layout);
                        continue;
                    }
                    if (fields.size() != layout.width()) {
                        throw new FileFormatException(file + " line " + lineNo + ": " + fields.size() + " fields, but"
                                + " the header (line " + headerLine + ") has " + layout.width() + " columns");
                    }
                    String id = directory || layout.id < 0 ? fileId : fields.get(layout.id).strip();
                    if (id.isEmpty()) {
                        throw new FileFormatException(file + " line " + lineNo + ", column " + (layout.id + 1) + " ('"
                                + columns.id() + "'): empty sequence id");
                    }
                    row.parse(fields, file, lineNo);
                    boolean newSequence = !id.equals(current);
                    if (newSequence) {
                        if (!seen.add(id)) {
                            throw new FileFormatException(file + " line " + lineNo + ": rows of sequence '" + id
                                    + "' start again after other sequences; the rows of a sequence must be one after"
                                    + " another (sort the file by " + columns.id() + (columns.time() == null ? ""
                                    : " and " + columns.time()) + ")");
                        }
                        add(fileIndex, lines.lineStart(), lineNo, id);
                        current = id;
                        first.copyFrom(row);
                    } else {
                        if (layout.time >= 0 && row.time < lastTime) {
                            throw new FileFormatException(file + " line " + lineNo + ", column " + (layout.time + 1)
                                    + " ('" + columns.time() + "'): timestamp " + row.timeText + " is before "
                                    + lastTime + " on line " + lastLine + "; timestamps must not go backwards within"
                                    + " a sequence ('" + id + "')");
                        }
                        if (varying == null && !row.sameTarget(first)) {
                            varying = file + " line " + lineNo + " (sequence '" + id + "')";
                        }
                    }
                    lastTime = row.time;
                    lastLine = lineNo;
                    if (layout.label >= 0) {
                        label(row.label, file, lineNo, layout.label + 1);
                    }
                    steps[n - 1]++;
                    end[n - 1] = lines.lineEnd();
                    if (progress != null && lines.lineEnd() - lastReported >= 1 << 20) {
                        lastReported = lines.lineEnd();
                        progress.bytesRead(doneBytes + lastReported, totalBytes);
                    }
                }
                if (layout == null) {
                    throw new FileFormatException(file + ": empty file, expected a header line naming the columns");
                }
                if (current == null) {
                    throw new FileFormatException(file + ": the header (line " + headerLine
                            + ") is followed by no data rows");
                }
                doneBytes += lines.lineEnd();
                if (progress != null) {
                    progress.bytesRead(doneBytes, totalBytes);
                }
            }
            return layout;
        }

        private void add(int fileIndex, long offset, int lineNo, String id) {
            if (n == ids.length) {
                int size = 2 * n;
                fileOf = Arrays.copyOf(fileOf, size);
                start = Arrays.copyOf(start, size);
                end = Arrays.copyOf(end, size);
                firstLine = Arrays.copyOf(firstLine, size);
                steps = Arrays.copyOf(steps, size);
                ids = Arrays.copyOf(ids, size);
            }
            fileOf[n] = fileIndex;
            start[n] = offset;
            firstLine[n] = lineNo;
            ids[n] = id;
            n++;
        }

        /** Checks a label against the known classes, or collects it. */
        private void label(String label, Path file, int lineNo, int column) throws FileFormatException {
            if (labels.containsKey(label)) {
                return;
            }
            String where = file + " line " + lineNo + ", column " + column + " ('" + columns.label() + "')";
            if (label.isEmpty()) {
                throw new FileFormatException(where + ": empty label");
            }
            if (known != null) {
                if (!known.names().isEmpty()) {
                    if (!known.names().contains(label)) {
                        throw new FileFormatException(where + ": class '" + label + "' is not one of the model's "
                                + known.count() + " classes " + known.names());
                    }
                } else {
                    long c = integral(label);
                    if (c == Long.MIN_VALUE) {
                        throw new FileFormatException(where + ": '" + label + "' is not a class index; the classes are"
                                + " the integers 0.." + (known.count() - 1));
                    }
                    if (c < 0 || c >= known.count()) {
                        throw new FileFormatException(where + ": class " + label + " is outside 0.." + (known.count() - 1)
                                + " (" + known.count() + " classes); labels are class indices from 0");
                    }
                }
            }
            if (labels.size() == MAX_CLASSES) {
                throw new FileFormatException(where + ": more than " + MAX_CLASSES + " distinct labels; for real-valued"
                        + " targets name the columns as targets instead of a label");
            }
            labels.put(label, where);
        }

        private Layout resolve(Path file, int lineNo, List<String> header) throws FileFormatException {
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
                columns = columns.withFeatures(featureNames);   // every other file must have these
            }
            int[] features = new int[featureNames.size()];
            for (int i = 0; i < features.length; i++) {
                features[i] = column(names, featureNames.get(i), "feature (--feature-columns)", where);
            }
            return new Layout(List.copyOf(names), id, time, features, targets, label);
        }

        private static int column(List<String> names, String name, String role, String where)
                throws FileFormatException {
            int i = names.indexOf(name);
            if (i < 0) {
                throw new FileFormatException(where + ": no " + role + " column '" + name + "'; the header has "
                        + names);
            }
            return i;
        }

        CsvSequences finish(Path source, Path[] files, Layout[] layouts) throws FileFormatException {
            Map<String, Integer> classIndex = null;
            List<String> classNames = List.of();
            int classes = 0;
            if (columns.label() != null) {
                classIndex = new HashMap<>();
                if (known != null) {
                    classNames = known.names();
                    classes = known.count();
                    for (String label : labels.keySet()) {
                        classIndex.put(label, classNames.isEmpty() ? (int) integral(label) : classNames.indexOf(label));
                    }
                } else if (labels.keySet().stream().allMatch(l -> integral(l) != Long.MIN_VALUE)) {
                    long max = 1;
                    for (Map.Entry<String, String> e : labels.entrySet()) {
                        long c = integral(e.getKey());
                        if (c < 0 || c >= MAX_CLASSES) {
                            throw new FileFormatException(e.getValue() + ": class " + e.getKey() + " is outside 0.."
                                    + (MAX_CLASSES - 1) + "; integer labels are class indices from 0");
                        }
                        classIndex.put(e.getKey(), (int) c);
                        max = Math.max(max, c);
                    }
                    classes = (int) max + 1;
                } else {
                    List<String> sorted = new ArrayList<>(labels.keySet());
                    sorted.sort(null);
                    for (int i = 0; i < sorted.size(); i++) {
                        classIndex.put(sorted.get(i), i);
                    }
                    if (sorted.size() < 2) {
                        throw new FileFormatException(labels.get(sorted.get(0)) + ": every label is '" + sorted.get(0)
                                + "'; a classifier needs at least two classes");
                    }
                    classNames = List.copyOf(sorted);
                    classes = sorted.size();
                }
            }
            Boolean asked = columns.perStep();
            if (Boolean.FALSE.equals(asked) && varying != null && columns.labelled()) {
                throw new FileFormatException(varying + ": the " + (columns.label() != null ? "label" : "target")
                        + " changes within the sequence, but one per sequence is expected");
            }
            boolean perStep = asked != null ? asked : varying != null;
            return new CsvSequences(source, files, layouts, Arrays.copyOf(fileOf, n), Arrays.copyOf(start, n),
                    Arrays.copyOf(end, n), Arrays.copyOf(firstLine, n), Arrays.copyOf(steps, n), Arrays.copyOf(ids, n),
                    columns, classIndex, classNames, classes, varying, perStep);
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

    /** One parsed row. */
    private static final class Row {
        final Layout layout;
        final float[] features;
        final float[] targets;
        String label;
        double time;
        String timeText;

        Row(Layout layout) {
            this.layout = layout;
            this.features = new float[layout.features.length];
            this.targets = new float[layout.targets.length];
        }

        void parse(List<String> fields, Path file, int lineNo) throws FileFormatException {
            for (int i = 0; i < features.length; i++) {
                features[i] = number(fields, layout.features[i], file, lineNo, layout);
            }
            for (int i = 0; i < targets.length; i++) {
                targets[i] = number(fields, layout.targets[i], file, lineNo, layout);
            }
            if (layout.label >= 0) {
                label = fields.get(layout.label).strip();
            }
            if (layout.time >= 0) {
                timeText = fields.get(layout.time).strip();
                time = parse(timeText, file, lineNo, layout.time, layout);
            }
        }

        void copyFrom(Row other) {
            System.arraycopy(other.targets, 0, targets, 0, targets.length);
            label = other.label;
        }

        boolean sameTarget(Row other) {
            return Arrays.equals(targets, other.targets) && java.util.Objects.equals(label, other.label);
        }

        private static float number(List<String> fields, int column, Path file, int lineNo, Layout layout)
                throws FileFormatException {
            double v = parse(fields.get(column).strip(), file, lineNo, column, layout);
            float f = (float) v;
            if (Float.isInfinite(f)) {
                throw new FileFormatException(where(file, lineNo, column, layout) + "'"
                        + fields.get(column).strip() + "' is beyond the float32 range (largest " + Float.MAX_VALUE + ")");
            }
            return f;
        }

        private static String where(Path file, int lineNo, int column, Layout layout) {
            return file + " line " + lineNo + ", column " + (column + 1) + " ('" + layout.names().get(column) + "'): ";
        }

        private static double parse(String s, Path file, int lineNo, int column, Layout layout)
                throws FileFormatException {
            String where = where(file, lineNo, column, layout);
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

    // ---- reading batches

    @Override
    public int size() {
        return ids.length;
    }

    @Override
    public Batch batch(int[] indices) {
        int b = indices.length;
        int t = 1;
        for (int i : indices) {
            t = Math.max(t, steps[i]);
        }
        int f = features();
        int k = columns.targets().size();
        Tensor x = Tensor.zeros(b, t, f);
        int[] lengths = new int[b];
        boolean labels = columns.label() != null;
        int[] bc = labels ? new int[perStep ? b * t : b] : null;
        Tensor bt = labels ? null : perStep && k > 0 ? Tensor.zeros(b, t, k) : Tensor.zeros(b, Math.max(1, k));
        double[] times = hasTimes() ? new double[b * t] : null;
        Map<Integer, FileChannel> open = new HashMap<>();
        try {
            for (int r = 0; r < b; r++) {
                int seq = indices[r];
                List<Row> rows = readRows(seq, open);
                lengths[r] = rows.size();
                for (int s = 0; s < rows.size(); s++) {
                    Row row = rows.get(s);
                    System.arraycopy(row.features, 0, x.data(), (r * t + s) * f, f);
                    if (labels && perStep) {
                        bc[r * t + s] = classIndex.get(row.label);
                    }
                    if (k > 0 && perStep) {
                        System.arraycopy(row.targets, 0, bt.data(), (r * t + s) * k, k);
                    }
                    if (times != null) {
                        times[r * t + s] = row.time;
                    }
                }
                Row last = rows.get(rows.size() - 1);
                if (labels && !perStep) {
                    bc[r] = classIndex.get(last.label);
                }
                if (k > 0 && !perStep) {
                    System.arraycopy(last.targets, 0, bt.data(), r * k, k);
                }
                if (times != null) {
                    Arrays.fill(times, r * t + rows.size(), (r + 1) * t, last.time);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (FileChannel c : open.values()) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // reading is done; nothing was written
                }
            }
        }
        Batch batch = labels ? Batch.withClasses(x, lengths, bc) : Batch.withTargets(x, lengths, bt);
        return times == null ? batch : batch.withTimes(times);
    }

    /** The rows of one sequence, read from its byte range. */
    private List<Row> readRows(int seq, Map<Integer, FileChannel> open) throws IOException {
        int file = fileOf[seq];
        FileChannel channel = open.get(file);
        if (channel == null) {
            channel = FileChannel.open(files[file], StandardOpenOption.READ);
            open.put(file, channel);
        }
        long length = end[seq] - start[seq];
        if (length > Integer.MAX_VALUE - 8) {
            throw new FileFormatException(files[file] + " line " + firstLine[seq] + ": sequence '" + ids[seq]
                    + "' takes more than 2 GB of text");
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) length);
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, start[seq] + bytes.position()) < 0) {
                throw new FileFormatException(files[file] + " changed after it was indexed: it ends before sequence '"
                        + ids[seq] + "' (line " + firstLine[seq] + ")");
            }
        }
        String text = new String(bytes.array(), StandardCharsets.UTF_8);
        Layout layout = layouts[file];
        List<Row> rows = new ArrayList<>(steps[seq]);
        int lineNo = firstLine[seq];
        int from = 0;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            int to = nl < 0 ? text.length() : nl;
            String line = text.substring(from, to > from && text.charAt(to - 1) == '\r' ? to - 1 : to);
            String stripped = line.strip();
            if (!stripped.isEmpty() && !stripped.startsWith("#")) {
                List<String> fields = split(line, files[file], lineNo);
                if (fields.size() != layout.width()) {
                    throw new FileFormatException(files[file] + " changed after it was indexed: line " + lineNo
                            + " has " + fields.size() + " fields, expected " + layout.width());
                }
                Row row = new Row(layout);
                row.parse(fields, files[file], lineNo);
                if (row.label != null && !classIndex.containsKey(row.label)) {
                    throw new FileFormatException(files[file] + " changed after it was indexed: line " + lineNo
                            + " has the new label '" + row.label + "'");
                }
                rows.add(row);
            }
            lineNo++;
            from = to + 1;
        }
        if (rows.size() != steps[seq]) {
            throw new FileFormatException(files[file] + " changed after it was indexed: sequence '" + ids[seq]
                    + "' (line " + firstLine[seq] + ") has " + rows.size() + " rows, not " + steps[seq]);
        }
        return rows;
    }

    /**
     * All sequences in memory as arrays (padded to the longest sequence), with the same batches as this one.
     */
    public ArrayDataset toArrays() {
        int[] all = new int[size()];
        Arrays.setAll(all, i -> i);
        Batch b = batch(all);
        ArrayDataset d = b.classes() != null ? ArrayDataset.withClasses(b.x(), b.lengths(), b.classes(), describe())
                : ArrayDataset.withTargets(b.x(), b.lengths(), b.targets(), describe());
        return b.times() == null ? d : d.withTimes(b.times());
    }

    /** Bytes that {@link #toArrays} would take: inputs, targets and timestamps padded to the longest sequence. */
    public long paddedBytes() {
        long cells = (long) size() * maxSteps;
        int k = columns.label() != null ? 1 : Math.max(1, columns.targets().size());
        return cells * (4L * features() + 4L * k + (hasTimes() ? 8 : 0));
    }

    /** This data with per-step (many-to-many) or per-sequence (many-to-one) labels. */
    public CsvSequences withPerStep(boolean perStep) throws FileFormatException {
        if (!perStep && varying != null && columns.labelled()) {
            throw new FileFormatException(varying + ": the " + (columns.label() != null ? "label" : "target")
                    + " changes within the sequence, but one per sequence is expected");
        }
        return new CsvSequences(source, files, layouts, fileOf, start, end, firstLine, steps, ids,
                columns.withPerStep(perStep), classIndex, classNames, classes, varying, perStep);
    }

    /** The columns, with the feature columns as found. */
    public CsvColumns columns() {
        return columns;
    }

    public int features() {
        return columns.features().size();
    }

    /** Whether there is a label or target per step (many-to-many). */
    public boolean perStep() {
        return perStep;
    }

    /** Number of classes (0 without a label column). */
    public int classes() {
        return classes;
    }

    /** Class names by index, or empty for integer labels. */
    public List<String> classNames() {
        return classNames;
    }

    public boolean hasTimes() {
        return columns.time() != null;
    }

    /** The id of sequence i: its id column value, or its file name without .csv. */
    public String id(int i) {
        return ids[i];
    }

    /** Steps of sequence i. */
    public int steps(int i) {
        return steps[i];
    }

    public int maxSteps() {
        return maxSteps;
    }

    @Override
    public String describe() {
        return source.getFileName() + " (" + size() + " sequences, " + features() + " features)";
    }

    @Override
    public String toString() {
        return describe();
    }
}
