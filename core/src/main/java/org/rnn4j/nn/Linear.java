package org.rnn4j.nn;

import org.rnn4j.kernel.Compute;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.ParamView;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A fully connected layer y = x Wᵀ + b on rows: x (N, in), W (out, in), b (out), y (N, out). Initialised like
 * PyTorch's {@code nn.Linear}: U(-k, k) with k = 1/sqrt(in).
 */
final class Linear {

    final int in;
    final int out;
    final ParamView weight;
    final ParamView bias;

    Linear(int in, int out, ParamLayout.Builder layout, String prefix) {
        this.in = in;
        this.out = out;
        this.weight = layout.add(prefix + "weight", out, in);
        this.bias = layout.add(prefix + "bias", out);
    }

    void initialize(float[] w, RandomGenerator rng) {
        float k = (float) (1.0 / Math.sqrt(in));
        Initializers.uniform(w, weight.offset(), weight.size(), k, rng);
        Initializers.uniform(w, bias.offset(), bias.size(), k, rng);
    }

    /** y (rows, out) = x (rows, in) Wᵀ + b; y overwritten. */
    void forward(Compute cx, float[] w, float[] x, int rows, float[] y) {
        Arrays.fill(y, 0, rows * out, 0f);
        cx.kernels().addRowBias(rows, out, w, bias.offset(), y, 0, out);
        cx.multTransBAdd(rows, out, in, x, 0, in, w, weight.offset(), in, y, 0, out);
    }

    /** dW += dyᵀ x, db += Σ dy, and dx (rows, in) overwritten with dy W. */
    void backward(Compute cx, float[] w, float[] g, float[] x, float[] dy, int rows, float[] dx) {
        cx.multTransAAdd(out, in, rows, dy, 0, out, x, 0, in, g, weight.offset(), in);
        cx.kernels().sumRowsAdd(rows, out, dy, 0, out, g, bias.offset());
        Arrays.fill(dx, 0, rows * in, 0f);
        cx.multAdd(rows, in, out, dy, 0, out, w, weight.offset(), in, dx, 0, in);
    }
}
