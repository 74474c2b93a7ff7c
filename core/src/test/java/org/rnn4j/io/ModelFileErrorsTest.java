package org.rnn4j.io;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.RecurrentConfig;
import org.rnn4j.nn.SequenceModel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged, truncated, foreign and inconsistent files are refused with one sentence that names the file and the
 * problem, and a failed write leaves an existing file as it was.
 */
class ModelFileErrorsTest {

    @TempDir
    Path dir;

    /** A valid file of a 2-layer bidirectional LSTMP with peepholes. */
    private byte[] valid;
    private String header;
    private byte[] data;

    @BeforeEach
    void writeAValidFile() throws IOException {
        ModelConfig config = new ModelConfig(new RecurrentConfig(
                CellSpec.lstm().withPeepholes(true).withProjSize(2), 3, 4, 2, true, 0f), Head.EVERY_STEP, 2);
        Path file = dir.resolve("valid.rnn4j");
        ModelFile.save(file, SequenceModel.create(config, 1, Compute.serial()), Provenance.current(1, "errors test"));
        valid = Files.readAllBytes(file);
        int n = ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        header = new String(valid, 16, n, StandardCharsets.UTF_8);
        data = Arrays.copyOfRange(valid, 16 + n, valid.length - 4);
    }

    @Test
    void aDataDescriptionThatDoesNotFitTheModelIsRefusedAtLoad() throws IOException {
        // the model has 3 inputs and 2 outputs
        ModelConfig config = new ModelConfig(new RecurrentConfig(CellSpec.gru(), 3, 4, 1, false, 0f), Head.LAST_STEP, 2);
        SequenceModel model = SequenceModel.create(config, 1, Compute.serial());
        String[][] cases = {
            {"classes.rnn4j", "names 3 classes [a, b, c] but the model has 2 outputs"},
            {"scale.rnn4j", "standardises 2 features but the model reads 3"},
            {"columns.rnn4j", "names 4 feature columns but the model reads 3 features"},
        };
        DataSchema[] schemas = {
            new DataSchema(null, null, null, "y", null, List.of("a", "b", "c"), null, null),
            new DataSchema(null, null, null, "y", null, null, new float[] {0, 1}, new float[] {1, 2}),
            new DataSchema(null, null, List.of("p", "q", "r", "s"), "y", null, null, null, null),
        };
        for (int i = 0; i < cases.length; i++) {
            Path file = dir.resolve(cases[i][0]);
            ModelFile.save(file, model, Provenance.current(1, "errors test"), schemas[i]);
            ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
            assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(cases[i][1]),
                    e.getMessage());
        }
        Path fits = dir.resolve("fits.rnn4j");
        ModelFile.save(fits, model, Provenance.current(1, "errors test"),
                new DataSchema(null, null, List.of("p", "q", "r"), "y", null, List.of("a", "b"), new float[3],
                        new float[] {1, 1, 1}));
        assertEquals(List.of("a", "b"), ModelFile.load(fits).data().classNames());
    }

    @Test
    void truncatedDataIsReportedWithTheExpectedAndFoundSizes() throws IOException {
        ModelFileException e = refused("truncated.rnn4j", Arrays.copyOf(valid, valid.length - 10));
        assertEquals(" is truncated: expected " + (data.length + 4) + " bytes after the header (" + (data.length / 4)
                + " parameters and 0 extra arrays as float32, and a 4-byte checksum), found " + (data.length - 6),
                rest(e));
    }

    @Test
    void truncatedHeaderIsReported() throws IOException {
        ModelFileException e = refused("cut.rnn4j", Arrays.copyOf(valid, 100));
        assertTrue(rest(e).startsWith(" is truncated or damaged: its header length is "), e.getMessage());
        e = refused("tiny.rnn4j", Arrays.copyOf(valid, 5));
        assertEquals(" is truncated: it has 5 bytes, too few for even the magic and the format version", rest(e));
        e = refused("empty.rnn4j", new byte[0]);
        assertEquals(" is empty (0 bytes), not an rnn4j model file", rest(e));
    }

    @Test
    void aFlippedBitInTheParametersFailsTheChecksum() throws IOException {
        byte[] damaged = valid.clone();
        damaged[valid.length - 20] ^= 0x10;
        ModelFileException e = refused("flipped.rnn4j", damaged);
        assertTrue(rest(e).matches(" is damaged: its checksum does not match its contents \\(CRC-32 stored 0x[0-9a-f]{8},"
                + " computed 0x[0-9a-f]{8}\\)"), e.getMessage());
    }

    @Test
    void aFlippedByteInTheHeaderIsReportedAsDamageNotAsBadJson() throws IOException {
        byte[] damaged = valid.clone();
        damaged[16] = '[';
        ModelFileException e = refused("flipped-header.rnn4j", damaged);
        assertTrue(rest(e).startsWith(" is damaged: its checksum does not match its contents"), e.getMessage());
        assertTrue(rest(e).endsWith("; its header is unreadable too"), e.getMessage());
        assertTrue(e.getCause().getMessage().contains("malformed JSON header at byte offset"), e.getCause().getMessage());
    }

    @Test
    void aFileOfAnotherFormatIsNotAModelFile() throws IOException {
        byte[] npy = "\u0093NUMPY\u0001\u0000{'descr': '<f4'}".getBytes(StandardCharsets.ISO_8859_1);
        ModelFileException e = refused("data.npy", npy);
        assertEquals(" is not an rnn4j model file: it starts with \"\\x93NUMPY\\x01\\x00\", not \"RNN4JMDL\"", rest(e));
    }

    @Test
    void aNewerFormatVersionAsksForANewerLibrary() throws IOException {
        byte[] v2 = valid.clone();
        v2[8] = 2;
        assertEquals(" has format version 2, which is newer than this library reads (1); load it with a newer rnn4j",
                rest(refused("v2.rnn4j", v2)));
        byte[] v0 = valid.clone();
        v0[8] = 0;
        assertEquals(" has format version 0, which does not exist (versions start at 1); the file is damaged",
                rest(refused("v0.rnn4j", v0)));
    }

    @Test
    void malformedJsonIsReportedAtItsByteOffsetInTheFile() throws IOException {
        String garbage = "{\"kind\": \"modèl\",, \"config\": {}}";
        ModelFileException e = refused("garbage.rnn4j", file(1, garbage, data));
        int offset = 16 + "{\"kind\": \"modèl\",".getBytes(StandardCharsets.UTF_8).length;
        assertEquals(" has a malformed JSON header at byte offset " + offset + ": expected a string key, found ','",
                rest(e));
    }

    @Test
    void aHeaderThatIsNotUtf8IsReportedAtItsByteOffset() throws IOException {
        byte[] bytes = file(1, header, data);
        bytes[16 + 12] = (byte) 0xC3;   // inside "kind": a lead byte followed by an ASCII byte
        fixChecksum(bytes);
        assertEquals(" has a header that is not valid UTF-8 at byte offset 28", rest(refused("latin1.rnn4j", bytes)));
    }

    @Test
    void aManifestThatDoesNotMatchTheArchitectureListsEveryDifference() throws IOException {
        String renamed = header.replace("\"weight_hr_l1_reverse\"", "\"weight_hr_l9_reverse\"")
                .replace("{\"name\": \"bias_ih_l0\", \"offset\": 80, \"shape\": [16]}",
                        "{\"name\": \"bias_ih_l0\", \"offset\": 80, \"shape\": [4, 4]}");
        assertTrue(!renamed.equals(header) && renamed.contains("weight_hr_l9_reverse"), header);
        ModelFileException e = refused("manifest.rnn4j", file(1, renamed, data));
        assertEquals(" does not match the architecture in its config: \"bias_ih_l0\" is [4, 4] at offset 80 in the"
                + " manifest but [16] at offset 80 in the architecture; the manifest lists \"weight_hr_l9_reverse\","
                + " which the architecture does not have; the architecture has \"weight_hr_l1_reverse\" [2, 4], which"
                + " the manifest does not list", rest(e));
    }

    @Test
    void aConfigThatDisagreesWithTheManifestIsRefused() throws IOException {
        // the parameters of a model without projection do not fit a config with one
        String noProjection = header.replace("\"projSize\": 2", "\"projSize\": 0");
        ModelFileException e = refused("config.rnn4j", file(1, noProjection, data));
        assertTrue(rest(e).matches(" declares \\d+ parameters, but the architecture in its config has \\d+"),
                e.getMessage());
    }

    @Test
    void anUnknownCellKindIsNamed() throws IOException {
        ModelFileException e = refused("cell.rnn4j", file(1, header.replace("\"LSTM\"", "\"IndRNN\""), data));
        assertEquals(" has an unknown cell kind \"IndRNN\" in config.network.cell.kind; this library knows RNN,"
                + " LSTM, GRU, BNLSTM, PhasedLSTM and PhasedGRU", rest(e));
    }

    @Test
    void missingWrongAndUnknownKeysAreNamedByTheirPath() throws IOException {
        assertEquals(" has an invalid header: config.network.hiddenSize must be an integer, found \"4\"",
                rest(refused("type.rnn4j", file(1, header.replace("\"hiddenSize\": 4", "\"hiddenSize\": \"4\""), data))));
        assertEquals(" has an invalid header: config.network has no \"numLayers\"",
                rest(refused("missing.rnn4j", file(1, header.replace("\"numLayers\": 2", "\"layers\": 2"), data))));
        assertEquals(" has an invalid header: config.network.cell has the key \"layerNorm\", which format version 1"
                        + " does not have there (expected [kind, peepholes, cifg, projSize, cellClip])",
                rest(refused("unknown.rnn4j", file(1, header.replace("\"cifg\": false", "\"cifg\": false,"
                        + " \"layerNorm\": true"), data))));
        assertEquals(" has an invalid header: config.head is \"FIRST_STEP\"; expected one of [EVERY_STEP, LAST_STEP]",
                rest(refused("head.rnn4j", file(1, header.replace("\"EVERY_STEP\"", "\"FIRST_STEP\""), data))));
        assertEquals(" has an invalid header: the header must be a JSON object, found [1,2]",
                rest(refused("array.rnn4j", file(1, "[1, 2]", data))));
    }

    @Test
    void anEmbeddingsKeysAreCheckedLikeEveryOther() throws IOException {
        ModelConfig config = new ModelConfig(new RecurrentConfig(CellSpec.gru(), 5, 3, 1, false, 0f), Head.LAST_STEP, 2,
                new org.rnn4j.nn.EmbeddingSpec(7, 4));
        Path file = dir.resolve("embedded.rnn4j");
        ModelFile.save(file, SequenceModel.create(config, 1, Compute.serial()), Provenance.current(1, "errors test"));
        byte[] bytes = Files.readAllBytes(file);
        int n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        String h = new String(bytes, 16, n, StandardCharsets.UTF_8);
        byte[] d = Arrays.copyOfRange(bytes, 16 + n, bytes.length - 4);
        assertTrue(h.contains("\"embedding.weight\""), h);
        assertEquals(" has an invalid config: an embedding needs between 1 and 2^24 = 16777216 tokens (ids travel as"
                        + " float32 inputs, exact only below 2^24), got 0",
                rest(refused("zero.rnn4j", file(1, h.replace("\"numEmbeddings\": 7", "\"numEmbeddings\": 0"), d))));
        assertEquals(" has an invalid header: config.embedding has the key \"paddingIdx\", which format version 1 does not"
                        + " have there (expected [numEmbeddings, embeddingDim])",
                rest(refused("key.rnn4j", file(1, h.replace("\"embeddingDim\": 4", "\"embeddingDim\": 4, \"paddingIdx\": 0"), d))));
        String without = h.replaceAll(",\\s*\"embedding\":\\s*\\{[^}]*\\}", "");
        assertTrue(!without.contains("\"embedding\":"), without);
        assertEquals(" declares " + (d.length / 4) + " parameters, but the architecture in its config has "
                + (d.length / 4 - 28), rest(refused("gone.rnn4j", file(1, without, d))));
    }

    @Test
    void anInvalidArchitectureGivesTheConfigsOwnReason() throws IOException {
        ModelFileException e = refused("proj.rnn4j", file(1, header.replace("\"projSize\": 2", "\"projSize\": 4"), data));
        assertEquals(" has an invalid config: projSize (4) must be smaller than hiddenSize (4), as in PyTorch", rest(e));
    }

    @Test
    void bytesAfterTheChecksumAreRefused() throws IOException {
        byte[] longer = Arrays.copyOf(valid, valid.length + 3);
        assertEquals(" is damaged: it has 3 bytes more than its header describes (expected " + valid.length
                + " bytes in all, found " + (valid.length + 3) + ")", rest(refused("longer.rnn4j", longer)));
    }

    @Test
    void aMissingFileIsTheUsualNoSuchFileException() {
        assertThrows(NoSuchFileException.class, () -> ModelFile.load(dir.resolve("absent.rnn4j"), Compute.serial()));
    }

    @Test
    void theRebuiltValidFileLoads() throws IOException {
        Path file = dir.resolve("rebuilt.rnn4j");
        Files.write(file, file(1, header, data));
        assertEquals(data.length / 4, ModelFile.load(file, Compute.serial()).model().parameters().size());
    }

    // ---- atomic writes

    @Test
    void aFailureMidWriteLeavesTheExistingFileIntactAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("valid.rnn4j");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertArrayEquals(valid, Files.readAllBytes(target));
        assertOnlyFiles(target);

        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw new UncheckedIOException(new IOException("unchecked failure (simulated)"));
        }));
        assertArrayEquals(valid, Files.readAllBytes(target));
        assertOnlyFiles(target);
    }

    @Test
    void metaThatJsonCannotHoldIsRefusedBeforeTheFileIsTouched() throws IOException {
        Path target = dir.resolve("valid.rnn4j");
        ModelFile.Contents good = ModelFile.read(target);
        ModelFile.Contents bad = new ModelFile.Contents("model", good.config(), good.parameters(), good.provenance(),
                Map.of(), Map.of("when", new Object()));
        assertThrows(IllegalArgumentException.class, () -> ModelFile.write(target, bad));
        assertArrayEquals(valid, Files.readAllBytes(target));
        assertOnlyFiles(target);
    }

    @Test
    void writingIntoAMissingDirectoryFailsWithoutCreatingAnything() {
        Path target = dir.resolve("no-such-dir").resolve("model.rnn4j");
        assertThrows(NoSuchFileException.class, () -> AtomicFiles.write(target, out -> out.write(1)));
        assertOnlyFiles(dir.resolve("valid.rnn4j"));
    }

    @Test
    void aSuccessfulWriteReplacesTheFileCompletely() throws IOException {
        Path target = dir.resolve("valid.rnn4j");
        AtomicFiles.write(target, (OutputStream out) -> out.write("new".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("new", Files.readString(target));
        assertOnlyFiles(target);
    }

    // ---- helpers

    /** Writes bytes to a file, expects reading and loading it to fail, and checks the message names the file. */
    private ModelFileException refused(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        ModelFileException read = assertThrows(ModelFileException.class, () -> ModelFile.read(file));
        ModelFileException load = assertThrows(ModelFileException.class, () -> ModelFile.load(file, Compute.serial()));
        assertEquals(read.getMessage(), load.getMessage());
        assertEquals(file, read.file());
        assertTrue(read.getMessage().startsWith(file.toString() + " "), read.getMessage());
        return read;
    }

    /** The message after the file name. */
    private static String rest(ModelFileException e) {
        return e.getMessage().substring(e.file().toString().length());
    }

    /** A file with the given version, header text and data, and a correct checksum. */
    private static byte[] file(int version, String header, byte[] data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RNN4JMDL".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(version).putInt(json.length).array());
        out.writeBytes(json);
        out.writeBytes(data);
        out.writeBytes(new byte[4]);
        byte[] bytes = out.toByteArray();
        fixChecksum(bytes);
        return bytes;
    }

    private static void fixChecksum(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 4, (int) crc.getValue());
    }

    private void assertOnlyFiles(Path... expected) {
        try (var files = Files.list(dir)) {
            List<Path> left = files.sorted().toList();
            assertEquals(List.of(expected), left, "files in " + dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
