package org.rnn4j.experiments;

import org.rnn4j.data.speech.FrameFeatures;
import org.rnn4j.data.speech.PhoneSet;
import org.rnn4j.data.speech.SpeechCorpus;
import org.rnn4j.data.speech.Split;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.Schedule;
import org.rnn4j.train.ArrayDataset;
import org.rnn4j.train.Objective;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The shape of Sak, Senior and Beaufays 2014 (Table 1), on the synthetic speech corpus of docs/speech-data.md: LSTM,
 * LSTMP, 2-layer LSTMP and 3-layer LSTMP at (about) the same number of parameters classify every 10 ms frame of 40
 * log-mel energies (per-utterance normalised) into 40 phone classes, the output delayed by 5 frames, trained with
 * truncated BPTT over 20 frames with the state carried across windows; Adam with a rate decayed to a tenth along a
 * cosine, gradient clipping (norm 1), over several seeds. Scored: frame accuracy on the held-out espeak-ng voices
 * (the corpus's test split) and on Festival's voices (other-synth, a synthesiser never heard), training time, and
 * the majority-class (silence) rate of the held-out frames as the floor.
 *
 * <p>With a {@link RunTrainer} (the {@code rnn4j} command's {@code --workers N}), every run trains the same model
 * with asynchronous SGD over N workers, as Sak et al. did, and the report adds the wall-clock time of every epoch,
 * so that accuracy against time can be set beside single-JVM training's. Such a run is made again from its start
 * when resumed (its per-epoch state is the cluster's, not a {@link RunCheckpoint}). {@link #description} and
 * {@link #recipe(Map)} let members of other JVMs rebuild a run's model, data and training config.
 *
 * <p>An LSTMP layer of n cells projects them to r = n / 2 recurrent units (PyTorch's {@code proj_size}); each model's
 * cell count is the largest that keeps its parameters within the budget.
 */
public final class AcousticExperiment implements Experiment<AcousticExperiment.Run> {

    /** The models: LSTM, and LSTMP with 1, 2 and 3 layers. */
    public static final List<String> MODELS = List.of("lstm", "lstmp", "lstmp-2", "lstmp-3");

    private static final int DELAY = 5;
    private static final int TBPTT = 20;
    private static final FrameFeatures FEATURES = new FrameFeatures("fbank", true, DELAY);

    /**
     * The experiment's settings.
     *
     * @param models     which of {@link #MODELS}
     * @param seeds      seeds per model (seeds 1..n)
     * @param parameters the parameter budget of every model
     * @param epochs     epochs
     * @param batch      utterances per mini-batch
     * @param lr         Adam's initial learning rate, decayed to a tenth along a cosine
     */
    public record Settings(List<String> models, int seeds, int parameters, int epochs, int batch, float lr) {
        public Settings {
            models = Checks.names(models, MODELS, "model");
            Checks.atLeast(seeds, 1, "seeds");
            Checks.atLeast(parameters, 5000, "parameters");
            Checks.atLeast(epochs, 1, "epochs");
            Checks.atLeast(batch, 1, "batch");
            Checks.positive(lr, "lr");
        }

        /** The short run (40 000 parameters, 10 epochs, 2 seeds), or with {@code full} 120 000, 20 epochs, 3 seeds. */
        public static Settings defaults(boolean full) {
            return full ? new Settings(MODELS, 3, 120_000, 20, 16, 3e-3f)
                    : new Settings(MODELS, 2, 40_000, 10, 16, 5e-3f);
        }
    }

    /** One run: a model with a seed. */
    public record Run(String model, long seed) implements RunSpec {
        @Override
        public RunId id() {
            return new RunId(model, "frames", seed);
        }
    }

    /**
     * A model's shape: cells per layer, layers and projection (0 for none).
     */
    public record Shape(int cells, int layers, int proj) {

        /** Parameters of this shape on {@code inputs} features and {@code classes} outputs (biases as PyTorch's two). */
        public long parameters(int inputs, int classes) {
            int r = proj > 0 ? proj : cells;
            long total = 0;
            for (int l = 0; l < layers; l++) {
                int in = l == 0 ? inputs : r;
                total += 4L * cells * (in + r) + 8L * cells + (proj > 0 ? (long) proj * cells : 0);
            }
            return total + (long) classes * (r + 1);
        }

        /** The largest shape of {@code model} within {@code budget} parameters. */
        public static Shape within(String model, int budget, int inputs, int classes) {
            Shape best = null;
            for (int n = 2; ; n += 2) {
                Shape s = switch (model) {
                    case "lstm" -> new Shape(n, 1, 0);
                    case "lstmp" -> new Shape(n, 1, n / 2);
                    case "lstmp-2" -> new Shape(n, 2, n / 2);
                    case "lstmp-3" -> new Shape(n, 3, n / 2);
                    default -> throw new IllegalArgumentException("unknown model " + model);
                };
                if (s.parameters(inputs, classes) > budget) {
                    if (best == null) {
                        throw new IllegalArgumentException(budget + " parameters are too few for " + model);
                    }
                    return best;
                }
                best = s;
            }
        }

        @Override
        public String toString() {
            return (layers > 1 ? layers + " × " : "") + cells + " cells" + (proj > 0 ? ", proj " + proj : "");
        }
    }

    private final Settings settings;
    private final SpeechCorpus corpus;
    private final ArrayDataset train;
    private final ArrayDataset validation;
    private final ArrayDataset test;
    private final ArrayDataset other;
    private final double majority;
    private final RunTrainer trainer;   // null: the single-JVM Trainer

    /** The experiment on {@code corpus}; its features are computed now. */
    public AcousticExperiment(Settings settings, SpeechCorpus corpus) throws IOException {
        this(settings, corpus, null);
    }

    /**
     * The experiment on {@code corpus}, every run trained by {@code trainer} (null for the single-JVM trainer); its
     * features are computed now.
     */
    public AcousticExperiment(Settings settings, SpeechCorpus corpus, RunTrainer trainer) throws IOException {
        this.settings = settings;
        this.corpus = corpus;
        this.trainer = trainer;
        for (Split s : List.of(Split.TRAIN, Split.VALID, Split.TEST, Split.OTHER_SYNTH)) {
            if (corpus.utterances(s).isEmpty()) {
                throw new IllegalArgumentException(corpus.dir() + " has no utterances in its " + s.label()
                        + " split; make a larger corpus (with Festival for other-synth)");
            }
        }
        this.train = FEATURES.dataset(corpus, corpus.utterances(Split.TRAIN), "train split");
        this.validation = FEATURES.dataset(corpus, corpus.utterances(Split.VALID), "valid split");
        this.test = FEATURES.dataset(corpus, corpus.utterances(Split.TEST), "test split (held-out voices)");
        this.other = FEATURES.dataset(corpus, corpus.utterances(Split.OTHER_SYNTH), "other-synth split (Festival)");
        this.majority = FrameFeatures.majorityRate(corpus, corpus.utterances(Split.TEST));
    }

    @Override
    public String name() {
        return "acoustic";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", name());
        m.put("corpus", corpus.dir().toAbsolutePath().toString());
        m.put("utterances", (long) corpus.utterances().size());
        m.put("parameters", (long) settings.parameters());
        m.put("epochs", (long) settings.epochs());
        m.put("batch", (long) settings.batch());
        m.put("lr", (double) settings.lr());
        m.put("features", FEATURES.toMeta());
        m.put("tbptt", (long) TBPTT);
        if (trainer != null) {
            m.put("workers", (long) trainer.workers());
        }
        return m;
    }

    @Override
    public List<Run> runs() {
        return RunSpec.everyModelAndSeed(settings.models(), settings.seeds(), Run::new);
    }

    @Override
    public String describe(ExperimentDriver.Options options) {
        StringBuilder shapes = new StringBuilder();
        for (String m : settings.models()) {
            Shape s = shape(m);
            shapes.append(String.format(Locale.ROOT, "%n  %-8s %s, %d parameters", m, s,
                    s.parameters(FEATURES.size(), PhoneSet.standard().size())));
        }
        return String.format(Locale.ROOT, "frame classification of %d phone classes on %s: %d train, %d valid, %d test"
                        + " and %d other-synth utterances; fbank 40, per-utterance CMVN, delay %d, TBPTT %d; %d epochs,"
                        + " batch %d, Adam %s (cosine to a tenth), %d seeds, %d threads, %s%s%s",
                PhoneSet.standard().size(), corpus.dir(), train.size(), validation.size(), test.size(), other.size(),
                DELAY, TBPTT, settings.epochs(), settings.batch(), settings.lr(), settings.seeds(), options.threads(),
                Checks.jobs(options.jobs()), trainer == null ? "" : "; " + trainer.describe(), shapes);
    }

    private Shape shape(String model) {
        return Shape.within(model, settings.parameters(), FEATURES.size(), PhoneSet.standard().size());
    }

    /**
     * What one run trains: its model (built with a given compute), data and training config for {@code workers}
     * replicas (each one's learning-rate schedule spans its own share of the mini-batches), and the optimizer.
     */
    public record Recipe(Function<Compute, SequenceModel> factory, ArrayDataset train, ArrayDataset validation,
                         TrainConfig config, Adam optimizer) {
    }

    /** The recipe of {@code run} with {@code workers} replicas (1: the single-JVM trainer). */
    public Recipe recipe(Run run, int workers) {
        Shape s = shape(run.model());
        CellSpec cell = s.proj() > 0 ? CellSpec.lstm().withProjSize(s.proj()) : CellSpec.lstm();
        Function<Compute, SequenceModel> factory = compute -> SequenceModel.builder().inputSize(FEATURES.size())
                .cell(cell).hiddenSize(s.cells()).numLayers(s.layers()).head(Head.EVERY_STEP)
                .outputSize(PhoneSet.standard().size()).seed(run.seed()).compute(compute).build();
        long perWorker = (train.size() + workers - 1) / workers;
        long batches = (perWorker + settings.batch() - 1) / settings.batch() * (long) settings.epochs();
        TrainConfig cfg = TrainConfig.builder().epochs(settings.epochs()).batchSize(settings.batch())
                .objective(Objective.CROSS_ENTROPY).learningRate(settings.lr()).schedule(Schedule.cosine(batches, 0.1))
                .clipNorm(1.0).tbptt(TBPTT, TBPTT).seed(run.seed()).build();
        return new Recipe(factory, train, validation, cfg, new Adam(settings.lr()));
    }

    /** The command of a run's description, which {@link #recipe(Map)} reads. */
    public static final String COMMAND = "experiment acoustic";

    /** What a member of another JVM needs to rebuild {@code run}: the corpus's path and the settings, as JSON. */
    public String description(Run run, int workers) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("command", COMMAND);
        d.put("corpus", corpus.dir().toAbsolutePath().toString());
        d.put("model", run.model());
        d.put("seed", run.seed());
        d.put("parameters", (long) settings.parameters());
        d.put("epochs", (long) settings.epochs());
        d.put("batch", (long) settings.batch());
        d.put("lr", (double) settings.lr());
        d.put("workers", (long) workers);
        return org.rnn4j.io.Json.write(d);
    }

    /**
     * The recipe a {@link #description} names, built from the corpus at the same path (its features computed here).
     */
    public static Recipe recipe(Map<?, ?> description) throws IOException {
        try {
            String model = (String) description.get("model");
            Settings s = new Settings(List.of(model), 1, ((Number) description.get("parameters")).intValue(),
                    ((Number) description.get("epochs")).intValue(), ((Number) description.get("batch")).intValue(),
                    ((Number) description.get("lr")).floatValue());
            AcousticExperiment e = new AcousticExperiment(s, SpeechCorpus.open(Path.of((String) description.get(
                    "corpus"))));
            return e.recipe(new Run(model, ((Number) description.get("seed")).longValue()),
                    ((Number) description.get("workers")).intValue());
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("not the description of an acoustic run: " + description, e);
        }
    }

    @Override
    public RunResult run(Run run, Compute compute, RunCheckpoint checkpoint) throws Exception {
        Shape s = shape(run.model());
        Map<String, Object> extras = new LinkedHashMap<>();
        RunResult r;
        SequenceModel net;
        if (trainer == null) {
            Recipe recipe = recipe(run, 1);
            net = recipe.factory().apply(compute);
            r = new Training(net, train, validation, test, recipe.config(), recipe.optimizer(), Score.METRIC)
                    .run(run.id(), checkpoint);
            extras.putAll(r.extras());
        } else {
            Recipe recipe = recipe(run, trainer.workers());
            RunTrainer.Trained t = trainer.train(run.id(), description(run, trainer.workers()), recipe.factory(),
                    train, validation, recipe.config(), recipe.optimizer(), Score.METRIC,
                    compute.threads());
            net = recipe.factory().apply(compute);
            System.arraycopy(t.model().parameters().values(), 0, net.parameters().values(), 0,
                    net.parameters().size());
            double score = Score.METRIC.of(Trainer.evaluate(net, test, Objective.CROSS_ENTROPY, settings.batch()));
            double fraction = (double) net.recurrent().unitUpdates() / net.recurrent().denseUnitUpdates();
            r = new RunResult(run.id(), t.curve(), score, fraction, t.seconds(), 0, Map.of());
            extras.put("workers", (long) trainer.workers());
            extras.put("epoch_seconds", new ArrayList<Object>(t.epochSeconds()));
            extras.putAll(t.extras());
        }
        double otherAccuracy = Trainer.evaluate(net, other, Objective.CROSS_ENTROPY, settings.batch()).metric();
        extras.put("parameters", (long) net.parameters().size());
        extras.put("shape", s.toString());
        extras.put("other_synth_accuracy", otherAccuracy);
        return r.withExtras(extras);
    }

    @Override
    public String line(RunResult r) {
        return String.format(Locale.ROOT, "%-8s seed %d: frame accuracy %.2f %% (held-out voices), %.2f %% (Festival),"
                + " %.1f s%s%s", r.model(), r.seed(), 100 * r.score(), 100 * r.extra("other_synth_accuracy"), r.seconds(),
                r.extras().get("workers") instanceof Number w ? " with " + w + " workers" : "", r.divergedNote());
    }

    @Override
    public void report(List<RunResult> runs, Path out, PrintWriter pw) throws IOException {
        ExperimentReport.chart(out.resolve("learning-curves.png"), "rnn4j: frame accuracy on synthetic speech, "
                + settings.parameters() + " parameters", "validation frame accuracy", runs, settings.epochs(), false,
                null, 1.0);
        String table = table(runs, settings.models(), majority);
        pw.println();
        pw.print(table);
        pw.println();
        String cmp = comparison(runs, settings.models());
        if (!cmp.isEmpty()) {
            pw.println(cmp);
        }
        String time = wallTime(runs, settings.models());
        pw.println();
        pw.print(time);
        Map<String, Object> s = new LinkedHashMap<>(settings());
        s.put("majority_class_rate", majority);
        ExperimentReport.writeResults(out, table + "\n" + time, s, runs, "frame_accuracy", "learning-curves.png", pw);
    }

    /** A row per model: shape, parameters, both accuracies and training time (mean ± std over seeds). */
    static String table(List<RunResult> runs, List<String> models, double majority) {
        StringBuilder sb = new StringBuilder("| model | shape | parameters | frame accuracy, held-out voices"
                + " | frame accuracy, other synthesiser | training time per run |\n|---|---|---|---|---|---|\n");
        for (String model : models) {
            List<RunResult> mine = runs.stream().filter(r -> r.model().equals(model)).toList();
            if (mine.isEmpty()) {
                continue;
            }
            double[] acc = mine.stream().mapToDouble(RunResult::score).toArray();
            double[] oth = mine.stream().mapToDouble(r -> r.extra("other_synth_accuracy")).toArray();
            double[] sec = mine.stream().mapToDouble(RunResult::seconds).toArray();
            long diverged = mine.stream().filter(r -> r.divergedAtStep() > 0).count();
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f ± %.2f %%%s | %.2f ± %.2f %% | %.0f ± %.0f s |%n",
                    model, mine.get(0).extras().get("shape"), (long) mine.get(0).extra("parameters"),
                    100 * ExperimentReport.mean(acc), 100 * ExperimentReport.std(acc),
                    diverged > 0 ? " (" + diverged + " diverged)" : "", 100 * ExperimentReport.mean(oth),
                    100 * ExperimentReport.std(oth), ExperimentReport.mean(sec), ExperimentReport.std(sec)));
        }
        sb.append(String.format(Locale.ROOT, "%nmajority class (silence) on the held-out voices: %.2f %% of frames%n",
                100 * majority));
        return sb.toString();
    }

    /**
     * Validation accuracy against wall-clock time: per model, after each epoch, the seconds since its training began
     * and the accuracy (means over the seeds whose times are known: runs resumed mid-way have none).
     */
    static String wallTime(List<RunResult> runs, List<String> models) {
        StringBuilder sb = new StringBuilder("validation frame accuracy against wall-clock time (mean over seeds):\n"
                + "| model | workers | epoch | seconds | validation accuracy |\n|---|---|---|---|---|\n");
        for (String model : models) {
            List<RunResult> mine = runs.stream().filter(r -> r.model().equals(model)
                    && r.extras().get("epoch_seconds") instanceof List<?> l && l.size() == r.curve().size()).toList();
            if (mine.isEmpty()) {
                continue;
            }
            Object w = mine.get(0).extras().get("workers");
            int epochs = mine.get(0).curve().size();
            for (int e = 0; e < epochs; e++) {
                int epoch = e;
                double[] sec = mine.stream().mapToDouble(r -> ((Number) ((List<?>) r.extras().get("epoch_seconds"))
                        .get(epoch)).doubleValue()).toArray();
                double[] acc = mine.stream().mapToDouble(r -> r.curve().get(epoch)).toArray();
                sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %.2f %% |%n", model,
                        w == null ? "1 (single JVM)" : w, e + 1, ExperimentReport.mean(sec),
                        100 * ExperimentReport.mean(acc)));
            }
        }
        return sb.toString();
    }

    /** LSTMP against LSTM at equal parameters: the difference of the means and the seeds' spread beside it. */
    static String comparison(List<RunResult> runs, List<String> models) {
        if (!models.contains("lstm")) {
            return "";
        }
        double[] lstm = scores(runs, "lstm");
        StringBuilder sb = new StringBuilder();
        for (String m : models) {
            if (m.equals("lstm")) {
                continue;
            }
            double[] other = scores(runs, m);
            double diff = 100 * (ExperimentReport.mean(other) - ExperimentReport.mean(lstm));
            double spread = 100 * Math.max(ExperimentReport.std(other), ExperimentReport.std(lstm));
            sb.append(String.format(Locale.ROOT, "%s against lstm at equal parameters: %+.2f points (%s; the larger"
                            + " std over seeds is %.2f)%n", m, diff,
                    Math.abs(diff) <= spread ? "within the seeds' spread" : diff > 0 ? "better" : "worse", spread));
        }
        return sb.toString().stripTrailing();
    }

    private static double[] scores(List<RunResult> runs, String model) {
        return runs.stream().filter(r -> r.model().equals(model)).mapToDouble(RunResult::score).toArray();
    }
}
