package org.rnn4j.data.timeseries;

import org.junit.jupiter.api.Test;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SeriesScaling}: fitted on the first values (or their changes) only; forecasts in the series' units equal
 * the model's rollout on contexts scaled by hand, unscaled (values) or unscaled and added up from the last true value
 * (changes).
 */
class SeriesScalingTest {

    private static final double[] Y = {1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 66, 78};

    @Test
    void theScalingIsFittedOnTheFirstValuesOrTheirChanges() {
        SeriesScaling v = SeriesScaling.fit(Y, 4, false);   // 1, 3, 6, 10: mean 5, population std sqrt(11.5)
        assertEquals(5f, v.center());
        assertEquals((float) Math.sqrt(11.5), v.scale());
        SeriesScaling d = SeriesScaling.fit(Y, 4, true);    // changes 2, 3, 4
        assertEquals(3f, d.center());
        assertEquals((float) Math.sqrt(2.0 / 3), d.scale());
        assertArrayEquals(new double[] {(4 - 3) / d.scale(), (5 - 3) / d.scale()}, d.encode(Y, 3, 5), 1e-6);
        String msg = assertThrows(IllegalArgumentException.class,
                () -> SeriesScaling.fit(new double[] {2, 4, 6, 8}, 4, true)).getMessage();
        assertTrue(msg.contains("changes") && msg.contains("constant"), msg);
    }

    @Test
    void forecastsAreTheRolloutUnscaledAndForChangesAddedUp() {
        SequenceModel m = SequenceModel.builder().cell(CellSpec.lstm()).inputSize(1).hiddenSize(4)
                .head(Head.EVERY_STEP).outputSize(1).seed(2).compute(Compute.serial(Kernels.scalar())).build();
        int[] origins = {5, 9};
        for (boolean difference : new boolean[] {false, true}) {
            SeriesScaling s = SeriesScaling.fit(Y, 8, difference);
            double[][] got = s.forecast(m, Y, origins, 4, 3);
            for (int i = 0; i < origins.length; i++) {
                int o = origins[i];
                double[] context = new double[4];
                for (int t = 0; t < 4; t++) {
                    int step = o - 4 + t;
                    double v = difference ? Y[step] - Y[step - 1] : Y[step];
                    context[t] = (v - s.center()) / s.scale();
                }
                double[] z = RecurrentForecast.forecast(m, new double[][] {context}, 3)[0];
                double level = Y[o - 1];
                for (int h = 0; h < 3; h++) {
                    double v = z[h] * s.scale() + s.center();
                    level = difference ? level + v : v;
                    assertEquals(level, got[i][h], 1e-9, (difference ? "changes" : "values") + ", origin " + o
                            + ", step " + (h + 1));
                }
            }
        }
        SeriesScaling d = SeriesScaling.fit(Y, 8, true);
        String msg = assertThrows(IllegalArgumentException.class, () -> d.forecast(m, Y, new int[] {4}, 4, 1))
                .getMessage();
        assertTrue(msg.contains("origin 4") && msg.contains("one more"), msg);
    }
}
