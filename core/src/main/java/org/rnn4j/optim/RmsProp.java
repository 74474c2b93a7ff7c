package org.rnn4j.optim;

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

    public RmsProp(float lr) {
        this(lr, 0.99f, 1e-8f, 0f);
    }

    public RmsProp(float lr, float alpha, float eps, float momentum) {
        super(new OptimizerSpec.RmsPropSpec(alpha, eps, momentum), lr, "square_avg", "momentum");
    }
}
