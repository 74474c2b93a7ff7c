package org.rnn4j.data.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.FileFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.data.image.IdxFixtures.gzip;
import static org.rnn4j.data.image.IdxFixtures.idx;

class IdxTest {

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** 2 images of 2×3 u8 pixels. */
    private static final byte[] IMAGES = idx(0x08, new int[]{2, 2, 3},
            (byte) 0, (byte) 51, (byte) 102, (byte) 153, (byte) 204, (byte) 255,
            (byte) 255, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 1);
    private static final byte[] LABELS = idx(0x08, new int[]{2}, (byte) 9, (byte) 0);

    @Test
    void readsUnsignedBytesPlainAndGzippedWhateverTheFileName() throws IOException {
        Path plain = write("images.gz", IMAGES);   // a misleading name: the magic bytes decide
        Path gz = write("images.idx", gzip(IMAGES));
        for (Path f : new Path[]{plain, gz}) {
            IdxArray a = Idx.read(f);
            assertEquals(IdxArray.Type.U8, a.type());
            assertArrayEquals(new int[]{2, 2, 3}, a.shape());
            assertEquals(12, a.size());
            assertArrayEquals(new float[]{0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 1}, a.toFloatArray(), f.toString());
            assertArrayEquals(new int[]{0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 1}, a.toIntArray(), f.toString());
        }
    }

    @Test
    void readsEveryTypeBigEndian() throws IOException {
        ByteBuffer i16 = ByteBuffer.allocate(6).putShort((short) -2).putShort((short) 300).putShort((short) 32767);
        ByteBuffer i32 = ByteBuffer.allocate(8).putInt(-70000).putInt(123456789);
        ByteBuffer f32 = ByteBuffer.allocate(8).putFloat(0.25f).putFloat(-1.5e-3f);
        ByteBuffer f64 = ByteBuffer.allocate(16).putDouble(0.1).putDouble(-2.75);

        IdxArray a = Idx.read(write("i8", idx(0x09, new int[]{3}, (byte) -128, (byte) -1, (byte) 127)));
        assertArrayEquals(new int[]{-128, -1, 127}, a.toIntArray());
        assertArrayEquals(new float[]{-128, -1, 127}, a.toFloatArray());

        a = Idx.read(write("i16", idx(0x0B, new int[]{1, 3}, i16.array())));
        assertEquals(IdxArray.Type.I16, a.type());
        assertArrayEquals(new int[]{-2, 300, 32767}, a.toIntArray());

        a = Idx.read(write("i32", gzip(idx(0x0C, new int[]{2}, i32.array()))));
        assertArrayEquals(new int[]{-70000, 123456789}, a.toIntArray());
        assertArrayEquals(new float[]{-70000, 123456789}, a.toFloatArray());

        a = Idx.read(write("f32", idx(0x0D, new int[]{2, 1}, f32.array())));
        assertArrayEquals(new float[]{0.25f, -1.5e-3f}, a.toFloatArray());

        a = Idx.read(write("f64", idx(0x0E, new int[]{2}, f64.array())));
        assertArrayEquals(new float[]{0.1f, -2.75f}, a.toFloatArray());
        Path f64File = a.file();
        FileFormatException e = assertThrows(FileFormatException.class, a::toIntArray);
        assertTrue(e.getMessage().startsWith(f64File.toString()) && e.getMessage().contains("whole numbers"),
                e.getMessage());
    }

    @Test
    void imagesAreScaledToTheUnitIntervalAndPairedWithTheirLabels() throws IOException {
        ImageSet set = Idx.readImages("tiny", write("x", gzip(IMAGES)), write("y", LABELS), 10);
        assertEquals("tiny", set.name());
        assertEquals(2, set.count());
        assertEquals(2, set.rows());
        assertEquals(3, set.cols());
        assertArrayEquals(new int[]{9, 0}, set.labels());
        assertArrayEquals(new float[]{0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f}, set.image(0));
        assertArrayEquals(new float[]{1f, 0f, 0f, 0f, 0f, 1 / 255f}, set.image(1));

        byte[] floats = ByteBuffer.allocate(8).putFloat(0.5f).putFloat(1f).array();
        set = Idx.readImages("floats", write("xf", idx(0x0D, new int[]{2, 1, 1}, floats)), write("y2", LABELS), 10);
        assertArrayEquals(new float[]{0.5f, 1f}, set.pixels());
    }

    /** Asserts that reading fails with a message that names the file and contains {@code expected}. */
    private void assertRefused(Path file, String expected, IoCall call) {
        FileFormatException e = assertThrows(FileFormatException.class, call::run);
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(expected),
                "expected a message naming " + file + " and saying '" + expected + "', got: " + e.getMessage());
    }

    private interface IoCall {
        void run() throws IOException;
    }

    @Test
    void malformedFilesAreRefusedWithASentenceNamingTheFile() throws IOException {
        Path npy = write("x.npy", new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        assertRefused(npy, "is not an IDX file: it starts with 0x93 0x4e", () -> Idx.read(npy));

        Path type = write("type", idx(0x0A, new int[]{1}, (byte) 1));
        assertRefused(type, "unknown IDX type 0x0a", () -> Idx.read(type));

        Path shortHeader = write("short", new byte[]{0, 0, 8});
        assertRefused(shortHeader, "is truncated: it has 3 bytes", () -> Idx.read(shortHeader));

        Path dims = write("dims", Arrays.copyOf(idx(0x08, new int[]{2, 2}), 10));
        assertRefused(dims, "declares 2 dimensions but ends after 1", () -> Idx.read(dims));

        byte[] cut = Arrays.copyOf(IMAGES, IMAGES.length - 2);
        Path truncated = write("cut", cut);
        assertRefused(truncated, "is truncated: its header declares 2×2×3 u8 values (12 bytes) but only 10 bytes follow",
                () -> Idx.read(truncated));
        Path truncatedGz = write("cut.gz", gzip(cut));
        assertRefused(truncatedGz, "only 10 bytes follow", () -> Idx.read(truncatedGz));
        byte[] gz = gzip(IMAGES);
        Path cutGzStream = write("cutstream.gz", Arrays.copyOf(gz, gz.length / 2));
        assertRefused(cutGzStream, "is truncated", () -> Idx.read(cutGzStream));

        Path longer = write("long", idx(0x08, new int[]{2}, (byte) 1, (byte) 2, (byte) 3));
        assertRefused(longer, "has more bytes than the 2 u8 values (2 bytes) its header declares", () -> Idx.read(longer));

        byte[] bad = gzip(IMAGES);
        bad[12] ^= 0x5A;   // damage the deflate stream
        bad[13] ^= 0x5A;
        Path corrupt = write("corrupt.gz", bad);
        FileFormatException e = assertThrows(FileFormatException.class, () -> Idx.read(corrupt));
        assertTrue(e.getMessage().contains(corrupt.toString()), e.getMessage());
    }

    @Test
    void imagesAndLabelsThatDoNotFitTogetherAreRefused() throws IOException {
        Path images = write("images", IMAGES);
        Path threeLabels = write("labels3", idx(0x08, new int[]{3}, (byte) 1, (byte) 2, (byte) 3));
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> Idx.readImages("t", images, threeLabels, 10));
        assertTrue(e.getMessage().equals(images + " holds 2 images but " + threeLabels
                + " holds 3 labels; they must match one to one"), e.getMessage());

        Path labels = write("labels", LABELS);
        assertRefused(labels, "label 0 is 9, outside [0, 5)", () -> Idx.readImages("t", images, labels, 5));
        assertRefused(labels, "holds an array of shape 2, not images", () -> Idx.readImages("t", labels, labels, 10));
        assertRefused(images, "holds an array of shape 2×2×3, not one label per image",
                () -> Idx.readImages("t", images, images, 10));
        Path floatLabels = write("flabels", idx(0x0D, new int[]{2}, new byte[8]));
        assertRefused(floatLabels, "whole numbers", () -> Idx.readImages("t", images, floatLabels, 10));
        Path wideImages = write("wide", idx(0x0B, new int[]{2, 1, 1}, new byte[4]));
        assertRefused(wideImages, "i16 (16-bit integer) pixels; images must be u8",
                () -> Idx.readImages("t", wideImages, labels, 10));
        byte[] big = ByteBuffer.allocate(8).putFloat(0.5f).putFloat(2f).array();
        Path bright = write("bright", idx(0x0D, new int[]{2, 1, 1}, big));
        assertRefused(bright, "pixel 1 is 2.0", () -> Idx.readImages("t", bright, labels, 10));
    }
}
