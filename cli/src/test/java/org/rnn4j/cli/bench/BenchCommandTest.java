package org.rnn4j.cli.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.cli.MainTest;
import org.rnn4j.io.Json;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rnn4j bench}, run in-process on tiny iteration counts (the numbers are not looked at, only their form). */
class BenchCommandTest {

    @TempDir
    Path dir;

    static final Path SMALL_ANCHORS = Path.of("src/test/resources/bench/pytorch-anchors-small.json");

    @Test
    void flopModelGivesResultsMdsGflopPerForwardForConfigsAToE() {
        // RESULTS.md: A 2.097, B 1.573, C 2.936, D 5.453, E 0.524 GFLOP per forward
        Map<String, String> expected = Map.of("A", "2.097", "B", "1.573", "C", "2.936", "D", "5.453", "E", "0.524");
        assertEquals(List.of("A", "B", "C", "D", "E"), List.copyOf(BenchConfig.ANCHORS.keySet()));
        for (BenchConfig c : BenchConfig.ANCHORS.values()) {
            String gflop = String.format(Locale.ROOT, "%.3f", c.forwardFlops() / 1e9);
            assertEquals(expected.get(c.name()), gflop, c.name() + " " + c.description());
            assertEquals(3 * c.forwardFlops(), c.trainFlops(), c.name());
        }
        // bench_rnn.py's exact values: C counts the projection (not 2*B*T*(I+H)*4H = 7.55 GFLOP), D's second
        // layer reads H = 128
        assertEquals(2_097_152_000L, BenchConfig.ANCHORS.get("A").forwardFlops());
        assertEquals(2_936_012_800L, BenchConfig.ANCHORS.get("C").forwardFlops());
        assertEquals(5_452_595_200L, BenchConfig.ANCHORS.get("D").forwardFlops());
    }

    @Test
    void configEWritesTheTableEveryJsonFieldAndTheComparisonWithPyTorch() throws IOException {
        Path json = dir.resolve("out.json");
        MainTest.Result r = rnn4j("bench", "--configs", "E", "--iters", "2", "--warmup", "1", "--warmup-time", "0",
                "--json", json.toString(), "--compare", SMALL_ANCHORS.toString());
        assertEquals(0, r.code(), r.all());
        String out = r.out();
        for (String column : List.of("cfg", "description", "GFLOP fwd", "infer ms", "infer GFLOP/s", "infer k(T*B)/s",
                "train ms", "train GFLOP/s", "train k(T*B)/s")) {
            assertTrue(out.contains(column), "column '" + column + "' in:\n" + out);
        }
        assertTrue(out.lines().anyMatch(l -> l.startsWith("E ") && l.contains("RNN-tanh I64 H256 B32 T100")
                && l.contains(" 0.524 ")), out);
        assertTrue(out.contains("median of 2 timed calls after at least 1 warm-up calls and 0 s"), out);
        assertTrue(out.contains("infer min") && out.contains("train min"), out);

        Map<?, ?> root = (Map<?, ?>) Json.parse(Files.readString(json));
        Map<?, ?> env = (Map<?, ?>) root.get("env");
        for (String key : List.of("rnn4j", "jdk", "os", "arch", "cores", "kernels", "threads", "date")) {
            assertNotNull(env.get(key), "env." + key + " in " + env);
        }
        assertEquals((long) Runtime.getRuntime().availableProcessors(), env.get("threads"));
        if (Files.isReadable(Path.of("/proc/stat"))) {   // Linux: the machine's load during the run, and the CPU
            Map<?, ?> load = (Map<?, ?>) root.get("machine_load");
            assertNotNull(load, "machine_load in " + root.keySet());
            for (String key : List.of("steal_fraction", "others_fraction")) {
                double f = (Double) load.get(key);
                assertTrue(f >= 0 && f <= 1, key + " " + f);
            }
            assertTrue((Double) load.get("seconds") > 0, load.toString());
            assertTrue(out.lines().anyMatch(l -> l.startsWith("machine during the run (")), out);
            Machine.cpu().ifPresent(cpu -> assertEquals(cpu, env.get("cpu"), "env.cpu"));
        }
        assertEquals(Kernels.select().name(), env.get("kernels"));
        assertEquals(Map.of("iters", 2L, "warmup", 1L, "warmup_time_s", 0.0, "seed", 0L), root.get("settings"));
        List<?> rnn = (List<?>) root.get("rnn");
        assertEquals(1, rnn.size());
        Map<?, ?> e = (Map<?, ?>) rnn.get(0);
        assertEquals("E", e.get("config"));
        assertEquals("RNN-tanh I64 H256 B32 T100", e.get("desc"));
        assertEquals(0.524288, (Double) e.get("fwd_gflop"), 1e-12);
        assertEquals(82689L, e.get("n_params"), "the same parameter count as PyTorch's nn.RNN + nn.Linear");
        for (String part : List.of("infer", "train")) {
            Map<?, ?> t = (Map<?, ?>) e.get(part);
            double median = (Double) t.get("median_ms");
            assertTrue((Double) t.get("min_ms") > 0 && (Double) t.get("min_ms") <= median
                    && median <= (Double) t.get("max_ms"), part + ": " + t);
            assertEquals(2L, t.get("iters"), part);
            assertEquals(1L, t.get("warmup"), part);
            double flop = (part.equals("infer") ? 1 : 3) * 0.524288e9;
            assertEquals(flop / median / 1e6, (Double) t.get("gflops"), 1e-9 * flop / median, part + " GFLOP/s");
            assertEquals(3200 / median * 1e3, (Double) t.get("samples_per_s"), 1e-6 * 3200 / median * 1e3, part);
        }

        assertTrue(out.contains("compared with PyTorch from " + SMALL_ANCHORS + " (torch 1.13.0a0, 2 threads,"
                + " OpenBLAS Cooperlake; median of 20 timed calls)"), out);
        Map<?, ?> compare = (Map<?, ?>) root.get("compare");
        List<?> rows = (List<?>) compare.get("rows");
        assertEquals(1, rows.size(), "only the configs that ran: " + rows);
        Map<?, ?> row = (Map<?, ?>) rows.get(0);
        assertEquals("E", row.get("config"));
        for (String part : List.of("infer", "train")) {
            Map<?, ?> c = (Map<?, ?>) row.get(part);
            double pt = part.equals("infer") ? 8.0 : 25.0;
            double ours = (Double) ((Map<?, ?>) e.get(part)).get("median_ms");
            assertEquals(pt, (Double) c.get("pytorch_ms"), 0, part);
            assertEquals(ours, (Double) c.get("rnn4j_ms"), 0, part);
            assertEquals(pt / ours, (Double) c.get("ratio"), 1e-12, part + ": PyTorch ms / rnn4j ms");
        }
        Map<?, ?> inferRatio = (Map<?, ?>) row.get("infer");
        Map<?, ?> trainRatio = (Map<?, ?>) row.get("train");
        String expectedRow = String.format(Locale.ROOT, "%-4s %17s %15s %12s %17s %15s %12s", "E", "8.00",
                String.format(Locale.ROOT, "%.2f", (Double) inferRatio.get("rnn4j_ms")),
                String.format(Locale.ROOT, "%.2f", (Double) inferRatio.get("ratio")), "25.00",
                String.format(Locale.ROOT, "%.2f", (Double) trainRatio.get("rnn4j_ms")),
                String.format(Locale.ROOT, "%.2f", (Double) trainRatio.get("ratio")));
        assertTrue(out.contains(expectedRow), "expected\n" + expectedRow + "\nin\n" + out);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(json), files.toList(), "no temporary file left");
        }
    }

    @Test
    void theTimedTrainingStepUpdatesEveryParameterAndLowersTheLoss() {
        BenchConfig tiny = new BenchConfig("tiny", BenchConfig.Cell.LSTM, 3, 8, 4, 2, 5, 6, "LSTMP I3 H8 P4 2 layers");
        BenchCommand.Workload work = new BenchCommand.Workload(tiny, Compute.serial());
        float[] before = work.model.parameters().values().clone();
        double first = work.trainStep();
        float[] after = work.model.parameters().values();
        for (int i = 0; i < before.length; i++) {
            assertTrue(before[i] != after[i], "parameter " + i + " was not updated: " + before[i]);
        }
        double last = first;
        for (int step = 0; step < 50; step++) {
            last = work.trainStep();
        }
        assertTrue(last < first, "loss " + first + " -> " + last);
        assertEquals(51, work.adam.steps(), "one Adam step per call");
    }

    @Test
    void onnxRuntimePrintsTheSideBySideTableWithAFiniteRatioForEveryRound() throws IOException {
        Path json = dir.resolve("ort.json");
        MainTest.Result r = rnn4j("bench", "--onnxruntime", "--configs", "E", "--iters", "1", "--warmup", "0",
                "--threads", "1", "--json", json.toString());
        assertEquals(0, r.code(), r.all());
        String out = r.out();
        assertTrue(out.matches("(?s)rnn4j .* bench: .*\\nONNX Runtime 1\\.20\\.\\d+ \\(CPU, 1 intra-op thread, 1 inter-op,.*"
                + " against rnn4j \\(1 thread\\), alternated in 2 rounds.*"), out);
        assertFalse(out.contains("train ms"), "no rnn4j-only table without --compare or --all: " + out);
        assertTrue(out.contains("ratio = ONNX Runtime ms / rnn4j ms"), out);
        // E's row and the streaming row: each round's two medians and their ratio, the ratio finite and positive
        String number = "(\\d+\\.\\d+)";
        String rounds = number + " / " + number;
        java.util.regex.Matcher e = java.util.regex.Pattern.compile("(?m)^E +RNN-tanh I64 H256 B32 T100 +" + rounds
                + " +" + rounds + " +" + rounds + "$").matcher(out);
        assertTrue(e.find(), "E's row in:\n" + out);
        java.util.regex.Matcher s = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(
                OnnxRuntimeComparison.STREAM_DESC) + " +" + rounds + " +" + rounds + " +" + rounds + "$").matcher(out);
        assertTrue(s.find(), "the streaming row in:\n" + out);
        for (java.util.regex.Matcher m : List.of(e, s)) {
            for (int round = 0; round < 2; round++) {
                double ort = Double.parseDouble(m.group(1 + round));
                double ours = Double.parseDouble(m.group(3 + round));
                double ratio = Double.parseDouble(m.group(5 + round));
                assertTrue(ort > 0 && ours > 0 && Double.isFinite(ratio) && ratio > 0, m.group());
                // printed to 2 decimals from the unrounded medians
                assertEquals(ort / ours, ratio, 0.006 + 0.01 * ratio, m.group());
            }
        }
        Map<?, ?> ort = (Map<?, ?>) ((Map<?, ?>) Json.parse(Files.readString(json))).get("onnxruntime");
        assertEquals(1L, ort.get("intra_op_threads"));
        List<?> rows = (List<?>) ort.get("rnn");
        assertEquals(1, rows.size());
        List<?> eRounds = (List<?>) ((Map<?, ?>) rows.get(0)).get("rounds");
        assertEquals(2, eRounds.size());
        for (Object o : eRounds) {
            Map<?, ?> round = (Map<?, ?>) o;
            double ortMs = (Double) ((Map<?, ?>) round.get("onnxruntime")).get("median_ms");
            double oursMs = (Double) ((Map<?, ?>) round.get("rnn4j")).get("median_ms");
            assertEquals(ortMs / oursMs, (Double) round.get("ratio"), 1e-12, round.toString());
        }
        assertEquals(2, ((List<?>) ((Map<?, ?>) ort.get("streaming")).get("rounds")).size());
    }

    @Test
    void streamingAloneMeasuresOnlyTheStepLatency() {
        MainTest.Result r = rnn4j("bench", "--streaming", "--threads", "1");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("streaming, batch 1: LSTM I64 H256"), r.out());
        assertTrue(r.out().matches("(?s).*median \\d+\\.\\d us/step \\(min .*over 1000 timed steps after 2 s and 1000 warm-up.*"),
                r.out());
        assertFalse(r.out().contains("infer ms"), "no config ran: " + r.out());
    }

    @Test
    void eventDrivenComparesWithTheDenseEvaluationAndCountsUpdates() {
        StringWriter text = new StringWriter();
        Map<String, Object> json = BenchCommand.eventDriven(new PrintWriter(text, true), Kernels.select());
        String out = text.toString();
        assertTrue(out.matches("(?s).*event-driven \\d+\\.\\d\\d us/step, dense \\d+\\.\\d\\d us/step .*x faster, at .*% of"
                + " the dense unit updates.*"), out);
        double fraction = ((Number) json.get("unit_update_fraction")).doubleValue();
        // r_on = 0.05 opens each unit for 5% of its period: about 5% of the updates, never 0 or most
        assertTrue(fraction > 0.03 && fraction < 0.08, "fraction " + fraction);
        assertTrue(((Number) json.get("event_driven_us")).doubleValue() > 0, json.toString());
        assertEquals(((Number) json.get("dense_us")).doubleValue() / ((Number) json.get("event_driven_us")).doubleValue(),
                ((Number) json.get("speedup")).doubleValue(), 1e-9);
    }

    @Test
    void scalingMeasuresEverySizeAndPrintsTheTSweepAndTheBSweep() {
        BenchCommand cmd = new BenchCommand();
        cmd.iters = 2;
        cmd.warmup = 1;
        StringWriter text = new StringWriter();
        // small stand-ins for the real sizes, which take minutes
        Map<String, Object> json = cmd.scaling(new PrintWriter(text, true), Compute.serial(),
                List.of(new int[]{10, 1}, new int[]{10, 32}, new int[]{20, 32}));
        String out = text.toString();
        assertTrue(out.contains("Iterations adapt to the size"), out);
        assertTrue(out.contains("with T at B = 32:") && out.contains("with B at T = 100:"), out);
        assertTrue(out.contains("infer us/(T*B)") && out.contains("train us/(T*B)"), out);
        List<?> points = (List<?>) json.get("points");
        assertEquals(3, points.size());
        Map<?, ?> last = (Map<?, ?>) points.get(2);
        assertEquals(20, last.get("T"));
        assertEquals(32, last.get("B"));
        assertTrue(((Map<?, ?>) last.get("train")).get("median_ms") instanceof Double d && d > 0, last.toString());
        assertTrue(out.lines().anyMatch(l -> l.matches(" +20 +32 +640 +2 .*")), out);
    }

    @Test
    void scalingIterationsShrinkWithTheWorkPerCall() {
        // --iters 20 --warmup 5 at config A's T*B = 3200; fewer for larger T*B, never more than asked for
        assertEquals(20, BenchCommand.scaledCount(20, 3200, 3));
        assertEquals(20, BenchCommand.scaledCount(20, 100, 3));
        assertEquals(3, BenchCommand.scaledCount(20, 25600, 3));
        assertEquals(3, BenchCommand.scaledCount(20, 32000, 3));
        assertEquals(3, BenchCommand.scaledCount(20, 320000, 3));
        assertEquals(40, BenchCommand.scaledCount(400, 32000, 3));
        assertEquals(5, BenchCommand.scaledCount(5, 3200, 1));
        assertEquals(1, BenchCommand.scaledCount(5, 32000, 1));
        assertEquals(2, BenchCommand.scaledCount(2, 320000, 3), "not more than --iters");
        assertEquals(0, BenchCommand.scaledCount(0, 320000, 1), "--warmup 0 stays 0");
    }

    @Test
    void badArgumentsFailWithOneSentenceBeforeAnythingIsMeasured() throws IOException {
        expectError(rnn4j("bench", "--configs", "A,F"), "unknown config 'F' in --configs; the configs are A, B, C, D, E");
        expectError(rnn4j("bench", "--configs", ""), "an empty config name");
        expectError(rnn4j("bench", "--configs", "E", "--iters", "0"), "--iters must be at least 1, got 0");
        expectError(rnn4j("bench", "--configs", "E", "--warmup", "-1"), "--warmup must be at least 0");
        expectError(rnn4j("bench", "--configs", "E", "--warmup-time", "-1"), "--warmup-time must be between 0 and 3600");
        expectError(rnn4j("bench", "--configs", "E", "--threads", "0"), "--threads must be at least 1");
        expectError(rnn4j("bench", "--onnxruntime", "--rounds", "0"), "--rounds must be at least 1, got 0");
        expectError(rnn4j("bench", "--onnxruntime", "--configs", "A,G"), "unknown config 'G' in --configs");
        expectError(rnn4j("bench", "--configs", "E", "--json", dir.resolve("no/such/dir/out.json").toString()),
                "does not exist");

        expectError(rnn4j("bench", "--compare", dir.resolve("missing.json").toString()), "missing.json: no such file");
        Path notJson = dir.resolve("results.txt");
        Files.writeString(notJson, "E: infer 8.3 ms  train 25.1 ms\n");
        expectError(rnn4j("bench", "--compare", notJson.toString()), "results.txt is not a PyTorch anchor file: it is not valid JSON");
        Path noRnn = dir.resolve("norrn.json");
        Files.writeString(noRnn, "{\"env\": {}, \"sgemm\": []}");
        expectError(rnn4j("bench", "--compare", noRnn.toString()), "norrn.json is not a PyTorch anchor file: it has no \"rnn\" list");
        Path noMedian = dir.resolve("nomedian.json");
        Files.writeString(noMedian, "{\"rnn\": [{\"config\": \"E\", \"infer\": {\"min_ms\": 7.0}, \"train\": {\"median_ms\": 25.0}}]}");
        expectError(rnn4j("bench", "--compare", noMedian.toString()), "config E has no positive number at infer.median_ms");
        Path onlyPhased = dir.resolve("phased.json");
        Files.writeString(onlyPhased, "{\"rnn\": [{\"config\": \"A-phased\", \"infer\": {\"median_ms\": 45.0}}]}");
        expectError(rnn4j("bench", "--compare", onlyPhased.toString()), "holds no results for configs A, B, C, D, E");

        for (String[] usage : List.of(new String[]{"bench", "--kernels", "banana"}, new String[]{"bench", "--bogus"},
                new String[]{"bench", "--iters", "many"})) {
            MainTest.Result r = rnn4j(usage);
            assertEquals(2, r.code(), String.join(" ", usage) + ": " + r.all());
            assertTrue(r.err().contains("rnn4j bench --help"), r.err());
        }
        MainTest.Result help = rnn4j("bench", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Usage: rnn4j bench") && help.out().contains("--compare=FILE.json"), help.out());
    }

    private static MainTest.Result rnn4j(String... args) {
        return MainTest.rnn4j(args);
    }

    /** Exit code 1, one line on stderr holding fragment, and nothing measured (nothing on stdout). */
    private static void expectError(MainTest.Result r, String fragment) {
        assertEquals(1, r.code(), "exit code; output: " + r.all());
        assertTrue(r.err().contains(fragment), "expected '" + fragment + "' in: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertEquals("", r.out(), "nothing measured");
    }

    /** Warm-up lasts --warmup-time as well as --warmup calls: the JSON records the warm-up calls made. */
    @Test
    void warmupLastsAtLeastTheWarmupTime() throws IOException {
        Path json = dir.resolve("warm.json");
        MainTest.Result r = rnn4j("bench", "--configs", "E", "--iters", "1", "--warmup", "1", "--warmup-time", "1.5",
                "--threads", "1", "--json", json.toString());
        assertEquals(0, r.code(), r.all());
        Map<?, ?> e = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(Files.readString(json))).get("rnn")).get(0);
        for (String part : List.of("infer", "train")) {
            long made = (Long) ((Map<?, ?>) e.get(part)).get("warmup");
            double medianMs = (Double) ((Map<?, ?>) e.get(part)).get("median_ms");
            // 1.5 s of calls (the first, cold, takes a few hundred ms): more than the one asked for
            assertTrue(made > 1, part + ": " + made + " warm-up calls, median " + medianMs + " ms");
        }
    }

}
