package org.rnn4j.data.timeseries;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AutoRegression}: the AR(2) fit equals the least-squares solution computed here another way (the normal
 * equations solved by Cramer's rule instead of elimination); a simulated AR(2) is recovered; forecasts and the
 * seasonal naive follow their definitions; bad input is refused in one sentence.
 */
class AutoRegressionTest {

    private static double[] simulate(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] y = new double[n];
        y[0] = 1;
        y[1] = 0.5;
        for (int t = 2; t < n; t++) {
            y[t] = 0.3 + 1.2 * y[t - 1] - 0.5 * y[t - 2] + 0.1 * rnd.nextGaussian();
        }
        return y;
    }

    @Test
    void theFitIsTheLeastSquaresSolution() {
        double[] y = simulate(1, 400);
        AutoRegression ar = AutoRegression.fit(y, 2);
        // the normal equations of (1, y_{t-1}, y_{t-2}) solved by Cramer's rule
        double[][] m = new double[3][3];
        double[] r = new double[3];
        for (int t = 2; t < y.length; t++) {
            double[] x = {1, y[t - 1], y[t - 2]};
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    m[i][j] += x[i] * x[j];
                }
                r[i] += x[i] * y[t];
            }
        }
        double det = det3(m);
        double[] expected = new double[3];
        for (int c = 0; c < 3; c++) {
            double[][] mc = {m[0].clone(), m[1].clone(), m[2].clone()};
            for (int i = 0; i < 3; i++) {
                mc[i][c] = r[i];
            }
            expected[c] = det3(mc) / det;
        }
        assertEquals(expected[0], ar.intercept(), 1e-9);
        assertArrayEquals(new double[] {expected[1], expected[2]}, ar.coefficients(), 1e-9);
        assertEquals(1.2, ar.coefficients()[0], 0.05, "the simulated process is recovered");
        assertEquals(-0.5, ar.coefficients()[1], 0.05);
        assertEquals(0.3, ar.intercept(), 0.05);
    }

    private static double det3(double[][] a) {
        return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
                + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    }

    @Test
    void forecastsFeedThemselvesBack() {
        AutoRegression ar = new AutoRegression(1, new double[] {0.5, 0.25});
        double[] f = ar.forecast(new double[] {9, 4, 2}, 3);
        // 1 + 0.5·2 + 0.25·4 = 3; 1 + 0.5·3 + 0.25·2 = 3; 1 + 0.5·3 + 0.25·3 = 3.25
        assertArrayEquals(new double[] {3, 3, 3.25}, f, 1e-12);
        assertArrayEquals(new double[] {5, 6, 7, 5, 6}, AutoRegression.seasonalNaive(new double[] {1, 5, 6, 7}, 3, 5));
        assertArrayEquals(new double[] {Math.sqrt(2.5), 0}, AutoRegression.rmsePerHorizon(
                new double[][] {{1, 2}, {3, 4}}, new double[][] {{2, 2}, {1, 4}}), 1e-12);
    }

    @Test
    void badInputIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AutoRegression.fit(new double[5], 2))
                .getMessage().contains("at least 6 values"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AutoRegression.fit(new double[20], 2))
                .getMessage().contains("linearly dependent"));
        double[] nan = simulate(2, 20);
        nan[7] = Double.NaN;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AutoRegression.fit(nan, 2))
                .getMessage().contains("value 7"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new AutoRegression(0, new double[] {1}).forecast(new double[] {1}, 0)).getMessage()
                .contains("horizon must be at least 1"));
    }

    @Test
    void theAicChoosesTheOrderOfASimulatedAr2() {
        double[] y = simulate(5, 2000);
        AutoRegression ar = AutoRegression.fitByAic(y, 8);
        assertEquals(2, ar.order(), "AR(2) data: order " + ar.order());
        assertEquals(1.2, ar.coefficients()[0], 0.05);
        assertEquals(-0.5, ar.coefficients()[1], 0.05);
        double[] white = new SplittableRandom(2).doubles(500).toArray();
        for (double a : AutoRegression.fitByAic(white, 6).coefficients()) {
            assertTrue(Math.abs(a) < 0.15, "white noise: whatever the order, no lag matters much: " + a);
        }
        assertThrows(IllegalArgumentException.class, () -> AutoRegression.fitByAic(y, 0));
        double[] sine = new double[100];
        for (int t = 0; t < sine.length; t++) {
            sine[t] = Math.sin(t / 1.75);   // y_t = 2 cos(1/1.75) y_{t-1} - y_{t-2} exactly: higher orders are singular
        }
        AutoRegression exact = AutoRegression.fitByAic(sine, 6);
        assertArrayEquals(new double[] {2 * Math.cos(1 / 1.75), -1}, java.util.Arrays.copyOf(exact.coefficients(), 2),
                1e-6);
    }
}
