package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.rnn4j.data.synthetic.FrequencyDiscrimination;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.Objective;
import org.rnn4j.train.TrainConfig;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunGridTest {

    @TempDir
    Path dir;

    private static List<RunGrid.Cell> cells() {
        List<RunGrid.Cell> cells = new ArrayList<>();
        for (String model : List.of("lstm", "plstm")) {
            for (int s = 1; s <= 3; s++) {
                cells.add(new RunGrid.Cell(model, "T=50", s));
            }
        }
        return cells;
    }

    /** A run whose numbers depend on its cell only, so any order of making them must give the same list. */
    private static ExperimentReport.Run fake(RunGrid.Cell c) {
        double score = c.model().length() + 0.1 * c.seed();
        return new ExperimentReport.Run(c.model(), c.condition(), c.seed(), List.of(score + 1, score + 0.5, score),
                score, 1.0 / 3, 0.25, 0);
    }

    @Test
    void parallelJobsReturnTheRunsInTheCellsOrderAndSaveEachOne() throws IOException {
        List<RunGrid.Cell> made = Collections.synchronizedList(new ArrayList<>());
        StringWriter text = new StringWriter();
        List<ExperimentReport.Run> runs = RunGrid.run(cells(), dir, Map.of("epochs", 3), false, 3, 3,
                new PrintWriter(text), r -> r.model() + " " + r.seed(), (c, compute, checkpoint) -> {
                    made.add(c);
                    return fake(c);
                });
        assertEquals(cells().stream().map(RunGridTest::fake).toList(), runs);
        assertEquals(6, made.size(), "each cell made once");
        assertEquals(6, text.toString().lines().count(), text.toString());
        for (RunGrid.Cell c : cells()) {
            Path file = dir.resolve("runs").resolve(c.fileName());
            assertEquals(fake(c), RunGrid.load(file, "{\"epochs\":3}", c), "the saved run reads back whole");
        }
        assertEquals("plstm-T=50-seed2.json", new RunGrid.Cell("plstm", "T=50", 2).fileName());
        assertEquals("a_b-c_d-seed1.json", new RunGrid.Cell("a/b", "c d", 1).fileName());
    }

    @Test
    void aFailingRunKeepsTheFinishedOnesAndResumeMakesOnlyTheRest() throws IOException {
        List<RunGrid.Cell> cells = cells();
        RuntimeException boom = new IllegalStateException("out of memory, say");
        StringWriter text = new StringWriter();
        RuntimeException thrown = assertThrows(IllegalStateException.class, () -> RunGrid.run(cells, dir,
                Map.of("epochs", 3), false, 1, 1, new PrintWriter(text), r -> "done", (c, compute, checkpoint) -> {
                    if (c.model().equals("plstm") && c.seed() == 2) {
                        throw boom;
                    }
                    return fake(c);
                }));
        assertEquals(boom, thrown);
        assertTrue(text.toString().contains("4 of 6 runs are saved"), text.toString());
        assertEquals(4, Files.list(dir.resolve("runs")).count(), "the three LSTM runs and plstm seed 1");

        List<RunGrid.Cell> made = new ArrayList<>();
        List<ExperimentReport.Run> runs = RunGrid.run(cells, dir, Map.of("epochs", 3), true, 1, 1,
                new PrintWriter(new StringWriter()), r -> "done", (c, compute, checkpoint) -> {
                    made.add(c);
                    return fake(c);
                });
        assertEquals(List.of(cells.get(4), cells.get(5)), made);
        assertEquals(cells.stream().map(RunGridTest::fake).toList(), runs);

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> RunGrid.run(cells, dir,
                Map.of("epochs", 4), true, 1, 1, new PrintWriter(new StringWriter()), r -> "done",
                (c, compute, checkpoint) -> fake(c)));
        assertTrue(other.getMessage().contains("other settings"), other.getMessage());
        Files.writeString(dir.resolve("runs").resolve(cells.get(0).fileName()),
                "{\"settings_key\": \"{\\\"epochs\\\":3}\", \"model\": \"lstm\"}");
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class, () -> RunGrid.run(cells, dir,
                Map.of("epochs", 3), true, 1, 1, new PrintWriter(new StringWriter()), r -> "done",
                (c, compute, checkpoint) -> fake(c)));
        assertTrue(broken.getMessage().contains("is not a saved run"), broken.getMessage());
    }

    /** Training data that stops the program (as a crash or Ctrl-C would) when an epoch in {@code failAt} begins. */
    private record Stopping(Dataset data, Set<Integer> failAt) implements Dataset {
        @Override
        public int size() {
            return data.size();
        }

        @Override
        public Batch batch(int[] indices) {
            return data.batch(indices);
        }

        @Override
        public Dataset forEpoch(int epoch) {
            if (failAt.remove(epoch)) {
                throw new IllegalStateException("the machine went away before epoch " + epoch);
            }
            return data.forEpoch(epoch);
        }

        @Override
        public String describe() {
            return data.describe();
        }
    }

    /**
     * A small real run: a BN-LSTM (running statistics are buffers) or Phased LSTM on fresh waves every epoch, scored
     * by the loss, so that every curve point depends on every bit of the parameters.
     */
    private static ExperimentReport.Run train(RunGrid.Cell c, Compute compute, RunCheckpoint checkpoint,
                                              Set<Integer> failAt) {
        boolean phased = c.model().equals("plstm");
        FrequencyDiscrimination waves = new FrequencyDiscrimination(FrequencyDiscrimination.Sampling.ASYNCHRONOUS, 48,
                1000 * c.seed() + 1, !phased).freshEachEpoch();
        Dataset train = new Stopping(waves, failAt);
        Dataset test = new FrequencyDiscrimination(FrequencyDiscrimination.Sampling.ASYNCHRONOUS, 40,
                1000 * c.seed() + 2, !phased);
        CellSpec cell = phased ? CellSpec.phasedLstm() : CellSpec.bnLstm().withMaxSteps(125);
        SequenceModel net = SequenceModel.builder().cell(cell).inputSize(waves.inputSize())
                .hiddenSize(6).head(Head.LAST_STEP).outputSize(2).seed(c.seed()).compute(compute).build();
        TrainConfig cfg = TrainConfig.builder().epochs(4).batchSize(16).objective(Objective.CROSS_ENTROPY)
                .learningRate(1e-2f).seed(c.seed()).build();
        return ExperimentReport.train(c.model(), c.condition(), c.seed(), net, train, test, test, cfg, new Adam(1e-2f),
                ExperimentReport.Score.LOSS, checkpoint);
    }

    @Test
    void aRunStoppedInTheMiddleContinuesFromItsLastEpochAndEndsAsTheUninterruptedRun() throws IOException {
        List<RunGrid.Cell> cells = List.of(new RunGrid.Cell("bnlstm", "async", 1),
                new RunGrid.Cell("plstm", "async", 2));
        Map<String, Object> settings = Map.of("epochs", 4);
        Path whole = dir.resolve("whole");
        List<ExperimentReport.Run> expected = RunGrid.run(cells, whole, settings, false, 1, 1,
                new PrintWriter(new StringWriter()), r -> "done",
                (c, compute, checkpoint) -> train(c, compute, checkpoint, new HashSet<>()));
        for (RunGrid.Cell c : cells) {
            assertFalse(Files.exists(whole.resolve("runs").resolve(c.checkpointName())),
                    "removed once the run is saved");
        }

        Path stopped = dir.resolve("stopped");
        Set<Integer> failAt = new HashSet<>(List.of(2));
        assertThrows(IllegalStateException.class, () -> RunGrid.run(cells, stopped, settings, false, 1, 1,
                new PrintWriter(new StringWriter()), r -> "done",
                (c, compute, checkpoint) -> train(c, compute, checkpoint, failAt)));
        Path checkpoint = stopped.resolve("runs").resolve(cells.get(0).checkpointName());
        assertTrue(Files.exists(checkpoint), "the first run's two finished epochs are kept");

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> RunGrid.run(cells, stopped,
                Map.of("epochs", 5), true, 1, 1, new PrintWriter(new StringWriter()), r -> "done",
                (c, compute, ck) -> fake(c)));
        assertTrue(other.getMessage().contains(checkpoint.toString()) && other.getMessage().contains("settings"),
                other.getMessage());

        // on two jobs: the first run continues and stops again before epoch 3, the second before epoch 1, or at the
        // end of an epoch when the other has failed; then both continue on two jobs
        Set<Integer> first = new HashSet<>(List.of(3));
        Set<Integer> second = new HashSet<>(List.of(1));
        StringWriter text = new StringWriter();
        assertThrows(IllegalStateException.class, () -> RunGrid.run(cells, stopped, settings, true, 2, 2,
                new PrintWriter(text), r -> "done", (c, compute, ck) -> train(c, compute, ck,
                        c.model().equals("plstm") ? second : first)));
        assertTrue(text.toString().contains("bnlstm async seed 1 continues after epoch 2"), text.toString());
        for (RunGrid.Cell c : cells) {
            assertFalse(Files.exists(stopped.resolve("runs").resolve(c.fileName())), c + " is unfinished");
            assertTrue(Files.exists(stopped.resolve("runs").resolve(c.checkpointName())), c + " keeps its epochs");
        }
        List<ExperimentReport.Run> resumed = RunGrid.run(cells, stopped, settings, true, 2, 2,
                new PrintWriter(new StringWriter()), r -> "done",
                (c, compute, ck) -> train(c, compute, ck, new HashSet<>()));
        for (int i = 0; i < cells.size(); i++) {
            ExperimentReport.Run want = expected.get(i);
            ExperimentReport.Run got = resumed.get(i);
            assertEquals(want.curve(), got.curve(), "curve of " + cells.get(i));
            assertEquals(want.score(), got.score(), "score of " + cells.get(i));
            assertEquals(want.updateFraction(), got.updateFraction(), "unit updates of " + cells.get(i));
            assertFalse(Files.exists(stopped.resolve("runs").resolve(cells.get(i).checkpointName())));
        }

        // stopped after the last epoch, before the run was saved: resuming only scores it
        Path last = dir.resolve("last");
        List<RunGrid.Cell> one = List.of(cells.get(1));
        assertThrows(IllegalStateException.class, () -> RunGrid.run(one, last, settings, false, 1, 1,
                new PrintWriter(new StringWriter()), r -> "done", (c, compute, ck) -> {
                    train(c, compute, ck, new HashSet<>());
                    throw new IllegalStateException("stopped before the run was saved");
                }));
        RunCheckpoint saved = RunCheckpoint.resume(last.resolve("runs").resolve(one.get(0).checkpointName()),
                "{\"epochs\":4}", one.get(0));
        assertEquals(4, saved.epochsDone());
        assertEquals(RunGrid.madeBy(), saved.madeBy(), "the checkpoint records what made it");
        StringWriter lastText = new StringWriter();
        ExperimentReport.Run scored = RunGrid.run(one, last, settings, true, 1, 1, new PrintWriter(lastText),
                r -> "done", (c, compute, ck) -> train(c, compute, ck, new HashSet<>())).get(0);
        assertTrue(lastText.toString().contains("continues after epoch 4"), lastText.toString());
        assertFalse(lastText.toString().contains("note:"), "made by this very version: " + lastText);
        assertEquals(expected.get(1).curve(), scored.curve());
        assertEquals(expected.get(1).score(), scored.score());

        // one job fails at once: the other stops at the end of an epoch instead of finishing its run
        Path failing = dir.resolve("failing");
        RuntimeException boom = new IllegalStateException("boom");
        assertEquals(boom, assertThrows(IllegalStateException.class, () -> RunGrid.run(cells, failing, settings, false,
                2, 2, new PrintWriter(new StringWriter()), r -> "done", (c, compute, ck) -> {
                    if (c.model().equals("bnlstm")) {
                        throw boom;
                    }
                    return train(c, compute, ck, new HashSet<>());
                })));
        assertFalse(Files.exists(failing.resolve("runs").resolve(cells.get(1).fileName())), "stopped, not finished");

        Path broken = dir.resolve("broken");
        Path damaged = broken.resolve("runs").resolve(cells.get(0).checkpointName());
        Files.createDirectories(damaged.getParent());
        Files.writeString(damaged, "not a checkpoint");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> RunGrid.run(cells, broken,
                settings, true, 1, 1, new PrintWriter(new StringWriter()), r -> "done", (c, compute, ck) -> fake(c)));
        assertTrue(refused.getMessage().contains(damaged + " is not a run's checkpoint"), refused.getMessage());
    }
}
