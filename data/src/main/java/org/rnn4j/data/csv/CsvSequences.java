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
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sequences in CSV files, read by random access: one CSV file in long format (a header, then one row per sequence
 * and step, the rows of a sequence one after another, told apart by an id column), or a directory of CSV files
 * with one sequence each (the file name is the id). {@link #index} reads everything once ({@link CsvIndexer}),
 * checks every value and records where each sequence's rows are (file, byte range); {@link #batch} then reads just
 * the rows of the sequences asked for, with each file's {@link CsvLayout}, so data larger than memory trains in
 * mini-batches with exact shuffling and resumption. {@link #toArrays} reads it all into an {@link ArrayDataset}
 * when it fits in memory.
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

        /** The pass has ended, read through or stopped by an error (a progress bar closes here). */
        default void finished() {
        }
    }

    /** Where each sequence's rows are, per sequence: file, byte range, first line, steps and id. */
    record Spans(int[] fileOf, long[] start, long[] end, int[] firstLine, int[] steps, String[] ids) {
    }

    /**
     * The classes of a label column.
     *
     * @param index label text to class index, or null without a label column
     * @param names class names by index, or empty for integer labels
     * @param count number of classes, 0 without a label column
     */
    record Classes(Map<String, Integer> index, List<String> names, int count) {
        static final Classes NONE = new Classes(null, List.of(), 0);
    }

    private final Path source;
    private final Path[] files;
    private final CsvLayout[] layouts;   // per file
    private final Spans spans;           // per sequence
    private final CsvColumns columns;    // features resolved
    private final Classes classes;
    private final String varying;        // where a label first changes within a sequence, or null
    private final boolean perStep;
    private final int maxSteps;

    CsvSequences(Path source, Path[] files, CsvLayout[] layouts, Spans spans, CsvColumns columns, Classes classes,
                 String varying, boolean perStep) {
        this.source = source;
        this.files = files;
        this.layouts = layouts;
        this.spans = spans;
        this.columns = columns;
        this.classes = classes;
        this.varying = varying;
        this.perStep = perStep;
        this.maxSteps = Arrays.stream(spans.steps()).max().orElse(0);
    }

    /**
     * Reads a CSV file or a directory of CSV files once, checks it and indexes its sequences (see
     * {@link CsvIndexer}).
     *
     * @param source   a .csv file in long format, or a directory of .csv files with one sequence each
     * @param columns  the roles of the columns
     * @param known    the classes labels must belong to, or null to learn them from the data
     * @param progress told of the bytes read, or null
     * @throws FileFormatException naming file, line and column for anything that is not as described above
     */
    public static CsvSequences index(Path source, CsvColumns columns, KnownClasses known, Progress progress)
            throws IOException {
        return CsvIndexer.index(source, columns, known, progress);
    }

    // ---- reading batches

    @Override
    public int size() {
        return spans.ids().length;
    }

    @Override
    public Batch batch(int[] indices) {
        int b = indices.length;
        int t = 1;
        for (int i : indices) {
            t = Math.max(t, spans.steps()[i]);
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
                List<CsvRow> rows = readRows(seq, open);
                lengths[r] = rows.size();
                for (int s = 0; s < rows.size(); s++) {
                    CsvRow row = rows.get(s);
                    System.arraycopy(row.features, 0, x.data(), (r * t + s) * f, f);
                    if (labels && perStep) {
                        bc[r * t + s] = classes.index().get(row.label);
                    }
                    if (k > 0 && perStep) {
                        System.arraycopy(row.targets, 0, bt.data(), (r * t + s) * k, k);
                    }
                    if (times != null) {
                        times[r * t + s] = row.time;
                    }
                }
                CsvRow last = rows.get(rows.size() - 1);
                if (labels && !perStep) {
                    bc[r] = classes.index().get(last.label);
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
    private List<CsvRow> readRows(int seq, Map<Integer, FileChannel> open) throws IOException {
        int file = spans.fileOf()[seq];
        FileChannel channel = open.get(file);
        if (channel == null) {
            channel = FileChannel.open(files[file], StandardOpenOption.READ);
            open.put(file, channel);
        }
        long length = spans.end()[seq] - spans.start()[seq];
        if (length > Integer.MAX_VALUE - 8) {
            throw new FileFormatException(files[file] + " line " + spans.firstLine()[seq] + ": sequence '" + spans.ids()[seq]
                    + "' takes more than 2 GB of text");
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) length);
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, spans.start()[seq] + bytes.position()) < 0) {
                throw new FileFormatException(files[file] + " changed after it was indexed: it ends before sequence '"
                        + spans.ids()[seq] + "' (line " + spans.firstLine()[seq] + ")");
            }
        }
        String text = new String(bytes.array(), StandardCharsets.UTF_8);
        CsvLayout layout = layouts[file];
        List<CsvRow> rows = new ArrayList<>(spans.steps()[seq]);
        int lineNo = spans.firstLine()[seq];
        int from = 0;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            int to = nl < 0 ? text.length() : nl;
            String line = text.substring(from, to > from && text.charAt(to - 1) == '\r' ? to - 1 : to);
            String stripped = line.strip();
            if (!stripped.isEmpty() && !stripped.startsWith("#")) {
                List<String> fields = CsvRow.split(line, files[file], lineNo);
                if (fields.size() != layout.width()) {
                    throw new FileFormatException(files[file] + " changed after it was indexed: line " + lineNo
                            + " has " + fields.size() + " fields, expected " + layout.width());
                }
                CsvRow row = new CsvRow(layout);
                row.parse(fields, files[file], lineNo);
                if (row.label != null && !classes.index().containsKey(row.label)) {
                    throw new FileFormatException(files[file] + " changed after it was indexed: line " + lineNo
                            + " has the new label '" + row.label + "'");
                }
                rows.add(row);
            }
            lineNo++;
            from = to + 1;
        }
        if (rows.size() != spans.steps()[seq]) {
            throw new FileFormatException(files[file] + " changed after it was indexed: sequence '" + spans.ids()[seq]
                    + "' (line " + spans.firstLine()[seq] + ") has " + rows.size() + " rows, not " + spans.steps()[seq]);
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
        return new CsvSequences(source, files, layouts, spans, columns.withPerStep(perStep), classes, varying,
                perStep);
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
        return classes.count();
    }

    /** Class names by index, or empty for integer labels. */
    public List<String> classNames() {
        return classes.names();
    }

    public boolean hasTimes() {
        return columns.time() != null;
    }

    /** The id of sequence i: its id column value, or its file name without .csv. */
    public String id(int i) {
        return spans.ids()[i];
    }

    /** Steps of sequence i. */
    public int steps(int i) {
        return spans.steps()[i];
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
