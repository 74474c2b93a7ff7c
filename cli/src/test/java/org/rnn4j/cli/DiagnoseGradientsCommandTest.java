package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.MainTest.rnn4j;

/**
 * {@code rnn4j diagnose gradients}: a small run draws its three figures and prints the table of what its JSON holds;
 * a trained model is measured as it is; bad options and a model that does not fit the task are refused in one line
 * before anything is written.
 */
class DiagnoseGradientsCommandTest {

    @TempDir
    Path dir;

    @Test
    void aSmallRunDrawsTheFiguresAndPrintsTheTableOfItsJson() throws IOException {
        Path out = dir.resolve("diag");
        MainTest.Result r = rnn4j("diagnose", "gradients", "--steps", "30", "--hidden", "8", "--batch", "4",
                "--train-steps", "10", "--cells", "rnn-tanh,lstm", "--scales", "0.5,2", "--threads", "1",
                "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        for (String f : List.of("gradient-norms.png", "jacobian.png", "clipping.png", "gradients.json")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(out.resolve("gradients.json")));
        List<?> models = (List<?>) json.get("models");
        assertEquals(3, models.size());
        for (Object o : models) {
            Map<?, ?> m = (Map<?, ?>) o;
            List<?> init = (List<?>) m.get("state_gradient_norm_initial");
            assertEquals(30, init.size());
            double ratio = ((Number) init.get(0)).doubleValue() / ((Number) init.get(29)).doubleValue();
            assertTrue(r.out().contains("| " + m.get("model") + " | " + String.format(java.util.Locale.ROOT, "%.2g",
                    ratio) + " |"), m.get("model") + " with ratio " + ratio + " in: " + r.out());
        }
        assertEquals("", r.err());
    }

    @Test
    void aTrainedModelIsMeasuredAsItIs() throws IOException {
        Path run = dir.resolve("run");
        assertEquals(0, rnn4j("train", "--steps", "12", "--train-size", "64", "--val-size", "32", "--hidden", "8",
                "--epochs", "1", "--threads", "1", "--no-progress", "--out", run.toString()).code());
        Path out = dir.resolve("diag");
        MainTest.Result r = rnn4j("diagnose", "gradients", "--model", run.resolve("model.rnn4j").toString(),
                "--steps", "25", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("| model.rnn4j | "), r.out());
        assertFalse(Files.exists(out.resolve("clipping.png")), "no training, no clipping picture");
        assertTrue(Files.exists(out.resolve("gradient-norms.png")));
    }

    @Test
    void badOptionsAndModelsAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path out = dir.resolve("never");
        MainTest.Result r = rnn4j("diagnose", "gradients", "--scales", "1,-2", "--out", out.toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("--scales"), r.err());
        r = rnn4j("diagnose", "gradients", "--cells", "lstm,tcn", "--out", out.toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("--cells: unknown 'tcn'"), r.err());
        Path run = dir.resolve("copy");
        assertEquals(0, rnn4j("train", "--task", "copy", "--steps", "5", "--train-size", "32", "--val-size", "32",
                "--hidden", "4", "--epochs", "1", "--threads", "1", "--no-progress", "--out", run.toString()).code());
        r = rnn4j("diagnose", "gradients", "--model", run.resolve("model.rnn4j").toString(), "--out", out.toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("--model " + run.resolve("model.rnn4j")) && r.err().contains("adding task"),
                r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals("", r.out());
        assertFalse(Files.exists(out), "nothing written");
    }
}
