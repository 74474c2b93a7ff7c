package org.rnn4j.optim;

/**
 * Stochastic gradient descent with optional momentum (Polyak 1964), Nesterov momentum (Sutskever et al. 2013)
 * and L2 weight decay, with PyTorch's {@code torch.optim.SGD} semantics:
 * <pre>
 * g = grad + weightDecay · w
 * v = momentum · v + g                        (v = g on the first step)
 * w -= lr · (nesterov ? g + momentum · v : v)  (w -= lr · g without momentum)
 * </pre>
 */
public final class Sgd extends BaseOptimizer {

    /** Plain SGD. */
    public Sgd(float lr) {
        this(lr, 0f, false, 0f);
    }

    public Sgd(float lr, float momentum, boolean nesterov, float weightDecay) {
        super(new OptimizerSpec.SgdSpec(momentum, nesterov, weightDecay), lr, "momentum");
    }

    /** A momentum buffer that does not exist yet (first step, or restored without it) starts as the gradient. */
    @Override
    long updateNumber(long t, boolean fresh) {
        return fresh ? 1 : t;
    }
}
