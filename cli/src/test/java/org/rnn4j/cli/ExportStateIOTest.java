package org.rnn4j.cli;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Provenance;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.nn.State;
import org.rnn4j.param.ParamView;
import org.rnn4j.tensor.Tensor;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code rnn4j export --state-io}, used as a Java program using ONNX Runtime would: the exported file fed a padded
 * batch in chunks of 1, 3 and the remaining steps, each call given the previous call's h_n and c_n as h0 and c0,
 * gives what rnn4j's forward pass over the whole sequence gives, step for step, and its final states. Without
 * --state-io the command's file gives rnn4j's outputs on the padded batch (the onnx module's
 * ExportMatchesOnnxRuntimeTest checks every cell and option that way, from the exporter's bytes).
 */
class ExportStateIOTest {

    static final double TOLERANCE = 1e-5;
    static final int B = 3;
    static final int T = 9;
    static final int F = 3;
    static final int H = 5;
    static final int[] LENGTHS = {9, 5, 2};   // the third sequence ends in the second chunk, the second in the third
    static final int[] CHUNKS = {1, 3, 5};

    @TempDir
    Path dir;

    static Stream<Arguments> cells() {
        return Stream.of(
                Arguments.of("LSTM", CellSpec.lstm(), Head.EVERY_STEP),
                Arguments.of("LSTM with peepholes and CIFG", CellSpec.lstm().withPeepholes(true).withCifg(true),
                        Head.LAST_STEP),
                Arguments.of("GRU", CellSpec.gru(), Head.EVERY_STEP),
                Arguments.of("GRU, original form", CellSpec.gru().original(), Head.LAST_STEP),
                Arguments.of("LSTMP", CellSpec.lstm().withProjSize(3), Head.EVERY_STEP),
                Arguments.of("Phased LSTM", CellSpec.phasedLstm(), Head.EVERY_STEP),
                Arguments.of("Phased GRU", CellSpec.phasedGru(), Head.LAST_STEP));
    }

    @ParameterizedTest(name = "{0}, head {2}")
    @MethodSource("cells")
    void chunksThroughOnnxRuntimeWithTheStatesCarriedGiveTheWholeSequencesOutputs(String name, CellSpec cell,
                                                                                   Head head) throws Exception {
        int layers = 2;
        SequenceModel model = randomModel(cell, layers, head, 21);
        Path file = dir.resolve("m.rnn4j");
        ModelFile.save(file, model, Provenance.current(21, "export --state-io test"));
        Path onnx = dir.resolve("m.onnx");
        MainTest.Result r = MainTest.rnn4j("export", file.toString(), onnx.toString(), "--state-io");
        assertEquals(0, r.code(), r.err());

        float[] x = gaussian(22, B * T * F);   // (B, T, F)
        boolean timed = cell instanceof org.rnn4j.nn.PhasedLstmSpec || cell instanceof org.rnn4j.nn.PhasedGruSpec;
        double[] times = timed ? times(23) : null;   // (B, T)
        Tensor whole = model.infer(Tensor.of(x, B, T, F), Sequences.of(LENGTHS, times), null);
        State last = model.finalState();
        int rows = layers;
        int rs = model.config().network().outputSizePerDirection();
        boolean lstm = cell.hasCellState();
        int o = model.outputSize();

        try (Chunked ort = new Chunked(onnx)) {
            assertEquals(r.out().lines().skip(1).findFirst().orElse(""), ort.signature(),
                    "the printed inputs and outputs are the file's");
            float[] h = new float[rows * B * rs];         // (layers, B, R) zeros: the start
            float[] c = lstm ? new float[rows * B * H] : null;
            int start = 0;
            float[] y = null;
            for (int len : CHUNKS) {
                Map<String, float[]> out = ort.run(x, times, start, len, h, c, rs);
                y = out.get("y");
                if (head == Head.EVERY_STEP) {   // the chunk's steps of the whole sequence's outputs
                    for (int i = 0; i < B; i++) {
                        for (int s = 0; s < len; s++) {
                            for (int k = 0; k < o; k++) {
                                double want = whole.data()[(i * T + start + s) * o + k];
                                double got = y[(i * len + s) * o + k];
                                if (!(Math.abs(want - got) <= TOLERANCE)) {
                                    fail(name + ": sequence " + i + ", step " + (start + s) + ", output " + k
                                            + ": whole sequence " + want + ", chunked " + got);
                                }
                            }
                        }
                    }
                }
                h = out.get("h_n");
                c = out.get("c_n");
                start += len;
            }
            assertEquals(T, start);
            if (head == Head.LAST_STEP) {
                assertClose(name + ": y of the last chunk", whole.data(), y);
            }
            assertClose(name + ": h_n of the last chunk", last.h().data(), h);
            if (lstm) {
                assertClose(name + ": c_n of the last chunk", last.c().data(), c);
            }

            // the carried states matter: the last chunk from zero states gives other outputs
            Map<String, float[]> fresh = ort.run(x, times, T - CHUNKS[2], CHUNKS[2], new float[rows * B * rs],
                    lstm ? new float[rows * B * H] : null, rs);
            assertTrue(maxDiff(fresh.get("h_n"), h) > 10 * TOLERANCE, name + ": the states made no difference");
        }
    }

    static Stream<Arguments> plain() {
        return Stream.of(
                Arguments.of("BN-LSTM", CellSpec.bnLstm().withMaxSteps(4), 2, true, Head.EVERY_STEP),
                Arguments.of("Phased GRU", CellSpec.phasedGru(), 2, true, Head.LAST_STEP),
                Arguments.of("LSTM with peepholes, CIFG and cell clipping",
                        CellSpec.lstm().withPeepholes(true).withCifg(true).withCellClip(0.4f), 2, true, Head.LAST_STEP),
                Arguments.of("RNN-relu", CellSpec.rnnRelu(), 1, false, Head.EVERY_STEP));
    }

    /** Without --state-io: the command's file, run by ONNX Runtime on the padded batch, gives rnn4j's outputs. */
    @ParameterizedTest(name = "{0}, {2} layer(s), bidirectional {3}, head {4}")
    @MethodSource("plain")
    void theExportedFileRunByOnnxRuntimeGivesRnn4jsOutputs(String name, CellSpec cell, int layers, boolean bidir,
                                                          Head head) throws Exception {
        SequenceModel model = SequenceModel.builder().cell(cell).inputSize(F).hiddenSize(H).numLayers(layers)
                .bidirectional(bidir).head(head).outputSize(2).seed(41).build();
        randomise(model, 41);
        Path file = dir.resolve("p.rnn4j");
        ModelFile.save(file, model, Provenance.current(41, "export test"));
        Path onnx = dir.resolve("p.onnx");
        MainTest.Result r = MainTest.rnn4j("export", file.toString(), onnx.toString());
        assertEquals(0, r.code(), r.err());
        float[] x = gaussian(42, B * T * F);
        boolean timed = cell instanceof org.rnn4j.nn.PhasedLstmSpec || cell instanceof org.rnn4j.nn.PhasedGruSpec;
        double[] times = timed ? times(43) : null;
        float[] expected = model.infer(Tensor.of(x, B, T, F), Sequences.of(LENGTHS, times), null).data();
        try (Chunked ort = new Chunked(onnx)) {
            float[] y = ort.run(x, times, 0, T, null, null, 0).get("y");
            assertClose(name + ": ONNX Runtime on the exported file", expected, y);
        }
    }

    @Test
    void stateIoSignatureNamesTheStatesAndABnLstmIsRefusedWithNothingWritten() throws Exception {
        SequenceModel bn = SequenceModel.builder().cell(CellSpec.bnLstm().withMaxSteps(4)).inputSize(2).hiddenSize(3)
                .head(Head.LAST_STEP).outputSize(1).seed(3).build();
        Path file = dir.resolve("bn.rnn4j");
        ModelFile.save(file, bn, Provenance.current(3, "export --state-io test"));
        Path never = dir.resolve("bn.onnx");
        MainTest.Result r = MainTest.rnn4j("export", file.toString(), never.toString(), "--state-io");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().startsWith("rnn4j export: " + file + ": a BN-LSTM cannot be exported with state inputs"),
                r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(never));
        assertEquals("", r.out());

        r = MainTest.rnn4j("export", file.toString(), never.toString());   // without the option it exports
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(never));
        assertFalse(r.out().contains("h0"), r.out());
    }

    /** The README's example of streaming an export through ONNX Runtime's Java API, run as it stands there. */
    static List<float[][][]> readmeStreaming(String file, List<float[][][]> chunks, int layers, int hidden)
            throws OrtException {
        List<float[][][]> ys = new ArrayList<>();
        // --- README snippet begins ---
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file)) {
            float[][][] h = new float[layers][1][hidden];   // h0 (layers, batch 1, hidden): zeros at the start
            float[][][] c = new float[layers][1][hidden];   // c0, for the LSTMs
            for (float[][][] chunk : chunks) {              // x (batch 1, any number of steps, features)
                try (OnnxTensor x = OnnxTensor.createTensor(env, chunk);
                     OnnxTensor h0 = OnnxTensor.createTensor(env, h);
                     OnnxTensor c0 = OnnxTensor.createTensor(env, c);
                     OrtSession.Result out = session.run(Map.of("x", x, "h0", h0, "c0", c0))) {
                    ys.add((float[][][]) out.get("y").get().getValue());   // (1, steps, outputs)
                    h = (float[][][]) out.get("h_n").get().getValue();     // the next call's h0
                    c = (float[][][]) out.get("c_n").get().getValue();     // and c0
                }
            }
        }
        // --- README snippet ends ---
        return ys;
    }

    @Test
    void theReadmesStreamingExampleGivesTheWholeSequencesOutputs() throws Exception {
        SequenceModel model = randomModel(CellSpec.lstm(), 2, Head.EVERY_STEP, 31);
        Path file = dir.resolve("model.rnn4j");
        ModelFile.save(file, model, Provenance.current(31, "export --state-io test"));
        Path onnx = dir.resolve("model.onnx");
        MainTest.Result r = MainTest.rnn4j("export", file.toString(), onnx.toString(), "--state-io", "--no-lengths");
        assertEquals(0, r.code(), r.err());
        float[] x = gaussian(32, T * F);   // one sequence (1, T, F)
        float[] whole = model.infer(Tensor.of(x, 1, T, F), Sequences.ALL, null).data();   // (1, T, 2)
        List<float[][][]> chunks = new ArrayList<>();
        int start = 0;
        for (int len : CHUNKS) {
            float[][][] chunk = new float[1][len][F];
            for (int s = 0; s < len; s++) {
                System.arraycopy(x, (start + s) * F, chunk[0][s], 0, F);
            }
            chunks.add(chunk);
            start += len;
        }
        List<float[][][]> ys = readmeStreaming(onnx.toString(), chunks, 2, H);
        float[] streamed = new float[whole.length];
        int k = 0;
        for (float[][][] y : ys) {
            for (float[] step : y[0]) {
                for (float v : step) {
                    streamed[k++] = v;
                }
            }
        }
        assertEquals(whole.length, k);
        assertClose("the README's streaming example", whole, streamed);
    }

    @Test
    void theReadmeShowsTheStreamingExampleAsItRuns() throws Exception {
        String source = Files.readString(Path.of("src/test/java/org/rnn4j/cli/ExportStateIOTest.java"));
        String readme = Files.readString(Path.of("../README.md"));
        String snippet = between(source, "// --- README snippet begins ---\n", "        // --- README snippet ends ---");
        String shown = between(readme, "<!-- onnx streaming begins -->\n```java\n", "```\n<!-- onnx streaming ends -->");
        assertEquals(unindented(snippet), unindented(shown), "README's ONNX streaming example differs from the test's");
    }

    private static String between(String text, String start, String end) {
        int i = text.indexOf(start);
        int j = text.indexOf(end, i + start.length());
        assertTrue(i >= 0 && j > i, "markers '" + start.strip() + "' ... '" + end.strip() + "' not found");
        return text.substring(i + start.length(), j);
    }

    /** Lines without their common indentation and trailing blanks. */
    private static String unindented(String block) {
        String[] lines = block.stripTrailing().split("\n");
        int indent = Integer.MAX_VALUE;
        for (String l : lines) {
            if (!l.isBlank()) {
                indent = Math.min(indent, l.length() - l.stripLeading().length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l.isBlank() ? "" : l.substring(indent).stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    // ---- helpers

    /** A session over the exported file, run a chunk of steps at a time. */
    private static final class Chunked implements AutoCloseable {
        final OrtEnvironment env = OrtEnvironment.getEnvironment();
        final OrtSession session;

        Chunked(Path onnx) throws OrtException {
            try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
                opts.setIntraOpNumThreads(1);
                session = env.createSession(onnx.toString(), opts);
            }
        }

        /** The graph's inputs and outputs as rnn4j export prints them. */
        String signature() throws OrtException {
            return "inputs " + describe(session.getInputInfo()) + "; outputs " + describe(session.getOutputInfo());
        }

        private static String describe(Map<String, NodeInfo> infos) {
            List<String> parts = new ArrayList<>();
            for (NodeInfo n : infos.values()) {
                TensorInfo t = (TensorInfo) n.getInfo();
                List<String> dims = new ArrayList<>();
                for (int i = 0; i < t.getShape().length; i++) {
                    dims.add(t.getShape()[i] >= 0 ? Long.toString(t.getShape()[i]) : t.getDimensionNames()[i]);
                }
                String type = switch (t.type) {
                    case FLOAT -> "float";
                    case INT32 -> "int32";
                    case DOUBLE -> "double";
                    default -> t.type.toString();
                };
                parts.add(n.getName() + " " + type + " (" + String.join(", ", dims) + ")");
            }
            return String.join(", ", parts);
        }

        /** Steps [start, start + len) of x (B, T, F) and times (B, T), from states h, c; every output by name. */
        Map<String, float[]> run(float[] x, double[] times, int start, int len, float[] h, float[] c, int rs)
                throws OrtException {
            float[] xs = new float[B * len * F];
            double[] ts = times == null ? null : new double[B * len];
            int[] lengths = new int[B];
            for (int i = 0; i < B; i++) {
                System.arraycopy(x, (i * T + start) * F, xs, i * len * F, len * F);
                if (ts != null) {
                    System.arraycopy(times, i * T + start, ts, i * len, len);
                }
                lengths[i] = Math.max(0, Math.min(len, LENGTHS[i] - start));   // 0 once a sequence has ended
            }
            Map<String, OnnxTensor> in = new HashMap<>();
            try {
                in.put("x", OnnxTensor.createTensor(env, FloatBuffer.wrap(xs), new long[]{B, len, F}));
                in.put("lengths", OnnxTensor.createTensor(env, IntBuffer.wrap(lengths), new long[]{B}));
                if (h != null) {
                    int rows = h.length / (B * rs);
                    in.put("h0", OnnxTensor.createTensor(env, FloatBuffer.wrap(h), new long[]{rows, B, rs}));
                }
                if (c != null) {
                    int rows = c.length / (B * H);
                    in.put("c0", OnnxTensor.createTensor(env, FloatBuffer.wrap(c), new long[]{rows, B, H}));
                }
                if (ts != null) {
                    in.put("times", OnnxTensor.createTensor(env, DoubleBuffer.wrap(ts), new long[]{B, len}));
                }
                try (OrtSession.Result result = session.run(in)) {
                    Map<String, float[]> out = new LinkedHashMap<>();
                    result.forEach(e -> {
                        FloatBuffer buf = ((OnnxTensor) e.getValue()).getFloatBuffer();
                        float[] v = new float[buf.remaining()];
                        buf.get(v);
                        out.put(e.getKey(), v);
                    });
                    return out;
                }
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
        }

        @Override
        public void close() throws OrtException {
            session.close();
        }
    }

    /** Random weights; the time gates' periods, shifts and open ratios in ranges where they open and close. */
    static SequenceModel randomModel(CellSpec cell, int layers, Head head, long seed) {
        SequenceModel model = SequenceModel.builder().cell(cell).inputSize(F).hiddenSize(H).numLayers(layers)
                .head(head).outputSize(2).seed(seed).build();
        randomise(model, seed);
        return model;
    }

    /** Sets every parameter at random; the time gates' and the BN-LSTM's statistics in their ranges. */
    static void randomise(SequenceModel model, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = model.parameters().values();
        for (ParamView v : model.parameters().layout().views()) {
            String n = v.name();
            for (int i = v.offset(); i < v.offset() + v.size(); i++) {
                w[i] = (float) (n.startsWith("tau") ? r.nextDouble(1.0, 3.0)
                        : n.startsWith("shift") ? r.nextDouble(0, 3)
                        : n.startsWith("r_on") ? r.nextDouble(0.3, 0.9)
                        : n.contains("running_var") ? r.nextDouble(0.3, 2.0)
                        : n.contains("gamma") ? r.nextDouble(0.5, 1.5)
                        : 0.6 * r.nextGaussian());
            }
        }
    }

    static float[] gaussian(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** Increasing timestamps with irregular gaps, different in every sequence. */
    static double[] times(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] t = new double[B * T];
        for (int i = 0; i < B; i++) {
            double now = r.nextDouble(0, 2);
            for (int s = 0; s < T; s++) {
                t[i * T + s] = now;
                now += r.nextDouble(0.1, 1.5);
            }
        }
        return t;
    }

    static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= TOLERANCE)) {
                fail(what + ": first mismatch at " + i + ": expected " + expected[i] + ", got " + actual[i]
                        + "; max difference " + maxDiff(expected, actual));
            }
        }
    }
}
