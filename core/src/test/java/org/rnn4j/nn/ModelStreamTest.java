package org.rnn4j.nn;

import org.junit.jupiter.api.Test;
import org.rnn4j.tensor.Tensor;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ModelStream}: a model with an embedding fed token by token predicts what its forward over the whole
 * sequence predicts at every step; sampling at temperature 0 is argmax, a seed reproduces a draw, and the draws
 * follow softmax(z / T).
 */
class ModelStreamTest {

    @Test
    void streamingStepsPredictWhatTheWholeForwardPredicts() {
        SequenceModel m = SequenceModel.builder().cell(CellSpec.lstm()).embedding(6, 4).inputSize(2).hiddenSize(5)
                .numLayers(2).head(Head.EVERY_STEP).outputSize(6).seed(3).build();
        int b = 2;
        int t = 7;
        SplittableRandom rnd = new SplittableRandom(5);
        Tensor x = Tensor.zeros(b, t, 2);   // column 0 the token, column 1 a feature
        for (int i = 0; i < b * t; i++) {
            x.data()[2 * i] = rnd.nextInt(6);
            x.data()[2 * i + 1] = (float) rnd.nextGaussian();
        }
        m.eval();
        float[] whole = m.forward(x).data();   // (B, T, 6)
        ModelStream s = m.stream(b);
        for (int step = 0; step < t; step++) {
            Tensor xs = Tensor.zeros(b, 2);
            for (int i = 0; i < b; i++) {
                System.arraycopy(x.data(), (i * t + step) * 2, xs.data(), i * 2, 2);
            }
            float[] y = s.step(xs).data();
            for (int i = 0; i < b; i++) {
                for (int k = 0; k < 6; k++) {
                    assertEquals(whole[(i * t + step) * 6 + k], y[i * 6 + k], 1e-6, "step " + step + " row " + i);
                }
            }
        }
        s.reset();
        Tensor first = Tensor.zeros(b, 2);
        for (int i = 0; i < b; i++) {
            System.arraycopy(x.data(), i * t * 2, first.data(), i * 2, 2);
        }
        assertEquals(whole[0], s.step(first).data()[0], 1e-6, "reset starts from zero states again");
    }

    @Test
    void samplingIsArgmaxAtZeroReproducibleAndFollowsTheSoftmax() {
        Tensor z = Tensor.of(new float[] {0.2f, 1.5f, -1f, 3f, 2.9f, 0f}, 2, 3);
        assertArrayEquals(new int[] {1, 0}, ModelStream.sample(z, 0, null));
        assertArrayEquals(ModelStream.sample(z, 0.8, new SplittableRandom(4)),
                ModelStream.sample(z, 0.8, new SplittableRandom(4)));
        Tensor two = Tensor.of(new float[] {0f, (float) Math.log(3)}, 1, 2);   // p = 1/4, 3/4 at T = 1
        SplittableRandom rng = new SplittableRandom(7);
        int ones = 0;
        int n = 40_000;
        for (int i = 0; i < n; i++) {
            ones += ModelStream.sample(two, 1, rng)[0];
        }
        assertEquals(0.75, ones / (double) n, 0.01);
        // at T = 2 the logits halve: p(1) = √3 / (1 + √3)
        ones = 0;
        for (int i = 0; i < n; i++) {
            ones += ModelStream.sample(two, 2, rng)[0];
        }
        assertEquals(Math.sqrt(3) / (1 + Math.sqrt(3)), ones / (double) n, 0.01);
        String msg = assertThrows(IllegalArgumentException.class, () -> ModelStream.sample(z, -1, rng)).getMessage();
        assertTrue(msg.contains("temperature"), msg);
        SequenceModel m = SequenceModel.builder().cell(CellSpec.gru()).inputSize(3).hiddenSize(4)
                .head(Head.EVERY_STEP).outputSize(2).build();
        msg = assertThrows(IllegalArgumentException.class, () -> m.stream(1).step(Tensor.zeros(1, 4))).getMessage();
        assertTrue(msg.contains("(1, 3)"), msg);
    }
}
