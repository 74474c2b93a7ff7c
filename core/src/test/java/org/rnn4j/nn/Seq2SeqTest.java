package org.rnn4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.loss.LossValue;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.GradientClipping;
import org.rnn4j.param.ParamView;
import org.rnn4j.tensor.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Seq2Seq}: every parameter's gradient (embeddings, both networks, head) against central differences of
 * the teacher-forced loss; a toy model trained to reverse digit strings decodes every test string exactly, by
 * greedy and by beam search; bad tokens are refused.
 */
class Seq2SeqTest {

    private static final int BOS = 5;
    private static final int EOS = 6;

    private static Seq2Seq model(CellSpec cell, int layers, boolean reverse, int hidden, long seed) {
        return new Seq2Seq(new Seq2Seq.Config(5, 7, 3, cell, hidden, layers, reverse, BOS, EOS), seed,
                Compute.serial(Kernels.scalar()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn"})
    void gradientsMatchFiniteDifferences(String kind) {
        CellSpec cell = switch (kind) {
            case "lstm" -> CellSpec.lstm();
            case "gru" -> CellSpec.gru();
            default -> CellSpec.rnnTanh();
        };
        Seq2Seq m = model(cell, 2, true, 4, 3);
        int[][] src = {{1, 2, 3}, {4, 0}};
        int[][] tgt = {{3, 2}, {0, 4, 1}};
        float[] w = m.parameters().values();
        m.parameters().zeroGrad();
        Tensor logits = m.forward(src, tgt);
        LossValue loss = m.loss(logits);
        m.backward(loss.gradient());
        float[] analytic = m.parameters().grads().clone();
        double eps = 1e-2;
        int checked = 0;
        for (ParamView v : m.parameters().layout().views()) {
            for (int k = 0; k < v.size(); k++) {
                int i = v.offset() + k;
                float saved = w[i];
                w[i] = (float) (saved + eps);
                double plus = m.loss(m.forward(src, tgt)).value();
                w[i] = (float) (saved - eps);
                double minus = m.loss(m.forward(src, tgt)).value();
                w[i] = saved;
                double numeric = (plus - minus) / (2 * eps);
                assertEquals(numeric, analytic[i], 2e-3 + 2e-2 * Math.abs(numeric), v.name() + "[" + k + "]");
                checked++;
            }
        }
        assertEquals(m.parameters().size(), checked);
        assertTrue(Math.abs(analytic[m.parameters().layout().view("source_embedding.weight").offset() + 5]) > 0,
                "the gradient reaches the source embedding through the decoder's initial state");
    }

    private static int[][] digits(SplittableRandom rnd, int n) {
        int[][] s = new int[n][];
        for (int i = 0; i < n; i++) {
            s[i] = rnd.ints(2 + rnd.nextInt(3), 0, 5).toArray();
        }
        return s;
    }

    private static int[][] reversed(int[][] s) {
        int[][] r = new int[s.length][];
        for (int i = 0; i < s.length; i++) {
            r[i] = new int[s[i].length];
            for (int k = 0; k < s[i].length; k++) {
                r[i][k] = s[i][s[i].length - 1 - k];
            }
        }
        return r;
    }

    @Test
    void aToyModelTrainedToReverseDigitStringsDecodesThemExactly() {
        Seq2Seq m = new Seq2Seq(new Seq2Seq.Config(5, 7, 8, CellSpec.gru(), 48, 1, true, BOS, EOS), 1, null);
        Adam adam = new Adam(0.01f);
        SplittableRandom rnd = new SplittableRandom(2);
        m.train(new SplittableRandom(1));
        for (int step = 0; step < 600; step++) {
            int[][] src = digits(rnd, 32);
            m.parameters().zeroGrad();
            Tensor logits = m.forward(src, reversed(src));
            m.backward(m.loss(logits).gradient());
            GradientClipping.clipGlobalNorm(m.parameters(), 1.0);
            adam.step(m.parameters());
        }
        int[][] test = digits(new SplittableRandom(99), 60);
        int[][] greedy = m.greedy(test, 10);
        int[][] beam = m.beam(test, 3, 10);
        int[][] expected = reversed(test);
        for (int i = 0; i < test.length; i++) {
            assertArrayEquals(expected[i], greedy[i], "greedy, string " + Arrays.toString(test[i]));
            assertArrayEquals(expected[i], beam[i], "beam, string " + Arrays.toString(test[i]));
        }
    }

    @Test
    void badTokensAreRefusedWithTheirPlace() {
        Seq2Seq m = model(CellSpec.lstm(), 1, false, 4, 1);
        String msg = assertThrows(IllegalArgumentException.class,
                () -> m.forward(new int[][] {{1, 9}}, new int[][] {{1}})).getMessage();
        assertTrue(msg.contains("source 0, token 1: id 9"), msg);
        msg = assertThrows(IllegalArgumentException.class,
                () -> m.forward(new int[][] {{1}}, new int[][] {{EOS}})).getMessage();
        assertTrue(msg.contains("target 0") && msg.contains("BOS/EOS"), msg);
        msg = assertThrows(IllegalArgumentException.class,
                () -> m.greedy(new int[][] {{}}, 3)).getMessage();
        assertTrue(msg.contains("source 0 is empty"), msg);
        assertThrows(IllegalStateException.class, () -> m.backward(Tensor.zeros(1, 1, 7)));
        assertThrows(IllegalArgumentException.class, () -> new Seq2Seq.Config(5, 7, 3, CellSpec.gru(), 4, 1, false,
                6, 6));
    }
}
