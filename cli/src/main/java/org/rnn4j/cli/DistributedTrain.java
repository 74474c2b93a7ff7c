package org.rnn4j.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.rnn4j.cli.options.ClusterOptions;
import org.rnn4j.data.TaskData;
import org.rnn4j.dist.DistCheckpoint;
import org.rnn4j.dist.DistConfig;
import org.rnn4j.dist.DistributedListener;
import org.rnn4j.dist.DistributedProgress;
import org.rnn4j.dist.DistributedTrainer;
import org.rnn4j.dist.DistributedTrainingException;
import org.rnn4j.dist.JobResolver;
import org.rnn4j.dist.TrainingStats;
import org.rnn4j.experiments.AcousticExperiment;
import org.rnn4j.experiments.LearningCurve;
import org.rnn4j.io.Json;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Provenance;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * {@code rnn4j train --workers N}: the coordinator of distributed training. It builds the model, data and training
 * config from train's own options, publishes the job (its command line, so that members of other JVMs build the
 * same) and runs a {@link DistributedTrainer}; it prints an epoch line when every worker has finished an epoch, the
 * cluster's events (members lost and joined, workers taken over, failures) as they come, and at the end writes the
 * usual run directory: {@code model.rnn4j} from the server's parameters, {@code checkpoint.rnn4j} (a distributed
 * checkpoint, written every --checkpoint-every seconds), {@code metrics.jsonl} and {@code learning-curve.png}.
 *
 * <p>{@link #resolver()} is the other side: what a {@code cluster member} does with a published job.
 */
final class DistributedTrain {

    private static final int DEFAULT_CHECKPOINT_SECONDS = 60;

    private final TrainCommand c;
    private final PrintWriter out;

    DistributedTrain(TrainCommand command, PrintWriter out) {
        this.c = command;
        this.out = out;
    }

    /** What train's options build, on the coordinator and on every member alike. */
    record Setup(TaskData task, ModelConfig config, TrainConfig train, Function<Compute, SequenceModel> factory) {
    }

    /**
     * The data, model and training config of {@code c}'s options for {@code workers} workers: each worker's
     * learning-rate schedule counts its own mini-batches, so it spans one data shard's batches × epochs.
     */
    static Setup setup(TrainCommand c, int workers) throws IOException {
        if (c.batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + c.batch);
        }
        TaskData task = c.speech.given() ? c.speech.load(c.data) : c.data.load();
        ModelConfig config = c.model.model(task.inputSize(), task.head(), task.outputSize());
        c.model.initScheme();
        long perWorker = (task.train().size() + workers - 1) / workers;
        TrainConfig tc = c.trainConfig(task.objective(), (perWorker + c.batch - 1) / c.batch);
        return new Setup(task, config, tc, compute -> c.buildModel(config, compute));
    }

    /** Whether {@code file} is a distributed checkpoint (anything else is left to train's own --resume). */
    static boolean isCheckpoint(Path file) {
        try {
            return Files.isRegularFile(file) && DistCheckpoint.KIND.equals(ModelFile.read(file).kind());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The member side: a published job's description is a train command line; it is parsed with train's own options
     * and built like the coordinator's (the data read from the same paths).
     */
    static JobResolver resolver() {
        return job -> {
            if (job.description() != null && Json.parse(job.description()) instanceof Map<?, ?> m
                    && AcousticExperiment.COMMAND.equals(m.get("command"))) {
                AcousticExperiment.Recipe r = AcousticExperiment.recipe(m);   // experiment acoustic --workers
                return new JobResolver.Resolved(r.factory(), r.train(), r.config());
            }
            List<String> args = args(job.description(), "job " + job.name());
            TrainCommand c = new TrainCommand();
            CommandLine.ParseResult parsed = new CommandLine(c).setOverwrittenOptionsAllowed(true)
                    .parseArgs(args.toArray(String[]::new));
            c.momentumGiven = parsed.hasMatchedOption("--momentum");
            Setup s = setup(c, job.workers());
            return new JobResolver.Resolved(s.factory(), s.task().train(), s.train());
        };
    }

    /** A job's description: what follows "train" on the coordinator's command line, with absolute paths. */
    static String description(List<String> args) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("command", "train");
        d.put("args", new ArrayList<Object>(args));
        return Json.write(d);
    }

    private static List<String> args(String description, String where) {
        if (description != null && Json.parse(description) instanceof Map<?, ?> m && "train".equals(m.get("command"))
                && m.get("args") instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        throw new IllegalArgumentException(where + " was not published by 'rnn4j train --workers': its description is "
                + description);
    }

    /** Continues the distributed run saved in {@code given.resume}, with its original options. */
    static int resume(TrainCommand given, PrintWriter out) throws IOException {
        DistCheckpoint saved = DistCheckpoint.load(given.resume);
        List<String> args = args(saved.description(), "the checkpoint " + given.resume);
        TrainCommand run = new TrainCommand();
        CommandLine.ParseResult parsed = new CommandLine(run).setOverwrittenOptionsAllowed(true)
                .parseArgs(args.toArray(String[]::new));
        run.momentumGiven = parsed.hasMatchedOption("--momentum");
        run.originalArgs = args;
        run.noProgress = run.noProgress || given.noProgress;
        run.maxSteps = given.maxSteps;   // a time box belongs to one invocation, not to the run
        if (given.threads != null) {
            run.threads = given.threads;
        }
        List<String> before = run.cluster.clusterGiven();
        run.cluster.placeAs(given.cluster);
        // the run directory is the checkpoint's (its metrics.jsonl goes on), wherever the original --out was
        Path here = given.resume.toAbsolutePath().getParent();
        boolean moved = run.out != null && !run.out.toAbsolutePath().normalize().equals(here.normalize());
        Path original = run.out;
        run.out = here;
        if (moved) {
            out.println("the run was started with --out " + original + "; it goes on in the checkpoint's directory "
                    + here);
        }
        out.println("resuming " + given.resume + ": " + saved.workerCount() + " workers at mini-batches "
                + saved.workerSteps().values() + ", " + saved.reportedEpochs() + " epochs reported"
                + (before.isEmpty() || run.cluster.hasCluster() ? "" : "; the run had --cluster "
                + String.join(",", before) + ", this resume runs every worker in this JVM (give --cluster to use"
                + " members)"));
        return new DistributedTrain(run, out).run(given.resume);
    }

    /** Trains, continuing from {@code resumeFrom} when it is not null. */
    int run(Path resumeFrom) throws IOException {
        int workers = c.cluster.workers();
        if (c.maxSteps != null && c.maxSteps < 1) {
            throw new IllegalArgumentException("--max-steps must be at least 1, got " + c.maxSteps);
        }
        if (c.patience > 0) {
            throw new IllegalArgumentException("--patience (early stopping) is not available with --workers: the"
                    + " workers do not validate (the coordinator evaluates the server's parameters after every epoch)");
        }
        int checkpointSeconds = given("--checkpoint-every") ? c.checkpointEvery : DEFAULT_CHECKPOINT_SECONDS;
        if (checkpointSeconds < 1) {
            throw new IllegalArgumentException("--checkpoint-every must be at least 1 (seconds, with --workers), got "
                    + checkpointSeconds);
        }
        int threads = c.threads != null ? c.threads : Runtime.getRuntime().availableProcessors();
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        Logger hazelcastLog = ClusterOptions.quietHazelcast();
        Setup s = setup(c, workers);
        Optimizer optimizer = c.optim.create(c.momentumGiven);
        Path dir = c.out;
        RunDirectory.refuseExisting(dir, c.overwrite || resumeFrom != null);
        DistConfig dist = distConfig(c.cluster, threads)
                .checkpoint(dir.resolve("checkpoint.rnn4j"), Duration.ofSeconds(checkpointSeconds))
                .resumeFrom(resumeFrom).maxSteps(c.maxSteps == null ? 0 : c.maxSteps)
                .description(description(c.originalArgs)).build();
        PrintWriter err = c.spec.commandLine().getErr();
        RunDirectory runDir = resumeFrom != null ? RunDirectory.resume(dir, DistCheckpoint.load(resumeFrom).reportedEpochs(),
                err) : RunDirectory.fresh(dir, c.overwrite, err);
        try {
            return train(runDir, s, dist, optimizer, hazelcastLog, resumeFrom);
        } catch (Throwable failed) {   // a run that wrote nothing leaves no directory
            runDir.abandon();
            throw failed;
        } finally {
            runDir.release();
        }
    }

    private int train(RunDirectory runDir, Setup s, DistConfig dist, Optimizer optimizer, Logger hazelcastLog,
                      Path resumeFrom) throws IOException {
        Path dir = runDir.dir();
        int workers = dist.workers();
        int threads = dist.threads();
        int checkpointSeconds = (int) dist.checkpointEvery().toSeconds();
        TaskData task = s.task();
        Provenance provenance = c.data.recordIn(Provenance.current(c.seed, task.train().describe()), task)
                .withExtra("workers", Integer.toString(workers));
        out.println("training " + ModelDescription.of(s.config()) + ", "
                + s.factory().apply(Compute.serial()).parameters().size() + " parameters");
        out.println("on " + task.train().describe() + "; validation: "
                + (task.validation() == null ? "none" : task.validation().size() + " sequences") + "; "
                + optimizer.name() + " lr " + c.optim.learningRate() + ", batch " + c.batch + ", " + c.epochs
                + " epochs");
        out.println("distributed: " + where(dist, c.cluster) + ", " + threads + (threads == 1 ? " thread" : " threads")
                + " here; checkpoint every " + checkpointSeconds + " s");
        out.println("writing to " + dir.toAbsolutePath());
        out.flush();
        Printer printer = new Printer(runDir, task.train().describe(), s.train().objective(), totalBatches(s, workers));
        if (resumeFrom != null) {
            printer.curve.load(dir.resolve("metrics.jsonl"));
        }
        long start = System.nanoTime();
        DistributedTrainer.Result r;
        try {
            r = new DistributedTrainer(dist, s.train(), optimizer).fit(s.factory(), task.train(), task.validation(),
                    printer);
        } catch (DistributedTrainingException e) {
            throw new IllegalStateException(e.getMessage() + (Files.exists(dist.checkpoint())
                    ? "; the last checkpoint is " + dist.checkpoint() : ""), e);
        } finally {
            printer.closeBar();
        }
        TrainingStats stats = r.stats();
        SequenceModel net = r.model();
        if (c.speech.given()) {   // the feature settings travel with a speech model, as in a local run
            c.speech.save(dir.resolve("model.rnn4j"), net, provenance, task.schema());
        } else {
            ModelFile.save(dir.resolve("model.rnn4j"), net, provenance, task.schema());
        }
        printer.writeMetrics(distributedLine(stats));
        boolean finished = stats.workers().stream().allMatch(w -> w.status().equals("finished"));
        String lostLine = lostMembers(stats);
        if (!finished) {
            long failed = stats.workers().stream().filter(w -> w.status().equals("failed")).count();
            out.println("stopped: " + describeWorkers(stats) + "; " + stats.summary());
            if (lostLine != null) {
                out.println(lostLine);
            }
            out.println(failed > 0 ? "the failed workers' data shards were not trained to the end; the model is the"
                    + " server's parameters: " + dir.resolve("model.rnn4j")
                    : "continue with: rnn4j train --resume " + dist.checkpoint());
            return 0;
        }
        TaskData testData = c.testData(task, s.config());
        Trainer.Evaluation test = Trainer.evaluate(net, testData.train(), task.objective(), 256);
        String metric = task.objective().metricName();
        printer.writeMetrics(Map.of("type", "test", "loss", test.loss(), metric, test.metric()));
        out.printf(Locale.ROOT, "done in %.1f s: test loss %.5f, %s %.5f on %s%s%s%n", (System.nanoTime() - start) / 1e9,
                test.loss(), metric, test.metric(), testData.train().describe(),
                c.data.hasFiles() && task.validation() == null
                        ? " (the training data: give --val-data or --val-split for a held-out set)" : "",
                Double.isNaN(task.baselineLoss()) ? "" : String.format(Locale.ROOT,
                        " (best constant prediction: loss %.4f)", task.baselineLoss()));
        out.println("distributed: " + stats.summary());
        if (lostLine != null) {
            out.println(lostLine);
        }
        out.println("model: " + dir.resolve("model.rnn4j"));
        out.println("learning curve: " + dir.resolve("learning-curve.png"));
        out.flush();
        java.lang.ref.Reference.reachabilityFence(hazelcastLog);   // JUL keeps loggers weakly: the level must hold
        return 0;
    }

    private boolean given(String option) {
        return c.originalArgs.stream().anyMatch(a -> a.equals(option) || a.startsWith(option + "="));
    }

    /**
     * The distribution of --workers, --push-every, --fetch-every, --max-staleness and the cluster options, with
     * {@code threads} compute threads in this JVM; with --cluster, members of other JVMs are waited for.
     */
    static DistConfig.Builder distConfig(ClusterOptions cluster, int threads) {
        return DistConfig.builder().workers(cluster.workers()).fetchEvery(cluster.fetchEvery())
                .pushEvery(cluster.pushEvery()).maxStaleness(cluster.maxStaleness()).shards(cluster.shards())
                .threads(threads)
                .member(cluster.memberOptions()).otherHosts(cluster.hasCluster() ? 1 : 0);
    }

    /** "2 workers (fetch and push every update), in this JVM", or the cluster they are spread over. */
    static String where(DistConfig dist, ClusterOptions cluster) {
        int workers = dist.workers();
        return workers + (workers == 1 ? " worker" : " workers") + " (" + downpour(dist) + "), "
                + (cluster.hasCluster() ? "cluster '" + dist.member().clusterName() + "' at "
                + String.join(",", dist.member().members()) + " and this JVM" : "in this JVM");
    }

    private static String downpour(DistConfig d) {
        String push = d.pushEvery() == 1 && d.fetchEvery() == 1 ? "fetch and push every update"
                : "fetch every " + d.fetchEvery() + ", push every " + d.pushEvery() + " updates";
        return d.maxStaleness() >= 0 ? push + ", staleness at most " + d.maxStaleness() : push;
    }

    private static long totalBatches(Setup s, int workers) {
        long total = 0;
        int n = s.task().train().size();
        for (int w = 0; w < workers; w++) {
            long mine = (n - w + workers - 1) / workers;
            total += (mine + s.train().batchSize() - 1) / s.train().batchSize();
        }
        return total * s.train().epochs();
    }

    private static String members(DistributedProgress p) {
        return p.members() + (p.members() == 1 ? " member" : " members");
    }

    private static String describeWorkers(TrainingStats stats) {
        List<String> parts = new ArrayList<>();
        for (TrainingStats.WorkerReport w : stats.workers()) {
            parts.add("worker " + w.worker() + " " + w.status() + " after " + w.steps() + " mini-batches");
        }
        return String.join(", ", parts);
    }

    /** What the run lost and did about it, or null when no member was lost. */
    private static String lostMembers(TrainingStats stats) {
        if (stats.membersLost() == 0) {
            return null;
        }
        List<String> takeovers = stats.events().stream().filter(e -> e.contains(" lost its member ")).toList();
        return "lost " + stats.membersLost() + (stats.membersLost() == 1 ? " member" : " members")
                + " during training; " + (stats.shardsLost() == 0
                ? "no parameter shard was lost (their backups took over)" : stats.shardsLost() + " shards were lost")
                + (takeovers.isEmpty() ? "" : "; " + String.join("; ", takeovers));
    }

    private static Map<String, Object> distributedLine(TrainingStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "distributed");
        m.put("workers", (long) s.workers().size());
        m.put("updates", s.updates());
        m.put("pushes", s.pushes());
        m.put("seconds", s.seconds());
        m.put("updates_per_second", s.updatesPerSecond());
        m.put("mean_staleness", s.meanStaleness());
        List<Object> h = new ArrayList<>();
        int last = s.stalenessHistogram().length - 1;
        while (last > 0 && s.stalenessHistogram()[last] == 0) {
            last--;
        }
        for (int i = 0; i <= last; i++) {
            h.add(s.stalenessHistogram()[i]);
        }
        m.put("staleness_histogram", h);
        m.put("server_fraction", s.serverFraction());
        m.put("duplicates", s.duplicates());
        m.put("stale_refused", s.stale());
        m.put("members_lost", (long) s.membersLost());
        m.put("shards_lost", (long) s.shardsLost());
        List<Object> ws = new ArrayList<>();
        for (TrainingStats.WorkerReport w : s.workers()) {
            Map<String, Object> wm = new LinkedHashMap<>();
            wm.put("worker", (long) w.worker());
            wm.put("status", w.status());
            wm.put("steps", w.steps());
            wm.put("member", w.member());
            if (w.failure() != null) {
                wm.put("failure", w.failure());
            }
            ws.add(wm);
        }
        m.put("worker_reports", ws);
        return m;
    }

    /** Prints epochs and events, keeps metrics.jsonl and the learning curve, and shows a bar on a terminal. */
    private final class Printer implements DistributedListener {
        final RunDirectory runDir;
        final Path dir;
        final String dataName;
        final org.rnn4j.train.Objective objective;
        final long totalBatches;
        final LearningCurve curve = new LearningCurve();
        ProgressBar bar;
        long lastLine = System.nanoTime();

        Printer(RunDirectory runDir, String dataName, org.rnn4j.train.Objective objective, long totalBatches) {
            this.runDir = runDir;
            this.dir = runDir.dir();
            this.dataName = dataName;
            this.objective = objective;
            this.totalBatches = totalBatches;
        }

        private boolean showBar() {
            return !c.noProgress && System.console() != null;
        }

        @Override
        public synchronized void onProgress(DistributedProgress p) {
            String status = String.format(Locale.ROOT, "loss %s, %.0f updates/s, staleness %.2f, %s",
                    Double.isNaN(p.loss()) ? "-" : String.format(Locale.ROOT, "%.4f", p.loss()),
                    p.updatesPerSecond(), p.meanStaleness(), members(p));
            if (showBar()) {
                if (bar == null) {
                    bar = new ProgressBarBuilder().setTaskName("training").setInitialMax(totalBatches)
                            .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                            .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUnit(" batches", 1).build();
                }
                bar.stepTo(Math.min(totalBatches, p.steps()));
                bar.setExtraMessage(" " + status);
            } else if (System.nanoTime() - lastLine > 30_000_000_000L) {
                line(String.format(Locale.ROOT, "%.1f s: %d mini-batches, %s", p.seconds(), p.steps(), status));
            }
        }

        @Override
        public synchronized void onEpoch(DistributedProgress.Epoch e) {
            if (runDir.hasEpoch(e.epoch() + 1)) {
                return;   // reported again after a resume: the run directory has it from before the stop
            }
            DistributedProgress p = e.progress();
            String metric = objective.metricName();
            Trainer.Evaluation v = e.validation();
            line(String.format(Locale.ROOT, "epoch %d/%d  train loss %.5f %s %.5f%s | %.1f s, %.0f updates/s, staleness"
                            + " %.2f, %s", e.epoch() + 1, c.epochs, e.trainLoss(), metric, e.trainMetric(),
                    v == null ? "" : String.format(Locale.ROOT, " | validation loss %.5f %s %.5f", v.loss(), metric,
                            v.metric()),
                    p.seconds(), p.updatesPerSecond(), p.meanStaleness(), members(p)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "epoch");
            m.put("epoch", (long) e.epoch() + 1);
            m.put("step", p.steps());
            m.put("updates", p.updates());
            m.put("train_loss", e.trainLoss());
            m.put("train_" + metric, e.trainMetric());
            if (v != null) {
                m.put("val_loss", v.loss());
                m.put("val_" + metric, v.metric());
            }
            m.put("elapsed_seconds", p.seconds());
            m.put("updates_per_second", p.updatesPerSecond());
            m.put("mean_staleness", p.meanStaleness());
            m.put("members", (long) p.members());
            writeMetrics(m);
            curve.add(e.epoch() + 1, e.trainLoss(), v == null ? Double.NaN : v.loss());
            try {
                curve.write(dir.resolve("learning-curve.png"), "loss (" + objective.name().toLowerCase(Locale.ROOT)
                        .replace('_', '-') + ")", dataName);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        @Override
        public synchronized void onEvent(String message) {
            line(message);
        }

        private void line(String s) {
            if (bar != null) {
                bar.close();
                bar = null;
            }
            out.println(s);
            out.flush();
            lastLine = System.nanoTime();
        }

        void writeMetrics(Map<String, ?> line) {
            try {
                runDir.appendMetrics(line);   // NaN (a mean over no worker) is written as null
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        synchronized void closeBar() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
