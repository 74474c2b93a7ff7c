package org.rnn4j.testutil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TorchFixtureTest {

    private static final Set<String> DATA_TENSORS = Set.of("x", "h0", "c0", "y", "h_n", "c_n", "Ry", "Rh", "Rc");

    @ParameterizedTest
    @ValueSource(strings = {
            "rnn_tanh_1layer", "rnn_relu_2layer_bidir", "lstm_1layer", "lstm_2layer_bidir",
            "lstm_proj_2layer_bidir", "lstm_proj_1layer", "gru_1layer", "gru_2layer_bidir",
            "lstm_2layer_bidir_packed", "gru_1layer_packed", "rnn_tanh_2layer_bidir_packed"})
    void everyCaseIsConsistent(String caseName) {
        TorchFixture f = TorchFixture.load(caseName);
        String kind = f.config("kind");
        boolean lstm = kind.equals("LSTM");
        int in = f.configInt("input_size");
        int hidden = f.configInt("hidden_size");
        int layers = f.configInt("num_layers");
        int dirs = f.configBool("bidirectional") ? 2 : 1;
        int proj = f.configInt("proj_size");
        int batch = f.configInt("batch");
        int steps = f.configInt("steps");
        int r = proj > 0 ? proj : hidden;
        int gates = switch (kind) {
            case "RNN" -> 1;
            case "LSTM" -> 4;
            case "GRU" -> 3;
            default -> throw new AssertionError("unknown kind " + kind);
        };
        assertEquals(kind.equals("RNN"), kindHasNonlinearity(f), "nonlinearity only for RNN");

        for (String name : f.tensorNames()) {
            assertEquals(product(f.shape(name)), f.tensor(name).length, name + ": shape vs value count");
        }

        assertArrayEquals(new int[] {batch, steps, in}, f.shape("x"));
        assertArrayEquals(new int[] {layers * dirs, batch, r}, f.shape("h0"));
        assertArrayEquals(new int[] {batch, steps, r * dirs}, f.shape("y"));
        assertArrayEquals(f.shape("y"), f.shape("Ry"));
        assertArrayEquals(new int[] {layers * dirs, batch, r}, f.shape("h_n"));
        assertArrayEquals(f.shape("h_n"), f.shape("Rh"));
        assertEquals(lstm, f.has("c0"));
        assertEquals(lstm, f.has("c_n"));
        assertEquals(lstm, f.has("Rc"));
        if (lstm) {
            assertArrayEquals(new int[] {layers * dirs, batch, hidden}, f.shape("c0"));
            assertArrayEquals(f.shape("c0"), f.shape("c_n"));
            assertArrayEquals(f.shape("c0"), f.shape("Rc"));
        }

        List<String> params = new ArrayList<>();
        for (String name : f.tensorNames()) {
            if (!name.startsWith("grad.") && !DATA_TENSORS.contains(name)) {
                params.add(name);
            }
        }
        int perDirection = 4 + (proj > 0 ? 1 : 0);
        assertEquals(layers * dirs * perDirection, params.size(), "parameters " + params);
        for (String p : params) {
            assertTrue(f.has("grad." + p), "missing grad." + p);
            assertArrayEquals(f.shape(p), f.shape("grad." + p), "grad." + p);
        }
        for (String g : List.of("x", "h0")) {
            assertArrayEquals(f.shape(g), f.shape("grad." + g), "grad." + g);
        }
        if (lstm) {
            assertArrayEquals(f.shape("c0"), f.shape("grad.c0"));
        }
        for (String name : f.tensorNames()) {
            if (name.startsWith("grad.")) {
                assertTrue(f.has(name.substring(5)), name + " without its tensor");
            }
        }

        for (int l = 0; l < layers; l++) {
            int layerIn = l == 0 ? in : r * dirs;
            for (int d = 0; d < dirs; d++) {
                String sfx = "_l" + l + (d == 1 ? "_reverse" : "");
                assertArrayEquals(new int[] {gates * hidden, layerIn}, f.shape("weight_ih" + sfx));
                assertArrayEquals(new int[] {gates * hidden, r}, f.shape("weight_hh" + sfx));
                assertArrayEquals(new int[] {gates * hidden}, f.shape("bias_ih" + sfx));
                assertArrayEquals(new int[] {gates * hidden}, f.shape("bias_hh" + sfx));
                assertEquals(proj > 0, f.has("weight_hr" + sfx));
                if (proj > 0) {
                    assertArrayEquals(new int[] {proj, hidden}, f.shape("weight_hr" + sfx));
                }
            }
        }

        int[] lengths = f.lengths();
        if (caseName.endsWith("_packed")) {
            assertArrayEquals(new int[] {5, 2, 4}, lengths);
            float[] y = f.tensor("y");
            int width = r * dirs;
            for (int b = 0; b < batch; b++) {
                for (int t = lengths[b]; t < steps; t++) {
                    for (int j = 0; j < width; j++) {
                        assertEquals(0f, y[(b * steps + t) * width + j], "y past length, b=" + b + " t=" + t);
                    }
                }
            }
        } else {
            assertNull(lengths);
        }
    }

    private static boolean kindHasNonlinearity(TorchFixture f) {
        try {
            String v = f.config("nonlinearity");
            assertTrue(v.equals("tanh") || v.equals("relu"), v);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void parsesAMinimalFile() {
        TorchFixture f = TorchFixture.parse("mini.txt", List.of(
                "# comment",
                "config kind=GRU batch=2 bidirectional=true lengths=3,1",
                "",
                "tensor a 2 2 3",
                "1 2 3 4 5 -6.5e-3",
                "tensor s 0",
                "42"));
        assertEquals("GRU", f.config("kind"));
        assertEquals(2, f.configInt("batch"));
        assertTrue(f.configBool("bidirectional"));
        assertArrayEquals(new int[] {3, 1}, f.lengths());
        assertArrayEquals(new int[] {2, 3}, f.shape("a"));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5e-3f}, f.tensor("a"));
        assertArrayEquals(new int[0], f.shape("s"));
        assertArrayEquals(new float[] {42}, f.tensor("s"));
        assertEquals(List.of("a", "s"), List.copyOf(f.tensorNames()));
        assertFalse(f.has("b"));
    }

    @Test
    void wrongValueCountNamesTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                TorchFixture.parse("bad.txt", List.of("config kind=RNN", "tensor a 2 2 2", "1 2 3")));
        assertMessage(e, "bad.txt", "line 3", "'a'", "4 values", "has 3");
    }

    @Test
    void nonNumericValueNamesTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                TorchFixture.parse("bad.txt", List.of("config kind=RNN", "# c", "tensor a 1 2", "1 x2")));
        assertMessage(e, "bad.txt", "line 4", "value 1", "'x2'");
    }

    @Test
    void badHeaderNamesTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                TorchFixture.parse("bad.txt", List.of("config kind=RNN", "tensor a 3 2 2", "1 2 3 4")));
        assertMessage(e, "bad.txt", "line 2", "declares 3 dims but lists 2");
        e = assertThrows(IllegalArgumentException.class, () ->
                TorchFixture.parse("bad.txt", List.of("config kind=RNN", "tensor a 1 -2", "")));
        assertMessage(e, "bad.txt", "line 2", "dim 0", "'-2'");
    }

    @Test
    void otherMalformedLinesAreRejected() {
        assertMessage(assertThrows(IllegalArgumentException.class, () ->
                TorchFixture.parse("bad.txt", List.of("config kind=RNN", "tensor a 1 2"))),
                "bad.txt", "line 2", "no value line");
        assertMessage(assertThrows(IllegalArgumentException.class, () ->
                TorchFixture.parse("bad.txt", List.of("config kind=RNN", "tensr a 1 2", "1 2"))),
                "bad.txt", "line 2", "'tensr a 1 2'");
        assertMessage(assertThrows(IllegalArgumentException.class, () ->
                TorchFixture.parse("bad.txt", List.of("config kind", "tensor a 1 1", "1"))),
                "bad.txt", "line 1", "'kind'");
        assertMessage(assertThrows(IllegalArgumentException.class, () ->
                TorchFixture.parse("bad.txt", List.of("config a=1", "tensor a 1 1", "1", "tensor a 1 1", "2"))),
                "bad.txt", "line 4", "defined twice");
        assertMessage(assertThrows(IllegalArgumentException.class, () ->
                TorchFixture.parse("bad.txt", List.of("tensor a 1 1", "1"))),
                "bad.txt", "no config line");
    }

    @Test
    void missingTensorOrKeyOrCaseIsReported() {
        TorchFixture f = TorchFixture.parse("ok.txt", List.of("config kind=RNN steps=x", "tensor a 1 1", "1"));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> f.tensor("b")), "ok.txt", "'b'");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> f.shape("b")), "ok.txt", "'b'");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> f.config("batch")), "ok.txt", "'batch'");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> f.configInt("steps")), "ok.txt", "steps=x");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> f.configBool("kind")), "ok.txt", "kind=RNN");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> TorchFixture.load("no_such_case")),
                "/fixtures/torch/no_such_case.txt", "not found");
    }

    private static void assertMessage(IllegalArgumentException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }

    private static int product(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
