package org.rnn4j.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.Json;
import org.rnn4j.io.ModelFile;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training killed with SIGKILL at seeded random moments, through the real {@code ./rnn4j} launcher: afterwards every
 * file in the run directory is absent or valid, and {@code --resume} from the checkpoint on disk ends with the
 * parameters of an uninterrupted run, bit for bit, with no temporary file left and one metrics line per epoch. The moments are fractions of the uninterrupted run's duration after
 * its first checkpoint, so this waits on another JVM by the clock: tagged slow.
 */
@Tag("slow")
class KillResumeIT {

    private static final int KILLS = 3;

    @TempDir
    Path dir;

    private static List<String> run(Path out) {
        // one thread: the same seed then gives the same bits, whatever the machine's load
        return List.of("train", "--task", "adding", "--steps", "10", "--train-size", "1600", "--val-size", "64",
                "--hidden", "12", "--epochs", "3", "--batch", "16", "--threads", "1", "--checkpoint-every", "7",
                "--no-progress", "--out", out.toString());
    }

    @Test
    void aRunKilledAtRandomMomentsResumesToTheUninterruptedParameters() throws Exception {
        Path reference = dir.resolve("reference");
        double[] times = startAndKill(run(reference), reference.resolve("checkpoint.rnn4j"), 1e9);
        assertTrue(Files.exists(reference.resolve("model.rnn4j")), "the uninterrupted run wrote no model");
        float[] expected = ModelFile.read(reference.resolve("model.rnn4j")).parameters();
        double span = times[1] - times[0];   // from the first checkpoint to the end

        Random random = new Random(1818);
        int killed = 0;
        for (int k = 0; k < KILLS; k++) {
            Path out = dir.resolve("killed-" + k);
            double at = (0.05 + 0.85 * random.nextDouble()) * span;
            boolean wasKilled = startAndKill(run(out), out.resolve("checkpoint.rnn4j"), at)[2] > 0;
            killed += wasKilled ? 1 : 0;
            checkKilledRunDirectory(out);
            LauncherIT.Run resumed = LauncherIT.launch("train", "--resume", out.resolve("checkpoint.rnn4j").toString(),
                    "--no-progress");
            String when = String.format(java.util.Locale.ROOT, "kill %d, %.2f s after the first checkpoint (%s)", k, at,
                    wasKilled ? "killed" : "the run had ended");
            System.out.println("KillResumeIT: " + when);
            assertEquals(0, resumed.exit(), when + ": " + resumed.err());
            float[] got = ModelFile.read(out.resolve("model.rnn4j")).parameters();
            assertArrayEquals(expected, got, when + ": the resumed run's parameters differ from the uninterrupted"
                    + " run's; first difference at " + firstDifference(expected, got));
            // the resumed run removed what the kill left half-done, and wrote each epoch once
            try (Stream<Path> files = Files.list(out)) {
                assertEquals(List.of(), files.map(f -> f.getFileName().toString())
                        .filter(n -> n.endsWith(".tmp")).toList(), when + ": temporary files after --resume");
            }
            List<Long> epochs = new ArrayList<>();
            for (String line : Files.readAllLines(out.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
                if (Json.parse(line) instanceof java.util.Map<?, ?> m && "epoch".equals(m.get("type"))
                        && m.get("epoch") instanceof Number e) {
                    epochs.add(e.longValue());
                }
            }
            assertEquals(List.of(1L, 2L, 3L), epochs, when + ": metrics.jsonl's epochs after --resume");
        }
        assertTrue(killed > 0, "no run was still going when its moment came");
    }

    /**
     * Right after a kill, every file in the run directory is absent or valid: model, checkpoint and learning curve
     * whole, metrics.jsonl whole lines but perhaps the last (a kill in mid-append, dropped by --resume), the empty lock
     * file, and nothing else but the temporary files of an atomic write that the kill interrupted (removed by the next
     * run).
     */
    private static void checkKilledRunDirectory(Path out) throws IOException {
        checkModelAndCheckpoint(out);
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                switch (name) {
                    case "model.rnn4j", "checkpoint.rnn4j" -> { }
                    case ".rnn4j-lock" -> assertEquals(0, Files.size(f), f + ": the run's lock file holds nothing");
                    case "metrics.jsonl" -> {
                        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                        for (int i = 0; i < lines.size() - 1; i++) {
                            Json.parse(lines.get(i));
                        }
                    }
                    case "learning-curve.png" -> assertTrue(ImageIO.read(f.toFile()) != null, f + " is no PNG");
                    default -> assertTrue(name.matches("\\..+\\.[0-9a-f]{16}\\.tmp"),
                            "a file the run does not write: " + f);
                }
            }
        }
    }

    /** Model and checkpoint, where present, read as whole model files. */
    private static void checkModelAndCheckpoint(Path out) throws IOException {
        for (String name : List.of("model.rnn4j", "checkpoint.rnn4j")) {
            Path f = out.resolve(name);
            if (Files.exists(f)) {
                ModelFile.read(f);   // throws, naming the file, if it is partial or damaged
            }
        }
    }

    /**
     * Starts the run, waits for {@code ready} to exist, then {@code seconds} more, and kills the JVM with SIGKILL if it
     * is still running. Returns the seconds from the start to {@code ready}, to the end, and 1 if it was killed, else 0.
     */
    private static double[] startAndKill(List<String> args, Path ready, double seconds) throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path jar = Path.of(System.getProperty("rnn4j.jar", "target/rnn4j.jar")).toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of(root.resolve("rnn4j").toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("RNN4J_JAR", jar.toString());
        long start = System.nanoTime();
        Process p = pb.start();   // the launcher execs java: this is the JVM's process
        long deadline = start + TimeUnit.SECONDS.toNanos(300);
        while (!Files.exists(ready) && p.isAlive()) {
            assertTrue(System.nanoTime() < deadline, "no checkpoint after 300 s");
            Thread.sleep(5);
        }
        double toReady = (System.nanoTime() - start) / 1e9;
        boolean alive = !p.waitFor((long) Math.min(seconds * 1000, 300_000), TimeUnit.MILLISECONDS);
        if (alive) {
            p.destroyForcibly();   // SIGKILL
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new double[] {toReady, (System.nanoTime() - start) / 1e9, alive ? 1 : 0};
    }

    private static String firstDifference(float[] a, float[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                return "[" + i + "]: " + a[i] + " vs " + b[i];
            }
        }
        return a.length != b.length ? "lengths " + a.length + " and " + b.length : "none";
    }
}
