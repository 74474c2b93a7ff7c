package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.io.IoFixtures.npyFixture;

/**
 * What {@link Npy#write} produces reads back unchanged and is what NumPy expects. NumPy cannot run in CI,
 * so NumPy compatibility is shown two ways: the bytes equal those of np.save for the same array, and the
 * header has the layout NumPy's reader requires.
 */
class NpyWriteTest {

    @TempDir
    Path dir;

    static List<NpyArray> arraysOfEveryTypeAndAwkwardShapes() {
        float[] f = new float[24];
        for (int i = 0; i < f.length; i++) {
            f[i] = (i - 7) * 0.37f;
        }
        return List.of(
                NpyArray.ofFloats(f, 2, 3, 4),
                NpyArray.of(Tensor.of(new float[]{Float.MIN_VALUE, -0f, Float.MAX_VALUE, Float.NaN, 1e-30f}, 5)),
                NpyArray.ofFloats(new float[]{3.5f}),
                NpyArray.ofFloats(new float[0], 0, 3),
                NpyArray.ofDoubles(new double[]{Math.PI, -Math.E, Double.MIN_VALUE, 1e300, 0, 1}, 3, 2),
                NpyArray.ofDoubles(new double[]{2.5}),
                NpyArray.ofInts(new int[]{Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE}, 5),
                NpyArray.ofInts(new int[0], 4, 0, 2),
                NpyArray.ofLongs(new long[]{Long.MIN_VALUE, -(1L << 40), 0, 1L << 53, Long.MAX_VALUE, 7}, 2, 1, 3),
                NpyArray.ofLongs(new long[]{9}));
    }

    @Test
    void writeThenReadGivesBackEveryTypeAndShape() throws IOException {
        for (NpyArray a : arraysOfEveryTypeAndAwkwardShapes()) {
            Path file = dir.resolve("a.npy");
            Npy.write(file, a);
            NpyArray back = Npy.read(file);
            assertEquals(a, back, () -> a + " came back as " + back + " with values "
                    + Arrays.toString(back.toDoubleArray()));
        }
    }

    @Test
    void writtenBytesEqualThoseOfNumpysSaveForTheSameArray() throws IOException {
        for (String name : new String[]{"f4_2x3x4.npy", "f8_5.npy", "i4_scalar.npy", "i4_2x3.npy", "i8_0x3.npy",
                "i8_5.npy", "u1_4.npy", "b1_3.npy"}) {
            byte[] numpy = Files.readAllBytes(npyFixture(name));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Npy.write(out, Npy.read(npyFixture(name)));
            byte[] ours = out.toByteArray();
            assertEquals(new String(numpy, StandardCharsets.ISO_8859_1), new String(ours, StandardCharsets.ISO_8859_1),
                    name + " differs from NumPy's file");
        }
    }

    @Test
    void writtenHeaderHasTheLayoutNumpyRequires() throws IOException {
        int[][] shapes = {{}, {5}, {2, 3, 4}, {0, 3}, {1, 1, 1, 1, 1, 1, 1}};
        String[] pythonShapes = {"()", "(5,)", "(2, 3, 4)", "(0, 3)", "(1, 1, 1, 1, 1, 1, 1)"};
        for (int s = 0; s < shapes.length; s++) {
            int size = Arrays.stream(shapes[s]).reduce(1, (x, y) -> x * y);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Npy.write(out, NpyArray.ofLongs(new long[size], shapes[s]));
            byte[] b = out.toByteArray();
            String where = "shape " + pythonShapes[s];

            assertArrayEquals(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, Arrays.copyOf(b, 8), where);
            int headerLength = Short.toUnsignedInt(ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort());
            assertEquals(0, (10 + headerLength) % 64, where + ": data must start at a multiple of 64");
            assertEquals(10 + headerLength + 8L * size, b.length, where);
            String header = new String(b, 10, headerLength, StandardCharsets.ISO_8859_1);
            assertEquals('\n', header.charAt(header.length() - 1), where + ": header ends with a newline");
            String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': " + pythonShapes[s] + ", }";
            assertTrue(header.startsWith(dict), where + ": header is " + header);
            assertTrue(header.substring(dict.length(), header.length() - 1).isBlank(), where + ": only spaces follow");
        }
    }

    @Test
    void headerTooLongForVersion1IsWrittenAsVersion2() throws IOException {
        // 22000 dimensions of 1 make a header of about 66 kB, beyond version 1.0's 65535 bytes. (NumPy itself
        // allows at most 32 or 64 dimensions, so only this writer and reader exercise it.)
        int[] shape = new int[22_000];
        Arrays.fill(shape, 1);
        NpyArray a = NpyArray.ofFloats(new float[]{4.25f}, shape);
        Path file = dir.resolve("many_dims.npy");
        Npy.write(file, a);
        byte[] b = Files.readAllBytes(file);
        assertEquals(2, b[6], "major version");
        long headerLength = Integer.toUnsignedLong(ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertTrue(headerLength > 0xFFFF);
        assertEquals(0, (12 + headerLength) % 64);
        assertEquals(a, Npy.read(file));
    }
}
