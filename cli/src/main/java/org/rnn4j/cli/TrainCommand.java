package org.rnn4j.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.rnn4j.cli.options.AutoregressiveOptions;
import org.rnn4j.cli.options.ClusterOptions;
import org.rnn4j.cli.options.DataOptions;
import org.rnn4j.cli.options.ModelOptions;
import org.rnn4j.cli.options.OptimizerOptions;
import org.rnn4j.cli.options.SpeechOptions;
import org.rnn4j.data.TaskData;
import org.rnn4j.experiments.LearningCurve;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Provenance;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.train.Checkpoint;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.TrainListener;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code rnn4j train}: trains a model and writes it, a checkpoint, metrics and a learning curve. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a recurrent network on a built-in task or on your own data.",
                "Built-in: synthetic tasks and images read as sequences (--task); yours: a CSV",
                "file in long format, a directory of CSV files (one sequence each), or arrays",
                "in .npz or .npy files (--data).",
                "With no options: an LSTM (H=64) learns the adding problem (T=50) with Adam.",
                "Writes model.rnn4j, checkpoint.rnn4j, metrics.jsonl and learning-curve.png into --out;",
                "a directory that already holds a run is refused unless --resume or --overwrite is given."})
final class TrainCommand implements Callable<Integer> {

    @Mixin
    DataOptions data = new DataOptions();

    @Mixin
    ModelOptions model = new ModelOptions();

    @Mixin
    OptimizerOptions optim = new OptimizerOptions();

    @Mixin
    SpeechOptions speech = new SpeechOptions();

    @Mixin
    AutoregressiveOptions autoregressive = new AutoregressiveOptions();

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    org.rnn4j.cli.options.StreamOptions streams = new org.rnn4j.cli.options.StreamOptions();

    @Option(names = "--epochs", defaultValue = "8", paramLabel = "N", description = "Passes over the training data. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "Sequences per mini-batch. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--clip-norm", defaultValue = "1.0", paramLabel = "N",
            description = "Clip gradients to this global norm; 0 for none. Default: ${DEFAULT-VALUE}.")
    double clipNorm;

    @Option(names = "--clip-value", defaultValue = "0", paramLabel = "V",
            description = "Clamp every gradient to [-V, V]; 0 for none. Default: ${DEFAULT-VALUE}.")
    float clipValue;

    @Option(names = "--tbptt", paramLabel = "K1[,K2]",
            description = "Truncated BPTT: update every K1 steps, backpropagating over K2 (default K1). Default: full BPTT.")
    String tbptt;

    @Option(names = "--patience", defaultValue = "0", paramLabel = "N",
            description = "Stop after N epochs without a better validation loss, keeping the best model; 0 for never. Default: ${DEFAULT-VALUE}.")
    int patience;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "Seed of initialisation, shuffling and dropout. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads. Default: the number of cores.")
    Integer threads;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory. Default: runs/TASK-CELL-TIME."
            + " A directory that already holds a run is refused unless --resume or --overwrite is given.")
    Path out;

    @Option(names = "--overwrite", description = "Start again in an --out directory that holds a run: first removes"
            + " its model.rnn4j, checkpoint.rnn4j, metrics.jsonl, learning-curve.png and temporary files left by a"
            + " stopped run; other files in it are kept.")
    boolean overwrite;

    @Option(names = "--checkpoint-every", defaultValue = "200", paramLabel = "N",
            description = "Also write the checkpoint every N mini-batches (it is always written after each epoch). Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Option(names = "--max-steps", paramLabel = "N",
            description = "Stop after N mini-batches in total, with a checkpoint to continue from (time-boxed runs).")
    Long maxSteps;

    @Option(names = "--resume", paramLabel = "CHECKPOINT|DIR",
            description = "Continue the run saved in CHECKPOINT (or in DIR/checkpoint.rnn4j) with its original options;"
                    + " only --max-steps, --threads and --no-progress may be given anew, other options are ignored."
                    + " metrics.jsonl is cut back to the checkpoint's epochs (a stop can leave an epoch's line without"
                    + " its checkpoint) and temporary files of a stopped run are removed. A distributed run goes on"
                    + " where --cluster, --cluster-name and --bind of this command say (in this JVM without --cluster).")
    Path resume;

    @Option(names = "--no-progress", description = "Print one line per epoch instead of a progress bar.")
    boolean noProgress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The command line this run was started with, stored in checkpoints so that --resume can repeat it. */
    List<String> originalArgs = List.of();

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        Checkpoint restored = null;
        TrainCommand run = this;
        if (resume != null && overwrite) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--resume continues a run and --overwrite"
                    + " starts it again: give one of them");
        }
        if (resume != null && Files.isDirectory(resume)) {
            if (!Files.exists(resume.resolve(RunDirectory.CHECKPOINT))) {
                throw new IllegalArgumentException("--resume " + resume + ": the directory has no "
                        + RunDirectory.CHECKPOINT + " to continue from");
            }
            resume = resume.resolve(RunDirectory.CHECKPOINT);
        }
        if (resume != null && DistributedTrain.isCheckpoint(resume)) {
            return DistributedTrain.resume(this, outw);
        }
        if (resume != null && org.rnn4j.io.MultiStreamModelFile.isMultiStreamModel(resume)) {
            org.rnn4j.io.MultiStreamModelFile.Loaded saved = org.rnn4j.io.MultiStreamModelFile.load(resume, null);
            run = continuing(MultiStreamTraining.savedArgs(saved, resume));
            return new MultiStreamTraining(run).run(run.data.dataFile(), outw, err, saved, resume);
        }
        if (resume != null) {
            restored = Checkpoint.load(resume, null);
            @SuppressWarnings("unchecked")
            List<String> args = (List<String>) restored.run().getOrDefault("args", List.of());
            run = continuing(args);
            Trainer.Progress saved = restored.progress();
            outw.println(saved.epoch() >= run.epochs || saved.stopped()
                    ? "resuming " + resume + ": the run had finished after " + saved.epoch()
                    + (saved.epoch() == 1 ? " epoch" : " epochs") + " (step " + saved.step()
                    + "); writing its model and testing it again"
                    : "resuming " + resume + " at epoch " + (saved.epoch() + 1) + ", step " + saved.step());
        } else {
            List<String> all = spec.commandLine().getParseResult().originalArgs();
            momentumGiven = spec.commandLine().getParseResult().hasMatchedOption("--momentum");
            if (out == null) {
                out = Path.of("runs", (autoregressive.active() ? autoregressive.name() : data.describeTask()) + "-"
                        + model.cellName() + "-"
                        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            }
            try {   // before the data is read: refused at once
                RunDirectory.refuseExisting(out, overwrite);
            } catch (RunDirectory.AlreadyARun e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            // what follows "train", with paths made absolute so that --resume works from any directory
            originalArgs = absolutePaths(all.subList(all.indexOf(spec.name()) + 1, all.size()), out);
            if (cluster.distributed()) {
                if (!speech.given() && MultiStreamTraining.isMultiStream(data.dataFile())) {
                    throw new IllegalArgumentException("--workers: " + data.dataFile() + " holds several streams, and a"
                            + " multi-stream model trains in one JVM only; leave out --workers and --cluster");
                }
                return new DistributedTrain(this, outw).run(null);
            }
            cluster.refuseWithoutWorkers();
        }
        return run.train(restored, outw, err);
    }

    /**
     * The run that {@code args} (the command line stored in a checkpoint) started, continued by this invocation: its
     * --threads, --no-progress and --max-steps apply, its --overwrite does not.
     */
    private TrainCommand continuing(List<String> args) {
        TrainCommand run = new TrainCommand();
        CommandLine.ParseResult parsed = new CommandLine(run).setOverwrittenOptionsAllowed(true)
                .parseArgs(args.toArray(String[]::new));
        run.momentumGiven = parsed.hasMatchedOption("--momentum");
        run.originalArgs = args;
        run.overwrite = false;   // the first invocation's --overwrite started the run; this one continues it
        run.noProgress = run.noProgress || noProgress;
        run.maxSteps = maxSteps;   // a time box belongs to one invocation, not to the run
        if (threads != null) {
            run.threads = threads;
        }
        if (run.out == null) {
            run.out = resume.toAbsolutePath().getParent();
        }
        return run;
    }

    /** Options whose value is a path, made absolute in the stored command line. */
    private static final java.util.Set<String> PATH_OPTIONS = java.util.Set.of("--out", "--data", "--val-data",
            "--labels", "--targets", "--lengths", "--times", "--data-dir", "--text", "--series");

    private static List<String> absolutePaths(List<String> args, Path out) {
        List<String> result = new ArrayList<>();
        boolean hasOut = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(0, eq) : a;
            hasOut |= name.equals("--out");
            if (PATH_OPTIONS.contains(name) && eq > 0) {
                result.add(name + "=" + Path.of(a.substring(eq + 1)).toAbsolutePath());
            } else if (PATH_OPTIONS.contains(name) && i + 1 < args.size()) {
                result.add(a);
                result.add(Path.of(args.get(++i)).toAbsolutePath().toString());
            } else {
                result.add(a);
            }
        }
        if (!hasOut) {
            result.add("--out");
            result.add(out.toAbsolutePath().toString());
        }
        return result;
    }

    boolean momentumGiven;

    /** Ranges of the training options, refused in the options' names before the library would name them in its own words. */
    private void checkOptions() {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("--patience must be 0 (no early stopping) or more, got " + patience);
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("--clip-norm must be a finite number >= 0 (0: off), got " + clipNorm);
        }
        if (!(clipValue >= 0) || Float.isInfinite(clipValue)) {
            throw new IllegalArgumentException("--clip-value must be a finite number >= 0 (0: off), got " + clipValue);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("--checkpoint-every must be 0 (after each epoch only) or more, got "
                    + checkpointEvery);
        }
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        optim.check();
    }

    private int train(Checkpoint restored, PrintWriter outw, PrintWriter err) throws IOException {
        checkOptions();
        autoregressive.check();
        if (autoregressive.active()) {   // --text or --series: a path of its own
            return new AutoregressiveTraining(this, autoregressive).run(restored, outw, err);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        if (maxSteps != null && maxSteps < 1) {
            throw new IllegalArgumentException("--max-steps must be at least 1, got " + maxSteps);
        }
        if (!speech.given() && MultiStreamTraining.isMultiStream(data.dataFile())) {
            if (restored != null) {
                throw new IllegalArgumentException("--resume " + resume + ": a single-stream checkpoint, but "
                        + data.dataFile() + " holds several streams");
            }
            return new MultiStreamTraining(this).run(data.dataFile(), outw, err, null, null);
        }
        TaskData task = speech.given() ? speech.load(data) : data.load();
        Dataset train = task.train();
        int[] k = parseTbptt();
        ModelConfig config = model.model(task.inputSize(), task.head(), task.outputSize());
        model.initScheme();
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (nThreads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + nThreads);
        }
        if (k[0] > 0 && config.network().bidirectional()) {
            throw new IllegalArgumentException("--tbptt needs a unidirectional network: a bidirectional layer reads"
                    + " each sequence from both ends");
        }
        long batchesPerEpoch = (train.size() + batch - 1) / batch;
        TrainConfig tc = trainConfig(task.objective(), batchesPerEpoch);
        optim.create(momentumGiven);   // an unknown optimizer is refused before anything is written
        Path dir = out;
        RunDirectory runDir = restored != null ? RunDirectory.resume(dir, restored.progress().epoch(), err)
                : RunDirectory.fresh(dir, overwrite, err);
        try (Compute compute = Compute.withThreads(nThreads)) {
            SequenceModel net = buildModel(config, compute);
            Optimizer optimizer = optim.create(momentumGiven);
            Trainer trainer = new Trainer(tc, optimizer);
            if (restored != null) {
                restored.restoreInto(net, optimizer, trainer);
            }
            Provenance provenance = data.recordIn(Provenance.current(seed, train.describe()), task);

            Run r = new Run(runDir, net, trainer, provenance, task.objective(), train.describe(), outw, task.schema());
            outw.println("training " + ModelDescription.of(config) + ", " + net.parameters().size() + " parameters");
            outw.println("on " + train.describe() + "; validation: "
                    + (task.validation() == null ? "none" : task.validation().size() + " sequences") + "; "
                    + optimizer.name() + " lr " + optim.learningRate() + ", batch " + batch + ", " + epochs + " epochs, "
                    + nThreads + (nThreads == 1 ? " thread, " : " threads, ") + compute.kernels().name() + " kernels");
            String decided = speech.given() ? null : data.decisions(task);
            if (decided != null) {
                outw.println(decided);
            }
            outw.println("writing to " + dir.toAbsolutePath());
            outw.flush();
            long start = System.nanoTime();
            if (restored != null) {
                r.curve.load(dir.resolve("metrics.jsonl"));
            }
            try {
                trainer.fit(net, train, task.validation(), r);
            } catch (TrainingDivergedException e) {
                r.closeBar();
                throw new TrainingDivergedException(e.getMessage() + (Files.exists(r.checkpoint)
                        ? "; the last good checkpoint is " + r.checkpoint : ""), e.step());
            } finally {
                r.closeBar();
            }
            if (speech.given()) {
                speech.save(dir.resolve("model.rnn4j"), net, provenance, task.schema());
            } else {
                ModelFile.save(dir.resolve("model.rnn4j"), net, provenance, task.schema());
            }
            Trainer.Progress end = trainer.progress();
            if (end.epoch() < epochs && !end.stopped()) {
                outw.println("stopped after " + end.step() + " mini-batches (--max-steps); continue with: rnn4j train --resume "
                        + r.checkpoint);
                return 0;
            }
            TaskData testData = testData(task, config);
            Trainer.Evaluation test = Trainer.evaluate(net, testData.train(), task.objective(), 256);
            String metric = task.objective().metricName();
            r.writeMetrics(Map.of("type", "test", "loss", test.loss(), metric, test.metric()));
            outw.printf("done in %.1f s: test loss %.5f, %s %.5f on %s%s%s%n", (System.nanoTime() - start) / 1e9,
                    test.loss(), metric, test.metric(), testData.train().describe(),
                    data.hasFiles() && task.validation() == null
                            ? " (the training data: give --val-data or --val-split for a held-out set)" : "",
                    Double.isNaN(task.baselineLoss()) ? "" : String.format(" (best constant prediction: loss %.4f)",
                            task.baselineLoss()));
            outw.println("model: " + dir.resolve("model.rnn4j"));
            outw.println("learning curve: " + dir.resolve("learning-curve.png"));
        } catch (Throwable failed) {   // out of memory included: a run that wrote nothing leaves no directory
            runDir.abandon();
            throw failed;
        } finally {
            runDir.release();
        }
        return 0;
    }

    /**
     * The training config of these options for data with this objective; the learning-rate schedule spans
     * {@code batchesPerEpoch} × epochs updates.
     */
    TrainConfig trainConfig(org.rnn4j.train.Objective objective, long batchesPerEpoch) {
        int[] k = parseTbptt();
        return TrainConfig.builder().epochs(epochs).batchSize(batch).objective(objective)
                .learningRate(optim.learningRate()).schedule(optim.schedule(batchesPerEpoch * epochs))
                .clipNorm(clipNorm).clipValue(clipValue).tbptt(k[0], k[1]).patience(patience).seed(seed).build();
    }

    /** The model of these options for {@code config}, initialised from --seed. */
    SequenceModel buildModel(ModelConfig config, Compute compute) {
        SequenceModel.Builder builder = SequenceModel.builder().network(config.network()).head(config.head())
                .outputSize(config.outputSize()).init(model.initScheme()).seed(seed).compute(compute);
        if (model.forgetBias() != null) {
            builder.forgetBias(model.forgetBias());
        }
        return builder.build();
    }

    /**
     * The data a trained model is tested on: a task's held-out set, or for user data the validation data (already
     * standardised), else the training data itself.
     */
    TaskData testData(TaskData task, ModelConfig config) throws IOException {
        return !data.hasFiles() ? data.test(null, config, null)
                : task.withOnly(task.validation() != null ? task.validation() : task.train());
    }

    int[] parseTbptt() {
        if (tbptt == null) {
            return new int[]{0, 0};
        }
        try {
            String[] p = tbptt.split(",");
            int k1 = Integer.parseInt(p[0].trim());
            int k2 = p.length > 1 ? Integer.parseInt(p[1].trim()) : k1;
            if (p.length > 2 || k1 < 1) {
                throw new NumberFormatException();
            }
            return new int[]{k1, k2};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--tbptt takes K1 or K1,K2 with whole numbers K2 >= K1 >= 1, got '" + tbptt + "'");
        }
    }

    /** The listener of one run: progress, metrics, checkpoints and the learning curve. */
    private final class Run implements TrainListener {
        final RunDirectory runDir;
        final Path dir;
        final Path checkpoint;
        final SequenceModel net;
        final Trainer trainer;
        final Provenance provenance;
        final org.rnn4j.train.Objective objective;
        final String dataName;
        final PrintWriter out;
        final org.rnn4j.io.DataSchema schema;
        final LearningCurve curve = new LearningCurve();
        ProgressBar bar;
        long epochStart = System.nanoTime();
        long stepsAtEpochStart;

        Run(RunDirectory runDir, SequenceModel net, Trainer trainer, Provenance provenance,
            org.rnn4j.train.Objective objective, String dataName, PrintWriter out, org.rnn4j.io.DataSchema schema) {
            this.runDir = runDir;
            this.dir = runDir.dir();
            this.checkpoint = dir.resolve("checkpoint.rnn4j");
            this.net = net;
            this.trainer = trainer;
            this.provenance = provenance;
            this.objective = objective;
            this.dataName = dataName;
            this.out = out;
            this.schema = schema;
        }

        @Override
        public void onStep(StepRecord s, Trainer.Progress p) {
            if (!noProgress && System.console() != null) {
                if (bar == null) {
                    bar = new ProgressBarBuilder().setTaskName("epoch " + (s.epoch() + 1) + "/" + epochs)
                            .setInitialMax(s.batchesPerEpoch()).setStyle(ProgressBarStyle.ASCII)
                            .setUpdateIntervalMillis(200).setConsumer(new ConsoleProgressBarConsumer(System.err))
                            .setUnit(" batches", 1).showSpeed().build();
                    bar.stepTo(s.batchInEpoch() - 1);
                }
                bar.stepTo(s.batchInEpoch());
                bar.setExtraMessage(String.format(" loss %.4f %s %.4f", s.loss(), objective.metricName(), s.metric()));
            }
            if (maxSteps != null && s.step() >= maxSteps) {
                closeBar();
                saveCheckpoint(p);
                trainer.requestStop();
            } else if (checkpointEvery > 0 && s.step() % checkpointEvery == 0) {
                saveCheckpoint(p);
            }
        }

        @Override
        public void onEpoch(EpochRecord e, Trainer.Progress p) {
            closeBar();
            long steps = p.step() - stepsAtEpochStart;
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            String metric = objective.metricName();
            boolean validated = !Double.isNaN(e.validationLoss());
            out.printf("epoch %d/%d  train loss %.5f %s %.5f%s | %.1f s, %.0f batches/s%s%n", e.epoch() + 1, epochs,
                    e.trainLoss(), metric, e.trainMetric(), validated ? String.format(" | validation loss %.5f %s %.5f",
                            e.validationLoss(), metric, e.validationMetric()) : "",
                    seconds, steps / seconds, p.stopped() ? " | early stop" : "");
            out.flush();
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("type", "epoch");
            line.put("epoch", e.epoch() + 1);
            line.put("step", p.step());
            line.put("train_loss", e.trainLoss());
            line.put("train_" + metric, e.trainMetric());
            if (validated) {
                line.put("val_loss", e.validationLoss());
                line.put("val_" + metric, e.validationMetric());
            }
            line.put("lr", trainer.optimizer().learningRate());
            line.put("seconds", seconds);
            writeMetrics(line);
            curve.add(e.epoch() + 1, e.trainLoss(), e.validationLoss());
            try {
                curve.write(dir.resolve("learning-curve.png"), "loss (" + objective.name().toLowerCase(java.util.Locale.ROOT)
                        .replace('_', '-') + ")", dataName);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            saveCheckpoint(p);
            epochStart = System.nanoTime();
            stepsAtEpochStart = p.step();
        }

        void saveCheckpoint(Trainer.Progress p) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("args", new ArrayList<>(originalArgs));
            try {
                Checkpoint.save(checkpoint, net, trainer, provenance, run, schema);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        void writeMetrics(Map<String, Object> line) {
            try {
                runDir.appendMetrics(line);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        void closeBar() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }

    @Override
    public String toString() {
        return "train " + Arrays.toString(originalArgs.toArray());
    }
}
