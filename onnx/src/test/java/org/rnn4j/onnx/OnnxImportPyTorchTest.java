package org.rnn4j.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.io.NpyArray;
import org.rnn4j.io.Npz;
import org.rnn4j.nn.GruSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models exported by PyTorch 1.13's ONNX exporter (scripts/fixtures/make_onnx_fixtures.py): imported, they give
 * PyTorch's outputs; the files rnn4j cannot map are refused in one sentence naming the node, operator and attribute.
 */
class OnnxImportPyTorchTest {

    static final Path DIR = Path.of("src/test/resources/fixtures/pytorch");

    private static float[] run(SequenceModel m, Tensor x) {
        return m.infer(x).data();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rnn_tanh_1layer_every", "rnn_relu_2layer_bidir_every", "lstm_1layer_last_y",
            "lstm_2layer_every", "lstm_2layer_bidir_h_n", "gru_1layer_bidir_every", "gru_2layer_h_n",
            "gru_1layer_every", "gru_2layer_bidir_h_n_static_opset17"})
    void pytorchExportImportsAndReproducesPyTorchsOutputs(String name) throws Exception {
        OnnxImport.Imported imported = OnnxImport.read(DIR.resolve(name + ".onnx"));
        Map<String, NpyArray> ref = Npz.read(DIR.resolve(name + ".npz"));
        Tensor x = ref.get("x").toTensor();
        float[] y = run(imported.model(), x);
        Compare.maxAbsDiff(name + " against PyTorch", ref.get("y").toFloatArray(), y, 1e-5);
        assertEquals(name.contains("every") ? Head.EVERY_STEP : Head.LAST_STEP, imported.model().config().head());
        assertEquals(name.contains("bidir"), imported.model().config().network().bidirectional());
        assertTrue(imported.producer().startsWith("pytorch"), imported.producer());
        // and ONNX Runtime on the same file agrees
        float[] ort = Ort.run(Files.readAllBytes(DIR.resolve(name + ".onnx")), x.data(), x.dim(0), x.dim(1), x.dim(2),
                null, null);
        Compare.maxAbsDiff(name + " against ONNX Runtime", ort, y, 1e-5);
    }

    /**
     * Newer exporters write PyTorch's GRU with linear_before_reset = 0. rnn4j reads the file as it is written: the
     * original GRU, as ONNX Runtime runs it, which is not PyTorch's output.
     */
    @Test
    void gruWrittenWithLinearBeforeResetZeroIsReadAsTheOriginalFormAsOnnxRuntimeRunsIt() throws Exception {
        Path file = DIR.resolve("gru_1layer_every_linear_before_reset_0.onnx");
        OnnxImport.Imported imported = OnnxImport.read(file);
        assertFalse(((GruSpec) imported.model().config().network().cell()).linearBeforeReset());
        Map<String, NpyArray> ref = Npz.read(DIR.resolve("gru_1layer_every.npz"));
        Tensor x = ref.get("x").toTensor();
        float[] y = run(imported.model(), x);
        float[] ort = Ort.run(Files.readAllBytes(file), x.data(), x.dim(0), x.dim(1), x.dim(2), null, null);
        Compare.maxAbsDiff("GRU with linear_before_reset 0 against ONNX Runtime", ort, y, 1e-5);
        float[] torch = ref.get("y").toFloatArray();
        double max = 0;
        for (int i = 0; i < y.length; i++) {
            max = Math.max(max, Math.abs(y[i] - torch[i]));
        }
        assertTrue(max > 1e-3, "the original form should differ from PyTorch's here, differs by " + max);
        OnnxImport.Imported pytorchForm = OnnxImport.read(DIR.resolve("gru_1layer_every.onnx"));
        assertTrue(((GruSpec) pytorchForm.model().config().network().cell()).linearBeforeReset());
    }

    private static String refusal(String file) {
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImport.read(DIR.resolve(file)));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        assertTrue(m.startsWith(DIR.resolve(file).toString() + ": "), m);
        return m;
    }

    @Test
    void lstmWithClipIsRefusedNamingNodeOperatorAndAttribute() {
        String m = refusal("lstm_2layer_every_clip.onnx");
        assertTrue(m.contains("node '/rnn/LSTM_1' (LSTM) has attribute clip = 3.0"), m);
    }

    @Test
    void softmaxAfterTheHeadIsRefusedNamingNodeAndOperator() {
        String m = refusal("gru_2layer_h_n_softmax.onnx");
        assertTrue(m.contains("node '/softmax/Softmax' (Softmax)"), m);
    }

    @Test
    void bidirectionalHeadOnTheLastStepsOutputIsRefusedNamingTheHeadNode() {
        String m = refusal("lstm_1layer_bidir_last_y.onnx");
        assertTrue(m.contains("node '/fc/Gemm' (Gemm) reads the reverse direction's output at the last step"), m);
    }
}
