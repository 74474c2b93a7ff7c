package org.rnn4j.experiments;

import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.Json;
import org.rnn4j.kernel.Compute;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Makes the runs of an experiment (model × condition × seed), one after another or several at once, each saved to
 * {@code <out>/runs/} as soon as it finishes. A long experiment that stops (a crash, Ctrl-C, a machine going away)
 * keeps its finished runs, and the same call with {@code resume} picks them up and makes only the others. A run
 * also saves its training state after every epoch ({@link RunCheckpoint}), so that resuming continues an
 * unfinished run from its last finished epoch.
 *
 * <p>A run's file records the experiment's settings; resuming with other settings is refused, so one table never
 * mixes runs of different experiments. Runs are deterministic, and a run gives the same result on any number of
 * threads, so resumed runs and runs made in parallel match a single uninterrupted call.
 *
 * <pre>{@code
 * Experiment<?> e = new AddingExperiment(AddingExperiment.Settings.defaults(false));
 * ExperimentDriver.run(e, new ExperimentDriver.Options(Path.of("runs/adding"), false, 2, 2, false),
 *         new PrintWriter(System.out, true));
 * }</pre>
 */
public final class ExperimentDriver {

    /**
     * How an experiment's runs are made.
     *
     * @param out     the output directory; the runs go to {@code out/runs}
     * @param resume  reuse the runs an earlier call with the same settings saved in out/runs, and continue its
     *                unfinished ones from their last saved epoch; without it they are made again
     * @param jobs    runs made at once, each with {@code threads / jobs} compute threads (at least 1)
     * @param threads compute threads in all
     * @param verbose a line after every epoch of every run
     */
    public record Options(Path out, boolean resume, int jobs, int threads, boolean verbose) {
        public Options {
            if (jobs < 1) {
                throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
        }
    }

    /** Makes one run with the given compute, continuing from {@code checkpoint}'s saved epochs. */
    public interface Body<R extends RunSpec> {
        RunResult run(R run, Compute compute, RunCheckpoint checkpoint) throws Exception;
    }

    private ExperimentDriver() {
    }

    /**
     * Runs an experiment: creates the output directory, prints what is about to run, makes every run (see
     * {@link #runs}) and writes the experiment's report.
     *
     * @return the runs in the experiment's order
     */
    public static <R extends RunSpec> List<RunResult> run(Experiment<R> experiment, Options options, PrintWriter pw)
            throws IOException {
        Path out = options.out();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file, not a directory");
        }
        Files.createDirectories(out);
        pw.println(experiment.describe(options));
        pw.flush();
        List<RunResult> results = runs(experiment.runs(), experiment.settings(), options, pw, experiment::line,
                experiment::run);
        experiment.report(results, out, pw);
        return results;
    }

    /**
     * Makes every run and returns the results in the order of {@code runs}.
     *
     * @param settings the experiment's settings; a saved run is reused only if it was made with equal settings
     * @param line     how a finished run is reported, one line
     */
    public static <R extends RunSpec> List<RunResult> runs(List<R> runs, Map<String, Object> settings,
                                                           Options options, PrintWriter pw,
                                                           Function<RunResult, String> line, Body<R> body)
            throws IOException {
        Path dir = options.out().resolve("runs");
        Files.createDirectories(dir);
        // what a killed call left half-written (its checkpoints and results are whole: atomic writes)
        AtomicFiles.deleteTemporaryFiles(dir);
        AtomicFiles.deleteTemporaryFiles(options.out());
        String key = Json.write(settings);
        RunResult[] done = new RunResult[runs.size()];
        List<Integer> todo = new ArrayList<>();
        RunCheckpoint[] checkpoints = new RunCheckpoint[runs.size()];
        int stale = 0;
        int unfinished = 0;
        for (int i = 0; i < runs.size(); i++) {
            RunId c = runs.get(i).id();
            Path file = dir.resolve(c.fileName());
            Path checkpoint = dir.resolve(c.checkpointName());
            if (options.resume() && Files.exists(file)) {
                done[i] = load(file, key, c);
                Files.deleteIfExists(checkpoint);   // left by a stop between saving the run and removing it
                continue;
            }
            todo.add(i);
            if (options.resume() && Files.exists(checkpoint)) {
                checkpoints[i] = RunCheckpoint.resume(checkpoint, key, c);
            } else {
                // without resume, an earlier call's files go now, so that a stop of this call leaves only its own
                stale += Files.deleteIfExists(file) ? 1 : 0;
                unfinished += Files.deleteIfExists(checkpoint) ? 1 : 0;
                checkpoints[i] = RunCheckpoint.fresh(checkpoint, key, c);
            }
        }
        AtomicBoolean stopping = new AtomicBoolean();
        for (RunCheckpoint checkpoint : checkpoints) {
            if (checkpoint != null) {
                checkpoint.reportEpochsTo(options.verbose() ? pw : null);
                checkpoint.stopAfterEpochWhen(stopping::get);
            }
        }
        for (int i = 0; i < runs.size(); i++) {
            if (done[i] != null) {
                pw.println(line.apply(done[i]) + " (resumed from " + dir.resolve(runs.get(i).id().fileName()) + ")");
            } else if (checkpoints[i].epochsDone() > 0) {
                RunId c = runs.get(i).id();
                pw.printf("%s %s seed %d continues after epoch %d (from %s)%n", c.model(), c.condition(), c.seed(),
                        checkpoints[i].epochsDone(), checkpoints[i].file());
                if (!madeBy().equals(checkpoints[i].madeBy())) {
                    pw.printf("  note: its first epochs were made by %s and this call runs %s; if they round"
                            + " differently, the run will not have the bits of an uninterrupted one%n",
                            checkpoints[i].madeBy(), madeBy());
                }
            }
        }
        pw.flush();
        if (stale > 0) {
            pw.printf("%s held %d finished run%s of an earlier call; removed, they are made again"
                    + " (--resume keeps them)%n", dir, stale, stale == 1 ? "" : "s");
            pw.flush();
        }
        if (unfinished > 0) {
            pw.printf("%s held %d unfinished run%s of an earlier call; removed, they start again from the first"
                    + " epoch (--resume continues them)%n", dir, unfinished, unfinished == 1 ? "" : "s");
            pw.flush();
        }
        int workers = Math.min(options.jobs(), Math.max(1, todo.size()));
        int perJob = Math.max(1, options.threads() / workers);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger saved = new AtomicInteger(runs.size() - todo.size());
        Runnable worker = () -> {
            try (Compute compute = Compute.withThreads(perJob)) {
                int k;
                while (failure.get() == null && (k = next.getAndIncrement()) < todo.size()) {
                    int i = todo.get(k);
                    R run = runs.get(i);
                    RunResult r;
                    try {
                        r = body.run(run, compute, checkpoints[i]);
                    } catch (RunCheckpoint.Stopped atEpochEnd) {
                        return;   // another run failed; this one keeps its epochs in its checkpoint
                    }
                    save(dir.resolve(run.id().fileName()), settings, key, r);
                    checkpoints[i].delete();
                    done[i] = r;
                    saved.incrementAndGet();
                    synchronized (pw) {
                        pw.println(line.apply(r));
                        pw.flush();
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                stopping.set(true);   // the other jobs stop at the end of their current epoch
            }
        };
        // Ctrl-C or a kill: say what is kept and how to go on (the runs and checkpoints are on disk already)
        Thread onStop = new Thread(() -> {
            pw.printf("%nstopped: %d of %d runs are saved in %s, and unfinished runs keep the epochs they finished;"
                    + " the same command with --resume continues%n", saved.get(), runs.size(), dir);
            pw.flush();
        }, "rnn4j-run-stopped");
        Runtime.getRuntime().addShutdownHook(onStop);
        try {
            runAll(workers, worker);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onStop);
            } catch (IllegalStateException alreadyStopping) {
                // the hook is running or has run
            }
        }
        Throwable f = failure.get();
        if (f != null) {
            pw.printf("%d of %d runs are saved in %s; the same command with --resume makes only the others, continuing"
                    + " unfinished ones from their last finished epoch%n", saved.get(), runs.size(), dir);
            pw.flush();
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            if (f instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(f);
        }
        return List.of(done);
    }

    /** Runs {@code worker} on {@code workers} threads (on the calling one when 1) and waits for them. */
    private static void runAll(int workers, Runnable worker) throws IOException {
        if (workers == 1) {
            worker.run();
        } else {
            List<Thread> pool = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                Thread t = new Thread(worker, "rnn4j-run-" + w);
                pool.add(t);
                t.start();
            }
            for (Thread t : pool) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the runs", e);
                }
            }
        }
    }

    /** The library version, JDK and kernels of this process: runs made by others may round differently. */
    public static String madeBy() {
        return "rnn4j " + org.rnn4j.Version.VERSION + ", JDK " + System.getProperty("java.version") + ", "
                + org.rnn4j.kernel.Kernels.select().name() + " kernels";
    }

    private static Object field(Map<?, ?> m, String name) {
        Object v = m.get(name);
        if (v == null) {
            throw new NullPointerException(name);
        }
        return v;
    }

    private static void save(Path file, Map<String, Object> settings, String key, RunResult r)
            throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("settings", settings);
        m.put("settings_key", key);
        m.put("model", r.model());
        m.put("condition", r.condition());
        m.put("seed", r.seed());
        m.put("score", r.score());
        m.put("curve", new ArrayList<Object>(r.curve()));
        m.put("unit_update_fraction", r.updateFraction());
        m.put("seconds", r.seconds());
        m.put("diverged_at_step", r.divergedAtStep());
        m.put("extras", new LinkedHashMap<>(r.extras()));
        m.put("made_by", madeBy());
        AtomicFiles.write(file, os -> os.write(Json.writeIndented(m).getBytes(StandardCharsets.UTF_8)));
    }

    /** A run saved by {@link #runs}, checked against the settings and the run it should be. */
    public static RunResult load(Path file, String key, RunId run) throws IOException {
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--resume: " + file + " is not a saved run (" + e.getMessage()
                    + "); delete it to make that run again", e);
        }
        try {
            Map<?, ?> m = (Map<?, ?>) parsed;
            if (!key.equals(m.get("settings_key"))) {
                throw new IllegalArgumentException("--resume: " + file + " was made with other settings, "
                        + Json.write(m.get("settings")) + ", not " + key + "; use another --out, or delete it (or run"
                        + " without --resume, which makes every run again)");
            }
            String model = (String) field(m, "model");
            String condition = (String) field(m, "condition");
            long seed = ((Number) field(m, "seed")).longValue();
            if (!run.model().equals(model) || !run.condition().equals(condition) || run.seed() != seed) {
                throw new IllegalArgumentException("--resume: " + file + " holds the run of " + model + " " + condition
                        + " seed " + seed + ", not of " + run.model() + " " + run.condition() + " seed " + run.seed());
            }
            List<Double> curve = new ArrayList<>();
            for (Object v : (List<?>) field(m, "curve")) {
                curve.add(((Number) v).doubleValue());
            }
            Map<String, Object> extras = new LinkedHashMap<>();
            if (m.get("extras") instanceof Map<?, ?> saved) {   // runs saved before extras existed have none
                saved.forEach((k, v) -> extras.put((String) k, v));
            }
            return new RunResult(run, curve, ((Number) field(m, "score")).doubleValue(),
                    ((Number) field(m, "unit_update_fraction")).doubleValue(),
                    ((Number) field(m, "seconds")).doubleValue(), ((Number) field(m, "diverged_at_step")).longValue(),
                    extras);
        } catch (NullPointerException e) {
            throw new IllegalArgumentException("--resume: " + file + " is not a saved run (it has no " + e.getMessage()
                    + "); delete it to make that run again", e);
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("--resume: " + file + " is not a saved run (a field is of the wrong"
                    + " type); delete it to make that run again", e);
        }
    }
}
