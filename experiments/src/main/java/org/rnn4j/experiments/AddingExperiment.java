package org.rnn4j.experiments;

import org.rnn4j.data.synthetic.AddingProblem;
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
 * The long adding problem of the Phased LSTM paper (Neil, Pfeiffer &amp; Liu 2016): LSTM against Phased LSTM on
 * sequences of T steps (the paper's 500), trained with Adam and gradient clipping (norm 1) over several seeds. The
 * Phased LSTM takes the step index as its time. Reported: test MSE (mean ± std; always predicting the mean scores
 * 0.167), the unit updates at inference, a learning-curve PNG and JSON.
 */
public final class AddingExperiment implements Experiment<AddingExperiment.Run> {

    /** The models. */
    public static final List<String> MODELS = List.of("lstm", "plstm");

    /**
     * The experiment's settings.
     *
     * @param models    which of {@link #MODELS}
     * @param seeds     seeds per model (seeds 1..n)
     * @param steps     sequence length T, at least 2
     * @param hidden    units per model
     * @param epochs    epochs
     * @param trainSize training sequences
     * @param testSize  test sequences
     * @param lr        Adam's learning rate
     */
    public record Settings(List<String> models, int seeds, int steps, int hidden, int epochs, int trainSize,
                           int testSize, float lr) {
        public Settings {
            models = Checks.names(models, MODELS, "model");
            Checks.atLeast(seeds, 1, "seeds");
            Checks.atLeast(hidden, 1, "hidden");
            Checks.atLeast(epochs, 1, "epochs");
            Checks.atLeast(trainSize, 1, "trainSize");
            Checks.atLeast(testSize, 1, "testSize");
            Checks.atLeast(steps, 2, "steps");
            Checks.positive(lr, "lr");
        }

        /**
         * The short run (T = 100, 32 units, 20 epochs of 5000 sequences, 2 seeds), or with {@code full} a long one
         * (T = 500, 110 units, 30 epochs of 10 000 sequences, 5 seeds); 500 test sequences and Adam 0.003 in both.
         */
        public static Settings defaults(boolean full) {
            return full ? new Settings(MODELS, 5, 500, 110, 30, 10_000, 500, 3e-3f)
                    : new Settings(MODELS, 2, 100, 32, 20, 5000, 500, 3e-3f);
        }
    }

    /** One run: a model with a seed. */
    public record Run(String model, int steps, long seed) implements RunSpec {
        @Override
        public RunId id() {
            return new RunId(model, "T=" + steps, seed);
        }
    }

    private final Settings settings;

    public AddingExperiment(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "plstm-adding";
    }

    private String condition() {
        return "T=" + settings.steps();
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", name());
        m.put("steps", settings.steps());
        m.put("hidden", settings.hidden());
        m.put("epochs", settings.epochs());
        m.put("train_size", settings.trainSize());
        m.put("test_size", settings.testSize());
        m.put("lr", settings.lr());
        return m;
    }

    @Override
    public List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        for (String model : settings.models()) {
            for (int s = 1; s <= settings.seeds(); s++) {
                runs.add(new Run(model, settings.steps(), s));
            }
        }
        return runs;
    }

    @Override
    public String describe(ExperimentDriver.Options options) {
        return String.format(Locale.ROOT, "adding problem, T = %d: %s; %d units, %d epochs of %d sequences, %d test"
                        + " sequences, %d seeds, Adam %s, %d threads, %s", settings.steps(), settings.models(),
                settings.hidden(), settings.epochs(), settings.trainSize(), settings.testSize(), settings.seeds(),
                settings.lr(), options.threads(), Checks.jobs(options.jobs()));
    }

    @Override
    public RunResult run(Run run, Compute compute, RunCheckpoint checkpoint) {
        AddingProblem train = new AddingProblem(run.steps(), settings.trainSize(), 1000 * run.seed() + 1);
        AddingProblem test = new AddingProblem(run.steps(), settings.testSize(), 1000 * run.seed() + 2);
        CellSpec cell = run.model().equals("plstm") ? CellSpec.phasedLstm() : CellSpec.lstm();
        SequenceModel net = SequenceModel.builder().cell(cell).inputSize(2).hiddenSize(settings.hidden())
                .head(Head.LAST_STEP).outputSize(1).seed(run.seed()).compute(compute).build();
        TrainConfig cfg = TrainConfig.builder().epochs(settings.epochs()).batchSize(32).objective(Objective.MSE)
                .learningRate(settings.lr()).clipNorm(1.0).seed(run.seed()).build();
        return new Training(net, train, test, test, cfg, new Adam(settings.lr()), Score.LOSS).run(run.id(), checkpoint);
    }

    @Override
    public String line(RunResult r) {
        return String.format("%-6s seed %d: test MSE %.5f, unit updates %.1f%% of dense, %.1f s%s", r.model(), r.seed(),
                r.score(), 100 * r.updateFraction(), r.seconds(), r.divergedNote());
    }

    @Override
    public void report(List<RunResult> runs, Path out, PrintWriter pw) throws IOException {
        ExperimentReport.chart(out.resolve("learning-curves.png"), "rnn4j: adding problem, T = " + settings.steps(),
                "validation MSE (0.167: predicting the mean)", runs, settings.epochs(), true, null, null);
        String table = ExperimentReport.table(runs, settings.models(), List.of(condition()), "MSE", false);
        pw.println();
        pw.print(table);
        ExperimentReport.writeResults(out, table, settings(), runs, "mse", "learning-curves.png", pw);
    }
}
