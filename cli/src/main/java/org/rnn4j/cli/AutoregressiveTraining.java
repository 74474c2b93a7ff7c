package org.rnn4j.cli;

import org.rnn4j.cli.options.AutoregressiveOptions;
import org.rnn4j.data.text.CharModels;
import org.rnn4j.data.text.CharText;
import org.rnn4j.data.timeseries.SeriesScaling;
import org.rnn4j.data.timeseries.TimeSeries;
import org.rnn4j.experiments.LearningCurve;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Provenance;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.RecurrentConfig;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.train.ArrayDataset;
import org.rnn4j.train.Checkpoint;
import org.rnn4j.train.Objective;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.TrainListener;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingDivergedException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code rnn4j train --text FILE} and {@code train --series FILE.csv --column NAME}: an autoregressive model trained
 * with teacher forcing on windows of a text or a series, the end of it held out. The rest of train's options apply
 * (model, optimizer, epochs, batch, clipping, --tbptt, seed, --out, --resume); the data options of tasks and
 * --data do not.
 *
 * <p>Text: a character language model (an embedding of the V characters of the text, V classes on every step,
 * cross-entropy), scored in bits per character on the held-out tail with the state carried in from the text
 * before it; the model file keeps the vocabulary as the class names of its data schema, and its meta says
 * {@code "text"}. Series: a next-value model of the standardised values, or with {@code --difference} of the
 * standardised changes ({@link SeriesScaling}), trained on windows starting at every step (MSE), scored by the
 * RMSE of one-step forecasts on the held-out tail in the series' units; the schema keeps the column and the
 * scaling, the meta {@code "series"} the window, the held-out length and whether the model sees changes.
 */
final class AutoregressiveTraining {

    /** The meta key of a character language model's file. */
    static final String TEXT = "text";
    /** The meta key of a next-value forecaster's file. */
    static final String SERIES = "series";

    private final TrainCommand cmd;
    private final AutoregressiveOptions opts;

    AutoregressiveTraining(TrainCommand cmd, AutoregressiveOptions opts) {
        this.cmd = cmd;
        this.opts = opts;
    }

    /** What the data gives the shared training: datasets, model, schema, meta and the final score. */
    private record Prepared(ArrayDataset train, ArrayDataset validation, SequenceModel.Builder model,
                            Objective objective, DataSchema schema, Map<String, Object> meta, String description,
                            String heldOut, FinalScore score) {
    }

    @FunctionalInterface
    private interface FinalScore {
        String of(SequenceModel model);
    }

    int run(Checkpoint restored, PrintWriter out, PrintWriter err) throws IOException {
        refuseTaskOptions();
        int window = opts.window();
        double holdout = opts.holdout();
        int[] k = cmd.parseTbptt();
        if (opts.text() != null && cmd.tbptt == null) {
            k = new int[] {Math.min(32, window), Math.min(32, window)};
        }
        if (cmd.batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + cmd.batch);
        }
        if (cmd.maxSteps != null && cmd.maxSteps < 1) {
            throw new IllegalArgumentException("--max-steps must be at least 1, got " + cmd.maxSteps);
        }
        if (cmd.model.network(1).bidirectional()) {
            throw new IllegalArgumentException("an autoregressive model reads its past only: --bidirectional does not"
                    + " apply to --text or --series");
        }
        Prepared p = opts.text() != null ? text(window, holdout) : series(window, holdout);
        int nThreads = cmd.threads != null ? cmd.threads : Runtime.getRuntime().availableProcessors();
        if (nThreads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + nThreads);
        }
        long batchesPerEpoch = (p.train().size() + cmd.batch - 1) / cmd.batch;
        TrainConfig tc = TrainConfig.builder().epochs(cmd.epochs).batchSize(cmd.batch).objective(p.objective())
                .learningRate(cmd.optim.learningRate()).schedule(cmd.optim.schedule(batchesPerEpoch * cmd.epochs))
                .clipNorm(cmd.clipNorm).clipValue(cmd.clipValue).tbptt(k[0], k[1]).patience(cmd.patience)
                .seed(cmd.seed).build();
        cmd.optim.create(cmd.momentumGiven);   // an unknown optimizer is refused before anything is written
        Path dir = cmd.out;
        RunDirectory runDir = restored != null ? RunDirectory.resume(dir, restored.progress().epoch(), err)
                : RunDirectory.fresh(dir, cmd.overwrite, err);
        try (Compute compute = Compute.withThreads(nThreads)) {
            SequenceModel.Builder builder = p.model().init(cmd.model.initScheme()).seed(cmd.seed).compute(compute);
            if (cmd.model.forgetBias() != null) {
                builder.forgetBias(cmd.model.forgetBias());
            }
            SequenceModel net = builder.build();
            Optimizer optimizer = cmd.optim.create(cmd.momentumGiven);
            Trainer trainer = new Trainer(tc, optimizer);
            if (restored != null) {
                restored.restoreInto(net, optimizer, trainer);
            }
            Provenance provenance = Provenance.current(cmd.seed, p.description())
                    .withExtra("objective", p.objective().name());
            out.println("training " + ModelDescription.of(net.config()) + ", " + net.parameters().size() + " parameters");
            out.println("on " + p.train().describe() + "; validation: " + p.heldOut() + "; " + optimizer.name()
                    + " lr " + cmd.optim.learningRate() + ", batch " + cmd.batch + ", " + cmd.epochs + " epochs"
                    + (k[0] > 0 ? ", truncated BPTT " + k[0] + (k[1] != k[0] ? "," + k[1] : "") : "") + ", "
                    + nThreads + (nThreads == 1 ? " thread" : " threads"));
            out.println("writing to " + dir.toAbsolutePath());
            out.flush();
            Listener listener = new Listener(runDir, net, trainer, provenance, p, out);
            if (restored != null) {
                listener.curve.load(dir.resolve("metrics.jsonl"));
            }
            long start = System.nanoTime();
            try {
                trainer.fit(net, p.train(), p.validation(), listener);
            } catch (TrainingDivergedException e) {
                throw new TrainingDivergedException(e.getMessage() + (Files.exists(listener.checkpoint)
                        ? "; the last good checkpoint is " + listener.checkpoint : ""), e.step());
            }
            ModelFile.write(dir.resolve("model.rnn4j"), new ModelFile.Contents(ModelFile.KIND_MODEL, net.config(),
                    net.parameters().values(), provenance, Map.of(), p.meta(), p.schema()));
            Trainer.Progress end = trainer.progress();
            if (end.epoch() < cmd.epochs && !end.stopped()) {
                out.println("stopped after " + end.step() + " mini-batches (--max-steps); continue with: rnn4j train"
                        + " --resume " + listener.checkpoint);
                return 0;
            }
            String score = p.score().of(net);
            listener.writeMetrics(Map.of("type", "test", "result", score));
            out.printf(Locale.ROOT, "done in %.1f s: %s%n", (System.nanoTime() - start) / 1e9, score);
            out.println("model: " + dir.resolve("model.rnn4j"));
            out.println("learning curve: " + dir.resolve("learning-curve.png"));
        } catch (Throwable failed) {   // out of memory included: a run that wrote nothing leaves no directory
            runDir.abandon();
            throw failed;
        } finally {
            runDir.release();
        }
        return 0;
    }

    /** The options of built-in tasks and of --data do not apply here: refused rather than ignored. */
    private void refuseTaskOptions() {
        CommandLine.ParseResult parsed = cmd.spec.commandLine().getParseResult();
        CommandLine.Model.CommandSpec data = cmd.spec.mixins().get("data");
        for (CommandLine.Model.OptionSpec o : data.options()) {
            if (parsed.hasMatchedOption(o)) {
                throw new IllegalArgumentException(o.longestName() + " is for --task and --data, not for "
                        + (opts.text() != null ? "--text" : "--series"));
            }
        }
    }

    /** The text's windows, its held-out tail, a model with an embedding of its characters. */
    private Prepared text(int window, double holdout) throws IOException {
        Path file = opts.text();
        CharText text = CharText.read(file);
        int n = text.length();
        int held = (int) Math.round(holdout * n);
        if (held < 2 || n - held < 2) {
            throw new IllegalArgumentException("--text " + file + ": " + n + " characters are too few to hold out "
                    + holdout + " of them (both parts need at least 2)");
        }
        CharText trainPart = text.slice(0, n - held);
        CharText tail = text.slice(n - held, n);
        String name = file.getFileName().toString();
        ArrayDataset train = trainPart.windows(window, window, name + ", characters 1–" + (n - held) + " ("
                + text.vocabularySize() + " distinct) in windows of " + window);
        ArrayDataset validation = tail.windows(window, window, "the last " + held + " characters");
        int v = text.vocabularySize();
        RecurrentConfig network = cmd.model.network(1);
        SequenceModel.Builder model = SequenceModel.builder().network(network).embedding(v, opts.embedding())
                .head(Head.EVERY_STEP).outputSize(v);
        List<String> chars = new ArrayList<>();
        for (int cp : text.vocabulary()) {
            chars.add(new String(Character.toChars(cp)));
        }
        DataSchema schema = new DataSchema(null, null, List.of("character"), "next character", List.of(), chars,
                null, null);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("file", name);
        info.put("characters", (long) n);
        info.put("held_out", (long) held);
        info.put("window", (long) window);
        int[] trainTokens = trainPart.tokens();
        int[] context = Arrays.copyOfRange(trainTokens, Math.max(0, trainTokens.length - window), trainTokens.length);
        int[] heldTokens = tail.tokens();
        double unigram = unigramBits(trainTokens, heldTokens, v);
        FinalScore score = m -> String.format(Locale.ROOT, "%.3f bits per character on the held-out last %d characters"
                        + " of %s (a unigram model of the training part: %.3f; uniform over the %d characters: %.3f)",
                CharModels.bitsPerCharacter(m, context, heldTokens), held, name, unigram, v, Math.log(v) / Math.log(2));
        return new Prepared(train, validation, model, Objective.CROSS_ENTROPY, schema, Map.of(TEXT, info),
                file.toString(), validation.size() + " windows of the last " + held + " characters", score);
    }

    /** Bits per character of the held-out tokens under the training part's character frequencies (add-one). */
    private static double unigramBits(int[] train, int[] held, int v) {
        double[] count = new double[v];
        Arrays.fill(count, 1);
        for (int t : train) {
            count[t]++;
        }
        double total = train.length + v;
        double bits = 0;
        for (int t : held) {
            bits -= Math.log(count[t] / total);
        }
        return bits / held.length / Math.log(2);
    }

    /** The series' windows, scaled on the training part, its held-out tail, a one-in one-out model. */
    private Prepared series(int window, double holdout) throws IOException {
        Path file = opts.series();
        TimeSeries s = TimeSeries.read(file, opts.column(), opts.fillGaps());
        double[] y = s.values();
        int n = y.length;
        int held = (int) Math.round(holdout * n);
        int trainN = n - held;
        boolean difference = opts.difference();
        if (held < 2 || trainN < window + 2 + (difference ? 1 : 0)) {
            throw new IllegalArgumentException("--series " + file + ": " + n + " values are too few to hold out "
                    + holdout + " of them and train on windows of " + window + " (--window) before them");
        }
        SeriesScaling scaling;
        try {
            scaling = SeriesScaling.fit(y, trainN, difference);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--series " + file + " column " + opts.column() + ": " + e.getMessage(),
                    e);
        }
        double[] z = scaling.encode(y, scaling.firstStep(), trainN);   // the training part as the model sees it
        String name = file.getFileName().toString();
        String gaps = s.gapsFilled() > 0 ? ", " + s.gapsFilled() + " gaps filled" : "";
        String seen = difference ? "changes" : "values";
        ArrayDataset train = TimeSeries.nextValueWindows(z, window, 1, name + " column " + opts.column() + ", the "
                + seen + " of values 1–" + trainN + gaps + ", in windows of " + window + " starting at every step");
        ArrayDataset validation = TimeSeries.nextValueWindows(scaling.encode(y, trainN, n), window, window,
                "the last " + held + " values");
        SequenceModel.Builder model = SequenceModel.builder().network(cmd.model.network(1)).head(Head.EVERY_STEP)
                .outputSize(1);
        DataSchema schema = new DataSchema(null, null, List.of(opts.column()), null, List.of(opts.column()), List.of(),
                new float[] {scaling.center()}, new float[] {scaling.scale()});
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("file", name);
        info.put("column", opts.column());
        info.put("values", (long) n);
        info.put("held_out", (long) held);
        info.put("window", (long) window);
        info.put("difference", difference);
        info.put("gaps_filled", (long) s.gapsFilled());
        FinalScore score = m -> {
            int[] origins = new int[held];
            for (int i = 0; i < held; i++) {
                origins[i] = trainN + i;
            }
            double[][] f = scaling.forecast(m, y, origins, window, 1);
            double ss = 0;
            for (int i = 0; i < held; i++) {
                double d = f[i][0] - y[trainN + i];
                ss += d * d;
            }
            return String.format(Locale.ROOT, "one-step RMSE %.4g on the held-out last %d values of %s column %s"
                    + " (their std: %.4g); forecast several steps with: rnn4j forecast MODEL --data %s --column %s"
                    + " --horizon H", Math.sqrt(ss / held), held, name, opts.column(), stdOf(y, trainN, n), file,
                    opts.column());
        };
        return new Prepared(train, validation, model, Objective.MSE, schema, Map.of(SERIES, info), file
                + " column " + opts.column() + (difference ? " (changes)" : ""), validation.size()
                + " windows of the last " + held + " values", score);
    }

    private static double stdOf(double[] y, int from, int to) {
        double m = 0;
        for (int i = from; i < to; i++) {
            m += y[i];
        }
        m /= to - from;
        double v = 0;
        for (int i = from; i < to; i++) {
            v += (y[i] - m) * (y[i] - m);
        }
        return Math.sqrt(v / (to - from));
    }

    /** A line per epoch, metrics.jsonl, the learning curve and the checkpoint. */
    private final class Listener implements TrainListener {
        final RunDirectory runDir;
        final Path dir;
        final Path checkpoint;
        final SequenceModel net;
        final Trainer trainer;
        final Provenance provenance;
        final Prepared p;
        final PrintWriter out;
        final LearningCurve curve = new LearningCurve();
        long epochStart = System.nanoTime();

        Listener(RunDirectory runDir, SequenceModel net, Trainer trainer, Provenance provenance, Prepared p,
                 PrintWriter out) {
            this.runDir = runDir;
            this.dir = runDir.dir();
            this.checkpoint = dir.resolve("checkpoint.rnn4j");
            this.net = net;
            this.trainer = trainer;
            this.provenance = provenance;
            this.p = p;
            this.out = out;
        }

        /** A loss as the command reports it: bits per character for text, the MSE of standardised values. */
        private String loss(double nats) {
            return p.objective() == Objective.CROSS_ENTROPY ? String.format(Locale.ROOT, "%.4f bpc", nats / Math.log(2))
                    : String.format(Locale.ROOT, "MSE %.5f", nats);
        }

        @Override
        public void onStep(StepRecord s, Trainer.Progress progress) {
            if (cmd.maxSteps != null && s.step() >= cmd.maxSteps) {
                saveCheckpoint();
                trainer.requestStop();
            } else if (cmd.checkpointEvery > 0 && s.step() % cmd.checkpointEvery == 0) {
                saveCheckpoint();
            }
        }

        @Override
        public void onEpoch(EpochRecord e, Trainer.Progress progress) {
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            out.printf(Locale.ROOT, "epoch %d/%d  train %s | validation %s | %.1f s%s%n", e.epoch() + 1, cmd.epochs,
                    loss(e.trainLoss()), loss(e.validationLoss()), seconds, progress.stopped() ? " | early stop" : "");
            out.flush();
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("type", "epoch");
            line.put("epoch", e.epoch() + 1);
            line.put("step", progress.step());
            line.put("train_loss", e.trainLoss());
            line.put("val_loss", e.validationLoss());
            line.put("seconds", seconds);
            writeMetrics(line);
            curve.add(e.epoch() + 1, e.trainLoss(), e.validationLoss());
            try {
                curve.write(dir.resolve("learning-curve.png"), p.objective() == Objective.CROSS_ENTROPY
                        ? "loss (cross-entropy, nats per character)" : "loss (MSE of standardised values)",
                        p.description());
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            saveCheckpoint();
            epochStart = System.nanoTime();
        }

        void saveCheckpoint() {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("args", new ArrayList<>(cmd.originalArgs));
            try {
                Checkpoint.save(checkpoint, net, trainer, provenance, run, p.schema());
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
    }
}
