package org.rnn4j.nn;

import org.junit.jupiter.api.Test;
import org.rnn4j.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gets one clear sentence naming the tensor, what was expected and what came. */
class BadInputTest {

    final Recurrent net = Recurrent.builder().cell(CellSpec.lstm()).inputSize(4).hiddenSize(6).numLayers(2).build();

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "message should mention '" + p + "': " + message);
        }
    }

    @Test
    void wrongInputWidthNamesTheTensorAndBothShapes() {
        String m = message(() -> net.forward(Tensor.zeros(3, 5, 7)));
        assertMentions(m, "input x", "(batch, steps, 4)", "(3, 5, 7)", "7 features per step instead of 4");
    }

    @Test
    void wrongRankIsExplained() {
        assertMentions(message(() -> net.forward(Tensor.zeros(5, 4))), "input x", "(batch, steps, 4)", "(5, 4)");
    }

    @Test
    void emptyBatchIsRejected() {
        assertMentions(message(() -> net.forward(Tensor.zeros(0, 5, 4))), "input x is empty", "(0, 5, 4)");
    }

    @Test
    void lengthsForAnotherBatchSizeAreRejected() {
        assertMentions(message(() -> net.forward(Tensor.zeros(3, 5, 4), Sequences.of(new int[]{5, 5}), null)),
                "lengths has 2 entries", "batch has 3 sequences");
    }

    @Test
    void aLengthOfZeroOrBeyondTIsRejected() {
        assertMentions(message(() -> net.forward(Tensor.zeros(3, 5, 4), Sequences.of(new int[]{5, 0, 2}), null)),
                "lengths[1] = 0", "[1, 5]");
        assertMentions(message(() -> net.forward(Tensor.zeros(3, 5, 4), Sequences.of(new int[]{5, 6, 2}), null)),
                "lengths[1] = 6", "[1, 5]");
    }

    @Test
    void nanInTheInputIsReportedWithItsIndex() {
        Tensor x = Tensor.zeros(3, 5, 4);
        x.set(Float.NaN, 1, 2, 3);
        assertMentions(message(() -> net.forward(x)), "input x contains NaN", "[1, 2, 3]", "finite");
        x.set(Float.POSITIVE_INFINITY, 1, 2, 3);
        assertMentions(message(() -> net.forward(x)), "Infinity", "[1, 2, 3]");
    }

    @Test
    void initialStatesOfTheWrongShapeAreRejected() {
        assertMentions(message(() -> net.forward(Tensor.zeros(3, 5, 4), Sequences.ALL, new State(Tensor.zeros(1, 3, 6),
                null))),
                "h0 must have shape (2, 3, 6)", "got (1, 3, 6)");
        Recurrent gru = Recurrent.builder().cell(CellSpec.gru()).inputSize(4).hiddenSize(6).build();
        assertMentions(message(() -> gru.forward(Tensor.zeros(3, 5, 4), Sequences.ALL, new State(null, Tensor.zeros(1,
                3, 6)))),
                "c0 was given but a GRU has no cell state");
    }

    @Test
    void backwardBeforeForwardAndGradientsOfTheWrongShapeAreRejected() {
        Recurrent fresh = Recurrent.builder().inputSize(4).hiddenSize(6).build();
        String m = assertThrows(IllegalStateException.class, () -> fresh.backward(null, null, null)).getMessage();
        assertMentions(m, "backward called before forward");
        fresh.forward(Tensor.zeros(2, 3, 4));
        assertMentions(message(() -> fresh.backward(Tensor.zeros(2, 3, 5), null, null)),
                "dOutput must have shape (2, 3, 6)", "got (2, 3, 5)");
    }

    @Test
    void invalidArchitecturesAreRejectedWhenBuilt() {
        assertMentions(message(() -> Recurrent.builder().inputSize(4).hiddenSize(6)
                .cell(CellSpec.lstm().withProjSize(6)).build()), "projSize (6) must be smaller than hiddenSize (6)");
        assertMentions(message(() -> Recurrent.builder().inputSize(0).hiddenSize(6).build()), "inputSize must be at least 1");
        assertMentions(message(() -> Recurrent.builder().inputSize(4).hiddenSize(6).dropout(1f).build()), "dropout must be in [0, 1)");
        assertMentions(message(() -> CellSpec.lstm().withCellClip(-1f)), "cellClip");
        assertMentions(message(() -> SequenceModel.builder().inputSize(4).hiddenSize(6).build()), "outputSize");
    }

    @Test
    void layersTooLargeForJavaArraysAreRejectedBeforeAllocating() {
        assertMentions(message(() -> Recurrent.builder().cell(CellSpec.rnnTanh()).inputSize(65536).hiddenSize(65536).build()),
                "weight_ih_l0", "more values than one Java array");
        Recurrent lstm = Recurrent.builder().inputSize(2).hiddenSize(1024).build();
        assertMentions(message(() -> lstm.forward(Tensor.zeros(256, 2100, 2))), "gate buffer", "2100 × 256 × 4096",
                "smaller batches");
    }

    @Test
    void dropoutWithASingleLayerIsRejected() {
        assertMentions(message(() -> Recurrent.builder().inputSize(4).hiddenSize(6).dropout(0.2f).build()),
                "between stacked layers", "numLayers = 1");
    }

    @Test
    void windowsOfABidirectionalNetworkAreRefused() {
        Recurrent bi = Recurrent.builder().inputSize(4).hiddenSize(6).bidirectional(true).build();
        String m = assertThrows(IllegalStateException.class,
                () -> bi.forward(Tensor.zeros(2, 3, 4), Sequences.of(new int[]{3, 0}).window(0), null)).getMessage();
        assertMentions(m, "bidirectional", "whole sequences");
    }

    @Test
    void timestampsOfTheWrongSizeNonFiniteOrGoingBackwardsAreRejected() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertMentions(message(() -> net.forward(x, Sequences.of(null, new double[5]), null)), "times", "(2, 3) = 6",
                "got 5");
        assertMentions(message(() -> net.forward(x, Sequences.of(null, new double[]{0, 1, Double.NaN, 0, 1, 2}), null)),
                "NaN", "[0, 2]");
        assertMentions(message(() -> net.forward(x, Sequences.of(null, new double[]{0, 1, 2, 0, 3, 2.5}), null)),
                "times go backwards in sequence 1", "step 2 is at 2.5", "step 1 at 3.0");
        // padding may hold anything
        net.forward(x, Sequences.of(new int[]{3, 2}, new double[]{0, 1, 2, 0, 3, -7}), null);
        RecurrentStream stream = net.stream(1);
        stream.step(Tensor.zeros(1, 4), new double[]{5.0});
        assertMentions(message(() -> stream.step(Tensor.zeros(1, 4), new double[]{4.0})), "times go backwards in stream 0");
    }

    @Test
    void streamingABidirectionalNetworkIsRefused() {
        Recurrent bi = Recurrent.builder().inputSize(4).hiddenSize(6).bidirectional(true).build();
        String m = assertThrows(IllegalStateException.class, () -> bi.stream(1)).getMessage();
        assertMentions(m, "bidirectional", "cannot stream");
    }
}
