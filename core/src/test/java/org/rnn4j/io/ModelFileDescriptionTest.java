package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.RecurrentConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model's description (config, provenance, data) as JSON text reads back equal, and a damaged one is refused. */
class ModelFileDescriptionTest {

    private static final Provenance PROVENANCE = new Provenance("0.1", "25", "Linux", "amd64", 3, "sines",
            "2025-01-01T00:00:00Z", Map.of("lr", "0.01"));

    @Test
    void descriptionReadsBackEqualWithAndWithoutData() throws Exception {
        ModelConfig config = new ModelConfig(new RecurrentConfig(CellSpec.phasedLstm().withPeepholes(true), 3, 8, 2,
                true, 0.1f), Head.LAST_STEP, 4);
        DataSchema data = new DataSchema("id", "time", List.of("a", "b", "c"), "label", List.of(), List.of("x", "y"),
                new float[]{1, 2, 3}, new float[]{1, 1, 2});
        ModelFile.Description d = ModelFile.readDescription(Path.of("m.onnx"),
                ModelFile.describe(config, PROVENANCE, data));
        assertEquals(config, d.config());
        assertEquals(PROVENANCE, d.provenance());
        assertEquals(data, d.data());
        assertNull(ModelFile.readDescription(Path.of("m.onnx"), ModelFile.describe(config, PROVENANCE, null)).data());
    }

    @Test
    void damagedDescriptionIsRefusedNamingTheSource() {
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> ModelFile.readDescription(Path.of("m.onnx"), "{\"config\": 1}"));
        assertTrue(e.getMessage().startsWith("m.onnx "), e.getMessage());
        assertThrows(ModelFileException.class, () -> ModelFile.readDescription(Path.of("m.onnx"), "{not json"));
    }
}
