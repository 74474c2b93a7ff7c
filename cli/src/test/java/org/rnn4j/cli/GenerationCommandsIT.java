package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Provenance;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input to train --text, sample and forecast, through the real {@code ./rnn4j} launcher on the packaged jar: an
 * empty text, a text that is not UTF-8, a CSV file without the named column, a horizon of 0, a missing option, a
 * prime outside the vocabulary each end with exit code 1 (2 for a usage error), one line on stderr naming the file or
 * option, nothing on stdout and no output file.
 */
class GenerationCommandsIT {

    @TempDir
    Path dir;

    private void refused(int exit, String fragment, Path notWritten, String... args) throws Exception {
        LauncherIT.Run r = LauncherIT.launch(args);
        assertEquals(exit, r.exit(), String.join(" ", args) + "\n" + r.err());
        assertEquals("", r.out(), "nothing on stdout: " + String.join(" ", args));
        assertTrue(r.err().contains(fragment), "'" + fragment + "' in: " + r.err());
        if (exit == 1) {
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        }
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(Files.exists(notWritten), notWritten + " must not be written");
    }

    @Test
    void badTextsAreRefusedNamingTheFile() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        Path out = dir.resolve("run");
        refused(1, empty + ": empty", out, "train", "--text", empty.toString(), "--out", out.toString());
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1));
        refused(1, latin1 + ": not valid UTF-8 at line 1, byte offset 3", out, "train", "--text", latin1.toString(),
                "--out", out.toString());
    }

    @Test
    void badForecastsAreRefusedNamingTheFileOrOption() throws Exception {
        Path model = forecaster();
        Path csv = dir.resolve("sunspots.csv");
        StringBuilder sb = new StringBuilder("\"YEAR\",\"SUNACTIVITY\"\n");
        for (int t = 0; t < 80; t++) {
            sb.append(1700 + t).append(',').append(50 + 40 * Math.sin(t / 1.75)).append('\n');
        }
        Files.writeString(csv, sb);
        Path out = dir.resolve("forecast");
        refused(1, csv + " has no column 'SUNSPOTS'", out, "forecast", model.toString(), "--data", csv.toString(),
                "--column", "SUNSPOTS", "--horizon", "5", "--out", out.toString());
        refused(1, "--horizon must be at least 1, got 0", out, "forecast", model.toString(), "--data", csv.toString(),
                "--horizon", "0", "--out", out.toString());
        refused(2, "--horizon", out, "forecast", model.toString(), "--data", csv.toString(), "--out", out.toString());
        refused(1, "--column", dir.resolve("run"), "train", "--text", csv.toString(), "--column", "YEAR", "--out",
                dir.resolve("run").toString());
        LauncherIT.Run ok = LauncherIT.launch("forecast", model.toString(), "--data", csv.toString(), "--horizon", "5",
                "--out", out.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("| 5 | "), ok.out());
        assertTrue(Files.exists(out.resolve("forecast.csv")));
    }

    @Test
    void aPrimeOutsideTheVocabularyPrintsNothing() throws Exception {
        SequenceModel m = SequenceModel.builder().cell(CellSpec.lstm()).embedding(3, 4).hiddenSize(5)
                .head(Head.EVERY_STEP).outputSize(3).build();
        Path file = dir.resolve("chars.rnn4j");
        ModelFile.write(file, new ModelFile.Contents(ModelFile.KIND_MODEL, m.config(), m.parameters().values(),
                Provenance.current(1, "test"), Map.of(), Map.of("text", Map.of()),
                new DataSchema(null, null, List.of("character"), "next character", List.of(), List.of("\n", "a", "b"),
                        null, null)));
        refused(1, "--prime: character 1 ('c')", dir.resolve("none"), "sample", file.toString(), "--prime", "ac");
        LauncherIT.Run ok = LauncherIT.launch("sample", file.toString(), "--prime", "ab", "--length", "5");
        assertEquals(0, ok.exit(), ok.err());
        assertEquals(2 + 5 + 1, ok.out().length(), ok.out());
    }

    /** An untrained forecaster saved as train --series saves one: window 8, the last 20 values held out. */
    private Path forecaster() throws IOException {
        SequenceModel m = SequenceModel.builder().cell(CellSpec.gru()).inputSize(1).hiddenSize(4).head(Head.EVERY_STEP)
                .outputSize(1).build();
        Path file = dir.resolve("forecaster.rnn4j");
        ModelFile.write(file, new ModelFile.Contents(ModelFile.KIND_MODEL, m.config(), m.parameters().values(),
                Provenance.current(1, "test"), Map.of(), Map.of("series", Map.of("window", 8L, "held_out", 20L,
                "difference", false)), new DataSchema(null, null, List.of("SUNACTIVITY"), null,
                List.of("SUNACTIVITY"), List.of(), new float[] {50}, new float[] {30})));
        return file;
    }
}
