package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Version;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.RecurrentConfig;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Saving and loading keep the architecture, every parameter bit and the outputs; the container holds extras. */
class ModelFileTest {

    @TempDir
    Path dir;

    static List<ModelConfig> architectures() {
        List<CellSpec> cells = new ArrayList<>(List.of(CellSpec.rnnTanh(), CellSpec.rnnRelu(), CellSpec.gru(),
                CellSpec.gru().original(), CellSpec.lstm().withCellClip(3.5f)));
        for (int options = 0; options < 8; options++) {
            cells.add(CellSpec.lstm().withPeepholes((options & 1) != 0).withCifg((options & 2) != 0)
                    .withProjSize((options & 4) != 0 ? 3 : 0));
        }
        List<ModelConfig> configs = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            boolean bidirectional = i % 2 == 0;
            int layers = 1 + i % 3 % 2;
            Head head = i % 3 == 0 ? Head.LAST_STEP : Head.EVERY_STEP;
            configs.add(new ModelConfig(new RecurrentConfig(cells.get(i), 2, 5, layers, bidirectional,
                    layers > 1 ? 0.25f : 0f), head, 3));
        }
        return configs;
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void savedAndLoadedModelHasTheSameConfigParametersAndOutputs(ModelConfig config) throws IOException {
        SequenceModel model = SequenceModel.create(config, 77, Compute.serial());
        Path file = dir.resolve("model.rnn4j");
        Provenance provenance = Provenance.current(77, "round trip test").withExtra("epochs", "0");
        ModelFile.save(file, model, provenance);

        ModelFile.Loaded loaded = ModelFile.load(file, Compute.serial());
        assertEquals(config, loaded.model().config());
        assertEquals(provenance, loaded.provenance());
        assertEquals(ModelFile.FORMAT_VERSION, loaded.formatVersion());
        assertEquals(Map.of(), loaded.meta());
        assertEquals(model.parameters().layout().views(), loaded.model().parameters().layout().views());
        assertSameBits("parameters", model.parameters().values(), loaded.model().parameters().values());

        SplittableRandom rnd = new SplittableRandom(5);
        Tensor x = Tensor.zeros(3, 4, 2);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) rnd.nextDouble(-1, 1);
        }
        int[] lengths = {4, 1, 3};
        assertSameBits("outputs", model.forward(x, Sequences.of(lengths), null).data(), loaded.model().forward(x,
                Sequences.of(lengths), null).data());
    }

    @Test
    void everyFloatBitPatternSurvivesIncludingNanPayloadsAndNegativeZero() throws IOException {
        ModelConfig config = new ModelConfig(new RecurrentConfig(CellSpec.rnnTanh(), 1, 1, 1, false, 0f),
                Head.LAST_STEP, 1);
        float[] special = {Float.intBitsToFloat(0x7fc01234), Float.intBitsToFloat(0xffa00001), -0f,
                Float.MIN_VALUE, Float.NEGATIVE_INFINITY, Float.MAX_VALUE};
        float[] values = Arrays.copyOf(special, SequenceModel.layout(config).size());
        Path file = dir.resolve("bits.rnn4j");
        ModelFile.write(file, new ModelFile.Contents("model", config, values, Provenance.current(0, ""),
                Map.of("array", special), Map.of()));
        ModelFile.Contents read = ModelFile.read(file);
        assertSameBits("parameters", values, read.parameters());
        assertSameBits("array", special, read.arrays().get("array"));
    }

    @Test
    void extraArraysAndMetaRoundTripInOrder() throws IOException {
        ModelConfig config = new ModelConfig(new RecurrentConfig(CellSpec.gru(), 3, 2, 1, false, 0f),
                Head.EVERY_STEP, 2);
        float[] parameters = SequenceModel.create(config, 1, Compute.serial()).parameters().values();
        Map<String, float[]> arrays = new LinkedHashMap<>();
        arrays.put("adam.m", fill(parameters.length, 0.5f));
        arrays.put("adam.v", fill(parameters.length, -2f));
        arrays.put("empty", new float[0]);
        arrays.put("short", new float[] {1, 2, 3});
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("step", 1234L);
        meta.put("rng", "SplittableRandom:0x1234abcd");
        meta.put("lr", 0.001);
        meta.put("nested", Map.of("list", List.of(1L, "two", true)));
        meta.put("nothing", null);
        ModelFile.Contents contents = new ModelFile.Contents("checkpoint", config, parameters,
                Provenance.current(9, "data/train.csv"), arrays, meta);
        Path file = dir.resolve("checkpoint.rnn4j");
        ModelFile.write(file, contents);

        ModelFile.Contents read = ModelFile.read(file);
        assertEquals("checkpoint", read.kind());
        assertEquals(config, read.config());
        assertEquals(contents.provenance(), read.provenance());
        assertEquals(meta, read.meta());
        assertEquals(List.copyOf(arrays.keySet()), List.copyOf(read.arrays().keySet()));
        for (String name : arrays.keySet()) {
            assertSameBits(name, arrays.get(name), read.arrays().get(name));
        }
        assertSameBits("parameters", parameters, read.parameters());

        ModelFile.Loaded loaded = ModelFile.load(file, Compute.serial());
        assertEquals(meta, loaded.meta());
        assertSameBits("loaded parameters", parameters, loaded.model().parameters().values());
    }

    @Test
    void fileIsAPreambleAReadableJsonHeaderAlignedDataAndAChecksum() throws IOException {
        ModelConfig config = new ModelConfig(new RecurrentConfig(CellSpec.lstm().withProjSize(2), 3, 4, 1, false, 0f),
                Head.LAST_STEP, 2);
        SequenceModel model = SequenceModel.create(config, 3, Compute.serial());
        Path file = dir.resolve("layout.rnn4j");
        ModelFile.save(file, model, Provenance.current(3, "layout test"));
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

        assertEquals("RNN4JMDL", new String(bytes, 0, 8, StandardCharsets.US_ASCII));
        assertEquals(1, le.getInt(8));
        int n = le.getInt(12);
        assertEquals(0, (16 + n) % 8, "data starts at a multiple of 8");
        String header = new String(bytes, 16, n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\n  \"kind\": \"model\",\n  \"config\": {"), header);
        assertTrue(header.matches("(?s).*\\} *\n"), "padded with spaces, ends with a newline: " + header);
        assertTrue(header.contains("{\"name\": \"weight_hr_l0\", \"offset\": 112, \"shape\": [2, 4]}"), header);
        Map<?, ?> json = (Map<?, ?>) Json.parse(header);
        assertEquals(List.of("kind", "config", "parameterCount", "manifest", "arrays", "provenance", "meta"),
                List.copyOf(json.keySet()));
        assertEquals(Json.parse("""
                {"network": {"cell": {"kind": "LSTM", "peepholes": false, "cifg": false, "projSize": 2,
                                      "cellClip": 0.0},
                             "inputSize": 3, "hiddenSize": 4, "numLayers": 1, "bidirectional": false,
                             "dropout": 0.0},
                 "head": "LAST_STEP", "outputSize": 2}"""), json.get("config"));

        float[] values = model.parameters().values();
        assertEquals(16 + n + 4 * values.length + 4, bytes.length);
        for (int i = 0; i < values.length; i++) {
            assertEquals(Float.floatToRawIntBits(values[i]), le.getInt(16 + n + 4 * i), "parameter " + i);
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        assertEquals((int) crc.getValue(), le.getInt(bytes.length - 4));
    }

    @Test
    void saveReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
        ModelConfig config = new ModelConfig(new RecurrentConfig(CellSpec.gru(), 2, 3, 1, false, 0f),
                Head.LAST_STEP, 1);
        Path file = dir.resolve("replaced.rnn4j");
        Files.writeString(file, "an older file");
        SequenceModel model = SequenceModel.create(config, 1, Compute.serial());
        ModelFile.save(file, model, Provenance.current(1, ""));
        assertSameBits("parameters", model.parameters().values(),
                ModelFile.load(file, Compute.serial()).model().parameters().values());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void currentProvenanceDescribesThisLibraryJvmAndMachine() {
        Provenance p = Provenance.current(42, "adding problem");
        assertEquals(Version.VERSION, p.libraryVersion());
        assertTrue(p.jdk().startsWith(Runtime.version().toString()), p.jdk());
        assertTrue(p.os().startsWith(System.getProperty("os.name")), p.os());
        assertEquals(System.getProperty("os.arch"), p.arch());
        assertEquals(42, p.seed());
        assertEquals("adding problem", p.data());
        assertTrue(p.createdAt().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), p.createdAt());
        assertFalse(Instant.parse(p.createdAt()).isAfter(Instant.now()));
        assertEquals(Map.of("a", "1"), p.withExtra("a", "1").extra());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Provenance("v", "j", "o", "a", 1, "", "yesterday", Map.of()));
        assertEquals("createdAt must be an ISO-8601 instant in UTC such as 2025-03-01T12:00:00Z, got \"yesterday\"",
                e.getMessage());
    }

    @Test
    void contentsWithTheWrongNumberOfParametersAreRefused() {
        ModelConfig config = new ModelConfig(new RecurrentConfig(CellSpec.rnnTanh(), 2, 3, 1, false, 0f),
                Head.LAST_STEP, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelFile.Contents("model", config, new float[5], Provenance.current(0, "")));
        assertEquals("parameters has 5 values, but the architecture in config has 25", e.getMessage());
    }

    static float[] fill(int n, float start) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = start + i / 8f;
        }
        return a;
    }

    static void assertSameBits(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": first difference at [" + i + "]: expected " + expected[i] + " (0x"
                        + Integer.toHexString(Float.floatToRawIntBits(expected[i])) + "), got " + actual[i] + " (0x"
                        + Integer.toHexString(Float.floatToRawIntBits(actual[i])) + ")");
            }
        }
    }
}
