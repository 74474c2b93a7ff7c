package org.rnn4j.experiments;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.Json;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pictures, table and JSON of a {@link GradientDiagnosis}: {@code gradient-norms.png} (log10 ‖∂L/∂h_t‖ against t, a
 * line per model, at initialisation and after training side by side), {@code jacobian.png} (σ_max of
 * the tanh RNNs' step Jacobians over time), {@code clipping.png} (the gradient norm per training step with and
 * without clipping, the clipped steps marked, and the losses) and {@code gradients.json} with every number.
 */
public final class GradientReport {

    private static final Color[] PALETTE = {new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C),
            new Color(0xD62728), new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F),
            new Color(0xBCBD22), new Color(0x17BECF)};
    private static final int WIDTH = 760;
    private static final int HEIGHT = 520;

    private GradientReport() {
    }

    /** Writes the files into {@code out} (which must exist), prints the table and says what was written. */
    public static void write(GradientDiagnosis.Result r, Path out, PrintWriter pw) throws IOException {
        List<Path> written = new ArrayList<>();
        written.add(out.resolve("gradient-norms.png"));
        writePng(written.get(0), normCharts(r));
        if (r.curves().stream().anyMatch(c -> c.sigmaInitial() != null)) {
            written.add(out.resolve("jacobian.png"));
            writePng(written.get(written.size() - 1), List.of(jacobianChart(r)));
        }
        if (r.clipping() != null) {
            written.add(out.resolve("clipping.png"));
            writePng(written.get(written.size() - 1), clippingCharts(r.clipping()));
        }
        written.add(out.resolve("gradients.json"));
        AtomicFiles.write(written.get(written.size() - 1),
                os -> os.write(Json.writeIndented(json(r)).getBytes(StandardCharsets.UTF_8)));
        pw.println();
        pw.print(table(r));
        if (r.clipping() != null) {
            GradientDiagnosis.Clipping c = r.clipping();
            pw.printf(Locale.ROOT, "%nclipping (%s, SGD, norm %s): it acted at %d of %d steps, and the loss went from %.4g"
                            + " to %.4g; without clipping the gradient norm reached %.3g and %s%n", c.name(),
                    Json.write(c.clipNorm()), c.clippedSteps(), c.clipped().length, c.lossesClipped()[0],
                    last(c.lossesClipped()), max(c.normsUnclipped()), c.divergedAt() > 0 ? "training diverged at step "
                            + c.divergedAt() : String.format(Locale.ROOT, "the loss went to %.4g",
                            last(c.lossesUnclipped())));
        }
        pw.println("wrote " + String.join(", ", written.stream().map(Path::toString).toList()));
        pw.flush();
    }

    /** The Markdown table: per model the ratio of the first to the last step's gradient, and the training loss. */
    public static String table(GradientDiagnosis.Result r) {
        boolean trained = r.trainSteps() > 0;
        StringBuilder sb = new StringBuilder("| model | ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ at initialisation |");
        if (trained) {
            sb.append(" after ").append(r.trainSteps()).append(" mini-batches | training loss, first → last 10 steps |");
        }
        sb.append(" mean σ_max(J_t) |\n|---|---|").append(trained ? "---|---|" : "").append("---|\n");
        for (GradientDiagnosis.Curve c : r.curves()) {
            sb.append("| ").append(c.name()).append(" | ").append(GradientDiagnosis.ratio(c.initial())).append(" |");
            if (trained) {
                sb.append(' ').append(GradientDiagnosis.ratio(c.trained())).append(" | ")
                        .append(String.format(Locale.ROOT, "%.4f → %.4f", mean(c.losses(), 0, 10),
                                mean(c.losses(), c.losses().length - 10, c.losses().length))).append(" |");
            }
            sb.append(' ').append(c.sigmaInitial() == null ? "" : String.format(Locale.ROOT, "%.3f%s",
                    mean(c.sigmaInitial(), 0, c.sigmaInitial().length), c.sigmaTrained() == null ? ""
                            : String.format(Locale.ROOT, " → %.3f", mean(c.sigmaTrained(), 0, c.sigmaTrained().length))))
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static List<XYChart> normCharts(GradientDiagnosis.Result r) {
        String task = r.task().equals("adding") ? "adding problem" : "copy memory";
        List<XYChart> charts = new ArrayList<>();
        charts.add(normChart("‖∂L/∂h_t‖ at initialisation, " + task + ", T = " + r.steps(), r, false));
        if (r.trainSteps() > 0) {
            charts.add(normChart("after " + r.trainSteps() + " mini-batches of training", r, true));
        }
        return charts;
    }

    private static XYChart normChart(String title, GradientDiagnosis.Result r, boolean trained) {
        XYChart chart = chart(title, "step t (the loss is at t = T)", "log10 ‖∂L/∂h_t‖");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        int k = 0;
        for (GradientDiagnosis.Curve c : r.curves()) {
            double[] y = trained ? c.trained() : c.initial();
            Color color = PALETTE[k++ % PALETTE.length];
            if (y != null) {
                addLog10(chart, c.name(), y, color);
            }
        }
        return chart;
    }

    private static XYChart jacobianChart(GradientDiagnosis.Result r) {
        XYChart chart = chart("σ_max of the step Jacobian diag(φ') W_hh, sequence 1", "step t", "σ_max(J_t)");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        double[] x = steps(r.steps());
        double[] one = new double[x.length];
        java.util.Arrays.fill(one, 1);
        line(chart, "σ = 1", x, one, Color.BLACK, SeriesLines.DOT_DOT);
        int k = 0;
        for (GradientDiagnosis.Curve c : r.curves()) {
            Color color = PALETTE[k++ % PALETTE.length];
            if (c.sigmaInitial() == null) {
                continue;
            }
            line(chart, c.name() + " (init)", x, c.sigmaInitial(), color, SeriesLines.SOLID);
            if (c.sigmaTrained() != null) {
                line(chart, c.name() + " (trained)", x, c.sigmaTrained(), color, SeriesLines.DASH_DASH);
            }
        }
        return chart;
    }

    private static List<XYChart> clippingCharts(GradientDiagnosis.Clipping c) {
        XYChart norms = chart("gradient norm per SGD step, " + c.name(), "training step",
                "log10 global gradient norm");
        norms.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        double[] x = steps(c.normsClipped().length);
        double[] threshold = new double[x.length];
        java.util.Arrays.fill(threshold, Math.log10(c.clipNorm()));
        line(norms, "threshold " + Json.write(c.clipNorm()), x, threshold, Color.BLACK, SeriesLines.DASH_DASH);
        addLog10(norms, "without clipping" + (c.divergedAt() > 0 ? " (diverged at step " + c.divergedAt() + ")" : ""),
                c.normsUnclipped(), PALETTE[3]);
        addLog10(norms, "with --clip-norm " + Json.write(c.clipNorm()) + ", before clipping", c.normsClipped(),
                PALETTE[0]);
        List<Double> cx = new ArrayList<>();
        List<Double> cy = new ArrayList<>();
        for (int i = 0; i < c.clipped().length; i++) {
            if (c.clipped()[i] && c.normsClipped()[i] > 0) {
                cx.add(i + 1.0);
                cy.add(Math.log10(c.normsClipped()[i]));
            }
        }
        if (!cx.isEmpty()) {
            XYSeries marks = norms.addSeries("clipping acted (" + cx.size() + " of " + c.clipped().length + " steps)",
                    cx, cy);
            marks.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            marks.setMarker(SeriesMarkers.CIRCLE);
            marks.setMarkerColor(PALETTE[0]);
        }
        XYChart losses = chart("training loss per step", "training step", "log10 loss");
        losses.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        addLog10(losses, "without clipping", c.lossesUnclipped(), PALETTE[3]);
        addLog10(losses, "with clipping", c.lossesClipped(), PALETTE[0]);
        return List.of(norms, losses);
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y)
                .build();
        chart.getStyler().setMarkerSize(5);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setXAxisMin(0.0);
        return chart;
    }

    /**
     * log10 of the values as a line through the positive, finite points only: a logarithm cannot show 0, the value
     * of a gradient that underflowed float32 (the legend counts those steps).
     */
    private static void addLog10(XYChart chart, String name, double[] y, Color color) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < y.length; i++) {
            if (y[i] > 0 && Double.isFinite(y[i])) {
                xs.add(i + 1.0);
                ys.add(Math.log10(y[i]));
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        long zeros = java.util.Arrays.stream(y).filter(v -> v == 0).count();
        XYSeries s = chart.addSeries(name + (zeros > 0 ? " (" + zeros + " steps at 0)" : ""), xs, ys);
        s.setLineColor(color);
        s.setMarker(SeriesMarkers.NONE);
    }

    private static void line(XYChart chart, String name, double[] x, double[] y, Color color,
                             java.awt.BasicStroke stroke) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setLineColor(color);
        s.setLineStyle(stroke);
        s.setMarker(SeriesMarkers.NONE);
    }

    /** The charts side by side in one PNG, written atomically. */
    private static void writePng(Path file, List<XYChart> charts) throws IOException {
        BufferedImage all = new BufferedImage(WIDTH * charts.size(), HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        for (int i = 0; i < charts.size(); i++) {
            g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), i * WIDTH, 0, null);
        }
        g.dispose();
        AtomicFiles.write(file, os -> ImageIO.write(all, "png", os));
    }

    private static Map<String, Object> json(GradientDiagnosis.Result r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("task", r.task());
        root.put("steps", r.steps());
        root.put("train_steps", r.trainSteps());
        List<Object> models = new ArrayList<>();
        for (GradientDiagnosis.Curve c : r.curves()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", c.name());
            m.put("state_gradient_norm_initial", list(c.initial()));
            m.put("state_gradient_norm_trained", list(c.trained()));
            m.put("training_loss", list(c.losses()));
            m.put("sigma_max_initial", list(c.sigmaInitial()));
            m.put("sigma_max_trained", list(c.sigmaTrained()));
            models.add(m);
        }
        root.put("models", models);
        if (r.clipping() != null) {
            GradientDiagnosis.Clipping c = r.clipping();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", c.name());
            m.put("clip_norm", c.clipNorm());
            m.put("gradient_norm_unclipped", list(c.normsUnclipped()));
            m.put("loss_unclipped", list(c.lossesUnclipped()));
            m.put("unclipped_diverged_at_step", c.divergedAt() > 0 ? c.divergedAt() : null);
            m.put("gradient_norm_clipped_run", list(c.normsClipped()));
            List<Object> acted = new ArrayList<>();
            for (boolean b : c.clipped()) {
                acted.add(b);
            }
            m.put("clipping_acted", acted);
            m.put("loss_clipped", list(c.lossesClipped()));
            root.put("clipping", m);
        }
        return root;
    }

    /** The values as a JSON list (a value that is not finite as null), or null for none. */
    private static List<Object> list(double[] v) {
        if (v == null) {
            return null;
        }
        List<Object> out = new ArrayList<>(v.length);
        for (double d : v) {
            out.add(Double.isFinite(d) ? d : null);
        }
        return out;
    }

    private static double[] steps(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
        }
        return x;
    }

    private static double mean(double[] v, int from, int to) {
        from = Math.max(0, from);
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return to > from ? s / (to - from) : Double.NaN;
    }

    /** The largest finite value, 0 for none. */
    private static double max(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Double.isFinite(d) ? Math.max(m, d) : m;
        }
        return m;
    }

    private static double last(double[] v) {
        return v.length == 0 ? Double.NaN : v[v.length - 1];
    }
}
