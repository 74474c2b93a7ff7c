package org.rnn4j.optim;

/**
 * Adagrad (Duchi, Hazan &amp; Singer 2011), as PyTorch's {@code torch.optim.Adagrad}:
 * {@code s += g²; w -= lr · g / (sqrt(s) + eps)}. The optimizer used with Downpour SGD by Dean et al. 2012.
 */
public final class Adagrad extends BaseOptimizer {

    public Adagrad(float lr) {
        this(lr, 1e-10f);
    }

    public Adagrad(float lr, float eps) {
        super(new OptimizerSpec.AdagradSpec(eps), lr, "sum_sq");
    }
}
