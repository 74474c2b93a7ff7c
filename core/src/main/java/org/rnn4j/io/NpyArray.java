package org.rnn4j.io;

import org.rnn4j.tensor.Tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * One NumPy array as read from or written to a .npy file: its {@link DType}, its shape and its values in C
 * (row-major) order, kept in the Java type that holds them exactly: {@code float[]} for FLOAT32,
 * {@code double[]} for FLOAT64, {@code int[]} for INT32, {@code long[]} for INT64 and {@code byte[]} for
 * UINT8 and BOOL (0 or 1).
 *
 * <p>Immutable: the factories copy their input and every {@code to...} method returns a new array. The
 * conversions state how they change values; those that cannot represent a value throw an
 * {@link IllegalArgumentException} naming the array's {@link #source()} and the value's index.
 *
 * <p>A shape of {@code ()} is a scalar with one value; a shape with a 0 holds no values.
 */
public final class NpyArray {

    private final DType dtype;
    private final int[] shape;
    private final Object data; // float[], double[], int[], long[] or byte[], see the class comment
    private final String source;

    /** Takes ownership of {@code data}, which must be the Java array type of {@code dtype}. */
    NpyArray(DType dtype, int[] shape, Object data, String source) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.data = data;
        this.source = source;
        long size = checkedSize(this.shape);
        int length = switch (dtype) {
            case FLOAT32 -> ((float[]) data).length;
            case FLOAT64 -> ((double[]) data).length;
            case INT32 -> ((int[]) data).length;
            case INT64 -> ((long[]) data).length;
            case UINT8, BOOL -> ((byte[]) data).length;
        };
        if (length != size) {
            throw new IllegalArgumentException("shape " + Tensor.shapeString(this.shape) + " holds " + size
                    + " values but the array has " + length);
        }
    }

    /** Number of values a shape holds; throws if a dimension is negative or the total exceeds a Java array. */
    static long checkedSize(int[] shape) {
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Tensor.shapeString(shape));
            }
            size *= d;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + Tensor.shapeString(shape)
                        + " holds more values than one Java array can (" + (Integer.MAX_VALUE - 8) + ")");
            }
        }
        return size;
    }

    /** A FLOAT32 array with a copy of the tensor's values and its shape. */
    public static NpyArray of(Tensor tensor) {
        return ofFloats(tensor.data(), tensor.shape());
    }

    /** A FLOAT32 array holding a copy of {@code data}; {@code data.length} must equal the shape's size. */
    public static NpyArray ofFloats(float[] data, int... shape) {
        return new NpyArray(DType.FLOAT32, shape, data.clone(), label(DType.FLOAT32, shape));
    }

    /** A FLOAT64 array holding a copy of {@code data}. */
    public static NpyArray ofDoubles(double[] data, int... shape) {
        return new NpyArray(DType.FLOAT64, shape, data.clone(), label(DType.FLOAT64, shape));
    }

    /** An INT32 array holding a copy of {@code data}. */
    public static NpyArray ofInts(int[] data, int... shape) {
        return new NpyArray(DType.INT32, shape, data.clone(), label(DType.INT32, shape));
    }

    /** An INT64 array holding a copy of {@code data}. */
    public static NpyArray ofLongs(long[] data, int... shape) {
        return new NpyArray(DType.INT64, shape, data.clone(), label(DType.INT64, shape));
    }

    private static String label(DType dtype, int[] shape) {
        return dtype.numpyName() + " array " + Tensor.shapeString(shape);
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Number of values (1 for a scalar). */
    public int size() {
        return (int) checkedSize(shape);
    }

    /**
     * Where the array came from, for messages: the file name, {@code data.npz['x']} for an archive entry,
     * or e.g. {@code int32 array (2, 3)} for one built by a factory. Not part of {@link #equals}.
     */
    public String source() {
        return source;
    }

    /** The backing array (not a copy), for {@link Npy#write}. */
    Object data() {
        return data;
    }

    /**
     * The values as a float32 tensor of the same shape. FLOAT64 values are rounded to the nearest float;
     * integers are converted (exactly up to 2^24 in magnitude, rounded beyond).
     *
     * @throws IllegalArgumentException if a finite FLOAT64 value is beyond the float32 range
     */
    public Tensor toTensor() {
        return Tensor.of(toFloatArray(), shape);
    }

    /** The values as floats, converted as in {@link #toTensor()}. */
    public float[] toFloatArray() {
        int n = size();
        float[] out = new float[n];
        switch (dtype) {
            case FLOAT32 -> System.arraycopy((float[]) data, 0, out, 0, n);
            case FLOAT64 -> {
                double[] d = (double[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = (float) d[i];
                    if (Float.isInfinite(out[i]) && !Double.isInfinite(d[i])) {
                        throw new IllegalArgumentException(source + ": value " + d[i] + " at " + index(i)
                                + " is beyond the float32 range (largest " + Float.MAX_VALUE + ")");
                    }
                }
            }
            case INT32 -> {
                int[] d = (int[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = d[i];
                }
            }
            case INT64 -> {
                long[] d = (long[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = d[i];
                }
            }
            case UINT8, BOOL -> {
                byte[] d = (byte[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = Byte.toUnsignedInt(d[i]);
                }
            }
        }
        return out;
    }

    /** The values as doubles: exact for every type except INT64 beyond 2^53 in magnitude (rounded). */
    public double[] toDoubleArray() {
        int n = size();
        double[] out = new double[n];
        switch (dtype) {
            case FLOAT32 -> {
                float[] d = (float[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = d[i];
                }
            }
            case FLOAT64 -> System.arraycopy((double[]) data, 0, out, 0, n);
            case INT32 -> {
                int[] d = (int[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = d[i];
                }
            }
            case INT64 -> {
                long[] d = (long[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = d[i];
                }
            }
            case UINT8, BOOL -> {
                byte[] d = (byte[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = Byte.toUnsignedInt(d[i]);
                }
            }
        }
        return out;
    }

    /**
     * The values as ints, for class labels and sequence lengths. Floating-point values must be whole
     * numbers (labels saved as float are common); BOOL gives 0 and 1, UINT8 0 to 255.
     *
     * @throws IllegalArgumentException naming the array and the index of the first value that is not a
     *                                  whole number or lies outside the int32 range
     */
    public int[] toIntArray() {
        long[] wide = toLongArray();
        int[] out = new int[wide.length];
        for (int i = 0; i < wide.length; i++) {
            if (wide[i] != (int) wide[i]) {
                throw new IllegalArgumentException(source + ": value " + wide[i] + " at " + index(i)
                        + " is outside the int32 range [" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]");
            }
            out[i] = (int) wide[i];
        }
        return out;
    }

    /**
     * The values as longs, exactly. Floating-point values must be whole numbers within the int64 range.
     *
     * @throws IllegalArgumentException naming the array and the index of the first value that is not
     */
    public long[] toLongArray() {
        int n = size();
        long[] out = new long[n];
        switch (dtype) {
            case FLOAT32 -> {
                float[] d = (float[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = wholeNumber(d[i], i);
                }
            }
            case FLOAT64 -> {
                double[] d = (double[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = wholeNumber(d[i], i);
                }
            }
            case INT32 -> {
                int[] d = (int[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = d[i];
                }
            }
            case INT64 -> System.arraycopy((long[]) data, 0, out, 0, n);
            case UINT8, BOOL -> {
                byte[] d = (byte[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = Byte.toUnsignedInt(d[i]);
                }
            }
        }
        return out;
    }

    private long wholeNumber(double v, int i) {
        // 2^63 is the first double beyond the long range; -2^63 itself fits.
        boolean whole = v == Math.rint(v) && !Double.isInfinite(v);
        if (whole && v >= -0x1p63 && v < 0x1p63) {
            return (long) v;
        }
        String value = dtype == DType.FLOAT32 ? Float.toString((float) v) : Double.toString(v);
        throw new IllegalArgumentException(source + ": value " + value + " at " + index(i)
                + (whole ? " is outside the int64 range" : " is not a whole number") + ", so it cannot be used as an integer");
    }

    /** The multi-index of flat position {@code flat}, e.g. {@code [1, 0, 3]}. */
    private String index(int flat) {
        int[] idx = new int[shape.length];
        int rest = flat;
        for (int a = shape.length - 1; a >= 0; a--) {
            idx[a] = rest % shape[a];
            rest /= shape[a];
        }
        return Arrays.toString(idx);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NpyArray other) || dtype != other.dtype || !Arrays.equals(shape, other.shape)) {
            return false;
        }
        return switch (dtype) {
            case FLOAT32 -> Arrays.equals((float[]) data, (float[]) other.data);
            case FLOAT64 -> Arrays.equals((double[]) data, (double[]) other.data);
            case INT32 -> Arrays.equals((int[]) data, (int[]) other.data);
            case INT64 -> Arrays.equals((long[]) data, (long[]) other.data);
            case UINT8, BOOL -> Arrays.equals((byte[]) data, (byte[]) other.data);
        };
    }

    @Override
    public int hashCode() {
        int h = 31 * dtype.hashCode() + Arrays.hashCode(shape);
        return 31 * h + switch (dtype) {
            case FLOAT32 -> Arrays.hashCode((float[]) data);
            case FLOAT64 -> Arrays.hashCode((double[]) data);
            case INT32 -> Arrays.hashCode((int[]) data);
            case INT64 -> Arrays.hashCode((long[]) data);
            case UINT8, BOOL -> Arrays.hashCode((byte[]) data);
        };
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype.numpyName() + " " + Tensor.shapeString(shape) + " from " + source + "]";
    }
}
