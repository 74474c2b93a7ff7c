package org.rnn4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rnn4j diagnose}: measurements of a model's training dynamics. */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = "Measures how recurrent networks train.",
        subcommands = {DiagnoseGradientsCommand.class})
final class DiagnoseCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "name a diagnosis, e.g. 'rnn4j diagnose gradients'");
    }
}
