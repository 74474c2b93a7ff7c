package org.rnn4j.cli;

import org.rnn4j.data.speech.SpeechCorpus;
import org.rnn4j.data.speech.SpeechCorpusGenerator;
import org.rnn4j.data.speech.Split;
import org.rnn4j.data.speech.Utterance;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rnn4j data speech}: {@link SpeechCorpusGenerator#generate}, as scripts/speech-corpus does it. */
@Command(name = "speech", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generates synthetic English speech with a phone label for every moment (docs/speech-data.md):",
                "DIR/manifest.tsv, DIR/wav/<id>.wav (16 kHz mono) and DIR/labels/<id>.tsv, split by speaker into"
                        + " train, valid, test (espeak-ng voices) and other-synth (Festival). Needs espeak-ng and"
                        + " Festival (scripts/install-speech) and Java 22 or newer."})
final class SpeechDataCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the corpus goes (created).")
    Path out;

    @Option(names = "--utterances", required = true, paramLabel = "N", description = "Utterances to make.")
    int utterances;

    @Option(names = "--seed", required = true, paramLabel = "S", description = "The same seed gives the same files.")
    long seed;

    @Option(names = "--festival-share", defaultValue = "0.1", paramLabel = "P",
            description = "Probability that an utterance is Festival's (other-synth). Default: ${DEFAULT-VALUE}.")
    double festivalShare;

    @Option(names = "--digit-share", defaultValue = "0.3", paramLabel = "P",
            description = "Probability of a digit string rather than words. Default: ${DEFAULT-VALUE}.")
    double digitShare;

    @Option(names = "--noisy-share", defaultValue = "0.6", paramLabel = "P",
            description = "Probability that white noise is added. Default: ${DEFAULT-VALUE}.")
    double noisyShare;

    @Option(names = "--snrs", split = ",", defaultValue = "20,10,5", paramLabel = "DB",
            description = "Signal-to-noise ratios a noisy utterance draws from. Default: ${DEFAULT-VALUE}.")
    List<Double> snrs;

    @Option(names = "--words", paramLabel = "FILE", description = "Word list. Default: /usr/share/dict/american-english.")
    Path words;

    @Option(names = "--isolated-digits", description = "Every utterance one digit word, zero to nine (the data of"
            + " 'rnn4j experiment digits'); --digit-share and --words do not apply.")
    boolean isolatedDigits;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        SpeechCorpusGenerator.Options o = SpeechCorpusGenerator.Options.of(utterances, seed)
                .withFestivalShare(festivalShare).withDigitShare(digitShare).withNoise(noisyShare, snrs);
        if (words != null) {
            o = o.withWordList(words);
        }
        if (isolatedDigits) {
            o = o.withIsolatedDigits();
        }
        long t0 = System.nanoTime();
        PrintWriter err = spec.commandLine().getErr();
        SpeechCorpus corpus = SpeechCorpusGenerator.generate(out, o, done -> {
            if (done % 50 == 0 || done == utterances) {
                err.printf("\r%d/%d utterances", done, utterances);
                err.flush();
            }
        });
        err.println();
        double seconds = corpus.utterances().stream().mapToDouble(Utterance::seconds).sum();
        StringBuilder splits = new StringBuilder();
        for (Split s : Split.values()) {
            splits.append(splits.isEmpty() ? "" : ", ").append(corpus.utterances(s).size()).append(' ').append(s.label());
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "%s: %d utterances (%s), %.1f s of audio, made in %.1f s%n",
                out, utterances, splits, seconds, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
