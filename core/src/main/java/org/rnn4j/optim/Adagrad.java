package org.rnn4j.optim;

import org.rnn4j.param.Parameters;

/**
 * Adagrad (Duchi, Hazan &amp; Singer 2011), as PyTorch's {@code torch.optim.Adagrad}:
 * {@code s += g²; w -= lr · g / (sqrt(s) + eps)}. The optimizer used with Downpour SGD by Dean et al. 2012.
 */
public final class Adagrad extends BaseOptimizer {

    private final float eps;

    public Adagrad(float lr) {
        this(lr, 1e-10f);
    }

    public Adagrad(float lr, float eps) {
        super("adagrad", lr, "sum_sq");
        checkRange("eps", eps, 0f, 1f);
        this.eps = eps;
    }

    @Override
    public void step(Parameters params) {
        nextStep();
        float[] w = params.values();
        float[] g = params.grads();
        float[] s = buffer("sum_sq", w.length);
        float lr = learningRate();
        for (int[] range : params.layout().trainableRanges()) {
            for (int i = range[0]; i < range[1]; i++) {
                s[i] += g[i] * g[i];
                w[i] -= lr * g[i] / ((float) Math.sqrt(s[i]) + eps);
            }
        }
    }
}
