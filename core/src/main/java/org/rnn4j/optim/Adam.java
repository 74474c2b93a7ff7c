package org.rnn4j.optim;

import org.rnn4j.param.Parameters;

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

    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final boolean decoupled;

    /** Adam with PyTorch's defaults β = (0.9, 0.999), eps = 1e-8, no weight decay. */
    public Adam(float lr) {
        this(lr, 0.9f, 0.999f, 1e-8f, 0f, false);
    }

    /** AdamW with β = (0.9, 0.999), eps = 1e-8 and the given decoupled weight decay (PyTorch's default is 0.01). */
    public static Adam adamW(float lr, float weightDecay) {
        return new Adam(lr, 0.9f, 0.999f, 1e-8f, weightDecay, true);
    }

    public Adam(float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled) {
        super(decoupled ? "adamw" : "adam", lr, "exp_avg", "exp_avg_sq");
        checkRange("beta1", beta1, 0f, 0.9999999f);
        checkRange("beta2", beta2, 0f, 0.9999999f);
        checkRange("eps", eps, 0f, 1f);
        checkRange("weightDecay", weightDecay, 0f, Float.MAX_VALUE);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    @Override
    public void step(Parameters params) {
        long t = nextStep();
        float[] w = params.values();
        float[] g = params.grads();
        float[] m = buffer("exp_avg", w.length);
        float[] v = buffer("exp_avg_sq", w.length);
        float lr = learningRate();
        double c1 = 1.0 - Math.pow(beta1, t);
        double c2 = 1.0 - Math.pow(beta2, t);
        float stepSize = (float) (lr / c1);
        float sqrtC2 = (float) Math.sqrt(c2);
        float decay = decoupled ? 1f - lr * weightDecay : 1f;
        float l2 = decoupled ? 0f : weightDecay;
        for (int[] range : params.layout().trainableRanges()) {
            for (int i = range[0]; i < range[1]; i++) {
                float gi = g[i] + l2 * w[i];
                m[i] = beta1 * m[i] + (1f - beta1) * gi;
                v[i] = beta2 * v[i] + (1f - beta2) * gi * gi;
                w[i] = w[i] * decay - stepSize * m[i] / ((float) Math.sqrt(v[i]) / sqrtC2 + eps);
            }
        }
    }
}
