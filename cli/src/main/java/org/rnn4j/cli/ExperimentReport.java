package org.rnn4j.cli;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.Json;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.TrainListener;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingDivergedException;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Results of an experiment's runs: a table over seeds, learning curves with a band, and JSON. */
final class ExperimentReport {

    /**
     * One model on one condition with one seed.
     *
     * @param curve          the validation score after each epoch
     * @param score          the final test score
     * @param updateFraction unit updates at inference over a dense network's
     * @param divergedAtStep the step at which training diverged and stopped, or 0
     */
    record Run(String model, String condition, long seed, List<Double> curve, double score, double updateFraction,
               double seconds, long divergedAtStep) {
    }

    /** What a run is scored by: the loss (lower is better) or the objective's metric. */
    enum Score {
        LOSS, METRIC;

        double of(TrainListener.EpochRecord e) {
            return this == LOSS ? e.validationLoss() : e.validationMetric();
        }

        double of(Trainer.Evaluation e) {
            return this == LOSS ? e.loss() : e.metric();
        }
    }

    /**
     * Trains one run, recording the validation score after each epoch. A run that diverges stops there and is
     * evaluated with its last good parameters, its curve held at that value, so one run cannot end an experiment.
     * Then the test score and the unit updates of an inference pass over the test set.
     */
    static Run train(String model, String condition, long seed, SequenceModel net, Dataset train, Dataset test,
                     TrainConfig cfg, Optimizer optimizer, Score score) {
        return train(model, condition, seed, net, train, test, test, cfg, optimizer, score);
    }

    /** As {@link #train(String, String, long, SequenceModel, Dataset, Dataset, TrainConfig, Optimizer, Score)}, with
     * the curve measured on a validation set and the final score on a separate test set. */
    static Run train(String model, String condition, long seed, SequenceModel net, Dataset train, Dataset validation,
                     Dataset test, TrainConfig cfg, Optimizer optimizer, Score score) {
        return train(model, condition, seed, net, train, validation, test, cfg, optimizer, score, null);
    }

    /**
     * As {@link #train(String, String, long, SequenceModel, Dataset, Dataset, Dataset, TrainConfig, Optimizer, Score)},
     * continuing from {@code checkpoint}'s saved epochs (if any) and saving the state there after every epoch; null
     * for none.
     */
    static Run train(String model, String condition, long seed, SequenceModel net, Dataset train, Dataset validation,
                     Dataset test, TrainConfig cfg, Optimizer optimizer, Score score, RunCheckpoint checkpoint) {
        Trainer trainer = new Trainer(cfg, optimizer);
        List<Double> curve = new ArrayList<>();
        double secondsBefore = checkpoint == null ? 0 : checkpoint.seconds();
        if (checkpoint != null) {
            checkpoint.restoreInto(net, optimizer, trainer);
            curve.addAll(checkpoint.curve());
        }
        long start = System.nanoTime();
        long diverged = 0;
        try {
            trainer.fit(net, train, validation, new TrainListener() {
                @Override
                public void onEpoch(EpochRecord e, Trainer.Progress p) {
                    curve.add(score.of(e));
                    if (checkpoint != null) {
                        checkpoint.save(net, trainer, curve, secondsBefore + (System.nanoTime() - start) / 1e9);
                    }
                }
            });
        } catch (TrainingDivergedException e) {
            diverged = e.step();
        }
        double seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
        // at the training batch size, like the curve's per-epoch evaluation, so the score is the curve's last point
        double result = score.of(Trainer.evaluate(net, test, cfg.objective(), cfg.batchSize()));
        while (curve.size() < cfg.epochs()) {
            curve.add(result);
        }
        double fraction = (double) net.recurrent().unitUpdates() / net.recurrent().denseUnitUpdates();
        return new Run(model, condition, seed, curve, result, fraction, seconds, diverged);
    }

    private static final Map<String, Color> COLORS = Map.of("lstm", new Color(0xD6, 0x27, 0x28),
            "bnlstm", new Color(0x2C, 0xA0, 0x2C), "plstm", new Color(0x1F, 0x77, 0xB4),
            "gru", new Color(0x94, 0x67, 0xBD), "irnn", new Color(0xFF, 0x7F, 0x0E));

    private ExperimentReport() {
    }

    /** A Markdown table: a row per model, a column per condition with mean ± std over seeds, and unit updates. */
    static String table(List<Run> runs, List<String> models, List<String> conditions, String scoreName, boolean percent) {
        StringBuilder sb = new StringBuilder("| model | ");
        for (String c : conditions) {
            sb.append(c).append(' ').append(scoreName).append(" | ");
        }
        sb.append("unit updates at inference |\n|---|").append("---|".repeat(conditions.size() + 1)).append('\n');
        double scale = percent ? 100 : 1;
        for (String model : models) {
            sb.append("| ").append(model).append(" | ");
            double updates = 0;
            int n = 0;
            for (String c : conditions) {
                List<Run> mine = runs.stream().filter(r -> r.model().equals(model) && r.condition().equals(c)).toList();
                double[] score = mine.stream().mapToDouble(Run::score).toArray();
                long diverged = mine.stream().filter(r -> r.divergedAtStep() > 0).count();
                sb.append(String.format(Locale.ROOT, percent ? "%.2f ± %.2f %%%s | " : "%.4g ± %.2g%s | ",
                        scale * mean(score), scale * std(score), diverged > 0 ? " (" + diverged + " diverged)" : ""));
                for (Run r : mine) {
                    updates += r.updateFraction();
                    n++;
                }
            }
            sb.append(String.format(Locale.ROOT, "%.1f %% |%n", 100 * updates / Math.max(1, n)));
        }
        return sb.toString();
    }

    /** Score per epoch of one condition: for each model the mean over seeds and a shaded band from lowest to highest. */
    static void chart(Path png, String title, String yTitle, List<Run> runs, int epochs, boolean logY, Double yMin,
                      Double yMax) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisLogarithmic(logY);
        if (yMin != null) {
            chart.getStyler().setYAxisMin(yMin);
        }
        if (yMax != null) {
            chart.getStyler().setYAxisMax(yMax);
        }
        for (String model : runs.stream().map(Run::model).distinct().toList()) {
            List<Run> mine = runs.stream().filter(r -> r.model().equals(model)).toList();
            if (mine.isEmpty()) {
                continue;
            }
            double[] x = new double[epochs];
            double[] mean = new double[epochs];
            double[] bandX = new double[2 * epochs];
            double[] bandY = new double[2 * epochs];
            for (int e = 0; e < epochs; e++) {
                int epoch = e;
                double[] values = mine.stream().mapToDouble(r -> r.curve().get(epoch)).toArray();
                x[e] = e + 1;
                mean[e] = mean(values);
                bandX[e] = x[e];
                bandY[e] = Arrays.stream(values).max().orElse(0);
                bandX[2 * epochs - 1 - e] = x[e];
                bandY[2 * epochs - 1 - e] = Arrays.stream(values).min().orElse(0);
            }
            Color c = COLORS.getOrDefault(model, Color.DARK_GRAY);
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
        AtomicFiles.write(png, os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
    }

    /** Every run with the experiment's settings, as JSON. */
    static void json(Path file, Map<String, Object> settings, List<Run> runs, String scoreName) throws IOException {
        json(file, settings, runs, scoreName, null);
    }

    /** As {@link #json(Path, Map, List, String)}, with more values per run ({@code extras.get(i)} for run i), or null. */
    static void json(Path file, Map<String, Object> settings, List<Run> runs, String scoreName,
                     List<Map<String, Object>> extras) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>(settings);
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", r.model());
            m.put("condition", r.condition());
            m.put("seed", r.seed());
            m.put("test_" + scoreName, r.score());
            m.put(scoreName + "_per_epoch", new ArrayList<Object>(r.curve()));
            m.put("unit_update_fraction", r.updateFraction());
            m.put("seconds", r.seconds());
            m.put("diverged_at_step", r.divergedAtStep() > 0 ? r.divergedAtStep() : null);
            if (extras != null) {
                m.putAll(extras.get(i));
            }
            list.add(m);
        }
        root.put("runs", list);
        AtomicFiles.write(file, os -> os.write(Json.writeIndented(root).getBytes(StandardCharsets.UTF_8)));
    }

    static List<String> parseList(String text, List<String> allowed, String option) {
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

    static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
    }
}
