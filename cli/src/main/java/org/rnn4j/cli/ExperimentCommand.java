package org.rnn4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rnn4j experiment}: the papers' experiments, reproduced with rnn4j. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Runs an experiment of the literature rnn4j is built from.",
        subcommands = {PlstmFrequencyCommand.class, PlstmAddingCommand.class, SeqFashionCommand.class,
                EventDigitsCommand.class, AcousticCommand.class, DigitsCommand.class, Seq2SeqCommand.class,
                AvFusionCommand.class})
final class ExperimentCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "name an experiment, e.g. 'rnn4j experiment plstm-frequency'");
    }
}
