package org.rnn4j.experiments;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import org.rnn4j.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Training and validation loss per epoch, drawn as a PNG with XChart (log-scaled loss). */
public final class LearningCurve {

    private final List<Double> epochs = new ArrayList<>();
    private final List<Double> train = new ArrayList<>();
    private final List<Double> validation = new ArrayList<>();

    /** Adds an epoch's training and validation loss (NaN for none). */
    public void add(int epoch, double trainLoss, double validationLoss) {
        epochs.add((double) epoch);
        train.add(trainLoss);
        validation.add(validationLoss);
    }

    /** Adds the epochs recorded in a metrics.jsonl file (of a run being resumed); a missing file adds nothing. */
    public void load(Path metrics) throws IOException {
        if (!java.nio.file.Files.exists(metrics)) {
            return;
        }
        for (String line : java.nio.file.Files.readAllLines(metrics)) {
            if (line.isBlank()) {
                continue;
            }
            Object parsed = org.rnn4j.io.Json.parse(line);
            if (parsed instanceof java.util.Map<?, ?> m && "epoch".equals(m.get("type"))) {
                double val = m.get("val_loss") instanceof Number v ? v.doubleValue() : Double.NaN;
                double train = m.get("train_loss") instanceof Number t ? t.doubleValue() : Double.NaN;
                add(((Number) m.get("epoch")).intValue(), train, val);
            }
        }
    }

    /** Writes the chart atomically (a temporary file, then a rename). */
    public void write(Path png, String yTitle, String subtitle) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title("rnn4j: " + subtitle)
                .xAxisTitle("epoch").yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisLogarithmic(allPositive(train) && allPositive(validation));
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setMarkerSize(6);
        chart.addSeries("training", epochs, train).setMarker(SeriesMarkers.CIRCLE);
        if (validation.stream().allMatch(Double::isFinite)) {
            chart.addSeries("validation", epochs, validation).setMarker(SeriesMarkers.DIAMOND);
        }
        AtomicFiles.write(png, os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
    }

    private static boolean allPositive(List<Double> v) {
        return v.stream().allMatch(d -> d > 0 && Double.isFinite(d));
    }
}
