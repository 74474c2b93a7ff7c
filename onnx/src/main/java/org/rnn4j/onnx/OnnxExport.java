package org.rnn4j.onnx;

import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Provenance;
import org.rnn4j.nn.SequenceModel;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a {@link SequenceModel} as an ONNX model for inference, runnable by ONNX Runtime and any other ONNX runtime.
 *
 * <pre>{@code
 * ModelFile.Loaded loaded = ModelFile.load(Path.of("model.rnn4j"));
 * OnnxExport.write(Path.of("model.onnx"), loaded, ExportOptions.DEFAULT);
 * }</pre>
 *
 * <p>The graph's inputs are {@code x} (batch, steps, features) float, batch-first as everywhere in rnn4j;
 * {@code lengths} (batch) int32, each sequence's valid steps (unless {@link ExportOptions#lengthsInput()} is off);
 * and for the Phased LSTM and Phased GRU {@code times} (batch, steps) double, the timestamp of every step. Its output
 * {@code y} is what {@link SequenceModel#infer} returns: (batch, steps, outputs) or (batch, outputs). With
 * {@link ExportOptions#withStateIO} the graph also takes the initial states {@code h0}, {@code c0} and returns the
 * final states {@code h_n}, {@code c_n}, so that a runtime that keeps nothing between calls can stream the model one
 * step per call.
 *
 * <p>The RNN, the LSTM without projection or cell clipping (peepholes and CIFG included) and the GRU in both forms
 * become ONNX's own {@code RNN}, {@code LSTM} and {@code GRU} operators; the LSTM with a projection or cell clipping,
 * the BN-LSTM and the Phased LSTM and GRU a {@code Scan} whose body is one step of the cell in standard operators.
 * docs/onnx.md lists what maps to what. The model's configuration and provenance go into the file's metadata and doc
 * strings, so that {@link OnnxImport} reads back the same model.
 */
public final class OnnxExport {

    /** The oldest operator set rnn4j writes (Unsqueeze and Squeeze with their axes as an input, LSTM version 14). */
    public static final int MIN_OPSET = 14;
    /** The newest operator set rnn4j writes. */
    public static final int MAX_OPSET = 21;
    /** The operator set written by default (IR version 8, read by ONNX 1.12 and later and by ONNX Runtime 1.12+). */
    public static final int DEFAULT_OPSET = 17;

    private OnnxExport() {
    }

    /** Writes a loaded model file's model, with its provenance and data schema, to {@code file} atomically. */
    public static void write(Path file, ModelFile.Loaded loaded, ExportOptions options) throws IOException {
        write(file, loaded.model(), loaded.provenance(), loaded.data(), options);
    }

    /**
     * Writes {@code model} to {@code file} atomically (a temporary file renamed over the target).
     *
     * @param provenance where the model came from; recorded in the file
     * @param data       the training data's schema, or null; with a standardisation the graph applies it to x
     * @throws IllegalArgumentException if the model has a part the export does not write (an input embedding)
     */
    public static void write(Path file, SequenceModel model, Provenance provenance, DataSchema data,
                             ExportOptions options) throws IOException {
        byte[] bytes = toBytes(model, provenance, data, options);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * The exported graph's inputs and outputs, e.g. {@code "inputs x float (batch, steps, 3), lengths int32 (batch);
     * outputs y float (batch, 2)"}: what a program that runs the file must feed and gets back.
     *
     * @throws IllegalArgumentException as {@link #toBytes}
     */
    public static String signature(ModelFile.Loaded loaded, ExportOptions options) {
        Ir.Graph g = Exporter.build(loaded.model(), loaded.provenance(), loaded.data(),
                options == null ? ExportOptions.DEFAULT : options).graph();
        return "inputs " + signature(g.inputs()) + "; outputs " + signature(g.outputs());
    }

    private static String signature(java.util.List<Ir.ValueInfo> values) {
        StringBuilder sb = new StringBuilder();
        for (Ir.ValueInfo v : values) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(v.name()).append(' ').append(Fields.Tensor.typeName(v.elemType())).append(" (");
            for (int i = 0; i < v.dims().size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(v.dims().get(i));
            }
            sb.append(')');
        }
        return sb.toString();
    }

    /** The ONNX file's bytes (a serialised ModelProto), e.g. for an ONNX Runtime session in memory. */
    public static byte[] toBytes(SequenceModel model, Provenance provenance, DataSchema data, ExportOptions options) {
        return ProtoWriter.model(Exporter.build(model, provenance, data, options == null ? ExportOptions.DEFAULT
                : options));
    }
}
