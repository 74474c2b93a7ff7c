package org.rnn4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.loss.LossValue;
import org.rnn4j.loss.Losses;
import org.rnn4j.tensor.Tensor;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rnn4j.testutil.Close.assertClose;

/** The model (network + head + loss) is differentiated correctly end to end, for both heads. */
class SequenceModelTest {

    @ParameterizedTest(name = "{0} head, bidirectional={1}")
    @CsvSource({"LAST_STEP,false", "LAST_STEP,true", "EVERY_STEP,false", "EVERY_STEP,true"})
    void modelGradientsMatchFiniteDifferences(Head head, boolean bidirectional) {
        int b = 3;
        int t = 4;
        int[] lengths = {4, 2, 3};
        SequenceModel model = SequenceModel.builder().cell(CellSpec.lstm().withPeepholes(true))
                .inputSize(2).hiddenSize(5).numLayers(2).bidirectional(bidirectional)
                .head(head).outputSize(3).seed(21).compute(Compute.serial(Kernels.scalar())).build();
        SplittableRandom rnd = new SplittableRandom(4);
        Tensor x = GradientCheckTest.random(rnd, b, t, 2);
        int[] classes = new int[head == Head.EVERY_STEP ? b * t : b];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = rnd.nextInt(3);
        }
        int[] lossLengths = head == Head.EVERY_STEP ? lengths : null;

        model.parameters().zeroGrad();
        LossValue loss = Losses.softmaxCrossEntropy(model.forward(x, Sequences.of(lengths), null), classes,
                lossLengths);
        Tensor dx = model.backward(loss.gradient());
        float[] analytic = model.parameters().grads().clone();

        float[] w = model.parameters().values();
        float[] numeric = new float[w.length];
        double eps = 1e-2;
        for (int i = 0; i < w.length; i++) {
            float saved = w[i];
            w[i] = (float) (saved + eps);
            double plus = Losses.softmaxCrossEntropy(model.forward(x, Sequences.of(lengths), null), classes,
                    lossLengths).value();
            w[i] = (float) (saved - eps);
            double minus = Losses.softmaxCrossEntropy(model.forward(x, Sequences.of(lengths), null), classes,
                    lossLengths).value();
            w[i] = saved;
            numeric[i] = (float) ((plus - minus) / (2 * eps));
        }
        assertClose(head + " parameter gradients", numeric, analytic, 1e-4, 2e-2);

        float[] numericX = new float[x.size()];
        for (int i = 0; i < x.size(); i++) {
            float saved = x.data()[i];
            x.data()[i] = (float) (saved + eps);
            double plus = Losses.softmaxCrossEntropy(model.forward(x, Sequences.of(lengths), null), classes,
                    lossLengths).value();
            x.data()[i] = (float) (saved - eps);
            double minus = Losses.softmaxCrossEntropy(model.forward(x, Sequences.of(lengths), null), classes,
                    lossLengths).value();
            x.data()[i] = saved;
            numericX[i] = (float) ((plus - minus) / (2 * eps));
        }
        assertClose(head + " input gradient", numericX, dx.data(), 1e-4, 2e-2);

        // without the input gradient: no dx, the same parameter gradients bit for bit, whatever came before
        model.forward(x, Sequences.of(lengths), null);
        model.parameters().zeroGrad();
        Tensor none = model.backward(loss.gradient(), false);
        assertEquals(null, none);
        org.junit.jupiter.api.Assertions.assertArrayEquals(analytic, model.parameters().grads(),
                head + " parameter gradients without the input gradient");
    }

    @Test
    void layoutOfAConfigIsTheLayoutOfTheModelItCreates() {
        CellSpec[] cells = {CellSpec.rnnRelu(), CellSpec.gru().original(),
                CellSpec.lstm().withPeepholes(true).withCifg(true).withProjSize(2)};
        for (CellSpec cell : cells) {
            ModelConfig config = new ModelConfig(new RecurrentConfig(cell, 3, 4, 2, true, 0f), Head.EVERY_STEP, 5);
            SequenceModel model = SequenceModel.create(config, 1, Compute.serial());
            assertEquals(model.parameters().layout().views(), SequenceModel.layout(config).views(), cell.toString());
            assertEquals(model.parameters().size(), SequenceModel.layout(config).size(), cell.toString());
        }
    }

    /**
     * A Compute's team of two threads splits products by columns at block boundaries, the hoisted products by
     * rows, and a step's product and elementwise work by rows (small weights, the default: every cell here but the
     * LSTM with peepholes), or by units (H = 128, two blocks of 64; with row steps switched off, or peepholes) or
     * its elementwise work by rows (H = 96), or by units at multiples of 16 (the Phased LSTM, whose time-gate
     * gradients sum over rows): every number is computed exactly as on one thread, so a training step gives the
     * same bits on both (vector kernels, packed weights, T ≥ 8).
     */
    @ParameterizedTest(name = "{0} H={1}")
    @org.junit.jupiter.params.provider.CsvSource({"lstm, 96", "lstm, 128", "lstm-peep-proj, 96",
        "lstm-peep-proj, 128", "gru, 96", "gru, 128", "rnn, 96", "rnn, 128", "plstm, 110", "plstm-peep, 96"})
    void twoThreadsGiveTheBitsOfOne(String which, int hidden) {
        CellSpec cell = switch (which) {
            case "lstm" -> CellSpec.lstm();
            case "lstm-peep-proj" -> CellSpec.lstm().withPeepholes(true).withProjSize(24);
            case "gru" -> CellSpec.gru();
            case "plstm" -> CellSpec.phasedLstm();
            case "plstm-peep" -> CellSpec.phasedLstm().withPeepholes(true);
            default -> CellSpec.rnnTanh();
        };
        // one thread; two (row scans where the cell allows them); two with a hand-off per step, small steps by rows;
        // two with every step split by units
        ScheduleOptions[] options = {ScheduleOptions.DEFAULT, ScheduleOptions.DEFAULT,
            ScheduleOptions.DEFAULT.withRowScans(false),
            ScheduleOptions.DEFAULT.withRowScans(false).withSmallStepsByRows(false)};
        float[][] results = new float[options.length][];
        for (int v = 0; v < options.length; v++) {
            int threads = v == 0 ? 1 : 2;
            try (Compute cx = Compute.withThreads(Kernels.select(), threads)) {
                SequenceModel m = SequenceModel.builder().cell(cell).inputSize(16).hiddenSize(hidden).numLayers(2)
                        .head(Head.LAST_STEP).outputSize(3).seed(9).compute(cx)
                        .scheduleOptions(options[v]).build();
                SplittableRandom rnd = new SplittableRandom(2);
                Tensor x = GradientCheckTest.random(rnd, 32, 12, 16);
                int[] classes = new int[32];
                for (int i = 0; i < classes.length; i++) {
                    classes[i] = rnd.nextInt(3);
                }
                m.parameters().zeroGrad();
                LossValue loss = Losses.softmaxCrossEntropy(m.forward(x), classes, null);
                m.backward(loss.gradient(), false);
                float[] out = m.forward(x).data();
                float[] grads = m.parameters().grads();
                results[v] = java.util.Arrays.copyOf(out, out.length + grads.length);
                System.arraycopy(grads, 0, results[v], out.length, grads.length);
            }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[1], which + ": outputs and gradients");
        org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[2],
                which + ": outputs and gradients, a hand-off per step");
        org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[3],
                which + ": outputs and gradients, steps by units");
    }

    /**
     * A packed LSTM, GRU or RNN pass computes each step's input projection inside the step (bias, then x_t·W_ihᵀ,
     * then h·W_hhᵀ, one product; the GRU's recurrent part into its own buffer) instead of projecting the whole
     * sequence first. The additions run in the same order, so outputs and gradients are the bits of the hoisted
     * projection: scalar and vector kernels, one and two threads, an LSTM with a projection and peepholes,
     * variable lengths and a bidirectional layer.
     */
    @ParameterizedTest(name = "{0} threads={1}")
    @CsvSource({"scalar, 1", "vector, 1", "vector, 2"})
    void fusedInputProjectionGivesTheBitsOfTheHoistedOne(String kernels, int threads) {
        Kernels k = kernels.equals("scalar") ? Kernels.scalar() : Kernels.select();
        CellSpec[] cells = {CellSpec.lstm(), CellSpec.lstm().withPeepholes(true).withProjSize(24), CellSpec.gru(),
            CellSpec.rnnTanh()};
        for (CellSpec cell : cells) {
            for (boolean bidirectional : new boolean[] {false, true}) {
                float[][] results = new float[2][];
                for (int fused = 0; fused < 2; fused++) {
                    try (Compute cx = Compute.withThreads(k, threads)) {
                        SequenceModel m = SequenceModel.builder().cell(cell).inputSize(20).hiddenSize(128)
                                .numLayers(2).bidirectional(bidirectional).head(Head.EVERY_STEP).outputSize(3)
                                .seed(4).compute(cx)
                                .scheduleOptions(ScheduleOptions.DEFAULT.withFuseInput(fused == 1)).build();
                        SplittableRandom rnd = new SplittableRandom(6);
                        // 160 rows: the hoisted projection takes the same kernel path on one thread and on two
                        Tensor x = GradientCheckTest.random(rnd, 16, 10, 20);
                        int[] lengths = {10, 3, 9, 10, 1, 7, 10, 8, 2, 10, 10, 5, 6, 10, 4, 9};
                        m.parameters().zeroGrad();
                        Tensor y = m.forward(x, Sequences.of(lengths), null);
                        Tensor dy = GradientCheckTest.random(rnd, y.shape());
                        m.backward(dy, true);
                        float[] out = y.data();
                        float[] grads = m.parameters().grads();
                        results[fused] = java.util.Arrays.copyOf(out, out.length + grads.length);
                        System.arraycopy(grads, 0, results[fused], out.length, grads.length);
                    }
                }
                org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[1],
                        cell + (bidirectional ? ", bidirectional" : "") + ": outputs and gradients");
            }
        }
    }

    /**
     * Row scans (each of two threads all steps of its own rows) give the bits of one thread and of a hand-off per
     * step: an LSTM, with CIFG and with a projection, a GRU and RNNs; forward and reverse layers; variable lengths
     * in any order and sorted longest first (a thread whose rows have all finished computes nothing more but keeps
     * their states); a batch that splits unevenly; outputs, input and parameter gradients. The count of hand-offs
     * shows the scans ran: a pass meets once instead of once per step.
     */
    @Test
    void rowScansGiveTheBitsOfOneThreadAndOfAHandOffPerStep() {
        CellSpec[] cells = {CellSpec.lstm(), CellSpec.lstm().withCifg(true), CellSpec.lstm().withProjSize(20),
            CellSpec.gru(), CellSpec.rnnTanh(), CellSpec.rnnRelu()};
        int batch = 37;
        int steps = 20;
        SplittableRandom lr = new SplittableRandom(5);
        int[] shuffled = new int[batch];
        for (int b = 0; b < batch; b++) {
            shuffled[b] = 1 + lr.nextInt(steps);
        }
        shuffled[3] = steps;
        int[] sorted = shuffled.clone();
        java.util.Arrays.sort(sorted);
        for (int b = 0; b < batch / 2; b++) {   // longest first
            int tmp = sorted[b];
            sorted[b] = sorted[batch - 1 - b];
            sorted[batch - 1 - b] = tmp;
        }
        for (CellSpec cell : cells) {
            for (int[] lengths : new int[][] {shuffled, sorted}) {
                ScheduleOptions[] options = {ScheduleOptions.DEFAULT, ScheduleOptions.DEFAULT,
                    ScheduleOptions.DEFAULT.withRowScans(false)};
                float[][] results = new float[options.length][];
                long[] handOffs = new long[options.length];
                long[] backwardHandOffs = new long[options.length];
                for (int v = 0; v < options.length; v++) {
                    try (Compute cx = Compute.withThreads(Kernels.select(), v == 0 ? 1 : 2)) {
                        SequenceModel m = SequenceModel.builder().cell(cell).inputSize(12).hiddenSize(48)
                                .numLayers(2).bidirectional(true).head(Head.EVERY_STEP).outputSize(3).seed(8)
                                .compute(cx).scheduleOptions(options[v]).build();
                        SplittableRandom rnd = new SplittableRandom(3);
                        Tensor x = GradientCheckTest.random(rnd, batch, steps, 12);
                        long before = cx.handOffs();
                        float[] inference = m.forward(x, Sequences.of(lengths), null).data().clone();
                        handOffs[v] = cx.handOffs() - before;
                        m.parameters().zeroGrad();
                        Tensor y = m.forward(x, Sequences.of(lengths), null);
                        Tensor dy = GradientCheckTest.random(rnd, y.shape());
                        before = cx.handOffs();
                        float[] dx = m.backward(dy, true).data();
                        backwardHandOffs[v] = cx.handOffs() - before;
                        float[][] parts = {inference, y.data(), dx, m.parameters().grads()};
                        results[v] = concat(parts);
                    }
                }
                String what = cell + ", lengths " + java.util.Arrays.toString(lengths);
                org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[1], what + ": row scans");
                org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[2], what
                        + ": a hand-off per step");
                // 2 layers × 2 directions: one hand-off per pass with scans (plus the head's), about one per step
                // without (fewer where under 16 rows still run and a step is not split)
                org.junit.jupiter.api.Assertions.assertTrue(handOffs[1] < steps, what + ": " + handOffs[1]
                        + " hand-offs with row scans");
                org.junit.jupiter.api.Assertions.assertTrue(handOffs[2] >= 2 * steps, what + ": " + handOffs[2]
                        + " hand-offs with one per step");
                // backward: the weight gradients' products after each scan, against two hand-offs per step
                org.junit.jupiter.api.Assertions.assertTrue(2 * backwardHandOffs[1] < backwardHandOffs[2], what
                        + ": backward hand-offs " + backwardHandOffs[1] + " with row scans, " + backwardHandOffs[2]
                        + " with one per step");
            }
        }
    }

    /**
     * Row scans through {@link Recurrent} with initial states, gradients at the final states and an odd number of
     * steps (each thread's carry swaps once per step, and the shared carry must end where theirs do): outputs,
     * final states, dx, dh0, dc0 and parameter gradients are the bits of one thread and of a hand-off per step.
     */
    @Test
    void rowScansGiveTheInitialStateGradientsOfOneThread() {
        int batch = 19;
        int steps = 21;
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = steps - b;   // sorted longest first: the ranges are balanced by length
        }
        CellSpec[] cells = {CellSpec.lstm(), CellSpec.lstm().withProjSize(7), CellSpec.gru(), CellSpec.rnnTanh()};
        for (CellSpec cell : cells) {
            ScheduleOptions[] options = {ScheduleOptions.DEFAULT, ScheduleOptions.DEFAULT,
                ScheduleOptions.DEFAULT.withRowScans(false)};
            float[][] results = new float[options.length][];
            for (int v = 0; v < options.length; v++) {
                try (Compute cx = Compute.withThreads(Kernels.select(), v == 0 ? 1 : 2)) {
                    Recurrent net = Recurrent.builder().cell(cell).inputSize(5).hiddenSize(16).numLayers(2)
                            .bidirectional(true).seed(3).compute(cx).scheduleOptions(options[v]).build();
                    SplittableRandom rnd = new SplittableRandom(11);
                    Tensor x = GradientCheckTest.random(rnd, batch, steps, 5);
                    int r = net.config().outputSizePerDirection();
                    Tensor h0 = GradientCheckTest.random(rnd, 4, batch, r);
                    Tensor c0 = net.config().hasCellState() ? GradientCheckTest.random(rnd, 4, batch, 16) : null;
                    net.parameters().zeroGrad();
                    long before = cx.handOffs();
                    Recurrent.Output out = net.forward(x, Sequences.of(lengths), new State(h0, c0));
                    if (v == 1) {
                        org.junit.jupiter.api.Assertions.assertTrue(cx.handOffs() - before < steps,
                                cell + ": the forward ran as row scans");
                    }
                    Tensor dhN = GradientCheckTest.random(rnd, out.hN().shape());
                    Tensor dcN = out.cN() == null ? null : GradientCheckTest.random(rnd, out.cN().shape());
                    Recurrent.InputGrads g = net.backward(GradientCheckTest.random(rnd, out.output().shape()), dhN,
                            dcN);
                    results[v] = concat(new float[][] {out.output().data(), out.hN().data(),
                        out.cN() == null ? new float[0] : out.cN().data(), g.dx().data(), g.dh0().data(),
                        g.dc0() == null ? new float[0] : g.dc0().data(), net.parameters().grads()});
                }
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[1], cell + ": row scans");
            org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[2], cell + ": per step");
        }
    }

    private static float[] concat(float[][] parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        n = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, n, p.length);
            n += p.length;
        }
        return all;
    }

    /**
     * Skipping the rows of finished sequences (rows past the last one still running) gives the bits of computing
     * every row: outputs, parameter and input gradients, for every cell (the BN-LSTM's statistics over the
     * running rows included); forward and reverse layers; lengths sorted longest first (where most work is
     * skipped) and in any order; in training mode and at inference (the Phased cells' event-driven steps).
     */
    @ParameterizedTest(name = "{0} threads={1}")
    @CsvSource({"scalar, 1", "vector, 1", "vector, 2"})
    void skippingFinishedRowsGivesTheBitsOfComputingThemAll(String kernels, int threads) {
        Kernels k = kernels.equals("scalar") ? Kernels.scalar() : Kernels.select();
        CellSpec[] cells = {CellSpec.lstm(), CellSpec.lstm().withPeepholes(true).withProjSize(24), CellSpec.gru(),
            CellSpec.gru().original(), CellSpec.rnnTanh(), CellSpec.phasedLstm().withPeepholes(true),
            CellSpec.phasedGru(), CellSpec.bnLstm()};
        // (B, T, H): packed passes; an unpacked one (T < 8) with H = 100 and B = 32, where the unpacked kernels
        // would sum in another order for fewer rows; and packed with H = 100
        int[][] shapes = {{16, 12, 128}, {32, 6, 100}, {32, 12, 100}};
        for (int[] shape : shapes) {
            int batch = shape[0];
            int steps = shape[1];
            int hidden = shape[2];
            SplittableRandom lr = new SplittableRandom(batch + steps);
            int[] sorted = new int[batch];
            for (int b = 0; b < batch; b++) {
                sorted[b] = 1 + lr.nextInt(steps);
            }
            sorted[0] = steps;
            java.util.Arrays.sort(sorted);
            int[] shuffled = sorted.clone();
            for (int b = 0; b < batch / 2; b++) {
                int tmp = sorted[b];
                sorted[b] = sorted[batch - 1 - b];
                sorted[batch - 1 - b] = tmp;
            }
            for (int b = batch - 1; b > 0; b--) {
                int j = lr.nextInt(b + 1);
                int tmp = shuffled[b];
                shuffled[b] = shuffled[j];
                shuffled[j] = tmp;
            }
            for (CellSpec cell : cells) {
                for (int[] lengths : new int[][] {sorted, shuffled}) {
                    float[][] results = new float[2][];
                    for (int skip = 0; skip < 2; skip++) {
                        try (Compute cx = Compute.withThreads(k, threads)) {
                            SequenceModel m = SequenceModel.builder().cell(cell).inputSize(20).hiddenSize(hidden)
                                    .numLayers(2).bidirectional(true).head(Head.EVERY_STEP).outputSize(3)
                                    .seed(4).compute(cx)
                                    .scheduleOptions(ScheduleOptions.DEFAULT.withSkipFinishedRows(skip == 1))
                                    .build();
                            SplittableRandom rnd = new SplittableRandom(6);
                            // a first pass over full-length sequences leaves every row of the buffers written
                            Tensor warm = GradientCheckTest.random(rnd, batch, steps, 20);
                            Tensor yWarm = m.forward(warm, Sequences.ALL, null);
                            m.backward(GradientCheckTest.random(rnd, yWarm.shape()), true);
                            Tensor x = GradientCheckTest.random(rnd, batch, steps, 20);
                            m.parameters().zeroGrad();
                            Tensor y = m.forward(x, Sequences.of(lengths), null);
                            Tensor dy = GradientCheckTest.random(rnd, y.shape());
                            float[] dx = m.backward(dy, true).data();
                            m.eval();
                            float[] inference = m.forward(x, Sequences.of(lengths), null).data();
                            float[] grads = m.parameters().grads();
                            float[][] parts = {y.data(), grads, dx, inference};
                            int n = 0;
                            for (float[] p : parts) {
                                n += p.length;
                            }
                            results[skip] = new float[n];
                            n = 0;
                            for (float[] p : parts) {
                                System.arraycopy(p, 0, results[skip], n, p.length);
                                n += p.length;
                            }
                        }
                    }
                    org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[1], cell + ", (B, T, H) "
                            + java.util.Arrays.toString(shape) + ", lengths " + java.util.Arrays.toString(lengths)
                            + ": outputs and gradients");
                }
            }
        }
    }
}
