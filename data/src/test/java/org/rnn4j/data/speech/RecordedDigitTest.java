package org.rnn4j.data.speech;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.data.audio.Wav;
import org.rnn4j.io.FileFormatException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link RecordedDigit}: the ten recordings of Debian's Asterisk prompts with their transcripts (skipped without the
 * packages, failing under .ci/run, which installs them and sets RNN4J_REQUIRE_DATA), and an index that disagrees or a
 * missing file refused with a sentence naming it.
 */
class RecordedDigitTest {

    @TempDir
    Path dir;

    @Test
    void theInstalledPromptsHoldTheTenDigitsWithTheirWords() throws IOException {
        boolean present = Files.isRegularFile(RecordedDigit.INDEX)
                && Files.isRegularFile(RecordedDigit.SOUNDS.resolve("digits/9.wav"));
        if (!present && System.getenv("RNN4J_REQUIRE_DATA") != null) {
            fail(RecordedDigit.INDEX + " or the digits' WAV files are missing although RNN4J_REQUIRE_DATA is set;"
                    + " apt-get install asterisk-core-sounds-en asterisk-core-sounds-en-wav");
        }
        assumeTrue(present, "Debian's asterisk-core-sounds-en(-wav) are not installed");
        List<RecordedDigit> digits = RecordedDigit.installed();
        assertEquals(10, digits.size());
        assertEquals(List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
                digits.stream().map(RecordedDigit::word).toList());
        for (RecordedDigit d : digits) {
            Wav w = Wav.read(d.file());
            assertEquals(8000, w.sampleRate(), d.file().toString());
            assertTrue(w.seconds() > 0.3 && w.seconds() < 2, d.file() + ": " + w.seconds() + " s");
        }
    }

    private Path index(String text) throws IOException {
        Path f = dir.resolve("index.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return f;
    }

    @Test
    void anIndexThatDisagreesOrAMissingRecordingIsRefused() throws IOException {
        StringBuilder good = new StringBuilder("; Core Asterisk Sounds in English\n\nagent-pass: Password.\n");
        Files.createDirectories(dir.resolve("sounds/digits"));
        for (int d = 0; d < 10; d++) {
            good.append("digits/").append(d).append(": ").append(SpeechCorpusGenerator.digitWords().get(d)).append('\n');
            Wav.write(dir.resolve("sounds/digits/" + d + ".wav"), new Wav(8000, new float[800]));
        }
        List<RecordedDigit> read = RecordedDigit.read(dir.resolve("sounds"), index(good.toString()));
        assertEquals(7, read.get(7).digit());
        assertEquals(dir.resolve("sounds/digits/7.wav"), read.get(7).file());

        Path swapped = index(good.toString().replace("digits/3: three", "digits/3: Thirty."));
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> RecordedDigit.read(dir.resolve("sounds"), swapped));
        assertTrue(e.getMessage().equals(swapped + ": 'digits/3' says 'Thirty.', expected 'three'"), e.getMessage());

        Path noFive = index(good.toString().replace("digits/5: five\n", ""));
        e = assertThrows(FileFormatException.class, () -> RecordedDigit.read(dir.resolve("sounds"), noFive));
        assertTrue(e.getMessage().contains("no entry 'digits/5:'"), e.getMessage());

        Path ok = index(good.toString());
        Files.delete(dir.resolve("sounds/digits/8.wav"));
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> RecordedDigit.read(dir.resolve("sounds"), ok));
        assertTrue(missing.getMessage().contains("8.wav") && missing.getMessage().contains("asterisk-core-sounds-en-wav"),
                missing.getMessage());
        assertThrows(NoSuchFileException.class, () -> RecordedDigit.read(dir.resolve("sounds"), dir.resolve("none.gz")));
    }
}
