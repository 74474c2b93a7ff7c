package org.rnn4j.data.timeseries;

import org.rnn4j.nn.ModelStream;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.tensor.Tensor;

/**
 * Multi-step forecasts of a recurrent next-value model by autoregressive rollout: the model, trained with teacher
 * forcing to predict z_{t+1} from z_1 … z_t (one input and one output per step, {@code Head.EVERY_STEP}), reads a
 * context of true values step by step through {@link SequenceModel#stream}, and then runs free: each prediction
 * is fed back as the next input. Several contexts of one length run side by side as one batch.
 */
public final class RecurrentForecast {

    private RecurrentForecast() {
    }

    /**
     * Forecasts {@code horizon} steps after each context.
     *
     * @param model    a unidirectional model with one input and one output per step
     * @param contexts (B) contexts of equal length L ≥ 1, in the model's (standardised) units, oldest value first
     * @return (B, horizon) forecasts in the same units: [i][h − 1] is the h-step forecast after context i
     */
    public static double[][] forecast(SequenceModel model, double[][] contexts, int horizon) {
        if (horizon < 1) {
            throw new IllegalArgumentException("the horizon must be at least 1 step, got " + horizon);
        }
        if (model.config().inputSize() != 1 || model.outputSize() != 1) {
            throw new IllegalArgumentException("a next-value model reads one value and predicts one per step; this one"
                    + " has " + model.config().inputSize() + " inputs and " + model.outputSize() + " outputs");
        }
        int b = contexts.length;
        if (b == 0) {
            throw new IllegalArgumentException("no context to forecast from");
        }
        int l = contexts[0].length;
        for (double[] c : contexts) {
            if (c.length != l || l == 0) {
                throw new IllegalArgumentException("contexts must be of one length, at least 1, got " + l + " and "
                        + c.length);
            }
        }
        model.eval();
        ModelStream stream = model.stream(b);
        Tensor x = Tensor.zeros(b, 1);
        Tensor y = null;
        for (int t = 0; t < l; t++) {   // teacher forcing: the true values
            for (int i = 0; i < b; i++) {
                x.data()[i] = (float) contexts[i][t];
            }
            y = stream.step(x);
        }
        double[][] out = new double[b][horizon];
        for (int h = 0; h < horizon; h++) {   // free running: each prediction is the next input
            for (int i = 0; i < b; i++) {
                out[i][h] = y.data()[i];
                x.data()[i] = y.data()[i];
            }
            if (h + 1 < horizon) {
                y = stream.step(x);
            }
        }
        return out;
    }
}
