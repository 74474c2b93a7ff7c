package org.rnn4j.optim;

/**
 * Adam (Kingma &amp; Ba 2015) and, with {@link #adamW}, AdamW's decoupled weight decay (Loshchilov &amp; Hutter
 * 2019), with the semantics of PyTorch's {@code torch.optim.Adam} and {@code AdamW}:
 * <pre>
 * Adam:  g = grad + weightDecay · w                (L2 penalty, when weightDecay &gt; 0)
 * AdamW: w = w · (1 - lr · weightDecay)            (decoupled decay), g = grad
 * m = β1 m + (1 - β1) g;   v = β2 v + (1 - β2) g²
 * w -= lr · (m / (1 - β1^t)) / (sqrt(v / (1 - β2^t)) + eps)
 * </pre>
 */
public final class Adam extends BaseOptimizer {

    /** Adam with PyTorch's defaults β = (0.9, 0.999), eps = 1e-8, no weight decay. */
    public Adam(float lr) {
        this(lr, 0.9f, 0.999f, 1e-8f, 0f, false);
    }

    /** AdamW with β = (0.9, 0.999), eps = 1e-8 and the given decoupled weight decay (PyTorch's default is 0.01). */
    public static Adam adamW(float lr, float weightDecay) {
        return new Adam(lr, 0.9f, 0.999f, 1e-8f, weightDecay, true);
    }

    public Adam(float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled) {
        super(new OptimizerSpec.AdamSpec(beta1, beta2, eps, weightDecay, decoupled), lr, "exp_avg", "exp_avg_sq");
    }
}
