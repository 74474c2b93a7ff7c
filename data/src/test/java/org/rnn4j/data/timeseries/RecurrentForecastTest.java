package org.rnn4j.data.timeseries;

import org.junit.jupiter.api.Test;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RecurrentForecast}: the rollout equals free running written out with whole-sequence forwards (the
 * context and the forecasts so far as one sequence, the last step's prediction appended each time), for each of
 * several contexts run as one batch.
 */
class RecurrentForecastTest {

    @Test
    void theRolloutEqualsForwardsOverTheGrowingSequence() {
        SequenceModel m = SequenceModel.builder().cell(CellSpec.gru()).inputSize(1).hiddenSize(5).head(Head.EVERY_STEP)
                .outputSize(1).seed(4).compute(Compute.serial(Kernels.scalar())).build();
        double[][] contexts = {{0.1, -0.3, 0.8, 0.2}, {1.0, 0.5, 0.0, -0.5}, {0, 0, 0, 0}};
        int horizon = 6;
        double[][] rolled = RecurrentForecast.forecast(m, contexts, horizon);
        for (int i = 0; i < contexts.length; i++) {
            double[] seq = java.util.Arrays.copyOf(contexts[i], contexts[i].length + horizon);
            int len = contexts[i].length;
            for (int h = 0; h < horizon; h++) {
                Tensor x = Tensor.zeros(1, len, 1);
                for (int t = 0; t < len; t++) {
                    x.data()[t] = (float) seq[t];
                }
                Tensor y = m.forward(x);
                float next = y.data()[len - 1];
                assertEquals(next, rolled[i][h], 1e-5, "context " + i + ", step " + (h + 1));
                seq[len++] = next;
            }
        }
        assertTrue(Math.abs(rolled[0][0] - rolled[1][0]) > 1e-4, "the contexts give different forecasts");
    }

    @Test
    void badArgumentsAreRefused() {
        SequenceModel two = SequenceModel.builder().cell(CellSpec.lstm()).inputSize(2).hiddenSize(3)
                .head(Head.EVERY_STEP).outputSize(1).build();
        String msg = assertThrows(IllegalArgumentException.class,
                () -> RecurrentForecast.forecast(two, new double[][] {{1}}, 2)).getMessage();
        assertTrue(msg.contains("2 inputs"), msg);
        SequenceModel one = SequenceModel.builder().cell(CellSpec.lstm()).inputSize(1).hiddenSize(3)
                .head(Head.EVERY_STEP).outputSize(1).build();
        msg = assertThrows(IllegalArgumentException.class,
                () -> RecurrentForecast.forecast(one, new double[][] {{1}}, 0)).getMessage();
        assertTrue(msg.contains("horizon") && msg.contains("0"), msg);
    }
}
