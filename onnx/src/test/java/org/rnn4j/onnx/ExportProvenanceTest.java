package org.rnn4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.io.Provenance;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.param.ParamView;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the exported file says about itself, read by ONNX Runtime (names, shapes, producer, doc strings, metadata) and
 * by the file's initializers: the inputs and outputs are named and shaped as docs/onnx.md says, the doc string carries
 * the model's provenance, and every parameter is an initializer named after it (or, in a standard operator's combined
 * tensor, named in that tensor's doc string).
 */
class ExportProvenanceTest {

    static final Provenance PROVENANCE = new Provenance("0.1.0-test", "25.0.1 (Test JDK)", "TestOS", "testarch", 4321,
            "adding problem, T=8, 320 sequences", "2025-02-03T04:05:06Z", Map.of("run", "provenance-test"));

    static List<String> cells() {
        return List.copyOf(Models.CELLS.keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void namesShapesAndDocStringsCarryTheModelAndItsProvenance(String name) throws Exception {
        CellSpec cell = Models.CELLS.get(name);
        boolean last = cells().indexOf(name) % 2 == 1;   // both heads over the cells
        SequenceModel model = Models.random(cell, 2, true, last ? Head.LAST_STEP : Head.EVERY_STEP, 11);
        byte[] bytes = OnnxExport.toBytes(model, PROVENANCE, null, ExportOptions.DEFAULT);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(bytes, new OrtSession.SessionOptions())) {
            OnnxModelMetadata meta = session.getMetadata();
            assertEquals("rnn4j", meta.getProducerName(), name);
            assertEquals("rnn4j_" + cell.kind().toLowerCase(java.util.Locale.ROOT), meta.getGraphName(), name);
            for (String doc : List.of(meta.getDescription(), meta.getGraphDescription())) {
                for (String fact : List.of("rnn4j " + cell.kind(), "2 layers", "hidden " + Models.HIDDEN,
                        "bidirectional", "input " + Models.FEATURES, last ? "the last step" : "every step",
                        "Made by rnn4j 0.1.0-test", "25.0.1 (Test JDK)", "TestOS testarch", "2025-02-03T04:05:06Z",
                        "seed 4321", "trained on adding problem, T=8, 320 sequences", "run = provenance-test")) {
                    assertTrue(doc.contains(fact), name + ": the doc string lacks '" + fact + "': " + doc);
                }
            }
            String described = meta.getCustomMetadataValue(Exporter.META_MODEL).orElseThrow();
            assertTrue(described.contains("\"seed\":4321") || described.contains("\"seed\": 4321"), described);

            Map<String, List<Object>> in = shapes(session.getInputInfo());
            Map<String, List<Object>> expected = new LinkedHashMap<>();
            expected.put("x", List.of("batch", "steps", (long) Models.FEATURES));
            expected.put("lengths", List.of("batch"));
            if (Models.timed(cell)) {
                expected.put("times", List.of("batch", "steps"));
            }
            assertEquals(expected, in, name + ": inputs");
            assertEquals(Map.of("y", last ? List.of("batch", 2L) : List.of("batch", "steps", 2L)),
                    shapes(session.getOutputInfo()), name + ": outputs");
        }

        // every parameter is in the file under its rnn4j name, or named in a combined tensor's doc string
        Ir.Model m = ProtoReader.model(bytes, name);
        Map<String, Ir.TensorValue> inits = new HashMap<>();
        m.graph().initializers().forEach(t -> inits.put(t.name(), t));
        String combinedDocs = m.graph().initializers().stream().filter(t -> t.name().matches("[WRBP]_l\\d"))
                .map(Ir.TensorValue::docString).collect(Collectors.joining(" | "));
        Set<String> standardNames = Set.of("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_peephole");
        for (ParamView v : model.parameters().layout().views()) {
            Ir.TensorValue t = inits.get(v.name());
            if (t != null) {
                assertArrayEquals(Arrays.stream(v.shape()).asLongStream().toArray(), t.dims(), v.name());
                assertArrayEquals(model.parameters().get(v.name()), t.floatData(), v.name());
            } else {
                String base = v.name().replaceAll("_l\\d+(_reverse)?$", "");
                assertTrue(Exporter.standard(cell) && standardNames.contains(base), name + ": parameter " + v.name()
                        + " is not an initializer of the file");
                String layer = v.name().replaceAll("^.*_(l\\d+)(_reverse)?$", "$1");
                assertTrue(combinedDocs.contains(base + "_" + layer), name + ": no doc string names " + v.name()
                        + ": " + combinedDocs);
            }
        }
    }

    /** Each value's dimensions: a size (Long) or the dimension's name. */
    private static Map<String, List<Object>> shapes(Map<String, NodeInfo> infos) {
        Map<String, List<Object>> out = new LinkedHashMap<>();
        infos.forEach((k, n) -> {
            TensorInfo t = (TensorInfo) n.getInfo();
            Object[] dims = new Object[t.getShape().length];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = t.getShape()[i] >= 0 ? (Object) t.getShape()[i] : t.getDimensionNames()[i];
            }
            out.put(k, List.of(dims));
        });
        return out;
    }
}
