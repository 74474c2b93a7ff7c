package org.rnn4j.data.speech;

import org.rnn4j.data.audio.Wav;

import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.FileFormatException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A directory of synthetic speech with a phone label for every moment of it (docs/speech-data.md):
 * <pre>
 * DIR/manifest.tsv       a header, then one utterance per line (see {@link Utterance})
 * DIR/wav/&lt;id&gt;.wav       16 kHz, mono, 16-bit PCM
 * DIR/labels/&lt;id&gt;.tsv    start_seconds, end_seconds, phone: contiguous segments covering the whole file
 * </pre>
 * {@link #open} reads and checks the manifest; the label files and audio are read when asked for.
 * {@link SpeechCorpusGenerator} writes such a directory.
 */
public final class SpeechCorpus {

    /** The manifest's name in the corpus directory. */
    public static final String MANIFEST = "manifest.tsv";
    /** The manifest's columns, in the order the generator writes them. Readers find them by name. */
    public static final List<String> COLUMNS = List.of("id", "synthesiser", "voice", "speaker", "split", "text",
            "seconds", "snr_db");
    /** The sample rate of every corpus's audio. */
    public static final int SAMPLE_RATE = 16_000;
    /** How far the labels' end may be from the manifest's length of the audio, in seconds: one 10 ms frame. */
    public static final double LENGTH_TOLERANCE = 0.01;

    private final Path dir;
    private final List<Utterance> utterances;
    private final Map<String, Utterance> byId = new HashMap<>();

    private SpeechCorpus(Path dir, List<Utterance> utterances) {
        this.dir = dir;
        this.utterances = List.copyOf(utterances);
        for (Utterance u : utterances) {
            byId.put(u.id(), u);
        }
    }

    /** Opens the corpus in {@code dir}, reading and checking its manifest. */
    public static SpeechCorpus open(Path dir) throws IOException {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new NoSuchFileException(manifest.toString(), null, "no speech corpus manifest here; make a corpus"
                    + " with SpeechCorpusGenerator (scripts/speech-corpus)");
        }
        return new SpeechCorpus(dir, readManifest(manifest));
    }

    /** The corpus directory. */
    public Path dir() {
        return dir;
    }

    /** The phone classes the corpus is labelled with. */
    public PhoneSet phones() {
        return PhoneSet.standard();
    }

    /** Every utterance, in manifest order. */
    public List<Utterance> utterances() {
        return utterances;
    }

    /** The utterances of one split, in manifest order. */
    public List<Utterance> utterances(Split split) {
        return utterances.stream().filter(u -> u.split() == split).toList();
    }

    /** The utterance {@code id}; throws if the manifest has none. */
    public Utterance utterance(String id) {
        Utterance u = byId.get(id);
        if (u == null) {
            throw new IllegalArgumentException("no utterance '" + id + "' in " + dir.resolve(MANIFEST));
        }
        return u;
    }

    /** {@code DIR/wav/<id>.wav}. */
    public Path wavFile(Utterance u) {
        return dir.resolve("wav").resolve(u.id() + ".wav");
    }

    /** {@code DIR/labels/<id>.tsv}. */
    public Path labelFile(Utterance u) {
        return dir.resolve("labels").resolve(u.id() + ".tsv");
    }

    /** The audio of {@code u}, checked to be 16 kHz mono. */
    public Wav audio(Utterance u) throws IOException {
        Path file = wavFile(u);
        Wav wav = Wav.read(file);
        if (wav.sampleRate() != SAMPLE_RATE) {
            throw new FileFormatException(file + ": " + wav.sampleRate() + " Hz, expected " + SAMPLE_RATE + " Hz");
        }
        return wav;
    }

    /**
     * The segments of {@code u}, checked as {@link LabelFile#read} checks them and to end within
     * {@value #LENGTH_TOLERANCE} s of the manifest's length of the audio.
     */
    public List<Segment> labels(Utterance u) throws IOException {
        Path file = labelFile(u);
        List<Segment> segments = LabelFile.read(file);
        double end = segments.getLast().end();
        if (Math.abs(end - u.seconds()) > LENGTH_TOLERANCE) {
            throw new FileFormatException(file + ": the labels end at " + end + " s, but the manifest says the audio"
                    + " of " + u.id() + " lasts " + u.seconds() + " s; they must cover the whole file");
        }
        return segments;
    }

    /**
     * The class index of each of {@code frames} frames of {@code hopSeconds}: the phone at the frame's centre,
     * {@code (i + 0.5) * hopSeconds}, indexed in the {@link PhoneSet#standard() standard phone set}. A centre past
     * the last segment's end by less than one hop (a feature extractor that rounds the frame count up) takes the
     * last segment's phone; one further past it is an error.
     *
     * @param labels     contiguous segments from 0, as {@link #labels} returns them (not modified)
     * @param frames     the number of frames, >= 0
     * @param hopSeconds the frame hop in seconds, > 0 (0.01 for 10 ms)
     * @return (frames) class indices
     */
    public static int[] frameLabels(List<Segment> labels, int frames, double hopSeconds) {
        if (frames < 0 || !(hopSeconds > 0) || Double.isInfinite(hopSeconds)) {
            throw new IllegalArgumentException("frameLabels needs frames >= 0 and a positive hop, got " + frames
                    + " frames of " + hopSeconds + " s");
        }
        if (frames == 0) {
            return new int[0];
        }
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("no segments to label " + frames + " frames with");
        }
        double end = labels.getLast().end();
        double lastCentre = (frames - 0.5) * hopSeconds;
        if (lastCentre >= end + hopSeconds) {
            throw new IllegalArgumentException(frames + " frames of " + hopSeconds + " s put the last frame's centre"
                    + " at " + lastCentre + " s, but the labels end at " + end + " s: the frames are not of this"
                    + " utterance, or the hop is wrong");
        }
        PhoneSet phones = PhoneSet.standard();
        int[] out = new int[frames];
        int s = 0;
        for (int i = 0; i < frames; i++) {
            double centre = (i + 0.5) * hopSeconds;
            while (s < labels.size() - 1 && centre >= labels.get(s).end()) {
                s++;
            }
            out[i] = phones.index(labels.get(s).phone());
        }
        return out;
    }

    private static List<Utterance> readManifest(Path file) throws IOException {
        List<Utterance> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                throw new FileFormatException(file + ": empty file, expected a header line "
                        + String.join("\t", COLUMNS));
            }
            List<String> names = List.of(header.split("\t", -1));
            Map<String, Integer> column = new LinkedHashMap<>();
            for (String c : COLUMNS) {
                int i = names.indexOf(c);
                if (i < 0) {
                    throw new FileFormatException(file + " line 1: the header has no column '" + c + "'; expected the"
                            + " tab-separated columns " + COLUMNS + ", got " + names);
                }
                column.put(c, i);
            }
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isEmpty()) {
                    continue;
                }
                String where = file + " line " + lineNo;
                String[] f = line.split("\t", -1);
                if (f.length != names.size()) {
                    throw new FileFormatException(where + ": " + f.length + " tab-separated fields, but the header has "
                            + names.size());
                }
                String id = f[column.get("id")];
                Integer before = seen.put(id, lineNo);
                if (before != null) {
                    throw new FileFormatException(where + ": utterance id '" + id + "' is also on line " + before);
                }
                String seconds = f[column.get("seconds")];
                String snr = f[column.get("snr_db")];
                try {
                    out.add(new Utterance(id, f[column.get("synthesiser")], f[column.get("voice")],
                            f[column.get("speaker")], Split.of(f[column.get("split")]), f[column.get("text")],
                            number(seconds, where, "seconds"),
                            snr.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(number(snr, where, "snr_db"))));
                } catch (IllegalArgumentException e) {
                    throw new FileFormatException(where + ": " + e.getMessage());
                }
            }
        }
        return out;
    }

    private static double number(String field, String where, String column) throws FileFormatException {
        try {
            double v = Double.parseDouble(field);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // the message below says it
        }
        throw new FileFormatException(where + ": " + column + " '" + field + "' is not a number");
    }

    /** Writes a manifest of {@code utterances}, atomically, in the format {@link #open} reads. */
    public static void writeManifest(Path file, List<Utterance> utterances) throws IOException {
        StringBuilder sb = new StringBuilder(String.join("\t", COLUMNS)).append('\n');
        for (Utterance u : utterances) {
            sb.append(String.join("\t", u.id(), u.synthesiser(), u.voice(), u.speaker(), u.split().label(), u.text(),
                    String.format(Locale.ROOT, "%.6f", u.seconds()),
                    u.snrDb().isPresent() ? decibels(u.snrDb().getAsDouble()) : ""));
            sb.append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    private static String decibels(double db) {
        return db == Math.rint(db) && Math.abs(db) < 1e9 ? Long.toString((long) db) : Double.toString(db);
    }
}
