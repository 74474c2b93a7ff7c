package org.rnn4j.onnx;

import org.junit.jupiter.api.Test;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.LstmSpec;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.param.ParamView;
import org.rnn4j.tensor.Tensor;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The comparison with ONNX Runtime can fail: in the test's setting every parameter, and the cell clipping, moves the
 * outputs by far more than the tolerance, so an export that dropped or misplaced one would be caught.
 */
class ExportSensitivityTest {

    private static float[] infer(SequenceModel m, CellSpec cell) {
        float[] x = Models.input(11);
        double[] times = Models.timed(cell) ? Models.times(12) : null;
        return m.infer(Tensor.of(x, Models.BATCH, Models.STEPS, Models.FEATURES), Sequences.of(Models.LENGTHS, times),
                null).data();
    }

    private static double maxDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void everyParameterOfEveryCellMovesTheOutputsBeyondTheTolerance() {
        for (Map.Entry<String, CellSpec> e : Models.CELLS.entrySet()) {
            SequenceModel m = Models.random(e.getValue(), 2, true, Head.EVERY_STEP, 3);
            float[] base = infer(m, e.getValue());
            float[] w = m.parameters().values();
            for (ParamView v : m.parameters().layout().views()) {
                float[] saved = m.parameters().get(v.name());
                for (int i = v.offset(); i < v.offset() + v.size(); i++) {
                    w[i] += 0.05f * (i % 2 == 0 ? 1 : -1) + 0.02f;
                }
                double d = maxDiff(base, infer(m, e.getValue()));
                m.parameters().set(v.name(), saved);
                assertTrue(d > 10 * ExportMatchesOnnxRuntimeTest.TOLERANCE, e.getKey() + ": changing " + v.name()
                        + " moves the outputs by only " + d);
            }
        }
    }

    @Test
    void cellClippingMovesTheOutputsBeyondTheTolerance() {
        for (Map.Entry<String, CellSpec> e : Models.CELLS.entrySet()) {
            if (e.getValue() instanceof LstmSpec l && l.cellClip() > 0) {
                SequenceModel clipped = Models.random(l, 1, false, Head.EVERY_STEP, 3);
                SequenceModel free = Models.random(l.withCellClip(0f), 1, false, Head.EVERY_STEP, 3);
                double d = maxDiff(infer(clipped, l), infer(free, l));
                assertTrue(d > 10 * ExportMatchesOnnxRuntimeTest.TOLERANCE, e.getKey() + ": the clip moves the"
                        + " outputs by only " + d);
            }
        }
    }
}
