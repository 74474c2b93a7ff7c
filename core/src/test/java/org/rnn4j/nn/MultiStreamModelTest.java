package org.rnn4j.nn;

import org.junit.jupiter.api.Test;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamView;
import org.rnn4j.param.Parameters;
import org.rnn4j.tensor.Tensor;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MultiStreamModel}: every parameter's gradient against central differences with two streams on different
 * clocks (ties across streams, a sequence with no event of one stream); one stream alone equals the two-layer
 * {@link SequenceModel} with the same parameters (a Phased LSTM, so the times matter); bad input is refused.
 */
class MultiStreamModelTest {

    private static double[] clock(SplittableRandom rnd, int b, int t, double step) {
        double[] times = new double[b * t];
        for (int s = 0; s < b; s++) {
            double now = 0;
            for (int j = 0; j < t; j++) {
                now += step * (0.5 + rnd.nextInt(3));   // multiples of step/2: ties happen
                times[s * t + j] = now;
            }
        }
        return times;
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        MultiStreamModel m = MultiStreamModel.builder().stream(CellSpec.lstm(), 2, 3, 1).stream(CellSpec.gru(), 3, 2, 2)
                .merge(CellSpec.lstm(), 4, 1).outputSize(2).seed(5).compute(Compute.serial(Kernels.scalar())).build();
        SplittableRandom rnd = new SplittableRandom(1);
        int b = 3;
        List<MultiStreamModel.Input> in = List.of(
                new MultiStreamModel.Input(GradientCheckTest.random(rnd, b, 4, 2), new int[] {4, 2, 0}, clock(rnd, b, 4, 1.0)),
                new MultiStreamModel.Input(GradientCheckTest.random(rnd, b, 5, 3), new int[] {5, 5, 3}, clock(rnd, b, 5, 0.5)));
        float[] r = GradientCheckTest.random(rnd, b, 2).data();
        Parameters p = m.parameters();
        p.zeroGrad();
        m.forward(in);
        m.backward(Tensor.of(r.clone(), b, 2));
        float[] analytic = p.grads().clone();
        float[] w = p.values();
        double eps = 1e-2;
        for (ParamView v : p.layout().views()) {
            for (int k = 0; k < v.size(); k++) {
                int i = v.offset() + k;
                float saved = w[i];
                w[i] = (float) (saved + eps);
                double plus = dot(m.forward(in).data(), r);
                w[i] = (float) (saved - eps);
                double minus = dot(m.forward(in).data(), r);
                w[i] = saved;
                double numeric = (plus - minus) / (2 * eps);
                assertEquals(numeric, analytic[i], 1e-3 + 1e-2 * Math.abs(numeric), v.name() + "[" + k + "]");
            }
        }
        assertTrue(p.layout().has("stream1.weight_hh_l1") && p.layout().has("merge.weight_ih_l0"));
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void oneStreamAloneIsTheTwoLayerModel() {
        CellSpec cell = CellSpec.phasedLstm().withPeriodRange(1, 8);
        MultiStreamModel multi = MultiStreamModel.builder().stream(cell, 3, 6, 1).merge(cell, 6, 1).outputSize(2)
                .seed(2).build();
        SequenceModel single = SequenceModel.builder().cell(cell).inputSize(3).hiddenSize(6).numLayers(2)
                .head(Head.LAST_STEP).outputSize(2).seed(9).build();
        Parameters mp = multi.parameters();
        Parameters sp = single.parameters();
        for (ParamView v : mp.layout().views()) {
            String name = v.name().startsWith("stream0.") ? v.name().substring(8)
                    : v.name().startsWith("merge.") ? v.name().substring(6).replace("_l0", "_l1") : v.name();
            sp.set(name, mp.get(v.name()));
        }
        SplittableRandom rnd = new SplittableRandom(3);
        int b = 2;
        int t = 6;
        Tensor x = GradientCheckTest.random(rnd, b, t, 3);
        int[] lengths = {6, 4};
        double[] times = clock(rnd, b, t, 0.7);
        float[] a = multi.forward(List.of(new MultiStreamModel.Input(x, lengths, times))).data();
        float[] e = single.forward(x, Sequences.of(lengths, times), null).data();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-6, "prediction " + i);
        }
    }

    @Test
    void badInputIsRefused() {
        MultiStreamModel m = MultiStreamModel.builder().stream(CellSpec.lstm(), 2, 3, 1).stream(CellSpec.gru(), 1, 2, 1)
                .merge(CellSpec.gru(), 3, 1).outputSize(2).build();
        Tensor x0 = Tensor.zeros(2, 3, 2);
        Tensor x1 = Tensor.zeros(2, 2, 1);
        String msg = assertThrows(IllegalArgumentException.class,
                () -> m.forward(List.of(new MultiStreamModel.Input(x0, null, new double[6])))).getMessage();
        assertTrue(msg.contains("expected 2 streams"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> m.forward(List.of(
                new MultiStreamModel.Input(x0, null, new double[6]), new MultiStreamModel.Input(x1, null, null))))
                .getMessage();
        assertTrue(msg.contains("stream 1 has no timestamps"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> m.forward(List.of(
                new MultiStreamModel.Input(x0, new int[] {3, 0}, new double[6]),
                new MultiStreamModel.Input(x1, new int[] {2, 0}, new double[4])))).getMessage();
        assertTrue(msg.contains("sequence 1 has no event"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> m.forward(List.of(
                new MultiStreamModel.Input(x0, null, new double[6]),
                new MultiStreamModel.Input(Tensor.zeros(3, 2, 1), null, new double[6])))).getMessage();
        assertTrue(msg.contains("stream 1 has batch 3, stream 0 has 2"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> m.forward(List.of(
                new MultiStreamModel.Input(x0, null, new double[] {0, 1, 2, 0, 1, 2}),
                new MultiStreamModel.Input(x1, null, new double[] {0, 1, 5, 4})))).getMessage();
        assertTrue(msg.contains("stream 1: times go backwards in sequence 1 at step 1 (4.0 after 5.0)"), msg);
        assertThrows(IllegalStateException.class, () -> m.backward(Tensor.zeros(2, 2)));
    }

    @Test
    void streamingEventByEventEqualsTheBatchForwardInInferenceMode() {
        CellSpec plstm = CellSpec.phasedLstm().withPeriodRange(0.5, 4);
        MultiStreamModel m = MultiStreamModel.builder().stream(plstm, 2, 4, 1).stream(CellSpec.phasedLstm()
                .withPeriodRange(2, 8), 3, 3, 1).merge(plstm, 5, 2).outputSize(3).seed(8).build();
        SplittableRandom rnd = new SplittableRandom(4);
        int b = 3;
        int[][] lengths = {{5, 3, 0}, {4, 4, 2}};
        List<MultiStreamModel.Input> in = List.of(
                new MultiStreamModel.Input(GradientCheckTest.random(rnd, b, 5, 2), lengths[0], clock(rnd, b, 5, 0.5)),
                new MultiStreamModel.Input(GradientCheckTest.random(rnd, b, 4, 3), lengths[1], clock(rnd, b, 4, 1.0)));
        m.eval();
        float[] batch = m.forward(in).data();
        long batchUpdates = m.unitUpdates();
        long batchDense = m.denseUnitUpdates();
        long streamedUpdates = 0;
        long streamedDense = 0;
        MultiStreamModel.Streaming stream = m.stream(1);
        for (int s = 0; s < b; s++) {
            // sequence s's events of both streams in time order (ties: stream 0 first), one at a time
            List<int[]> events = new java.util.ArrayList<>();
            for (int k = 0; k < 2; k++) {
                for (int j = 0; j < lengths[k][s]; j++) {
                    events.add(new int[] {k, j});
                }
            }
            int seq = s;
            java.util.function.ToDoubleFunction<int[]> time = e -> in.get(e[0]).times()[seq * in.get(e[0]).x().dim(1) + e[1]];
            events.sort(java.util.Comparator.comparingDouble(time).thenComparingInt(e -> e[0]).thenComparingInt(e -> e[1]));
            stream.reset();
            Tensor y = null;
            for (int[] e : events) {
                Tensor x = in.get(e[0]).x();
                int t = x.dim(1);
                int f = x.dim(2);
                float[] row = java.util.Arrays.copyOfRange(x.data(), (seq * t + e[1]) * f, (seq * t + e[1] + 1) * f);
                y = stream.step(e[0], Tensor.of(row, 1, f), new double[] {time.applyAsDouble(e)});
            }
            for (int c = 0; c < 3; c++) {
                assertEquals(batch[s * 3 + c], y.data()[c], 1e-5, "sequence " + s + " output " + c);
            }
            streamedUpdates += stream.unitUpdates();
            streamedDense += stream.denseUnitUpdates();
        }
        assertEquals(batchDense, streamedDense);
        assertEquals(batchUpdates, streamedUpdates, "event-driven unit updates, streamed and in one batch");
        assertTrue(streamedUpdates < streamedDense, streamedUpdates + " of " + streamedDense);

        MultiStreamModel.Streaming two = m.stream(2);
        two.step(1, Tensor.zeros(2, 3), new double[] {1, 2});
        String msg = assertThrows(IllegalArgumentException.class,
                () -> two.step(0, Tensor.zeros(2, 2), new double[] {0.5, 3})).getMessage();
        assertTrue(msg.contains("stream 0: times go backwards in sequence 0 (0.5 after 1.0)"), msg);
        msg = assertThrows(IllegalArgumentException.class,
                () -> two.step(0, Tensor.zeros(2, 3), new double[] {4, 4})).getMessage();
        assertTrue(msg.startsWith("stream 0: x must have shape (2, 2)"), msg);
        msg = assertThrows(IllegalArgumentException.class,
                () -> two.step(2, Tensor.zeros(2, 3), new double[] {4, 4})).getMessage();
        assertTrue(msg.contains("stream 2 does not exist"), msg);
    }
}
