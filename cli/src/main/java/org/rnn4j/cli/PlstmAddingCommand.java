package org.rnn4j.cli;

import org.rnn4j.cli.options.ExperimentOptions;
import org.rnn4j.experiments.ExperimentDriver;
import org.rnn4j.experiments.AddingExperiment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code rnn4j experiment plstm-adding}: the options of {@link AddingExperiment}. */
@Command(name = "plstm-adding", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The adding problem at long T (Neil, Pfeiffer & Liu 2016): LSTM against Phased LSTM.",
                "The Phased LSTM's time is the step index. Adam and gradient clipping (norm 1), over several"
                        + " seeds. Writes a table of test MSE (mean ± std; always predicting the mean scores 0.167), the"
                        + " unit updates at inference, a learning-curve PNG (mean and min-max band over seeds) and JSON."
                        + " The default is a short run; --full uses T = 500 and more training."})
final class PlstmAddingCommand implements Callable<Integer> {

    @Option(names = "--full", description = "A long run: T = 500, 110 units, 30 epochs of 10000 sequences, 5 seeds.")
    boolean full;

    @Option(names = "--steps", paramLabel = "T", description = "Sequence length. Default: 100 (500 with --full).")
    Integer steps;

    @Option(names = "--hidden", paramLabel = "H", description = "Units per model. Default: 32 (110 with --full).")
    Integer hidden;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs. Default: 20 (30 with --full).")
    Integer epochs;

    @Option(names = "--train-size", paramLabel = "N", description = "Training sequences. Default: 5000 (10000 with --full).")
    Integer trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "Test sequences. Default: 500.")
    Integer testSize;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per model. Default: 2 (5 with --full).")
    Integer seeds;

    @Option(names = "--models", defaultValue = "lstm,plstm", paramLabel = "LIST",
            description = "Which of lstm, plstm. Default: ${DEFAULT-VALUE}.")
    String models;

    @Option(names = "--lr", defaultValue = "0.003", paramLabel = "RATE", description = "Adam's learning rate. Default: ${DEFAULT-VALUE}.")
    float lr;

    @CommandLine.Mixin
    ExperimentOptions run = new ExperimentOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        AddingExperiment.Settings d = AddingExperiment.Settings.defaults(full);
        int t = ExperimentOptions.count(steps, d.steps(), "--steps");
        if (t < 2) {
            throw new IllegalArgumentException("--steps must be at least 2, got " + t);
        }
        AddingExperiment.Settings settings = new AddingExperiment.Settings(
                ExperimentOptions.names(models, AddingExperiment.MODELS, "--models"),
                ExperimentOptions.count(seeds, d.seeds(), "--seeds"), t,
                ExperimentOptions.count(hidden, d.hidden(), "--hidden"),
                ExperimentOptions.count(epochs, d.epochs(), "--epochs"),
                ExperimentOptions.count(trainSize, d.trainSize(), "--train-size"),
                ExperimentOptions.count(testSize, d.testSize(), "--test-size"), ExperimentOptions.rate(lr));
        ExperimentDriver.Options options = run.driverOptions("plstm-adding");
        ExperimentDriver.run(new AddingExperiment(settings), options, spec.commandLine().getOut());
        return 0;
    }
}
