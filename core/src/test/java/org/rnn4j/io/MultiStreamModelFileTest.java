package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.MultiStreamModel;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MultiStreamModelFile}: a saved model loads back with the same architecture and parameters and gives the same
 * predictions; a damaged, truncated or single-stream file is refused with a message naming the file.
 */
class MultiStreamModelFileTest {

    @TempDir
    Path dir;

    private static MultiStreamModel model() {
        return MultiStreamModel.builder().stream(CellSpec.phasedLstm().withPeriodRange(10, 100), 3, 5, 1)
                .stream(CellSpec.gru(), 2, 4, 2).merge(CellSpec.lstm(), 6, 1).outputSize(3).seed(11).build();
    }

    private static List<MultiStreamModel.Input> inputs() {
        float[] a = new float[2 * 4 * 3];
        float[] v = new float[2 * 2 * 2];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sin(i);
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.cos(i);
        }
        return List.of(new MultiStreamModel.Input(Tensor.of(a, 2, 4, 3), null, new double[] {0, 10, 20, 30, 5, 15, 25, 35}),
                new MultiStreamModel.Input(Tensor.of(v, 2, 2, 2), new int[] {2, 1}, new double[] {0, 40, 20, 20}));
    }

    @Test
    void aSavedModelLoadsBackAndPredictsTheSame() throws IOException {
        MultiStreamModel m = model();
        Path file = dir.resolve("fused.rnn4j");
        MultiStreamModelFile.save(file, m, Provenance.current(11, "test streams"), Map.of("classes", List.of("a", "b", "c")));
        MultiStreamModelFile.Loaded loaded = MultiStreamModelFile.load(file, null);
        assertEquals(m.config(), loaded.model().config());
        assertArrayEquals(m.parameters().values(), loaded.model().parameters().values());
        assertEquals("test streams", loaded.provenance().data());
        assertEquals(List.of("a", "b", "c"), loaded.meta().get("classes"));
        m.eval();
        loaded.model().eval();
        assertArrayEquals(m.forward(inputs()).data(), loaded.model().forward(inputs()).data());
        // a different model (another seed) predicts differently: the comparison above can fail
        MultiStreamModel other = MultiStreamModel.create(m.config(), 12, null);
        other.eval();
        assertTrue(!java.util.Arrays.equals(m.forward(inputs()).data(), other.forward(inputs()).data()));
    }

    @Test
    void damagedTruncatedAndSingleStreamFilesAreRefusedByName() throws IOException {
        Path file = dir.resolve("m.rnn4j");
        MultiStreamModelFile.save(file, model(), Provenance.current(1, "x"));
        byte[] bytes = Files.readAllBytes(file);

        Path damaged = dir.resolve("damaged.rnn4j");
        byte[] flipped = bytes.clone();
        flipped[flipped.length - 20] ^= 0x40;
        Files.write(damaged, flipped);
        String msg = assertThrows(ModelFileException.class, () -> MultiStreamModelFile.load(damaged, null)).getMessage();
        assertTrue(msg.contains(damaged.toString()) && msg.contains("checksum"), msg);

        Path truncated = dir.resolve("truncated.rnn4j");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 8));
        msg = assertThrows(ModelFileException.class, () -> MultiStreamModelFile.load(truncated, null)).getMessage();
        assertTrue(msg.contains(truncated.toString()) && msg.contains("truncated"), msg);

        Path single = dir.resolve("single.rnn4j");
        ModelFile.save(single, SequenceModel.builder().cell(CellSpec.lstm()).inputSize(2).hiddenSize(3).outputSize(1)
                .build(), Provenance.current(1, "x"));
        msg = assertThrows(ModelFileException.class, () -> MultiStreamModelFile.load(single, null)).getMessage();
        assertTrue(msg.contains("is a single-stream model file"), msg);
        msg = assertThrows(ModelFileException.class, () -> ModelFile.load(file)).getMessage();
        assertTrue(msg.contains("is a multi-stream model file"), msg);
    }
}
