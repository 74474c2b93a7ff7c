package org.rnn4j.onnx;

import org.junit.jupiter.api.Test;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Malformed and unmappable ONNX models are refused with one sentence naming the place, the operator and the attribute. */
class OnnxImportErrorsTest {

    private static String refusal(byte[] bytes) {
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImport.read(bytes, "m.onnx"));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        assertTrue(m.startsWith("m.onnx"), m);
        return m;
    }

    private static Ir.Model export(CellSpec cell, boolean keepMetadata) {
        SequenceModel model = Models.random(cell, 2, true, Head.EVERY_STEP, 77);
        Ir.Model m = Exporter.build(model, Models.PROVENANCE, null, ExportOptions.DEFAULT);
        return keepMetadata ? m : new Ir.Model(m.irVersion(), "other", "", "", 1, "", m.graph(), m.opsets(),
                new java.util.LinkedHashMap<>());
    }

    /** The model with every node passed through {@code edit}. */
    private static byte[] edited(Ir.Model m, UnaryOperator<Ir.Node> edit) {
        List<Ir.Node> nodes = new ArrayList<>();
        m.graph().nodes().forEach(n -> nodes.add(edit.apply(n)));
        Ir.Graph g = m.graph();
        return ProtoWriter.model(new Ir.Model(m.irVersion(), m.producerName(), m.producerVersion(), m.domain(),
                m.modelVersion(), m.docString(), new Ir.Graph(g.name(), nodes, g.initializers(), g.inputs(),
                g.outputs(), g.valueInfo(), g.docString()), m.opsets(), m.metadata()));
    }

    private static Ir.Node withAttr(Ir.Node n, Ir.Attr a) {
        List<Ir.Attr> attrs = new ArrayList<>(n.attributes());
        attrs.removeIf(x -> x.name().equals(a.name()));
        attrs.add(a);
        return new Ir.Node(n.name(), n.opType(), n.domain(), n.inputs(), n.outputs(), attrs, n.docString());
    }

    @Test
    void emptyTruncatedAndNonProtobufFilesAreRefused() {
        assertTrue(refusal(new byte[0]).contains("has no graph (the file is empty)"));
        byte[] whole = ProtoWriter.model(export(CellSpec.gru(), false));
        assertTrue(refusal(Arrays.copyOf(whole, whole.length / 2)).contains("is the file truncated?"));
        assertTrue(refusal("not a model at all\n".getBytes()).contains("is not a readable ONNX model"));
    }

    @Test
    void tensorWhoseValuesDoNotFitItsShapeIsRefusedNamingIt() {
        Ir.Model m = export(CellSpec.rnnTanh(), false);
        List<Ir.TensorValue> inits = new ArrayList<>(m.graph().initializers());
        Ir.TensorValue w = inits.get(0);
        inits.set(0, new Ir.TensorValue(w.name(), w.dataType(), w.dims(), Arrays.copyOf(w.raw(), 8), ""));
        Ir.Graph g = m.graph();
        byte[] bytes = ProtoWriter.model(new Ir.Model(m.irVersion(), "", "", "", 1, "", new Ir.Graph(g.name(),
                g.nodes(), inits, g.inputs(), g.outputs(), g.valueInfo(), ""), m.opsets(), m.metadata()));
        String msg = refusal(bytes);
        assertTrue(msg.contains("('" + w.name() + "')") && msg.contains("holds 8 bytes"), msg);
    }

    @Test
    void rnnWithAnActivationRnn4jDoesNotHaveIsRefusedNamingTheAttribute() {
        byte[] bytes = edited(export(CellSpec.rnnTanh(), false), n -> n.opType().equals("RNN")
                ? withAttr(n, Ir.Attr.strings("activations", "Sigmoid", "Sigmoid")) : n);
        String msg = refusal(bytes);
        assertTrue(msg.contains("node 'Y_l0' (RNN) has attribute activations = [Sigmoid, Sigmoid]"), msg);
    }

    @Test
    void reverseOnlyLayerAndUnknownAttributeAreRefused() {
        byte[] reverse = edited(export(CellSpec.lstm(), false), n -> n.opType().equals("LSTM")
                ? withAttr(n, Ir.Attr.of("direction", "reverse")) : n);
        assertTrue(refusal(reverse).contains("node 'Y_l0' (LSTM) has attribute direction = 'reverse'"));
        byte[] unknown = edited(export(CellSpec.gru(), false), n -> n.opType().equals("GRU")
                ? withAttr(n, Ir.Attr.of("fancy", 1L)) : n);
        assertTrue(refusal(unknown).contains("node 'Y_l0' (GRU) has attribute fancy"));
    }

    @Test
    void initialStateThatIsNotZeroIsRefusedNamingTheInput() {
        Ir.Model m = export(CellSpec.gru(), false);
        String hName = m.graph().initializers().get(0).name();   // any float constant will do as a non-zero state
        byte[] bytes = edited(m, n -> {
            if (!n.opType().equals("GRU") || !n.name().equals("Y_l0")) {
                return n;
            }
            List<String> in = new ArrayList<>(n.inputs());
            in.set(5, hName);
            return new Ir.Node(n.name(), n.opType(), n.domain(), in, n.outputs(), n.attributes(), "");
        });
        String msg = refusal(bytes);
        assertTrue(msg.contains("node 'Y_l0' (GRU) starts from the initial state " + hName), msg);
    }

    @Test
    void editedScanExportIsRefusedNamingTheNode() {
        byte[] bytes = edited(export(CellSpec.phasedLstm(), true), n -> n.name().equals("l0.time_gate")
                ? new Ir.Node(n.name(), n.opType(), n.domain(), List.of(n.input(0), n.input(2), n.input(1)),
                n.outputs(), n.attributes(), "") : n);
        String msg = refusal(bytes);
        assertTrue(msg.contains("node 'l0.time_gate' (Where) is not what rnn4j writes"), msg);
    }

    @Test
    void scanGraphWithoutRnn4jsDescriptionIsRefusedNamingTheScan() {
        String msg = refusal(ProtoWriter.model(export(CellSpec.lstm().withProjSize(2), false)));
        assertTrue(msg.contains("(Scan) runs a loop body"), msg);
    }
}
