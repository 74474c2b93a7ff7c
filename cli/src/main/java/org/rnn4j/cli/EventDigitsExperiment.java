package org.rnn4j.cli;

import org.rnn4j.data.event.EventCamera;
import org.rnn4j.data.event.EventDigits;
import org.rnn4j.data.image.ImageSet;
import org.rnn4j.data.image.MnistDigits;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.optim.Adam;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Objective;
import org.rnn4j.train.SeededRandom;
import org.rnn4j.train.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Event-based digits, the N-MNIST experiment of the Phased LSTM paper (Neil, Pfeiffer &amp; Liu 2016, §4.3,
 * Table 1), on MNIST digits turned into events by {@link EventCamera} (N-MNIST's saccades simulated): LSTM, BN-LSTM
 * and Phased LSTM read the events through a learned 40-d embedding of the 2312 (pixel, polarity) tokens.
 */
@Command(name = "event-digits", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Event-based digits (Neil, Pfeiffer & Liu 2016, section 4.3, N-MNIST): LSTM, BN-LSTM and Phased LSTM.",
                "MNIST digits seen by a simulated event camera making N-MNIST's three saccades (34x34 field,"
                        + " about 300 ms), one event per step, each (pixel, polarity) token through a learned embedding."
                        + " Trains LSTM and BN-LSTM (given the time as an extra input) and Phased LSTM (given the"
                        + " timestamps) with Adam and gradient clipping over several seeds, and reports test accuracy"
                        + " after the first epoch and at the end (mean ± std over seeds), the unit updates per neuron and"
                        + " sequence at inference, a learning-curve PNG and JSON. Needs the MNIST digits:"
                        + " scripts/fetch-mnist (or --mnist DIR). The default is a short run (about ten minutes on 2"
                        + " cores); --full is a long one (a day or more on 2 cores, estimated from the default's speed)."})
final class EventDigitsExperiment implements Callable<Integer> {

    @Option(names = "--full", description = "The long run: all 8337 training and 1663 test digits, 1000 events per sequence,"
            + " 110 units, 20 epochs, 5 seeds.")
    boolean full;

    @Option(names = "--hidden", paramLabel = "H", description = "Units per model. Default: 32 (110 with --full).")
    Integer hidden;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs. Default: 5 (20 with --full).")
    Integer epochs;

    @Option(names = "--train-size", paramLabel = "N", description = "Training digits, a seeded random subset. Default: 4000 (all 8337 with --full).")
    Integer trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "Test digits. Default: 1000 (all 1663 with --full).")
    Integer testSize;

    @Option(names = "--events", paramLabel = "N", description = "Mean events per sequence at ρ = 1: the camera's"
            + " events (about 4000 per digit) are thinned at random to this many on average. Default: 300 (1000 with --full).")
    Integer events;

    @Option(names = "--max-events", paramLabel = "N", description = "Events per sequence at most (seeded uniform"
            + " thinning beyond). Default: 3 times --events.")
    Integer maxEvents;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per model. Default: 2 (5 with --full).")
    Integer seeds;

    @Option(names = "--models", defaultValue = "lstm,bnlstm,plstm", paramLabel = "LIST",
            description = "Which of lstm, bnlstm, plstm. Default: ${DEFAULT-VALUE}.")
    String models;

    @Option(names = "--rate", defaultValue = "1.0", paramLabel = "RHO",
            description = "Event-sampling rate ρ in (0, 1] of training and test: ρ times --events events per sequence on"
                    + " average (seeded). Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--test-rates", paramLabel = "LIST", defaultValue = "0.4",
            description = "Further rates ρ at which the trained models are tested (the paper's sampling test tested at 0.4"
                    + " and 1.0). Default: ${DEFAULT-VALUE}.")
    String testRates;

    @Option(names = "--threshold", defaultValue = "0.3", paramLabel = "C",
            description = "The camera's contrast threshold on log-intensity; higher gives fewer events. Default: ${DEFAULT-VALUE}.")
    double threshold;

    @Option(names = "--embedding", defaultValue = "40", paramLabel = "D",
            description = "Size of the learned token embedding. Default: ${DEFAULT-VALUE} (the paper's).")
    int embeddingDim;

    @Option(names = "--period", defaultValue = "1,100", paramLabel = "MIN,MAX",
            description = "Phased LSTM: initial periods τ log-uniform in [MIN, MAX] milliseconds. Default: ${DEFAULT-VALUE}.")
    String period;

    @Option(names = "--lr", defaultValue = "0.01", paramLabel = "RATE", description = "Adam's learning rate. Default: ${DEFAULT-VALUE}.")
    float lr;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "Batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--mnist", paramLabel = "DIR", description = "Where the MNIST digits are (scripts/fetch-mnist). Default:"
            + " $RNN4J_DATA/mnist or ~/.cache/rnn4j/mnist.")
    Path mnist;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads. Default: the number of cores.")
    Integer threads;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/event-digits",
            description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** What one trained model scored beyond the common {@link ExperimentReport.Run}. */
    private record Extra(double firstEpoch, double updatesPerNeuron, double densePerNeuron, Map<String, Double> atRates) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter pw = spec.commandLine().getOut();
        int h = pick(hidden, 32, 110, "--hidden");
        int nEpochs = pick(epochs, 5, 20, "--epochs");
        int nTrain = pick(trainSize, 4000, Integer.MAX_VALUE, "--train-size");
        int nTest = pick(testSize, 1000, Integer.MAX_VALUE, "--test-size");
        int target = pick(events, 300, 1000, "--events");
        int cap = maxEvents != null ? maxEvents : 3 * target;
        if (cap < 1) {
            throw new IllegalArgumentException("--max-events must be at least 1, got " + cap);
        }
        int nSeeds = pick(seeds, 2, 5, "--seeds");
        List<String> modelList = ExperimentReport.parseList(models, List.of("lstm", "bnlstm", "plstm"), "--models");
        checkRate(rate, "--rate");
        List<Double> extraRates = new ArrayList<>();
        if (testRates != null && !testRates.isBlank()) {
            for (String s : testRates.split(",")) {
                double r = number(s, "--test-rates");
                checkRate(r, "--test-rates");
                if (!extraRates.contains(r)) {
                    extraRates.add(r);
                }
            }
        }
        if (!(threshold > 0)) {
            throw new IllegalArgumentException("--threshold must be positive, got " + threshold);
        }
        if (embeddingDim < 1) {
            throw new IllegalArgumentException("--embedding must be at least 1, got " + embeddingDim);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        if (!(lr > 0f)) {
            throw new IllegalArgumentException("--lr must be positive, got " + lr);
        }
        double[] periodMs = periodRange(period);
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (nThreads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + nThreads);
        }
        Path dir = mnist != null ? mnist : MnistDigits.defaultDir();
        ImageSet trainImages = MnistDigits.train(dir);
        ImageSet testImages = MnistDigits.test(dir);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file, not a directory");
        }
        Files.createDirectories(out);

        long t0 = System.nanoTime();
        trainImages = subset(trainImages, Math.min(nTrain, trainImages.count()), 11);
        testImages = subset(testImages, Math.min(nTest, testImages.count()), 12);
        EventCamera.Settings allEvents = EventCamera.Settings.nmnist().withThreshold(threshold);
        // the camera's events per digit, from a sample of the training digits: the keep fraction that gives
        // `target` events on average at ρ = 1 is target / that, and ρ scales it (the paper's sampling rate)
        double perDigit = cameraEvents(new EventCamera(allEvents), trainImages, 200);
        double base = Math.min(1, target / Math.max(1, perDigit));
        EventCamera.Settings camera = allEvents.withKeep(rate * base);
        EventDigits train = new EventDigits(trainImages, new EventCamera(camera), cap, 1, false);
        EventDigits test = new EventDigits(testImages, new EventCamera(camera), cap, 2, false);
        Map<Double, EventDigits> atRates = new LinkedHashMap<>();
        for (double r : extraRates) {
            atRates.put(r, r == rate ? test
                    : new EventDigits(testImages, new EventCamera(allEvents.withKeep(r * base)), cap, 2, false));
        }
        pw.printf(Locale.ROOT, "event-based digits: %s; %d training and %d test digits (MNIST from %s); the camera"
                        + " (threshold %s) gives %.0f events per digit, of which %.2f%% are kept at ρ = 1; at ρ = %s"
                        + " sequences of %.1f events on average (at most %d); recorded in %.1f s%n",
                modelList, train.size(), test.size(), dir, threshold, perDigit, 100 * base, fmt(rate),
                train.meanLength(), cap, (System.nanoTime() - t0) / 1e9);
        pw.printf(Locale.ROOT, "%d units, embedding %d x %d, %d epochs, batch %d, Adam %s, clip 10, %d seeds, %d threads;"
                        + " Phased LSTM periods %s-%s ms%n", h, train.vocabulary(), embeddingDim, nEpochs, batch, lr,
                nSeeds, nThreads, fmt(periodMs[0]), fmt(periodMs[1]));
        if (train.emptyRecordings() + test.emptyRecordings() > 0) {
            pw.printf("note: %d digits gave no event at all and stand as one placeholder event each%n",
                    train.emptyRecordings() + test.emptyRecordings());
        }
        pw.flush();

        String condition = "rho=" + fmt(rate);
        List<ExperimentReport.Run> runs = new ArrayList<>();
        List<Extra> extras = new ArrayList<>();
        try (Compute compute = Compute.withThreads(nThreads)) {
            for (String model : modelList) {
                for (int s = 0; s < nSeeds; s++) {
                    long seed = s + 1;
                    boolean phased = model.equals("plstm");
                    EventDigits tr = timed(train, phased);
                    EventDigits te = timed(test, phased);
                    CellSpec cell = switch (model) {
                        case "lstm" -> CellSpec.lstm();
                        case "bnlstm" -> CellSpec.bnLstm().withMaxSteps(cap);
                        default -> CellSpec.phasedLstm().withPeepholes(true).withPeriodRange(periodMs[0], periodMs[1]);
                    };
                    SequenceModel net = SequenceModel.builder().cell(cell).embedding(tr.vocabulary(), embeddingDim)
                            .inputSize(tr.inputSize()).hiddenSize(h).head(Head.LAST_STEP).outputSize(tr.classes())
                            .seed(seed).compute(compute).build();
                    TrainConfig cfg = TrainConfig.builder().epochs(nEpochs).batchSize(batch)
                            .objective(Objective.CROSS_ENTROPY).learningRate(lr).clipNorm(10.0).seed(seed).build();
                    ExperimentReport.Run r = ExperimentReport.train(model, condition, seed, net, tr, te, cfg,
                            new Adam(lr), ExperimentReport.Score.METRIC);
                    double[] updates = inference(net, te);
                    Map<String, Double> rated = new LinkedHashMap<>();
                    for (Map.Entry<Double, EventDigits> e : atRates.entrySet()) {
                        rated.put("rho=" + fmt(e.getKey()), inference(net, timed(e.getValue(), phased))[2]);
                    }
                    runs.add(r);
                    extras.add(new Extra(r.curve().get(0), updates[0], updates[1], rated));
                    pw.printf(Locale.ROOT, "%-7s seed %d: test accuracy %.4f after epoch 1, %.4f at the end%s; unit updates"
                                    + " per neuron and sequence %.1f of %.1f (%.1f%%); %.1f s%s%n",
                            model, seed, r.curve().get(0), r.score(), ratesText(rated), updates[0], updates[1],
                            100 * updates[0] / updates[1], r.seconds(),
                            r.divergedAtStep() > 0 ? " (diverged at step " + r.divergedAtStep() + ", stopped there)" : "");
                    pw.flush();
                }
            }
        }
        ExperimentReport.chart(out.resolve("learning-curves.png"), "rnn4j: event-based digits (" + condition + ")",
                "test accuracy", runs, nEpochs, false, 0.0, 1.0);
        String table = table(runs, extras, modelList, new ArrayList<>(atRates.keySet()));
        pw.println();
        pw.print(table);
        Files.writeString(out.resolve("results.md"), table, StandardCharsets.UTF_8);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("experiment", "event-digits");
        settings.put("hidden", h);
        settings.put("embedding_dim", embeddingDim);
        settings.put("epochs", nEpochs);
        settings.put("train_size", train.size());
        settings.put("test_size", test.size());
        settings.put("events_at_rate_1", target);
        settings.put("max_events", cap);
        settings.put("camera_events_per_digit", perDigit);
        settings.put("keep_fraction_at_rate_1", base);
        settings.put("mean_sequence_length", train.meanLength());
        settings.put("threshold", threshold);
        settings.put("rate", rate);
        settings.put("period_ms", List.of(periodMs[0], periodMs[1]));
        settings.put("lr", (double) lr);
        List<Map<String, Object>> extraJson = new ArrayList<>();
        for (Extra e : extras) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("accuracy_after_first_epoch", e.firstEpoch());
            m.put("unit_updates_per_neuron_per_sequence", e.updatesPerNeuron());
            m.put("dense_updates_per_neuron_per_sequence", e.densePerNeuron());
            m.put("accuracy_at_rates", new LinkedHashMap<String, Object>(e.atRates()));
            extraJson.add(m);
        }
        ExperimentReport.json(out.resolve("results.json"), settings, runs, "accuracy", extraJson);
        pw.println("wrote " + out.resolve("results.md") + ", results.json and learning-curves.png");
        return 0;
    }

    /**
     * What a model reads besides the tokens: a Phased LSTM the timestamps, in milliseconds so that its periods
     * are in milliseconds too (Adam's steps suit them there: see {@link EventDigits#withTimestampsInMilliseconds()}),
     * the others the time as an extra input feature.
     */
    private static EventDigits timed(EventDigits data, boolean phased) {
        return phased ? data.withTimeAsInput(false).withTimestampsInMilliseconds() : data.withTimeAsInput(true);
    }

    /**
     * One inference pass over a dataset in batches: unit updates per neuron and sequence performed, those of a
     * dense network, and the accuracy.
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

    private static String table(List<ExperimentReport.Run> runs, List<Extra> extras, List<String> models, List<Double> rates) {
        StringBuilder sb = new StringBuilder("| model | accuracy after epoch 1 | final accuracy | ");
        for (double r : rates) {
            sb.append("accuracy at ρ = ").append(fmt(r)).append(" | ");
        }
        sb.append("unit updates per neuron and sequence |\n|---|---|---|").append("---|".repeat(rates.size() + 1)).append('\n');
        for (String model : models) {
            List<Integer> mine = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                if (runs.get(i).model().equals(model)) {
                    mine.add(i);
                }
            }
            if (mine.isEmpty()) {
                continue;
            }
            double[] first = mine.stream().mapToDouble(i -> extras.get(i).firstEpoch()).toArray();
            double[] last = mine.stream().mapToDouble(i -> runs.get(i).score()).toArray();
            long diverged = mine.stream().filter(i -> runs.get(i).divergedAtStep() > 0).count();
            sb.append("| ").append(model).append(" | ").append(pm(first)).append(" | ").append(pm(last))
                    .append(diverged > 0 ? " (" + diverged + " diverged)" : "").append(" | ");
            for (double r : rates) {
                double[] v = mine.stream().mapToDouble(i -> extras.get(i).atRates().get("rho=" + fmt(r))).toArray();
                sb.append(pm(v)).append(" | ");
            }
            double updates = ExperimentReport.mean(mine.stream().mapToDouble(i -> extras.get(i).updatesPerNeuron()).toArray());
            double dense = ExperimentReport.mean(mine.stream().mapToDouble(i -> extras.get(i).densePerNeuron()).toArray());
            sb.append(String.format(Locale.ROOT, "%.1f of %.1f (%.1f %%) |%n", updates, dense, 100 * updates / dense));
        }
        return sb.toString();
    }

    private static String pm(double[] v) {
        return String.format(Locale.ROOT, "%.2f ± %.2f %%", 100 * ExperimentReport.mean(v), 100 * ExperimentReport.std(v));
    }

    private static String ratesText(Map<String, Double> rated) {
        StringBuilder sb = new StringBuilder();
        rated.forEach((k, v) -> sb.append(String.format(Locale.ROOT, ", %.4f at %s", v, k.replace("rho=", "ρ = "))));
        return sb.toString();
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
        return set.subset(set.name() + " (" + n + " at random)", java.util.Arrays.copyOf(p, n));
    }

    private static double[] periodRange(String text) {
        String[] parts = text.split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--period must be MIN,MAX in milliseconds, e.g. 1,100; got '" + text + "'");
        }
        double lo = number(parts[0], "--period");
        double hi = number(parts[1], "--period");
        if (!(lo > 0 && hi >= lo && Double.isFinite(hi))) {
            throw new IllegalArgumentException("--period needs 0 < MIN ≤ MAX, got " + text);
        }
        return new double[]{lo, hi};
    }

    private static double number(String s, String option) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + s.trim() + "' is not a number");
        }
    }

    private static void checkRate(double r, String option) {
        if (!(r > 0 && r <= 1)) {
            throw new IllegalArgumentException(option + " must be in (0, 1] (an event-sampling rate ρ), got " + fmt(r));
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.valueOf(v);
    }

    private int pick(Integer given, int shortDefault, int fullDefault, String option) {
        int v = given != null ? given : full ? fullDefault : shortDefault;
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + v);
        }
        return v;
    }
}
