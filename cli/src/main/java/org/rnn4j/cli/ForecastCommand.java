package org.rnn4j.cli;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.rnn4j.data.timeseries.AutoRegression;
import org.rnn4j.data.timeseries.SeriesScaling;
import org.rnn4j.data.timeseries.TimeSeries;
import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.ModelFile;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.SequenceModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code rnn4j forecast MODEL --data FILE.csv --column NAME --horizon H}: multi-step forecasts of a next-value model
 * trained by {@code rnn4j train --series}, by autoregressive rollout (the true values of a context, then its own
 * predictions fed back), against AR(p) and the seasonal naive forecast.
 */
@Command(name = "forecast", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Forecasts a series H steps ahead with a model trained by 'rnn4j train --series', running it"
                + " free: it reads the last --context values, then feeds each prediction back as the next input.",
                "Compares it with AR(p) (least squares on the values before the test part, p by AIC unless --ar-order)"
                        + " and the seasonal naive forecast (--period) by the RMSE per horizon over every forecast"
                        + " origin in the last --test-size values. Prints that table; writes into --out the forecast"
                        + " after the end of the series (forecast.csv), the RMSE table (rmse.csv) and a PNG of"
                        + " history, truth and forecasts (forecast.png)."})
final class ForecastCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file written by 'rnn4j train --series'.")
    Path modelFile;

    @Option(names = "--data", required = true, paramLabel = "FILE.csv", description = "The series: a CSV file with a header.")
    Path data;

    @Option(names = "--column", paramLabel = "NAME", description = "The column of the series. Default: the model's.")
    String column;

    @Option(names = "--horizon", required = true, paramLabel = "H", description = "Steps to forecast, at least 1.")
    int horizon;

    @Option(names = "--test-size", paramLabel = "N",
            description = "The last N values, where the forecasts are scored (from N - H + 1 origins). Default: the"
                    + " values held out in training.")
    Integer testSize;

    @Option(names = "--context", paramLabel = "W",
            description = "True values the model reads before each forecast. Default: its training window.")
    Integer context;

    @Option(names = "--period", defaultValue = "1", paramLabel = "M",
            description = "Season of the seasonal naive forecast (each step repeats the value M steps before);"
                    + " 1: the last value. Default: ${DEFAULT-VALUE}.")
    int period;

    @Option(names = "--ar-order", paramLabel = "P",
            description = "Order of the AR(p) baseline. Default: chosen by AIC up to --context, the lags the model reads.")
    Integer arOrder;

    @Option(names = "--fill-gaps", description = "Fill empty fields by linear interpolation instead of refusing them.")
    boolean fillGaps;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory. Default: runs/forecast-FILE.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (horizon < 1) {
            throw new IllegalArgumentException("--horizon must be at least 1, got " + horizon);
        }
        if (period < 1) {
            throw new IllegalArgumentException("--period must be at least 1, got " + period);
        }
        ModelFile.Loaded loaded = ModelFile.load(modelFile, Compute.serial());
        Map<?, ?> info = loaded.meta().get(AutoregressiveTraining.SERIES) instanceof Map<?, ?> m ? m : null;
        DataSchema schema = loaded.data();
        if (info == null || schema == null || !schema.standardized() || schema.featureColumns().size() != 1) {
            throw new IllegalArgumentException(modelFile + " is not a forecaster (one is made by 'rnn4j train --series"
                    + " FILE.csv --column NAME')");
        }
        String col = column != null ? column : schema.featureColumns().get(0);
        TimeSeries series = TimeSeries.read(data, col, fillGaps);
        double[] y = series.values();
        int n = y.length;
        int window = context != null ? context : ((Number) info.get("window")).intValue();
        if (window < 1) {
            throw new IllegalArgumentException("--context must be at least 1, got " + window);
        }
        int test = testSize != null ? testSize : ((Number) info.get("held_out")).intValue();
        if (test < horizon) {
            throw new IllegalArgumentException("--horizon " + horizon + " is longer than the " + test + " test values;"
                    + " give a larger --test-size or a shorter --horizon");
        }
        boolean difference = Boolean.TRUE.equals(info.get("difference"));
        SeriesScaling scaling = new SeriesScaling(difference, schema.mean()[0], schema.std()[0]);
        int split = n - test;
        int maxOrder = arOrder != null ? arOrder : Math.max(1, Math.min(window, (split - 2) / 2));
        int needed = Math.max(window + scaling.firstStep(), Math.max(2 * maxOrder + 2, period));
        if (split < needed) {
            throw new IllegalArgumentException(data + ": " + n + " values leave " + split + " before the " + test
                    + " test values; the forecasts need at least " + needed + " (--context " + window + ", AR order "
                    + maxOrder + ", --period " + period + ")");
        }
        if (arOrder != null && arOrder < 1) {
            throw new IllegalArgumentException("--ar-order must be at least 1, got " + arOrder);
        }
        Path dir = out != null ? out : Path.of("runs", "forecast-" + data.getFileName().toString()
                .replaceAll("(?i)\\.csv$", ""));
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--out " + dir + " is a file, not a directory");
        }
        SequenceModel model = loaded.model();
        double[] history = Arrays.copyOf(y, split);
        AutoRegression ar = arOrder != null ? AutoRegression.fit(history, arOrder)
                : AutoRegression.fitByAic(history, maxOrder);

        int origins = test - horizon + 1;   // forecast from o = split … n − H
        double[][] truth = new double[origins][];
        int[] from = new int[origins];
        for (int i = 0; i < origins; i++) {
            from[i] = split + i;
        }
        double[][] rnn = scaling.forecast(model, y, from, window, horizon);
        double[][] arF = new double[origins][];
        double[][] naive = new double[origins][];
        for (int i = 0; i < origins; i++) {
            int o = split + i;
            double[] past = Arrays.copyOf(y, o);
            truth[i] = Arrays.copyOfRange(y, o, o + horizon);
            arF[i] = ar.forecast(past, horizon);
            naive[i] = AutoRegression.seasonalNaive(past, period, horizon);
        }
        double[] rmseRnn = AutoRegression.rmsePerHorizon(rnn, truth);
        double[] rmseAr = AutoRegression.rmsePerHorizon(arF, truth);
        double[] rmseNaive = AutoRegression.rmsePerHorizon(naive, truth);
        double[] future = scaling.forecast(model, y, new int[] {n}, window, horizon)[0];
        double[] futureAr = ar.forecast(y, horizon);
        double[] futureNaive = AutoRegression.seasonalNaive(y, period, horizon);

        PrintWriter pw = spec.commandLine().getOut();
        String naiveName = period == 1 ? "naive (last value)" : "seasonal naive (m = " + period + ")";
        pw.printf(Locale.ROOT, "%s column %s: %d values%s; forecasts from %d origins in the last %d, 1 to %d steps"
                        + " ahead; %s reads the %d %s before each origin%n", data, col, n,
                series.gapsFilled() > 0 ? " (" + series.gapsFilled() + " gaps filled)" : "", origins, test, horizon,
                ModelDescription.of(model.config()), window, difference ? "changes" : "values");
        pw.printf("RMSE per horizon (%s's units; AR(%d) fitted to the first %d values):%n", col, ar.order(), split);
        StringBuilder table = new StringBuilder("| h | " + model.config().network().cell().kind() + " (rnn4j) | AR("
                + ar.order() + ") | " + naiveName + " |\n|---|---|---|---|\n");
        StringBuilder csv = new StringBuilder("h,rmse_rnn,rmse_ar,rmse_seasonal_naive\n");
        for (int h = 0; h < horizon; h++) {
            table.append(String.format(Locale.ROOT, "| %d | %.4g | %.4g | %.4g |%n", h + 1, rmseRnn[h], rmseAr[h],
                    rmseNaive[h]));
            csv.append(String.format(Locale.ROOT, "%d,%s,%s,%s%n", h + 1, rmseRnn[h], rmseAr[h], rmseNaive[h]));
        }
        table.append(String.format(Locale.ROOT, "| mean | %.4g | %.4g | %.4g |%n", mean(rmseRnn), mean(rmseAr),
                mean(rmseNaive)));
        pw.print(table);
        StringBuilder forecast = new StringBuilder("step,rnn,ar,seasonal_naive\n");
        for (int h = 0; h < horizon; h++) {
            forecast.append(String.format(Locale.ROOT, "%d,%s,%s,%s%n", h + 1, future[h], futureAr[h],
                    futureNaive[h]));
        }
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve("forecast.csv"), os -> os.write(forecast.toString()
                .getBytes(StandardCharsets.UTF_8)));
        AtomicFiles.write(dir.resolve("rmse.csv"), os -> os.write(csv.toString().getBytes(StandardCharsets.UTF_8)));
        XYChart chart = chart(y, split, window, horizon, rnn[0], arF[0], naive[0], future, col, naiveName, ar.order());
        AtomicFiles.write(dir.resolve("forecast.png"),
                os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
        pw.println("wrote " + dir.resolve("forecast.csv") + " (the " + horizon + " steps after the end), "
                + dir.resolve("rmse.csv") + " and " + dir.resolve("forecast.png"));
        return 0;
    }

    private static XYChart chart(double[] y, int split, int window, int horizon, double[] rnn, double[] ar,
                                 double[] naive, double[] future, String column, String naiveName, int order) {
        XYChart chart = new XYChartBuilder().width(1000).height(500).title("rnn4j forecast: " + column + ", "
                + horizon + " steps from the first test origin and after the end").xAxisTitle("step")
                .yAxisTitle(column).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("#");
        int start = Math.max(0, split - Math.max(3 * window, 4 * horizon));
        series(chart, "history", start, Arrays.copyOfRange(y, start, split), Color.DARK_GRAY, SeriesLines.SOLID);
        series(chart, "truth (held out)", split, Arrays.copyOfRange(y, split, y.length), Color.BLACK, SeriesLines.DOT_DOT);
        series(chart, "rnn4j", split, rnn, new Color(0x1F77B4), SeriesLines.SOLID);
        series(chart, "AR(" + order + ")", split, ar, new Color(0x2CA02C), SeriesLines.SOLID);
        series(chart, naiveName, split, naive, new Color(0xFF7F0E), SeriesLines.SOLID);
        series(chart, "rnn4j after the end", y.length, future, new Color(0x1F77B4), SeriesLines.DASH_DASH);
        return chart;
    }

    private static void series(XYChart chart, String name, int first, double[] v, Color color,
                               java.awt.BasicStroke line) {
        double[] x = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            x[i] = first + i + 1;
        }
        XYSeries s = chart.addSeries(name, x, v);
        s.setLineColor(color);
        s.setLineStyle(line);
        s.setMarker(SeriesMarkers.NONE);
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }
}
