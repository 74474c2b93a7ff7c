package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every case of {@link MalformedInputs} through the packaged command in JVMs of its own: exit code 1 or 2 as the case
 * expects, nothing on stdout, no stack trace, at most three lines on stderr (one for exit code 1) whose first names the
 * file or option, none of the case's outputs on disk and nothing new beside the inputs or in the working directory.
 *
 * <p>A JVM per case would cost about a second each on two cores, so the ~1000 cases run in {@link #JVMS} JVMs started
 * as the launcher starts one, each running its share through {@link CaseRunner} (Main.run, whose return value is what
 * {@code main} passes to System.exit). A seeded sample of cases also runs through the real {@code ./rnn4j} launcher,
 * one process each, and must give the same exit code and the same stderr: the batch runs are what real runs are.
 */
class MalformedInputsIT {

    /** JVMs at once; the machine has two cores. */
    private static final int JVMS = 2;
    private static final long CASE_TIMEOUT_SECONDS = 60;
    private static final int LAUNCHER_SAMPLE = 8;

    @TempDir
    Path dir;

    @Test
    void everyMalformedInputAndBadOptionIsRefusedCleanly() throws Exception {
        long t0 = System.nanoTime();
        MalformedInputs g = MalformedInputs.generate(dir);
        System.out.printf(java.util.Locale.ROOT, "malformed inputs: fixtures and files written in %.1f s%n",
                (System.nanoTime() - t0) / 1e9);
        List<MalformedInputs.Case> cases = g.cases();
        List<String> inputsBefore = listing(g.inputs());
        Path cwd = Files.createDirectories(dir.resolve("cwd"));

        long start = System.nanoTime();
        Map<String, CaseRunner.Result> results = runAll(cases, cwd);
        double seconds = (System.nanoTime() - start) / 1e9;

        List<String> failures = new ArrayList<>();
        Map<String, int[]> perReader = new TreeMap<>();
        for (MalformedInputs.Case c : cases) {
            String problem = judge(c, results.get(c.id()));
            int[] count = perReader.computeIfAbsent(c.reader(), k -> new int[2]);
            count[0]++;
            if (problem == null) {
                count[1]++;
            } else {
                failures.add(c.id() + ": " + problem + "\n    rnn4j " + printable(String.join(" ", c.args())));
            }
        }
        List<String> inputsAfter = listing(g.inputs());
        if (!inputsAfter.equals(inputsBefore)) {
            List<String> added = new ArrayList<>(inputsAfter);
            added.removeAll(inputsBefore);
            failures.add("files appeared beside the inputs: " + added);
        }
        try (Stream<Path> left = Files.list(cwd)) {
            List<Path> l = left.toList();
            if (!l.isEmpty()) {
                failures.add("files appeared in the working directory: " + l);
            }
        }
        StringBuilder summary = new StringBuilder(String.format(java.util.Locale.ROOT,
                "malformed inputs: %d cases, %d passed, in %.1f s on %d JVMs%n", cases.size(),
                cases.size() - failures.size(), seconds, JVMS));
        perReader.forEach((k, v) -> summary.append(String.format("  %-14s %4d cases, %4d passed%n", k, v[0], v[1])));
        System.out.print(summary);
        failures.forEach(System.out::println);
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases.size() + " cases failed:\n"
                + String.join("\n", failures.subList(0, Math.min(40, failures.size()))));

        // the batch runs are what real runs are: a seeded sample again, each through ./rnn4j in a process of its own
        Random random = new Random(18);
        List<MalformedInputs.Case> sample = new ArrayList<>();
        while (sample.size() < LAUNCHER_SAMPLE) {
            sample.add(cases.get(random.nextInt(cases.size())));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(JVMS);
        try {
            List<java.util.concurrent.Future<LauncherIT.Run>> runs = new ArrayList<>();
            for (MalformedInputs.Case c : sample) {
                runs.add(pool.submit(() -> LauncherIT.launch(c.args().toArray(String[]::new))));
            }
            for (int i = 0; i < sample.size(); i++) {
                MalformedInputs.Case c = sample.get(i);
                LauncherIT.Run real = runs.get(i).get();
                CaseRunner.Result batch = results.get(c.id());
                assertEquals(batch.exit(), real.exit(), c.id() + ": exit code of the real launcher\n" + real.err());
                assertEquals(batch.err(), real.err(), c.id() + ": stderr of the real launcher");
                assertEquals("", real.out(), c.id());
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf(java.util.Locale.ROOT, "malformed inputs: %d of them again through ./rnn4j, %.1f s in all%n",
                sample.size(), (System.nanoTime() - t0) / 1e9);
    }

    /** Null if the case went as it must, else what went wrong. */
    private static String judge(MalformedInputs.Case c, CaseRunner.Result r) {
        if (r == null) {
            return "no result: the JVM running it ended";
        }
        if (r.exit() == -1) {
            return "still running after " + CASE_TIMEOUT_SECONDS + " s";
        }
        String err = r.err();
        if (err.contains("\tat ") || err.contains("Exception in thread") || err.contains("Caused by:")) {
            return "a stack trace (exit " + r.exit() + "):\n" + indent(err);
        }
        if (!c.exits().contains(r.exit())) {
            return "exit code " + r.exit() + ", expected " + c.exits() + "; stderr:\n" + indent(err)
                    + (r.out().isEmpty() ? "" : "\n  stdout:\n" + indent(r.out()));
        }
        if (!r.out().isEmpty()) {
            return "printed on stdout:\n" + indent(r.out());
        }
        List<String> lines = err.strip().lines().toList();
        if (lines.isEmpty()) {
            return "no message on stderr";
        }
        if (lines.size() > (r.exit() == 1 ? 1 : 3)) {
            return lines.size() + " lines on stderr:\n" + indent(err);
        }
        if (c.names().stream().noneMatch(lines.get(0)::contains)) {
            return "the message does not name " + c.names() + ":\n" + indent(err);
        }
        for (Path p : c.outputs()) {
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return "left " + p + " behind";
            }
            String prefix = p.getFileName() + "-";   // the case's output files beside it, and their temporary files
            try (java.util.stream.Stream<Path> beside = Files.list(p.getParent())) {
                java.util.Optional<Path> left = beside.filter(q -> q.getFileName().toString().startsWith(prefix)
                        || q.getFileName().toString().startsWith("." + prefix)).findFirst();
                if (left.isPresent()) {
                    return "left " + left.get() + " behind";
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return null;
    }

    /** Runs the cases in JVMS shards at once; a JVM that ends early is followed by another for the rest of its shard. */
    private Map<String, CaseRunner.Result> runAll(List<MalformedInputs.Case> cases, Path cwd) throws Exception {
        Map<String, CaseRunner.Result> results = new java.util.concurrent.ConcurrentHashMap<>();
        List<List<MalformedInputs.Case>> shards = new ArrayList<>();
        for (int i = 0; i < JVMS; i++) {
            shards.add(new ArrayList<>());
        }
        for (int i = 0; i < cases.size(); i++) {
            shards.get(i % JVMS).add(cases.get(i));
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int s = 0; s < JVMS; s++) {
            List<MalformedInputs.Case> shard = shards.get(s);
            int index = s;
            Thread t = new Thread(() -> {
                try {
                    runShard(shard, index, cwd, results);
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("running the cases failed", errors.get(0));
        }
        return results;
    }

    private void runShard(List<MalformedInputs.Case> shard, int index, Path cwd, Map<String, CaseRunner.Result> results)
            throws IOException, InterruptedException {
        List<MalformedInputs.Case> rest = new ArrayList<>(shard);
        for (int attempt = 0; !rest.isEmpty(); attempt++) {
            Path casesFile = dir.resolve("cases-" + index + "-" + attempt + ".tsv");
            Path resultsFile = dir.resolve("results-" + index + "-" + attempt + ".tsv");
            Files.write(casesFile, rest.stream().map(c -> CaseRunner.caseLine(c.id(), c.args())).toList(),
                    StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(jvm(casesFile, resultsFile)).directory(cwd.toFile())
                    .redirectOutput(dir.resolve("jvm-" + index + "-" + attempt + ".out").toFile())
                    .redirectError(dir.resolve("jvm-" + index + "-" + attempt + ".err").toFile()).start();
            long bound = CASE_TIMEOUT_SECONDS * (rest.size() + 10);
            if (!p.waitFor(bound, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("a case-runner JVM did not finish in " + bound + " s");
            }
            int done = 0;
            if (Files.exists(resultsFile)) {
                for (String line : Files.readAllLines(resultsFile, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        CaseRunner.Result r = CaseRunner.Result.parse(line);
                        results.put(r.id(), r);
                        done++;
                    }
                }
            }
            if (done == rest.size()) {
                return;
            }
            // a case that timed out has its result and halted the JVM (97); one that ended the JVM has none: skip it
            String jvmErr = Files.readString(dir.resolve("jvm-" + index + "-" + attempt + ".err"));
            if (done == 0 && p.exitValue() != 97 && jvmErr.contains("main class")) {
                throw new AssertionError("the case runner could not start:\n" + jvmErr);
            }
            int next = p.exitValue() == 97 ? done : done + 1;
            rest = new ArrayList<>(rest.subList(Math.min(next, rest.size()), rest.size()));
        }
    }

    /** The java command the launcher runs, with CaseRunner in place of Main and the test classes on the class path. */
    private static List<String> jvm(Path cases, Path results) {
        Path jar = Path.of(System.getProperty("rnn4j.jar", "target/rnn4j.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the packaged jar is missing: " + jar);
        Path testClasses = Path.of(System.getProperty("rnn4j.testClasses", "target/test-classes")).toAbsolutePath();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        // what the jar's manifest grants when it runs with -jar
        cmd.addAll(List.of("--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                "-Djava.awt.headless=true", "-XX:+UseParallelGC", "-Xshare:auto",
                "-cp", jar + File.pathSeparator + testClasses, "org.rnn4j.cli.CaseRunner",
                cases.toString(), results.toString(), Long.toString(CASE_TIMEOUT_SECONDS)));
        return cmd;
    }

    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private static String indent(String s) {
        return "    " + printable(s.strip()).replace("\\x0A", "\n    ");
    }

    private static String printable(String s) {
        return org.rnn4j.io.FileErrors.printable(s);
    }
}
