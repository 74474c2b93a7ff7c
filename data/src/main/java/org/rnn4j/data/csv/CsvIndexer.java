package org.rnn4j.data.csv;

import org.rnn4j.io.FileFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The indexing pass of {@link CsvSequences#index}: reads every row of a CSV file or of a directory's CSV files once,
 * checks it, and records where each sequence's rows are (file, byte range, first line, steps), the labels found
 * and whether a label or target changes within a sequence. Class labels are numbered at the end: integers stand
 * for themselves, names are numbered in sorted order, and known classes are checked as the labels are read.
 */
final class CsvIndexer {

    private CsvColumns columns;   // the feature columns are filled in by the first file's header
    private final KnownClasses known;
    private final boolean directory;
    private final CsvSequences.Progress progress;
    private long totalBytes;
    private long doneBytes;
    // per sequence, growing
    private int n;
    private int[] fileOf = new int[64];
    private long[] start = new long[64];
    private long[] end = new long[64];
    private int[] firstLine = new int[64];
    private int[] steps = new int[64];
    private String[] ids = new String[64];
    private final Set<String> seen = new HashSet<>();
    // label text -> "FILE line L, column C ('NAME')" where first seen
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String varying;

    private CsvIndexer(CsvColumns columns, KnownClasses known, boolean directory, CsvSequences.Progress progress) {
        this.columns = columns;
        this.known = known;
        this.directory = directory;
        this.progress = progress;
    }

    /** See {@link CsvSequences#index}. */
    static CsvSequences index(Path source, CsvColumns columns, KnownClasses known, CsvSequences.Progress progress)
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
        CsvIndexer ix = new CsvIndexer(columns, known, directory, progress);
        for (Path f : files) {
            ix.totalBytes += Files.size(f);
        }
        CsvLayout[] layouts = new CsvLayout[files.length];
        try {
            for (int i = 0; i < files.length; i++) {
                layouts[i] = ix.indexFile(files[i], i);
            }
        } finally {
            if (progress != null) {
                progress.finished();
            }
        }
        return ix.finish(source, files, layouts);
    }

    private CsvLayout indexFile(Path file, int fileIndex) throws IOException {
        String fileId = file.getFileName().toString().replaceFirst("(?i)\\.csv$", "");
        CsvLayout layout = null;
        CsvRow row = null;
        CsvRow first = null;
        String current = null;
        int headerLine = 0;
        double lastTime = 0;
        int lastLine = 0;
        long lastReported = 0;
        try (LineReader lines = new LineReader(Files.newInputStream(file), file.toString())) {
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
                List<String> fields = CsvRow.split(line, file, lineNo);
                if (layout == null) {
                    layout = CsvLayout.of(file, lineNo, fields, columns, directory);
                    columns = layout.columns();   // every other file must have these features
                    headerLine = lineNo;
                    row = new CsvRow(layout);
                    first = new CsvRow(layout);
                    continue;
                }
                if (fields.size() != layout.width()) {
                    throw new FileFormatException(file + " line " + lineNo + ": " + fields.size() + " fields, but"
                            + " the header (line " + headerLine + ") has " + layout.width() + " columns");
                }
                String id = directory || layout.id() < 0 ? fileId : fields.get(layout.id()).strip();
                if (id.isEmpty()) {
                    throw new FileFormatException(file + " line " + lineNo + ", column " + (layout.id() + 1) + " ('"
                            + columns.id() + "'): empty sequence id");
                }
                row.parse(fields, file, lineNo);
                if (!id.equals(current)) {
                    if (!seen.add(id)) {
                        throw new FileFormatException(file + " line " + lineNo + ": rows of sequence '" + id
                                + "' start again after other sequences; the rows of a sequence must be one after"
                                + " another (sort the file by " + columns.id() + (columns.time() == null ? ""
                                : " and " + columns.time()) + ")");
                    }
                    add(fileIndex, lines.lineStart(), lineNo, id);
                    current = id;
                    first.copyTargetFrom(row);
                } else {
                    if (layout.time() >= 0 && row.time < lastTime) {
                        throw new FileFormatException(file + " line " + lineNo + ", column " + (layout.time() + 1)
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
                if (layout.label() >= 0) {
                    label(row.label, file, lineNo, layout.label() + 1);
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
                long c = CsvRow.integral(label);
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
        if (labels.size() == CsvSequences.MAX_CLASSES) {
            throw new FileFormatException(where + ": more than " + CsvSequences.MAX_CLASSES + " distinct labels; for"
                    + " real-valued targets name the columns as targets instead of a label");
        }
        labels.put(label, where);
    }

    /** Numbers the classes, decides per step or per sequence, and returns the reader over what was indexed. */
    private CsvSequences finish(Path source, Path[] files, CsvLayout[] layouts) throws FileFormatException {
        CsvSequences.Classes classes = columns.label() == null ? CsvSequences.Classes.NONE : classes();
        Boolean asked = columns.perStep();
        if (Boolean.FALSE.equals(asked) && varying != null && columns.labelled()) {
            throw new FileFormatException(varying + ": the " + (columns.label() != null ? "label" : "target")
                    + " changes within the sequence, but one per sequence is expected");
        }
        boolean perStep = asked != null ? asked : varying != null;
        CsvSequences.Spans spans = new CsvSequences.Spans(Arrays.copyOf(fileOf, n), Arrays.copyOf(start, n),
                Arrays.copyOf(end, n), Arrays.copyOf(firstLine, n), Arrays.copyOf(steps, n), Arrays.copyOf(ids, n));
        return new CsvSequences(source, files, layouts, spans, columns, classes, varying, perStep);
    }

    /** The class of every label seen: the known classes', the integer's own, or the rank of the name. */
    private CsvSequences.Classes classes() throws FileFormatException {
        Map<String, Integer> classIndex = new HashMap<>();
        if (known != null) {
            for (String label : labels.keySet()) {
                classIndex.put(label, known.names().isEmpty() ? (int) CsvRow.integral(label)
                        : known.names().indexOf(label));
            }
            return new CsvSequences.Classes(classIndex, known.names(), known.count());
        }
        if (labels.keySet().stream().allMatch(l -> CsvRow.integral(l) != Long.MIN_VALUE)) {
            long max = 1;
            for (Map.Entry<String, String> e : labels.entrySet()) {
                long c = CsvRow.integral(e.getKey());
                if (c < 0 || c >= CsvSequences.MAX_CLASSES) {
                    throw new FileFormatException(e.getValue() + ": class " + e.getKey() + " is outside 0.."
                            + (CsvSequences.MAX_CLASSES - 1) + "; integer labels are class indices from 0");
                }
                classIndex.put(e.getKey(), (int) c);
                max = Math.max(max, c);
            }
            return new CsvSequences.Classes(classIndex, List.of(), (int) max + 1);
        }
        List<String> sorted = new ArrayList<>(labels.keySet());
        sorted.sort(null);
        for (int i = 0; i < sorted.size(); i++) {
            classIndex.put(sorted.get(i), i);
        }
        if (sorted.size() < 2) {
            throw new FileFormatException(labels.get(sorted.get(0)) + ": every label is '" + sorted.get(0)
                    + "'; a classifier needs at least two classes");
        }
        return new CsvSequences.Classes(classIndex, List.copyOf(sorted), sorted.size());
    }
}
