package org.rnn4j.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Provenance;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The file-level API the command line uses: model file → ONNX file → model file, and what is refused. */
class OnnxFilesTest {

    @Test
    void modelFileToOnnxAndBackGivesTheSameModelFile(@TempDir Path dir) throws Exception {
        SequenceModel model = Models.random(CellSpec.phasedLstm(), 2, true, Head.LAST_STEP, 41);
        Path rnn4j = dir.resolve("m.rnn4j");
        ModelFile.save(rnn4j, model, Provenance.current(41, "asynchronous sines"));
        ModelFile.Loaded loaded = ModelFile.load(rnn4j);

        Path onnx = dir.resolve("m.onnx");
        OnnxExport.write(onnx, loaded, ExportOptions.DEFAULT);
        OnnxImport.Imported back = OnnxImport.read(onnx);
        Path again = dir.resolve("again.rnn4j");
        ModelFile.save(again, back.model(), back.provenance(), back.data());
        ModelFile.Loaded reloaded = ModelFile.load(again);
        assertEquals(loaded.model().config(), reloaded.model().config());
        assertEquals(loaded.provenance(), reloaded.provenance());
        assertArrayEquals(loaded.model().parameters().values(), reloaded.model().parameters().values());

        float[] x = Models.input(3);
        double[] times = Models.times(4);
        Tensor in = Tensor.of(x, Models.BATCH, Models.STEPS, Models.FEATURES);
        float[] expected = loaded.model().infer(in, Sequences.of(Models.LENGTHS, times), null).data();
        float[] ort = Ort.run(Files.readAllBytes(onnx), x, Models.BATCH, Models.STEPS, Models.FEATURES, Models.LENGTHS,
                times);
        Compare.maxAbsDiff("ONNX Runtime on the written file", expected, ort, ExportMatchesOnnxRuntimeTest.TOLERANCE);
    }

    @Test
    void exportOptionsOutsideTheSupportedOpsetsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExportOptions.DEFAULT.withOpset(13));
        assertTrue(e.getMessage().contains("14 to 21"), e.getMessage());
    }

    @Test
    void everySupportedOpsetRunsInOnnxRuntime() throws Exception {
        for (CellSpec cell : new CellSpec[]{CellSpec.bnLstm().withMaxSteps(3), CellSpec.lstm().withPeepholes(true)
                .withCifg(true), CellSpec.gru().original(), CellSpec.rnnRelu()}) {
            SequenceModel model = Models.random(cell, 2, true, Head.EVERY_STEP, 8);
            float[] x = Models.input(5);
            float[] expected = model.infer(Tensor.of(x, Models.BATCH, Models.STEPS, Models.FEATURES),
                    Sequences.of(Models.LENGTHS), null).data();
            for (int opset = OnnxExport.MIN_OPSET; opset <= OnnxExport.MAX_OPSET; opset++) {
                byte[] bytes = OnnxExport.toBytes(model, Models.PROVENANCE, null,
                        ExportOptions.DEFAULT.withOpset(opset));
                float[] ort = Ort.run(bytes, x, Models.BATCH, Models.STEPS, Models.FEATURES, Models.LENGTHS, null);
                Compare.maxAbsDiff(cell.kind() + " at opset " + opset, expected, ort,
                        ExportMatchesOnnxRuntimeTest.TOLERANCE);
            }
        }
    }

    @Test
    void withoutTheLengthsInputEverySequenceHasAllSteps() throws Exception {
        SequenceModel model = Models.random(CellSpec.lstm().withProjSize(2), 2, true, Head.LAST_STEP, 9);
        float[] x = Models.input(6);
        float[] expected = model.infer(Tensor.of(x, Models.BATCH, Models.STEPS, Models.FEATURES)).data();
        byte[] bytes = OnnxExport.toBytes(model, Models.PROVENANCE, null, ExportOptions.DEFAULT.withLengthsInput(false));
        float[] ort = Ort.run(bytes, x, Models.BATCH, Models.STEPS, Models.FEATURES, null, null);
        Compare.maxAbsDiff("no lengths input", expected, ort, ExportMatchesOnnxRuntimeTest.TOLERANCE);
    }

    @Test
    void modelThatCannotBeExportedIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) {
        SequenceModel model = Models.random(CellSpec.gru(), 1, false, Head.LAST_STEP, 2);
        DataSchema wrongWidth = new DataSchema(null, null, List.of(), null, List.of(), List.of(), new float[2],
                new float[]{1f, 1f});
        Path out = dir.resolve("e.onnx");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.write(out, model, Models.PROVENANCE, wrongWidth, ExportOptions.DEFAULT));
        assertTrue(e.getMessage().contains("standardises 2 features, but the model reads 3"), e.getMessage());
        assertFalse(Files.exists(out));
    }
}
