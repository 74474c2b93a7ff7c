package org.rnn4j.data.speech;

import org.rnn4j.io.FileFormatException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Recorded human speech of the ten digits: Asterisk's English prompts, one female speaker at 8 kHz, from Debian's
 * {@code asterisk-core-sounds-en-wav} ({@code digits/0.wav} .. {@code digits/9.wav}) and the transcript index of
 * {@code asterisk-core-sounds-en} ({@code core-sounds-en.txt.gz}, lines {@code digits/7: seven}). Each recording is
 * taken only if the index says it is the digit's word, so a package that renamed or re-recorded a prompt is noticed.
 *
 * @param digit the digit, 0..9
 * @param word  what the index says is spoken ("seven")
 * @param file  the WAV file
 */
public record RecordedDigit(int digit, String word, Path file) {

    /** Where Debian's asterisk-core-sounds-en-wav puts the English prompts. */
    public static final Path SOUNDS = Path.of("/usr/share/asterisk/sounds/en");
    /** The transcript index of Debian's asterisk-core-sounds-en. */
    public static final Path INDEX = Path.of("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz");

    /** The ten digits from the installed packages. */
    public static List<RecordedDigit> installed() throws IOException {
        return read(SOUNDS, INDEX);
    }

    /**
     * The ten recordings {@code sounds/digits/<d>.wav}, d = 0..9, checked against the index (plain or gzipped):
     * a missing file or entry, or a transcript other than the digit's word, is refused with a sentence naming the file.
     */
    public static List<RecordedDigit> read(Path sounds, Path index) throws IOException {
        if (!Files.isRegularFile(index)) {
            throw new NoSuchFileException(index.toString(), null, "no transcript index of Asterisk's English prompts;"
                    + " install Debian's asterisk-core-sounds-en (apt-get install asterisk-core-sounds-en)");
        }
        Map<String, String> transcripts = transcripts(index);
        List<String> words = Texts.digitWords();
        List<RecordedDigit> out = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            String name = "digits/" + d;
            String said = transcripts.get(name);
            if (said == null) {
                throw new FileFormatException(index + ": no entry '" + name + ":'; expected the transcript of every"
                        + " digit 0..9");
            }
            String word = said.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
            if (!word.equals(words.get(d))) {
                throw new FileFormatException(index + ": '" + name + "' says '" + said + "', expected '" + words.get(d)
                        + "'");
            }
            Path file = sounds.resolve(name + ".wav");
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, "the recording of '" + word + "' is missing;"
                        + " install Debian's asterisk-core-sounds-en-wav (apt-get install asterisk-core-sounds-en-wav)");
            }
            out.add(new RecordedDigit(d, word, file));
        }
        return out;
    }

    /** The index's {@code name: transcript} lines; comments (;) and blank lines skipped. */
    private static Map<String, String> transcripts(Path index) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (InputStream raw = Files.newInputStream(index);
             InputStream in = index.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                int colon = line.indexOf(':');
                if (line.isBlank() || line.startsWith(";") || colon < 1) {
                    continue;
                }
                out.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        } catch (java.util.zip.ZipException e) {
            throw new FileFormatException(index + ": not a gzip file (" + e.getMessage() + ")");
        }
        return out;
    }
}
