package org.rnn4j.data.image;

import org.rnn4j.io.FileFormatException;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One array of an IDX file (the format of MNIST and Fashion-MNIST, read by {@link Idx}): its element type, its
 * shape, and its values kept as the file's big-endian bytes until they are asked for.
 */
public final class IdxArray {

    /** The element types of the IDX format, with their type byte and size. */
    public enum Type {
        U8(0x08, 1, "unsigned byte"),
        I8(0x09, 1, "signed byte"),
        I16(0x0B, 2, "16-bit integer"),
        I32(0x0C, 4, "32-bit integer"),
        F32(0x0D, 4, "32-bit float"),
        F64(0x0E, 8, "64-bit float");

        private final int code;
        private final int size;
        private final String description;

        Type(int code, int size, String description) {
            this.code = code;
            this.size = size;
            this.description = description;
        }

        /** The type byte (the third byte of the file). */
        public int code() {
            return code;
        }

        /** Bytes per element. */
        public int size() {
            return size;
        }

        /** Whether the values are whole numbers (usable as class labels). */
        public boolean integral() {
            return this != F32 && this != F64;
        }

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT) + " (" + description + ")";
        }

        /** The type of a type byte, or null when the format has none with this code. */
        static Type ofCode(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    private final Path file;
    private final Type type;
    private final int[] shape;
    private final byte[] data;   // (product of shape) × type.size() bytes, big-endian

    IdxArray(Path file, Type type, int[] shape, byte[] data) {
        this.file = file;
        this.type = type;
        this.shape = shape.clone();
        this.data = data;
    }

    /** The file this array came from. */
    public Path file() {
        return file;
    }

    public Type type() {
        return type;
    }

    /** A copy of the dimensions, outermost first (e.g. images, rows, columns). */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public int size() {
        return data.length / type.size;
    }

    /** The shape as the file declares it, e.g. {@code 60000×28×28}. */
    public String shapeString() {
        return shapeString(shape);
    }

    static String shapeString(int[] shape) {
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining("×"));
    }

    /** All values as floats, in file order (64-bit floats are rounded to the nearest float). */
    public float[] toFloatArray() {
        int n = size();
        float[] out = new float[n];
        ByteBuffer b = ByteBuffer.wrap(data);   // big-endian, as the format requires
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case U8 -> data[i] & 0xFF;
                case I8 -> data[i];
                case I16 -> b.getShort(2 * i);
                case I32 -> b.getInt(4 * i);
                case F32 -> b.getFloat(4 * i);
                case F64 -> (float) b.getDouble(8 * i);
            };
        }
        return out;
    }

    /**
     * All values as ints, in file order; only for the integral types.
     *
     * @throws FileFormatException when the array holds floats
     */
    public int[] toIntArray() throws FileFormatException {
        if (!type.integral()) {
            throw new FileFormatException(file + " holds " + type + " values where whole numbers (u8, i8, i16 or i32)"
                    + " were expected");
        }
        int n = size();
        int[] out = new int[n];
        ByteBuffer b = ByteBuffer.wrap(data);
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case U8 -> data[i] & 0xFF;
                case I8 -> data[i];
                case I16 -> b.getShort(2 * i);
                default -> b.getInt(4 * i);
            };
        }
        return out;
    }

    /** The raw bytes of the u8 values, without a copy; for the image reader's fast path. */
    byte[] unsignedBytes() {
        if (type != Type.U8) {
            throw new IllegalStateException(file + " holds " + type + " values, not u8");
        }
        return data;
    }

    @Override
    public String toString() {
        return file + ": " + type.name().toLowerCase(java.util.Locale.ROOT) + " " + shapeString();
    }
}
