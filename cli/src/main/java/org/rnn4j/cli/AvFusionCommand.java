package org.rnn4j.cli;

import org.rnn4j.cli.options.ExperimentOptions;
import org.rnn4j.experiments.AvFusionExperiment;
import org.rnn4j.experiments.ExperimentDriver;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code rnn4j experiment av-fusion}: the options of {@link AvFusionExperiment}. */
@Command(name = "av-fusion", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Audio-visual fusion of the Phased LSTM paper (Neil, Pfeiffer & Liu 2016, §4.4) on GRID-like"
                + " words made on this machine.",
                "Sentences in GRID's grammar (51 words) are spoken by espeak-ng's voices (scripts/install-speech) and"
                        + " cut into words; each word has MFCC audio features at 100 Hz and simulated lip features at"
                        + " 25 fps (computed from the phone timings: a simulation, not video). LSTM (streams resampled"
                        + " onto the audio clock) and Phased LSTM (native clocks) classify each word from audio, video"
                        + " or both, with clean audio and with noise at a low SNR. Writes a table of accuracy (mean ±"
                        + " std over seeds), accuracy after the first epoch and unit updates per word, learning-curve"
                        + " PNGs and JSON. The default is a short run; --full is longer and uses the paper's sizes."})
final class AvFusionCommand implements Callable<Integer> {

    @Option(names = "--full", description = "A longer run: 1500 training sentences, the paper's sizes (audio 150,"
            + " video 110, two merge layers of 250), 20 epochs, 5 seeds.")
    boolean full;

    @Option(names = "--models", defaultValue = "lstm,plstm", paramLabel = "LIST",
            description = "Which of lstm, plstm. Default: ${DEFAULT-VALUE}.")
    String models;

    @Option(names = "--inputs", defaultValue = "audio,video,fused", paramLabel = "LIST",
            description = "Which of audio, video, fused. Default: ${DEFAULT-VALUE}.")
    String inputs;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per model, input and condition. Default: 3 (5 with --full).")
    Integer seeds;

    @Option(names = "--train-sentences", paramLabel = "N", description = "Training sentences, six words each. Default: 1200 (1500 with --full).")
    Integer trainSentences;

    @Option(names = "--test-sentences", paramLabel = "N", description = "Held-out sentences. Default: 200 (300 with --full).")
    Integer testSentences;

    @Option(names = "--snr", paramLabel = "DB", description = "The noisy condition's signal-to-noise ratio, dB. Default: 0.")
    Double snr;

    @Option(names = "--video-noise", paramLabel = "S", description = "Standard deviation of the noise on each lip parameter (0..1). Default: 0.05.")
    Double videoNoise;

    @Option(names = "--audio-hidden", paramLabel = "H", description = "Units of the audio network. Default: 32 (150 with --full).")
    Integer audioHidden;

    @Option(names = "--video-hidden", paramLabel = "H", description = "Units of the video network. Default: 16 (110 with --full).")
    Integer videoHidden;

    @Option(names = "--merge-hidden", paramLabel = "H", description = "Units per merge layer. Default: 48 (250 with --full).")
    Integer mergeHidden;

    @Option(names = "--merge-layers", paramLabel = "N", description = "Merge layers. Default: 1 (2 with --full).")
    Integer mergeLayers;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs. Default: 14 (20 with --full).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "B", description = "Words per mini-batch. Default: 32.")
    Integer batch;

    @Option(names = "--lr", paramLabel = "RATE", description = "Adam's learning rate. Default: 0.005 (0.002 with --full).")
    Float lr;

    @CommandLine.Mixin
    ExperimentOptions run = new ExperimentOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        AvFusionExperiment.Settings d = AvFusionExperiment.Settings.defaults(full);
        AvFusionExperiment.Settings settings = new AvFusionExperiment.Settings(
                ExperimentOptions.names(models, AvFusionExperiment.MODELS, "--models"),
                ExperimentOptions.names(inputs, AvFusionExperiment.INPUTS, "--inputs"),
                ExperimentOptions.count(seeds, d.seeds(), "--seeds"),
                ExperimentOptions.count(trainSentences, d.trainSentences(), "--train-sentences"),
                ExperimentOptions.count(testSentences, d.testSentences(), "--test-sentences"),
                snr != null ? snr : d.snrDb(), videoNoise != null ? videoNoise : d.videoNoise(),
                ExperimentOptions.count(audioHidden, d.audioHidden(), "--audio-hidden"),
                ExperimentOptions.count(videoHidden, d.videoHidden(), "--video-hidden"),
                ExperimentOptions.count(mergeHidden, d.mergeHidden(), "--merge-hidden"),
                ExperimentOptions.count(mergeLayers, d.mergeLayers(), "--merge-layers"), d.periods(), d.ratioOn(),
                ExperimentOptions.count(epochs, d.epochs(), "--epochs"),
                ExperimentOptions.count(batch, d.batch(), "--batch"),
                lr != null ? ExperimentOptions.rate(lr) : d.lr());
        ExperimentDriver.run(new AvFusionExperiment(settings), run.driverOptions("av-fusion"),
                spec.commandLine().getOut());
        return 0;
    }
}
