package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.RecurrentConfig;
import org.rnn4j.nn.SequenceModel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The optional {@code data} key of the model file header: columns, class names and standardisation. */
class ModelFileDataSchemaTest {

    @TempDir
    Path dir;

    private static SequenceModel model() {
        return SequenceModel.create(new ModelConfig(new RecurrentConfig(CellSpec.gru(), 3, 4, 1, false, 0f),
                Head.LAST_STEP, 2), 7, Compute.serial());
    }

    @Test
    void dataSchemaSurvivesSaveAndLoadBitForBit() throws IOException {
        DataSchema schema = new DataSchema("id", "t", List.of("a", "b", "c, with comma"), "label", List.of(),
                List.of("cat", "dog"), new float[]{0.1f, -2.5e-7f, 3f}, new float[]{1f, 0.3333333f, 1e-3f});
        Path file = dir.resolve("m.rnn4j");
        ModelFile.save(file, model(), Provenance.current(7, "test"), schema);
        ModelFile.Loaded loaded = ModelFile.load(file, null);
        assertEquals(schema, loaded.data());
        assertArrayEquals(schema.std(), loaded.data().std());
        assertEquals(schema, ModelFile.read(file).data());
    }

    @Test
    void aFileWithoutDataHasNoDataKeyAndLoadsWithNullData() throws IOException {
        Path file = dir.resolve("plain.rnn4j");
        ModelFile.save(file, model(), Provenance.current(7, "test"));
        assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains("\"data\": {"),
                "no data key: files without a schema are as before");
        assertNull(ModelFile.load(file, null).data());
        DataSchema unscaled = new DataSchema(null, null, List.of(), null, List.of("y", "z"), List.of(), null, null);
        ModelFile.save(file, model(), Provenance.current(7, "test"), unscaled);
        assertEquals(unscaled, ModelFile.load(file, null).data());
        assertFalse(ModelFile.load(file, null).data().standardized());
    }

    @Test
    void invalidStandardisationIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DataSchema(null, null,
                List.of(), null, List.of(), List.of(), new float[]{0f}, new float[]{0f}));
        assertTrue(e.getMessage().contains("std"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DataSchema(null, null, List.of("a", "b"), null,
                List.of(), List.of(), new float[]{0f}, new float[]{1f}));
    }
}
