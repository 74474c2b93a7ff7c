package org.rnn4j.onnx;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.param.ParamView;
import org.rnn4j.tensor.Tensor;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A model with an input embedding (feature 0 a token id): ONNX Runtime gives rnn4j's outputs on a padded batch whose
 * padded steps hold ids outside the table, and the export comes back bit for bit.
 */
class EmbeddingExportTest {

    static final int TOKENS = 7;

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "lstmp", "plstm"})
    void embeddingModelRunsInOnnxRuntimeAndComesBackBitForBit(String name) throws Exception {
        CellSpec cell = Models.CELLS.get(name);
        for (Head head : Head.values()) {
            SequenceModel model = SequenceModel.builder().cell(cell).embedding(TOKENS, 4).inputSize(2)
                    .hiddenSize(Models.HIDDEN).numLayers(2).bidirectional(true).head(head).outputSize(3).seed(5)
                    .build();
            SplittableRandom r = new SplittableRandom(17);
            float[] w = model.parameters().values();
            for (ParamView v : model.parameters().layout().views()) {
                if (v.name().startsWith("tau") || v.name().startsWith("shift") || v.name().startsWith("r_on")) {
                    continue;   // keep the time gate's initial periods and ratios
                }
                for (int i = v.offset(); i < v.offset() + v.size(); i++) {
                    w[i] = (float) (0.6 * r.nextGaussian());
                }
            }
            int b = Models.BATCH;
            int t = Models.STEPS;
            float[] x = new float[b * t * 2];
            for (int s = 0; s < b; s++) {
                for (int k = 0; k < t; k++) {
                    int row = s * t + k;
                    x[2 * row] = k < Models.LENGTHS[s] ? r.nextInt(TOKENS) : (k % 2 == 0 ? -3.7f : 1e6f);
                    x[2 * row + 1] = (float) r.nextGaussian();
                }
            }
            double[] times = Models.timed(cell) ? Models.times(3) : null;
            float[] expected = model.infer(Tensor.of(x, b, t, 2), Sequences.of(Models.LENGTHS, times), null).data();
            byte[] onnx = OnnxExport.toBytes(model, Models.PROVENANCE, null, ExportOptions.DEFAULT);
            float[] ort = Ort.run(onnx, x, b, t, 2, Models.LENGTHS, times);
            Compare.maxAbsDiff(name + " with an embedding, " + head, expected, ort,
                    ExportMatchesOnnxRuntimeTest.TOLERANCE);

            OnnxImport.Imported back = OnnxImport.read(onnx, name + ".onnx");
            assertEquals(model.config(), back.model().config());
            assertArrayEquals(model.parameters().values(), back.model().parameters().values());
        }
    }
}
