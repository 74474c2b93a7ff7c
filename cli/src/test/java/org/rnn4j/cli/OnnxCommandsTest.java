package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;
import org.rnn4j.io.Npz;
import org.rnn4j.io.Provenance;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rnn4j export} and {@code rnn4j convert} with ONNX files: a model exported and converted back keeps every
 * bit; a PyTorch export converted and run by {@code predict} gives PyTorch's outputs (the onnx module's committed
 * fixture); a bad opset and a file that is not ONNX are refused with nothing written.
 */
class OnnxCommandsTest {

    private static final Path PYTORCH = Path.of("../onnx/src/test/resources/fixtures/pytorch");

    @TempDir
    Path dir;

    @Test
    void exportThenConvertBackKeepsEveryBit() throws IOException {
        SequenceModel m = SequenceModel.builder().cell(CellSpec.lstm().withPeepholes(true)).inputSize(3).hiddenSize(5)
                .numLayers(2).head(Head.EVERY_STEP).outputSize(2).seed(4).build();
        Path model = dir.resolve("m.rnn4j");
        ModelFile.save(model, m, Provenance.current(4, "onnx commands test"));
        Path onnx = dir.resolve("m.onnx");
        MainTest.Result r = MainTest.rnn4j("export", model.toString(), onnx.toString(), "--opset", "15");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("opset 15"), r.out());
        Path back = dir.resolve("back.rnn4j");
        r = MainTest.rnn4j("convert", onnx.toString(), back.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(m.parameters().values(), ModelFile.load(back).model().parameters().values());
        assertEquals(m.config(), ModelFile.load(back).model().config());
    }

    @Test
    void aPytorchExportConvertedAndPredictedGivesPytorchsOutputs() throws IOException {
        Path model = dir.resolve("torch.rnn4j");
        MainTest.Result r = MainTest.rnn4j("convert", PYTORCH.resolve("lstm_1layer_last_y.onnx").toString(),
                model.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, NpyArray> io = Npz.read(PYTORCH.resolve("lstm_1layer_last_y.npz"));
        Path x = dir.resolve("x.npy");
        Npy.write(x, io.get("x"));
        Path y = dir.resolve("y.npy");
        r = MainTest.rnn4j("predict", model.toString(), "-i", x.toString(), "-o", y.toString());
        assertEquals(0, r.code(), r.err());
        float[] expected = io.get("y").toFloatArray();
        float[] actual = Npy.read(y).toFloatArray();
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5, "y[" + i + "]");
        }
    }

    @Test
    void badInputIsRefusedWithNothingWritten() throws IOException {
        SequenceModel m = SequenceModel.builder().cell(CellSpec.gru()).inputSize(2).hiddenSize(3)
                .head(Head.LAST_STEP).outputSize(1).build();
        Path model = dir.resolve("g.rnn4j");
        ModelFile.save(model, m, Provenance.current(1, "onnx commands test"));
        Path never = dir.resolve("never.onnx");
        MainTest.Result r = MainTest.rnn4j("export", model.toString(), never.toString(), "--opset", "9");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--opset must be in 14..21, got 9"), r.err());
        Path notOnnx = dir.resolve("text.onnx");
        Files.writeString(notOnnx, "this is not a protobuf file\n");
        Path out = dir.resolve("never.rnn4j");
        r = MainTest.rnn4j("convert", notOnnx.toString(), out.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("text.onnx") && r.err().strip().lines().count() <= 3, r.err());
        assertFalse(Files.exists(never) || Files.exists(out));
    }

    @Test
    void exportRefusesAnOutputThatIsNotOnnxSoTheModelFileSurvives() throws IOException {
        SequenceModel m = SequenceModel.builder().cell(CellSpec.gru()).inputSize(2).hiddenSize(3)
                .head(Head.LAST_STEP).outputSize(1).build();
        Path model = dir.resolve("g.rnn4j");
        ModelFile.save(model, m, Provenance.current(1, "onnx commands test"));
        byte[] before = Files.readAllBytes(model);
        MainTest.Result r = MainTest.rnn4j("export", model.toString(), model.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("rnn4j export: OUT must be an .onnx file, got " + model), r.err());
        assertArrayEquals(before, Files.readAllBytes(model), "the model file is untouched");

        Path nowhere = dir.resolve("no-such-dir").resolve("g.onnx");
        r = MainTest.rnn4j("export", model.toString(), nowhere.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("rnn4j export: cannot write " + nowhere + ": the directory " + nowhere.getParent()
                + " does not exist", r.err().strip());
        assertEquals("", r.out());
    }

    @Test
    void aTruncatedOrUnsupportedOnnxFileGetsOneLineOnStderrAndLeavesTheOutputAlone() throws IOException {
        SequenceModel m = SequenceModel.builder().cell(CellSpec.lstm()).inputSize(3).hiddenSize(4)
                .head(Head.EVERY_STEP).outputSize(2).seed(2).build();
        Path model = dir.resolve("m.rnn4j");
        ModelFile.save(model, m, Provenance.current(2, "onnx commands test"));
        Path onnx = dir.resolve("m.onnx");
        assertEquals(0, MainTest.rnn4j("export", model.toString(), onnx.toString()).code());
        byte[] whole = Files.readAllBytes(onnx);
        Path truncated = dir.resolve("truncated.onnx");
        Path out = dir.resolve("existing.rnn4j");
        Files.writeString(out, "a file the failed conversion must not replace");
        for (int n : new int[]{1, 40, whole.length / 2, whole.length - 1}) {
            Files.write(truncated, java.util.Arrays.copyOf(whole, n));
            MainTest.Result r = MainTest.rnn4j("convert", truncated.toString(), out.toString());
            assertEquals(1, r.code(), n + " bytes: " + r.err());
            assertEquals("", r.out(), n + " bytes");
            assertEquals(1, r.err().strip().lines().count(), n + " bytes: " + r.err());
            assertTrue(r.err().startsWith("rnn4j convert: " + truncated), n + " bytes: " + r.err());
            assertEquals("a file the failed conversion must not replace", Files.readString(out), n + " bytes");
        }
        // a Softmax after the head (PyTorch export): the node and its operator are named
        MainTest.Result r = MainTest.rnn4j("convert", PYTORCH.resolve("gru_2layer_h_n_softmax.onnx").toString(),
                out.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("node '/softmax/Softmax' (Softmax)"), r.err());
        // an attribute rnn4j cannot map: named with its value
        r = MainTest.rnn4j("convert", PYTORCH.resolve("lstm_2layer_every_clip.onnx").toString(), out.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("(LSTM) has attribute clip = 3.0"), r.err());
        assertEquals("a file the failed conversion must not replace", Files.readString(out));
    }
}
