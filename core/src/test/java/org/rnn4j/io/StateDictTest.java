package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.nn.State;
import org.rnn4j.param.Parameters;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.testutil.TorchFixture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StateDict}: PyTorch's own parameter arrays (from the agreement fixtures) load by name and give PyTorch's
 * outputs; a save and load round trip keeps every bit; missing, unexpected and mis-shaped arrays are refused with
 * their names, a transposed matrix included, and a refused load changes nothing.
 */
class StateDictTest {

    /** The fixture's PyTorch parameters, by PyTorch's names: every tensor that has a gradient beside it. */
    private static Map<String, NpyArray> torchStateDict(TorchFixture f) {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        for (String t : f.tensorNames()) {
            if (t.startsWith("grad.") && f.has(t.substring(5)) && !t.equals("grad.x") && !t.startsWith("grad.h0")
                    && !t.startsWith("grad.c0")) {
                String name = t.substring(5);
                arrays.put(name, NpyArray.ofFloats(f.tensor(name), f.shape(name)));
            }
        }
        return arrays;
    }

    private static Recurrent lstm2LayerBidirectional() {
        return Recurrent.builder().cell(CellSpec.lstm()).inputSize(3).hiddenSize(5).numLayers(2).bidirectional(true)
                .seed(9).compute(Compute.serial(Kernels.scalar())).build();
    }

    @Test
    void pytorchParametersLoadByNameAndGivePytorchsOutputs() {
        TorchFixture f = TorchFixture.load("lstm_2layer_bidir");
        Recurrent net = Recurrent.builder().cell(CellSpec.lstm()).inputSize(f.configInt("input_size"))
                .hiddenSize(f.configInt("hidden_size")).numLayers(f.configInt("num_layers"))
                .bidirectional(f.configBool("bidirectional")).seed(9).compute(Compute.serial(Kernels.scalar())).build();
        Map<String, NpyArray> sd = torchStateDict(f);
        assertEquals(16, sd.size(), "weights and biases of 2 layers x 2 directions: " + sd.keySet());
        StateDict.Result r = StateDict.load(net.parameters(), sd, true);
        assertEquals(List.of(), r.missing());
        assertEquals(List.of(), r.unexpected());
        assertEquals(sd.size(), r.loaded().size());
        Tensor x = Tensor.of(f.tensor("x"), f.shape("x"));
        Tensor h0 = Tensor.of(f.tensor("h0"), f.shape("h0"));
        Tensor c0 = Tensor.of(f.tensor("c0"), f.shape("c0"));
        float[] y = net.forward(x, Sequences.of(f.lengths()), new State(h0, c0)).output().data();
        float[] expected = f.tensor("y");
        assertEquals(expected.length, y.length);
        for (int i = 0; i < y.length; i++) {
            assertEquals(expected[i], y[i], 2e-6 + 1e-5 * Math.abs(expected[i]), "y[" + i + "]");
        }
    }

    @Test
    void aSavedStateDictLoadsBackBitForBit(@TempDir Path dir) throws IOException {
        SequenceModel a = SequenceModel.builder().cell(CellSpec.lstm().withPeepholes(true).withProjSize(3))
                .inputSize(4).hiddenSize(6).numLayers(2).head(Head.EVERY_STEP).outputSize(2).seed(1).build();
        SequenceModel b = SequenceModel.builder().cell(CellSpec.lstm().withPeepholes(true).withProjSize(3))
                .inputSize(4).hiddenSize(6).numLayers(2).head(Head.EVERY_STEP).outputSize(2).seed(2).build();
        Path npz = dir.resolve("m.npz");
        StateDict.save(npz, a.parameters());
        assertTrue(Npz.read(npz).containsKey("weight_hr_l1") && Npz.read(npz).containsKey("head.weight"));
        StateDict.Result r = StateDict.load(b.parameters(), npz);
        assertEquals(a.parameters().layout().views().size(), r.loaded().size());
        assertArrayEquals(a.parameters().values(), b.parameters().values());
    }

    @Test
    void strictLoadRefusesMissingAndUnexpectedArraysAndChangesNothing() {
        Recurrent net = lstm2LayerBidirectional();
        Map<String, NpyArray> sd = StateDict.of(lstm2LayerBidirectional().parameters());
        Parameters p = net.parameters();
        float[] before = p.values().clone();
        sd.replaceAll((name, a) -> NpyArray.ofFloats(new float[a.size()], a.shape()));   // all zeros
        sd.remove("bias_hh_l1_reverse");
        sd.put("weight_ih_l2", NpyArray.ofFloats(new float[20 * 10], 20, 10));
        StateDict.MismatchException e = assertThrows(StateDict.MismatchException.class,
                () -> StateDict.load(p, sd, true));
        assertEquals(List.of("bias_hh_l1_reverse"), e.missing());
        assertEquals(List.of("weight_ih_l2"), e.unexpected());
        assertTrue(e.getMessage().contains("bias_hh_l1_reverse") && e.getMessage().contains("weight_ih_l2"),
                e.getMessage());
        assertArrayEquals(before, p.values(), "a refused load changes nothing");

        StateDict.Result r = StateDict.load(p, sd, false);
        assertEquals(List.of("bias_hh_l1_reverse"), r.missing());
        assertEquals(List.of("weight_ih_l2"), r.unexpected());
        assertEquals(0f, p.get("weight_ih_l0")[0], "the others are loaded");
        float[] kept = p.get("bias_hh_l1_reverse");
        float[] original = lstm2LayerBidirectional().parameters().get("bias_hh_l1_reverse");
        assertArrayEquals(original, kept, "a missing parameter keeps its value");
    }

    @Test
    void aTransposedMatrixIsRefusedEvenThoughItHoldsAsManyValues() {
        Recurrent net = lstm2LayerBidirectional();
        Parameters p = net.parameters();
        float[] before = p.values().clone();
        Map<String, NpyArray> sd = StateDict.of(lstm2LayerBidirectional().parameters());
        NpyArray w = sd.get("weight_ih_l0");   // (20, 3)
        sd.put("weight_ih_l0", NpyArray.ofFloats(w.toFloatArray(), w.shape()[1], w.shape()[0]));
        for (boolean strict : new boolean[] {true, false}) {
            StateDict.MismatchException e = assertThrows(StateDict.MismatchException.class,
                    () -> StateDict.load(p, sd, strict));
            assertEquals(1, e.misShaped().size(), e.getMessage());
            assertTrue(e.getMessage().contains("weight_ih_l0: the array has shape (3, 20), the model needs (20, 3)"),
                    e.getMessage());
            assertArrayEquals(before, p.values());
        }
    }

    @Test
    void aFileThatDoesNotFitIsNamedInTheMessage(@TempDir Path dir) throws IOException {
        Path npz = dir.resolve("other.npz");
        StateDict.save(npz, Recurrent.builder().cell(CellSpec.gru()).inputSize(3).hiddenSize(5).seed(1).build()
                .parameters());
        StateDict.MismatchException e = assertThrows(StateDict.MismatchException.class,
                () -> StateDict.load(lstm2LayerBidirectional().parameters(), npz));
        assertTrue(e.getMessage().startsWith(npz.toString()), e.getMessage());
        assertTrue(e.misShaped().size() == 4 && e.missing().size() == 12, e.getMessage());
    }
}
