package org.rnn4j.cli;

import org.rnn4j.cli.options.ExperimentOptions;
import org.rnn4j.data.image.FashionMnist;
import org.rnn4j.experiments.ExperimentDriver;
import org.rnn4j.experiments.SeqFashionExperiment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rnn4j experiment seq-fashion}: the options of {@link SeqFashionExperiment}. */
@Command(name = "seq-fashion", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Row-by-row Fashion-MNIST: LSTM, GRU and IRNN classify 28x28 pictures read one row per step.",
                "T = 28 steps of 28 features, classified at the last step. Adam with a cosine-decayed rate,"
                        + " batch 32, gradient clipping (norm 1), over several seeds. Writes a table of test accuracy"
                        + " (mean ± std over seeds) and training time per model, a learning-curve PNG (validation"
                        + " accuracy per epoch, mean and min-max band over seeds) and JSON. The default is a short run on"
                        + " a sample of the training images: on 2 shared cores it took 6 minutes and reached 87.9 %%"
                        + " (LSTM), 88.3 %% (GRU) and 84.1 %% (IRNN) test accuracy, where about 88-90 %% is published for"
                        + " LSTM and GRU. --full trains on all of them (about 1.5 hours on 2 cores, extrapolated from the"
                        + " default run). Each run is saved to DIR/runs as it finishes (see --resume). Needs Fashion-MNIST:"
                        + " scripts/install-fashion-mnist."})
final class SeqFashionCommand implements Callable<Integer> {

    @Option(names = "--full", description = "A long run: 128 units, all 55000 training images not held out, 20 epochs, 3 seeds.")
    boolean full;

    @Option(names = "--hidden", paramLabel = "H", description = "Units per model. Default: 64 (128 with --full).")
    Integer hidden;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs. Default: 10 (20 with --full).")
    Integer epochs;

    @Option(names = "--train-size", paramLabel = "N",
            description = "Training images, a fixed sample of those not held out. Default: 24000 (all 55000 with --full).")
    Integer trainSize;

    @Option(names = "--val-size", paramLabel = "N",
            description = "Validation images held out of the training images, for the curves. Default: 2000 (5000 with --full).")
    Integer valSize;

    @Option(names = "--test-size", paramLabel = "N",
            description = "Test images, a fixed sample of the test set. Default: all 10000.")
    Integer testSize;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per model. Default: 2 (3 with --full).")
    Integer seeds;

    @Option(names = "--models", defaultValue = "lstm,gru,irnn", paramLabel = "LIST",
            description = "Which of lstm, gru, irnn. Default: ${DEFAULT-VALUE}.")
    String models;

    @Option(names = "--lr", defaultValue = "0.003", paramLabel = "RATE",
            description = "Adam's initial learning rate, decayed to a tenth along a cosine. Default: ${DEFAULT-VALUE}.")
    float lr;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The Fashion-MNIST files. Default: $RNN4J_FASHION_MNIST, else " + FashionMnist.SYSTEM_DIR + ".")
    Path dataDir;

    @CommandLine.Mixin
    ExperimentOptions run = new ExperimentOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        SeqFashionExperiment.Settings d = SeqFashionExperiment.Settings.defaults(full);
        Integer nTrain = trainSize != null ? Integer.valueOf(ExperimentOptions.count(trainSize, 0, "--train-size"))
                : d.trainSize();
        Integer nTest = testSize != null ? Integer.valueOf(ExperimentOptions.count(testSize, 0, "--test-size"))
                : d.testSize();
        SeqFashionExperiment.Settings settings = new SeqFashionExperiment.Settings(
                ExperimentOptions.names(models, SeqFashionExperiment.MODELS, "--models"),
                ExperimentOptions.count(seeds, d.seeds(), "--seeds"), ExperimentOptions.count(hidden, d.hidden(), "--hidden"),
                ExperimentOptions.count(epochs, d.epochs(), "--epochs"), nTrain,
                ExperimentOptions.count(valSize, d.validationSize(), "--val-size"), nTest, ExperimentOptions.rate(lr));
        ExperimentDriver.Options options = run.driverOptions("seq-fashion");
        SeqFashionExperiment experiment = new SeqFashionExperiment(settings,
                dataDir != null ? dataDir : FashionMnist.defaultDir());
        ExperimentDriver.run(experiment, options, spec.commandLine().getOut());
        return 0;
    }
}
