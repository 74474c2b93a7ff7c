package org.rnn4j.train;

import org.junit.jupiter.api.Test;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.MultiStreamModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The multi-stream trainer learns a class that only the slower of two streams carries, the same seed gives the same
 * bits, and a mini-batch whose loss is not finite stops the epoch before it changes anything.
 */
class MultiStreamTrainerTest {

    /** Stream 0: 5 steps of noise every 1.0; stream 1: 2 steps every 2.5, whose sign is the class. */
    private static final class TwoStreams implements MultiStreamTrainer.Source {
        final float[] x0;
        final float[] x1;
        final int[] y;

        TwoStreams(int n, long seed) {
            SeededRandom rng = new SeededRandom(seed);
            x0 = new float[n * 5];
            x1 = new float[n * 2];
            y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = rng.nextInt(2);
                for (int j = 0; j < 5; j++) {
                    x0[i * 5 + j] = (float) rng.nextGaussian();
                }
                for (int j = 0; j < 2; j++) {
                    x1[i * 2 + j] = (float) ((y[i] == 1 ? 1 : -1) * (0.5 + rng.nextDouble()));
                }
            }
        }

        @Override
        public int size() {
            return y.length;
        }

        @Override
        public List<MultiStreamModel.Input> inputs(int[] idx) {
            int b = idx.length;
            float[] a = new float[b * 5];
            float[] c = new float[b * 2];
            double[] t0 = new double[b * 5];
            double[] t1 = new double[b * 2];
            for (int i = 0; i < b; i++) {
                System.arraycopy(x0, idx[i] * 5, a, i * 5, 5);
                System.arraycopy(x1, idx[i] * 2, c, i * 2, 2);
                for (int j = 0; j < 5; j++) {
                    t0[i * 5 + j] = j;
                }
                t1[i * 2] = 0.5;
                t1[i * 2 + 1] = 3.0;
            }
            return List.of(new MultiStreamModel.Input(Tensor.of(a, b, 5, 1), null, t0),
                    new MultiStreamModel.Input(Tensor.of(c, b, 2, 1), null, t1));
        }

        @Override
        public int[] labels(int[] idx) {
            int[] out = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                out[i] = y[idx[i]];
            }
            return out;
        }
    }

    private static MultiStreamModel model() {
        return MultiStreamModel.builder().stream(CellSpec.lstm(), 1, 4, 1).stream(CellSpec.lstm(), 1, 3, 1)
                .merge(CellSpec.lstm(), 6, 1).outputSize(2).seed(7).compute(Compute.serial()).build();
    }

    private static float[] train(TwoStreams data, int epochs) {
        MultiStreamModel m = model();
        MultiStreamTrainer t = new MultiStreamTrainer(new Adam(0.03f), 16, 1.0, 11);
        for (int e = 0; e < epochs; e++) {
            assertEquals(0, t.epoch(m, data, e).divergedAt());
        }
        return m.parameters().values();
    }

    @Test
    void learnsTheClassOfTheSlowStreamAndTheSameSeedGivesTheSameBits() {
        TwoStreams data = new TwoStreams(128, 3);
        MultiStreamModel m = model();
        MultiStreamTrainer t = new MultiStreamTrainer(new Adam(0.03f), 16, 1.0, 11);
        double chance = MultiStreamTrainer.evaluate(m, data, 50).loss();
        double first = t.epoch(m, data, 0).meanLoss();
        double last = first;
        for (int e = 1; e < 15; e++) {
            last = t.epoch(m, data, e).meanLoss();
        }
        MultiStreamTrainer.Score s = MultiStreamTrainer.evaluate(m, new TwoStreams(64, 4), 50);
        assertTrue(s.accuracy() > 0.9, "held-out accuracy " + s.accuracy() + ", loss " + first + " -> " + last
                + " (untrained " + chance + ")");
        assertEquals(s.unitUpdates(), s.denseUnitUpdates(), "LSTMs update every unit at every step");
        assertArrayEquals(train(new TwoStreams(128, 3), 3), train(new TwoStreams(128, 3), 3));
    }

    @Test
    void aLossThatIsNotFiniteStopsTheEpochBeforeItsStep() {
        TwoStreams data = new TwoStreams(40, 3);
        MultiStreamModel m = model();
        MultiStreamTrainer t = new MultiStreamTrainer(new Adam(0.03f), 16, 0, 11);
        assertEquals(3, t.batchesPerEpoch(data.size()));
        assertEquals(0, t.epoch(m, data, 0).divergedAt());
        float[] w = m.parameters().values();
        w[w.length - 1] = Float.POSITIVE_INFINITY;   // a logit of +inf: the loss is NaN
        float[] before = w.clone();
        MultiStreamTrainer.Epoch e = t.epoch(m, data, 1);
        assertEquals(4, e.divergedAt(), "the first step of the second epoch of three mini-batches");
        assertTrue(Arrays.equals(before, m.parameters().values()), "the diverged step changed the parameters");
    }

    @Test
    void badSettingsAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MultiStreamTrainer(new Adam(0.1f), 0, 0, 1))
                .getMessage().contains("batch size must be at least 1, got 0"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new MultiStreamTrainer(new Adam(0.1f), 4, Double.NaN, 1)).getMessage().contains("clipping norm"));
    }
}
