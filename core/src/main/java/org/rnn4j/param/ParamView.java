package org.rnn4j.param;

import java.util.Arrays;

/**
 * A named range of the flat parameter array: {@code size()} floats from {@code offset}, read as a row-major
 * tensor of the given shape. Names follow PyTorch's ({@code weight_ih_l0}, {@code bias_hh_l1_reverse}, ...).
 * A view that is not {@code trainable} is a buffer in PyTorch's sense: saved with the model (running statistics,
 * fixed time-gate parameters) but never changed by an optimizer.
 */
public record ParamView(String name, int offset, int[] shape, boolean trainable) {

    /** A trainable view. */
    public ParamView(String name, int offset, int[] shape) {
        this(name, offset, shape, true);
    }

    public ParamView {
        shape = shape.clone();
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset for " + name);
        }
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in the shape of " + name);
            }
            size *= d;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("parameter " + name + org.rnn4j.tensor.Tensor.shapeString(shape)
                        + " has more values than one Java array can hold");
            }
        }
    }

    public int size() {
        int s = 1;
        for (int d : shape) {
            s *= d;
        }
        return s;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamView v && v.name.equals(name) && v.offset == offset && Arrays.equals(v.shape, shape)
                && v.trainable == trainable;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + offset;
    }

    @Override
    public String toString() {
        return name + org.rnn4j.tensor.Tensor.shapeString(shape) + "@" + offset + (trainable ? "" : " (buffer)");
    }
}
