package org.rnn4j.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.nn.BnLstmSpec;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.ModelStream;
import org.rnn4j.nn.RecurrentStream;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.nn.State;
import org.rnn4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ExportOptions#withStateIO}: the graph takes h0 and c0 and returns h_n and c_n. Run by ONNX Runtime from
 * random initial states it gives rnn4j's outputs and final states; fed one step per call with the previous call's
 * states it gives what rnn4j's streams give step by step.
 */
class StateIOExportTest {

    static final double TOLERANCE = ExportMatchesOnnxRuntimeTest.TOLERANCE;

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        long seed = 900;
        for (Map.Entry<String, CellSpec> cell : Models.CELLS.entrySet()) {
            if (cell.getValue() instanceof BnLstmSpec) {
                continue;
            }
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

    static float[] gaussian(long seed, int n, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (scale * r.nextGaussian());
        }
        return v;
    }

    @ParameterizedTest(name = "{0}, {1} layer(s), bidirectional {2}, {3}")
    @MethodSource("cases")
    void fromGivenStatesOnnxRuntimeGivesRnn4jsOutputsAndFinalStates(String name, int layers, boolean bidir,
                                                                     Head head, long seed) throws Exception {
        CellSpec cell = Models.CELLS.get(name);
        SequenceModel model = Models.random(cell, layers, bidir, head, seed);
        int b = Models.BATCH;
        int t = Models.STEPS;
        int f = Models.FEATURES;
        int rows = layers * (bidir ? 2 : 1);
        int r = model.config().network().outputSizePerDirection();
        int h = model.config().network().hiddenSize();
        float[] x = Models.input(seed + 100);
        double[] times = Models.timed(cell) ? Models.times(seed + 200) : null;
        float[] h0 = gaussian(seed + 300, rows * b * r, 0.5);
        float[] c0 = cell.hasCellState() ? gaussian(seed + 400, rows * b * h, 0.5) : null;

        Tensor expected = model.infer(Tensor.of(x, b, t, f), Sequences.of(Models.LENGTHS, times),
                new State(Tensor.of(h0, rows, b, r), c0 == null ? null : Tensor.of(c0, rows, b, h)));
        State last = model.finalState();

        byte[] onnx = OnnxExport.toBytes(model, Models.PROVENANCE, null, ExportOptions.DEFAULT.withStateIO(true));
        List<Ort.Input> in = new ArrayList<>(List.of(new Ort.Input("x", x, b, t, f),
                new Ort.Input("lengths", Models.LENGTHS, b), new Ort.Input("h0", h0, rows, b, r)));
        if (c0 != null) {
            in.add(new Ort.Input("c0", c0, rows, b, h));
        }
        if (times != null) {
            in.add(new Ort.Input("times", times, b, t));
        }
        Map<String, float[]> out = Ort.runAll(onnx, in);
        assertEquals(c0 == null ? List.of("y", "h_n") : List.of("y", "h_n", "c_n"), List.copyOf(out.keySet()));
        String what = name + ", " + layers + " layer(s)" + (bidir ? ", bidirectional" : "") + ", " + head;
        Compare.maxAbsDiff(what + ": y", expected.data(), out.get("y"), TOLERANCE);
        Compare.maxAbsDiff(what + ": h_n", last.h().data(), out.get("h_n"), TOLERANCE);
        if (c0 != null) {
            Compare.maxAbsDiff(what + ": c_n", last.c().data(), out.get("c_n"), TOLERANCE);
        }
        // the initial states matter: from zeros the outputs are others
        float[] zeroStart = model.infer(Tensor.of(x, b, t, f), Sequences.of(Models.LENGTHS, times), null).data();
        double moved = 0;
        for (int i = 0; i < zeroStart.length; i++) {
            moved = Math.max(moved, Math.abs(zeroStart[i] - out.get("y")[i]));
        }
        assertTrue(moved > 10 * TOLERANCE, what + ": the initial states moved y by only " + moved);
    }

    static Stream<Arguments> streamed() {
        return Stream.of(Arguments.of("lstm"), Arguments.of("lstm-peepholes-cifg"), Arguments.of("gru"),
                Arguments.of("rnn-tanh"), Arguments.of("lstmp"), Arguments.of("plstm"));
    }

    /**
     * One step per call, the states passed from call to call, as a runtime that keeps nothing between calls streams:
     * every step's prediction is ModelStream's and every step's h_n top rows RecurrentStream's output.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("streamed")
    void oneStepPerCallWithTheStatesPassedOnGivesRecurrentStreamsSteps(String name) throws Exception {
        CellSpec cell = Models.CELLS.get(name);
        int layers = 2;
        SequenceModel model = Models.random(cell, layers, false, Head.LAST_STEP, 77);
        int b = Models.BATCH;
        int t = Models.STEPS;
        int f = Models.FEATURES;
        int r = model.config().network().outputSizePerDirection();
        int h = model.config().network().hiddenSize();
        float[] x = Models.input(78);   // (B, T, F)
        double[] times = Models.timed(cell) ? Models.times(79) : null;   // (B, T)

        float[][] xs = new float[t][b * f];
        double[][] ts = new double[t][];
        for (int s = 0; s < t; s++) {
            for (int i = 0; i < b; i++) {
                System.arraycopy(x, (i * t + s) * f, xs[s], i * f, f);
            }
            if (times != null) {
                ts[s] = new double[b];
                for (int i = 0; i < b; i++) {
                    ts[s][i] = times[i * t + s];
                }
            }
        }
        float[][] tops = new float[t][];
        RecurrentStream rs = model.recurrent().stream(b);
        for (int s = 0; s < t; s++) {
            tops[s] = rs.step(Tensor.of(xs[s], b, f), ts[s]).data();
        }
        float[][] predictions = new float[t][];
        ModelStream ms = model.stream(b);
        for (int s = 0; s < t; s++) {
            predictions[s] = ms.step(Tensor.of(xs[s], b, f), ts[s]).data();
        }

        byte[] onnx = OnnxExport.toBytes(model, Models.PROVENANCE, null,
                ExportOptions.DEFAULT.withLengthsInput(false).withStateIO(true));
        float[] hs = new float[layers * b * r];
        float[] cs = cell.hasCellState() ? new float[layers * b * h] : null;
        for (int s = 0; s < t; s++) {
            List<Ort.Input> in = new ArrayList<>(List.of(new Ort.Input("x", xs[s], b, 1, f),
                    new Ort.Input("h0", hs, layers, b, r)));
            if (cs != null) {
                in.add(new Ort.Input("c0", cs, layers, b, h));
            }
            if (times != null) {
                in.add(new Ort.Input("times", ts[s], b, 1));
            }
            Map<String, float[]> out = Ort.runAll(onnx, in);
            Compare.maxAbsDiff(name + ", step " + s + ": y", predictions[s], out.get("y"), TOLERANCE);
            hs = out.get("h_n");
            cs = out.get("c_n");
            float[] top = Arrays.copyOfRange(hs, (layers - 1) * b * r, layers * b * r);
            Compare.maxAbsDiff(name + ", step " + s + ": top layer of h_n", tops[s], top, TOLERANCE);
        }
    }

    @Test
    void aModelExportedWithStateIOReadsBackBitForBit() throws Exception {
        for (String name : List.of("lstm", "gru", "lstmp", "pgru")) {
            SequenceModel model = Models.random(Models.CELLS.get(name), 2, true, Head.EVERY_STEP, 5);
            byte[] onnx = OnnxExport.toBytes(model, Models.PROVENANCE, null, ExportOptions.DEFAULT.withStateIO(true));
            OnnxImport.Imported back = OnnxImport.read(onnx, name + ".onnx");
            assertEquals(model.config(), back.model().config(), name);
            assertArrayEquals(model.parameters().values(), back.model().parameters().values(), name);
        }
    }

    @Test
    void aBnLstmWithStateIOIsRefusedWithASentence() {
        SequenceModel model = Models.random(Models.CELLS.get("bnlstm"), 1, false, Head.LAST_STEP, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.toBytes(model,
                Models.PROVENANCE, null, ExportOptions.DEFAULT.withStateIO(true)));
        assertTrue(e.getMessage().startsWith("a BN-LSTM cannot be exported with state inputs"), e.getMessage());
    }
}
