package org.rnn4j.experiments;

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

class ExperimentDriverTest {

    /** A run known by its identity alone. */
    private record Cell(String model, String condition, long seed) implements RunSpec {
        @Override
        public RunId id() {
            return new RunId(model, condition, seed);
        }
    }

    @TempDir
    Path dir;

    private static List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        for (String model : List.of("lstm", "plstm")) {
            for (int s = 1; s <= 3; s++) {
                cells.add(new Cell(model, "T=50", s));
            }
        }
        return cells;
    }

    /** A run whose numbers depend on its cell only, so any order of making them must give the same list. */
    private static RunResult fake(Cell c) {
        double score = c.model().length() + 0.1 * c.seed();
        return new RunResult(c.id(), List.of(score + 1, score + 0.5, score), score, 1.0 / 3, 0.25, 0,
                Map.of("first", score + 1, "name", c.model()));
    }

    @Test
    void parallelJobsReturnTheRunsInTheCellsOrderAndSaveEachOne() throws IOException {
        List<Cell> made = Collections.synchronizedList(new ArrayList<>());
        StringWriter text = new StringWriter();
        List<RunResult> runs = ExperimentDriver.runs(cells(), Map.of("epochs", 3),
                new ExperimentDriver.Options(dir, false, 3, 3, false),
                new PrintWriter(text), r -> r.model() + " " + r.seed(), (c, compute, checkpoint) -> {
                    made.add(c);
                    return fake(c);
                });
        assertEquals(cells().stream().map(ExperimentDriverTest::fake).toList(), runs);
        assertEquals(6, made.size(), "each cell made once");
        assertEquals(6, text.toString().lines().count(), text.toString());
        for (Cell c : cells()) {
            Path file = dir.resolve("runs").resolve(c.id().fileName());
            assertEquals(fake(c), ExperimentDriver.load(file, "{\"epochs\":3}", c.id()), "the saved run reads back whole");
        }
        assertEquals("plstm-T=50-seed2.json", new RunId("plstm", "T=50", 2).fileName());
        assertEquals("a_b-c_d-seed1.json", new RunId("a/b", "c d", 1).fileName());
    }

    @Test
    void aFailingRunKeepsTheFinishedOnesAndResumeMakesOnlyTheRest() throws IOException {
        List<Cell> cells = cells();
        RuntimeException boom = new IllegalStateException("out of memory, say");
        StringWriter text = new StringWriter();
        RuntimeException thrown = assertThrows(IllegalStateException.class, () -> ExperimentDriver.runs(cells, Map.of("epochs", 3),
                new ExperimentDriver.Options(dir, false, 1, 1, false), new PrintWriter(text), r -> "done", (c, compute, checkpoint) -> {
                    if (c.model().equals("plstm") && c.seed() == 2) {
                        throw boom;
                    }
                    return fake(c);
                }));
        assertEquals(boom, thrown);
        assertTrue(text.toString().contains("4 of 6 runs are saved"), text.toString());
        assertEquals(4, Files.list(dir.resolve("runs")).count(), "the three LSTM runs and plstm seed 1");
        // what a kill during atomic writes would have left besides: removed by the next call
        Path leftInRuns = dir.resolve("runs").resolve("." + cells.get(4).id().checkpointName() + ".0123456789abcdef.tmp");
        Path leftInOut = dir.resolve(".results.json.fedcba9876543210.tmp");
        Files.writeString(leftInRuns, "half a checkpoint");
        Files.writeString(leftInOut, "half a report");

        List<Cell> made = new ArrayList<>();
        List<RunResult> runs = ExperimentDriver.runs(cells, Map.of("epochs", 3),
                new ExperimentDriver.Options(dir, true, 1, 1, false),
                new PrintWriter(new StringWriter()), r -> "done", (c, compute, checkpoint) -> {
                    made.add(c);
                    return fake(c);
                });
        assertEquals(List.of(cells.get(4), cells.get(5)), made);
        assertFalse(Files.exists(leftInRuns) || Files.exists(leftInOut), "temporary files of a killed call are removed");
        assertEquals(cells.stream().map(ExperimentDriverTest::fake).toList(), runs);

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> ExperimentDriver.runs(cells, Map.of("epochs", 4),
                new ExperimentDriver.Options(dir, true, 1, 1, false), new PrintWriter(new StringWriter()), r -> "done",
                (c, compute, checkpoint) -> fake(c)));
        assertTrue(other.getMessage().contains("other settings"), other.getMessage());
        Files.writeString(dir.resolve("runs").resolve(cells.get(0).id().fileName()),
                "{\"settings_key\": \"{\\\"epochs\\\":3}\", \"model\": \"lstm\"}");
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class, () -> ExperimentDriver.runs(cells, Map.of("epochs", 3),
                new ExperimentDriver.Options(dir, true, 1, 1, false), new PrintWriter(new StringWriter()), r -> "done",
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
    private static RunResult train(Cell c, Compute compute, RunCheckpoint checkpoint,
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
        return new Training(net, train, test, test, cfg, new Adam(1e-2f), Score.LOSS).run(c.id(), checkpoint);
    }

    @Test
    void aRunStoppedInTheMiddleContinuesFromItsLastEpochAndEndsAsTheUninterruptedRun() throws IOException {
        List<Cell> cells = List.of(new Cell("bnlstm", "async", 1),
                new Cell("plstm", "async", 2));
        Map<String, Object> settings = Map.of("epochs", 4);
        Path whole = dir.resolve("whole");
        List<RunResult> expected = ExperimentDriver.runs(cells, settings,
                new ExperimentDriver.Options(whole, false, 1, 1, false),
                new PrintWriter(new StringWriter()), r -> "done",
                (c, compute, checkpoint) -> train(c, compute, checkpoint, new HashSet<>()));
        for (Cell c : cells) {
            assertFalse(Files.exists(whole.resolve("runs").resolve(c.id().checkpointName())),
                    "removed once the run is saved");
        }

        Path stopped = dir.resolve("stopped");
        Set<Integer> failAt = new HashSet<>(List.of(2));
        assertThrows(IllegalStateException.class, () -> ExperimentDriver.runs(cells, settings,
                new ExperimentDriver.Options(stopped, false, 1, 1, false),
                new PrintWriter(new StringWriter()), r -> "done",
                (c, compute, checkpoint) -> train(c, compute, checkpoint, failAt)));
        Path checkpoint = stopped.resolve("runs").resolve(cells.get(0).id().checkpointName());
        assertTrue(Files.exists(checkpoint), "the first run's two finished epochs are kept");

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> ExperimentDriver.runs(cells, Map.of("epochs", 5),
                new ExperimentDriver.Options(stopped, true, 1, 1, false), new PrintWriter(new StringWriter()), r -> "done",
                (c, compute, ck) -> fake(c)));
        assertTrue(other.getMessage().contains(checkpoint.toString()) && other.getMessage().contains("settings"),
                other.getMessage());

        // on two jobs: the first run continues and stops again before epoch 3, the second before epoch 1, or at the
        // end of an epoch when the other has failed; then both continue on two jobs
        Set<Integer> first = new HashSet<>(List.of(3));
        Set<Integer> second = new HashSet<>(List.of(1));
        StringWriter text = new StringWriter();
        assertThrows(IllegalStateException.class, () -> ExperimentDriver.runs(cells, settings,
                new ExperimentDriver.Options(stopped, true, 2, 2, false),
                new PrintWriter(text), r -> "done", (c, compute, ck) -> train(c, compute, ck,
                        c.model().equals("plstm") ? second : first)));
        assertTrue(text.toString().contains("bnlstm async seed 1 continues after epoch 2"), text.toString());
        for (Cell c : cells) {
            assertFalse(Files.exists(stopped.resolve("runs").resolve(c.id().fileName())), c + " is unfinished");
            assertTrue(Files.exists(stopped.resolve("runs").resolve(c.id().checkpointName())), c + " keeps its epochs");
        }
        List<RunResult> resumed = ExperimentDriver.runs(cells, settings,
                new ExperimentDriver.Options(stopped, true, 2, 2, false),
                new PrintWriter(new StringWriter()), r -> "done",
                (c, compute, ck) -> train(c, compute, ck, new HashSet<>()));
        for (int i = 0; i < cells.size(); i++) {
            RunResult want = expected.get(i);
            RunResult got = resumed.get(i);
            assertEquals(want.curve(), got.curve(), "curve of " + cells.get(i));
            assertEquals(want.score(), got.score(), "score of " + cells.get(i));
            assertEquals(want.updateFraction(), got.updateFraction(), "unit updates of " + cells.get(i));
            assertFalse(Files.exists(stopped.resolve("runs").resolve(cells.get(i).id().checkpointName())));
        }

        // stopped after the last epoch, before the run was saved: resuming only scores it
        Path last = dir.resolve("last");
        List<Cell> one = List.of(cells.get(1));
        assertThrows(IllegalStateException.class, () -> ExperimentDriver.runs(one, settings,
                new ExperimentDriver.Options(last, false, 1, 1, false),
                new PrintWriter(new StringWriter()), r -> "done", (c, compute, ck) -> {
                    train(c, compute, ck, new HashSet<>());
                    throw new IllegalStateException("stopped before the run was saved");
                }));
        RunCheckpoint saved = RunCheckpoint.resume(last.resolve("runs").resolve(one.get(0).id().checkpointName()),
                "{\"epochs\":4}", one.get(0).id());
        assertEquals(4, saved.epochsDone());
        assertEquals(ExperimentDriver.madeBy(), saved.madeBy(), "the checkpoint records what made it");
        StringWriter lastText = new StringWriter();
        RunResult scored = ExperimentDriver.runs(one, settings,
                new ExperimentDriver.Options(last, true, 1, 1, false), new PrintWriter(lastText),
                r -> "done", (c, compute, ck) -> train(c, compute, ck, new HashSet<>())).get(0);
        assertTrue(lastText.toString().contains("continues after epoch 4"), lastText.toString());
        assertFalse(lastText.toString().contains("note:"), "made by this very version: " + lastText);
        assertEquals(expected.get(1).curve(), scored.curve());
        assertEquals(expected.get(1).score(), scored.score());

        // one job fails at once: the other stops at the end of an epoch instead of finishing its run
        Path failing = dir.resolve("failing");
        RuntimeException boom = new IllegalStateException("boom");
        assertEquals(boom, assertThrows(IllegalStateException.class, () -> ExperimentDriver.runs(cells, settings,
                new ExperimentDriver.Options(failing, false, 2, 2, false), new PrintWriter(new StringWriter()), r -> "done", (c, compute, ck) -> {
                    if (c.model().equals("bnlstm")) {
                        throw boom;
                    }
                    return train(c, compute, ck, new HashSet<>());
                })));
        assertFalse(Files.exists(failing.resolve("runs").resolve(cells.get(1).id().fileName())), "stopped, not finished");

        Path broken = dir.resolve("broken");
        Path damaged = broken.resolve("runs").resolve(cells.get(0).id().checkpointName());
        Files.createDirectories(damaged.getParent());
        Files.writeString(damaged, "not a checkpoint");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ExperimentDriver.runs(cells, settings,
                new ExperimentDriver.Options(broken, true, 1, 1, false), new PrintWriter(new StringWriter()), r -> "done", (c, compute, ck) -> fake(c)));
        assertTrue(refused.getMessage().contains(damaged + " is not a run's checkpoint"), refused.getMessage());
    }

    @Test
    void anExperimentRunsFromJavaAndRefusesBadSettingsNamingThem() throws IOException {
        AddingExperiment.Settings settings = new AddingExperiment.Settings(List.of("lstm", "plstm"), 1, 6, 3, 2, 32,
                16, 1e-2f);
        StringWriter text = new StringWriter();
        Path out = dir.resolve("adding");
        List<RunResult> runs = ExperimentDriver.run(new AddingExperiment(settings),
                new ExperimentDriver.Options(out, false, 2, 2, false), new PrintWriter(text));
        assertEquals(List.of(new RunId("lstm", "T=6", 1), new RunId("plstm", "T=6", 1)),
                runs.stream().map(RunResult::id).toList());
        for (RunResult r : runs) {
            assertEquals(2, r.curve().size());
            assertEquals(r.curve().get(1), r.score(), "the test set is the curve's set: its last point is the score");
            assertEquals(r, ExperimentDriver.load(out.resolve("runs").resolve(r.id().fileName()),
                    org.rnn4j.io.Json.write(new AddingExperiment(settings).settings()), r.id()));
        }
        assertTrue(text.toString().startsWith("adding problem, T = 6: [lstm, plstm]; 3 units, 2 epochs of 32"
                + " sequences, 16 test sequences, 1 seeds, Adam 0.01, 2 threads, 2 jobs"), text.toString());
        assertTrue(Files.readString(out.resolve("results.md")).contains("| plstm | "));
        assertTrue(Files.size(out.resolve("learning-curves.png")) > 1000);

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new AddingExperiment.Settings(List.of("gru"), 1, 6, 3, 2, 32, 16, 1e-2f));
        assertEquals("unknown model 'gru'; choose from [lstm, plstm]", unknown.getMessage());
        IllegalArgumentException shortSteps = assertThrows(IllegalArgumentException.class,
                () -> new AddingExperiment.Settings(List.of("lstm"), 1, 1, 3, 2, 32, 16, 1e-2f));
        assertEquals("steps must be at least 2, got 1", shortSteps.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ExperimentDriver.Options(out, false, 0, 1, false));
        Files.writeString(dir.resolve("file"), "");
        assertThrows(IllegalArgumentException.class, () -> ExperimentDriver.run(new AddingExperiment(settings),
                new ExperimentDriver.Options(dir.resolve("file"), false, 1, 1, false), new PrintWriter(text)));
    }
}
