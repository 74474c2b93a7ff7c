package org.rnn4j.io;

import org.rnn4j.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes NumPy's .npy format: one array per file, as written by {@code np.save} and read by
 * {@code np.load}.
 *
 * <p>A .npy file is the magic bytes {@code \x93NUMPY}, a major and a minor version byte, the header length
 * (2 bytes little-endian in version 1.0, 4 bytes in 2.0 and 3.0), the header and the raw values in C order.
 * The header is a Python dict literal such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }},
 * padded with spaces and a newline so that the data starts at a multiple of 64 bytes; version 3.0 encodes
 * it in UTF-8 instead of Latin-1.
 *
 * <p>Reading accepts versions 1.0, 2.0 and 3.0, the types of {@link DType} in either byte order
 * ({@code <} little, {@code >} big; {@code =} and {@code |} are taken as little-endian), and C order only.
 * Writing produces byte for byte what {@code np.save} of NumPy 1.24 writes for the same array: version 1.0
 * unless the header needs more than 65535 bytes (then 2.0), little-endian, the header padded as NumPy pads
 * it (older NumPy versions pad less; all of them read both).
 *
 * <p>Every problem with a file is a {@link FileFormatException} whose message names the file, what was
 * found and what was expected.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    /** NumPy pads the header so that the length of the first dimension can grow in place to 21 digits. */
    private static final int GROWTH_DIGITS = 21;
    /** Headers beyond this are refused before they are allocated; real ones are a few hundred bytes. */
    private static final int MAX_HEADER_BYTES = 1 << 20;
    private static final int CHUNK_BYTES = 1 << 16;
    /** Values allocated at first when reading a stream of unknown length; the arrays then double. */
    private static final int INITIAL_VALUES = 1 << 20;
    private static final Set<String> HEADER_KEYS = Set.of("descr", "fortran_order", "shape");

    private Npy() {
    }

    /** Reads the array in {@code file}. */
    public static NpyArray read(Path file) throws IOException {
        FileErrors.checkNotDirectory(file);
        long length = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), length);
        } catch (FileFormatException e) {
            throw e;
        } catch (IOException e) {
            throw FileErrors.about(file, e);
        }
    }

    /**
     * Reads one array from {@code in}, consuming exactly its bytes, so several arrays saved one after
     * another into a stream can be read in turn. Does not close {@code in}.
     *
     * @param sourceName names the stream in messages, e.g. a file or resource name
     */
    public static NpyArray read(InputStream in, String sourceName) throws IOException {
        return read(in, sourceName, -1);
    }

    /**
     * Reads one array; {@code length} is the number of bytes the source holds, or -1 if unknown. A known
     * length must match the header exactly, so that a file with trailing bytes is reported too.
     */
    static NpyArray read(InputStream in, String source, long length) throws IOException {
        Header header = readHeader(in, source, length);
        long expected = (long) header.size * header.dtype.itemSize();
        if (length >= 0 && length - header.bytes != expected) {
            throw new FileFormatException(header.describe(source) + " but the file holds "
                    + (length - header.bytes) + " bytes of data (expected " + expected + ")");
        }
        Object data = readData(in, source, header, length >= 0);
        return new NpyArray(header.dtype, header.shape, data, source);
    }

    /** What a header declares; {@code bytes} counts magic, version, length field and header text. */
    private record Header(String descr, DType dtype, ByteOrder order, int[] shape, int size, long bytes) {

        /** "header declares shape (3, 4) = 12 values of <f4", the start of a data-size message. */
        String describe(String source) {
            return source + ": header declares shape " + Tensor.shapeString(shape) + " = " + size + " values of "
                    + descr;
        }
    }

    private static Header readHeader(InputStream in, String source, long length) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (magic.length == 0) {
            throw new FileFormatException(source + ": empty file, expected a NumPy .npy array");
        }
        for (int i = 0; i < magic.length; i++) {
            if (magic[i] != MAGIC[i]) {
                boolean zip = magic.length >= 2 && magic[0] == 'P' && magic[1] == 'K';
                throw new FileFormatException(source + ": not a NumPy .npy file (magic bytes missing)"
                        + (zip ? "; it is a zip archive, so perhaps an .npz file for Npz.read" : ""));
            }
        }
        byte[] version = in.readNBytes(2);
        if (magic.length < MAGIC.length || version.length < 2) {
            throw new FileFormatException(source + ": truncated header: the file ends within the first "
                    + (MAGIC.length + 2) + " bytes");
        }
        int major = version[0];
        int minor = version[1];
        if (minor != 0 || major < 1 || major > 3) {
            throw new FileFormatException(source + ": .npy format version " + Byte.toUnsignedInt(version[0]) + "."
                    + Byte.toUnsignedInt(version[1]) + " is not supported (rnn4j reads 1.0, 2.0 and 3.0)");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] lengthField = in.readNBytes(lengthBytes);
        if (lengthField.length < lengthBytes) {
            throw new FileFormatException(source + ": truncated header: the file ends within the header length field");
        }
        long headerLength = major == 1 ? Short.toUnsignedInt(le(lengthField).getShort())
                : Integer.toUnsignedLong(le(lengthField).getInt());
        long prefix = MAGIC.length + 2 + lengthBytes;
        if (headerLength > MAX_HEADER_BYTES) {
            throw new FileFormatException(source + ": the header declares a length of " + headerLength
                    + " bytes, more than the " + MAX_HEADER_BYTES + " rnn4j accepts; the file is probably damaged");
        }
        byte[] text = in.readNBytes((int) headerLength);
        if (text.length < headerLength) {
            throw new FileFormatException(source + ": truncated header: it declares " + headerLength
                    + " bytes but only " + text.length + " follow");
        }
        String dict = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parseHeader(source, dict, prefix + headerLength);
    }

    private static Header parseHeader(String source, String text, long bytes) throws FileFormatException {
        Object parsed;
        try {
            parsed = PythonLiteral.parse(text);
        } catch (PythonLiteral.SyntaxError e) {
            throw new FileFormatException(source + ": the header is not a Python dict literal (" + e.getMessage()
                    + " in " + abbreviate(text.strip()) + ")");
        }
        if (!(parsed instanceof Map<?, ?> dict)) {
            throw new FileFormatException(source + ": the header is not a Python dict literal but "
                    + abbreviate(PythonLiteral.repr(parsed)));
        }
        for (String key : HEADER_KEYS) {
            if (!dict.containsKey(key)) {
                throw new FileFormatException(source + ": the header lacks the key '" + key
                        + "' (expected 'descr', 'fortran_order' and 'shape')");
            }
        }
        for (Object key : dict.keySet()) {
            if (!HEADER_KEYS.contains(key)) {
                throw new FileFormatException(source + ": the header has the unexpected key " + PythonLiteral.repr(key)
                        + " (expected only 'descr', 'fortran_order' and 'shape')");
            }
        }
        int[] shape = shape(source, dict.get("shape"));
        Object fortran = dict.get("fortran_order");
        if (!(fortran instanceof Boolean fortranOrder)) {
            throw new FileFormatException(source + ": 'fortran_order' in the header is "
                    + abbreviate(PythonLiteral.repr(fortran)) + ", expected True or False");
        }
        if (fortranOrder) {
            throw new FileFormatException(source + ": Fortran-order arrays are not supported; save with "
                    + "np.ascontiguousarray(a) to get C order");
        }
        Object descr = dict.get("descr");
        if (!(descr instanceof String typeString)) {
            throw new FileFormatException(source + ": structured dtypes are not supported (descr is "
                    + abbreviate(PythonLiteral.repr(descr)) + "); save each field as its own array");
        }
        ByteOrder order = typeString.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        DType dtype = dtype(source, typeString);
        int size;
        try {
            size = (int) NpyArray.checkedSize(shape);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(source + ": " + e.getMessage());
        }
        return new Header(typeString, dtype, order, shape, size, bytes);
    }

    private static int[] shape(String source, Object value) throws FileFormatException {
        if (value instanceof PythonLiteral.Tuple(List<Object> dims)) {
            int[] shape = new int[dims.size()];
            boolean valid = true;
            for (int i = 0; i < shape.length; i++) {
                if (dims.get(i) instanceof Long d && d >= 0 && d <= Integer.MAX_VALUE) {
                    shape[i] = (int) (long) d;
                } else {
                    valid = false;
                }
            }
            if (valid) {
                return shape;
            }
        }
        throw new FileFormatException(source + ": 'shape' in the header is " + abbreviate(PythonLiteral.repr(value))
                + ", expected a tuple of non-negative integers such as (3, 4)");
    }

    /** The DType of a type string such as {@code <f4}, {@code >i8} or {@code |b1}. */
    private static DType dtype(String source, String descr) throws FileFormatException {
        String code = !descr.isEmpty() && "<>=|".indexOf(descr.charAt(0)) >= 0 ? descr.substring(1) : descr;
        DType dtype = switch (code) {
            case "f4" -> DType.FLOAT32;
            case "f8" -> DType.FLOAT64;
            case "i4" -> DType.INT32;
            case "i8" -> DType.INT64;
            case "u1" -> DType.UINT8;
            case "b1" -> DType.BOOL;
            default -> null;
        };
        if (dtype == null) {
            throw new FileFormatException(source + ": dtype '" + descr + "' (" + typeName(code)
                    + ") is not supported; convert the array with astype to float32, float64, int32, int64, uint8 or bool");
        }
        return dtype;
    }

    /** A readable name for an unsupported NumPy type code, e.g. float16 for {@code f2}. */
    private static String typeName(String code) {
        if (code.isEmpty()) {
            return "empty";
        }
        String digits = code.substring(1);
        String bits = !digits.isEmpty() && digits.length() <= 6 && digits.chars().allMatch(d -> d >= '0' && d <= '9')
                ? Integer.toString(Integer.parseInt(digits) * 8) : "";
        return switch (code.charAt(0)) {
            case 'f' -> "float" + bits;
            case 'i' -> "int" + bits;
            case 'u' -> "uint" + bits;
            case 'c' -> "complex" + bits;
            case 'b' -> "bool";
            case 'U' -> "unicode strings";
            case 'S', 'a' -> "byte strings";
            case 'O' -> "Python objects";
            case 'M' -> "datetime64";
            case 'm' -> "timedelta64";
            case 'V' -> "raw bytes";
            default -> "unknown type";
        };
    }

    /**
     * Reads the values. When the source's length was not known (a plain stream), the arrays grow with the
     * data that actually arrives, so a damaged header that declares billions of values costs no more memory
     * than the truncated data it comes with.
     */
    private static Object readData(InputStream in, String source, Header header, boolean lengthChecked)
            throws IOException {
        int n = header.size;
        int item = header.dtype.itemSize();
        Object data = allocate(header.dtype, lengthChecked ? n : Math.min(n, INITIAL_VALUES));
        int capacity = lengthChecked ? n : Math.min(n, INITIAL_VALUES);
        byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, (long) n * item)];
        ByteBuffer buffer = ByteBuffer.wrap(chunk).order(header.order);
        int done = 0;
        while (done < n) {
            int count = Math.min(chunk.length / item, n - done);
            int got = in.readNBytes(chunk, 0, count * item);
            if (got < count * item) {
                throw new FileFormatException(header.describe(source) + " but the data ends after "
                        + ((long) done * item + got) + " bytes (expected " + (long) n * item + ")");
            }
            if (done + count > capacity) {
                capacity = (int) Math.min(n, Math.max(2L * capacity, done + count));
                data = grow(data, capacity);
            }
            buffer.clear();
            switch (header.dtype) {
                case FLOAT32 -> buffer.asFloatBuffer().get((float[]) data, done, count);
                case FLOAT64 -> buffer.asDoubleBuffer().get((double[]) data, done, count);
                case INT32 -> buffer.asIntBuffer().get((int[]) data, done, count);
                case INT64 -> buffer.asLongBuffer().get((long[]) data, done, count);
                case UINT8 -> System.arraycopy(chunk, 0, data, done, count);
                case BOOL -> {
                    byte[] bools = (byte[]) data;
                    for (int i = 0; i < count; i++) {
                        bools[done + i] = (byte) (chunk[i] != 0 ? 1 : 0);
                    }
                }
            }
            done += count;
        }
        return data;
    }

    private static Object allocate(DType dtype, int n) {
        return switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
            case UINT8, BOOL -> new byte[n];
        };
    }

    private static Object grow(Object data, int n) {
        return switch (data) {
            case float[] a -> Arrays.copyOf(a, n);
            case double[] a -> Arrays.copyOf(a, n);
            case int[] a -> Arrays.copyOf(a, n);
            case long[] a -> Arrays.copyOf(a, n);
            case byte[] a -> Arrays.copyOf(a, n);
            default -> throw new AssertionError(data.getClass());
        };
    }

    /** Writes {@code array} to {@code file} atomically (see {@link AtomicFiles}). */
    public static void write(Path file, NpyArray array) throws IOException {
        AtomicFiles.write(file, out -> write(out, array));
    }

    /** Writes {@code array} in .npy format to {@code out}; does not flush or close it. */
    public static void write(OutputStream out, NpyArray array) throws IOException {
        out.write(header(array.dtype(), array.shape()));
        writeData(out, array);
    }

    /**
     * Magic, version, header length and header, exactly as NumPy's {@code np.save} writes them: keys in
     * sorted order, spare spaces after the dict for growing the first dimension, padding to a multiple of
     * 64 bytes with spaces and a final newline.
     */
    static byte[] header(DType dtype, int[] shape) {
        String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': "
                + Tensor.shapeString(shape) + ", }"
                + (shape.length > 0 ? " ".repeat(GROWTH_DIGITS - Integer.toString(shape[0]).length()) : "");
        byte[] text = dict.getBytes(StandardCharsets.ISO_8859_1);
        int major = 1;
        int prefix = MAGIC.length + 2 + 2;
        int padded = padded(prefix, text.length);
        if (padded > 0xFFFF) {
            major = 2;
            prefix = MAGIC.length + 2 + 4;
            padded = padded(prefix, text.length);
        }
        ByteBuffer out = ByteBuffer.allocate(prefix + padded).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            out.putShort((short) padded);
        } else {
            out.putInt(padded);
        }
        out.put(text);
        while (out.position() < out.capacity() - 1) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        return out.array();
    }

    /** Header length with padding: text, spaces and newline, so that prefix + length is a multiple of 64. */
    private static int padded(int prefix, int textLength) {
        int withNewline = textLength + 1;
        // NumPy always adds at least one space (and a whole block of 64 when already aligned).
        return withNewline + ALIGN - (prefix + withNewline) % ALIGN;
    }

    private static void writeData(OutputStream out, NpyArray array) throws IOException {
        DType dtype = array.dtype();
        int n = array.size();
        int item = dtype.itemSize();
        Object data = array.data();
        if (dtype == DType.UINT8 || dtype == DType.BOOL) {
            out.write((byte[]) data);
            return;
        }
        byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, (long) n * item)];
        ByteBuffer buffer = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < n) {
            int count = Math.min(chunk.length / item, n - done);
            buffer.clear();
            switch (dtype) {
                case FLOAT32 -> buffer.asFloatBuffer().put((float[]) data, done, count);
                case FLOAT64 -> buffer.asDoubleBuffer().put((double[]) data, done, count);
                case INT32 -> buffer.asIntBuffer().put((int[]) data, done, count);
                case INT64 -> buffer.asLongBuffer().put((long[]) data, done, count);
                default -> throw new AssertionError(dtype);
            }
            out.write(chunk, 0, count * item);
            done += count;
        }
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The first 80 characters of {@code s}, for quoting file content in a message. */
    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
