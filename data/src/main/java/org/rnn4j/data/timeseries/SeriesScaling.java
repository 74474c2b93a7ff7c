package org.rnn4j.data.timeseries;

import org.rnn4j.nn.SequenceModel;

/**
 * How a recurrent forecaster sees a series: standardised values z_t = (y_t − c) / s, or with {@code difference}
 * standardised changes z_t = ((y_t − y_{t−1}) − c) / s, which suits a series with a trend (a network whose units
 * saturate cannot follow values beyond those it was trained on, but changes stay in range). c and s are float32, as
 * a model file keeps them, so that training and forecasting scale alike.
 *
 * @param difference whether the model sees changes rather than values
 * @param center     c
 * @param scale      s, positive
 */
public record SeriesScaling(boolean difference, float center, float scale) {

    public SeriesScaling {
        if (!(scale > 0) || !Float.isFinite(scale) || !Float.isFinite(center)) {
            throw new IllegalArgumentException("a scaling needs a finite center and a positive scale, got " + center
                    + " and " + scale);
        }
    }

    /**
     * The scaling of a series fitted to its first {@code split} values: the mean and standard deviation of those
     * values, or of their changes.
     *
     * @throws IllegalArgumentException if they (or their changes) are constant
     */
    public static SeriesScaling fit(double[] y, int split, boolean difference) {
        int from = difference ? 1 : 0;
        if (split - from < 2) {
            throw new IllegalArgumentException("a scaling needs at least " + (from + 2) + " values, got " + split);
        }
        double mean = 0;
        for (int t = from; t < split; t++) {
            mean += value(y, t, difference);
        }
        mean /= split - from;
        double var = 0;
        for (int t = from; t < split; t++) {
            double d = value(y, t, difference) - mean;
            var += d * d;
        }
        double sd = Math.sqrt(var / (split - from));
        if (!(sd > 0)) {
            throw new IllegalArgumentException("the " + (difference ? "changes of the " : "") + "first " + split
                    + " values are constant; there is nothing to forecast");
        }
        return new SeriesScaling(difference, (float) mean, (float) sd);
    }

    private static double value(double[] y, int t, boolean difference) {
        return difference ? y[t] - y[t - 1] : y[t];
    }

    /** The model's value of step t (t ≥ 1 with differences). */
    public double encode(double[] y, int t) {
        return (value(y, t, difference) - center) / scale;
    }

    /** The model's values of steps from … to − 1, in order. */
    public double[] encode(double[] y, int from, int to) {
        double[] z = new double[to - from];
        for (int t = from; t < to; t++) {
            z[t - from] = encode(y, t);
        }
        return z;
    }

    /** The first step the model has a value for: 1 with differences, else 0. */
    public int firstStep() {
        return difference ? 1 : 0;
    }

    /**
     * Forecasts of y_o … y_{o+H−1} in the series' units from several origins o: for each, the model reads the W values
     * of steps o − W … o − 1 (true values: teacher forcing), then runs free for H steps ({@link RecurrentForecast});
     * with differences the forecast changes are added up from y_{o−1}.
     *
     * @param origins each at least W + {@link #firstStep()}, at most y.length
     * @return [i][h − 1]: the h-step forecast from origin i
     */
    public double[][] forecast(SequenceModel model, double[] y, int[] origins, int window, int horizon) {
        double[][] contexts = new double[origins.length][];
        for (int i = 0; i < origins.length; i++) {
            int o = origins[i];
            if (o - window < firstStep() || o > y.length) {
                throw new IllegalArgumentException("origin " + o + " needs " + window + " values before it"
                        + (difference ? " and one more for the first change" : "") + " within the " + y.length
                        + " values of the series");
            }
            contexts[i] = encode(y, o - window, o);
        }
        double[][] z = RecurrentForecast.forecast(model, contexts, horizon);
        double[][] out = new double[origins.length][horizon];
        for (int i = 0; i < origins.length; i++) {
            double level = difference ? y[origins[i] - 1] : 0;
            for (int h = 0; h < horizon; h++) {
                double v = z[i][h] * scale + center;
                level = difference ? level + v : v;
                out[i][h] = level;
            }
        }
        return out;
    }
}
