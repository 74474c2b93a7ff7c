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
}
