package org.rnn4j.cli;

import org.rnn4j.data.audio.AudioFeatures;
import org.rnn4j.data.audio.FeatureOptions;
import org.rnn4j.data.audio.Wav;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;
import org.rnn4j.tensor.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rnn4j features}: speech features of a WAV file, as the acoustic models read them. */
@Command(name = "features", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Computes speech features of a WAV file and writes them as a (T, F) .npy array.",
                "fbank: 40 log-mel energies from 25 ms Hamming windows every 10 ms (Sak et al. 2014's input);"
                        + " mfcc: 13 MFCCs with their deltas and delta-deltas (39). Kaldi's definitions; they equal"
                        + " torchaudio's compliance.kaldi features. The WAV must be mono, 16-bit PCM or 32-bit float."})
final class FeaturesCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "WAV", description = "A mono WAV file.")
    Path wav;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.npy",
            description = "Where to write the (T, F) float32 features.")
    Path output;

    @Option(names = "--kind", defaultValue = "fbank", paramLabel = "KIND",
            description = "fbank (40) or mfcc (39 with deltas). Default: ${DEFAULT-VALUE}.")
    String kind;

    @Option(names = "--normalize", description = "Per-utterance mean and variance normalisation of every feature.")
    boolean normalize;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String k = kind.toLowerCase(Locale.ROOT);
        if (!k.equals("fbank") && !k.equals("mfcc")) {
            throw new IllegalArgumentException("--kind must be fbank or mfcc, got '" + kind + "'");
        }
        Wav audio = Wav.read(wav);
        if (AudioFeatures.frames(audio.samples().length, FeatureOptions.fbank(audio.sampleRate())) == 0) {
            throw new IllegalArgumentException(wav + ": " + String.format(Locale.ROOT, "%.3f", audio.seconds())
                    + " s of audio makes no 25 ms frame");
        }
        Tensor f = k.equals("fbank") ? AudioFeatures.fbank(audio) : AudioFeatures.mfccWithDeltas(audio);
        if (normalize) {
            f = AudioFeatures.normalize(f);
        }
        Npy.write(output, NpyArray.of(f));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s: %d frames of %d %s features (%.2f s at %d Hz) -> %s%n", wav, f.dim(0), f.dim(1), k,
                audio.seconds(), audio.sampleRate(), output);
        return 0;
    }
}
