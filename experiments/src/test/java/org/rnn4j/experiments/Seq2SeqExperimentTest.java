package org.rnn4j.experiments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.Json;
import org.rnn4j.kernel.Compute;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Seq2SeqExperiment}: a run stopped after its first epoch and resumed from its checkpoint ends with the curve
 * and scores of the uninterrupted run, bit for bit; a checkpoint of another run, or a damaged one, is refused by
 * name; the table holds the mean and standard deviation of the runs' scores.
 */
class Seq2SeqExperimentTest {

    @TempDir
    Path dir;

    private static Seq2SeqExperiment.Settings tiny(int seeds) {
        return new Seq2SeqExperiment.Settings(List.of("reverse"), List.of("reversed", "in-order"), seeds, "gru", 12, 4,
                1, 3, 3, 96, 20, 40, 16, 1e-2f);
    }

    @Test
    void aRunStoppedAfterAnEpochAndResumedEndsWithTheUninterruptedRunsResults() throws IOException {
        Seq2SeqExperiment e = new Seq2SeqExperiment(tiny(1));
        Seq2SeqExperiment.Run run = new Seq2SeqExperiment.Run("reversed", "reverse", 1);
        String key = Json.write(e.settings());
        RunResult whole = e.run(run, Compute.serial(), RunCheckpoint.fresh(dir.resolve("whole"), key, run.id()));

        Path file = dir.resolve("stopped");
        RunCheckpoint first = RunCheckpoint.fresh(file, key, run.id());
        first.stopAfterEpochWhen(() -> true);
        assertThrows(RunCheckpoint.Stopped.class, () -> e.run(run, Compute.serial(), first));
        RunCheckpoint saved = RunCheckpoint.resume(file, key, run.id());
        assertEquals(1, saved.epochsDone());
        RunResult resumed = e.run(run, Compute.serial(), saved);
        assertEquals(whole.curve(), resumed.curve());
        assertEquals(whole.score(), resumed.score());
        assertEquals(whole.extras(), resumed.extras());

        Seq2SeqExperiment.Run other = new Seq2SeqExperiment.Run("in-order", "reverse", 1);
        String msg = assertThrows(IllegalArgumentException.class, () -> RunCheckpoint.resume(file, key, other.id()))
                .getMessage();
        assertTrue(msg.contains(file + " is the checkpoint of reversed reverse seed 1"), msg);
        Files.writeString(file, "{\"model\": \"reversed\"");
        msg = assertThrows(IllegalArgumentException.class, () -> RunCheckpoint.resume(file, key, run.id()))
                .getMessage();
        assertTrue(msg.contains(file + " is not a run's checkpoint"), msg);
    }

    @Test
    void theTableHoldsTheMeanAndStdOfTheRunsScores() throws IOException {
        StringWriter text = new StringWriter();
        Seq2SeqExperiment e = new Seq2SeqExperiment(tiny(2));
        List<RunResult> runs = ExperimentDriver.run(e, new ExperimentDriver.Options(dir, false, 2, 2, false),
                new PrintWriter(text, true));
        for (String input : List.of("reversed", "in-order")) {
            double[] seq = runs.stream().filter(r -> r.model().equals(input)).mapToDouble(RunResult::score).toArray();
            double[] tok = runs.stream().filter(r -> r.model().equals(input))
                    .mapToDouble(r -> r.extra("token_accuracy")).toArray();
            String row = String.format(java.util.Locale.ROOT, "| reverse | %s | %.2f ± %.2f %% | %.2f ± %.2f %% |",
                    input, 100 * ExperimentReport.mean(seq), 100 * ExperimentReport.std(seq),
                    100 * ExperimentReport.mean(tok), 100 * ExperimentReport.std(tok));
            assertTrue(text.toString().contains(row), row + " in:\n" + text);
        }
        assertTrue(Files.size(dir.resolve("learning-curves-reverse.png")) > 0);
        assertEquals(Files.readString(dir.resolve("results.md")), e.table(runs));
    }
}
