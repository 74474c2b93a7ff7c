package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import com.hazelcast.core.HazelcastInstance;
import org.rnn4j.dist.DistCheckpoint;
import org.rnn4j.dist.Member;
import org.rnn4j.dist.WorkerHost;
import org.rnn4j.io.Json;
import org.rnn4j.io.ModelFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.rnn4j.cli.MainTest.rnn4j;

/**
 * {@code rnn4j train --workers N}, run in-process: one worker gives the single-JVM trainer's model bit for bit from
 * the same options, a run stopped by --max-steps resumes from its distributed checkpoint to the uninterrupted
 * run's bits, the run directory is the usual one, a diverging run says so, and wrong options are refused.
 */
class DistributedTrainTest {

    @TempDir
    Path dir;

    /** A small run with clipping, a warmed-up cosine schedule, two layers and dropout: all wired the same way. */
    private String[] run(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--task", "adding", "--steps", "8", "--train-size", "200",
                "--val-size", "40", "--hidden", "8", "--layers", "2", "--dropout", "0.2", "--epochs", "2",
                "--batch", "16", "--lr", "0.01", "--clip-norm", "0.5", "--schedule", "cosine", "--warmup", "3",
                "--threads", "1", "--no-progress", "--out", out.toString()));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
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
    void oneWorkerTrainsTheSingleJvmTrainersModelBitForBit() throws IOException {
        MainTest.Result single = rnn4j(run(dir.resolve("single")));
        assertEquals(0, single.code(), single.all());
        MainTest.Result one = rnn4j(run(dir.resolve("one"), "--workers", "1"));
        assertEquals(0, one.code(), one.all());
        assertSameBits("--workers 1 against the trainer", parameters(dir.resolve("single/model.rnn4j")),
                parameters(dir.resolve("one/model.rnn4j")));
        String test = single.out().lines().filter(l -> l.startsWith("done in")).findFirst().orElseThrow();
        assertTrue(one.out().contains(test.substring(test.indexOf(": test loss"))), one.out());
        assertTrue(one.out().contains("distributed: 1 worker (fetch and push every update), in this JVM"), one.out());
        assertTrue(one.out().contains("epoch 2/2  train loss "), one.out());
        for (String f : List.of("model.rnn4j", "checkpoint.rnn4j", "metrics.jsonl", "learning-curve.png")) {
            assertTrue(Files.size(dir.resolve("one").resolve(f)) > 0, f);
        }
        String metrics = Files.readString(dir.resolve("one/metrics.jsonl"));
        assertTrue(metrics.contains("{\"type\":\"epoch\",\"epoch\":2,\"step\":26,\"updates\":26,"), metrics);
        assertTrue(metrics.contains("\"type\":\"distributed\",\"workers\":1,\"updates\":26,"), metrics);
        assertTrue(metrics.contains("\"type\":\"test\""), metrics);
    }

    @Test
    void aRunStoppedByMaxStepsResumesFromItsCheckpointToTheUninterruptedBits() throws IOException {
        MainTest.Result whole = rnn4j(run(dir.resolve("whole"), "--workers", "1"));
        assertEquals(0, whole.code(), whole.all());

        Path out = dir.resolve("stopped");
        MainTest.Result first = rnn4j(run(out, "--workers", "1", "--max-steps", "9"));
        assertEquals(0, first.code(), first.all());
        Path checkpoint = out.resolve("checkpoint.rnn4j");
        assertTrue(first.out().contains("continue with: rnn4j train --resume " + checkpoint), first.out());
        assertEquals(Map.of(0, 9L), DistCheckpoint.load(checkpoint).workerSteps());

        MainTest.Result resumed = rnn4j("train", "--resume", checkpoint.toString(), "--no-progress");
        assertEquals(0, resumed.code(), resumed.all());
        assertTrue(resumed.out().startsWith("resuming " + checkpoint + ": 1 workers at mini-batches [9]"),
                resumed.out());
        assertSameBits("resumed against uninterrupted", parameters(dir.resolve("whole/model.rnn4j")),
                parameters(out.resolve("model.rnn4j")));
    }

    private static List<Long> epochLines(Path metrics) throws IOException {
        List<Long> epochs = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            if (Json.parse(line) instanceof Map<?, ?> m && "epoch".equals(m.get("type"))) {
                epochs.add(((Number) m.get("epoch")).longValue());
            }
        }
        return epochs;
    }

    @Test
    void aResumedRunReportsEachEpochOnceAndCountsEveryUpdateOfTheWholeRun() throws IOException {
        Path out = dir.resolve("stopped");
        // 2 workers of 100 sequences each: 7 batches of 16 an epoch, 14 in the 2 epochs; stopped in epoch 2
        MainTest.Result first = rnn4j(run(out, "--workers", "2", "--threads", "2", "--max-steps", "10", "--shards",
                "3"));
        assertEquals(0, first.code(), first.all());
        Path checkpoint = out.resolve("checkpoint.rnn4j");
        DistCheckpoint saved = DistCheckpoint.load(checkpoint);
        assertEquals(3, saved.plan().count(), "--shards 3");
        assertEquals(Map.of(0, 10L, 1, 10L), saved.workerSteps());
        int reported = saved.reportedEpochs();
        assertEquals(reported == 1 ? List.of(1L) : List.of(), epochLines(out.resolve("metrics.jsonl")));

        MainTest.Result resumed = rnn4j("train", "--resume", checkpoint.toString(), "--no-progress");
        assertEquals(0, resumed.code(), resumed.all());
        assertTrue(resumed.out().contains(", " + reported + " epochs reported"), resumed.out());
        assertEquals(reported == 0, resumed.out().contains("epoch 1/2 "), resumed.out());
        assertTrue(resumed.out().contains("epoch 2/2 "), resumed.out());
        assertEquals(List.of(1L, 2L), epochLines(out.resolve("metrics.jsonl")));
        assertTrue(resumed.out().contains("distributed: 28 updates in "), resumed.out());
    }

    @Test
    void aClusterRunsCheckpointResumesInThisJvmWhenResumeHasNoCluster() throws IOException {
        String name = Member.uniqueClusterName();
        HazelcastInstance m = Member.start(Member.Options.defaults().withClusterName(name));
        WorkerHost host = WorkerHost.start(m, DistributedTrain.resolver(), 1, null);
        Path out = dir.resolve("cluster");
        String address = m.getCluster().getLocalMember().getAddress().getHost() + ":"
                + m.getCluster().getLocalMember().getAddress().getPort();
        MainTest.Result first;
        try {
            first = rnn4j(run(out, "--workers", "2", "--max-steps", "4", "--cluster", address, "--cluster-name",
                    name));
        } finally {
            host.close();
            m.getLifecycleService().terminate();
        }
        assertEquals(0, first.code(), first.all());
        assertTrue(first.out().contains("2 workers on 2 members: " + address + " worker 0"), first.out());

        Path moved = dir.resolve("copy");
        Files.createDirectories(moved);
        Files.copy(out.resolve("checkpoint.rnn4j"), moved.resolve("checkpoint.rnn4j"));
        byte[] originalMetrics = Files.readAllBytes(out.resolve("metrics.jsonl"));
        MainTest.Result resumed = rnn4j("train", "--resume", moved.resolve("checkpoint.rnn4j").toString(),
                "--no-progress");
        assertEquals(0, resumed.code(), resumed.all());
        assertTrue(resumed.out().contains("the run had --cluster " + address + ", this resume runs every worker in"
                + " this JVM"), resumed.out());
        assertTrue(resumed.out().contains("it goes on in the checkpoint's directory " + moved), resumed.out());
        assertTrue(resumed.out().contains("distributed: 2 workers (fetch and push every update), in this JVM"),
                resumed.out());
        assertTrue(Files.size(moved.resolve("model.rnn4j")) > 0);
        assertEquals(List.of(1L, 2L), epochLines(moved.resolve("metrics.jsonl")));
        assertArrayEquals(originalMetrics, Files.readAllBytes(out.resolve("metrics.jsonl")),
                "the original directory is left alone");
    }

    @Test
    void twoWorkersLearnAndReportTheirUpdates() throws IOException {
        MainTest.Result r = rnn4j("train", "--task", "adding", "--steps", "8", "--train-size", "400", "--val-size",
                "64", "--hidden", "16", "--epochs", "3", "--lr", "0.01", "--threads", "2", "--no-progress",
                "--workers", "2", "--out", dir.resolve("two").toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("distributed: 2 workers (fetch and push every update), in this JVM, 2 threads"),
                r.out());
        // 3 epochs of 7 batches of 32 of 200 sequences each
        assertTrue(r.out().contains("distributed: 42 updates in "), r.out());
        assertTrue(r.out().contains(", 0 members lost, 0 shards lost"), r.out());
    }

    @Test
    void aRunWhoseWorkersAllDivergeSaysSoWithTheStep() {
        MainTest.Result r = rnn4j("train", "--task", "adding", "--steps", "8", "--train-size", "200", "--val-size",
                "40", "--hidden", "8", "--epochs", "2", "--lr", "1e30", "--optimizer", "sgd", "--clip-norm", "0",
                "--threads", "2", "--no-progress", "--workers", "2", "--out", dir.resolve("diverged").toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.out().contains("worker 0 stopped after ") && r.out().contains("worker 1 stopped after "), r.out());
        assertTrue(r.err().contains("rnn4j train: every worker failed; the first: training diverged: "), r.err());
        assertTrue(r.err().contains(" at step "), r.err());
    }

    @Test
    void wrongDistributedOptionsAreRefusedWithASentence() {
        String out = dir.resolve("x").toString();
        Map<List<String>, String> cases = Map.of(
                List.of("--workers", "0"), "--workers must be at least 1, got 0",
                List.of("--workers", "2", "--cluster", "localhost"), "--cluster takes HOST:PORT addresses separated"
                        + " by commas, e.g. 127.0.0.1:5701,127.0.0.1:5702; got 'localhost'",
                List.of("--workers", "2", "--cluster", "127.0.0.1:99999"), "got '127.0.0.1:99999'",
                List.of("--cluster", "127.0.0.1:5701"), "are for distributed training: add --workers N",
                List.of("--workers", "2", "--bind", "203.0.113.7"), "--bind 203.0.113.7 is not an address of this"
                        + " machine",
                List.of("--workers", "2", "--push-every", "0"), "--push-every must be at least 1, got 0",
                List.of("--workers", "2", "--shards", "-1"), "--shards must be 0 (shards of about 64 Ki floats) or"
                        + " more, got -1",
                List.of("--shards", "4"), "are for distributed training: add --workers N",
                List.of("--workers", "2", "--patience", "2"), "--patience (early stopping) is not available with"
                        + " --workers",
                List.of("--workers", "2", "--cell", "bnlstm"), "distributed training does not yet share buffers");
        cases.forEach((args, message) -> {
            List<String> all = new ArrayList<>(List.of("train", "--task", "adding", "--steps", "8", "--train-size",
                    "50", "--val-size", "10", "--out", out));
            all.addAll(args);
            MainTest.Result r = rnn4j(all.toArray(String[]::new));
            assertEquals(1, r.code(), args + ": " + r.all());
            assertTrue(r.err().contains(message), args + ": " + r.err());
        });
    }

    @Test
    void clusterMemberRefusesWrongOptions() {
        MainTest.Result port = rnn4j("cluster", "member", "--port", "70000");
        assertEquals(1, port.code(), port.all());
        assertTrue(port.err().contains("--port must be in 1..65535, got 70000"), port.err());
        MainTest.Result members = rnn4j("cluster", "member", "--members", "nohost.invalid:5701");
        assertEquals(1, members.code(), members.all());
        assertTrue(members.err().contains("--members: unknown host 'nohost.invalid'"), members.err());
        // TEST-NET-3 (RFC 5737): an address no machine of ours has
        MainTest.Result bind = rnn4j("cluster", "member", "--bind", "203.0.113.7");
        assertEquals(1, bind.code(), bind.all());
        assertTrue(bind.err().contains("--bind 203.0.113.7 is not an address of this machine; its addresses: "),
                bind.err());
        MainTest.Result none = rnn4j("cluster");
        assertEquals(2, none.code(), none.all());
        assertTrue(none.err().contains("name what to run, e.g. 'rnn4j cluster member'"), none.err());
    }
}
