package org.rnn4j.param;

import java.util.Arrays;

/**
 * The values and gradients of all parameters of a model: two parallel flat arrays in the order of a
 * {@link ParamLayout}. Backward passes accumulate into {@link #grads()}; {@link #zeroGrad()} clears them.
 */
public final class Parameters {

    private final ParamLayout layout;
    private final float[] values;
    private final float[] grads;

    public Parameters(ParamLayout layout) {
        this.layout = layout;
        this.values = new float[layout.size()];
        this.grads = new float[layout.size()];
    }

    public ParamLayout layout() {
        return layout;
    }

    /** All parameter values (not a copy). */
    public float[] values() {
        return values;
    }

    /** All gradients (not a copy), same layout as {@link #values()}. */
    public float[] grads() {
        return grads;
    }

    public int size() {
        return values.length;
    }

    public void zeroGrad() {
        Arrays.fill(grads, 0f);
    }

    /** A copy of the named parameter's values. */
    public float[] get(String name) {
        ParamView v = layout.view(name);
        return Arrays.copyOfRange(values, v.offset(), v.offset() + v.size());
    }

    /** A copy of the named parameter's gradient. */
    public float[] grad(String name) {
        ParamView v = layout.view(name);
        return Arrays.copyOfRange(grads, v.offset(), v.offset() + v.size());
    }

    /** Overwrites the named parameter with {@code data}, which must have exactly its size. */
    public void set(String name, float[] data) {
        ParamView v = layout.view(name);
        if (data.length != v.size()) {
            throw new IllegalArgumentException("parameter '" + name + "' has shape "
                    + org.rnn4j.tensor.Tensor.shapeString(v.shape()) + " (" + v.size() + " values), got "
                    + data.length + " values");
        }
        System.arraycopy(data, 0, values, v.offset(), v.size());
    }
}
