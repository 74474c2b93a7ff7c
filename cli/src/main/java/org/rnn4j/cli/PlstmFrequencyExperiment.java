package org.rnn4j.cli;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.rnn4j.data.synthetic.FrequencyDiscrimination;
import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.Json;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.train.Objective;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.TrainListener;
import org.rnn4j.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.Color;
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
 * The frequency discrimination experiment of the Phased LSTM paper (Neil, Pfeiffer &amp; Liu 2016, §4.1, Fig. 3):
 * LSTM, BN-LSTM and Phased LSTM, trained as the official code trains them, on regularly sampled (1 ms), high
 * resolution (0.1 ms) and asynchronously sampled sine waves, over several seeds.
 */
@Command(name = "plstm-frequency", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Frequency discrimination (Neil, Pfeiffer & Liu 2016, section 4.1): is a sine's period in [5, 6] ms?",
                "Trains LSTM, BN-LSTM (both given the time as an extra input, as the official code does) and Phased LSTM",
                "(given the timestamps) with Adam 1e-3, batch 32 and gradient clipping (norm 10) on three sampling modes over",
                "several seeds, and writes a table of test accuracy (mean ± std over seeds), the unit updates per step",
                "of each model at inference, a learning-curve PNG per mode (mean and min-max band over seeds) and JSON.",
                "The default is a short run (about ten minutes on 2 cores); --full is the paper's setting (hours)."})
final class PlstmFrequencyExperiment implements Callable<Integer> {

    @Option(names = "--full", description = "The paper's setting: 110 units, 70 epochs of 5000 sequences, 500 test sequences, 5 seeds.")
    boolean full;

    @Option(names = "--hidden", paramLabel = "H", description = "Units per model. Default: 32 (110 with --full).")
    Integer hidden;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs. Default: 10 (70 with --full).")
    Integer epochs;

    @Option(names = "--train-size", paramLabel = "N", description = "Training sequences per epoch. Default: 3000 (5000 with --full).")
    Integer trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "Test sequences. Default: 300 (500 with --full).")
    Integer testSize;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per model and mode. Default: 2 (5 with --full).")
    Integer seeds;

    @Option(names = "--models", defaultValue = "lstm,bnlstm,plstm", paramLabel = "LIST",
            description = "Which of lstm, bnlstm, plstm. Default: ${DEFAULT-VALUE}.")
    String models;

    @Option(names = "--modes", defaultValue = "regular,high-res,async", paramLabel = "LIST",
            description = "Which of regular (1 ms), high-res (0.1 ms), async. Default: ${DEFAULT-VALUE}.")
    String modes;

    @Option(names = "--lr", defaultValue = "0.001", paramLabel = "RATE", description = "Adam's learning rate. Default: ${DEFAULT-VALUE} (the paper's).")
    float lr;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads. Default: the number of cores.")
    Integer threads;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/plstm-frequency",
            description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The result of one model on one mode with one seed. */
    record Run(String model, String mode, long seed, List<Double> accuracyPerEpoch, double testAccuracy,
               double updateFraction, double seconds, long divergedAtStep) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter pw = spec.commandLine().getOut();
        int h = pick(hidden, 32, 110, "--hidden");
        int nEpochs = pick(epochs, 10, 70, "--epochs");
        int nTrain = pick(trainSize, 3000, 5000, "--train-size");
        int nTest = pick(testSize, 300, 500, "--test-size");
        int nSeeds = pick(seeds, 2, 5, "--seeds");
        List<String> modelList = parseList(models, List.of("lstm", "bnlstm", "plstm"), "--models");
        List<String> modeList = parseList(modes, List.of("regular", "high-res", "async"), "--modes");
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (nThreads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + nThreads);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file, not a directory");
        }
        Files.createDirectories(out);
        if (!(lr > 0f)) {
            throw new IllegalArgumentException("--lr must be positive, got " + lr);
        }
        pw.printf("frequency discrimination: %s on %s; %d units, %d epochs of %d sequences, %d test sequences, %d seeds, "
                + "Adam %s, %d threads%n", modelList, modeList, h, nEpochs, nTrain, nTest, nSeeds, lr, nThreads);
        pw.flush();
        List<Run> runs = new ArrayList<>();
        try (Compute compute = Compute.withThreads(nThreads)) {
            for (String mode : modeList) {
                for (String model : modelList) {
                    for (int s = 0; s < nSeeds; s++) {
                        Run r = runOne(model, mode, s + 1, h, nEpochs, nTrain, nTest, compute);
                        runs.add(r);
                        pw.printf("%-8s %-8s seed %d: test accuracy %.4f, unit updates %.1f%% of dense, %.1f s%s%n",
                                mode, model, s + 1, r.testAccuracy(), 100 * r.updateFraction(), r.seconds(),
                                r.divergedAtStep() > 0 ? " (diverged at step " + r.divergedAtStep() + ", stopped there)" : "");
                        pw.flush();
                    }
                }
                writeChart(mode, runs, nEpochs);
            }
        }
        String table = table(runs, modelList, modeList);
        pw.println();
        pw.print(table);
        Files.writeString(out.resolve("results.md"), table, StandardCharsets.UTF_8);
        writeJson(runs, h, nEpochs, nTrain, nTest);
        pw.println("wrote " + out.resolve("results.md") + ", results.json and learning-curves-<mode>.png");
        return 0;
    }

    private Run runOne(String model, String mode, long seed, int h, int nEpochs, int nTrain, int nTest, Compute compute) {
        FrequencyDiscrimination.Sampling sampling = switch (mode) {
            case "regular" -> FrequencyDiscrimination.Sampling.REGULAR;
            case "high-res" -> FrequencyDiscrimination.Sampling.HIGH_RESOLUTION;
            default -> FrequencyDiscrimination.Sampling.ASYNCHRONOUS;
        };
        boolean phased = model.equals("plstm");
        // the data seed depends on the seed too, as each of the paper's runs drew its own waves
        FrequencyDiscrimination train = new FrequencyDiscrimination(sampling, nTrain, 1000 * seed + 1, !phased);
        FrequencyDiscrimination test = new FrequencyDiscrimination(sampling, nTest, 1000 * seed + 2, !phased);
        int maxSteps = sampling == FrequencyDiscrimination.Sampling.HIGH_RESOLUTION ? 1250 : 125;
        CellSpec cell = switch (model) {
            case "lstm" -> CellSpec.lstm();
            case "bnlstm" -> CellSpec.bnLstm().withMaxSteps(maxSteps);
            default -> CellSpec.phasedLstm().withPeepholes(true).withPeriodRange(Math.E, Math.exp(3));
        };
        SequenceModel net = SequenceModel.builder().cell(cell).inputSize(train.inputSize()).hiddenSize(h)
                .head(Head.LAST_STEP).outputSize(2).seed(seed).compute(compute).build();
        TrainConfig cfg = TrainConfig.builder().epochs(nEpochs).batchSize(32).objective(Objective.CROSS_ENTROPY)
                .learningRate(lr).clipNorm(10.0).seed(seed).build();
        List<Double> curve = new ArrayList<>();
        long start = System.nanoTime();
        long diverged = 0;
        try {
            new Trainer(cfg, new Adam(lr)).fit(net, train, test, new TrainListener() {
                @Override
                public void onEpoch(EpochRecord e, Trainer.Progress p) {
                    curve.add(e.validationMetric());
                }
            });
        } catch (org.rnn4j.train.TrainingDivergedException e) {
            diverged = e.step();   // the run stops; its last good parameters are evaluated
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Trainer.Evaluation eval = Trainer.evaluate(net, test, Objective.CROSS_ENTROPY, 250);
        while (curve.size() < nEpochs) {
            curve.add(eval.metric());   // a diverged run stays where it stopped
        }
        double fraction = (double) net.recurrent().unitUpdates() / net.recurrent().denseUnitUpdates();
        return new Run(model, mode, seed, curve, eval.metric(), fraction, seconds, diverged);
    }

    private String table(List<Run> runs, List<String> modelList, List<String> modeList) {
        StringBuilder sb = new StringBuilder("| model | ");
        for (String mode : modeList) {
            sb.append(mode).append(" accuracy | ");
        }
        sb.append("unit updates at inference |\n|---|");
        sb.append("---|".repeat(modeList.size() + 1)).append('\n');
        for (String model : modelList) {
            sb.append("| ").append(model).append(" | ");
            double updates = 0;
            int n = 0;
            for (String mode : modeList) {
                double[] acc = runs.stream().filter(r -> r.model().equals(model) && r.mode().equals(mode))
                        .mapToDouble(Run::testAccuracy).toArray();
                long diverged = runs.stream().filter(r -> r.model().equals(model) && r.mode().equals(mode)
                        && r.divergedAtStep() > 0).count();
                sb.append(String.format(Locale.ROOT, "%.2f ± %.2f %%%s | ", 100 * mean(acc), 100 * std(acc),
                        diverged > 0 ? " (" + diverged + " diverged)" : ""));
                for (Run r : runs) {
                    if (r.model().equals(model) && r.mode().equals(mode)) {
                        updates += r.updateFraction();
                        n++;
                    }
                }
            }
            sb.append(String.format(Locale.ROOT, "%.1f %% |%n", 100 * updates / Math.max(1, n)));
        }
        return sb.toString();
    }

    /** Test accuracy per epoch: for each model the mean over seeds and a shaded band from the lowest to the highest. */
    private void writeChart(String mode, List<Run> runs, int nEpochs) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("rnn4j: frequency discrimination, " + mode + " sampling").xAxisTitle("epoch")
                .yAxisTitle("test accuracy").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        chart.getStyler().setYAxisMin(0.4);
        chart.getStyler().setYAxisMax(1.0);
        Map<String, Color> colors = Map.of("lstm", new Color(0xD6, 0x27, 0x28), "bnlstm", new Color(0x2C, 0xA0, 0x2C),
                "plstm", new Color(0x1F, 0x77, 0xB4));
        for (String model : List.of("lstm", "bnlstm", "plstm")) {
            List<Run> mine = runs.stream().filter(r -> r.mode().equals(mode) && r.model().equals(model)).toList();
            if (mine.isEmpty()) {
                continue;
            }
            double[] x = new double[nEpochs];
            double[] mean = new double[nEpochs];
            double[] lo = new double[nEpochs];
            double[] hi = new double[nEpochs];
            for (int e = 0; e < nEpochs; e++) {
                int epoch = e;
                double[] values = mine.stream().mapToDouble(r -> r.accuracyPerEpoch().get(epoch)).toArray();
                x[e] = e + 1;
                mean[e] = mean(values);
                lo[e] = java.util.Arrays.stream(values).min().orElse(0);
                hi[e] = java.util.Arrays.stream(values).max().orElse(0);
            }
            Color c = colors.get(model);
            double[] bandX = new double[2 * nEpochs];
            double[] bandY = new double[2 * nEpochs];
            for (int e = 0; e < nEpochs; e++) {
                bandX[e] = x[e];
                bandY[e] = hi[e];
                bandX[2 * nEpochs - 1 - e] = x[e];
                bandY[2 * nEpochs - 1 - e] = lo[e];
            }
            XYSeries band = chart.addSeries(model + " (min-max)", bandX, bandY);
            band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            band.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 60));
            band.setLineColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 0));
            band.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            band.setShowInLegend(false);
            XYSeries line = chart.addSeries(model, x, mean);
            line.setLineColor(c);
            line.setMarkerColor(c);
        }
        AtomicFiles.write(out.resolve("learning-curves-" + mode + ".png"),
                os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
    }

    private void writeJson(List<Run> runs, int h, int nEpochs, int nTrain, int nTest) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("experiment", "plstm-frequency");
        root.put("hidden", h);
        root.put("epochs", nEpochs);
        root.put("train_size", nTrain);
        root.put("test_size", nTest);
        List<Object> list = new ArrayList<>();
        for (Run r : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", r.model());
            m.put("mode", r.mode());
            m.put("seed", r.seed());
            m.put("test_accuracy", r.testAccuracy());
            m.put("accuracy_per_epoch", new ArrayList<Object>(r.accuracyPerEpoch()));
            m.put("unit_update_fraction", r.updateFraction());
            m.put("seconds", r.seconds());
            m.put("diverged_at_step", r.divergedAtStep() > 0 ? r.divergedAtStep() : null);
            list.add(m);
        }
        root.put("runs", list);
        AtomicFiles.write(out.resolve("results.json"), os -> os.write(Json.writeIndented(root).getBytes(StandardCharsets.UTF_8)));
    }

    private int pick(Integer given, int shortDefault, int fullDefault, String option) {
        int v = given != null ? given : full ? fullDefault : shortDefault;
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + v);
        }
        return v;
    }

    private static List<String> parseList(String text, List<String> allowed, String option) {
        List<String> out = new ArrayList<>();
        for (String s : text.split(",")) {
            String v = s.trim().toLowerCase(Locale.ROOT);
            if (!allowed.contains(v)) {
                throw new IllegalArgumentException(option + ": unknown '" + s.trim() + "'; choose from " + allowed);
            }
            if (!out.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    private static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        return Math.sqrt(java.util.Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
    }
}
