package org.rnn4j.experiments;

import org.rnn4j.data.audio.Wav;
import org.rnn4j.data.speech.FrameFeatures;
import org.rnn4j.data.speech.RecordedDigit;
import org.rnn4j.data.speech.Resampler;
import org.rnn4j.data.speech.SpeechCorpus;
import org.rnn4j.data.speech.SpeechCorpusGenerator;
import org.rnn4j.data.speech.Split;
import org.rnn4j.data.speech.Utterance;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.Schedule;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.ArrayDataset;
import org.rnn4j.train.Objective;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Synthetic-to-real transfer on isolated digits: a many-to-one classifier (an LSTM or LSTMP layer, the class read
 * from its last step) learns the ten digit words from synthetic speech, a corpus of single digits spoken by many
 * espeak-ng voices (rate, pitch and noise varied; docs/speech-data.md), and is then asked about real recorded speech:
 * Asterisk's English prompts of the ten digits, one human speaker ({@link RecordedDigit}). Scored: accuracy on the
 * held-out espeak-ng voices (the corpus's test split), on Festival's voices (other-synth, a synthesiser never
 * heard), and on the ten recordings, against the chance level of 10%. There are no frame labels in the recordings:
 * this is a check of transfer, not a row of the acoustic experiment's frame-accuracy table.
 *
 * <p>Both kinds of audio are read at 8 kHz, the recordings' rate (the corpus's 16 kHz is resampled down, so that
 * both have the same band): 40 log-mel energies every 10 ms, normalised per utterance.
 */
public final class DigitsExperiment implements Experiment<DigitsExperiment.Run> {

    /** The models: one LSTM layer, or one LSTMP layer (cells projected to half as many recurrent units). */
    public static final List<String> MODELS = List.of("lstm", "lstmp");

    /** The rate both kinds of audio are read at: the recordings' own. */
    public static final int SAMPLE_RATE = 8000;
    private static final FrameFeatures FEATURES = new FrameFeatures("fbank", true, 0);
    private static final int CLASSES = 10;

    /**
     * The experiment's settings.
     *
     * @param models     which of {@link #MODELS}
     * @param seeds      seeds per model (seeds 1..n)
     * @param parameters the parameter budget of every model
     * @param epochs     epochs
     * @param batch      utterances per mini-batch
     * @param lr         Adam's initial learning rate, decayed to a tenth along a cosine
     */
    public record Settings(List<String> models, int seeds, int parameters, int epochs, int batch, float lr) {
        public Settings {
            models = Checks.names(models, MODELS, "model");
            Checks.atLeast(seeds, 1, "seeds");
            Checks.atLeast(parameters, 1000, "parameters");
            Checks.atLeast(epochs, 1, "epochs");
            Checks.atLeast(batch, 1, "batch");
            Checks.positive(lr, "lr");
        }

        /** The default run: an LSTM of 20 000 parameters, 20 epochs, 2 seeds, Adam at 0.01. */
        public static Settings defaults() {
            return new Settings(List.of("lstm"), 2, 20_000, 20, 16, 1e-2f);
        }
    }

    /** One run: a model with a seed. */
    public record Run(String model, long seed) implements RunSpec {
        @Override
        public RunId id() {
            return new RunId(model, "digits", seed);
        }
    }

    private final Settings settings;
    private final SpeechCorpus corpus;
    private final List<RecordedDigit> recorded;
    private final ArrayDataset train;
    private final ArrayDataset validation;
    private final ArrayDataset test;
    private final ArrayDataset other;
    private final List<Tensor> real;   // (T, F) per recording

    /**
     * The experiment on {@code corpus}, a corpus of isolated digits ({@link SpeechCorpusGenerator.Options#withIsolatedDigits}),
     * tested on {@code recorded}; the features are computed now.
     */
    public DigitsExperiment(Settings settings, SpeechCorpus corpus, List<RecordedDigit> recorded) throws IOException {
        this.settings = settings;
        this.corpus = corpus;
        this.recorded = List.copyOf(recorded);
        for (Split s : List.of(Split.TRAIN, Split.VALID, Split.TEST, Split.OTHER_SYNTH)) {
            if (corpus.utterances(s).isEmpty()) {
                throw new IllegalArgumentException(corpus.dir() + " has no utterances in its " + s.label()
                        + " split; make a larger corpus (with Festival for other-synth)");
            }
        }
        if (recorded.isEmpty()) {
            throw new IllegalArgumentException("no recorded digits to test on");
        }
        this.train = dataset(Split.TRAIN, "train split");
        this.validation = dataset(Split.VALID, "valid split");
        this.test = dataset(Split.TEST, "test split (held-out voices)");
        this.other = dataset(Split.OTHER_SYNTH, "other-synth split (Festival)");
        List<Tensor> xs = new ArrayList<>();
        for (RecordedDigit d : recorded) {
            xs.add(features(Wav.read(d.file()), d.file().toString()));
        }
        this.real = List.copyOf(xs);
    }

    /** The (T, 40) features of a recording: resampled to 8 kHz, fbank, normalised per utterance. */
    static Tensor features(Wav wav, String name) {
        return FEATURES.features(Resampler.resample(wav, SAMPLE_RATE), name);
    }

    /** The digit an isolated-digit utterance says, 0..9, from its text. */
    static int digitOf(Utterance u, Path corpusDir) {
        int d = SpeechCorpusGenerator.digitWords().indexOf(u.text().strip());
        if (d < 0) {
            throw new IllegalArgumentException(corpusDir + ": utterance " + u.id() + " says '" + u.text()
                    + "', not one digit; make the corpus with isolated digits ('rnn4j experiment digits' makes one)");
        }
        return d;
    }

    private ArrayDataset dataset(Split split, String description) throws IOException {
        List<Utterance> us = corpus.utterances(split);
        List<Tensor> xs = new ArrayList<>();
        int[] labels = new int[us.size()];
        for (int i = 0; i < us.size(); i++) {
            Utterance u = us.get(i);
            labels[i] = digitOf(u, corpus.dir());
            xs.add(features(corpus.audio(u), corpus.wavFile(u).toString()));
        }
        return stack(xs, labels, description + ", " + us.size() + " digits");
    }

    /** (N, maxT, F) zero-padded features with their lengths and one class per sequence. */
    private static ArrayDataset stack(List<Tensor> xs, int[] labels, String description) {
        int maxT = xs.stream().mapToInt(t -> t.dim(0)).max().orElse(1);
        int fs = FEATURES.size();
        float[] x = new float[xs.size() * maxT * fs];   // (N, maxT, F)
        int[] lengths = new int[xs.size()];
        for (int i = 0; i < xs.size(); i++) {
            Tensor f = xs.get(i);
            System.arraycopy(f.data(), 0, x, i * maxT * fs, f.data().length);
            lengths[i] = f.dim(0);
        }
        return ArrayDataset.withClasses(Tensor.of(x, xs.size(), maxT, fs), lengths, labels, description);
    }

    @Override
    public String name() {
        return "digits";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", name());
        m.put("corpus", corpus.dir().toAbsolutePath().toString());
        m.put("utterances", (long) corpus.utterances().size());
        m.put("recorded", recorded.stream().map(d -> (Object) d.file().toString()).toList());
        m.put("parameters", (long) settings.parameters());
        m.put("epochs", (long) settings.epochs());
        m.put("batch", (long) settings.batch());
        m.put("lr", (double) settings.lr());
        m.put("sample_rate", (long) SAMPLE_RATE);
        m.put("features", FEATURES.toMeta());
        return m;
    }

    @Override
    public List<Run> runs() {
        return RunSpec.everyModelAndSeed(settings.models(), settings.seeds(), Run::new);
    }

    private AcousticExperiment.Shape shape(String model) {
        return AcousticExperiment.Shape.within(model, settings.parameters(), FEATURES.size(), CLASSES);
    }

    @Override
    public String describe(ExperimentDriver.Options options) {
        StringBuilder shapes = new StringBuilder();
        for (String m : settings.models()) {
            AcousticExperiment.Shape s = shape(m);
            shapes.append(String.format(Locale.ROOT, "%n  %-6s %s, %d parameters", m, s,
                    s.parameters(FEATURES.size(), CLASSES)));
        }
        return String.format(Locale.ROOT, "isolated digits, synthetic to real: %d train, %d valid, %d test and %d"
                        + " other-synth utterances of %s; tested on %d recordings of one human speaker; fbank 40 at"
                        + " %d Hz, per-utterance CMVN, the class read at the last step; %d epochs, batch %d, Adam %s"
                        + " (cosine to a tenth), %d seeds, %d threads, %s%s",
                train.size(), validation.size(), test.size(), other.size(), corpus.dir(), real.size(), SAMPLE_RATE,
                settings.epochs(), settings.batch(), settings.lr(), settings.seeds(), options.threads(),
                Checks.jobs(options.jobs()), shapes);
    }

    @Override
    public RunResult run(Run run, Compute compute, RunCheckpoint checkpoint) {
        AcousticExperiment.Shape s = shape(run.model());
        CellSpec cell = s.proj() > 0 ? CellSpec.lstm().withProjSize(s.proj()) : CellSpec.lstm();
        SequenceModel net = SequenceModel.builder().inputSize(FEATURES.size()).cell(cell).hiddenSize(s.cells())
                .numLayers(s.layers()).head(Head.LAST_STEP).outputSize(CLASSES).seed(run.seed()).compute(compute)
                .build();
        long batches = (train.size() + settings.batch() - 1) / settings.batch() * (long) settings.epochs();
        TrainConfig cfg = TrainConfig.builder().epochs(settings.epochs()).batchSize(settings.batch())
                .objective(Objective.CROSS_ENTROPY).learningRate(settings.lr()).schedule(Schedule.cosine(batches, 0.1))
                .clipNorm(1.0).seed(run.seed()).build();
        RunResult r = new Training(net, train, validation, test, cfg, new Adam(settings.lr()), Score.METRIC)
                .run(run.id(), checkpoint);
        double otherAccuracy = Trainer.evaluate(net, other, Objective.CROSS_ENTROPY, settings.batch()).metric();
        List<Object> said = new ArrayList<>();
        int right = 0;
        for (int i = 0; i < real.size(); i++) {
            Tensor f = real.get(i);
            int c = argmax(net.infer(Tensor.of(f.data(), 1, f.dim(0), f.dim(1))));   // (1, C)
            said.add((long) c);
            right += c == recorded.get(i).digit() ? 1 : 0;
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("parameters", (long) net.parameters().size());
        extras.put("shape", s.toString());
        extras.put("other_synth_accuracy", otherAccuracy);
        extras.put("recorded_accuracy", (double) right / real.size());
        extras.put("recorded_said", said);
        return r.withExtras(extras);
    }

    private static int argmax(Tensor y) {
        float[] v = y.data();
        int best = 0;
        for (int k = 1; k < v.length; k++) {
            if (v[k] > v[best]) {
                best = k;
            }
        }
        return best;
    }

    @Override
    public String line(RunResult r) {
        return String.format(Locale.ROOT, "%-6s seed %d: accuracy %.1f %% (held-out voices), %.1f %% (Festival),"
                        + " %.0f %% (recorded, %s), %.1f s%s", r.model(), r.seed(), 100 * r.score(),
                100 * r.extra("other_synth_accuracy"), 100 * r.extra("recorded_accuracy"), said(r), r.seconds(),
                r.divergedNote());
    }

    /** What a run said for each recording, e.g. "0 1 2 3 4 5 6 7 1 9", in the recordings' order. */
    private static String said(RunResult r) {
        Object v = r.extras().get("recorded_said");
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> list) {
            list.forEach(x -> out.add(String.valueOf(((Number) x).longValue())));
        }
        return "said " + String.join(" ", out);
    }

    @Override
    public void report(List<RunResult> runs, Path out, PrintWriter pw) throws IOException {
        ExperimentReport.chart(out.resolve("learning-curves.png"), "rnn4j: isolated synthetic digits, "
                + settings.parameters() + " parameters", "validation accuracy", runs, settings.epochs(), false, 0.0, 1.0);
        String table = table(runs, settings.models(), recorded);
        pw.println();
        pw.print(table);
        Map<String, Object> s = new LinkedHashMap<>(settings());
        s.put("chance", 1.0 / CLASSES);
        ExperimentReport.writeResults(out, table, s, runs, "accuracy", "learning-curves.png", pw);
    }

    /** A row per model: parameters, the three accuracies (mean ± std over seeds), training time; then chance. */
    static String table(List<RunResult> runs, List<String> models, List<RecordedDigit> recorded) {
        StringBuilder sb = new StringBuilder("| model | shape | parameters | accuracy, held-out espeak-ng voices"
                + " | accuracy, Festival voices | accuracy, " + recorded.size() + " recorded digits (per seed)"
                + " | training time per run |\n|---|---|---|---|---|---|---|\n");
        for (String model : models) {
            List<RunResult> mine = runs.stream().filter(r -> r.model().equals(model)).toList();
            if (mine.isEmpty()) {
                continue;
            }
            double[] acc = mine.stream().mapToDouble(RunResult::score).toArray();
            double[] oth = mine.stream().mapToDouble(r -> r.extra("other_synth_accuracy")).toArray();
            double[] rec = mine.stream().mapToDouble(r -> r.extra("recorded_accuracy")).toArray();
            double[] sec = mine.stream().mapToDouble(RunResult::seconds).toArray();
            List<String> perSeed = mine.stream().map(r -> String.format(Locale.ROOT, "%d/%d",
                    Math.round(r.extra("recorded_accuracy") * recorded.size()), recorded.size())).toList();
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f ± %.1f %% | %.1f ± %.1f %% | %.0f ± %.0f %% (%s)"
                            + " | %.0f ± %.0f s |%n", model, mine.get(0).extras().get("shape"),
                    (long) mine.get(0).extra("parameters"), 100 * ExperimentReport.mean(acc),
                    100 * ExperimentReport.std(acc), 100 * ExperimentReport.mean(oth), 100 * ExperimentReport.std(oth),
                    100 * ExperimentReport.mean(rec), 100 * ExperimentReport.std(rec), String.join(", ", perSeed),
                    ExperimentReport.mean(sec), ExperimentReport.std(sec)));
        }
        sb.append(String.format(Locale.ROOT, "%nchance: 10 %% (ten digits). What each run said for the recordings of"
                + " 0 .. 9:%n"));
        for (RunResult r : runs) {
            sb.append(String.format(Locale.ROOT, "  %s seed %d: %s%n", r.model(), r.seed(), said(r)));
        }
        return sb.toString();
    }
}
