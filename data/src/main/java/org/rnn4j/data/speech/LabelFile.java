package org.rnn4j.data.speech;

import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.FileFormatException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A label file of a speech corpus, {@code labels/<id>.tsv}: one line per segment,
 * {@code start_seconds<TAB>end_seconds<TAB>phone}, the segments contiguous from 0 to the end of the audio, the
 * phones names of a {@link PhoneSet}. Times are written with six decimals (finer than one sample at 16 kHz).
 */
public final class LabelFile {

    /** How far a segment's start may be from the previous one's end (and the first start from 0), in seconds. */
    public static final double TOLERANCE = 1e-6;

    private LabelFile() {
    }

    /**
     * Reads and checks a label file against the {@link PhoneSet#standard() standard phone set}; a malformed one
     * raises a {@link FileFormatException} naming the line.
     */
    public static List<Segment> read(Path file) throws IOException {
        PhoneSet phones = PhoneSet.standard();
        List<Segment> segments = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isEmpty()) {
                    continue;
                }
                String where = file + " line " + lineNo;
                String[] f = line.split("\t", -1);
                if (f.length != 3) {
                    throw new FileFormatException(where + ": " + f.length + " tab-separated field"
                            + (f.length == 1 ? "" : "s") + ", expected 3 (start_seconds, end_seconds, phone)");
                }
                double start = seconds(f[0], where, "start");
                double end = seconds(f[1], where, "end");
                double expected = segments.isEmpty() ? 0 : segments.getLast().end();
                if (Math.abs(start - expected) > TOLERANCE) {
                    throw new FileFormatException(where + ": the segment starts at " + f[0] + " s, but "
                            + (segments.isEmpty() ? "the first segment must start at 0"
                            : "the previous one ends at " + expected + " s; segments must be contiguous"));
                }
                if (!(end > start)) {
                    throw new FileFormatException(where + ": the segment ends at " + f[1] + " s, not after its start "
                            + f[0] + " s");
                }
                if (!phones.contains(f[2])) {
                    throw new FileFormatException(where + ": '" + f[2] + "' is not a phone class; expected one of "
                            + phones.names());
                }
                segments.add(new Segment(start, end, f[2]));
            }
        }
        if (segments.isEmpty()) {
            throw new FileFormatException(file + ": no segments; expected one line per segment, "
                    + "start_seconds<TAB>end_seconds<TAB>phone");
        }
        return segments;
    }

    private static double seconds(String field, String where, String what) throws FileFormatException {
        double v;
        try {
            v = Double.parseDouble(field);
        } catch (NumberFormatException e) {
            throw new FileFormatException(where + ": the " + what + " time '" + field + "' is not a number of seconds");
        }
        if (!Double.isFinite(v) || v < 0) {
            throw new FileFormatException(where + ": the " + what + " time " + field
                    + " is not a finite, non-negative number of seconds");
        }
        return v;
    }

    /** Writes segments, atomically, in the format {@link #read} reads. */
    public static void write(Path file, List<Segment> segments) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Segment s : segments) {
            sb.append(String.format(Locale.ROOT, "%.6f\t%.6f\t%s%n", s.start(), s.end(), s.phone()));
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }
}
