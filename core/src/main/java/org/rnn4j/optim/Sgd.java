package org.rnn4j.optim;

import org.rnn4j.param.Parameters;

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

    private final float momentum;
    private final boolean nesterov;
    private final float weightDecay;

    /** Plain SGD. */
    public Sgd(float lr) {
        this(lr, 0f, false, 0f);
    }

    public Sgd(float lr, float momentum, boolean nesterov, float weightDecay) {
        super(nesterov ? "nesterov" : momentum > 0 ? "momentum" : "sgd", lr, "momentum");
        checkRange("momentum", momentum, 0f, 1f);
        checkRange("weightDecay", weightDecay, 0f, Float.MAX_VALUE);
        if (nesterov && momentum == 0f) {
            throw new IllegalArgumentException("Nesterov momentum needs a momentum > 0");
        }
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(Parameters params) {
        float[] w = params.values();
        float[] g = params.grads();
        boolean first = nextStep() == 1 || !state().containsKey("momentum");
        float[] v = momentum > 0f ? buffer("momentum", w.length) : null;
        float lr = learningRate();
        for (int[] range : params.layout().trainableRanges()) {
            for (int i = range[0]; i < range[1]; i++) {
                float gi = g[i] + weightDecay * w[i];
                if (v != null) {
                    v[i] = first ? gi : momentum * v[i] + gi;
                    gi = nesterov ? gi + momentum * v[i] : v[i];
                }
                w[i] -= lr * gi;
            }
        }
    }
}
