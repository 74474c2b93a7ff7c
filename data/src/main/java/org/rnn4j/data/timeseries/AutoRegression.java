package org.rnn4j.data.timeseries;

import java.util.Arrays;

/**
 * The linear baselines of forecasting: an autoregressive model AR(p), y_t = c + Σ_{i=1..p} a_i y_{t−i} + ε_t,
 * fitted by least squares, and the seasonal naive forecast, ŷ_{T+h} = y_{T+h−m⌈h/m⌉}. A recurrent forecaster
 * earns its keep only by beating both.
 *
 * @param intercept    c
 * @param coefficients a_1 … a_p (a_1 multiplies the latest value)
 */
public record AutoRegression(double intercept, double[] coefficients) {

    public AutoRegression {
        coefficients = coefficients.clone();
    }

    /** p, the number of lags. */
    public int order() {
        return coefficients.length;
    }

    /**
     * Fits AR(p) to the series by ordinary least squares over t = p … n − 1 (normal equations solved by Gaussian
     * elimination with partial pivoting, in double).
     *
     * @throws IllegalArgumentException for p &lt; 1, fewer than 2p + 2 values, or lags that are linearly dependent
     *                                  (a constant series)
     */
    public static AutoRegression fit(double[] series, int p) {
        if (p < 1) {
            throw new IllegalArgumentException("the order p must be at least 1, got " + p);
        }
        int n = series.length;
        if (n < 2 * p + 2) {
            throw new IllegalArgumentException("an AR(" + p + ") fit needs at least " + (2 * p + 2) + " values, got " + n);
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(series[i])) {
                throw new IllegalArgumentException("value " + i + " of the series is " + series[i]);
            }
        }
        int k = p + 1;   // regressors: 1, y_{t−1}, …, y_{t−p}
        double[][] a = new double[k][k + 1];   // [XᵀX | Xᵀy]
        double[] row = new double[k];
        for (int t = p; t < n; t++) {
            row[0] = 1;
            for (int i = 1; i <= p; i++) {
                row[i] = series[t - i];
            }
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    a[i][j] += row[i] * row[j];
                }
                a[i][k] += row[i] * series[t];
            }
        }
        double[] beta = solve(a, k);
        return new AutoRegression(beta[0], Arrays.copyOfRange(beta, 1, k));
    }

    /**
     * The AR(p) of p = 1 … maxOrder with the smallest AIC, n·ln(RSS/n) + 2(p + 1), every order scored on the same
     * values t = maxOrder … n − 1 so that their residual sums compare; that order is then fitted to the whole series.
     * An order whose lags are linearly dependent (a series that a lower order already describes exactly, such as a
     * pure sine) is passed over.
     *
     * @throws IllegalArgumentException for maxOrder &lt; 1, fewer than 2·maxOrder + 2 values, or no order with a
     *                                  unique fit (a constant series)
     */
    public static AutoRegression fitByAic(double[] series, int maxOrder) {
        if (maxOrder < 1) {
            throw new IllegalArgumentException("the largest order must be at least 1, got " + maxOrder);
        }
        if (series.length < 2 * maxOrder + 2) {
            throw new IllegalArgumentException("choosing an AR order up to " + maxOrder + " needs at least "
                    + (2 * maxOrder + 2) + " values, got " + series.length);
        }
        double bestAic = Double.POSITIVE_INFINITY;
        int best = 0;
        int n = series.length - maxOrder;
        IllegalArgumentException singular = null;
        for (int p = 1; p <= maxOrder; p++) {
            AutoRegression ar;
            try {
                ar = fit(Arrays.copyOfRange(series, maxOrder - p, series.length), p);
            } catch (IllegalArgumentException e) {
                singular = singular == null ? e : singular;
                continue;
            }
            double rss = 0;
            for (int t = maxOrder; t < series.length; t++) {
                double y = ar.intercept;
                for (int i = 0; i < p; i++) {
                    y += ar.coefficients[i] * series[t - 1 - i];
                }
                rss += (series[t] - y) * (series[t] - y);
            }
            double aic = n * Math.log(Math.max(rss, Double.MIN_NORMAL) / n) + 2 * (p + 1);
            if (aic < bestAic) {
                bestAic = aic;
                best = p;
            }
        }
        if (best == 0) {
            throw singular;
        }
        return fit(series, best);
    }

    /** Forecasts h = 1 … horizon steps after the end of {@code history}, each forecast fed back as a value. */
    public double[] forecast(double[] history, int horizon) {
        int p = order();
        if (history.length < p) {
            throw new IllegalArgumentException("an AR(" + p + ") forecast needs the last " + p + " values, got "
                    + history.length);
        }
        checkHorizon(horizon);
        double[] window = Arrays.copyOfRange(history, history.length - p, history.length);   // oldest first
        double[] out = new double[horizon];
        for (int h = 0; h < horizon; h++) {
            double y = intercept;
            for (int i = 0; i < p; i++) {
                y += coefficients[i] * window[p - 1 - i];
            }
            out[h] = y;
            System.arraycopy(window, 1, window, 0, p - 1);
            window[p - 1] = y;
        }
        return out;
    }

    /** The seasonal naive forecast of period m: each step repeats the value one season (or more) before it. */
    public static double[] seasonalNaive(double[] history, int period, int horizon) {
        if (period < 1 || history.length < period) {
            throw new IllegalArgumentException("a seasonal naive forecast of period " + period + " needs at least "
                    + Math.max(period, 1) + " values, got " + history.length);
        }
        checkHorizon(horizon);
        double[] out = new double[horizon];
        int n = history.length;
        for (int h = 1; h <= horizon; h++) {
            int seasons = (h + period - 1) / period;
            out[h - 1] = history[n + h - 1 - period * seasons];
        }
        return out;
    }

    private static void checkHorizon(int horizon) {
        if (horizon < 1) {
            throw new IllegalArgumentException("the horizon must be at least 1 step, got " + horizon);
        }
    }

    /** Solves the k × k system held in a[·][0..k−1] with right-hand side a[·][k]. */
    private static double[] solve(double[][] a, int k) {
        double scale = 0;
        for (double[] r : a) {
            for (int j = 0; j < k; j++) {
                scale = Math.max(scale, Math.abs(r[j]));
            }
        }
        for (int c = 0; c < k; c++) {
            int pivot = c;
            for (int r = c + 1; r < k; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
                    pivot = r;
                }
            }
            if (Math.abs(a[pivot][c]) <= 1e-12 * scale) {
                throw new IllegalArgumentException("the lags are linearly dependent (a constant or too regular series);"
                        + " no unique AR fit");
            }
            double[] tmp = a[c];
            a[c] = a[pivot];
            a[pivot] = tmp;
            for (int r = c + 1; r < k; r++) {
                double f = a[r][c] / a[c][c];
                for (int j = c; j <= k; j++) {
                    a[r][j] -= f * a[c][j];
                }
            }
        }
        double[] x = new double[k];
        for (int r = k - 1; r >= 0; r--) {
            double s = a[r][k];
            for (int j = r + 1; j < k; j++) {
                s -= a[r][j] * x[j];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }

    /** Root mean squared error of a forecast against the truth, per horizon step over several forecasts. */
    public static double[] rmsePerHorizon(double[][] forecasts, double[][] truths) {
        if (forecasts.length == 0 || forecasts.length != truths.length) {
            throw new IllegalArgumentException("need as many truths as forecasts, at least one, got " + forecasts.length
                    + " and " + truths.length);
        }
        int h = forecasts[0].length;
        double[] out = new double[h];
        for (int j = 0; j < h; j++) {
            double ss = 0;
            for (int i = 0; i < forecasts.length; i++) {
                double d = forecasts[i][j] - truths[i][j];
                ss += d * d;
            }
            out[j] = Math.sqrt(ss / forecasts.length);
        }
        return out;
    }
}
