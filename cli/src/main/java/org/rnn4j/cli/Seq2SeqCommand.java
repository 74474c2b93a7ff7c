package org.rnn4j.cli;

import org.rnn4j.cli.options.ExperimentOptions;
import org.rnn4j.experiments.ExperimentDriver;
import org.rnn4j.experiments.Seq2SeqExperiment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code rnn4j experiment seq2seq}: the options of {@link Seq2SeqExperiment}. */
@Command(name = "seq2seq", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sequence to sequence on digit strings: does reading the source backwards help (Sutskever,"
                + " Vinyals & Le 2014)?",
                "An LSTM encoder-decoder learns to reverse a digit string, to sort it, and to add two numbers written"
                        + " as digit strings (variable lengths, generated from a seed), reading each source reversed"
                        + " and as written, over several seeds. Writes a table of exact-match sequence accuracy and"
                        + " per-token accuracy of greedy decoding on held-out strings (mean ± std over seeds), a"
                        + " learning-curve PNG per task and JSON. The default is a short run; --full trains longer"
                        + " on longer strings."})
final class Seq2SeqCommand implements Callable<Integer> {

    @Option(names = "--full", description = "A longer run: 5 seeds, 128 units, 1-10 digits, 20 epochs of 20000 pairs.")
    boolean full;

    @Option(names = "--tasks", defaultValue = "reverse,sort,add", paramLabel = "LIST",
            description = "Which of reverse, sort, add. Default: ${DEFAULT-VALUE}.")
    String tasks;

    @Option(names = "--inputs", defaultValue = "reversed,in-order", paramLabel = "LIST",
            description = "Which source orders: reversed, in-order. Default: ${DEFAULT-VALUE}.")
    String inputs;

    @Option(names = "--cell", defaultValue = "lstm", paramLabel = "TYPE",
            description = "The cell of encoder and decoder: lstm or gru. Default: ${DEFAULT-VALUE}.")
    String cell;

    @Option(names = "--min-length", paramLabel = "N", description = "Fewest digits of a string (of each number for add). Default: 1.")
    Integer minLength;

    @Option(names = "--max-length", paramLabel = "N", description = "Most digits. Default: 5 (10 with --full).")
    Integer maxLength;

    @Option(names = "--hidden", paramLabel = "H", description = "Units of encoder and decoder. Default: 64 (128 with --full).")
    Integer hidden;

    @Option(names = "--embedding", paramLabel = "D", description = "Dimension of the token embeddings. Default: 16.")
    Integer embedding;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs. Default: 10 (20 with --full).")
    Integer epochs;

    @Option(names = "--train-size", paramLabel = "N", description = "Training pairs. Default: 5000 (20000 with --full).")
    Integer trainSize;

    @Option(names = "--val-size", paramLabel = "N", description = "Validation pairs decoded after every epoch. Default: 500.")
    Integer valSize;

    @Option(names = "--test-size", paramLabel = "N", description = "Test pairs. Default: 1000.")
    Integer testSize;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per task and source order. Default: 2 (5 with --full).")
    Integer seeds;

    @Option(names = "--batch", paramLabel = "B", description = "Pairs per mini-batch. Default: 32.")
    Integer batch;

    @Option(names = "--lr", defaultValue = "0.005", paramLabel = "RATE", description = "Adam's learning rate. Default: ${DEFAULT-VALUE}.")
    float lr;

    @CommandLine.Mixin
    ExperimentOptions run = new ExperimentOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Seq2SeqExperiment.Settings d = Seq2SeqExperiment.Settings.defaults(full);
        int min = ExperimentOptions.count(minLength, d.minLength(), "--min-length");
        int max = ExperimentOptions.count(maxLength, Math.max(d.maxLength(), min), "--max-length");
        if (max < min) {
            throw new IllegalArgumentException("--max-length " + max + " is below --min-length " + min);
        }
        Seq2SeqExperiment.Settings settings = new Seq2SeqExperiment.Settings(
                ExperimentOptions.names(tasks, Seq2SeqExperiment.TASKS, "--tasks"),
                ExperimentOptions.names(inputs, Seq2SeqExperiment.INPUTS, "--inputs"),
                ExperimentOptions.count(seeds, d.seeds(), "--seeds"),
                ExperimentOptions.names(cell, Seq2SeqExperiment.CELLS, "--cell").get(0),
                ExperimentOptions.count(hidden, d.hidden(), "--hidden"),
                ExperimentOptions.count(embedding, d.embedding(), "--embedding"), min, max,
                ExperimentOptions.count(epochs, d.epochs(), "--epochs"),
                ExperimentOptions.count(trainSize, d.trainSize(), "--train-size"),
                ExperimentOptions.count(valSize, d.validationSize(), "--val-size"),
                ExperimentOptions.count(testSize, d.testSize(), "--test-size"),
                ExperimentOptions.count(batch, d.batch(), "--batch"), ExperimentOptions.rate(lr));
        ExperimentDriver.run(new Seq2SeqExperiment(settings), run.driverOptions("seq2seq"), spec.commandLine().getOut());
        return 0;
    }
}
