package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.rnn4j.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rnn4j.io.IoFixtures.assertMentions;

/** Factories copy, conversions say how they change values and name the array when they cannot. */
class NpyArrayTest {

    @Test
    void factoriesCopyTheirInputSoTheArrayStaysUnchanged() {
        float[] values = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(values, 2, 3);
        NpyArray a = NpyArray.of(t);
        values[0] = 99;
        a.toFloatArray()[1] = 99;
        a.shape()[0] = 99;
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, a.toFloatArray());
        assertArrayEquals(new int[]{2, 3}, a.shape());
        assertEquals(DType.FLOAT32, a.dtype());
    }

    @Test
    void factoriesRejectDataThatDoesNotFitTheShape() {
        assertMentions(assertThrows(IllegalArgumentException.class, () -> NpyArray.ofInts(new int[5], 2, 3)).getMessage(),
                "shape (2, 3) holds 6 values but the array has 5");
    }

    @Test
    void wholeFloatsConvertToIntsForLabelsAndLengths() {
        assertArrayEquals(new int[]{0, 2, -1}, NpyArray.ofFloats(new float[]{0, 2, -1}, 3).toIntArray());
        assertArrayEquals(new int[]{7, 3}, NpyArray.ofDoubles(new double[]{7, 3}, 2).toIntArray());
    }

    @Test
    void fractionalOrNonFiniteValuesAreNotIntegersAndTheirIndexIsNamed() {
        NpyArray a = NpyArray.ofFloats(new float[]{0, 1, 2, 2.5f}, 2, 2);
        assertMentions(assertThrows(IllegalArgumentException.class, a::toIntArray).getMessage(),
                "float32 array (2, 2): value 2.5 at [1, 1] is not a whole number");
        NpyArray nan = NpyArray.ofDoubles(new double[]{Double.NaN}, 1);
        assertMentions(assertThrows(IllegalArgumentException.class, nan::toLongArray).getMessage(),
                "value NaN at [0] is not a whole number");
        NpyArray big = NpyArray.ofDoubles(new double[]{3e9}, 1);
        assertEquals(3_000_000_000L, big.toLongArray()[0]);
        assertMentions(assertThrows(IllegalArgumentException.class, big::toIntArray).getMessage(),
                "value 3000000000 at [0] is outside the int32 range");
        NpyArray huge = NpyArray.ofDoubles(new double[]{1e19}, 1);
        assertMentions(assertThrows(IllegalArgumentException.class, huge::toLongArray).getMessage(),
                "value 1.0E19 at [0] is outside the int64 range");
    }

    @Test
    void float64BeyondFloat32RangeIsRejectedInsteadOfBecomingInfinity() {
        NpyArray a = NpyArray.ofDoubles(new double[]{1, 1e300}, 2);
        assertMentions(assertThrows(IllegalArgumentException.class, a::toTensor).getMessage(),
                "float64 array (2,): value 1.0E300 at [1] is beyond the float32 range");
        NpyArray inf = NpyArray.ofDoubles(new double[]{Double.NEGATIVE_INFINITY}, 1);
        assertEquals(Float.NEGATIVE_INFINITY, inf.toFloatArray()[0], "an infinity stays one");
    }

    @Test
    void int64ConvertsToFloatRoundingBeyond2To24() {
        NpyArray a = NpyArray.ofLongs(new long[]{(1 << 24) + 1, -3}, 2);
        assertArrayEquals(new float[]{1 << 24, -3}, a.toFloatArray());
        assertArrayEquals(new double[]{(1 << 24) + 1, -3}, a.toDoubleArray());
    }

    @Test
    void equalityIsByTypeShapeAndValues() {
        assertEquals(NpyArray.ofInts(new int[]{1, 2}, 2), NpyArray.ofInts(new int[]{1, 2}, 2));
        assertEquals(NpyArray.ofInts(new int[]{1, 2}, 2).hashCode(), NpyArray.ofInts(new int[]{1, 2}, 2).hashCode());
        assertNotEquals(NpyArray.ofInts(new int[]{1, 2}, 2), NpyArray.ofLongs(new long[]{1, 2}, 2));
        assertNotEquals(NpyArray.ofInts(new int[]{1, 2}, 2), NpyArray.ofInts(new int[]{1, 2}, 1, 2));
    }
}
