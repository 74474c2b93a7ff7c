package org.rnn4j.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Distributed training across separate JVMs on loopback, with the packaged command: two {@code rnn4j cluster member}
 * processes and {@code rnn4j train --workers 3 --cluster ...}; one member is killed with SIGKILL half-way, and the
 * run goes on and finishes. Waits on other JVMs by the clock, hence slow.
 *
 * <p>12 epochs rather than train's 8: three asynchronous workers leave the adding problem's plateau (test MSE 0.167)
 * later than one, in epoch 5 to 8 of 8 in the runs measured (docs/distributed.md), and one run in four was still on
 * it after 8; the test is about the fault, not about that margin.
 */
@Tag("slow")
class ClusterIT {

    /** A running ./rnn4j process whose stdout lines are collected as they come. */
    static final class Launched {
        final Process process;
        final List<String> lines = new ArrayList<>();
        final Path err;

        Launched(Process process, Path err) {
            this.process = process;
            this.err = err;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        synchronized (lines) {
                            lines.add(line);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** The first line matching {@code regex} (waiting up to {@code seconds}), or a failure showing the output. */
        Matcher await(String regex, int seconds) throws InterruptedException, IOException {
            Pattern p = Pattern.compile(regex);
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            synchronized (lines) {
                while (true) {
                    for (String line : lines) {
                        Matcher m = p.matcher(line);
                        if (m.find()) {
                            return m;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || (!process.isAlive() && lines.isEmpty())) {
                        fail("no line matching " + regex + " within " + seconds + " s; stdout:\n" + output()
                                + "\nstderr:\n" + Files.readString(err));
                    }
                    TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, 1_000_000_000L));
                }
            }
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }
    }

    private final List<Launched> started = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Launched l : started) {
            l.process.destroy();
        }
        for (Launched l : started) {
            if (!l.process.waitFor(30, TimeUnit.SECONDS)) {
                l.process.destroyForcibly();
            }
        }
    }

    private Launched launch(Path dir, String name, String... args) throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path jar = Path.of(System.getProperty("rnn4j.jar", "target/rnn4j.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the packaged jar is missing: " + jar);
        List<String> cmd = new ArrayList<>(List.of(root.resolve("rnn4j").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("RNN4J_JAR", jar.toString());
        Path err = dir.resolve(name + ".err");
        Launched l = new Launched(pb.redirectError(err.toFile()).start(), err);
        started.add(l);
        return l;
    }

    @Test
    void trainingFinishesWhenOneOfThreeJvmsIsKilledWithSigkillHalfWay(@TempDir Path dir) throws Exception {
        String cluster = "it-" + UUID.randomUUID().toString().substring(0, 8);   // never another test's members
        Launched a = launch(dir, "a", "cluster", "member", "--cluster-name", cluster, "--threads", "1");
        String first = a.await("^rnn4j cluster member (\\S+), cluster '" + cluster + "'", 120).group(1);
        Launched b = launch(dir, "b", "cluster", "member", "--cluster-name", cluster, "--members", first,
                "--threads", "1");
        String second = b.await("^rnn4j cluster member (\\S+), cluster '" + cluster + "'", 120).group(1);
        a.await("^member " + Pattern.quote(second) + " joined", 60);

        Path out = dir.resolve("run");
        Launched train = launch(dir, "train", "train", "--task", "adding", "--steps", "50", "--epochs", "12", "--workers", "3",
                "--cluster", first + "," + second, "--cluster-name", cluster, "--threads", "1", "--out",
                out.toString());
        // the members take workers first, in the order of their addresses: the killed one runs one
        String victim = first.compareTo(second) < 0 ? second : first;
        Launched killed = victim.equals(second) ? b : a;
        train.await("^3 workers on 3 members: .*" + Pattern.quote(victim) + " worker \\d", 120);
        train.await("^epoch 6/12 ", 600);
        new ProcessBuilder("kill", "-9", Long.toString(killed.process.pid())).start().waitFor();

        assertTrue(train.process.waitFor(10, TimeUnit.MINUTES), "training did not finish:\n" + train.output());
        String log = train.output();
        System.out.println("the coordinator's output:\n" + log);
        assertEquals(0, train.process.exitValue(), log + "\nstderr:\n" + Files.readString(train.err));
        assertTrue(log.contains("member " + victim + " left the cluster; the backups of its shards take over"), log);
        assertTrue(Pattern.compile("worker \\d lost its member " + Pattern.quote(victim) + " at step \\d+; its data"
                + " shard is taken over by member ").matcher(log).find(), log);
        assertTrue(log.contains("lost 1 member during training; no parameter shard was lost"), log);
        Matcher mse = Pattern.compile("done in [\\d.]+ s: test loss [\\d.]+, mse ([\\d.]+) on adding problem")
                .matcher(log);
        assertTrue(mse.find(), log);
        assertTrue(Double.parseDouble(mse.group(1)) < 0.01, "test MSE " + mse.group(1) + "\n" + log);
        assertTrue(Files.size(out.resolve("model.rnn4j")) > 0);
        String metrics = Files.readString(out.resolve("metrics.jsonl"));
        assertTrue(metrics.contains("\"members_lost\":1") && metrics.contains("\"shards_lost\":0"), metrics);
        // the surviving member ran its own worker to the end, and maybe the killed one's (or the coordinator did)
        Launched survivor = killed == a ? b : a;
        survivor.await("worker \\d finished after 1260 mini-batches", 10);
    }

    /** Starts a member of {@code cluster} (joining {@code join} unless null) and returns it with its address. */
    private Launched member(Path dir, String name, String cluster, String join) throws Exception {
        List<String> args = new ArrayList<>(List.of("cluster", "member", "--cluster-name", cluster, "--threads", "1"));
        if (join != null) {
            args.addAll(List.of("--members", join));
        }
        return launch(dir, name, args.toArray(String[]::new));
    }

    private static String address(Launched member, String cluster) throws Exception {
        return member.await("^rnn4j cluster member (\\S+), cluster '" + cluster + "'", 120).group(1);
    }

    private static void kill(Launched l) throws Exception {
        new ProcessBuilder("kill", "-9", Long.toString(l.process.pid())).start().waitFor();
        assertTrue(l.process.waitFor(30, TimeUnit.SECONDS), "SIGKILL did not end process " + l.process.pid());
    }

    /**
     * The coordinator and both members are killed with SIGKILL mid-run; fresh members are started and
     * {@code train --resume} goes on from the coordinator's checkpoint, not from scratch: its first epoch line follows
     * the checkpoint's reported epochs, metrics.jsonl ends with every epoch once, and the counters cover the whole run
     * (each of the 3 workers' 208 mini-batches counted once). The kill comes once a checkpoint holds 2 reported
     * epochs (it is read while the run goes on: it is replaced atomically), with 14 epochs still to go.
     */
    @Test
    void aRunWhoseCoordinatorAndMembersAreAllKilledResumesOnFreshMembers(@TempDir Path dir) throws Exception {
        String cluster = "it-" + UUID.randomUUID().toString().substring(0, 8);
        Launched a = member(dir, "a", cluster, null);
        String first = address(a, cluster);
        Launched b = member(dir, "b", cluster, first);
        String second = address(b, cluster);
        a.await("^member " + Pattern.quote(second) + " joined", 60);

        Path out = dir.resolve("run");
        // 1200 sequences for 3 workers: 400 each, 13 batches of 32 an epoch, 208 in 16 epochs
        Launched train = launch(dir, "train", "train", "--task", "adding", "--steps", "10", "--train-size", "1200",
                "--val-size", "100", "--hidden", "16", "--epochs", "16", "--workers", "3", "--cluster",
                first + "," + second, "--cluster-name", cluster, "--threads", "1", "--checkpoint-every", "1",
                "--no-progress", "--out", out.toString());
        train.await("^epoch 2/16 ", 600);
        Path checkpoint = out.resolve("checkpoint.rnn4j");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        // the first checkpoint is written a second after the start: two short epochs may come before it
        while ((!Files.exists(checkpoint) || org.rnn4j.dist.DistCheckpoint.load(checkpoint).reportedEpochs() < 2)
                && train.process.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(train.process.isAlive(), "the run ended before it could be killed:\n" + train.output());
        for (Launched l : List.of(train, a, b)) {
            kill(l);
        }
        System.out.println("the killed coordinator's output:\n" + train.output());
        assertFalse(train.output().contains("epoch 16/16"), train.output());
        org.rnn4j.dist.DistCheckpoint saved = org.rnn4j.dist.DistCheckpoint.load(checkpoint);
        int reported = saved.reportedEpochs();
        assertTrue(reported >= 2 && reported < 16, "epochs in the checkpoint: " + reported);
        assertTrue(saved.workerSteps().values().stream().allMatch(s -> s >= 26L), saved.workerSteps().toString());

        Launched c = member(dir, "c", cluster, null);
        String third = address(c, cluster);
        Launched d = member(dir, "d", cluster, third);
        String fourth = address(d, cluster);
        c.await("^member " + Pattern.quote(fourth) + " joined", 60);
        Launched resumed = launch(dir, "resumed", "train", "--resume", checkpoint.toString(), "--cluster",
                third + "," + fourth, "--no-progress");
        assertTrue(resumed.process.waitFor(10, TimeUnit.MINUTES), "the resumed run did not finish:\n"
                + resumed.output());
        String log = resumed.output();
        System.out.println("the resumed coordinator's output:\n" + log);
        assertEquals(0, resumed.process.exitValue(), log + "\nstderr:\n" + Files.readString(resumed.err));
        assertTrue(log.startsWith("resuming " + checkpoint + ": 3 workers at mini-batches "
                + saved.workerSteps().values() + ", " + reported + " epochs reported"), log);
        assertTrue(log.contains("cluster '" + cluster + "' at " + third + "," + fourth + " and this JVM"), log);
        List<String> epochLines = log.lines().filter(l -> l.startsWith("epoch ")).toList();
        assertTrue(epochLines.get(0).startsWith("epoch " + (reported + 1) + "/16 "), log);
        assertTrue(log.contains("distributed: 624 updates in "), log);
        assertTrue(Pattern.compile("done in [\\d.]+ s: test loss [\\d.]+, mse [\\d.]+ on adding problem").matcher(log)
                .find(), log);

        List<Long> epochs = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            if (org.rnn4j.io.Json.parse(line) instanceof java.util.Map<?, ?> m && "epoch".equals(m.get("type"))) {
                epochs.add(((Number) m.get("epoch")).longValue());
            }
        }
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 16).boxed().toList(), epochs,
                "metrics.jsonl's epochs");
        assertEquals(saved.parameters().length,
                org.rnn4j.io.ModelFile.load(out.resolve("model.rnn4j")).model().parameters().size());
        assertTrue(Files.size(out.resolve("learning-curve.png")) > 0);
    }
}
