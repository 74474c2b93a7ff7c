package org.rnn4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rnn4j data}: makes data sets. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Makes a data set.",
        subcommands = {SpeechDataCommand.class})
final class DataCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "name a data set, e.g. 'rnn4j data speech'");
    }
}
