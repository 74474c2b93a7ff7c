package org.rnn4j.cli;

import org.rnn4j.cli.options.ExperimentOptions;
import org.rnn4j.experiments.ExperimentDriver;
import org.rnn4j.experiments.FrequencyExperiment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code rnn4j experiment plstm-frequency}: the options of {@link FrequencyExperiment}. */
@Command(name = "plstm-frequency", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Frequency discrimination (Neil, Pfeiffer & Liu 2016, section 4.1): is a sine's period in [5, 6] ms?",
                "Trains LSTM, BN-LSTM (both given the time as an extra input, as the official code does) and Phased LSTM"
                        + " (given the timestamps) with Adam (3e-3; the paper's 1e-3 with --full), batch 32 and gradient"
                        + " clipping (norm 10) on three sampling modes over several seeds, on fresh waves every epoch."
                        + " Writes a table of test accuracy (mean ± std over seeds) and of the unit updates per step of"
                        + " each model at inference, a learning-curve PNG per mode (mean and min-max band over seeds)"
                        + " and JSON; each run is also saved to DIR/runs as it finishes (see --resume).",
                "The default is a short run (about six minutes on 2 cores); --full is the paper's setting (hours)."})
final class PlstmFrequencyCommand implements Callable<Integer> {

    @Option(names = "--full", description = "The paper's setting: 110 units, 70 epochs of 5000 sequences, 500 test sequences, 5 seeds.")
    boolean full;

    @Option(names = "--hidden", paramLabel = "H", description = "Units per model. Default: 32 (110 with --full).")
    Integer hidden;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs. Default: 15 (70 with --full).")
    Integer epochs;

    @Option(names = "--train-size", paramLabel = "N",
            description = "Training sequences per epoch, drawn afresh every epoch. Default: 3000 (5000 with --full).")
    Integer trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "Test sequences. Default: 300 (500 with --full).")
    Integer testSize;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per model and mode. Default: 2 (5 with --full).")
    Integer seeds;

    @Option(names = "--models", defaultValue = "lstm,bnlstm,plstm", paramLabel = "LIST",
            description = "Which of lstm, bnlstm, plstm. Default: ${DEFAULT-VALUE}.")
    String models;

    @Option(names = "--modes", defaultValue = "regular,high-res,async", paramLabel = "LIST",
            description = "Which of regular (1 ms), high-res (0.1 ms), async, and superimposed (task 2: two sines, 100-1000"
                    + " random times). Default: ${DEFAULT-VALUE}.")
    String modes;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Adam's learning rate. Default: 0.003, so that the short run converges in its 15 epochs"
                    + " (0.001, the paper's, with --full).")
    Float lr;

    @CommandLine.Mixin
    ExperimentOptions run = new ExperimentOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        FrequencyExperiment.Settings d = FrequencyExperiment.Settings.defaults(full);
        FrequencyExperiment.Settings settings = new FrequencyExperiment.Settings(
                ExperimentOptions.names(models, FrequencyExperiment.MODELS, "--models"),
                ExperimentOptions.names(modes, FrequencyExperiment.MODES, "--modes"),
                ExperimentOptions.count(seeds, d.seeds(), "--seeds"), ExperimentOptions.count(hidden, d.hidden(), "--hidden"),
                ExperimentOptions.count(epochs, d.epochs(), "--epochs"),
                ExperimentOptions.count(trainSize, d.trainSize(), "--train-size"),
                ExperimentOptions.count(testSize, d.testSize(), "--test-size"),
                ExperimentOptions.rate(lr != null ? lr : d.lr()));
        ExperimentDriver.Options options = run.driverOptions("plstm-frequency");
        ExperimentDriver.run(new FrequencyExperiment(settings), options, spec.commandLine().getOut());
        return 0;
    }
}
