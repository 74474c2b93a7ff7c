package org.rnn4j.onnx;

import org.rnn4j.io.DataSchema;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.ModelFileException;
import org.rnn4j.io.Provenance;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.GruSpec;
import org.rnn4j.nn.LstmSpec;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.RecurrentConfig;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.param.ParamView;
import org.rnn4j.param.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX model into an rnn4j {@link SequenceModel}.
 *
 * <pre>{@code
 * OnnxImport.Imported imported = OnnxImport.read(Path.of("model.onnx"));
 * ModelFile.save(Path.of("model.rnn4j"), imported.model(), imported.provenance(), imported.data());
 * }</pre>
 *
 * <p>Two kinds of file are read:
 * <ul>
 *   <li>Graphs of standard operators: an {@code RNN}, {@code LSTM} or {@code GRU} node per layer fed with the
 *   batch-first input transposed, and a linear head on the top layer's output at every step or on its final
 *   states, as PyTorch's exporter writes {@code nn.RNN}, {@code nn.LSTM} and {@code nn.GRU} with
 *   {@code batch_first=True} and an {@code nn.Linear}. Every value the output depends on is followed by what it means
 *   (docs/onnx.md); the operators' attributes are honoured ({@code linear_before_reset = 0} gives the
 *   original GRU, {@code input_forget = 1} the coupled-gate LSTM, a {@code P} input peepholes).</li>
 *   <li>Anything rnn4j exported, back again bit for bit, the Scan bodies of its other cells included: the file's
 *   metadata holds the model's description, and the graph must be exactly the one rnn4j writes for it.</li>
 * </ul>
 * A file that holds something else is refused with an {@link OnnxFormatException} whose one sentence names the node,
 * its operator and the attribute or input that has no rnn4j counterpart; nothing is returned.
 */
public final class OnnxImport {

    private OnnxImport() {
    }

    /**
     * A model read from an ONNX file.
     *
     * @param model      the model, with the file's weights
     * @param provenance the provenance the file recorded (an rnn4j export), or a new one naming the file and its
     *                   producer
     * @param data       the data schema the file recorded, or the standardisation its graph applies, or null
     * @param producer   the file's producer name and version, e.g. "pytorch 1.13.0"
     */
    public record Imported(SequenceModel model, Provenance provenance, DataSchema data, String producer) {
    }

    /** Reads {@code file}; see the class comment for what is accepted. */
    public static Imported read(Path file) throws IOException {
        byte[] bytes;
        if (Files.isDirectory(file)) {   // the JDK says "Is a directory" without the path
            throw new OnnxFormatException(file + " is a directory, not an ONNX file");
        }
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such ONNX file");
        }
        return read(bytes, file.toString());
    }

    /**
     * Reads an ONNX model from its bytes.
     *
     * @param source how error messages name the model, e.g. its file name
     */
    public static Imported read(byte[] bytes, String source) throws OnnxFormatException {
        Ir.Model m = ProtoReader.model(bytes, source);
        Long opset = m.opsets().get("");
        if (opset == null || opset < 7) {
            throw new OnnxFormatException(source + ": declares " + (opset == null ? "no version of the default"
                    + " operator set" : "operator set " + opset) + "; rnn4j reads opset 7 and later");
        }
        String producer = (m.producerName() + " " + m.producerVersion()).trim();
        String description = m.metadata().get(Exporter.META_MODEL);
        ModelFile.Description d = null;
        if (description != null) {
            try {
                d = ModelFile.readDescription(Path.of(source), description);
            } catch (ModelFileException e) {
                throw new OnnxFormatException(source + ": its metadata " + Exporter.META_MODEL + " is damaged: "
                        + e.getMessage(), e);
            }
            if (!Exporter.standard(d.config().network().cell()) || d.config().embedding() != null
                    || hasInput(m, "h0")) {
                return new Imported(ownScanModel(m, d, source), d.provenance(), d.data(), producer);
            }
        }
        GraphReader.Result r = GraphReader.read(source, m.graph());
        ModelConfig config = r.config();
        Provenance provenance;
        DataSchema data;
        if (d != null && sameArchitecture(d.config(), config)) {
            config = d.config();   // the same network, with what the graph cannot say (dropout in training)
            provenance = d.provenance();
            data = d.data();
        } else {
            provenance = Provenance.current(0, "").withExtra("converted from", source + (producer.isEmpty() ? ""
                    : " (ONNX, made by " + producer + ")"));
            data = r.mean() == null ? null
                    : new DataSchema(null, null, List.of(), null, List.of(), List.of(), r.mean(), r.std());
        }
        SequenceModel model = SequenceModel.create(config, 0, null);
        fill(model.parameters(), r, source);
        return new Imported(model, provenance, data, producer);
    }

    private static boolean sameArchitecture(ModelConfig recorded, ModelConfig read) {
        RecurrentConfig n = recorded.network();
        RecurrentConfig withoutDropout = new RecurrentConfig(n.cell(), n.inputSize(), n.hiddenSize(), n.numLayers(),
                n.bidirectional(), 0f);
        return new ModelConfig(withoutDropout, recorded.head(), recorded.outputSize(), recorded.embedding())
                .equals(read);
    }

    /** The layers' weights from ONNX's layout into rnn4j's, and the head's. */
    private static void fill(Parameters params, GraphReader.Result r, String source) {
        fillLayers(params, r.layers(), r.config().network().hiddenSize());
        params.set("head.weight", r.head().weight());
        params.set("head.bias", r.head().bias());
    }

    /** The recurrent layers' weights from ONNX's layout into rnn4j's. */
    private static void fillLayers(Parameters params, List<GraphReader.Layer> layers, int h) {
        for (int l = 0; l < layers.size(); l++) {
            GraphReader.Layer layer = layers.get(l);
            CellSpec cell = layer.cell();
            int[] blocks;                 // for each rnn4j gate block, the ONNX block it comes from
            boolean[] negate;
            switch (cell) {
                case LstmSpec lstm when lstm.cifg() -> {
                    // rnn4j's f, g, o from ONNX's i, o, f, c with f = 1 − i (ONNX Runtime's coupling): f = −i
                    blocks = new int[]{0, 3, 1};
                    negate = new boolean[]{true, false, false};
                }
                case LstmSpec lstm -> {
                    blocks = new int[]{0, 2, 3, 1};
                    negate = new boolean[4];
                }
                case GruSpec gru -> {
                    blocks = new int[]{1, 0, 2};
                    negate = new boolean[3];
                }
                default -> {
                    blocks = new int[]{0};
                    negate = new boolean[1];
                }
            }
            int onnxGates = layer.op().equals("LSTM") ? 4 : blocks.length;
            int in = layer.inputWidth();
            for (int d = 0; d < layer.dirs(); d++) {
                String s = "_l" + l + (d == 1 ? "_reverse" : "");
                params.set("weight_ih" + s, gates(layer.w(), d, onnxGates * h * in, h, in, blocks, negate));
                params.set("weight_hh" + s, gates(layer.r(), d, onnxGates * h * h, h, h, blocks, negate));
                float[] bias = Arrays.copyOfRange(layer.b(), d * 2 * onnxGates * h, (d + 1) * 2 * onnxGates * h);
                params.set("bias_ih" + s, gates(bias, 0, onnxGates * h, h, 1, blocks, negate));
                params.set("bias_hh" + s, gates(Arrays.copyOfRange(bias, onnxGates * h, bias.length), 0,
                        onnxGates * h, h, 1, blocks, negate));
                if (layer.p() != null) {
                    boolean cifg = ((LstmSpec) cell).cifg();
                    params.set("weight_peephole" + s, gates(layer.p(), d, 3 * h, h, 1,
                            cifg ? new int[]{0, 1} : new int[]{0, 2, 1}, cifg ? new boolean[]{true, false}
                                    : new boolean[3]));
                }
            }
        }
    }

    /** Direction d's part (of {@code size} values) of an ONNX weight, its gate blocks in rnn4j's order. */
    private static float[] gates(float[] onnx, int d, int size, int rows, int cols, int[] blocks, boolean[] negate) {
        float[] part = Arrays.copyOfRange(onnx, d * size, (d + 1) * size);
        float[] out = new float[blocks.length * rows * cols];
        Exporter.reorder(part, rows, cols, blocks, negate, out, 0);
        return out;
    }

    /**
     * A model with Scan bodies (or an embedding, or state inputs) that rnn4j exported: its parameters are initializers under their own
     * names (a standard operator's combined weights taken apart again), and the graph must be the one rnn4j writes
     * for the recorded configuration, node for node.
     */
    private static SequenceModel ownScanModel(Ir.Model m, ModelFile.Description d, String source)
            throws OnnxFormatException {
        SequenceModel model = SequenceModel.create(d.config(), 0, null);
        Map<String, Ir.TensorValue> inits = new HashMap<>();
        m.graph().initializers().forEach(t -> inits.put(t.name(), t));
        RecurrentConfig net = d.config().network();
        boolean standard = Exporter.standard(net.cell());
        if (standard) {
            fillLayers(model.parameters(), standardLayers(net, inits, source), net.hiddenSize());
        }
        for (ParamView v : model.parameters().layout().views()) {
            if (standard && !v.name().startsWith("head.") && !v.name().startsWith("embedding.")) {
                continue;   // in the combined W, R, B and P tensors of the RNN, LSTM or GRU nodes
            }
            Ir.TensorValue t = inits.get(v.name());
            long[] want = Arrays.stream(v.shape()).asLongStream().toArray();
            if (t == null || t.dataType() != Fields.Tensor.FLOAT || !Arrays.equals(t.dims(), want)) {
                throw new OnnxFormatException(source + ": rnn4j's " + d.config().network().cell().kind() + " export"
                        + " keeps parameter " + v.name() + " as a float initializer of shape " + Arrays.toString(want)
                        + ", but the file " + (t == null ? "has none" : "has one of type " + Fields.Tensor.typeName(
                        t.dataType()) + " and shape " + Arrays.toString(t.dims())));
            }
            model.parameters().set(v.name(), t.floatData());
        }
        boolean lengths = hasInput(m, "lengths");
        long opset = m.opsets().get("");
        if (opset < OnnxExport.MIN_OPSET || opset > OnnxExport.MAX_OPSET) {
            throw new OnnxFormatException(source + ": declares operator set " + opset + ", which rnn4j does not write");
        }
        Ir.Model expected = Exporter.build(model, d.provenance(), d.data(), new ExportOptions((int) opset, lengths,
                hasInput(m, "h0")));
        List<Ir.Node> want = expected.graph().nodes();
        List<Ir.Node> got = m.graph().nodes();
        for (int k = 0; k < Math.max(want.size(), got.size()); k++) {
            if (k >= got.size()) {
                throw new OnnxFormatException(source + ": the graph ends before " + want.get(k).describe() + ", which"
                        + " rnn4j writes for this model; rnn4j reads back its Scan layers only unchanged");
            }
            if (k >= want.size() || !Arrays.equals(ProtoWriter.node(want.get(k)), ProtoWriter.node(got.get(k)))) {
                throw new OnnxFormatException(source + ": " + got.get(k).describe() + " is not what rnn4j writes"
                        + " for this model at that place; rnn4j reads back its Scan layers only unchanged");
            }
        }
        if (!Arrays.equals(ProtoWriter.graph(withoutDoc(expected.graph())), ProtoWriter.graph(withoutDoc(m.graph())))) {
            throw new OnnxFormatException(source + ": the graph's inputs, outputs or constants are not what rnn4j"
                    + " writes for this model; rnn4j reads back its Scan layers only unchanged");
        }
        return model;
    }

    private static boolean hasInput(Ir.Model m, String name) {
        return m.graph().inputs().stream().anyMatch(i -> i.name().equals(name));
    }

    /** The layers of standard operators from their initializers W_l{k}, R_l{k}, B_l{k} and P_l{k}, as rnn4j names them. */
    private static List<GraphReader.Layer> standardLayers(RecurrentConfig net, Map<String, Ir.TensorValue> inits,
                                                          String source) throws OnnxFormatException {
        CellSpec cell = net.cell();
        String op = cell.kind();
        int gates = switch (op) {
            case "RNN" -> 1;
            case "GRU" -> 3;
            default -> 4;
        };
        int h = net.hiddenSize();
        int dirs = net.directions();
        List<GraphReader.Layer> layers = new java.util.ArrayList<>();
        for (int l = 0; l < net.numLayers(); l++) {
            int in = l == 0 ? net.inputSize() : net.outputSize();
            float[] w = initializer(inits, "W_l" + l, source, dirs, (long) gates * h, in);
            float[] r = initializer(inits, "R_l" + l, source, dirs, (long) gates * h, h);
            float[] b = initializer(inits, "B_l" + l, source, dirs, 2L * gates * h);
            float[] p = cell instanceof LstmSpec lstm && lstm.peepholes()
                    ? initializer(inits, "P_l" + l, source, dirs, 3L * h) : null;
            layers.add(new GraphReader.Layer(null, op, cell, h, dirs, in, w, r, b, p));
        }
        return layers;
    }

    private static float[] initializer(Map<String, Ir.TensorValue> inits, String name, String source, long... dims)
            throws OnnxFormatException {
        Ir.TensorValue t = inits.get(name);
        if (t == null || t.dataType() != Fields.Tensor.FLOAT || !Arrays.equals(t.dims(), dims)) {
            throw new OnnxFormatException(source + ": rnn4j's export keeps " + name + " as a float initializer of"
                    + " shape " + Arrays.toString(dims) + ", but the file " + (t == null ? "has none"
                    : "has one of shape " + Arrays.toString(t.dims())));
        }
        return t.floatData();
    }

    /** The graph without its doc string, which names the rnn4j version that wrote it. */
    private static Ir.Graph withoutDoc(Ir.Graph g) {
        return new Ir.Graph(g.name(), g.nodes(), g.initializers(), g.inputs(), g.outputs(), g.valueInfo(), "");
    }
}
