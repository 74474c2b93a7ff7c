package org.rnn4j.optim;

import org.rnn4j.param.Parameters;

/** Gradient clipping, applied to {@code params.grads()} in place between backward and the optimizer step. */
public final class GradientClipping {

    private GradientClipping() {
    }

    /**
     * Scales all gradients by {@code maxNorm / norm} when their global L2 norm exceeds {@code maxNorm}
     * (Pascanu, Mikolov &amp; Bengio 2013; PyTorch's {@code clip_grad_norm_}).
     *
     * @return the global norm before clipping (NaN or infinite if a gradient is)
     */
    public static double clipGlobalNorm(Parameters params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        float[] g = params.grads();
        double sum = 0;
        for (float v : g) {
            sum += (double) v * v;
        }
        double norm = Math.sqrt(sum);
        if (norm > maxNorm && Double.isFinite(norm)) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (int i = 0; i < g.length; i++) {
                g[i] *= scale;
            }
        }
        return norm;
    }

    /** Clamps every gradient to [-limit, limit] (PyTorch's {@code clip_grad_value_}). */
    public static void clipValue(Parameters params, float limit) {
        if (!(limit > 0f)) {
            throw new IllegalArgumentException("clip value must be > 0, got " + limit);
        }
        float[] g = params.grads();
        for (int i = 0; i < g.length; i++) {
            g[i] = Math.max(-limit, Math.min(limit, g[i]));
        }
    }
}
