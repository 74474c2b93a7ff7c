package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.Json;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Npz;
import org.rnn4j.io.NpyArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.rnn4j.cli.MainTest.rnn4j;

/**
 * Train's run directory across stops (issue 18, item 4): the files a kill leaves (an epoch's metrics line without its
 * checkpoint, a half-written line, temporary files) are put right by --resume, which then ends with an uninterrupted
 * run's bits and one metrics line per epoch; --out on a directory holding a run is refused unless --resume or
 * --overwrite; a run rejected after its directory was made leaves nothing behind.
 */
class RunDirectoryTest {

    @TempDir
    Path dir;

    /** 10 mini-batches per epoch, 2 epochs. */
    private static String[] small(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--task", "adding", "--steps", "8", "--train-size", "320",
                "--val-size", "64", "--hidden", "16", "--epochs", "2", "--threads", "1", "--no-progress",
                "--lr", "0.01", "--out", out.toString()));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    /** Temporary files as a kill during AtomicFiles' writes of the checkpoint, the curve and the model leaves them. */
    private static final List<String> LEFT_BY_A_KILL = List.of(".checkpoint.rnn4j.0123456789abcdef.tmp",
            ".learning-curve.png.89abcdef01234567.tmp", ".model.rnn4j.fedcba9876543210.tmp");

    private static List<Map<?, ?>> lines(Path metrics) throws IOException {
        List<Map<?, ?>> out = new ArrayList<>();
        for (String l : Files.readAllLines(metrics)) {
            out.add((Map<?, ?>) Json.parse(l));
        }
        return out;
    }

    private static List<Object> epochs(List<Map<?, ?>> lines) {
        return lines.stream().filter(m -> "epoch".equals(m.get("type"))).map(m -> (Object) m.get("epoch")).toList();
    }

    private static List<String> temporaryFiles(Path d) throws IOException {
        try (Stream<Path> files = Files.list(d)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }

    private static float[] parameters(Path model) throws IOException {
        return ModelFile.load(model).model().parameters().values();
    }

    private static void assertSameBits(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + ": first difference at parameter " + i + ": " + expected[i] + " against " + actual[i]);
            }
        }
    }

    @Test
    void aResumeAfterAKillInTheMiddleOfWritingEndsWithTheUninterruptedBitsAndOneLinePerEpoch() throws IOException {
        Path whole = dir.resolve("whole");
        Path parts = dir.resolve("parts");
        assertEquals(0, rnn4j(small(whole)).code());
        MainTest.Result first = rnn4j(small(parts, "--max-steps", "13"));   // the checkpoint is inside epoch 2
        assertEquals(0, first.code(), first.all());
        Path metrics = parts.resolve("metrics.jsonl");
        String epoch1 = Files.readAllLines(metrics).get(0);
        String fakeEpoch2 = epoch1.replace("\"epoch\":1,", "\"epoch\":2,");
        assertFalse(epoch1.equals(fakeEpoch2), epoch1);

        // a broken line before the last is not a stop's doing: the resume is refused, naming the file and line
        Files.writeString(metrics, epoch1 + "\nnot json\n" + fakeEpoch2 + "\n");
        MainTest.Result refused = rnn4j("train", "--resume", parts.toString(), "--no-progress");
        assertEquals(1, refused.code(), refused.all());
        assertTrue(refused.err().contains(metrics + " line 2 is not a JSON object"), refused.err());

        // killed after epoch 2's metrics line and before its checkpoint, then again in the middle of the next line
        // and of three atomic writes
        Files.writeString(metrics, epoch1 + "\n" + fakeEpoch2 + "\n{\"type\":\"epoch\",\"epo");
        for (String t : LEFT_BY_A_KILL) {
            Files.writeString(parts.resolve(t), "half a file");
        }
        MainTest.Result rest = rnn4j("train", "--resume", parts.resolve("checkpoint.rnn4j").toString(),
                "--no-progress");
        assertEquals(0, rest.code(), rest.all());
        assertTrue(rest.err().contains("the last line of " + metrics + " was cut off"), rest.err());
        assertTrue(rest.err().contains("dropped the lines of epoch 2;"), rest.err());
        assertTrue(rest.err().contains(String.join(", ", LEFT_BY_A_KILL)), rest.err());

        assertEquals(List.of(), temporaryFiles(parts));
        List<Map<?, ?>> got = lines(metrics);
        List<Map<?, ?>> want = lines(whole.resolve("metrics.jsonl"));
        assertEquals(List.of(1L, 2L), epochs(got), "one line per epoch: " + got);
        assertEquals(3, got.size(), "two epochs and the test: " + got);
        assertEquals("test", got.get(2).get("type"));
        for (int e = 0; e < 2; e++) {   // epoch 2's line is the resumed run's, equal to the uninterrupted one's
            for (String field : List.of("step", "train_loss", "val_loss")) {
                assertEquals(want.get(e).get(field), got.get(e).get(field), field + " of epoch " + (e + 1));
            }
        }
        assertSameBits("resumed against uninterrupted", parameters(whole.resolve("model.rnn4j")),
                parameters(parts.resolve("model.rnn4j")));
    }

    @Test
    void outOnADirectoryHoldingARunIsRefusedUnlessResumeOrOverwrite() throws IOException {
        Path out = dir.resolve("r1");
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "mine");   // a directory with other files holds no run
        MainTest.Result a = rnn4j(small(out, "--epochs", "1"));
        assertEquals(0, a.code(), a.all());
        byte[] metrics = Files.readAllBytes(out.resolve("metrics.jsonl"));
        float[] firstModel = parameters(out.resolve("model.rnn4j"));

        MainTest.Result again = rnn4j(small(out, "--epochs", "1"));
        assertEquals(2, again.code(), again.all());
        String line = again.err().lines().findFirst().orElseThrow();
        assertTrue(line.startsWith("rnn4j train: --out " + out + " already holds a run"), line);
        assertTrue(line.contains("--resume " + out.resolve("checkpoint.rnn4j")) && line.contains("--overwrite"), line);
        assertArrayEquals(metrics, Files.readAllBytes(out.resolve("metrics.jsonl")), "the first run's lines alone");
        assertEquals("", again.out());

        Files.writeString(out.resolve(LEFT_BY_A_KILL.get(0)), "half a checkpoint");
        MainTest.Result both = rnn4j(small(out, "--epochs", "1", "--overwrite", "--resume", out.toString()));
        assertEquals(2, both.code(), both.all());
        assertTrue(both.err().contains("--resume continues a run and --overwrite starts it again"), both.err());

        MainTest.Result over = rnn4j(small(out, "--epochs", "1", "--seed", "2", "--overwrite"));
        assertEquals(0, over.code(), over.all());
        assertEquals(List.of(1L), epochs(lines(out.resolve("metrics.jsonl"))), "the new run's lines alone");
        assertEquals(2, lines(out.resolve("metrics.jsonl")).size());
        assertEquals("mine", Files.readString(out.resolve("notes.txt")), "--overwrite removes rnn4j's files only");
        assertEquals(List.of(), temporaryFiles(out));
        assertFalse(Arrays.equals(firstModel, parameters(out.resolve("model.rnn4j"))), "the model is the new run's");

        // resuming a finished run says so, trains nothing more and keeps one line per epoch
        float[] finishedModel = parameters(out.resolve("model.rnn4j"));
        MainTest.Result finished = rnn4j("train", "--resume", out.toString(), "--no-progress");
        assertEquals(0, finished.code(), finished.all());
        String said = finished.out().lines().findFirst().orElseThrow();
        assertTrue(said.contains(": the run had finished after 1 epoch (step ")
                && said.endsWith("); writing its model and testing it again"), finished.out());
        assertEquals(List.of(1L), epochs(lines(out.resolve("metrics.jsonl"))));
        assertArrayEquals(finishedModel, parameters(out.resolve("model.rnn4j")));

        // a stop before the first checkpoint: a run, but nothing to resume; the message says to --overwrite
        Files.delete(out.resolve("checkpoint.rnn4j"));
        MainTest.Result noCheckpoint = rnn4j(small(out));
        assertEquals(2, noCheckpoint.code(), noCheckpoint.all());
        assertTrue(noCheckpoint.err().contains("it has no checkpoint to --resume from; start it again with"
                + " --overwrite"), noCheckpoint.err());
        MainTest.Result resumeDir = rnn4j("train", "--resume", out.toString());
        assertEquals(1, resumeDir.code(), resumeDir.all());
        assertTrue(resumeDir.err().contains("--resume " + out + ": the directory has no checkpoint.rnn4j"),
                resumeDir.err());
    }

    /**
     * While a run holds its directory, another run there, new or resumed, is refused before it touches anything (the
     * holder's temporary files stay); the lock held by another process counts as much as one in this JVM.
     */
    @Test
    void aSecondRunInADirectoryInUseIsRefusedUntilTheFirstEnds() throws Exception {
        Path out = dir.resolve("busy");
        RunDirectory first = RunDirectory.fresh(out, false, new java.io.PrintWriter(new java.io.StringWriter()));
        Path inFlight = out.resolve(LEFT_BY_A_KILL.get(0));
        Files.writeString(inFlight, "the first run is writing its checkpoint");
        MainTest.Result second = rnn4j(small(out, "--epochs", "1"));
        assertEquals(1, second.code(), second.all());
        assertTrue(second.err().contains(out + " is in use by another rnn4j train run"), second.err());
        MainTest.Result resumed = rnn4j("train", "--resume", out.toString());
        assertEquals(1, resumed.code(), resumed.all());
        assertTrue(Files.exists(inFlight), "the running run's temporary file was deleted");
        first.release();
        Files.delete(inFlight);

        // another process holds the lock (POSIX record locks, as the JVM takes them)
        Path holder = dir.resolve("Hold.java");
        Files.writeString(holder, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class Hold {
                    public static void main(String[] a) throws Exception {
                        FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        if (c.tryLock() == null) { System.exit(3); }
                        System.out.println("locked");
                        System.out.flush();
                        System.in.read();
                    }
                }
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, holder.toString(), out.resolve(RunDirectory.LOCK).toString())
                .redirectErrorStream(true).start();
        try {
            String said = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
            assertEquals("locked", said);
            MainTest.Result meanwhile = rnn4j(small(out, "--epochs", "1"));
            assertEquals(1, meanwhile.code(), meanwhile.all());
            assertTrue(meanwhile.err().contains("is in use by another rnn4j train run"), meanwhile.err());
        } finally {
            p.destroyForcibly().waitFor();
        }
        MainTest.Result after = rnn4j(small(out, "--epochs", "1"));
        assertEquals(0, after.code(), after.all());
        assertTrue(Files.exists(out.resolve("model.rnn4j")));
    }

    @Test
    void aRunRejectedAfterItsDirectoryWasMadeLeavesNothingBehind() throws IOException {
        Path made = dir.resolve("made");

        MainTest.Result diverged = rnn4j(small(made.resolve("diverged"), "--optimizer", "sgd", "--lr", "1e30",
                "--clip-norm", "0"));
        assertEquals(3, diverged.code(), diverged.all());
        assertTrue(diverged.err().contains("diverged"), diverged.err());
        assertFalse(Files.exists(made), "nothing left by a run diverging before its first checkpoint");

        Path npz = dir.resolve("ignored.npz");
        int n = 12;
        int[] labels = new int[n];
        Arrays.fill(labels, -100);
        Npz.write(npz, new LinkedHashMap<>(Map.of("x", NpyArray.ofFloats(new float[n * 4 * 3], n, 4, 3),
                "labels", NpyArray.ofInts(labels, n))), false);
        MainTest.Result ignored = rnn4j("train", "--data", npz.toString(), "--threads", "1", "--no-progress",
                "--out", made.resolve("ignored").toString());
        assertEquals(1, ignored.code(), ignored.all());
        assertEquals(1, ignored.err().strip().lines().count(), ignored.err());
        assertTrue(ignored.err().contains(npz.toString()) && ignored.err().contains("all 12 are -100"), ignored.err());
        assertFalse(Files.exists(made), "nothing left by data whose labels are all ignored");

        // an LSTM of 23000 units has 2.1e9 parameters: 8.5 GB in one array, and as much again for each of the
        // gradients and Adam's two moments
        assumeTrue(Runtime.getRuntime().maxMemory() < 30L << 30, "a heap this large might hold the model");
        MainTest.Result oom = rnn4j(small(made.resolve("oom"), "--hidden", "23000"));
        assertEquals(1, oom.code(), oom.all());
        assertTrue(oom.err().contains("out of memory"), oom.err());
        assertFalse(Files.exists(made), "nothing left by a model too large for the heap");
    }

    @Test
    void aDistributedRunResumedAfterAKillWritesEachEpochOnceAndEndsWithTheUninterruptedBits() throws IOException {
        Path whole = dir.resolve("whole");
        Path parts = dir.resolve("parts");
        assertEquals(0, rnn4j(small(whole, "--workers", "1")).code());
        MainTest.Result first = rnn4j(small(parts, "--workers", "1", "--max-steps", "13"));
        assertEquals(0, first.code(), first.all());
        // the coordinator sees an epoch end when it next looks, so what the stop left in metrics.jsonl depends on the
        // timing: the kill state is written here instead, epoch 2's line after a checkpoint inside epoch 2
        Path metrics = parts.resolve("metrics.jsonl");
        Files.writeString(metrics, "{\"type\":\"epoch\",\"epoch\":1,\"step\":10,\"train_loss\":0.5}\n"
                + "{\"type\":\"epoch\",\"epoch\":2,\"step\":20,\"train_loss\":0.4}\n{\"type\":");
        Files.writeString(parts.resolve(LEFT_BY_A_KILL.get(0)), "half a checkpoint");

        MainTest.Result rest = rnn4j("train", "--resume", parts.resolve("checkpoint.rnn4j").toString(),
                "--no-progress");
        assertEquals(0, rest.code(), rest.all());
        List<Map<?, ?>> got = lines(metrics);
        assertEquals(List.of(1L, 2L), epochs(got), Files.readString(metrics));
        Map<?, ?> wholeEpoch2 = lines(whole.resolve("metrics.jsonl")).stream()
                .filter(m -> "epoch".equals(m.get("type")) && Long.valueOf(2).equals(m.get("epoch"))).findFirst()
                .orElseThrow();
        assertEquals(wholeEpoch2.get("train_loss"), got.get(1).get("train_loss"), "epoch 2 is the resumed run's");
        assertEquals(List.of(), temporaryFiles(parts));
        assertSameBits("resumed against uninterrupted", parameters(whole.resolve("model.rnn4j")),
                parameters(parts.resolve("model.rnn4j")));

        MainTest.Result again = rnn4j(small(parts, "--workers", "1"));
        assertEquals(2, again.code(), again.all());
        assertTrue(again.err().contains("--out " + parts + " already holds a run"), again.err());
    }
}
