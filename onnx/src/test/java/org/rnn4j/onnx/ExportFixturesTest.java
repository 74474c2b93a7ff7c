package org.rnn4j.onnx;

import org.junit.jupiter.api.Test;
import org.rnn4j.io.DataSchema;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The exports in src/test/resources/fixtures/rnn4j, one per cell and a few with state inputs, passed the ONNX checker with shape inference
 * (scripts/fixtures/make_onnx_fixtures.py, python3-onnx 1.12). This test keeps them honest: the exporter must still
 * write exactly those bytes. With -Drnn4j.writeFixtures=true it writes them instead, for the script to check.
 */
class ExportFixturesTest {

    static final Path DIR = Path.of("src/test/resources/fixtures/rnn4j");

    /** File name → the bytes the exporter writes now. */
    static Map<String, byte[]> exports() {
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        int k = 0;
        for (String cell : Models.CELLS.keySet()) {
            Head head = k % 2 == 0 ? Head.EVERY_STEP : Head.LAST_STEP;
            SequenceModel m = Models.random(Models.CELLS.get(cell), 2, true, head, 900 + k);
            DataSchema data = k == 0 ? new DataSchema(null, null, List.of("a", "b", "c"), "label", List.of(),
                    List.of(), new float[]{1f, 2f, 3f}, new float[]{0.5f, 1f, 2f}) : null;
            files.put(cell + ".onnx", OnnxExport.toBytes(m, Models.PROVENANCE, data, ExportOptions.DEFAULT));
            k++;
        }
        SequenceModel m = Models.random(Models.CELLS.get("plstm"), 1, false, Head.LAST_STEP, 990);
        files.put("plstm-opset14-no-lengths.onnx", OnnxExport.toBytes(m, Models.PROVENANCE, null,
                ExportOptions.DEFAULT.withOpset(14).withLengthsInput(false)));
        SequenceModel e = SequenceModel.builder().cell(Models.CELLS.get("plstm")).embedding(7, 4).inputSize(2)
                .hiddenSize(Models.HIDDEN).head(Head.LAST_STEP).outputSize(3).seed(991).build();
        files.put("plstm-embedding.onnx", OnnxExport.toBytes(e, Models.PROVENANCE, null, ExportOptions.DEFAULT));
        // with state inputs and outputs (rnn4j export --state-io): standard operators (one layer, and two
        // bidirectional ones) and Scans, with and without lengths
        String[][] stateIO = {{"gru", "1", "lengths"}, {"lstm-peepholes-cifg", "2", "lengths"},
                {"lstmp", "2", "lengths"}, {"pgru", "1", "no-lengths"}};
        for (String[] c : stateIO) {
            int layers = Integer.parseInt(c[1]);
            SequenceModel s = Models.random(Models.CELLS.get(c[0]), layers, layers == 2, Head.LAST_STEP,
                    995 + layers);
            files.put(c[0] + "-state-io-" + c[2] + ".onnx", OnnxExport.toBytes(s, Models.PROVENANCE, null,
                    ExportOptions.DEFAULT.withStateIO(true).withLengthsInput(c[2].equals("lengths"))));
        }
        return files;
    }

    @Test
    void exporterStillWritesTheFilesTheOnnxCheckerPassed() throws Exception {
        Map<String, byte[]> files = exports();
        if (Boolean.getBoolean("rnn4j.writeFixtures")) {
            Files.createDirectories(DIR);
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Files.write(DIR.resolve(e.getKey()), e.getValue());
            }
            return;
        }
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path p = DIR.resolve(e.getKey());
            if (!Files.exists(p) || !java.util.Arrays.equals(Files.readAllBytes(p), e.getValue())) {
                changed.add(e.getKey());
            }
        }
        if (!changed.isEmpty()) {
            fail("the exporter no longer writes " + changed + " as committed; if the change is meant, rewrite them"
                    + " (mvn -pl onnx test -Dtest=ExportFixturesTest -Drnn4j.writeFixtures=true) and run"
                    + " scripts/fixtures/make_onnx_fixtures.py, which runs the ONNX checker on them");
        }
        assertTrue(files.size() >= Models.CELLS.size());
    }
}
