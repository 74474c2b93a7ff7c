package org.rnn4j.cli;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.ModelFile;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.PhasedGruSpec;
import org.rnn4j.nn.PhasedLstmSpec;
import org.rnn4j.param.Parameters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rnn4j plot}: pictures of a trained model. */
@Command(name = "plot", mixinStandardHelpOptions = true, description = "Draws a picture of a trained model.",
        subcommands = {PlotCommand.TimeGate.class})
final class PlotCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "name a picture, e.g. 'rnn4j plot time-gate MODEL'");
    }

    /** The time gate k(t) of a few units of a Phased LSTM or GRU, as in Figure 1 of Neil, Pfeiffer &amp; Liu 2016. */
    @Command(name = "time-gate", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Plots the time gates' openness k(t) of a few units of a Phased LSTM or GRU.",
                    "The units are the first layer's; k(t) follows from the model's learned periods, shifts and open"
                            + " ratios (the paper's Figure 1 picture)."})
    static final class TimeGate implements Callable<Integer> {

        @CommandLine.Parameters(index = "0", paramLabel = "MODEL", description = "A model file with a time-gated cell.")
        Path modelFile;

        @Option(names = "--units", defaultValue = "4", paramLabel = "N", description = "How many units (the first N). Default: ${DEFAULT-VALUE}.")
        int units;

        @Option(names = "--from", defaultValue = "0", paramLabel = "T", description = "Start time. Default: ${DEFAULT-VALUE}.")
        double from;

        @Option(names = "--to", paramLabel = "T", description = "End time. Default: three times the longest plotted period.")
        Double to;

        @Option(names = "--leak", defaultValue = "0", paramLabel = "A",
                description = "α of the closed phase to draw (0 at inference). Default: ${DEFAULT-VALUE}.")
        double leak;

        @Option(names = {"-o", "--output"}, defaultValue = "time-gate.png", paramLabel = "FILE.png",
                description = "The picture. Default: ${DEFAULT-VALUE}.")
        Path output;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            ModelFile.Loaded loaded = ModelFile.load(modelFile, null);
            CellSpec cell = loaded.model().config().network().cell();
            if (!(cell instanceof PhasedLstmSpec) && !(cell instanceof PhasedGruSpec)) {
                throw new IllegalArgumentException(modelFile + " has a " + cell.kind()
                        + " network, which has no time gate; plot time-gate needs a Phased LSTM or Phased GRU");
            }
            Parameters p = loaded.model().parameters();
            float[] tau = p.get("tau_l0");
            float[] shift = p.get("shift_l0");
            float[] ratio = p.get("r_on_l0");
            int n = Math.min(units, tau.length);
            if (units < 1) {
                throw new IllegalArgumentException("--units must be at least 1, got " + units);
            }
            double longest = 0;
            for (int j = 0; j < n; j++) {
                longest = Math.max(longest, Math.abs(tau[j]));
            }
            double end = to != null ? to : from + 3 * longest;
            if (!(end > from)) {
                throw new IllegalArgumentException("--to (" + end + ") must be after --from (" + from + ")");
            }
            XYChart chart = new XYChartBuilder().width(900).height(160 + 90 * n)
                    .title("rnn4j: time gates of " + modelFile.getFileName()).xAxisTitle("time").yAxisTitle("k (offset per unit)")
                    .build();
            chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
            chart.getStyler().setXAxisDecimalPattern("#,##0.##");
            chart.getStyler().setYAxisDecimalPattern("0.#");
            int samples = 20_000;   // open phases can be a small fraction of a period: sample finely
            for (int j = 0; j < n; j++) {
                double[] xs = new double[samples];
                double[] ys = new double[samples];
                double t0 = Math.abs(tau[j]);
                double r = Math.abs(ratio[j]);
                for (int i = 0; i < samples; i++) {
                    double t = from + (end - from) * i / (samples - 1);
                    double u = t - shift[j];
                    double phi = (u - t0 * Math.floor(u / t0)) / t0;
                    double k = phi < r / 2 ? 2 * phi / r : phi < r ? 2 - 2 * phi / r : leak * phi;
                    xs[i] = t;
                    ys[i] = k + 1.2 * (n - 1 - j);   // one row per unit
                }
                XYSeries s = chart.addSeries(String.format("unit %d: τ %.3g, s %.3g, r_on %.3g", j, t0, shift[j], r), xs, ys);
                s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            }
            AtomicFiles.write(output, os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
            spec.commandLine().getOut().println("wrote " + output);
            return 0;
        }
    }
}
