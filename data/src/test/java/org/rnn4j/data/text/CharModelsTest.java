package org.rnn4j.data.text;

import org.junit.jupiter.api.Test;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.loss.Losses;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CharModels}: bits per character equal the cross-entropy of one whole-sequence forward over context and text
 * (scored on the text only) divided by ln 2, across the scorer's chunk boundaries; generation at temperature 0 is
 * argmax decoding written out with whole-sequence forwards; a seed fixes the sample.
 */
class CharModelsTest {

    private static SequenceModel model(int v) {
        return SequenceModel.builder().cell(CellSpec.lstm()).embedding(v, 4).hiddenSize(6).head(Head.EVERY_STEP)
                .outputSize(v).seed(9).compute(Compute.serial(Kernels.scalar())).build();
    }

    @Test
    void bitsPerCharacterAreTheCrossEntropyOfTheTextAfterItsContextInBits() {
        int v = 7;
        SequenceModel m = model(v);
        SplittableRandom rnd = new SplittableRandom(3);
        int[] context = rnd.ints(700, 0, v).toArray();   // longer than a chunk of 512
        int[] text = rnd.ints(300, 0, v).toArray();
        int n = context.length + text.length;
        Tensor x = Tensor.zeros(1, n - 1, 1);
        int[] classes = new int[n - 1];
        for (int t = 0; t < n - 1; t++) {
            int in = t < context.length ? context[t] : text[t - context.length];
            int next = t + 1 < context.length ? context[t + 1] : text[t + 1 - context.length];
            x.data()[t] = in;
            classes[t] = t + 1 >= context.length ? next : Losses.IGNORE;
        }
        m.eval();
        double nats = Losses.softmaxCrossEntropy(m.forward(x), classes).value();
        assertEquals(nats / Math.log(2), CharModels.bitsPerCharacter(m, context, text), 1e-4);
        double untrained = CharModels.bitsPerCharacter(m, new int[0], text);
        assertTrue(untrained > 2 && untrained < 4, "an untrained model is near log2(7) = 2.81 bits: " + untrained);
    }

    private static List<Integer> sample(SequenceModel m, int[] prime, double temperature, long seed) {
        List<Integer> out = new ArrayList<>();
        CharModels.generate(m, prime, 40, temperature, new SplittableRandom(seed), out::add);
        return out;
    }

    @Test
    void temperatureZeroIsArgmaxDecodingAndASeedFixesTheSample() {
        int v = 5;
        SequenceModel m = model(v);
        int[] prime = {1, 3, 0};
        List<Integer> greedy = sample(m, prime, 0, 1);
        List<Integer> seq = new ArrayList<>();
        for (int p : prime) {
            seq.add(p);
        }
        for (int i = 0; i < 40; i++) {
            Tensor x = Tensor.zeros(1, seq.size(), 1);
            for (int t = 0; t < seq.size(); t++) {
                x.data()[t] = seq.get(t);
            }
            Tensor y = m.forward(x);
            int[] best = Losses.argmax(Tensor.of(java.util.Arrays.copyOfRange(y.data(), (seq.size() - 1) * v,
                    seq.size() * v), 1, v));
            assertEquals(best[0], greedy.get(i), "character " + i);
            seq.add(best[0]);
        }
        assertEquals(sample(m, prime, 1.0, 42), sample(m, prime, 1.0, 42));
        assertNotEquals(sample(m, prime, 1.0, 42), sample(m, prime, 1.0, 43));
        assertThrows(IllegalArgumentException.class, () -> sample(m, new int[0], 1.0, 1));
    }
}
