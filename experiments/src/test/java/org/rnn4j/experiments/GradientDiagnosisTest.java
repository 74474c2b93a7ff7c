package org.rnn4j.experiments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.Json;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GradientDiagnosis} and its {@link GradientReport}: the tanh RNN gets the recurrent weights of its scale;
 * the reported gradient norms and singular values obey ‖∂L/∂h_{t−1}‖ ≤ σ_max(J_t)·‖∂L/∂h_t‖ step by step, which
 * fails if either is measured at the wrong step or on the wrong model; a small scale makes the gradient vanish
 * faster than a large one; in the clipping picture clipping is marked exactly where the norm exceeded the threshold,
 * SGD without clipping diverges and with it does not; the files hold what was measured.
 */
class GradientDiagnosisTest {

    @TempDir
    Path dir;

    private static GradientDiagnosis.Settings small(List<String> cells, List<Double> scales) {
        return new GradientDiagnosis.Settings("adding", 40, 16, cells, scales, 8, 30, 1e-3f, 1.0, 3.0, 0.5f, 1);
    }

    @Test
    void theTanhRnnGetsRecurrentWeightsOfItsScale() {
        GradientDiagnosis.Settings s = new GradientDiagnosis.Settings("adding", 10, 200, List.of("rnn-tanh"),
                List.of(1.5), 4, 1, 1e-3f, 1.0, 1.5, 0.05f, 1);
        SequenceModel m = GradientDiagnosis.build(s, "rnn-tanh", 1.5, Compute.serial());
        float[] w = m.parameters().get("weight_hh_l0");
        double ss = 0;
        for (float v : w) {
            ss += v * v;
        }
        assertEquals(1.5 / Math.sqrt(200), Math.sqrt(ss / w.length), 0.02 * 1.5 / Math.sqrt(200),
                "the entries' std is g / sqrt(H)");
    }

    @Test
    void normsAndSingularValuesAgreeAndSmallScalesVanishFaster() {
        GradientDiagnosis.Result r = GradientDiagnosis.run(small(List.of("rnn-tanh", "lstm"), List.of(0.5, 1.5)),
                Compute.serial(), null);
        assertEquals(List.of("rnn-tanh g=0.5", "rnn-tanh g=1.5", "lstm"),
                r.curves().stream().map(GradientDiagnosis.Curve::name).toList());
        for (GradientDiagnosis.Curve c : r.curves().subList(0, 2)) {
            for (double[][] pair : new double[][][] {{c.initial(), c.sigmaInitial()}, {c.trained(), c.sigmaTrained()}}) {
                double[] norms = pair[0];
                double[] sigma = pair[1];
                assertEquals(40, norms.length);
                assertEquals(40, sigma.length);
                for (int t = 1; t < norms.length; t++) {
                    assertTrue(norms[t - 1] <= sigma[t] * norms[t] * (1 + 1e-4) + 1e-30,
                            c.name() + " step " + t + ": " + norms[t - 1] + " > " + sigma[t] + " · " + norms[t]);
                }
            }
            assertEquals(30, c.losses().length);
        }
        GradientDiagnosis.Curve small = r.curves().get(0);
        GradientDiagnosis.Curve large = r.curves().get(1);
        assertTrue(small.initial()[0] / small.initial()[39] < 1e-3 * large.initial()[0] / large.initial()[39],
                "g = 0.5 vanishes much faster than g = 1.5: " + GradientDiagnosis.ratio(small.initial()) + " against "
                        + GradientDiagnosis.ratio(large.initial()));
        assertNull(r.curves().get(2).sigmaInitial(), "no Jacobian for an LSTM");
    }

    @Test
    void clippingIsMarkedWhereTheNormExceededTheThresholdAndPreventsDivergence() {
        GradientDiagnosis.Clipping c = GradientDiagnosis.run(small(List.of("irnn"), List.of()), Compute.serial(), null)
                .clipping();
        assertNotNull(c);
        assertEquals(30, c.normsClipped().length);
        for (int i = 0; i < c.clipped().length; i++) {
            assertEquals(c.normsClipped()[i] > 1.0, c.clipped()[i], "step " + (i + 1) + ", norm " + c.normsClipped()[i]);
        }
        assertTrue(c.clippedSteps() > 0);
        assertTrue(c.divergedAt() > 0, "SGD at 0.5 on a tanh RNN with g = 3 diverges without clipping");
        assertTrue(Double.isFinite(c.lossesClipped()[29]), "and not with it");
    }

    @Test
    void theReportWritesWhatWasMeasured() throws IOException {
        GradientDiagnosis.Result r = GradientDiagnosis.run(small(List.of("rnn-tanh", "gru"), List.of(1.0)),
                Compute.serial(), null);
        StringWriter text = new StringWriter();
        GradientReport.write(r, dir, new PrintWriter(text, true));
        BufferedImage norms = ImageIO.read(dir.resolve("gradient-norms.png").toFile());
        assertEquals(2 * 760, norms.getWidth(), "two panels: at initialisation and after training");
        assertNotNull(ImageIO.read(dir.resolve("jacobian.png").toFile()));
        assertEquals(2 * 760, ImageIO.read(dir.resolve("clipping.png").toFile()).getWidth());
        Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("gradients.json")));
        List<?> models = (List<?>) json.get("models");
        assertEquals(2, models.size());
        List<?> gru = (List<?>) ((Map<?, ?>) models.get(1)).get("state_gradient_norm_initial");
        assertEquals(r.curves().get(1).initial()[0], ((Number) gru.get(0)).doubleValue(), 0);
        assertTrue(text.toString().contains("| rnn-tanh g=1 | " + GradientDiagnosis.ratio(r.curves().get(0).initial())),
                text.toString());
        assertTrue(text.toString().contains("clipping (rnn-tanh g=3, SGD, norm 1.0): it acted at "
                + r.clipping().clippedSteps() + " of 30 steps"), text.toString());
    }

    @Test
    void aGivenModelMustFitTheTask() {
        GradientDiagnosis.Settings s = small(List.of("lstm"), List.of());
        SequenceModel perStep = SequenceModel.builder().cell(CellSpec.gru()).inputSize(2).hiddenSize(4)
                .head(Head.EVERY_STEP).outputSize(1).build();
        String msg = assertThrows(IllegalArgumentException.class, () -> GradientDiagnosis.measure(s, perStep, "m"))
                .getMessage();
        assertTrue(msg.contains("does not fit the adding task") && msg.contains("EVERY_STEP"), msg);
        SequenceModel fits = SequenceModel.builder().cell(CellSpec.gru()).inputSize(2).hiddenSize(4)
                .head(Head.LAST_STEP).outputSize(1).build();
        GradientDiagnosis.Result r = GradientDiagnosis.measure(s, fits, "m.rnn4j");
        assertEquals(40, r.curves().get(0).initial().length);
        assertNull(r.curves().get(0).trained());
        assertNull(r.clipping());
    }
}
