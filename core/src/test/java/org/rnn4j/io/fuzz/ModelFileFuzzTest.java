package org.rnn4j.io.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.ModelFileException;
import org.rnn4j.io.Provenance;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.RecurrentConfig;
import org.rnn4j.nn.SequenceModel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * {@link ModelFile#read} and {@link ModelFile#load} on any bytes: the contents or a one-line
 * {@link ModelFileException} (or another IOException) naming the file. The first byte chooses what the rest is: even,
 * the file itself (most mutations then stop at the checksum); odd, the file without its last four bytes, which the test
 * completes with the right CRC-32, so that mutations reach the header's JSON, the architecture, the manifest, the
 * data description and the extra arrays. Seeds: a model with a data description and a checkpoint with extra arrays
 * and meta, as {@link ModelFile#write} writes them.
 */
class ModelFileFuzzTest {

    static Stream<Arguments> readsAnyBytes() throws IOException {
        Path dir = ReaderContract.scratch();
        SequenceModel lstm = SequenceModel.create(new ModelConfig(new RecurrentConfig(
                CellSpec.lstm().withPeepholes(true).withProjSize(2), 2, 3, 1, true, 0f), Head.LAST_STEP, 2), 1,
                Compute.serial());
        Path model = dir.resolve("seed-model.rnn4j");
        ModelFile.save(model, lstm, Provenance.current(1, "fuzz seed"), new DataSchema(null, null, List.of("a", "b"),
                "label", List.of(), List.of("no", "yes"), new float[] {0, 1}, new float[] {1, 2}));
        SequenceModel gru = SequenceModel.create(new ModelConfig(new RecurrentConfig(CellSpec.gru(), 1, 2, 1, false,
                0f), Head.EVERY_STEP, 1), 2, Compute.serial());
        Path checkpoint = dir.resolve("seed-checkpoint.rnn4j");
        ModelFile.write(checkpoint, new ModelFile.Contents("checkpoint", gru.config(), gru.parameters().values(),
                Provenance.current(2, "fuzz seed"), Map.of("m", new float[gru.parameters().values().length]),
                Map.of("step", 3L, "rng", "abc")));
        byte[] a = Files.readAllBytes(model);
        byte[] b = Files.readAllBytes(checkpoint);
        Files.delete(model);
        Files.delete(checkpoint);
        return Stream.of(tagged(0, a), tagged(1, withoutChecksum(a)), tagged(1, withoutChecksum(b)))
                .map(x -> Arguments.of((Object) x));
    }

    @MethodSource
    @FuzzTest(maxDuration = "5m")
    void readsAnyBytes(byte[] data) throws IOException {
        if (data.length == 0) {
            ReaderContract.readFile("fuzz.rnn4j", data, ModelFile::read);
            return;
        }
        byte[] rest = Arrays.copyOfRange(data, 1, data.length);
        byte[] file = (data[0] & 1) == 0 ? rest : withChecksum(rest);
        ReaderContract.readFile("fuzz.rnn4j", file, ModelFile::read);
        ReaderContract.readFile("fuzz.rnn4j", file, f -> ModelFile.load(f, Compute.serial()));
    }

    static byte[] withChecksum(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        byte[] out = Arrays.copyOf(body, body.length + 4);
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(body.length, (int) crc.getValue());
        return out;
    }

    private static byte[] withoutChecksum(byte[] file) {
        return Arrays.copyOf(file, file.length - 4);
    }

    private static byte[] tagged(int tag, byte[] rest) {
        byte[] b = new byte[rest.length + 1];
        b[0] = (byte) tag;
        System.arraycopy(rest, 0, b, 1, rest.length);
        return b;
    }
}
