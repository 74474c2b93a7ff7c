package org.rnn4j.experiments;

import org.rnn4j.data.speech.GridWords;
import org.rnn4j.data.speech.Visemes;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.MultiStreamModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.MultiStreamTrainer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Audio-visual fusion, the lip-reading experiment of the Phased LSTM paper (Neil, Pfeiffer &amp; Liu 2016, §4.4), on
 * {@link GridWords}: sentences in GRID's grammar spoken by espeak-ng's voices, each word a segment with two streams
 * on their own clocks, audio (39 MFCC features at 100 Hz) and simulated lip features ({@link Visemes}, 14 at 25 fps).
 * Each word is classified into one of GRID's 51 words from its audio only, its video only, or both, by an LSTM and a
 * Phased LSTM, with clean audio and with white noise at a low signal-to-noise ratio (the video is the same in both).
 * Every model is a {@link MultiStreamModel}: a recurrent network per stream, a merge network, a linear head.
 * <ul>
 * <li>Phased LSTM: each stream on its native clock (audio every 10 ms, video every 40 ms, times in ms), the merge
 * network stepping at the union of both streams' frame times;</li>
 * <li>LSTM: the streams resampled onto one clock, the video frame held at each audio frame and read beside the audio
 * features by one stream network as wide as the Phased LSTM's two together.</li>
 * </ul>
 * Adam, gradient clipping at norm 1, the words of held-out sentences scored after each epoch (the learning curve)
 * and at the end; unit updates of the event-driven inference counted over all the networks.
 */
public final class AvFusionExperiment implements Experiment<AvFusionExperiment.Run> {

    /** The networks. */
    public static final List<String> MODELS = List.of("lstm", "plstm");

    /** What a model hears and sees. */
    public static final List<String> INPUTS = List.of("audio", "video", "fused");

    /** The condition of the runs on clean audio (and of the video-only runs, which hear nothing). */
    public static final String CLEAN = "clean";

    /**
     * The Phased LSTM's initial periods τ, log-uniform in [min, max] milliseconds, per network.
     *
     * @param audioMin the audio stream's (and the merge network's) shortest
     * @param audioMax their longest
     * @param videoMin the video stream's shortest
     * @param videoMax its longest
     */
    public record Periods(double audioMin, double audioMax, double videoMin, double videoMax) {
        public Periods {
            if (!(audioMin > 0 && audioMax >= audioMin && videoMin > 0 && videoMax >= videoMin)
                    || Double.isInfinite(audioMax) || Double.isInfinite(videoMax)) {
                throw new IllegalArgumentException("the periods need 0 < min ≤ max, got audio " + audioMin + "-"
                        + audioMax + " and video " + videoMin + "-" + videoMax + " ms");
            }
        }
    }

    /**
     * The experiment's settings.
     *
     * @param models         which of {@link #MODELS}
     * @param inputs         which of {@link #INPUTS}
     * @param seeds          seeds per model, input and condition (seeds 1..n)
     * @param trainSentences sentences of the training words (six words each)
     * @param testSentences  sentences of the held-out words
     * @param snrDb          the noisy condition's signal-to-noise ratio of the audio, dB
     * @param videoNoise     standard deviation of the noise on each lip parameter (in [0, 1])
     * @param audioHidden    units of the audio stream's network
     * @param videoHidden    units of the video stream's network
     * @param mergeHidden    units per layer of the merge network
     * @param mergeLayers    layers of the merge network
     * @param periods        the Phased LSTM's initial periods
     * @param ratioOn        the Phased LSTM's initial open ratio r_on
     * @param epochs         epochs
     * @param batch          words per mini-batch
     * @param lr             Adam's learning rate
     */
    public record Settings(List<String> models, List<String> inputs, int seeds, int trainSentences, int testSentences,
                           double snrDb, double videoNoise, int audioHidden, int videoHidden, int mergeHidden,
                           int mergeLayers, Periods periods, float ratioOn, int epochs, int batch, float lr) {
        public Settings {
            models = Checks.names(models, MODELS, "model");
            inputs = Checks.names(inputs, INPUTS, "input");
            Checks.atLeast(seeds, 1, "seeds");
            Checks.atLeast(trainSentences, 1, "trainSentences");
            Checks.atLeast(testSentences, 1, "testSentences");
            if (!Double.isFinite(snrDb)) {
                throw new IllegalArgumentException("the SNR must be a finite number of dB, got " + snrDb);
            }
            if (!(videoNoise >= 0 && videoNoise <= 1)) {
                throw new IllegalArgumentException("the video noise must be in [0, 1], got " + videoNoise);
            }
            Checks.atLeast(audioHidden, 1, "audioHidden");
            Checks.atLeast(videoHidden, 1, "videoHidden");
            Checks.atLeast(mergeHidden, 1, "mergeHidden");
            Checks.atLeast(mergeLayers, 1, "mergeLayers");
            if (!(ratioOn > 0 && ratioOn <= 1)) {
                throw new IllegalArgumentException("r_on must be in (0, 1], got " + ratioOn);
            }
            Checks.atLeast(epochs, 1, "epochs");
            Checks.atLeast(batch, 1, "batch");
            Checks.positive(lr, "lr");
        }

        /**
         * The default run (about 9 minutes on 2 idle cores): 1200 training and 200 test sentences (7200 and 1200
         * words), noise at 0 dB, lip noise 0.05, audio 32 units, video 16, a merge layer of 48, 14 epochs, 3 seeds; with {@code full} 1500 and 300
         * sentences, the paper's sizes (150, 110, two merge layers of 250), 20 epochs, 5 seeds. Both: periods of
         * 10–100 ms for audio and merge, 40–400 ms for video, r_on 0.05, batch 32, Adam 0.005.
         */
        public static Settings defaults(boolean full) {
            Periods periods = new Periods(10, 100, 40, 400);
            return full ? new Settings(MODELS, INPUTS, 5, 1500, 300, 0, 0.05, 150, 110, 250, 2, periods, 0.05f, 20,
                    32, 2e-3f)
                    : new Settings(MODELS, INPUTS, 3, 1200, 200, 0, 0.05, 32, 16, 48, 1, periods, 0.05f, 14, 32, 5e-3f);
        }
    }

    /** One run: a network on an input in a condition with a seed; its model name is "network/input". */
    public record Run(String network, String input, String condition, long seed) implements RunSpec {
        @Override
        public RunId id() {
            return new RunId(network + "/" + input, condition, seed);
        }
    }

    private final Settings settings;
    private final Map<String, List<GridWords.Word>> train = new LinkedHashMap<>();
    private final Map<String, List<GridWords.Word>> test = new LinkedHashMap<>();
    private final double dataSeconds;

    /**
     * The experiment with its words synthesised now (espeak-ng, scripts/install-speech).
     *
     * @throws IOException when espeak-ng's library cannot be used, naming what to install
     */
    public AvFusionExperiment(Settings settings) throws IOException {
        this.settings = settings;
        long t0 = System.nanoTime();
        List<GridWords.Sentence> trainSentences = GridWords.synthesise(settings.trainSentences(), 1, n -> { });
        List<GridWords.Sentence> testSentences = GridWords.synthesise(settings.testSentences(), 2, n -> { });
        for (String c : conditions()) {
            double snr = c.equals(CLEAN) ? Double.NaN : settings.snrDb();
            train.put(c, GridWords.words(trainSentences, snr, settings.videoNoise()));
            test.put(c, GridWords.words(testSentences, snr, settings.videoNoise()));
        }
        this.dataSeconds = (System.nanoTime() - t0) / 1e9;
    }

    @Override
    public String name() {
        return "av-fusion";
    }

    /** The conditions: clean audio, and noise at the SNR. */
    List<String> conditions() {
        return List.of(CLEAN, noisy());
    }

    private String noisy() {
        return "snr=" + EventDigitsExperiment.fmt(settings.snrDb()) + "dB";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", name());
        m.put("train_sentences", settings.trainSentences());
        m.put("test_sentences", settings.testSentences());
        m.put("train_words", train.get(CLEAN).size());
        m.put("test_words", test.get(CLEAN).size());
        m.put("snr_db", settings.snrDb());
        m.put("video_noise", settings.videoNoise());
        m.put("audio_hidden", settings.audioHidden());
        m.put("video_hidden", settings.videoHidden());
        m.put("merge_hidden", settings.mergeHidden());
        m.put("merge_layers", settings.mergeLayers());
        Periods p = settings.periods();
        m.put("audio_period_ms", List.of(p.audioMin(), p.audioMax()));
        m.put("video_period_ms", List.of(p.videoMin(), p.videoMax()));
        m.put("ratio_on", (double) settings.ratioOn());
        m.put("epochs", settings.epochs());
        m.put("batch", settings.batch());
        m.put("lr", (double) settings.lr());
        return m;
    }

    @Override
    public List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        for (String network : settings.models()) {
            for (String input : settings.inputs()) {
                // the video does not hear the noise: its runs are the same in both conditions
                for (String c : input.equals("video") ? List.of(CLEAN) : conditions()) {
                    for (int s = 1; s <= settings.seeds(); s++) {
                        runs.add(new Run(network, input, c, s));
                    }
                }
            }
        }
        return runs;
    }

    @Override
    public String describe(ExperimentDriver.Options options) {
        List<GridWords.Word> words = train.get(CLEAN);
        double audio = words.stream().mapToInt(w -> w.audioTimes().length).average().orElse(0);
        double video = words.stream().mapToInt(w -> w.videoTimes().length).average().orElse(0);
        return String.format(Locale.ROOT, "audio-visual words (GRID grammar, 51 words, espeak-ng voices; the lip"
                        + " features are simulated from the phone timings, not video): %d training and %d test words"
                        + " from %d and %d sentences, %.1f audio frames (39 features, 100 Hz) and %.1f video frames"
                        + " (%d features, 25 fps) per word on average; made in %.1f s%n"
                        + "%s on %s, clean and at %s dB SNR; audio %d units, video %d, merge %d x %d; Phased LSTM"
                        + " periods %s-%s ms (audio, merge), %s-%s ms (video), r_on %s; %d epochs, batch %d, Adam %s,"
                        + " clip 1, %d seeds, %d threads, %s",
                words.size(), test.get(CLEAN).size(), settings.trainSentences(), settings.testSentences(), audio,
                video, Visemes.FEATURES, dataSeconds, settings.models(), settings.inputs(),
                EventDigitsExperiment.fmt(settings.snrDb()), settings.audioHidden(), settings.videoHidden(),
                settings.mergeLayers(), settings.mergeHidden(), EventDigitsExperiment.fmt(settings.periods().audioMin()),
                EventDigitsExperiment.fmt(settings.periods().audioMax()),
                EventDigitsExperiment.fmt(settings.periods().videoMin()),
                EventDigitsExperiment.fmt(settings.periods().videoMax()), settings.ratioOn(), settings.epochs(),
                settings.batch(), settings.lr(), settings.seeds(), options.threads(), Checks.jobs(options.jobs()));
    }

    /** The network of a run: a stream network per input stream, the merge network and the head. */
    MultiStreamModel model(Run run, Compute compute) {
        boolean phased = run.network().equals("plstm");
        Periods p = settings.periods();
        CellSpec audio = phased ? CellSpec.phasedLstm().withPeriodRange(p.audioMin(), p.audioMax())
                .withRatioOn(settings.ratioOn()) : CellSpec.lstm();
        CellSpec video = phased ? CellSpec.phasedLstm().withPeriodRange(p.videoMin(), p.videoMax())
                .withRatioOn(settings.ratioOn()) : CellSpec.lstm();
        MultiStreamModel.Builder b = MultiStreamModel.builder();
        switch (run.input()) {
            case "audio" -> b.stream(audio, GridWords.AUDIO_FEATURES, settings.audioHidden(), 1);
            case "video" -> b.stream(video, Visemes.FEATURES, settings.videoHidden(), 1);
            default -> {
                if (phased) {
                    b.stream(audio, GridWords.AUDIO_FEATURES, settings.audioHidden(), 1)
                            .stream(video, Visemes.FEATURES, settings.videoHidden(), 1);
                } else {
                    b.stream(audio, GridWords.AUDIO_FEATURES + Visemes.FEATURES,
                            settings.audioHidden() + settings.videoHidden(), 1);
                }
            }
        }
        return b.merge(audio, settings.mergeHidden(), settings.mergeLayers()).outputSize(GridWords.WORDS.size())
                .seed(run.seed()).compute(compute).build();
    }

    /** A batch of the words {@code idx} as the run's network reads them. */
    static List<MultiStreamModel.Input> inputs(Run run, List<GridWords.Word> words, int[] idx) {
        return switch (run.input()) {
            case "audio" -> List.of(audio(words, idx, false));
            case "video" -> List.of(video(words, idx));
            default -> run.network().equals("plstm") ? List.of(audio(words, idx, false), video(words, idx))
                    : List.of(audio(words, idx, true));
        };
    }

    /**
     * The audio frames (B, T, 39), padded, with their times; with {@code held} each frame also carries the latest
     * video frame at or before it (the first before any), (B, T, 39 + 14): both streams on the audio's clock.
     */
    static MultiStreamModel.Input audio(List<GridWords.Word> words, int[] idx, boolean held) {
        int b = idx.length;
        int t = 0;
        for (int i : idx) {
            t = Math.max(t, words.get(i).audioTimes().length);
        }
        int fa = GridWords.AUDIO_FEATURES;
        int fv = held ? Visemes.FEATURES : 0;
        int f = fa + fv;
        float[] x = new float[b * t * f];   // (B, T, F)
        double[] times = new double[b * t];
        int[] lengths = new int[b];
        for (int s = 0; s < b; s++) {
            GridWords.Word w = words.get(idx[s]);
            double[] at = w.audioTimes();
            lengths[s] = at.length;
            int v = 0;
            for (int j = 0; j < t; j++) {
                int jj = Math.min(j, at.length - 1);
                times[s * t + j] = at[jj];
                if (j >= at.length) {
                    continue;
                }
                System.arraycopy(w.audio(), j * fa, x, (s * t + j) * f, fa);
                if (held) {
                    while (v + 1 < w.videoTimes().length && w.videoTimes()[v + 1] <= at[j]) {
                        v++;
                    }
                    System.arraycopy(w.video(), v * fv, x, (s * t + j) * f + fa, fv);
                }
            }
        }
        return new MultiStreamModel.Input(Tensor.of(x, b, t, f), lengths, times);
    }

    /** The video frames (B, T, 14), padded, with their times. */
    static MultiStreamModel.Input video(List<GridWords.Word> words, int[] idx) {
        int b = idx.length;
        int t = 0;
        for (int i : idx) {
            t = Math.max(t, words.get(i).videoTimes().length);
        }
        int f = Visemes.FEATURES;
        float[] x = new float[b * t * f];   // (B, T, F)
        double[] times = new double[b * t];
        int[] lengths = new int[b];
        for (int s = 0; s < b; s++) {
            GridWords.Word w = words.get(idx[s]);
            double[] vt = w.videoTimes();
            lengths[s] = vt.length;
            System.arraycopy(w.video(), 0, x, s * t * f, vt.length * f);
            for (int j = 0; j < t; j++) {
                times[s * t + j] = vt[Math.min(j, vt.length - 1)];
            }
        }
        return new MultiStreamModel.Input(Tensor.of(x, b, t, f), lengths, times);
    }

    @Override
    public RunResult run(Run run, Compute compute, RunCheckpoint checkpoint) {
        List<GridWords.Word> tr = train.get(run.condition());
        List<GridWords.Word> te = test.get(run.condition());
        MultiStreamModel model = model(run, compute);
        Adam adam = new Adam(settings.lr());
        MultiStreamTrainer trainer = new MultiStreamTrainer(adam, settings.batch(), 1.0, run.seed());
        MultiStreamTrainer.Source words = source(run, tr);
        List<Double> curve = new ArrayList<>();
        double secondsBefore = 0;
        int first = 0;
        if (checkpoint != null) {
            checkpoint.restoreInto(model.parameters(), adam);
            curve.addAll(checkpoint.curve());
            secondsBefore = checkpoint.seconds();
            first = checkpoint.epochsDone();
        }
        long start = System.nanoTime();
        long diverged = 0;
        for (int epoch = first; epoch < settings.epochs(); epoch++) {
            diverged = trainer.epoch(model, words, epoch).divergedAt();
            if (diverged > 0) {
                break;
            }
            curve.add(evaluate(model, run, te)[0]);
            if (checkpoint != null) {
                checkpoint.save(model.parameters(), adam, epoch + 1, settings.epochs(), curve,
                        secondsBefore + (System.nanoTime() - start) / 1e9);
            }
        }
        double seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
        double[] score = evaluate(model, run, te);
        while (curve.size() < settings.epochs()) {
            curve.add(score[0]);
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("accuracy_after_first_epoch", curve.get(0));
        extras.put("unit_updates_per_word", score[1]);
        extras.put("dense_unit_updates_per_word", score[2]);
        return new RunResult(run.id(), curve, score[0], score[1] / score[2], seconds, diverged, extras);
    }

    /**
     * Inference over the words in batches (the networks in inference mode: a Phased LSTM's closed units idle): the
     * accuracy, the unit updates per word over all the networks, and those of dense networks of the same shapes.
     */
    static double[] evaluate(MultiStreamModel model, Run run, List<GridWords.Word> words) {
        MultiStreamTrainer.Score s = MultiStreamTrainer.evaluate(model, source(run, words), 128);
        return new double[] {s.accuracy(), (double) s.unitUpdates() / words.size(),
                (double) s.denseUnitUpdates() / words.size()};
    }

    /** The words as a trainer's source: the run's streams of each word, and its class. */
    private static MultiStreamTrainer.Source source(Run run, List<GridWords.Word> words) {
        return new MultiStreamTrainer.Source() {
            @Override
            public int size() {
                return words.size();
            }

            @Override
            public List<MultiStreamModel.Input> inputs(int[] idx) {
                return AvFusionExperiment.inputs(run, words, idx);
            }

            @Override
            public int[] labels(int[] idx) {
                return AvFusionExperiment.labels(words, idx);
            }
        };
    }

    private static int[] labels(List<GridWords.Word> words, int[] idx) {
        int[] y = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            y[i] = words.get(idx[i]).label();
        }
        return y;
    }

    @Override
    public String line(RunResult r) {
        return String.format(Locale.ROOT, "%-12s %-10s seed %d: test accuracy %.4f after epoch 1, %.4f at the end;"
                        + " unit updates per word %.0f of %.0f (%.1f%%); %.1f s%s", r.model(), r.condition(), r.seed(),
                r.extra("accuracy_after_first_epoch"), r.score(), r.extra("unit_updates_per_word"),
                r.extra("dense_unit_updates_per_word"), 100 * r.updateFraction(), r.seconds(), r.divergedNote());
    }

    @Override
    public void report(List<RunResult> runs, Path out, PrintWriter pw) throws IOException {
        List<String> charts = new ArrayList<>();
        for (String c : conditions()) {
            List<RunResult> mine = runs.stream().filter(r -> r.condition().equals(c)
                    || r.model().endsWith("/video")).toList();
            String png = "learning-curves-" + c + ".png";
            ExperimentReport.chart(out.resolve(png), "rnn4j av-fusion: GRID-like words, " + (c.equals(CLEAN)
                    ? "clean audio" : "audio at " + EventDigitsExperiment.fmt(settings.snrDb()) + " dB SNR"),
                    "test accuracy", mine, settings.epochs(), false, 0.0, 1.0);
            charts.add(png);
        }
        String table = table(runs);
        pw.println();
        pw.print(table);
        ExperimentReport.writeResults(out, table, settings(), runs, "accuracy", String.join(", ", charts), pw);
    }

    /**
     * A row per network and input: accuracy with clean audio and with noise, after the first epoch and at the end
     * (mean ± std over seeds), and the unit updates per word at inference with their share of a dense network's.
     */
    String table(List<RunResult> runs) {
        String noisy = EventDigitsExperiment.fmt(settings.snrDb()) + " dB";
        StringBuilder sb = new StringBuilder("| network | input | accuracy, clean audio | accuracy, audio at " + noisy
                + " SNR | after epoch 1, clean | after epoch 1, " + noisy + " | unit updates per word |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (String network : settings.models()) {
            for (String input : settings.inputs()) {
                String model = network + "/" + input;
                List<RunResult> clean = runs.stream().filter(r -> r.model().equals(model)
                        && r.condition().equals(CLEAN)).toList();
                List<RunResult> loud = input.equals("video") ? clean : runs.stream()
                        .filter(r -> r.model().equals(model) && r.condition().equals(noisy())).toList();
                List<RunResult> all = new ArrayList<>(clean);
                if (loud != clean) {
                    all.addAll(loud);
                }
                double updates = ExperimentReport.mean(all.stream().mapToDouble(r -> r.extra("unit_updates_per_word"))
                        .toArray());
                double fraction = ExperimentReport.mean(all.stream().mapToDouble(RunResult::updateFraction).toArray());
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %.0f (%.1f %% of dense) |%n",
                        network, input, pm(clean, RunResult::score), pm(loud, RunResult::score) + (input.equals("video")
                                ? " (no audio)" : ""),
                        pm(clean, r -> r.extra("accuracy_after_first_epoch")),
                        pm(loud, r -> r.extra("accuracy_after_first_epoch")), updates, 100 * fraction));
            }
        }
        return sb.toString();
    }

    private static String pm(List<RunResult> runs, java.util.function.ToDoubleFunction<RunResult> f) {
        double[] v = runs.stream().mapToDouble(f).toArray();
        long diverged = runs.stream().filter(r -> r.divergedAtStep() > 0).count();
        return String.format(Locale.ROOT, "%.2f ± %.2f %%%s", 100 * ExperimentReport.mean(v),
                100 * ExperimentReport.std(v), diverged > 0 ? " (" + diverged + " diverged)" : "");
    }
}
