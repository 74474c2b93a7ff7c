package org.rnn4j.onnx;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;


/**
 * Every cell and option, stacked or not, bidirectional or not, with either head: the exported graph run by ONNX
 * Runtime on a padded batch (with asynchronous timestamps for the Phased cells) gives rnn4j's inference outputs
 * within 1e-5.
 */
class ExportMatchesOnnxRuntimeTest {

    static final double TOLERANCE = 1e-5;
    private static final Map<String, Double> MAX_ERROR = new TreeMap<>();

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        long seed = 1;
        for (Map.Entry<String, CellSpec> cell : Models.CELLS.entrySet()) {
            for (int layers : new int[]{1, 2}) {
                for (boolean bidir : new boolean[]{false, true}) {
                    for (Head head : Head.values()) {
                        list.add(Arguments.of(cell.getKey(), layers, bidir, head, seed++));
                    }
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0}, {1} layer(s), bidirectional {2}, {3}")
    @MethodSource("cases")
    void exportRunByOnnxRuntimeGivesRnn4jOutputs(String name, int layers, boolean bidir, Head head, long seed)
            throws Exception {
        CellSpec cell = Models.CELLS.get(name);
        SequenceModel model = Models.random(cell, layers, bidir, head, seed);
        float[] x = Models.input(seed + 100);
        double[] times = Models.timed(cell) ? Models.times(seed + 200) : null;
        int b = Models.BATCH;
        int t = Models.STEPS;
        int f = Models.FEATURES;
        Tensor expected = model.infer(Tensor.of(x, b, t, f), Sequences.of(Models.LENGTHS, times), null);
        byte[] onnx = OnnxExport.toBytes(model, Models.PROVENANCE, null, ExportOptions.DEFAULT);
        float[] actual = Ort.run(onnx, x, b, t, f, Models.LENGTHS, times);
        String what = name + ", " + layers + " layer(s)" + (bidir ? ", bidirectional" : "") + ", " + head;
        double max = Compare.maxAbsDiff(what, expected.data(), actual, TOLERANCE);
        MAX_ERROR.merge(name, max, Math::max);
    }

    @AfterAll
    static void report() {
        MAX_ERROR.forEach((k, v) -> System.out.printf("ONNX Runtime vs rnn4j, %-26s max |difference| %.3g%n", k, v));
    }
}
