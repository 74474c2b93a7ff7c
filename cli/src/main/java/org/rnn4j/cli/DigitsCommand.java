package org.rnn4j.cli;

import org.rnn4j.cli.options.ExperimentOptions;
import org.rnn4j.data.speech.RecordedDigit;
import org.rnn4j.data.speech.SpeechCorpus;
import org.rnn4j.data.speech.SpeechCorpusGenerator;
import org.rnn4j.experiments.DigitsExperiment;
import org.rnn4j.experiments.ExperimentDriver;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rnn4j experiment digits}: the options of {@link DigitsExperiment}. */
@Command(name = "digits", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Synthetic-to-real transfer: a many-to-one LSTM learns the ten digit words from isolated digits"
                + " spoken by many espeak-ng voices, and is tested on held-out voices, on Festival's voices and on"
                + " real recordings of one human speaker (Debian's asterisk-core-sounds-en-wav, with the transcripts"
                + " of asterisk-core-sounds-en); chance is 10%%. Both read at 8 kHz (fbank 40). A table, learning"
                + " curves and JSON. Makes the corpus in DIR/corpus first unless --corpus is given (needs"
                + " scripts/install-speech)."})
final class DigitsCommand implements Callable<Integer> {

    @Option(names = "--corpus", paramLabel = "DIR",
            description = "A corpus of isolated digits to use instead of making one ('rnn4j data speech"
                    + " --isolated-digits' makes one).")
    Path corpus;

    @Option(names = "--utterances", paramLabel = "N",
            description = "Utterances of the corpus made in DIR/corpus. Default: ${DEFAULT-VALUE}.", defaultValue = "1000")
    int utterances;

    @Option(names = "--corpus-seed", defaultValue = "1", paramLabel = "S",
            description = "Seed of the corpus made. Default: ${DEFAULT-VALUE}.")
    long corpusSeed;

    @Option(names = "--recorded", paramLabel = "DIR",
            description = "Where the recordings are: DIR/digits/0.wav .. 9.wav. Default: "
                    + "/usr/share/asterisk/sounds/en.")
    Path recorded;

    @Option(names = "--index", paramLabel = "FILE",
            description = "Their transcript index, lines 'digits/7: seven' (plain or .gz). Default: "
                    + "/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz.")
    Path index;

    @Option(names = "--parameters", paramLabel = "N", description = "Parameter budget of every model. Default: 20000.")
    Integer parameters;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs. Default: 20.")
    Integer epochs;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per model. Default: 2.")
    Integer seeds;

    @Option(names = "--models", defaultValue = "lstm", paramLabel = "LIST",
            description = "Which of lstm, lstmp. Default: ${DEFAULT-VALUE}.")
    String models;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Adam's initial learning rate, decayed to a tenth along a cosine. Default: 0.01.")
    Float lr;

    @CommandLine.Mixin
    ExperimentOptions run = new ExperimentOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        DigitsExperiment.Settings d = DigitsExperiment.Settings.defaults();
        DigitsExperiment.Settings settings = new DigitsExperiment.Settings(
                ExperimentOptions.names(models, DigitsExperiment.MODELS, "--models"),
                ExperimentOptions.count(seeds, d.seeds(), "--seeds"),
                ExperimentOptions.count(parameters, d.parameters(), "--parameters"),
                ExperimentOptions.count(epochs, d.epochs(), "--epochs"), d.batch(),
                ExperimentOptions.rate(lr != null ? lr : d.lr()));
        ExperimentDriver.Options options = run.driverOptions("digits");
        // the recordings first: a missing package is said before minutes of synthesis
        List<RecordedDigit> digits = RecordedDigit.read(recorded != null ? recorded : RecordedDigit.SOUNDS,
                index != null ? index : RecordedDigit.INDEX);
        PrintWriter out = spec.commandLine().getOut();
        Path dir = corpus;
        if (dir == null) {
            dir = options.out().resolve("corpus");
            if (!Files.isRegularFile(dir.resolve(SpeechCorpus.MANIFEST))) {
                int n = ExperimentOptions.count(utterances, 1000, "--utterances");
                long t0 = System.nanoTime();
                SpeechCorpusGenerator.generate(dir, SpeechCorpusGenerator.Options.of(n, corpusSeed).withIsolatedDigits());
                out.printf(Locale.ROOT, "made %d isolated digits in %s in %.1f s%n", n, dir,
                        (System.nanoTime() - t0) / 1e9);
                out.flush();
            }
        }
        DigitsExperiment experiment = new DigitsExperiment(settings, SpeechCorpus.open(dir), digits);
        ExperimentDriver.run(experiment, options, out);
        return 0;
    }
}
