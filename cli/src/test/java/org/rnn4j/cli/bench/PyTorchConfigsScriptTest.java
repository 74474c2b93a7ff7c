package org.rnn4j.cli.bench;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.cli.MainTest;
import org.rnn4j.io.Json;
import org.rnn4j.kernel.Compute;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * bench/pytorch/bench_configs.py, PyTorch's side of {@code rnn4j bench --compare}: its output is read by the
 * comparison, and it times the same networks as rnn4j. A checked-in file that the script wrote (through
 * run_configs.sh, with OpenBLAS, 3 timed calls) is read without Python; the tests that run the script need
 * Debian's python3-torch for /usr/bin/python3 (.ci/run installs it) and are skipped, saying so, without it.
 */
class PyTorchConfigsScriptTest {

    static final Path SCRIPT = Path.of("../bench/pytorch/bench_configs.py");
    static final Path SAMPLE = Path.of("src/test/resources/bench/pytorch-configs-sample.json");
    static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    /** Null when /usr/bin/python3 imports torch, else why it does not. */
    static String noTorch;

    @BeforeAll
    static void findTorch() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            noTorch = PYTHON + " does not exist";
            return;
        }
        Run r = run(Path.of("."), PYTHON, "-c", "import torch");
        noTorch = r.code() == 0 ? null : PYTHON + " cannot import torch (" + r.err().strip() + ")";
    }

    private static void assumeTorch() {
        assumeTrue(noTorch == null, () -> "skipped: " + noTorch + "; install Debian's python3-torch, as .ci/run does");
    }

    @Test
    void fileWrittenByTheScriptGivesCompareEveryConfigAndItsEnvironment() throws IOException {
        PyTorchAnchors pt = PyTorchAnchors.read(SAMPLE);
        assertEquals(List.of("A", "B", "C", "D", "E"), List.copyOf(pt.results().keySet()));
        assertEquals("torch 1.13.0a0, 2 threads, OpenBLAS Haswell", pt.about());
        assertEquals(2, pt.threads());
        for (Map<?, ?> e : entries(SAMPLE)) {
            PyTorchAnchors.Result r = pt.results().get((String) e.get("config"));
            assertEquals(medianMs(e, "infer"), r.inferMs(), 0, r.config() + " infer");
            assertEquals(medianMs(e, "train"), r.trainMs(), 0, r.config() + " train");
            assertEquals(3, r.iters(), r.config());
        }
    }

    @Test
    void fileWrittenByTheScriptDescribesRnn4jsNetworks() throws IOException {
        checkSameNetworks(entries(SAMPLE), SAMPLE.toString());
    }

    @Test
    void scriptTimesTheSameNetworksAsRnn4j() throws IOException, InterruptedException {
        assumeTorch();
        // the script's table of configs, without timing anything: sizes, FLOPs and parameter count of each model
        String describe = String.join("\n",
                "import json, sys",
                "sys.path.insert(0, sys.argv[1])",
                "import bench_configs as b",
                "print(json.dumps({'rnn': [dict(config=c.name, desc=c.desc, I=c.I, H=c.H, P=c.P, L=c.L, B=c.B, T=c.T,",
                "    fwd_gflop=b.forward_flops(c) / 1e9, n_params=sum(p.numel() for p in b.LastStep(c).parameters()))",
                "    for c in b.CONFIGS.values()]}))");
        Run r = run(dir, PYTHON, "-c", describe, SCRIPT.toAbsolutePath().getParent().toString());
        assertEquals(0, r.code(), r.err());
        List<Map<?, ?>> entries = rnnEntries(Json.parse(r.out()));
        assertEquals(List.copyOf(BenchConfig.ANCHORS.keySet()), entries.stream().map(e -> e.get("config")).toList());
        checkSameNetworks(entries, "bench_configs.py's CONFIGS");
    }

    @Test
    void scriptWritesAFileThatRnn4jBenchComparesWith() throws IOException, InterruptedException {
        assumeTorch();
        // config E, the quickest; /usr/bin/python3 directly, so with whatever BLAS the system has
        Path out = dir.resolve("pt.json");
        Run r = run(dir, PYTHON, SCRIPT.toAbsolutePath().toString(), "--configs", "e", "--iters", "1", "--warmup",
                "0", "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("E: infer ") && r.out().contains("wrote " + out), r.out());

        Map<?, ?> root = (Map<?, ?>) Json.parse(Files.readString(out));
        Map<?, ?> env = (Map<?, ?>) root.get("env");
        for (String key : List.of("torch", "torch_threads", "blas_info", "blas_libraries", "openblas", "date")) {
            assertTrue(env.containsKey(key), "env." + key + " in " + env);
        }
        assertEquals(1L, env.get("torch_threads"));
        PyTorchAnchors pt = PyTorchAnchors.read(out);
        assertEquals(List.of("E"), List.copyOf(pt.results().keySet()));
        assertEquals(1, pt.results().get("E").iters());
        assertTrue(pt.about().startsWith("torch " + env.get("torch") + ", 1 thread"), pt.about());

        MainTest.Result bench = MainTest.rnn4j("bench", "--configs", "E", "--iters", "1", "--warmup", "0",
                "--threads", "1", "--compare", out.toString());
        assertEquals(0, bench.code(), bench.all());
        assertTrue(bench.out().contains("compared with PyTorch from " + out + " (" + pt.about()
                + "; median of 1 timed calls)"), bench.out());
        assertTrue(bench.out().lines().anyMatch(l -> l.startsWith("E ") && l.contains(
                String.format(java.util.Locale.ROOT, "%.2f", pt.results().get("E").inferMs()))), bench.out());
        assertFalse(bench.out().contains("note: PyTorch ran on"), "the same thread count: " + bench.out());
    }

    @Test
    void scriptRejectsAnUnknownConfigBeforeMeasuring() throws IOException, InterruptedException {
        assumeTorch();
        Path out = dir.resolve("pt.json");
        Run r = run(dir, PYTHON, SCRIPT.toAbsolutePath().toString(), "--configs", "A,F", "--out", out.toString());
        assertEquals(1, r.code(), r.all());
        assertEquals("bench_configs.py: unknown config 'F' in --configs; the configs are A, B, C, D, E",
                r.err().strip());
        assertEquals("", r.out(), "nothing measured");
        assertFalse(Files.exists(out), "no file written");
    }

    /** Each entry's description, sizes, FLOPs and parameter count equal those of rnn4j's config of that name. */
    private static void checkSameNetworks(List<Map<?, ?>> entries, String where) {
        List<String> mismatches = new ArrayList<>();
        for (Map<?, ?> e : entries) {
            BenchConfig c = BenchConfig.ANCHORS.get((String) e.get("config"));
            if (c == null) {
                mismatches.add("unknown config " + e.get("config"));
                continue;
            }
            int params = BenchCommand.model(c, Compute.serial()).parameters().size();
            Map<String, Object> expected = Map.of("desc", c.description(), "I", (long) c.inputSize(),
                    "H", (long) c.hiddenSize(), "P", (long) c.projSize(), "L", (long) c.layers(), "B", (long) c.batch(),
                    "T", (long) c.steps(), "n_params", (long) params);
            expected.forEach((key, value) -> {
                if (!value.equals(e.get(key))) {
                    mismatches.add(c.name() + " " + key + ": " + e.get(key) + ", rnn4j " + value);
                }
            });
            double gflop = ((Number) e.get("fwd_gflop")).doubleValue();
            if (Math.abs(gflop - c.forwardFlops() / 1e9) > 1e-9) {
                mismatches.add(c.name() + " fwd_gflop: " + gflop + ", rnn4j " + c.forwardFlops() / 1e9);
            }
        }
        assertTrue(mismatches.isEmpty(), where + " differs from rnn4j's configs:\n" + String.join("\n", mismatches));
    }

    private static List<Map<?, ?>> entries(Path file) throws IOException {
        return rnnEntries(Json.parse(Files.readString(file)));
    }

    private static List<Map<?, ?>> rnnEntries(Object root) {
        return ((List<?>) ((Map<?, ?>) root).get("rnn")).stream().<Map<?, ?>>map(e -> (Map<?, ?>) e).toList();
    }

    private static double medianMs(Map<?, ?> entry, String part) {
        return ((Number) ((Map<?, ?>) entry.get(part)).get("median_ms")).doubleValue();
    }

    record Run(int code, String out, String err) {
        String all() {
            return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    /** Runs a command in dir, giving it a minute. */
    private static Run run(Path dir, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("pytorch-configs", ".out");
        Path err = Files.createTempFile("pytorch-configs", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " took more than 60 s");
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
