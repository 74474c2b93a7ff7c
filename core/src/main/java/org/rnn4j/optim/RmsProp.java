package org.rnn4j.optim;

import org.rnn4j.param.Parameters;

/**
 * RMSProp (Tieleman &amp; Hinton 2012, lecture 6.5), as PyTorch's {@code torch.optim.RMSprop} (not centered):
 * <pre>
 * v = alpha · v + (1 - alpha) · g²
 * u = g / (sqrt(v) + eps)
 * b = momentum · b + u      (b = u without momentum)
 * w -= lr · b
 * </pre>
 */
public final class RmsProp extends BaseOptimizer {

    private final float alpha;
    private final float eps;
    private final float momentum;

    public RmsProp(float lr) {
        this(lr, 0.99f, 1e-8f, 0f);
    }

    public RmsProp(float lr, float alpha, float eps, float momentum) {
        super("rmsprop", lr, "square_avg", "momentum");
        checkRange("alpha", alpha, 0f, 1f);
        checkRange("eps", eps, 0f, 1f);
        checkRange("momentum", momentum, 0f, 1f);
        this.alpha = alpha;
        this.eps = eps;
        this.momentum = momentum;
    }

    @Override
    public void step(Parameters params) {
        nextStep();
        float[] w = params.values();
        float[] g = params.grads();
        float[] v = buffer("square_avg", w.length);
        float[] b = momentum > 0f ? buffer("momentum", w.length) : null;
        float lr = learningRate();
        for (int[] range : params.layout().trainableRanges()) {
            for (int i = range[0]; i < range[1]; i++) {
                v[i] = alpha * v[i] + (1f - alpha) * g[i] * g[i];
                float u = g[i] / ((float) Math.sqrt(v[i]) + eps);
                if (b != null) {
                    b[i] = momentum * b[i] + u;
                    u = b[i];
                }
                w[i] -= lr * u;
            }
        }
    }
}
