package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
                new PrintWriter(text), r -> r.model() + " " + r.seed(), (c, compute) -> {
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
                Map.of("epochs", 3), false, 1, 1, new PrintWriter(text), r -> "done", (c, compute) -> {
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
                new PrintWriter(new StringWriter()), r -> "done", (c, compute) -> {
                    made.add(c);
                    return fake(c);
                });
        assertEquals(List.of(cells.get(4), cells.get(5)), made);
        assertEquals(cells.stream().map(RunGridTest::fake).toList(), runs);

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> RunGrid.run(cells, dir,
                Map.of("epochs", 4), true, 1, 1, new PrintWriter(new StringWriter()), r -> "done",
                (c, compute) -> fake(c)));
        assertTrue(other.getMessage().contains("other settings"), other.getMessage());
        Files.writeString(dir.resolve("runs").resolve(cells.get(0).fileName()),
                "{\"settings_key\": \"{\\\"epochs\\\":3}\", \"model\": \"lstm\"}");
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class, () -> RunGrid.run(cells, dir,
                Map.of("epochs", 3), true, 1, 1, new PrintWriter(new StringWriter()), r -> "done",
                (c, compute) -> fake(c)));
        assertTrue(broken.getMessage().contains("is not a saved run"), broken.getMessage());
    }
}
