package org.rnn4j.io;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rnn4j.io.IoFixtures.floatRange;
import static org.rnn4j.io.IoFixtures.npy;

/** Headers that NumPy, older NumPy or other writers produce are all read; the dict is parsed, not matched. */
class NpyHeaderParsingTest {

    private static NpyArray read(String header, byte[] data) throws IOException {
        return Npy.read(new ByteArrayInputStream(npy(1, header, data)), "h.npy");
    }

    @Test
    void keysInAnyOrderWithOddSpacingAndNoTrailingComma() throws IOException {
        NpyArray a = read("{ 'shape' :( 2 ,3 ) ,'fortran_order':False,\t\"descr\" : \"<f4\"}   \n", floatRange(6));
        assertArrayEquals(new int[]{2, 3}, a.shape());
        assertArrayEquals(new float[]{0, 1, 2, 3, 4, 5}, a.toFloatArray());
    }

    @Test
    void oneDimensionalScalarAndPython2LongShapes() throws IOException {
        assertArrayEquals(new int[]{6}, read("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", floatRange(6)).shape());
        assertArrayEquals(new int[]{}, read("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", floatRange(1)).shape());
        assertArrayEquals(new int[]{2, 3}, read("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }",
                floatRange(6)).shape());
    }

    @Test
    void nativeAndNotApplicableByteOrdersAreLittleEndian() throws IOException {
        byte[] le = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.25).putDouble(-2).array();
        assertArrayEquals(new double[]{1.25, -2}, read("{'descr': '=f8', 'fortran_order': False, 'shape': (2,)}", le)
                .toDoubleArray());
        assertArrayEquals(new double[]{1.25, -2}, read("{'descr': 'f8', 'fortran_order': False, 'shape': (2,)}", le)
                .toDoubleArray());
        assertEquals(DType.UINT8, read("{'descr': '<u1', 'fortran_order': False, 'shape': (2,)}", new byte[2]).dtype());
    }
}
