package org.rnn4j.cli.options;

import org.rnn4j.data.TaskData;
import org.rnn4j.data.speech.FrameFeatures;
import org.rnn4j.data.speech.PhoneSet;
import org.rnn4j.data.speech.SpeechCorpus;
import org.rnn4j.data.speech.Split;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Provenance;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.train.ArrayDataset;
import org.rnn4j.train.Objective;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Training on a speech corpus (docs/speech-data.md): {@code --data DIR --features fbank|mfcc} reads the WAV and label
 * files of DIR's train and valid splits as per-frame phone classes, with the output delayed by {@code --delay}
 * frames ({@link FrameFeatures}). The phone names become the model's class names and the feature settings go into
 * the model file's meta, so that {@code predict --wav} computes the same features.
 */
public final class SpeechOptions {

    @Option(names = "--features", paramLabel = "KIND",
            description = "With --data DIR holding a speech corpus (manifest.tsv, wav/, labels/): train a frame"
                    + " classifier of phones on fbank (40) or mfcc (39) features of its train split, validated on its"
                    + " valid split. Use --tbptt 20 and --delay 5 as Sak et al. 2014 do.")
    String features;

    @Option(names = "--delay", defaultValue = "5", paramLabel = "FRAMES",
            description = "With --features: the output names the phone of the frame this many frames back."
                    + " Default: ${DEFAULT-VALUE}.")
    int delay;

    @Option(names = "--no-normalize",
            description = "With --features: no per-utterance mean and variance normalisation of the features.")
    boolean noNormalize;

    /** Whether --features was given: the speech path. */
    public boolean given() {
        return features != null;
    }

    /** The feature settings of the options. */
    public FrameFeatures frames() {
        return new FrameFeatures(features, !noNormalize, delay);
    }

    /** The corpus of --data as training (its train split) and validation data (its valid split). */
    public TaskData load(DataOptions data) throws IOException {
        if (data.data == null || !Files.isRegularFile(data.data.resolve(SpeechCorpus.MANIFEST))) {
            throw new IllegalArgumentException("--features needs --data DIR with a speech corpus: "
                    + (data.data == null ? "no --data was given" : data.data + " has no " + SpeechCorpus.MANIFEST)
                    + " (make one with 'rnn4j data speech --out DIR --utterances N --seed S')");
        }
        if (data.valData != null || data.valSplit != null || data.labelsFile != null || data.targetsFile != null
                || data.perStep || data.classes != null || data.objective != null) {
            throw new IllegalArgumentException("--features reads the corpus's own train and valid splits and labels;"
                    + " --val-data, --val-split, --labels, --targets, --per-step, --classes and --objective do not"
                    + " apply");
        }
        FrameFeatures f = frames();
        SpeechCorpus corpus = SpeechCorpus.open(data.data);
        String name = corpus.dir().getFileName() + " (" + f.kind() + ", delay " + f.delay() + ")";
        ArrayDataset train = f.dataset(corpus, corpus.utterances(Split.TRAIN),
                "speech corpus " + name + ", train split, " + corpus.utterances(Split.TRAIN).size() + " utterances");
        ArrayDataset valid = corpus.utterances(Split.VALID).isEmpty() ? null : f.dataset(corpus,
                corpus.utterances(Split.VALID), "speech corpus " + name + ", valid split, "
                        + corpus.utterances(Split.VALID).size() + " utterances");
        DataSchema schema = new DataSchema(null, null, null, null, null, PhoneSet.standard().names(), null, null);
        return new TaskData(train, valid, f.size(), Head.EVERY_STEP, PhoneSet.standard().size(),
                Objective.CROSS_ENTROPY, Double.NaN, schema);
    }

    /**
     * For {@code eval} of a model trained with --features: the {@code split} utterances of the corpus in --data, read
     * with the model's own feature settings {@code f}. Refuses --data that is not a speech corpus, and the options of
     * data files, with a sentence saying what to give.
     */
    public static TaskData evaluation(DataOptions data, FrameFeatures f, String split, Path modelFile)
            throws IOException {
        if (data.data == null || !Files.isRegularFile(data.data.resolve(SpeechCorpus.MANIFEST))) {
            throw new IllegalArgumentException(modelFile + " is a speech model (" + f.kind() + " features, delay "
                    + f.delay() + "): give --data DIR with a speech corpus ("
                    + (data.data == null ? "no --data was given" : data.data + " has no " + SpeechCorpus.MANIFEST)
                    + "); it is scored on the corpus's test split, or on --split train|valid|test|other-synth");
        }
        if (data.valData != null || data.valSplit != null || data.labelsFile != null || data.targetsFile != null
                || data.perStep || data.classes != null || data.objective != null) {
            throw new IllegalArgumentException(modelFile + " is a speech model, scored on a split of the corpus in"
                    + " --data with the corpus's labels; --val-data, --val-split, --labels, --targets, --per-step,"
                    + " --classes and --objective do not apply (choose the split with --split)");
        }
        Split s = Split.of(split);
        SpeechCorpus corpus = SpeechCorpus.open(data.data);
        if (corpus.utterances(s).isEmpty()) {
            throw new IllegalArgumentException(corpus.dir() + " has no utterances in its " + s.label() + " split");
        }
        ArrayDataset test = f.dataset(corpus, corpus.utterances(s), "speech corpus " + corpus.dir().getFileName()
                + ", " + s.label() + " split, " + corpus.utterances(s).size() + " utterances (" + f.kind()
                + ", delay " + f.delay() + ")");
        DataSchema schema = new DataSchema(null, null, null, null, null, PhoneSet.standard().names(), null, null);
        return new TaskData(test, null, f.size(), Head.EVERY_STEP, PhoneSet.standard().size(),
                Objective.CROSS_ENTROPY, Double.NaN, schema);
    }

    /** Writes the model with the phone names and the feature settings. */
    public void save(Path file, SequenceModel net, Provenance provenance, DataSchema schema) throws IOException {
        ModelFile.write(file, new ModelFile.Contents(ModelFile.KIND_MODEL, net.config(), net.parameters().values(),
                provenance, Map.of(), Map.of(FrameFeatures.META_KEY, frames().toMeta()), schema));
    }
}
