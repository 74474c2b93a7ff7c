package org.rnn4j.data.speech;

import org.rnn4j.data.audio.Wav;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The Festival speech synthesiser, run as {@code festival -b script.scm}: one process speaks a batch of texts with
 * one voice, saving each utterance's wave and its segments' end times ({@code utt.save.segs}). Rate and pitch are
 * varied the voice's own way: a diphone voice through {@code Duration_Stretch} and the mean and spread of its
 * intonation model's F0 ({@code int_lr_params}), an HTS voice through the engine's speed ({@code -r}) and
 * half-tone shift ({@code -fm}).
 */
final class Festival {

    /** The English voices rnn4j uses, when installed: two diphone voices and one HTS voice (scripts/install-speech). */
    static final List<String> VOICES = List.of("kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts");
    static final Path VOICE_DIR = Path.of("/usr/share/festival/voices");
    private static final long TIMEOUT_MINUTES = 30;

    /**
     * One utterance to speak.
     *
     * @param stretch   durations multiplied by this (1.2: 20% slower)
     * @param semitones the pitch raised by this many half-tones
     * @param file      where to write {@code <file>.wav} and {@code <file>.segs}
     */
    record Request(String text, double stretch, double semitones, Path file) {
    }

    /** A batch being spoken by one Festival process. */
    static final class Batch {
        private final String voice;
        private final List<Request> requests;
        private final Process process;
        private final Path log;

        private Batch(String voice, List<Request> requests, Process process, Path log) {
            this.voice = voice;
            this.requests = requests;
            this.process = process;
            this.log = log;
        }

        /** Waits for the process and reads what it made, in request order. */
        List<Synthesis> results() throws IOException {
            try {
                if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IOException("festival (" + voice + ") did not finish " + requests.size()
                            + " utterances in " + TIMEOUT_MINUTES + " minutes");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while festival was speaking", e);
            }
            List<Synthesis> out = new ArrayList<>();
            for (Request r : requests) {
                Path wav = withSuffix(r.file(), ".wav");
                Path segs = withSuffix(r.file(), ".segs");
                if (!Files.isRegularFile(wav) || !Files.isRegularFile(segs)) {
                    throw new IOException("festival (" + voice + ") exited with " + process.exitValue()
                            + " without writing " + wav + " and its .segs for '" + r.text() + "'; its output: "
                            + tail(log));
                }
                Wav audio = Wav.read(wav);
                out.add(new Synthesis(audio, readSegments(segs, audio.seconds())));
            }
            return out;
        }
    }

    private Festival() {
    }

    /** The voices of {@link #VOICES} that are installed. */
    static List<String> installedVoices() {
        List<String> out = new ArrayList<>();
        for (String v : VOICES) {
            for (String language : new String[]{"english", "us"}) {
                if (Files.isDirectory(VOICE_DIR.resolve(language).resolve(v))) {
                    out.add(v);
                    break;
                }
            }
        }
        return out;
    }

    /**
     * Starts a Festival process speaking {@code requests} with {@code voice}; {@link Batch#results()} waits for it.
     * The texts must be words and spaces only (they are written into a Scheme string).
     */
    static Batch start(String voice, List<Request> requests, Path workDir) throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("(voice_").append(voice).append(")\n");
        if (voice.endsWith("_hts")) {
            s.append("(define rnn4j-base hts_engine_params)\n");
            s.append("(define (rnn4j-prosody stretch semitones)\n");
            s.append("  (set! hts_engine_params\n");
            s.append("    (append rnn4j-base (list (list \"-r\" (/ 1.0 stretch)) (list \"-fm\" semitones)))))\n");
        } else {
            s.append("(define rnn4j-stretch (Parameter.get 'Duration_Stretch))\n");
            s.append("(define rnn4j-lr int_lr_params)\n");
            s.append("(define (rnn4j-lr-scaled name factor)\n");
            s.append("  (list name (* factor (car (cdr (assoc name rnn4j-lr))))))\n");
            s.append("(define (rnn4j-prosody stretch semitones)\n");
            s.append("  (Parameter.set 'Duration_Stretch (* rnn4j-stretch stretch))\n");
            s.append("  (set! int_lr_params\n");
            s.append("    (list (rnn4j-lr-scaled 'target_f0_mean (pow 2 (/ semitones 12.0)))\n");
            s.append("          (rnn4j-lr-scaled 'target_f0_std (pow 2 (/ semitones 12.0)))\n");
            s.append("          (assoc 'model_f0_mean rnn4j-lr) (assoc 'model_f0_std rnn4j-lr))))\n");
        }
        for (Request r : requests) {
            if (!r.text().matches("[A-Za-z ]+")) {
                throw new IllegalArgumentException("Festival texts must be letters and spaces, got '" + r.text() + "'");
            }
            s.append(String.format(Locale.ROOT, "(rnn4j-prosody %.6f %.6f)%n", r.stretch(), r.semitones()));
            s.append("(set! utt (utt.synth (Utterance Text \"").append(r.text()).append("\")))\n");
            s.append("(utt.save.wave utt ").append(scheme(withSuffix(r.file(), ".wav"))).append(" 'riff)\n");
            s.append("(utt.save.segs utt ").append(scheme(withSuffix(r.file(), ".segs"))).append(")\n");
        }
        Path script = Files.createTempFile(workDir, "festival-" + voice + "-", ".scm");
        Files.writeString(script, s.toString(), StandardCharsets.UTF_8);
        Path log = withSuffix(script, ".log");
        ProcessBuilder pb = new ProcessBuilder("festival", "-b", script.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("could not run festival (" + e.getMessage() + "); install it with"
                    + " scripts/install-speech, or generate without Festival (festival share 0)", e);
        }
        p.getOutputStream().close();
        return new Batch(voice, requests, p, log);
    }

    /**
     * The segments of a {@code utt.save.segs} file: after a header ending in {@code #}, one line per segment,
     * {@code end_seconds 100 phone}. Each segment runs from the previous end; the last is stretched or the segments
     * cut to end with the audio, which a diphone voice makes a few milliseconds longer than its last segment.
     */
    static List<Segment> readSegments(Path file, double audioSeconds) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int i = lines.indexOf("#");
        if (i < 0) {
            throw new IOException(file + ": no '#' line ending the header; not a Festival segment file");
        }
        List<Segment> out = new ArrayList<>();
        double start = 0;
        for (int lineNo = i + 2; lineNo <= lines.size(); lineNo++) {
            String line = lines.get(lineNo - 1).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length != 3) {
                throw new IOException(file + " line " + lineNo + ": expected 'end_seconds 100 phone', got '" + line
                        + "'");
            }
            double end = Math.min(Double.parseDouble(f[0]), audioSeconds);
            if (end > start) {
                out.add(new Segment(start, end, f[2]));
                start = end;
            }
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": no segments within the " + audioSeconds + " s of audio");
        }
        if (start < audioSeconds) {
            Segment last = out.removeLast();
            out.add(new Segment(last.start(), audioSeconds, last.phone()));
        }
        return out;
    }

    private static String scheme(Path p) {
        return "\"" + p.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Path withSuffix(Path p, String suffix) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return p.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + suffix);
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "(none)" : s.length() > 2000 ? "..." + s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
