package org.rnn4j.tensor;

import java.util.Arrays;

/**
 * A dense float32 array with a shape, row-major (C order). The public API of rnn4j is batch-first:
 * sequences are {@code (B, T, F)}.
 *
 * <p>A Tensor wraps its array without copying; {@link #data()} exposes it for fast access. Tensors are
 * mutable through that array and not thread-safe.
 */
public final class Tensor {

    private final int[] shape;
    private final float[] data;

    private Tensor(float[] data, int[] shape) {
        this.shape = shape.clone();
        this.data = data;
    }

    /** Wraps {@code data} (not copied) with the given shape; the sizes must agree. */
    public static Tensor of(float[] data, int... shape) {
        long size = checkedSize(shape);
        if (data.length != size) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size
                    + " values but the array has " + data.length);
        }
        return new Tensor(data, shape);
    }

    /** A tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[(int) checkedSize(shape)], shape);
    }

    private static long checkedSize(int[] shape) {
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large for one array");
        }
        return size;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return data.length;
    }

    /** The backing array (not a copy). */
    public float[] data() {
        return data;
    }

    /** The value at the given indices, one per axis. */
    public float get(int... index) {
        return data[offset(index)];
    }

    public void set(float value, int... index) {
        data[offset(index)] = value;
    }

    private int offset(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("expected " + shape.length + " indices for shape "
                    + Arrays.toString(shape) + ", got " + index.length);
        }
        int off = 0;
        for (int a = 0; a < shape.length; a++) {
            if (index[a] < 0 || index[a] >= shape[a]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " is outside shape "
                        + Arrays.toString(shape));
            }
            off = off * shape[a] + index[a];
        }
        return off;
    }

    /** A deep copy. */
    public Tensor copy() {
        return new Tensor(data.clone(), shape);
    }

    /** Shape as text, e.g. {@code (3, 5, 4)}. */
    public static String shapeString(int... shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString(shape);
    }
}
