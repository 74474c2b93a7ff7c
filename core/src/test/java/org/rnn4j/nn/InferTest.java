package org.rnn4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.tensor.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.testutil.Close.assertClose;

/**
 * Inference in windows ({@link SequenceModel#infer}, {@link Recurrent#infer}) gives the whole forward's numbers in
 * inference mode, keeps buffers for one window only, and leaves nothing for backward.
 */
class InferTest {

    static final double ATOL = 1e-6;
    static final double RTOL = 1e-5;
    static final int B = 3;
    static final int T = 11;
    static final int[] LENGTHS = {11, 7, 3};   // ends inside, at the edge of and before later windows

    static Stream<CellSpec> specs() {
        return Stream.of(CellSpec.rnnTanh(), CellSpec.lstm().withPeepholes(true).withProjSize(3),
                CellSpec.gru(), CellSpec.phasedLstm().withPeriodRange(1.5, 6).withRatioOn(0.2f),
                CellSpec.phasedGru().withPeriodRange(1.5, 6).withRatioOn(0.2f), CellSpec.bnLstm().withMaxSteps(5));
    }

    static SequenceModel model(CellSpec spec, Head head, boolean bidirectional) {
        return SequenceModel.builder().cell(spec).inputSize(4).hiddenSize(6).numLayers(2).bidirectional(bidirectional)
                .dropout(0.3f).head(head).outputSize(2).seed(9).compute(Compute.serial(Kernels.select())).build();
    }

    static Tensor random(long seed, int... shape) {
        return GradientCheckTest.random(new SplittableRandom(seed), shape);
    }

    /** Irregular, non-decreasing timestamps per sequence. */
    static double[] times(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] t = new double[B * T];
        for (int b = 0; b < B; b++) {
            double now = 0;
            for (int s = 0; s < T; s++) {
                now += rnd.nextDouble(0.2, 2.0);
                t[b * T + s] = now;
            }
        }
        return t;
    }

    @ParameterizedTest
    @MethodSource("specs")
    void windowsGiveTheWholeForwardsPredictionsStatesAndUnitUpdates(CellSpec spec) {
        for (Head head : Head.values()) {
            for (boolean timed : new boolean[] {false, true}) {
                for (int window : new int[] {1, 4, 7, T, 50}) {
                    SequenceModel m = model(spec, head, false);
                    Tensor x = random(1, B, T, 4);
                    double[] times = timed ? times(2) : null;
                    State initial = new State(random(3, 2, B, outputWidth(m)),
                            m.config().network().hasCellState() ? random(4, 2, B, 6) : null);
                    m.train(new SplittableRandom(5));
                    m.forward(x, Sequences.of(LENGTHS, times),
                            initial);   // a BN-LSTM's running statistics then differ by step
                    m.eval();
                    Tensor whole = m.forward(x, Sequences.of(LENGTHS, times), initial);
                    State wholeState = m.finalState();
                    long wholeUpdates = m.recurrent().unitUpdates();
                    long wholeDense = m.recurrent().denseUnitUpdates();
                    Tensor windowed = m.infer(x, Sequences.of(LENGTHS, times), initial, window);
                    String what = spec + " " + head + (timed ? " timed" : "") + " window " + window;
                    assertClose(what + " predictions", whole.data(), windowed.data(), ATOL, RTOL);
                    assertClose(what + " final h", wholeState.h().data(), m.finalState().h().data(), ATOL, RTOL);
                    if (wholeState.c() != null) {
                        assertClose(what + " final c", wholeState.c().data(), m.finalState().c().data(), ATOL, RTOL);
                    }
                    assertEquals(wholeDense, m.recurrent().denseUnitUpdates(), what + " dense unit updates");
                    assertEquals(wholeUpdates, m.recurrent().unitUpdates(), what + " unit updates");
                }
            }
        }
    }

    private static int outputWidth(SequenceModel m) {
        return m.config().network().outputSizePerDirection();
    }

    @Test
    void anEventDrivenPhasedLstmSkipsTheSameUnitsInWindowsAsWhole() {
        SequenceModel m = model(CellSpec.phasedLstm().withPeriodRange(2, 20).withRatioOn(0.05f), Head.LAST_STEP, false);
        int t = 300;
        Tensor x = random(5, B, t, 4);
        m.eval();
        Tensor whole = m.forward(x, Sequences.ALL, null);
        long updates = m.recurrent().unitUpdates();
        long dense = m.recurrent().denseUnitUpdates();
        assertTrue(updates < dense / 4, "a sparse gate: " + updates + " of " + dense);
        Tensor windowed = m.infer(x, Sequences.ALL, null);   // the default window, shorter than t
        assertTrue(Recurrent.INFER_WINDOW < t);
        assertClose("predictions", whole.data(), windowed.data(), ATOL, RTOL);
        assertEquals(updates, m.recurrent().unitUpdates());
        assertEquals(dense, m.recurrent().denseUnitUpdates());
        m.forward(x, Sequences.ALL, null);   // a later forward counts its own pass again
        assertEquals(updates, m.recurrent().unitUpdates());
    }

    @Test
    void buffersAreSizedForOneWindowNotTheSequence() {
        Recurrent net = Recurrent.builder().cell(CellSpec.lstm()).inputSize(4).hiddenSize(6).numLayers(2).seed(1)
                .compute(Compute.serial(Kernels.select())).build();
        int t = 5 * Recurrent.INFER_WINDOW + 3;
        Tensor x = random(6, 2, t, 4);
        Recurrent.Output out = net.infer(x, Sequences.ALL, null);
        assertTrue(net.bufferedSteps() <= Recurrent.INFER_WINDOW, "buffers for " + net.bufferedSteps() + " steps");
        assertEquals(t, out.output().dim(1));
        Recurrent.Output states = net.infer(x, Sequences.ALL, null, false, Recurrent.INFER_WINDOW);
        assertNull(states.output());
        assertClose("final states without outputs", out.hN().data(), states.hN().data(), 0, 0);
        net.forward(x, Sequences.ALL, null);
        assertEquals(t, net.bufferedSteps());
    }

    @Test
    void windowsAfterEverySequencesEndAreNotRun() {
        Recurrent net = Recurrent.builder().cell(CellSpec.gru()).inputSize(4).hiddenSize(5).seed(2)
                .compute(Compute.serial(Kernels.select())).build();
        Tensor x = random(7, 2, 40, 4);
        int[] lengths = {9, 5};
        Recurrent.Output whole = net.forward(x, Sequences.of(lengths), null);
        Recurrent.Output windowed = net.infer(x, Sequences.of(lengths), null, true, 4);
        assertEquals(4, net.bufferedSteps());
        assertClose("outputs, zeros after each end", whole.output().data(), windowed.output().data(), ATOL, RTOL);
        assertClose("final states", whole.hN().data(), windowed.hN().data(), ATOL, RTOL);
        assertEquals(whole.output().dim(1), windowed.output().dim(1));
    }

    @Test
    void runsInInferenceModeAndLeavesTheModelsModeAsItWas() {
        SequenceModel m = model(CellSpec.lstm(), Head.EVERY_STEP, false);
        Tensor x = random(8, B, T, 4);
        m.eval();
        Tensor inference = m.forward(x, Sequences.of(LENGTHS), null);
        m.train(new SplittableRandom(3));
        Tensor windowed = m.infer(x, Sequences.of(LENGTHS), null, 4);
        assertClose("no dropout in infer", inference.data(), windowed.data(), ATOL, RTOL);
        Tensor training = m.forward(x, Sequences.of(LENGTHS), null);
        assertFalse(Arrays.equals(inference.data(), training.data()), "dropout is on again after infer");
    }

    @Test
    void aBidirectionalNetworkRunsWhole() {
        SequenceModel m = model(CellSpec.gru(), Head.LAST_STEP, true);
        Tensor x = random(9, B, T, 4);
        m.eval();
        Tensor whole = m.forward(x, Sequences.of(LENGTHS), null);
        assertClose("bidirectional", whole.data(), m.infer(x, Sequences.of(LENGTHS), null, 3).data(), 0, 0);
    }

    @Test
    void nothingIsKeptForBackward() {
        SequenceModel m = model(CellSpec.lstm(), Head.LAST_STEP, false);
        Tensor x = random(10, B, T, 4);
        Tensor y = m.forward(x, Sequences.of(LENGTHS), null);
        m.infer(x, Sequences.of(LENGTHS), null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.backward(y));
        assertTrue(e.getMessage().contains("infer"), e.getMessage());
        Recurrent net = m.recurrent();
        net.forward(x, Sequences.of(LENGTHS), null);
        net.infer(x, Sequences.of(LENGTHS), null);
        assertThrows(IllegalStateException.class, () -> net.backward(null, Tensor.zeros(2, B, 6), null));
    }

    @Test
    void timestampsThatGoBackwardsAcrossAWindowEdgeAreRejected() {
        SequenceModel m = model(CellSpec.phasedLstm(), Head.LAST_STEP, false);
        Tensor x = random(11, B, T, 4);
        double[] times = times(12);
        times[4] = times[3] - 0.1;   // sequence 0: step 4 (the second window's first step) before step 3
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.infer(x, Sequences.of(null, times), null, 4));
        assertTrue(e.getMessage().contains("times go backwards in sequence 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.infer(x, Sequences.ALL, null, 0));
        assertThrows(IllegalArgumentException.class, () -> m.infer(x, Sequences.of(new int[] {0, 3, 3}), null));
    }
}
