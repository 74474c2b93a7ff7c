package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.MainTest.rnn4j;

/**
 * {@code rnn4j experiment seq2seq}: the printed table holds the mean of the runs in results.json; two jobs, and a call
 * resumed after runs were lost, give the table of one uninterrupted call; bad options are refused in one line.
 */
class Seq2SeqCommandTest {

    @TempDir
    Path dir;

    private static final List<String> COMMON = List.of("experiment", "seq2seq", "--tasks", "reverse,add",
            "--max-length", "3", "--hidden", "12", "--embedding", "4", "--epochs", "2", "--train-size", "96",
            "--val-size", "20", "--test-size", "40", "--batch", "16", "--threads", "2");

    private static String[] with(String... more) {
        List<String> all = new ArrayList<>(COMMON);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void theTableHoldsTheRunsMeansAndParallelOrResumedCallsGiveTheSameTable() throws IOException {
        Path one = dir.resolve("one");
        MainTest.Result a = rnn4j(with("--jobs", "1", "--out", one.toString()));
        assertEquals(0, a.code(), a.all());
        Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(one.resolve("results.json")));
        List<?> runs = (List<?>) json.get("runs");
        assertEquals(8, runs.size(), "2 tasks × 2 source orders × 2 seeds");
        for (String task : List.of("reverse", "add")) {
            for (String input : List.of("reversed", "in-order")) {
                double[] seq = runs.stream().map(r -> (Map<?, ?>) r)
                        .filter(r -> r.get("condition").equals(task) && r.get("model").equals(input))
                        .mapToDouble(r -> ((Number) r.get("test_sequence_accuracy")).doubleValue()).toArray();
                assertEquals(2, seq.length);
                String mean = String.format(Locale.ROOT, "| %s | %s | %.2f ± ", task, input,
                        100 * (seq[0] + seq[1]) / 2);
                assertTrue(a.out().contains(mean), mean + " in:\n" + a.out());
            }
        }
        assertTrue(Files.exists(one.resolve("learning-curves-add.png")));

        Path two = dir.resolve("two");
        MainTest.Result b = rnn4j(with("--jobs", "2", "--out", two.toString()));
        assertEquals(0, b.code(), b.all());
        assertEquals(Files.readString(one.resolve("results.md")), Files.readString(two.resolve("results.md")));
        Files.delete(two.resolve("runs").resolve("in-order-add-seed2.json"));
        MainTest.Result c = rnn4j(with("--jobs", "2", "--resume", "--out", two.toString()));
        assertEquals(0, c.code(), c.all());
        assertEquals(7, c.out().split("resumed from", -1).length - 1, c.out());
        assertEquals(Files.readString(one.resolve("results.md")), Files.readString(two.resolve("results.md")));
    }

    @Test
    void badOptionsAreRefusedInOneLine() {
        Path out = dir.resolve("never");
        for (String[] bad : List.of(new String[] {"--tasks", "copy"}, new String[] {"--max-length", "0"},
                new String[] {"--min-length", "4", "--max-length", "3"}, new String[] {"--cell", "rnn"},
                new String[] {"--inputs", "backwards"})) {
            List<String> args = new ArrayList<>(List.of("experiment", "seq2seq", "--out", out.toString()));
            args.addAll(List.of(bad));
            MainTest.Result r = rnn4j(args.toArray(String[]::new));
            assertEquals(1, r.code(), String.join(" ", bad) + ": " + r.all());
            assertTrue(r.err().contains(bad[bad.length - 2]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertEquals("", r.out());
        }
        assertFalse(Files.exists(out));
    }
}
