package org.rnn4j.experiments;

import org.rnn4j.data.image.FashionMnist;
import org.rnn4j.data.image.ImageSet;
import org.rnn4j.data.image.ImageSets;
import org.rnn4j.data.image.SequentialImages;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.Schedule;
import org.rnn4j.train.TrainConfig;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Row-by-row Fashion-MNIST: LSTM, GRU and IRNN (a ReLU RNN with identity initialisation, Le et al. 2015) read a
 * 28×28 picture one row per step and name its class at the last step; Adam with a rate decayed to a tenth along a
 * cosine, batch 32, gradient clipping (norm 1), over several seeds. Validation images are held out of the training
 * images for the learning curves; the test score is on the official test set. Reported: test accuracy and training
 * time per model (mean ± std over seeds), a learning-curve PNG and JSON.
 */
public final class SeqFashionExperiment implements Experiment<SeqFashionExperiment.Run> {

    /** The models. */
    public static final List<String> MODELS = List.of("lstm", "gru", "irnn");

    private static final int BATCH = 32;
    /** The seed of the validation split and the samples, the same for every model and seed. */
    private static final long DATA_SEED = 1;

    /**
     * The experiment's settings.
     *
     * @param models         which of {@link #MODELS}
     * @param seeds          seeds per model (seeds 1..n)
     * @param hidden         units per model
     * @param epochs         epochs
     * @param trainSize      training images, a fixed sample of those not held out; null for all of them
     * @param validationSize validation images held out of the training images
     * @param testSize       test images, a fixed sample of the test set; null for all 10 000
     * @param lr             Adam's initial learning rate, decayed to a tenth along a cosine
     */
    public record Settings(List<String> models, int seeds, int hidden, int epochs, Integer trainSize,
                           int validationSize, Integer testSize, float lr) {
        public Settings {
            models = Checks.names(models, MODELS, "model");
            Checks.atLeast(seeds, 1, "seeds");
            Checks.atLeast(hidden, 1, "hidden");
            Checks.atLeast(epochs, 1, "epochs");
            Checks.atLeast(validationSize, 1, "validationSize");
            if (trainSize != null) {
                Checks.atLeast(trainSize, 1, "trainSize");
            }
            if (testSize != null) {
                Checks.atLeast(testSize, 1, "testSize");
            }
            Checks.positive(lr, "lr");
        }

        /**
         * The short run (64 units, 10 epochs of 24 000 training images, 2000 validation images, 2 seeds), or with
         * {@code full} a long one (128 units, all 55 000 training images not held out, 5000 validation images, 20
         * epochs, 3 seeds); all models, the whole test set and Adam 0.003 in both.
         */
        public static Settings defaults(boolean full) {
            return full ? new Settings(MODELS, 3, 128, 20, null, 5000, null, 3e-3f)
                    : new Settings(MODELS, 2, 64, 10, 24_000, 2000, null, 3e-3f);
        }
    }

    /** One run: a model with a seed. */
    public record Run(String model, long seed) implements RunSpec {
        @Override
        public RunId id() {
            return new RunId(model, "rows", seed);
        }
    }

    private final Settings settings;
    private final SequentialImages train;
    private final SequentialImages validation;
    private final SequentialImages test;

    /**
     * The experiment on the Fashion-MNIST files in {@code dataDir}, read now.
     *
     * @throws java.io.FileNotFoundException naming the directory and scripts/install-fashion-mnist when they are absent
     */
    public SeqFashionExperiment(Settings settings, Path dataDir) throws IOException {
        this.settings = settings;
        ImageSets.Split split = ImageSets.split(FashionMnist.train(dataDir), settings.validationSize(), DATA_SEED);
        this.train = SequentialImages.rows(settings.trainSize() == null ? split.train()
                : ImageSets.sample(split.train(), settings.trainSize(), DATA_SEED));
        this.validation = SequentialImages.rows(split.validation());
        ImageSet testImages = FashionMnist.test(dataDir);
        this.test = SequentialImages.rows(settings.testSize() == null ? testImages
                : ImageSets.sample(testImages, settings.testSize(), DATA_SEED + 1));
    }

    @Override
    public String name() {
        return "seq-fashion";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", name());
        m.put("hidden", settings.hidden());
        m.put("epochs", settings.epochs());
        m.put("train_size", train.size());
        m.put("validation_size", validation.size());
        m.put("test_size", test.size());
        m.put("batch", BATCH);
        m.put("lr", (double) settings.lr());
        return m;
    }

    @Override
    public List<Run> runs() {
        return RunSpec.everyModelAndSeed(settings.models(), settings.seeds(), Run::new);
    }

    @Override
    public String describe(ExperimentDriver.Options options) {
        return String.format(Locale.ROOT, "row-by-row Fashion-MNIST (T = 28, 28 features): %s; %d units, %d epochs of"
                        + " %d training images, %d validation and %d test images, %d seeds, Adam %s (cosine to a tenth),"
                        + " batch %d, %d threads, %s", settings.models(), settings.hidden(), settings.epochs(),
                train.size(), validation.size(), test.size(), settings.seeds(), settings.lr(), BATCH, options.threads(),
                Checks.jobs(options.jobs()));
    }

    @Override
    public RunResult run(Run run, Compute compute, RunCheckpoint checkpoint) {
        SequenceModel.Builder b = SequenceModel.builder().inputSize(FashionMnist.COLS).hiddenSize(settings.hidden())
                .head(Head.LAST_STEP).outputSize(FashionMnist.CLASSES).seed(run.seed()).compute(compute);
        SequenceModel net = switch (run.model()) {
            case "gru" -> b.cell(CellSpec.gru()).build();
            case "irnn" -> b.cell(CellSpec.rnnRelu()).init(Init.IDENTITY).build();
            default -> b.cell(CellSpec.lstm()).build();
        };
        long batches = (train.size() + BATCH - 1) / BATCH * (long) settings.epochs();
        TrainConfig cfg = TrainConfig.builder().epochs(settings.epochs()).batchSize(BATCH).objective(train.objective())
                .learningRate(settings.lr()).schedule(Schedule.cosine(batches, 0.1)).clipNorm(1.0).seed(run.seed())
                .build();
        RunResult r = new Training(net, train, validation, test, cfg, new Adam(settings.lr()), Score.METRIC)
                .run(run.id(), checkpoint);
        return r.withExtras(Map.of("parameters", net.parameters().size()));
    }

    @Override
    public String line(RunResult r) {
        return String.format(Locale.ROOT, "%-5s seed %d: test accuracy %.2f %%, %.1f s%s", r.model(), r.seed(),
                100 * r.score(), r.seconds(), r.divergedNote());
    }

    @Override
    public void report(List<RunResult> runs, Path out, PrintWriter pw) throws IOException {
        ExperimentReport.chart(out.resolve("learning-curves.png"), "rnn4j: Fashion-MNIST row by row, H = "
                + settings.hidden(), "validation accuracy", runs, settings.epochs(), false, null, 1.0);
        String table = table(runs, settings.models());
        pw.println();
        pw.print(table);
        pw.println();
        pw.println(comparison(runs, settings.models()));
        ExperimentReport.writeResults(out, table, settings(), runs, "accuracy", "learning-curves.png", pw);
    }

    /** The mean test accuracy of each model beside the published row-by-row results of LSTM and GRU. */
    static String comparison(List<RunResult> runs, List<String> models) {
        StringBuilder sb = new StringBuilder("Published LSTM and GRU results on row-by-row Fashion-MNIST are about"
                + " 88-90 % test accuracy (chance: 10 %)");
        String sep = "; this run reached ";
        for (String model : models) {
            double[] acc = runs.stream().filter(r -> r.model().equals(model)).mapToDouble(RunResult::score).toArray();
            sb.append(String.format(Locale.ROOT, "%s%.1f %% with %s", sep, 100 * ExperimentReport.mean(acc), model));
            sep = ", ";
        }
        return sb.append(".").toString();
    }

    /** A row per model: parameters, test accuracy and training time, mean ± std over seeds. */
    static String table(List<RunResult> runs, List<String> models) {
        StringBuilder sb = new StringBuilder("| model | parameters | test accuracy | training time per run |\n"
                + "|---|---|---|---|\n");
        for (String model : models) {
            List<RunResult> mine = runs.stream().filter(r -> r.model().equals(model)).toList();
            double[] acc = mine.stream().mapToDouble(RunResult::score).toArray();
            double[] sec = mine.stream().mapToDouble(RunResult::seconds).toArray();
            long diverged = mine.stream().filter(r -> r.divergedAtStep() > 0).count();
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.2f ± %.2f %%%s | %.0f ± %.0f s |%n", model,
                    (long) mine.get(0).extra("parameters"), 100 * ExperimentReport.mean(acc),
                    100 * ExperimentReport.std(acc), diverged > 0 ? " (" + diverged + " diverged)" : "",
                    ExperimentReport.mean(sec), ExperimentReport.std(sec)));
        }
        return sb.toString();
    }
}
