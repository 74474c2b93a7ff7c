package org.rnn4j.onnx;

import org.rnn4j.Version;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Provenance;
import org.rnn4j.nn.BnLstmSpec;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.GruSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.LstmSpec;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.PhasedGruSpec;
import org.rnn4j.nn.PhasedLstmSpec;
import org.rnn4j.nn.RecurrentConfig;
import org.rnn4j.nn.RnnSpec;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.param.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the ONNX graph of a {@link SequenceModel} for inference (no dropout, the Phased gates' leak 0, the
 * BN-LSTM's running statistics). Shapes: B batch, T steps, F input features, H hidden, R = P or H the output of a
 * direction, D directions, G gates.
 *
 * <pre>
 * x (B, T, F) ─[ (x − mean) / std ]─ Transpose → (T, B, F)
 *   standard cells, one node per layer:  RNN | LSTM | GRU → Y (T, D, B, H) → Transpose, Reshape → (T, B, D·H)
 *   other cells, per layer and direction: input projection for all steps (one MatMul) → Scan over the steps,
 *                                         body = one step of the cell from standard operators → (T, B, R); Concat
 * head:  every step  Transpose → (B, T, D·R) · head.weightᵀ + head.bias → y (B, T, O)
 *        last step   final states (B, D·R) → Gemm with head.weight, head.bias → y (B, O)
 * </pre>
 *
 * The graph takes batch-first input and transposes it, since ONNX Runtime refuses {@code layout = 1} for the
 * recurrent operators. Padded steps (past a sequence's {@code lengths}) leave the state alone and output 0, as in
 * rnn4j; the standard operators get the lengths as {@code sequence_lens}, the Scan bodies as a mask.
 */
final class Exporter {

    /** Metadata key of the model's description (config, provenance, data) as JSON. */
    static final String META_MODEL = "rnn4j.model";

    private static final int FLOAT = Fields.Tensor.FLOAT;

    private final ModelConfig config;
    private final RecurrentConfig net;
    private final Parameters params;
    private final ExportOptions options;
    private final GraphBuilder g = new GraphBuilder();

    // shared values, made when first needed
    private String shape;      // Shape(x) (3)
    private String batch1;     // (1) B
    private String steps;      // () T
    private String mask;       // (T, B, 1) bool: step t of sequence b is valid
    private String ended;      // (1, B, 1) bool: sequence b has no step in this call (length 0)
    private String stepIndex;  // (T) 0 … T−1
    private String timesTb;    // (T, B, 1) double
    private final Map<Integer, String> zeroStates = new java.util.HashMap<>();   // width → (B, width) zeros
    // with state inputs: each layer's (standard) or layer-direction's (Scan) final states, (D, B, ·) or (1, B, ·)
    private final List<String> finalH = new ArrayList<>();
    private final List<String> finalC = new ArrayList<>();

    private Exporter(SequenceModel model, ExportOptions options) {
        this.config = model.config();
        this.net = config.network();
        this.params = model.parameters();
        this.options = options;
    }

    /** Whether the cell maps onto ONNX's own RNN, LSTM or GRU operator. */
    static boolean standard(CellSpec cell) {
        return cell instanceof RnnSpec || cell instanceof GruSpec
                || cell instanceof LstmSpec l && l.projSize() == 0 && l.cellClip() == 0f;
    }

    static Ir.Model build(SequenceModel model, Provenance provenance, DataSchema data, ExportOptions options) {
        int f = model.config().inputSize();
        if (data != null && data.standardized() && data.mean().length != f) {
            throw new IllegalArgumentException("the data schema standardises " + data.mean().length + " features, but"
                    + " the model reads " + f + " per step");
        }
        if (options.stateIO() && model.config().network().cell() instanceof BnLstmSpec) {
            throw new IllegalArgumentException("a BN-LSTM cannot be exported with state inputs: its normalisation"
                    + " statistics depend on a step's index since the start of the sequence, which a call from given"
                    + " states does not know; export it without them");
        }
        return new Exporter(model, options).graph(provenance, data);
    }

    private Ir.Model graph(Provenance provenance, DataSchema data) {
        int f = config.inputSize();
        List<Ir.ValueInfo> inputs = new ArrayList<>();
        inputs.add(GraphBuilder.tensorInfo(g.input("x"), FLOAT, "inputs, batch-first: (batch, steps, features)"
                + (data != null && !data.featureColumns().isEmpty() ? "; features " + String.join(", ",
                data.featureColumns()) : "") + (data != null && data.standardized()
                ? "; raw values: the graph standardises them with the training data's mean and std" : ""),
                "batch", "steps", f));
        if (options.lengthsInput()) {
            inputs.add(GraphBuilder.tensorInfo(g.input("lengths"), Fields.Tensor.INT32, "valid steps of each"
                    + " sequence, " + (options.stateIO() ? "0" : "1") + " to steps; later steps are padding, which"
                    + " leaves the state alone and outputs 0" + (options.stateIO() ? "; 0 for a sequence that has no"
                    + " step in this call (it keeps its state h0, c0)" : ""), "batch"));
        }
        if (timed()) {
            inputs.add(GraphBuilder.tensorInfo(g.input("times"), Fields.Tensor.DOUBLE, "timestamp of every step,"
                    + " non-decreasing within a sequence (in the unit of the periods tau); the step index 0, 1, ..."
                    + " for data without timestamps", "batch", "steps"));
        }
        if (options.stateIO()) {
            int rows = net.numLayers() * net.directions();
            inputs.add(GraphBuilder.tensorInfo(g.input("h0"), FLOAT, "initial state h of every layer and direction"
                    + " (layer-major, the reverse direction second), e.g. the h_n of the previous call",
                    rows, "batch", net.outputSizePerDirection()));
            if (net.cell().hasCellState()) {
                inputs.add(GraphBuilder.tensorInfo(g.input("c0"), FLOAT, "initial cell state c of every layer and"
                        + " direction, e.g. the c_n of the previous call", rows, "batch", net.hiddenSize()));
            }
        }
        String x = "x";
        if (data != null && data.standardized()) {
            String mean = g.initializer(Ir.TensorValue.floats("data.mean", data.mean(), f)
                    .withDoc("mean of every input feature over the training data"));
            String std = g.initializer(Ir.TensorValue.floats("data.std", data.std(), f)
                    .withDoc("standard deviation of every input feature over the training data"));
            x = g.op("Div", "x_standardized", g.op("Sub", "x_centred", "x", mean), std);
        }
        if (config.embedding() != null) {
            x = embedded(x, f);
        }
        String layerIn = g.op("Transpose", "x_time_major", List.of(Ir.Attr.ints("perm", 1, 0, 2)), x);
        int width = net.inputSize();
        String last = null;   // (B, D·R) final states of the top layer
        for (int l = 0; l < net.numLayers(); l++) {
            boolean top = l == net.numLayers() - 1;
            boolean wantLast = top && config.head() == Head.LAST_STEP;
            boolean wantSeq = !wantLast;
            String[] out = standard(net.cell()) ? standardLayer(l, layerIn, width, wantSeq, wantLast)
                    : scanLayer(l, layerIn, width, wantSeq, wantLast);
            layerIn = out[0];
            last = out[1];
            width = net.outputSize();
        }
        String y;
        int o = config.outputSize();
        String w = g.initializer(param("head.weight", o, net.outputSize()));
        String b = g.initializer(param("head.bias", o));
        if (config.head() == Head.LAST_STEP) {
            y = g.op("Gemm", "y", List.of(Ir.Attr.of("transB", 1L)), last, w, b);
        } else {
            String batchFirst = g.op("Transpose", "network_output", List.of(Ir.Attr.ints("perm", 1, 0, 2)), layerIn);
            String wt = g.op("Transpose", "head.weight_t", w);
            y = g.op("Add", "y", g.op("MatMul", "head_product", batchFirst, wt), b);
        }
        List<Ir.ValueInfo> outputs = new ArrayList<>();
        outputs.add(config.head() == Head.LAST_STEP
                ? GraphBuilder.tensorInfo(y, FLOAT, "one prediction per sequence from its final state (many-to-one)",
                "batch", o)
                : GraphBuilder.tensorInfo(y, FLOAT, "a prediction for every step (many-to-many); padded steps"
                + " predict from a zero input", "batch", "steps", o));
        if (options.stateIO()) {
            int rows = net.numLayers() * net.directions();
            outputs.add(GraphBuilder.tensorInfo(concatStates(finalH, "h_n"), FLOAT, "final state h of every layer and"
                    + " direction: the next call's h0", rows, "batch", net.outputSizePerDirection()));
            if (net.cell().hasCellState()) {
                outputs.add(GraphBuilder.tensorInfo(concatStates(finalC, "c_n"), FLOAT, "final cell state c of every"
                        + " layer and direction: the next call's c0", rows, "batch", net.hiddenSize()));
            }
        }
        Ir.Graph graph = new Ir.Graph("rnn4j_" + net.cell().kind().toLowerCase(java.util.Locale.ROOT), g.nodes(),
                g.initializers(), inputs, outputs, List.of(), describe(provenance));
        Map<String, Long> opsets = new LinkedHashMap<>();
        opsets.put("", (long) options.opset());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(META_MODEL, ModelFile.describe(config, provenance, data));
        return new Ir.Model(options.irVersion(), "rnn4j", Version.VERSION, "org.rnn4j", 1, describe(provenance), graph,
                opsets, meta);
    }

    /**
     * The network's input [E[token], x[1 …]] (B, T, D + F − 1) from the model's input x (B, T, F) whose feature 0 is a
     * token id. The ids are rounded and clamped to [0, V − 1] (padded steps may hold anything; rnn4j refuses an id
     * outside the table at a valid step, which a graph cannot do) and looked up in {@code embedding.weight}.
     */
    private String embedded(String x, int f) {
        int v = config.embedding().numEmbeddings();
        int d = config.embedding().embeddingDim();
        String table = g.initializer(param("embedding.weight", v, d).withDoc("the token embedding: feature 0 of"
                + " every step is a token id in [0, " + (v - 1) + "]"));
        String column = g.op("Slice", "token_column", x, g.longs(0), g.longs(1), g.longs(2));
        String ids = g.op("Cast", "token_ids", List.of(Ir.Attr.of("to", (long) Fields.Tensor.INT64)),
                g.op("Clip", "token_ids_in_table", g.op("Round", "token_ids_rounded", column), g.scalar(0f),
                        g.scalar(v - 1)));
        String tokens = g.op("Squeeze", "tokens", ids, g.longs(2));
        String vectors = g.op("Gather", "token_vectors", List.of(Ir.Attr.of("axis", 0L)), table, tokens);
        if (f == 1) {
            return vectors;
        }
        String rest = g.op("Slice", "other_features", x, g.longs(1), g.longs(f), g.longs(2));
        return g.op("Concat", "network_input", List.of(Ir.Attr.of("axis", 2L)), vectors, rest);
    }

    private boolean timed() {
        return net.cell() instanceof PhasedLstmSpec || net.cell() instanceof PhasedGruSpec;
    }

    /** One readable paragraph: the architecture and where the model came from. */
    private String describe(Provenance p) {
        StringBuilder s = new StringBuilder();
        s.append("rnn4j ").append(net.cell().kind()).append(" (").append(net.cell()).append("), ")
                .append(net.numLayers()).append(net.numLayers() == 1 ? " layer" : " layers").append(", hidden ")
                .append(net.hiddenSize()).append(net.bidirectional() ? ", bidirectional" : "").append(", input ")
                .append(config.inputSize())
                .append(config.embedding() == null ? "" : ", token embedding " + config.embedding().numEmbeddings()
                        + " x " + config.embedding().embeddingDim() + " on feature 0")
                .append(", linear head on ")
                .append(config.head() == Head.LAST_STEP ? "the last step" : "every step").append(" -> ")
                .append(config.outputSize()).append(" outputs. ");
        s.append("Made by rnn4j ").append(p.libraryVersion()).append(" on ").append(p.jdk()).append(", ")
                .append(p.os()).append(" ").append(p.arch()).append(", at ").append(p.createdAt()).append(", seed ")
                .append(p.seed());
        if (!p.data().isEmpty()) {
            s.append(", trained on ").append(p.data());
        }
        p.extra().forEach((k, v) -> s.append(", ").append(k).append(" = ").append(v));
        s.append(". Exported by rnn4j ").append(Version.VERSION).append(" for inference.");
        return s.toString();
    }

    // ---- shared values

    private String shape() {
        if (shape == null) {
            shape = g.op("Shape", "x_shape", "x");
        }
        return shape;
    }

    private String batch1() {
        if (batch1 == null) {
            batch1 = g.op("Slice", "batch_size", shape(), g.longs(0), g.longs(1));
        }
        return batch1;
    }

    private String steps() {
        if (steps == null) {
            steps = g.op("Gather", "step_count", shape(), g.scalarLong(1));
        }
        return steps;
    }

    private String stepIndex() {
        if (stepIndex == null) {
            stepIndex = g.op("Range", "step_index", g.scalarLong(0), steps(), g.scalarLong(1));
        }
        return stepIndex;
    }

    /** (T, B, 1) bool: whether step t of sequence b is one of its valid steps. */
    private String mask() {
        if (mask == null) {
            String lengths = options.lengthsInput()
                    ? g.op("Cast", "lengths_int64", List.of(Ir.Attr.of("to", (long) Fields.Tensor.INT64)), "lengths")
                    : g.op("Expand", "lengths_all_steps", steps(), batch1());
            String column = g.op("Unsqueeze", "step_index_column", stepIndex(), g.longs(1));
            String row = g.op("Unsqueeze", "lengths_row", lengths, g.longs(0));
            String valid = g.op("Less", "valid_steps", column, row);
            mask = g.op("Unsqueeze", "valid_steps_mask", valid, g.longs(2));
        }
        return mask;
    }

    /**
     * (1, B, 1) bool: whether a sequence has length 0, i.e. no step in this call (one that ended in an earlier call
     * of a stream fed in chunks). ONNX Runtime's RNN, LSTM and GRU set such a sequence's Y_h and Y_c to zeros; rnn4j,
     * and the Scan layers, leave its state as it was.
     */
    private String ended() {
        if (ended == null) {
            String lengths = g.op("Cast", "lengths_int64_for_ended", List.of(Ir.Attr.of("to",
                    (long) Fields.Tensor.INT64)), "lengths");
            String zero = g.op("Equal", "ended_sequences", lengths, g.longs(0));
            ended = g.op("Unsqueeze", "ended_sequences_mask", zero, g.longs(0, 2));
        }
        return ended;
    }

    /** (B, width) zeros: an initial state. */
    private String zeros(int width) {
        return zeroStates.computeIfAbsent(width, w -> {
            String dims = g.op("Concat", "zero_state_shape_" + w, List.of(Ir.Attr.of("axis", 0L)), batch1(),
                    g.longs(w));
            return g.op("ConstantOfShape", "zero_state_" + w,
                    List.of(Ir.Attr.of("value", Ir.TensorValue.floats("", new float[]{0f}, 1))), dims);
        });
    }

    /**
     * The name a part of the final states gets: {@code name} itself when it is the only part (one layer, and one
     * direction or a standard operator's node, which holds both), so that no Concat is needed.
     */
    private String finalStateName(String name, String part) {
        int parts = standard(net.cell()) ? net.numLayers() : net.numLayers() * net.directions();
        return parts == 1 ? name : part;
    }

    /** The final-state parts in order, (rows, B, ·) each, as one output (layers·dirs, B, ·) named {@code name}. */
    private String concatStates(List<String> parts, String name) {
        return parts.size() == 1 ? parts.get(0)
                : g.op("Concat", name, List.of(Ir.Attr.of("axis", 0L)), parts.toArray(String[]::new));
    }

    /** Rows [from, to) of the state input {@code input} (layers·dirs, B, ·): the whole input when that is all of it. */
    private String stateRows(String input, int from, int to, String out) {
        if (from == 0 && to == net.numLayers() * net.directions()) {
            return input;
        }
        return g.op("Slice", out, input, g.longs(from), g.longs(to), g.longs(0));
    }

    private Ir.TensorValue param(String name, long... dims) {
        return Ir.TensorValue.floats(name, params.get(name), dims);
    }

    private static String suffix(int layer, int dir) {
        return "_l" + layer + (dir == 1 ? "_reverse" : "");
    }

    // ---- standard operators

    /**
     * One RNN, LSTM or GRU node for layer l over both directions.
     *
     * @return the layer's output (T, B, D·H) (null unless wantSeq) and its final states (B, D·H) (null unless wantLast)
     */
    private String[] standardLayer(int l, String in, int inWidth, boolean wantSeq, boolean wantLast) {
        CellSpec cell = net.cell();
        int h = net.hiddenSize();
        int dirs = net.directions();
        String op;
        int[] blocks;              // for each ONNX gate block, the rnn4j block it comes from
        boolean[] negate;
        List<Ir.Attr> attrs = new ArrayList<>();
        attrs.add(Ir.Attr.of("direction", dirs == 2 ? "bidirectional" : "forward"));
        attrs.add(Ir.Attr.of("hidden_size", (long) h));
        String order;
        switch (cell) {
            case RnnSpec r -> {
                op = "RNN";
                blocks = new int[]{0};
                negate = new boolean[1];
                String act = r.nonlinearity() == RnnSpec.Nonlinearity.RELU ? "Relu" : "Tanh";
                attrs.add(dirs == 2 ? Ir.Attr.strings("activations", act, act) : Ir.Attr.strings("activations", act));
                order = "";
            }
            case GruSpec gru -> {
                op = "GRU";
                blocks = new int[]{1, 0, 2};   // ONNX z, r, h from rnn4j r, z, n
                negate = new boolean[3];
                attrs.add(Ir.Attr.of("linear_before_reset", gru.linearBeforeReset() ? 1L : 0L));
                order = "; gate rows reordered from r, z, n to ONNX's z, r, h";
            }
            case LstmSpec lstm -> {
                op = "LSTM";
                if (lstm.cifg()) {
                    // ONNX i, o, f, c from rnn4j f, g, o: i = 1 − f = σ(−a_f), so i gets the negated f rows
                    blocks = new int[]{0, 2, 0, 1};
                    negate = new boolean[]{true, false, false, false};
                    attrs.add(Ir.Attr.of("input_forget", 1L));
                    order = "; gate rows reordered from f, g, o to ONNX's i, o, f, c with i = -f (coupled input and"
                            + " forget gates: i = 1 - f, however a runtime couples them)";
                } else {
                    blocks = new int[]{0, 3, 1, 2};
                    negate = new boolean[4];
                    order = "; gate rows reordered from i, f, g, o to ONNX's i, o, f, c";
                }
            }
            default -> throw new IllegalStateException("not a standard cell: " + cell);
        }
        int gates = blocks.length;
        float[] w = new float[dirs * gates * h * inWidth];
        float[] r = new float[dirs * gates * h * h];
        float[] b = new float[dirs * 2 * gates * h];
        for (int d = 0; d < dirs; d++) {
            String s = suffix(l, d);
            reorder(params.get("weight_ih" + s), h, inWidth, blocks, negate, w, d * gates * h * inWidth);
            reorder(params.get("weight_hh" + s), h, h, blocks, negate, r, d * gates * h * h);
            reorder(params.get("bias_ih" + s), h, 1, blocks, negate, b, d * 2 * gates * h);
            reorder(params.get("bias_hh" + s), h, 1, blocks, negate, b, d * 2 * gates * h + gates * h);
        }
        String names = "weight_ih_l" + l + (dirs == 2 ? " and weight_ih_l" + l + "_reverse" : "");
        String wName = g.initializer(Ir.TensorValue.floats("W_l" + l, w, dirs, (long) gates * h, inWidth)
                .withDoc(names + order));
        String rName = g.initializer(Ir.TensorValue.floats("R_l" + l, r, dirs, (long) gates * h, h)
                .withDoc(names.replace("_ih", "_hh") + order));
        String bName = g.initializer(Ir.TensorValue.floats("B_l" + l, b, dirs, 2L * gates * h)
                .withDoc("bias_ih_l" + l + " then bias_hh_l" + l + (dirs == 2 ? ", and the same _reverse" : "")
                        + order));
        boolean lstmCell = cell instanceof LstmSpec;
        String h0 = "";
        String c0 = "";
        if (options.stateIO()) {
            h0 = stateRows("h0", l * dirs, (l + 1) * dirs, "h0_l" + l);
            c0 = lstmCell ? stateRows("c0", l * dirs, (l + 1) * dirs, "c0_l" + l) : "";
        }
        List<String> inputs = new ArrayList<>(List.of(in, wName, rName, bName,
                options.lengthsInput() ? "lengths" : "", h0));
        if (lstmCell && (options.stateIO() || ((LstmSpec) cell).peepholes())) {
            inputs.add(c0);
        }
        if (cell instanceof LstmSpec lstm && lstm.peepholes()) {
            float[] p = new float[dirs * 3 * h];
            int[] pBlocks = lstm.cifg() ? new int[]{0, 1, 0} : new int[]{0, 2, 1};   // ONNX i, o, f
            boolean[] pNeg = lstm.cifg() ? new boolean[]{true, false, false} : new boolean[3];
            for (int d = 0; d < dirs; d++) {
                reorder(params.get("weight_peephole" + suffix(l, d)), h, 1, pBlocks, pNeg, p, d * 3 * h);
            }
            inputs.add(g.initializer(Ir.TensorValue.floats("P_l" + l, p, dirs, 3L * h)
                    .withDoc("weight_peephole_l" + l + (dirs == 2 ? " and _reverse" : "") + ", rows "
                            + (lstm.cifg() ? "f, o to ONNX's i, o, f with i = -f" : "i, f, o to ONNX's i, o, f"))));
        }
        String y = wantSeq ? "Y_l" + l : "";
        String yh = wantLast ? "Y_h_l" + l : "";
        String yc = "";
        // with state inputs and lengths, a sequence of length 0 keeps its state: the node's Y_h and Y_c go through
        // a Where (see ended())
        boolean keepEnded = options.stateIO() && options.lengthsInput();
        if (options.stateIO()) {
            yh = keepEnded ? "Y_h_l" + l + "_node" : finalStateName("h_n", "Y_h_l" + l);
            yc = !lstmCell ? "" : keepEnded ? "Y_c_l" + l + "_node" : finalStateName("c_n", "Y_c_l" + l);
        }
        String[] outs = !yc.isEmpty() ? new String[]{y, yh, yc} : !yh.isEmpty() ? new String[]{y, yh} : new String[]{y};
        g.ops(op, outs, attrs, inputs.toArray(String[]::new));
        if (keepEnded) {
            yh = g.op("Where", finalStateName("h_n", "Y_h_l" + l), ended(), h0, yh);
            if (lstmCell) {
                yc = g.op("Where", finalStateName("c_n", "Y_c_l" + l), ended(), c0, yc);
            }
        }
        if (options.stateIO()) {
            finalH.add(yh);
            if (lstmCell) {
                finalC.add(yc);
            }
        }
        String seq = null;
        String last = null;
        if (wantSeq) {
            String t = g.op("Transpose", "Y_l" + l + "_steps_batch", List.of(Ir.Attr.ints("perm", 0, 2, 1, 3)), y);
            seq = g.op("Reshape", "output_l" + l, t, g.longs(0, 0, -1));
        }
        if (wantLast) {
            String t = g.op("Transpose", "Y_h_l" + l + "_batch", List.of(Ir.Attr.ints("perm", 1, 0, 2)), yh);
            last = g.op("Reshape", "final_state_l" + l, t, g.longs(0, -1));
        }
        return new String[]{seq, last};
    }

    /**
     * Copies the gate blocks of {@code src} (G blocks of {@code rows} rows of {@code cols}) into {@code dst} at
     * {@code off} in the order {@code blocks}, negating where asked.
     */
    static void reorder(float[] src, int rows, int cols, int[] blocks, boolean[] negate, float[] dst, int off) {
        int block = rows * cols;
        for (int k = 0; k < blocks.length; k++) {
            int from = blocks[k] * block;
            int to = off + k * block;
            for (int i = 0; i < block; i++) {
                dst[to + i] = negate[k] ? -src[from + i] : src[from + i];
            }
        }
    }

    // ---- Scan bodies

    /** The values one direction's Scan reads besides its states and mask: name and per-step shape of each. */
    private record ScanInput(String name, String bodyName, int elemType, Object[] stepDims) {
    }

    /** Layer l as one Scan per direction, outputs concatenated as {@link #standardLayer}'s. */
    private String[] scanLayer(int l, String in, int inWidth, boolean wantSeq, boolean wantLast) {
        int dirs = net.directions();
        String[] ys = new String[dirs];
        String[] lasts = new String[dirs];
        for (int d = 0; d < dirs; d++) {
            String[] out = scanDirection(l, d, in, inWidth);
            ys[d] = out[0];
            lasts[d] = out[1];
        }
        String seq = null;
        String last = null;
        if (wantSeq) {
            seq = dirs == 1 ? ys[0] : g.op("Concat", "output_l" + l, List.of(Ir.Attr.of("axis", 2L)), ys);
        }
        if (wantLast) {
            last = dirs == 1 ? lasts[0] : g.op("Concat", "final_state_l" + l, List.of(Ir.Attr.of("axis", 1L)), lasts);
        }
        return new String[]{seq, last};
    }

    /** One direction of layer l: the input projection, the time gate or the statistics, and the Scan. */
    private String[] scanDirection(int l, int d, String in, int inWidth) {
        CellSpec cell = net.cell();
        String s = suffix(l, d);
        String p = "l" + l + (d == 1 ? "_reverse" : "") + ".";   // prefix of this direction's values
        int h = net.hiddenSize();
        int r = net.outputSizePerDirection();
        int gw = switch (cell) {
            case LstmSpec lstm -> lstm.gates() * h;
            case PhasedGruSpec ignored -> 3 * h;
            default -> 4 * h;
        };
        String wih = g.initializer(param("weight_ih" + s, gw, inWidth));
        String whh = g.initializer(param("weight_hh" + s, gw, r));
        String bih = g.initializer(param("bias_ih" + s, gw));
        String bhh = g.initializer(param("bias_hh" + s, gw));
        String product = g.op("MatMul", p + "input_product", in, g.op("Transpose", p + "weight_ih_t", wih));   // (T, B, G)

        List<ScanInput> scanned = new ArrayList<>();
        GraphBuilder body = g.body();
        String hPrev = body.input(p + "h_prev");
        String cPrev = cell.hasCellState() ? body.input(p + "c_prev") : null;
        String[] next;   // h_t, c_t (or null) and the step's output, before masking
        switch (cell) {
            case LstmSpec lstm -> {
                String a = g.op("Add", p + "input_part", g.op("Add", p + "input_part_ih", product, bih), bhh);
                scanned.add(new ScanInput(a, body.input(p + "a"), FLOAT, new Object[]{"batch", gw}));
                next = lstmStep(body, p, lstm, s, hPrev, cPrev, p + "a", whh);
            }
            case PhasedLstmSpec phased -> {
                String a = g.op("Add", p + "input_part", g.op("Add", p + "input_part_ih", product, bih), bhh);
                scanned.add(new ScanInput(a, body.input(p + "a"), FLOAT, new Object[]{"batch", gw}));
                scanned.add(new ScanInput(timeGate(p, s), body.input(p + "k"), FLOAT, new Object[]{"batch", h}));
                LstmSpec base = CellSpec.lstm().withPeepholes(phased.peepholes());
                String[] cand = lstmStep(body, p, base, s, hPrev, cPrev, p + "a", whh);
                next = new String[]{mix(body, p + "h", p + "k", cand[0], hPrev),
                        mix(body, p + "c", p + "k", cand[1], cPrev), null};
                next[2] = next[0];
            }
            case PhasedGruSpec ignored -> {
                String a = g.op("Add", p + "input_part", product, bih);
                scanned.add(new ScanInput(a, body.input(p + "a"), FLOAT, new Object[]{"batch", gw}));
                scanned.add(new ScanInput(timeGate(p, s), body.input(p + "k"), FLOAT, new Object[]{"batch", h}));
                String cand = gruStep(body, p, hPrev, p + "a", whh, bhh, h);
                String hk = mix(body, p + "h", p + "k", cand, hPrev);
                next = new String[]{hk, null, hk};
            }
            case BnLstmSpec bn -> next = bnLstmStep(body, p, bn, s, product, whh, bih, bhh, hPrev, cPrev, scanned, h);
            default -> throw new IllegalStateException("no Scan body for " + cell);
        }
        scanned.add(new ScanInput(mask(), body.input(p + "valid"), Fields.Tensor.BOOL, new Object[]{"batch", 1}));

        // padding: the state stays, the output is 0
        String hNext = body.op("Where", p + "h_next", p + "valid", next[0], hPrev);
        String cNext = cPrev == null ? null : body.op("Where", p + "c_next", p + "valid", next[1], cPrev);
        String y = body.op("Where", p + "y", p + "valid", next[2], g.scalar(0f));

        List<Ir.ValueInfo> bodyIn = new ArrayList<>();
        List<Ir.ValueInfo> bodyOut = new ArrayList<>();
        bodyIn.add(GraphBuilder.tensorInfo(hPrev, FLOAT, "", "batch", r));
        bodyOut.add(GraphBuilder.tensorInfo(hNext, FLOAT, "", "batch", r));
        if (cPrev != null) {
            bodyIn.add(GraphBuilder.tensorInfo(cPrev, FLOAT, "", "batch", h));
            bodyOut.add(GraphBuilder.tensorInfo(cNext, FLOAT, "", "batch", h));
        }
        for (ScanInput si : scanned) {
            bodyIn.add(GraphBuilder.tensorInfo(si.bodyName(), si.elemType(), "", si.stepDims()));
        }
        bodyOut.add(GraphBuilder.tensorInfo(y, FLOAT, "", "batch", r));
        Ir.Graph bodyGraph = new Ir.Graph(p + "step", body.nodes(), List.of(), bodyIn, bodyOut, List.of(),
                "one step of " + cell.kind() + " layer " + l + (d == 1 ? ", reverse direction" : ""));

        List<String> scanInputs = new ArrayList<>();
        List<String> outs = new ArrayList<>();
        int row = l * net.directions() + d;   // of h0, c0, h_n and c_n
        scanInputs.add(options.stateIO() ? initialState("h0", row, p + "h0") : zeros(r));
        outs.add(p + "h_final");
        if (cPrev != null) {
            scanInputs.add(options.stateIO() ? initialState("c0", row, p + "c0") : zeros(h));
            outs.add(p + "c_final");
        }
        for (ScanInput si : scanned) {
            scanInputs.add(si.name());
        }
        outs.add(p + "output");
        List<Ir.Attr> attrs = new ArrayList<>();
        attrs.add(Ir.Attr.of("body", bodyGraph));
        attrs.add(Ir.Attr.of("num_scan_inputs", (long) scanned.size()));
        if (d == 1) {
            long[] reverse = new long[scanned.size()];
            java.util.Arrays.fill(reverse, 1);
            attrs.add(Ir.Attr.ints("scan_input_directions", reverse));
            attrs.add(Ir.Attr.ints("scan_output_directions", 1));
        }
        String[] outArr = outs.toArray(String[]::new);
        g.ops("Scan", outArr, attrs, scanInputs.toArray(String[]::new));
        if (options.stateIO()) {
            finalH.add(g.op("Unsqueeze", finalStateName("h_n", p + "final_h"), p + "h_final", g.longs(0)));
            if (cPrev != null) {
                finalC.add(g.op("Unsqueeze", finalStateName("c_n", p + "final_c"), p + "c_final", g.longs(0)));
            }
        }
        return new String[]{p + "output", p + "h_final"};
    }

    /** Row {@code row} (B, ·) of the state input {@code input} (layers·dirs, B, ·): one direction's initial state. */
    private String initialState(String input, int row, String out) {
        return g.op("Gather", out, List.of(Ir.Attr.of("axis", 0L)), input, g.scalarLong(row));
    }

    /** Block k (of width w) of the (B, G) value {@code v}: Slice on axis 1. */
    private String block(GraphBuilder b, String out, String v, int k, int w) {
        return b.op("Slice", out, v, g.longs(k * (long) w), g.longs((k + 1) * (long) w), g.longs(1));
    }

    /** Row k of a (rows, H) parameter, computed once in the model's graph. */
    private String row(String param, String out, int k) {
        return g.op("Gather", out, List.of(Ir.Attr.of("axis", 0L)), param, g.scalarLong(k));
    }

    /**
     * One LSTM step (LstmCell's equations) from the input part {@code a} (B, G): returns r_t, c_t and the output r_t.
     */
    private String[] lstmStep(GraphBuilder b, String p, LstmSpec spec, String s, String hPrev, String cPrev, String a,
                              String whh) {
        int h = net.hiddenSize();
        String pre = b.op("Add", p + "gates", a, b.op("Gemm", p + "recurrent_product",
                List.of(Ir.Attr.of("transB", 1L)), hPrev, whh));
        String peepI = null;
        String peepF = null;
        String peepO = null;
        if (spec.peepholes()) {
            String peep = g.initializer(param("weight_peephole" + s, spec.cifg() ? 2 : 3, h));
            if (spec.cifg()) {
                peepF = row(peep, p + "peephole_f", 0);
                peepO = row(peep, p + "peephole_o", 1);
            } else {
                peepI = row(peep, p + "peephole_i", 0);
                peepF = row(peep, p + "peephole_f", 1);
                peepO = row(peep, p + "peephole_o", 2);
            }
        }
        int k = 0;
        String ai = spec.cifg() ? null : block(b, p + "a_i", pre, k++, h);
        String af = block(b, p + "a_f", pre, k++, h);
        String ag = block(b, p + "a_g", pre, k++, h);
        String ao = block(b, p + "a_o", pre, k, h);
        if (peepF != null) {
            af = b.op("Add", p + "a_f_peephole", af, b.op("Mul", p + "peephole_f_c", peepF, cPrev));
        }
        String f = b.op("Sigmoid", p + "f", af);
        String i;
        if (spec.cifg()) {
            i = b.op("Sub", p + "i", g.scalar(1f), f);
        } else {
            if (peepI != null) {
                ai = b.op("Add", p + "a_i_peephole", ai, b.op("Mul", p + "peephole_i_c", peepI, cPrev));
            }
            i = b.op("Sigmoid", p + "i", ai);
        }
        String gg = b.op("Tanh", p + "g", ag);
        String c = b.op("Add", p + "c_update", b.op("Mul", p + "f_c", f, cPrev), b.op("Mul", p + "i_g", i, gg));
        if (spec.cellClip() > 0f) {
            c = b.op("Clip", p + "c_clipped", c, g.scalar(-spec.cellClip()), g.scalar(spec.cellClip()));
        }
        if (peepO != null) {
            ao = b.op("Add", p + "a_o_peephole", ao, b.op("Mul", p + "peephole_o_c", peepO, c));
        }
        String o = b.op("Sigmoid", p + "o", ao);
        String m = b.op("Mul", p + "m", o, b.op("Tanh", p + "tanh_c", c));
        if (spec.projSize() > 0) {
            String whr = g.initializer(param("weight_hr" + s, spec.projSize(), h));
            m = b.op("Gemm", p + "r", List.of(Ir.Attr.of("transB", 1L)), m, whr);
        }
        return new String[]{m, c, m};
    }

    /** One GRU step in PyTorch's form from the input part {@code a} = x·W_ihᵀ + b_ih (B, 3H): returns h̃_t. */
    private String gruStep(GraphBuilder b, String p, String hPrev, String a, String whh, String bhh, int h) {
        String rec = b.op("Gemm", p + "recurrent_product", List.of(Ir.Attr.of("transB", 1L)), hPrev, whh, bhh);
        String r = b.op("Sigmoid", p + "r", b.op("Add", p + "a_r", block(b, p + "x_r", a, 0, h),
                block(b, p + "h_r", rec, 0, h)));
        String z = b.op("Sigmoid", p + "z", b.op("Add", p + "a_z", block(b, p + "x_z", a, 1, h),
                block(b, p + "h_z", rec, 1, h)));
        String n = b.op("Tanh", p + "n", b.op("Add", p + "a_n", block(b, p + "x_n", a, 2, h),
                b.op("Mul", p + "r_h_n", r, block(b, p + "h_n", rec, 2, h))));
        return b.op("Add", p + "h_candidate", b.op("Mul", p + "z_bar_n", b.op("Sub", p + "z_bar", g.scalar(1f), z), n),
                b.op("Mul", p + "z_h", z, hPrev));
    }

    /** k ⊙ candidate + (1 − k) ⊙ previous. */
    private String mix(GraphBuilder b, String out, String k, String candidate, String previous) {
        return b.op("Add", out + "_gated", b.op("Mul", out + "_open", k, candidate),
                b.op("Mul", out + "_kept", b.op("Sub", out + "_closed_part", g.scalar(1f), k), previous));
    }

    /**
     * The time gate k (T, B, H) of one direction at inference (leak 0), from the {@code times} input, as TimeGate
     * computes it: the phase in double precision, rounded to float, then the three pieces.
     */
    private String timeGate(String p, String s) {
        int h = net.hiddenSize();
        if (timesTb == null) {
            String t = g.op("Transpose", "times_time_major", List.of(Ir.Attr.ints("perm", 1, 0)), "times");
            timesTb = g.op("Unsqueeze", "times_column", t, g.longs(2));   // (T, B, 1)
        }
        String tau = g.initializer(param("tau" + s, h));
        String shift = g.initializer(param("shift" + s, h));
        String ratio = g.initializer(param("r_on" + s, h));
        String floor = g.scalar(1e-6f);
        List<Ir.Attr> toDouble = List.of(Ir.Attr.of("to", (long) Fields.Tensor.DOUBLE));
        String tauPos = g.op("Max", p + "tau_positive", g.op("Abs", p + "tau_abs", tau), floor);
        String tauD = g.op("Cast", p + "tau_double", toDouble, tauPos);
        String u = g.op("Sub", p + "time_since_shift", timesTb, g.op("Cast", p + "shift_double", toDouble, shift));
        String periods = g.op("Floor", p + "periods", g.op("Div", p + "time_in_periods", u, tauD));
        String within = g.op("Sub", p + "time_in_period", u, g.op("Mul", p + "period_starts", tauD, periods));
        String phase = g.op("Cast", p + "phase", List.of(Ir.Attr.of("to", (long) FLOAT)),
                g.op("Div", p + "phase_double", within, tauD));
        String r = g.op("Max", p + "r_on_positive", g.op("Abs", p + "r_on_abs", ratio), floor);
        String rising = g.op("Div", p + "gate_rising", g.op("Mul", p + "phase_2", g.scalar(2f), phase), r);
        String falling = g.op("Sub", p + "gate_falling", g.scalar(2f), rising);
        String closedOrFalling = g.op("Where", p + "gate_after_half", g.op("Less", p + "phase_before_end", phase, r),
                falling, g.scalar(0f));
        return g.op("Where", p + "time_gate", g.op("Less", p + "phase_before_half", phase,
                g.op("Mul", p + "r_on_half", g.scalar(0.5f), r)), rising, closedOrFalling);
    }

    /**
     * The BN-LSTM at inference (BnLstmCell with running statistics): the input side normalised for all steps before
     * the Scan, the statistics of each step's row min(t, S − 1) as scan inputs, one step in the body.
     */
    private String[] bnLstmStep(GraphBuilder b, String p, BnLstmSpec spec, String s, String product, String whh,
                                String bih, String bhh, String hPrev, String cPrev, List<ScanInput> scanned, int h) {
        int gw = 4 * h;
        int rows = spec.maxSteps();
        String eps = g.scalar(spec.epsilon());
        String statRow = g.op("Min", p + "statistics_row", stepIndex(), g.scalarLong(rows - 1));   // (T)
        String[] xStats = stats(p + "ih", "bn_ih_running_mean" + s, "bn_ih_running_var" + s, rows, gw, statRow, eps);
        String[] hStats = stats(p + "hh", "bn_hh_running_mean" + s, "bn_hh_running_var" + s, rows, gw, statRow, eps);
        String[] cStats = stats(p + "c", "bn_c_running_mean" + s, "bn_c_running_var" + s, rows, h, statRow, eps);
        String gammaX = g.initializer(param("bn_ih_gamma" + s, gw));
        String gammaH = g.initializer(param("bn_hh_gamma" + s, gw));
        String gammaC = g.initializer(param("bn_c_gamma" + s, h));
        String betaC = g.initializer(param("bn_c_beta" + s, h));
        // x̂ for every step: (T, B, G) with the (T, 1, G) statistics of each step
        String xMean = g.op("Unsqueeze", p + "ih_mean_steps", xStats[0], g.longs(1));
        String xSigma = g.op("Unsqueeze", p + "ih_sigma_steps", xStats[1], g.longs(1));
        String xHat = g.op("Div", p + "x_hat", g.op("Sub", p + "x_centred", product, xMean), xSigma);
        String ax = g.op("Mul", p + "gamma_x_hat", gammaX, xHat);
        scanned.add(new ScanInput(ax, b.input(p + "ax"), FLOAT, new Object[]{"batch", gw}));
        scanned.add(new ScanInput(hStats[0], b.input(p + "hh_mean_t"), FLOAT, new Object[]{gw}));
        scanned.add(new ScanInput(hStats[1], b.input(p + "hh_sigma_t"), FLOAT, new Object[]{gw}));
        scanned.add(new ScanInput(cStats[0], b.input(p + "c_mean_t"), FLOAT, new Object[]{h}));
        scanned.add(new ScanInput(cStats[1], b.input(p + "c_sigma_t"), FLOAT, new Object[]{h}));

        String whhProduct = b.op("Gemm", p + "recurrent_product", List.of(Ir.Attr.of("transB", 1L)), hPrev, whh);
        String hHat = b.op("Div", p + "h_hat", b.op("Sub", p + "h_centred", whhProduct, p + "hh_mean_t"),
                p + "hh_sigma_t");
        // a = γ_x x̂ + γ_h ĥ + b_ih + b_hh, summed in BnLstmCell's order
        String pre = b.op("Add", p + "gates", b.op("Add", p + "gates_ih", b.op("Add", p + "gates_normalised", p + "ax",
                b.op("Mul", p + "gamma_h_hat", gammaH, hHat)), bih), bhh);
        String i = b.op("Sigmoid", p + "i", block(b, p + "a_i", pre, 0, h));
        String f = b.op("Sigmoid", p + "f", block(b, p + "a_f", pre, 1, h));
        String gg = b.op("Tanh", p + "g", block(b, p + "a_g", pre, 2, h));
        String o = b.op("Sigmoid", p + "o", block(b, p + "a_o", pre, 3, h));
        String c = b.op("Add", p + "c_update", b.op("Mul", p + "f_c", f, cPrev), b.op("Mul", p + "i_g", i, gg));
        String cHat = b.op("Div", p + "c_hat", b.op("Sub", p + "c_centred", c, p + "c_mean_t"), p + "c_sigma_t");
        String tq = b.op("Tanh", p + "tanh_bn_c", b.op("Add", p + "bn_c", b.op("Mul", p + "gamma_c_hat", gammaC, cHat),
                betaC));
        String hNew = b.op("Mul", p + "h_candidate", o, tq);
        return new String[]{hNew, c, hNew};
    }

    /** The running mean (T, F) and σ = √(var + ε) (T, F) of every step's statistics row. */
    private String[] stats(String p, String meanName, String varName, int rows, int width, String statRow,
                           String eps) {
        String mean = g.initializer(param(meanName, rows, width));
        String var = g.initializer(param(varName, rows, width));
        List<Ir.Attr> axis0 = List.of(Ir.Attr.of("axis", 0L));
        String m = g.op("Gather", p + "_running_mean_of_step", axis0, mean, statRow);
        String v = g.op("Gather", p + "_running_var_of_step", axis0, var, statRow);
        String sigma = g.op("Sqrt", p + "_sigma_of_step", g.op("Add", p + "_var_eps_of_step", v, eps));
        return new String[]{m, sigma};
    }
}
