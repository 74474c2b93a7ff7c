package org.rnn4j.nn;

import org.rnn4j.tensor.Tensor;

/**
 * The step-to-step Jacobian of an Elman RNN, J_t = ∂h_t/∂h_{t−1} = diag(φ'(a_t)) W_hh (φ' = 1 − h_t² for tanh,
 * [h_t &gt; 0] for ReLU), whose product over steps carries the gradient back through time: its largest singular
 * value above or below 1 step after step is what makes the gradient explode or vanish.
 */
public final class RecurrentJacobians {

    private RecurrentJacobians() {
    }

    /**
     * The largest singular value of J_t for every step t of sequence {@code b}, from the first layer's states of a
     * forward pass, by power iteration on J_tᵀ J_t from a fixed start.
     *
     * @param net        a unidirectional Elman RNN (tanh or ReLU)
     * @param states     the first layer's outputs h_t of that network, (B, T, H): the forward's output of a
     *                   one-layer network
     * @param iterations power iterations per step; the estimate, ‖J v‖ for the last v, approaches σ_max from below
     *                   with an error shrinking like (σ₂/σ₁)^{2k} after k iterations (100 are plenty for H ≤ 256
     *                   unless the two largest values nearly coincide)
     * @return (T) σ_max(J_t)
     */
    public static double[] largestSingularValues(Recurrent net, Tensor states, int b, int iterations) {
        RecurrentConfig cfg = net.config();
        if (!(cfg.cell() instanceof RnnSpec rnn) || cfg.bidirectional()) {
            throw new IllegalArgumentException("the Jacobian is implemented for a unidirectional Elman RNN, not a "
                    + (cfg.bidirectional() ? "bidirectional " : "") + cfg.cell().kind());
        }
        int h = cfg.hiddenSize();
        if (states.rank() != 3 || states.dim(2) != h || b < 0 || b >= states.dim(0)) {
            throw new IllegalArgumentException("states must be (B, T, " + h + ") with sequence " + b + " in it, got "
                    + Tensor.shapeString(states.shape()));
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1, got " + iterations);
        }
        float[] w = net.parameters().get("weight_hh_l0");   // (H, H), row i: unit i's weights
        int t = states.dim(1);
        double[] sigma = new double[t];
        double[] d = new double[h];
        double[] v = new double[h];
        double[] u = new double[h];
        for (int s = 0; s < t; s++) {
            for (int i = 0; i < h; i++) {
                float y = states.data()[(b * t + s) * h + i];
                d[i] = rnn.nonlinearity() == RnnSpec.Nonlinearity.TANH ? 1 - (double) y * y : y > 0 ? 1 : 0;
            }
            java.util.Arrays.fill(v, 1 / Math.sqrt(h));
            for (int it = 0; it < iterations; it++) {   // v ← Jᵀ J v / ‖Jᵀ J v‖
                times(w, d, v, u, h);
                double vv = 0;
                for (int j = 0; j < h; j++) {
                    double a = 0;
                    for (int i = 0; i < h; i++) {
                        a += w[i * h + j] * d[i] * u[i];   // Jᵀ u = Wᵀ (d ⊙ u)
                    }
                    v[j] = a;
                    vv += a * a;
                }
                vv = Math.sqrt(vv);
                if (vv == 0) {
                    break;   // J v = 0: v is all zeros now, and so is σ below
                }
                for (int j = 0; j < h; j++) {
                    v[j] /= vv;
                }
            }
            times(w, d, v, u, h);
            double norm = 0;
            for (double x : u) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            sigma[s] = norm;
        }
        return sigma;
    }

    /** u = J v = d ⊙ (W v). */
    private static void times(float[] w, double[] d, double[] v, double[] u, int h) {
        for (int i = 0; i < h; i++) {
            double a = 0;
            for (int j = 0; j < h; j++) {
                a += w[i * h + j] * v[j];
            }
            u[i] = d[i] * a;
        }
    }
}
