package org.rnn4j.onnx;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.io.DataSchema;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.RecurrentConfig;
import org.rnn4j.nn.SequenceModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every model rnn4j exports comes back from the ONNX file with the same configuration and bit-identical weights. */
class RoundTripTest {

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        long seed = 500;
        for (String cell : Models.CELLS.keySet()) {
            list.add(Arguments.of(cell, 1, false, Head.EVERY_STEP, seed++));
            list.add(Arguments.of(cell, 2, true, Head.LAST_STEP, seed++));
        }
        return list.stream();
    }

    private static SequenceModel withDropout(SequenceModel m) {
        RecurrentConfig n = m.config().network();
        if (n.numLayers() < 2) {
            return m;
        }
        ModelConfig c = new ModelConfig(new RecurrentConfig(n.cell(), n.inputSize(), n.hiddenSize(), n.numLayers(),
                n.bidirectional(), 0.25f), m.config().head(), m.config().outputSize());
        SequenceModel d = SequenceModel.create(c, 0, null);
        System.arraycopy(m.parameters().values(), 0, d.parameters().values(), 0, m.parameters().size());
        return d;
    }

    @ParameterizedTest(name = "{0}, {1} layer(s), bidirectional {2}, {3}")
    @MethodSource("cases")
    void exportThenImportGivesTheSameModelBitForBit(String name, int layers, boolean bidir, Head head, long seed)
            throws Exception {
        SequenceModel model = withDropout(Models.random(Models.CELLS.get(name), layers, bidir, head, seed));
        DataSchema data = new DataSchema("id", null, List.of("a", "b", "c"), "label", List.of(), List.of("x", "y"),
                new float[]{0.5f, -1f, 2f}, new float[]{1.5f, 0.25f, 3f});
        byte[] onnx = OnnxExport.toBytes(model, Models.PROVENANCE, data, ExportOptions.DEFAULT);
        OnnxImport.Imported back = OnnxImport.read(onnx, name + ".onnx");
        assertEquals(model.config(), back.model().config());
        assertEquals(Models.PROVENANCE, back.provenance());
        assertEquals(data, back.data());
        assertArrayEquals(model.parameters().values(), back.model().parameters().values(),
                "parameters differ after the round trip");
    }

    /** Without the metadata, the standard-operator graph alone gives the architecture and the same bits. */
    @ParameterizedTest(name = "{0}, {1} layer(s), bidirectional {2}, {3}")
    @MethodSource("cases")
    void standardOperatorGraphsReadWithoutTheMetadataGiveTheSameBits(String name, int layers, boolean bidir,
                                                                     Head head, long seed) throws Exception {
        CellSpec cell = Models.CELLS.get(name);
        if (!Exporter.standard(cell)) {
            return;
        }
        SequenceModel model = Models.random(cell, layers, bidir, head, seed);
        float[] mean = {0.5f, -1f, 2f};
        float[] std = {1.5f, 0.25f, 3f};
        DataSchema data = new DataSchema(null, null, List.of(), null, List.of(), List.of(), mean, std);
        Ir.Model m = Exporter.build(model, Models.PROVENANCE, data, ExportOptions.DEFAULT);
        Ir.Model stripped = new Ir.Model(m.irVersion(), "someone", "1", "", 1, "", m.graph(), m.opsets(),
                new LinkedHashMap<>());
        OnnxImport.Imported back = OnnxImport.read(ProtoWriter.model(stripped), name + ".onnx");
        assertEquals(model.config(), back.model().config());
        assertArrayEquals(model.parameters().values(), back.model().parameters().values(),
                "parameters differ after the round trip");
        assertArrayEquals(mean, back.data().mean());
        assertArrayEquals(std, back.data().std());
        assertEquals("someone.onnx (ONNX, made by someone 1)".replace("someone.onnx", name + ".onnx"),
                back.provenance().extra().get("converted from"));
    }
}
