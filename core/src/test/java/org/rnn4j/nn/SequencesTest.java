package org.rnn4j.nn;

import org.junit.jupiter.api.Test;
import org.rnn4j.tensor.Tensor;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one forward shape, {@code forward(x, sequences, initialState)}: the {@link Sequences} record's factories and
 * checks, and that its defaults (null sequences, null state, a null part of a state) mean what the shorter calls mean.
 */
class SequencesTest {

    @Test
    void factoriesSetWhatTheySay() {
        int[] lengths = {3, 1};
        double[] times = {0, 1, 2, 0, 0, 0};
        Sequences s = Sequences.of(lengths, times).window(4);
        assertTrue(s.lengths() == lengths && s.times() == times && s.firstStep() == 4 && s.window());
        assertEquals(0, s.minLength());
        Sequences whole = Sequences.of(lengths).withTimes(times);
        assertTrue(!whole.window() && whole.firstStep() == 0 && whole.times() == times);
        assertEquals(1, whole.minLength());
        assertNull(Sequences.ALL.lengths());
    }

    @Test
    void aStartPastZeroIsAWindowAndNeverNegative() {
        String msg = assertThrows(IllegalArgumentException.class, () -> new Sequences(null, null, 3, false))
                .getMessage();
        assertTrue(msg.contains("window"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> Sequences.ALL.window(-1)).getMessage();
        assertTrue(msg.contains("≥ 0") && msg.contains("-1"), msg);
    }

    @Test
    void nullSequencesAndNullStatesAreWholeSequencesFromZeros() {
        Recurrent net = Recurrent.builder().cell(CellSpec.lstm()).inputSize(3).hiddenSize(4).seed(2).build();
        Tensor x = GradientCheckTest.random(new SplittableRandom(5), 2, 6, 3);
        float[] plain = net.forward(x).output().data();
        assertArrayEquals(plain, net.forward(x, null, null).output().data());
        assertArrayEquals(plain, net.forward(x, Sequences.ALL, new State(null, null)).output().data());
        assertArrayEquals(plain, net.forward(x, Sequences.ALL,
                new State(Tensor.zeros(1, 2, 4), Tensor.zeros(1, 2, 4))).output().data());
        assertArrayEquals(plain, net.infer(x).output().data());
    }

    @Test
    void inferRefusesAWindowAndABidirectionalNetworkRefusesWindows() {
        Recurrent net = Recurrent.builder().cell(CellSpec.gru()).inputSize(3).hiddenSize(4).seed(2).build();
        Tensor x = Tensor.zeros(2, 5, 3);
        String msg = assertThrows(IllegalArgumentException.class,
                () -> net.infer(x, Sequences.ALL.window(5), null)).getMessage();
        assertTrue(msg.contains("infer runs whole sequences"), msg);
        Recurrent bi = Recurrent.builder().cell(CellSpec.gru()).inputSize(3).hiddenSize(4).bidirectional(true)
                .seed(2).build();
        msg = assertThrows(IllegalStateException.class, () -> bi.forward(x, Sequences.ALL.window(0), null))
                .getMessage();
        assertTrue(msg.contains("bidirectional"), msg);
    }

    @Test
    void aWindowAcceptsSequencesThatEndedBeforeIt() {
        Recurrent net = Recurrent.builder().cell(CellSpec.rnnTanh()).inputSize(3).hiddenSize(4).seed(2).build();
        Tensor x = GradientCheckTest.random(new SplittableRandom(6), 2, 4, 3);
        int[] lengths = {4, 0};
        assertThrows(IllegalArgumentException.class, () -> net.forward(x, Sequences.of(lengths), null));
        Tensor h0 = GradientCheckTest.random(new SplittableRandom(7), 1, 2, 4);
        Recurrent.Output o = net.forward(x, Sequences.of(lengths).window(8), new State(h0, null));
        for (int j = 0; j < 4; j++) {   // the ended sequence's state passes through
            assertEquals(h0.data()[4 + j], o.hN().data()[4 + j]);
        }
    }
}
