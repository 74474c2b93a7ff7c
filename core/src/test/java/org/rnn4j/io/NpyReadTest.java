package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.rnn4j.tensor.Tensor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rnn4j.io.IoFixtures.assertMentions;
import static org.rnn4j.io.IoFixtures.npyFixture;

/**
 * Files written by NumPy (scripts/fixtures/make_npy_fixtures.py) read as the values the script put there;
 * the expected values are restated here from the script's np.arange formulas.
 */
class NpyReadTest {

    @Test
    void float32ArrayOfShape2x3x4HoldsArangeTimesQuarterMinus3() throws IOException {
        NpyArray a = Npy.read(npyFixture("f4_2x3x4.npy"));
        assertEquals(DType.FLOAT32, a.dtype());
        assertArrayEquals(new int[]{2, 3, 4}, a.shape());
        float[] expected = new float[24];
        for (int i = 0; i < 24; i++) {
            expected[i] = i * 0.25f - 3;
        }
        Tensor t = a.toTensor();
        assertArrayEquals(new int[]{2, 3, 4}, t.shape());
        assertArrayEquals(expected, t.data());
        assertEquals(13 * 0.25f - 3, t.get(1, 0, 1)); // row-major: flat index 1*12 + 0*4 + 1
    }

    @Test
    void float64VectorKeepsItsDoublesExactly() throws IOException {
        NpyArray a = Npy.read(npyFixture("f8_5.npy"));
        assertEquals(DType.FLOAT64, a.dtype());
        assertArrayEquals(new int[]{5}, a.shape());
        double[] expected = new double[5];
        for (int i = 0; i < 5; i++) {
            expected[i] = i * 0.1;
        }
        assertArrayEquals(expected, a.toDoubleArray());
        assertArrayEquals(new float[]{0f, 0.1f, 0.2f, (float) 0.30000000000000004, 0.4f}, a.toFloatArray());
    }

    @Test
    void int32ScalarHasShapeOfRankZeroAndOneValue() throws IOException {
        NpyArray a = Npy.read(npyFixture("i4_scalar.npy"));
        assertEquals(DType.INT32, a.dtype());
        assertEquals(0, a.rank());
        assertEquals(1, a.size());
        assertArrayEquals(new int[]{42}, a.toIntArray());
        assertEquals(42f, a.toTensor().get());
    }

    @Test
    void int32MatrixHoldsArangeMinus3() throws IOException {
        NpyArray a = Npy.read(npyFixture("i4_2x3.npy"));
        assertArrayEquals(new int[]{2, 3}, a.shape());
        assertArrayEquals(new int[]{-3, -2, -1, 0, 1, 2}, a.toIntArray());
    }

    @Test
    void int64ArrayWithZeroRowsIsEmptyButKeepsItsShape() throws IOException {
        NpyArray a = Npy.read(npyFixture("i8_0x3.npy"));
        assertEquals(DType.INT64, a.dtype());
        assertArrayEquals(new int[]{0, 3}, a.shape());
        assertEquals(0, a.size());
        assertArrayEquals(new int[]{0, 3}, a.toTensor().shape());
    }

    @Test
    void int64BeyondInt32ReadsExactlyAndIntConversionNamesFileIndexAndValue() throws IOException {
        NpyArray a = Npy.read(npyFixture("i8_5.npy"));
        assertArrayEquals(new long[]{0, 1, -1, 1L << 31, -(1L << 40)}, a.toLongArray());
        String m = assertThrows(IllegalArgumentException.class, a::toIntArray).getMessage();
        assertMentions(m, "i8_5.npy: value 2147483648 at [3] is outside the int32 range");
    }

    @Test
    void uint8AndBoolReadAsSmallIntegers() throws IOException {
        NpyArray bytes = Npy.read(npyFixture("u1_4.npy"));
        assertEquals(DType.UINT8, bytes.dtype());
        assertArrayEquals(new int[]{0, 1, 128, 255}, bytes.toIntArray());
        NpyArray bools = Npy.read(npyFixture("b1_3.npy"));
        assertEquals(DType.BOOL, bools.dtype());
        assertArrayEquals(new float[]{1, 0, 1}, bools.toFloatArray());
    }

    @Test
    void bigEndianFilesReadAsTheSameValues() throws IOException {
        NpyArray f = Npy.read(npyFixture("f4be_2x3.npy"));
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(new float[]{0f, 1.5f, 3f, 4.5f, 6f, 7.5f}, f.toFloatArray());
        NpyArray l = Npy.read(npyFixture("i8be_3.npy"));
        assertEquals(DType.INT64, l.dtype());
        assertArrayEquals(new long[]{-(1L << 40), 1 - (1L << 40), 2 - (1L << 40)}, l.toLongArray());
    }

    @Test
    void headerVersions2And3AreRead() throws IOException {
        for (String name : new String[]{"f4_v2_2x3.npy", "f4_v3_2x3.npy"}) {
            NpyArray a = Npy.read(npyFixture(name));
            assertArrayEquals(new int[]{2, 3}, a.shape(), name);
            assertArrayEquals(new float[]{0, 1, 2, 3, 4, 5}, a.toFloatArray(), name);
        }
        assertEquals(2, Files.readAllBytes(npyFixture("f4_v2_2x3.npy"))[6], "fixture is version 2.0");
        assertEquals(3, Files.readAllBytes(npyFixture("f4_v3_2x3.npy"))[6], "fixture is version 3.0");
    }

    @Test
    void readingFromAStreamConsumesExactlyOneArray() throws IOException {
        Path first = npyFixture("i4_2x3.npy");
        Path second = npyFixture("f8_5.npy");
        byte[] both = concat(Files.readAllBytes(first), Files.readAllBytes(second));
        InputStream in = new ByteArrayInputStream(both);
        assertEquals(Npy.read(first), Npy.read(in, "both"));
        assertEquals(Npy.read(second), Npy.read(in, "both"));
        assertEquals(-1, in.read());
    }

    @Test
    void sourceNamesTheFile() throws IOException {
        Path file = npyFixture("i4_2x3.npy");
        assertEquals(file.toString(), Npy.read(file).source());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
