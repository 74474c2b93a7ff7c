package org.rnn4j.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code ./rnn4j} launcher itself, on the packaged jar (RNN4J_JAR, so it does not build): results go to stdout
 * and nothing else does; errors and usage go to stderr; the JVM's incubator warning is dropped.
 */
class LauncherIT {

    record Run(int exit, String out, String err) {
    }

    static Path packagedJar() {
        Path jar = Path.of(System.getProperty("rnn4j.jar", "target/rnn4j.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the packaged jar is missing: " + jar);
        return jar;
    }

    static Run launch(String... args) throws IOException, InterruptedException {
        return launchJar(packagedJar(), args);
    }

    static Run launchJar(Path jar, String... args) throws IOException, InterruptedException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> cmd = new ArrayList<>(List.of(root.resolve("rnn4j").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("RNN4J_JAR", jar.toString());
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
        // the stderr filter may still be writing for a moment after the JVM ended
        for (int i = 0; i < 50 && p.descendants().anyMatch(ProcessHandle::isAlive); i++) {
            Thread.sleep(20);
        }
        Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    @Test
    void anErrorGoesToStderrAndNothingToStdout() throws Exception {
        Run r = launch("info", "/nonexistent/model.rnn4j");
        assertEquals(1, r.exit(), r.err());
        assertEquals("", r.out(), "stdout must stay clean for pipes");
        assertTrue(r.err().contains("/nonexistent/model.rnn4j"), r.err());
        assertFalse(r.err().contains("WARNING: Using incubator"), r.err());
    }

    @Test
    void aUsageErrorGoesToStderrWithExitTwo() throws Exception {
        Run r = launch("info", "model.rnn4j", "--no-such-option");
        assertEquals(2, r.exit(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains("--no-such-option"), r.err());
    }

    @Test
    void aResultGoesToStdoutAndStderrStaysEmpty() throws Exception {
        Run r = launch("--version");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().matches("(?s).*\\d+\\.\\d+\\.\\d+.*"), r.out());
        assertEquals("", r.err(), "the incubator warning is dropped, nothing else is printed");
    }

    @Test
    void onnxRuntimeLoadsFromLibBesideThePackagedJar() throws Exception {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(packagedJar().toFile())) {
            assertTrue(zip.stream().noneMatch(e -> e.getName().startsWith("ai/onnxruntime/")),
                    "ONNX Runtime's classes and native libraries stay out of rnn4j.jar");
        }
        Run r = launch("bench", "--onnxruntime", "--configs", "E", "--iters", "1", "--warmup", "0", "--rounds", "1",
                "--threads", "1");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("ONNX Runtime 1.20.0 (CPU, 1 intra-op thread"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("E ") && l.contains("RNN-tanh I64 H256 B32 T100")),
                r.out());
        // the launcher enables native access: no warning about ONNX Runtime's System.load
        assertFalse(r.err().contains("restricted method"), r.err());
    }

    @Test
    void withoutOnnxRuntimesJarBenchOnnxRuntimeSaysWhereToPutItInOneLine() throws Exception {
        String ort;   // the file the build wrote beside the jar
        try (var files = Files.list(packagedJar().resolveSibling("lib"))) {
            ort = files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("onnxruntime-"))
                    .findFirst().orElseThrow();
        }
        Path alone = Files.createTempDirectory("rnn4j-alone");
        Path jar = Files.copy(packagedJar(), alone.resolve("rnn4j.jar"));
        try {
            Run r = launchJar(jar, "bench", "--onnxruntime", "--configs", "E", "--iters", "1", "--rounds", "1");
            assertEquals(1, r.exit(), r.err());
            assertEquals("", r.out());
            assertEquals("rnn4j bench: --onnxruntime needs ONNX Runtime's Java API, which is not on the class path:"
                    + " rnn4j.jar looks for it at " + alone.resolve("lib").resolve(ort)
                    + ", which does not exist (com.microsoft.onnxruntime:onnxruntime from Maven Central; ./rnn4j in"
                    + " the source tree builds it there)", r.err().strip());
            assertEquals(0, launchJar(jar, "--version").exit(), "every other command runs without it");
        } finally {
            Files.delete(jar);
            Files.delete(alone);
        }
    }
}
