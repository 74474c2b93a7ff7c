package org.rnn4j.io.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.io.FileFormatException;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.stream.Stream;

/**
 * {@link Npy#read} on any bytes, from a file (its length known, so trailing bytes count) and from a stream (length
 * unknown, the arrays grow with what arrives): an array or a one-line {@link FileFormatException} naming the source.
 * Seeds: arrays of every dtype as {@link Npy#write} writes them. {@code JAZZER_FUZZ=1} fuzzes (see the README's "How
 * it is checked"); without it, the seeds and the inputs under {@code NpyFuzzTestInputs} run as a regression test.
 */
class NpyFuzzTest {

    static Stream<Arguments> readsAnyBytes() throws IOException {
        return Stream.of(NpyArray.ofFloats(new float[] {1f, Float.NaN, -0f, 3.5f, 1e30f, 7f}, 2, 3),
                        NpyArray.ofDoubles(new double[] {1, 2}, 2), NpyArray.ofInts(new int[] {3, -4, 5}, 3, 1),
                        NpyArray.ofLongs(new long[] {Long.MIN_VALUE}), NpyArray.ofFloats(new float[0], 0, 4))
                .map(a -> Arguments.of((Object) bytes(a)));
    }

    @MethodSource
    @FuzzTest(maxDuration = "5m")
    void readsAnyBytes(byte[] data) throws IOException {
        ReaderContract.readFile("fuzz.npy", data, Npy::read);
        try {
            Npy.read(new ByteArrayInputStream(data), "stream");
        } catch (FileFormatException e) {
            ReaderContract.refusedWell(e, "stream");
        }
    }

    private static byte[] bytes(NpyArray a) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Npy.write(out, a);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
