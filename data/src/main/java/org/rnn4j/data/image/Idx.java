package org.rnn4j.data.image;

import org.rnn4j.io.FileFormatException;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: the magic bytes {@code 0x00 0x00 type ndims}, then
 * {@code ndims} big-endian 32-bit dimensions, then the values, big-endian, outermost dimension first. The types
 * are u8 (0x08), i8 (0x09), i16 (0x0B), i32 (0x0C), f32 (0x0D) and f64 (0x0E). A file may be gzip-compressed,
 * which is recognised by its first bytes, not by its name.
 *
 * <p>A file that breaks the format (bad magic, unknown type, fewer or more bytes than the header declares, a
 * broken gzip stream) raises a {@link FileFormatException} whose one sentence names the file.
 */
public final class Idx {

    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private Idx() {
    }

    /** The array in an IDX file, plain or gzipped. */
    public static IdxArray read(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return read(file, in);
        } catch (ZipException e) {
            throw new FileFormatException(file + " is not a valid gzip file (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Labelled images from an IDX images file (count, rows, cols) and an IDX labels file (count). Pixels of type u8
     * are divided by 255; f32 and f64 pixels are taken as they are and must lie in [0, 1]. Labels must be whole
     * numbers in [0, classes).
     *
     * @param name    the name of the set, for logs (e.g. {@code "fashion-mnist train"})
     * @param classes the number of classes
     */
    public static ImageSet readImages(String name, Path images, Path labels, int classes) throws IOException {
        IdxArray x = read(images);
        if (x.rank() != 3) {
            throw new FileFormatException(images + " holds an array of shape " + x.shapeString()
                    + ", not images (count×rows×cols)");
        }
        IdxArray y = read(labels);
        if (y.rank() != 1) {
            throw new FileFormatException(labels + " holds an array of shape " + y.shapeString()
                    + ", not one label per image");
        }
        int[] shape = x.shape();
        if (shape[0] != y.size()) {
            throw new FileFormatException(images + " holds " + shape[0] + " images but " + labels + " holds "
                    + y.size() + " labels; they must match one to one");
        }
        int[] classIds = y.toIntArray();
        for (int i = 0; i < classIds.length; i++) {
            if (classIds[i] < 0 || classIds[i] >= classes) {
                throw new FileFormatException(labels + ": label " + i + " is " + classIds[i] + ", outside [0, "
                        + classes + ")");
            }
        }
        return new ImageSet(name, shape[1], shape[2], intensities(x), classIds, classes);
    }

    /** Pixels in [0, 1]: u8 divided by 255, floats checked. */
    private static float[] intensities(IdxArray x) throws FileFormatException {
        switch (x.type()) {
            case U8 -> {
                byte[] raw = x.unsignedBytes();
                float[] p = new float[raw.length];
                for (int i = 0; i < raw.length; i++) {
                    p[i] = (raw[i] & 0xFF) / 255f;
                }
                return p;
            }
            case F32, F64 -> {
                float[] p = x.toFloatArray();
                for (int i = 0; i < p.length; i++) {
                    if (!(p[i] >= 0f && p[i] <= 1f)) {
                        throw new FileFormatException(x.file() + ": pixel " + i + " is " + p[i]
                                + "; float pixels must lie in [0, 1]");
                    }
                }
                return p;
            }
            default -> throw new FileFormatException(x.file() + " holds " + x.type() + " pixels; images must be u8"
                    + " (0 to 255) or f32/f64 in [0, 1]");
        }
    }

    /** The file's bytes, through a gzip decoder when it starts with the gzip magic. */
    private static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1) {
                return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            }
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static IdxArray read(Path file, InputStream in) throws IOException {
        byte[] magic = readFully(in, 4);
        if (magic.length < 4) {
            throw new FileFormatException(file + " is truncated: it has " + magic.length + " bytes, fewer than the 4"
                    + " of an IDX header");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new FileFormatException(file + " is not an IDX file: it starts with " + hex(magic[0]) + " "
                    + hex(magic[1]) + " where the format has 0x00 0x00");
        }
        IdxArray.Type type = IdxArray.Type.ofCode(magic[2] & 0xFF);
        if (type == null) {
            throw new FileFormatException(file + " has the unknown IDX type " + hex(magic[2])
                    + "; known are 0x08 u8, 0x09 i8, 0x0b i16, 0x0c i32, 0x0d f32 and 0x0e f64");
        }
        int rank = magic[3] & 0xFF;
        if (rank == 0) {
            throw new FileFormatException(file + " declares 0 dimensions; an IDX array needs at least 1");
        }
        byte[] dimBytes = readFully(in, 4 * rank);
        if (dimBytes.length < 4 * rank) {
            throw new FileFormatException(file + " is truncated: its header declares " + rank + " dimensions but"
                    + " ends after " + dimBytes.length / 4);
        }
        int[] shape = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++) {
            long dim = ((dimBytes[4 * d] & 0xFFL) << 24) | ((dimBytes[4 * d + 1] & 0xFF) << 16)
                    | ((dimBytes[4 * d + 2] & 0xFF) << 8) | (dimBytes[4 * d + 3] & 0xFF);
            count *= dim;
            if (dim > Integer.MAX_VALUE || count * type.size() > Integer.MAX_VALUE - 8) {
                throw new FileFormatException(file + " declares more values than rnn4j can hold in memory (dimension "
                        + d + " is " + dim + ")");
            }
            shape[d] = (int) dim;
        }
        int bytes = (int) count * type.size();
        byte[] data = readFully(in, bytes);
        String declared = IdxArray.shapeString(shape) + " "
                + type.name().toLowerCase(java.util.Locale.ROOT) + " values (" + bytes + " bytes)";
        if (data.length < bytes) {
            throw new FileFormatException(file + " is truncated: its header declares " + declared + " but only "
                    + data.length + " bytes follow");
        }
        if (readFully(in, 1).length != 0) {
            throw new FileFormatException(file + " has more bytes than the " + declared + " its header declares");
        }
        return new IdxArray(file, type, shape, data);
    }

    /** Up to n bytes; fewer only when the stream ends first (a cut gzip stream counts as an end). */
    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] buf = new byte[n];
        int got = 0;
        try {
            while (got < n) {
                int r = in.read(buf, got, n - got);
                if (r < 0) {
                    break;
                }
                got += r;
            }
        } catch (EOFException e) {
            // GZIPInputStream's "Unexpected end of ZLIB input stream": the compressed file was cut
        }
        return got == n ? buf : java.util.Arrays.copyOf(buf, got);
    }

    private static String hex(byte b) {
        return String.format("0x%02x", b & 0xFF);
    }
}
