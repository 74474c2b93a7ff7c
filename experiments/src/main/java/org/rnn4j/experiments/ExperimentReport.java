package org.rnn4j.experiments;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.Json;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Results of an experiment's runs: a table over seeds, learning curves with a band, and JSON. */
public final class ExperimentReport {

    private static final Map<String, Color> COLORS = Map.of("lstm", new Color(0xD6, 0x27, 0x28),
            "bnlstm", new Color(0x2C, 0xA0, 0x2C), "plstm", new Color(0x1F, 0x77, 0xB4),
            "gru", new Color(0x94, 0x67, 0xBD), "irnn", new Color(0xFF, 0x7F, 0x0E),
            "reversed", new Color(0x1F, 0x77, 0xB4), "in-order", new Color(0xD6, 0x27, 0x28));

    private ExperimentReport() {
    }

    /** A Markdown table: a row per model, a column per condition with mean ± std over seeds, and unit updates. */
    public static String table(List<RunResult> runs, List<String> models, List<String> conditions, String scoreName, boolean percent) {
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
                List<RunResult> mine = runs.stream().filter(r -> r.model().equals(model) && r.condition().equals(c)).toList();
                double[] score = mine.stream().mapToDouble(RunResult::score).toArray();
                long diverged = mine.stream().filter(r -> r.divergedAtStep() > 0).count();
                sb.append(String.format(Locale.ROOT, percent ? "%.2f ± %.2f %%%s | " : "%.4g ± %.2g%s | ",
                        scale * mean(score), scale * std(score), diverged > 0 ? " (" + diverged + " diverged)" : ""));
                for (RunResult r : mine) {
                    updates += r.updateFraction();
                    n++;
                }
            }
            sb.append(String.format(Locale.ROOT, "%.1f %% |%n", 100 * updates / Math.max(1, n)));
        }
        return sb.toString();
    }

    /**
     * A model's colour; a model named "network/input" (av-fusion's) takes its network's colour, lighter for video and
     * darker for both streams.
     */
    private static Color color(String model) {
        Color c = COLORS.get(model);
        int slash = model.indexOf('/');
        if (c == null && slash > 0 && COLORS.containsKey(model.substring(0, slash))) {
            Color base = COLORS.get(model.substring(0, slash));
            return switch (model.substring(slash + 1)) {
                case "video" -> base.brighter();
                case "fused" -> base.darker().darker();
                default -> base;
            };
        }
        return c == null ? Color.DARK_GRAY : c;
    }

    /** Score per epoch of one condition: for each model the mean over seeds and a shaded band from lowest to highest. */
    public static void chart(Path png, String title, String yTitle, List<RunResult> runs, int epochs, boolean logY, Double yMin,
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
        for (String model : runs.stream().map(RunResult::model).distinct().toList()) {
            List<RunResult> mine = runs.stream().filter(r -> r.model().equals(model)).toList();
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
            Color c = color(model);
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

    /**
     * Writes an experiment's results into {@code out}: {@code markdown} as results.md, the settings and runs as
     * results.json ({@link #json}), and says so on {@code pw}, naming the charts written beside them.
     */
    public static void writeResults(Path out, String markdown, Map<String, Object> settings, List<RunResult> runs,
                                    String scoreName, String charts, PrintWriter pw) throws IOException {
        Files.writeString(out.resolve("results.md"), markdown, StandardCharsets.UTF_8);
        json(out.resolve("results.json"), settings, runs, scoreName);
        pw.println("wrote " + out.resolve("results.md") + ", results.json and " + charts);
    }

    /**
     * Every run with the experiment's settings, as JSON: per run its model, condition, seed, the test score as
     * {@code test_<scoreName>}, the curve as {@code <scoreName>_per_epoch}, the unit updates, seconds, the step of a
     * divergence, and the run's extras.
     */
    public static void json(Path file, Map<String, Object> settings, List<RunResult> runs, String scoreName)
            throws IOException {
        Map<String, Object> root = new LinkedHashMap<>(settings);
        List<Object> list = new ArrayList<>();
        for (RunResult r : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", r.model());
            m.put("condition", r.condition());
            m.put("seed", r.seed());
            m.put("test_" + scoreName, r.score());
            m.put(scoreName + "_per_epoch", new ArrayList<Object>(r.curve()));
            m.put("unit_update_fraction", r.updateFraction());
            m.put("seconds", r.seconds());
            m.put("diverged_at_step", r.divergedAtStep() > 0 ? r.divergedAtStep() : null);
            m.putAll(r.extras());
            list.add(m);
        }
        root.put("runs", list);
        AtomicFiles.write(file, os -> os.write(Json.writeIndented(root).getBytes(StandardCharsets.UTF_8)));
    }

    /** The mean, NaN for none. */
    public static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** The sample standard deviation (n - 1), 0 for fewer than two values. */
    public static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
    }
}
