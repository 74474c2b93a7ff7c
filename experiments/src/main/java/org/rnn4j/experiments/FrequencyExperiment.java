package org.rnn4j.experiments;

import org.rnn4j.data.synthetic.FrequencyDiscrimination;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.train.Objective;
import org.rnn4j.train.TrainConfig;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The frequency discrimination experiment of the Phased LSTM paper (Neil, Pfeiffer &amp; Liu 2016, §4.1, Fig. 3):
 * is a sine's period in [5, 6] ms? LSTM, BN-LSTM (both given the time as an extra input, as the official code does)
 * and Phased LSTM (given the timestamps), trained with Adam, batch 32 and gradient clipping (norm 10) on regularly
 * sampled (1 ms), high resolution (0.1 ms) and asynchronously sampled waves, or on two superimposed sines (task 2),
 * over several seeds; every epoch trains on freshly drawn waves. Reported: test accuracy (mean ± std over seeds),
 * the unit updates per step at inference, a learning-curve PNG per mode and JSON.
 */
public final class FrequencyExperiment implements Experiment<FrequencyExperiment.Run> {

    /** The models. */
    public static final List<String> MODELS = List.of("lstm", "bnlstm", "plstm");
    /** The sampling modes: 1 ms, 0.1 ms, random times, and task 2's two sines at 100-1000 random times. */
    public static final List<String> MODES = List.of("regular", "high-res", "async", "superimposed");

    /**
     * The experiment's settings.
     *
     * @param models    which of {@link #MODELS}
     * @param modes     which of {@link #MODES}
     * @param seeds     seeds per model and mode (seeds 1..n)
     * @param hidden    units per model
     * @param epochs    epochs, each on freshly drawn waves
     * @param trainSize training sequences per epoch
     * @param testSize  test sequences
     * @param lr        Adam's learning rate
     */
    public record Settings(List<String> models, List<String> modes, int seeds, int hidden, int epochs, int trainSize,
                           int testSize, float lr) {
        public Settings {
            models = Checks.names(models, MODELS, "model");
            modes = Checks.names(modes, MODES, "mode");
            Checks.atLeast(seeds, 1, "seeds");
            Checks.atLeast(hidden, 1, "hidden");
            Checks.atLeast(epochs, 1, "epochs");
            Checks.atLeast(trainSize, 1, "trainSize");
            Checks.atLeast(testSize, 1, "testSize");
            Checks.positive(lr, "lr");
        }

        /**
         * The short run (32 units, Adam 0.003 so that 15 epochs of 3000 sequences suffice, 300 test sequences,
         * 2 seeds), or with {@code full} the paper's setting (110 units, Adam 0.001, 70 epochs of 5000 sequences,
         * 500 test sequences, 5 seeds); all models on the three sampling modes of task 1.
         */
        public static Settings defaults(boolean full) {
            return full ? new Settings(MODELS, MODES.subList(0, 3), 5, 110, 70, 5000, 500, 1e-3f)
                    : new Settings(MODELS, MODES.subList(0, 3), 2, 32, 15, 3000, 300, 3e-3f);
        }
    }

    /** One run: a model on a sampling mode with a seed. */
    public record Run(String model, String mode, long seed) implements RunSpec {
        @Override
        public RunId id() {
            return new RunId(model, mode, seed);
        }
    }

    private final Settings settings;

    public FrequencyExperiment(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "plstm-frequency";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", name());
        m.put("hidden", settings.hidden());
        m.put("epochs", settings.epochs());
        m.put("train_size", settings.trainSize());
        m.put("test_size", settings.testSize());
        m.put("lr", settings.lr());
        m.put("training_waves", "drawn afresh every epoch");
        return m;
    }

    @Override
    public List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        for (String mode : settings.modes()) {
            for (String model : settings.models()) {
                for (int s = 1; s <= settings.seeds(); s++) {
                    runs.add(new Run(model, mode, s));
                }
            }
        }
        return runs;
    }

    @Override
    public String describe(ExperimentDriver.Options options) {
        return String.format(Locale.ROOT, "frequency discrimination: %s on %s; %d units, %d epochs of %d sequences,"
                        + " %d test sequences, %d seeds, Adam %s, %d threads, %s", settings.models(), settings.modes(),
                settings.hidden(), settings.epochs(), settings.trainSize(), settings.testSize(), settings.seeds(),
                settings.lr(), options.threads(), Checks.jobs(options.jobs()));
    }

    @Override
    public RunResult run(Run run, Compute compute, RunCheckpoint checkpoint) {
        FrequencyDiscrimination.Sampling sampling = switch (run.mode()) {
            case "regular" -> FrequencyDiscrimination.Sampling.REGULAR;
            case "high-res" -> FrequencyDiscrimination.Sampling.HIGH_RESOLUTION;
            case "superimposed" -> FrequencyDiscrimination.Sampling.SUPERIMPOSED;
            default -> FrequencyDiscrimination.Sampling.ASYNCHRONOUS;
        };
        boolean phased = run.model().equals("plstm");
        // the data seed depends on the seed too, as each of the paper's runs drew its own waves
        // and, as in the paper's code, every epoch trains on freshly drawn waves
        FrequencyDiscrimination train = new FrequencyDiscrimination(sampling, settings.trainSize(),
                1000 * run.seed() + 1, !phased).freshEachEpoch();
        FrequencyDiscrimination test = new FrequencyDiscrimination(sampling, settings.testSize(), 1000 * run.seed() + 2,
                !phased);
        int maxSteps = switch (sampling) {
            case HIGH_RESOLUTION, SUPERIMPOSED -> 1250;
            default -> 125;
        };
        CellSpec cell = switch (run.model()) {
            case "lstm" -> CellSpec.lstm();
            case "bnlstm" -> CellSpec.bnLstm().withMaxSteps(maxSteps);
            default -> CellSpec.phasedLstm().withPeepholes(true).withPeriodRange(Math.E, Math.exp(3));
        };
        SequenceModel net = SequenceModel.builder().cell(cell).inputSize(train.inputSize()).hiddenSize(settings.hidden())
                .head(Head.LAST_STEP).outputSize(2).seed(run.seed()).compute(compute).build();
        TrainConfig cfg = TrainConfig.builder().epochs(settings.epochs()).batchSize(32)
                .objective(Objective.CROSS_ENTROPY).learningRate(settings.lr()).clipNorm(10.0).seed(run.seed()).build();
        return new Training(net, train, test, test, cfg, new Adam(settings.lr()), Score.METRIC)
                .run(run.id(), checkpoint);
    }

    @Override
    public String line(RunResult r) {
        return String.format("%-8s %-8s seed %d: test accuracy %.4f, unit updates %.1f%% of dense, %.1f s%s",
                r.condition(), r.model(), r.seed(), r.score(), 100 * r.updateFraction(), r.seconds(),
                r.divergedNote());
    }

    @Override
    public void report(List<RunResult> runs, Path out, PrintWriter pw) throws IOException {
        for (String mode : settings.modes()) {
            List<RunResult> ofMode = runs.stream().filter(r -> r.condition().equals(mode)).toList();
            ExperimentReport.chart(out.resolve("learning-curves-" + mode + ".png"),
                    "rnn4j: frequency discrimination, " + mode + " sampling", "test accuracy", ofMode,
                    settings.epochs(), false, 0.4, 1.0);
        }
        String table = ExperimentReport.table(runs, settings.models(), settings.modes(), "accuracy", true);
        pw.println();
        pw.print(table);
        ExperimentReport.writeResults(out, table, settings(), runs, "accuracy", "learning-curves-<mode>.png", pw);
    }
}
