package org.rnn4j.cli;

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
final class LearningCurve {

    private final List<Double> epochs = new ArrayList<>();
    private final List<Double> train = new ArrayList<>();
    private final List<Double> validation = new ArrayList<>();

    void add(int epoch, double trainLoss, double validationLoss) {
        epochs.add((double) epoch);
        train.add(trainLoss);
        validation.add(validationLoss);
    }

    /** Writes the chart atomically (a temporary file, then a rename). */
    void write(Path png, String yTitle, String subtitle) throws IOException {
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
