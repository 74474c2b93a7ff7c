package org.rnn4j.cli;

import org.rnn4j.cli.options.ClusterOptions;
import org.rnn4j.cli.options.ExperimentOptions;
import org.rnn4j.data.speech.SpeechCorpus;
import org.rnn4j.data.speech.SpeechCorpusGenerator;
import org.rnn4j.experiments.AcousticExperiment;
import org.rnn4j.experiments.ExperimentDriver;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rnn4j experiment acoustic}: the options of {@link AcousticExperiment}. */
@Command(name = "acoustic", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sak et al. 2014's comparison on synthetic speech: LSTM, LSTMP, 2-layer and 3-layer LSTMP at"
                + " matched parameter counts classify every 10 ms frame into 40 phone classes (fbank 40, output delay 5,"
                + " truncated BPTT over 20 frames). A table of parameters, frame accuracy on held-out espeak-ng voices and"
                + " on Festival (mean ± std over seeds), training time, and the majority-class rate; learning curves and"
                + " JSON. Makes the corpus in DIR/corpus first unless --corpus is given (needs scripts/install-speech).",
                "With --workers N (and --cluster) every run trains the same model with asynchronous SGD over N workers,"
                + " as Sak et al. did, and the report adds validation accuracy against wall-clock time."})
final class AcousticCommand implements Callable<Integer> {

    @Option(names = "--full", description = "A larger run: 2000 utterances, 120000 parameters, 20 epochs, 3 seeds.")
    boolean full;

    @Option(names = "--corpus", paramLabel = "DIR", description = "A speech corpus to use instead of making one.")
    Path corpus;

    @Option(names = "--utterances", paramLabel = "N",
            description = "Utterances of the corpus made in DIR/corpus. Default: 500 (2000 with --full).")
    Integer utterances;

    @Option(names = "--corpus-seed", defaultValue = "1", paramLabel = "S",
            description = "Seed of the corpus made. Default: ${DEFAULT-VALUE}.")
    long corpusSeed;

    @Option(names = "--parameters", paramLabel = "N",
            description = "Parameter budget of every model. Default: 40000 (120000 with --full).")
    Integer parameters;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs. Default: 10 (20 with --full).")
    Integer epochs;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per model. Default: 2 (3 with --full).")
    Integer seeds;

    @Option(names = "--models", defaultValue = "lstm,lstmp,lstmp-2,lstmp-3", paramLabel = "LIST",
            description = "Which of lstm, lstmp, lstmp-2, lstmp-3. Default: ${DEFAULT-VALUE}.")
    String models;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Adam's initial learning rate, decayed to a tenth along a cosine. Default: 0.005 (0.003 with --full).")
    Float lr;

    @CommandLine.Mixin
    ExperimentOptions run = new ExperimentOptions();

    @CommandLine.Mixin
    ClusterOptions cluster = new ClusterOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        AcousticExperiment.Settings d = AcousticExperiment.Settings.defaults(full);
        AcousticExperiment.Settings settings = new AcousticExperiment.Settings(
                ExperimentOptions.names(models, AcousticExperiment.MODELS, "--models"),
                ExperimentOptions.count(seeds, d.seeds(), "--seeds"),
                ExperimentOptions.count(parameters, d.parameters(), "--parameters"),
                ExperimentOptions.count(epochs, d.epochs(), "--epochs"), d.batch(),
                ExperimentOptions.rate(lr != null ? lr : d.lr()));
        ExperimentDriver.Options options = run.driverOptions("acoustic");
        PrintWriter out = spec.commandLine().getOut();
        DistributedRuns trainer = null;
        if (cluster.distributed()) {
            trainer = new DistributedRuns(cluster, out);
            // a run's workers share the threads; runs side by side would each start a cluster of their own
            options = new ExperimentDriver.Options(options.out(), options.resume(), 1, options.threads(),
                    options.verbose());
        } else {
            cluster.refuseWithoutWorkers();
        }
        Path dir = corpus;
        if (dir == null) {
            dir = options.out().resolve("corpus");
            if (!Files.isRegularFile(dir.resolve(SpeechCorpus.MANIFEST))) {
                int n = ExperimentOptions.count(utterances, full ? 2000 : 500, "--utterances");
                long t0 = System.nanoTime();
                SpeechCorpusGenerator.generate(dir, SpeechCorpusGenerator.Options.of(n, corpusSeed));
                out.printf(Locale.ROOT, "made %d utterances in %s in %.1f s%n", n, dir, (System.nanoTime() - t0) / 1e9);
                out.flush();
            }
        }
        AcousticExperiment experiment = new AcousticExperiment(settings, SpeechCorpus.open(dir), trainer);
        ExperimentDriver.run(experiment, options, out);
        return 0;
    }
}
