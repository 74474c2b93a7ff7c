package org.rnn4j.optim;

import java.util.Arrays;
import java.util.List;

/**
 * What an optimizer does to one stretch of the flat arrays, without any state of its own: the algorithm and its
 * hyper-parameters (the learning rate excepted, which a schedule changes every step). Every {@link Optimizer} of
 * this package steps by calling {@link #update} over each trainable range, and a parameter shard on a distributed
 * parameter server calls the same method over its own range, so both apply the same arithmetic, bit for bit.
 *
 * <p>A spec is a small value that travels: {@link #kind()} and {@link #hyperParameters()} are its whole content,
 * and {@link #of(String, float[])} rebuilds it from them.
 *
 * <p>The state arrays given to {@link #update} are parallel to the values (same index = same parameter), in the
 * order of {@link #stateNames()}, and start as zeros.
 */
public sealed interface OptimizerSpec {

    /**
     * Applies one update to {@code w[from, to)} from {@code g[from, to)}.
     *
     * @param w     parameter values, modified in [from, to)
     * @param g     gradients, not modified
     * @param state the state arrays named by {@link #stateNames()}, in that order; modified in [from, to)
     * @param step  the 1-based number of this update of these parameters (Adam's bias correction, SGD's first step)
     * @param lr    the learning rate of this update
     */
    void update(float[] w, float[] g, float[][] state, int from, int to, long step, float lr);

    /** The name of the algorithm as {@link Optimizer#name()} reports it, e.g. {@code "adamw"}. */
    String name();

    /** The names of the state arrays {@link #update} needs, as {@link Optimizer#state()} keys them. */
    List<String> stateNames();

    /** The family, one of {@code sgd}, {@code adam}, {@code rmsprop}, {@code adagrad}. */
    String kind();

    /** The hyper-parameters in a fixed order per kind (see each record); with {@link #kind()}, the whole spec. */
    float[] hyperParameters();

    /** The spec of this kind with these hyper-parameters, as {@link #kind()} and {@link #hyperParameters()} gave. */
    static OptimizerSpec of(String kind, float[] h) {
        int expected = switch (kind) {
            case "sgd" -> 3;
            case "adam" -> 5;
            case "rmsprop" -> 3;
            case "adagrad" -> 1;
            default -> throw new IllegalArgumentException("unknown optimizer kind '" + kind
                    + "'; expected sgd, adam, rmsprop or adagrad");
        };
        if (h.length != expected) {
            throw new IllegalArgumentException("optimizer kind '" + kind + "' has " + expected
                    + " hyper-parameters, got " + h.length + ": " + Arrays.toString(h));
        }
        return switch (kind) {
            case "sgd" -> new SgdSpec(h[0], h[1] != 0f, h[2]);
            case "adam" -> new AdamSpec(h[0], h[1], h[2], h[3], h[4] != 0f);
            case "rmsprop" -> new RmsPropSpec(h[0], h[1], h[2]);
            default -> new AdagradSpec(h[0]);
        };
    }

    private static void checkRange(String what, float value, float lo, float hi) {
        if (!(value >= lo && value <= hi)) {
            throw new IllegalArgumentException(what + " must be in [" + lo + ", " + hi + "], got " + value);
        }
    }

    /**
     * SGD, see {@link Sgd}. Hyper-parameters: momentum, nesterov (1 or 0), weight decay.
     */
    record SgdSpec(float momentum, boolean nesterov, float weightDecay) implements OptimizerSpec {

        public SgdSpec {
            checkRange("momentum", momentum, 0f, 1f);
            checkRange("weightDecay", weightDecay, 0f, Float.MAX_VALUE);
            if (nesterov && momentum == 0f) {
                throw new IllegalArgumentException("Nesterov momentum needs a momentum > 0");
            }
        }

        /** At step 1 the momentum buffer starts as the gradient itself, as in PyTorch. */
        @Override
        public void update(float[] w, float[] g, float[][] state, int from, int to, long step, float lr) {
            boolean first = step == 1;
            float[] v = momentum > 0f ? state[0] : null;
            for (int i = from; i < to; i++) {
                float gi = g[i] + weightDecay * w[i];
                if (v != null) {
                    v[i] = first ? gi : momentum * v[i] + gi;
                    gi = nesterov ? gi + momentum * v[i] : v[i];
                }
                w[i] -= lr * gi;
            }
        }

        @Override
        public String name() {
            return nesterov ? "nesterov" : momentum > 0 ? "momentum" : "sgd";
        }

        @Override
        public List<String> stateNames() {
            return momentum > 0f ? List.of("momentum") : List.of();
        }

        @Override
        public String kind() {
            return "sgd";
        }

        @Override
        public float[] hyperParameters() {
            return new float[]{momentum, nesterov ? 1f : 0f, weightDecay};
        }
    }

    /**
     * Adam and AdamW, see {@link Adam}. Hyper-parameters: β1, β2, eps, weight decay, decoupled (1 for AdamW or 0).
     */
    record AdamSpec(float beta1, float beta2, float eps, float weightDecay, boolean decoupled) implements OptimizerSpec {

        public AdamSpec {
            checkRange("beta1", beta1, 0f, 0.9999999f);
            checkRange("beta2", beta2, 0f, 0.9999999f);
            checkRange("eps", eps, 0f, 1f);
            checkRange("weightDecay", weightDecay, 0f, Float.MAX_VALUE);
        }

        @Override
        public void update(float[] w, float[] g, float[][] state, int from, int to, long step, float lr) {
            float[] m = state[0];
            float[] v = state[1];
            double c1 = 1.0 - Math.pow(beta1, step);
            double c2 = 1.0 - Math.pow(beta2, step);
            float stepSize = (float) (lr / c1);
            float sqrtC2 = (float) Math.sqrt(c2);
            float decay = decoupled ? 1f - lr * weightDecay : 1f;
            float l2 = decoupled ? 0f : weightDecay;
            for (int i = from; i < to; i++) {
                float gi = g[i] + l2 * w[i];
                m[i] = beta1 * m[i] + (1f - beta1) * gi;
                v[i] = beta2 * v[i] + (1f - beta2) * gi * gi;
                w[i] = w[i] * decay - stepSize * m[i] / ((float) Math.sqrt(v[i]) / sqrtC2 + eps);
            }
        }

        @Override
        public String name() {
            return decoupled ? "adamw" : "adam";
        }

        @Override
        public List<String> stateNames() {
            return List.of("exp_avg", "exp_avg_sq");
        }

        @Override
        public String kind() {
            return "adam";
        }

        @Override
        public float[] hyperParameters() {
            return new float[]{beta1, beta2, eps, weightDecay, decoupled ? 1f : 0f};
        }
    }

    /** RMSProp, see {@link RmsProp}. Hyper-parameters: alpha, eps, momentum. */
    record RmsPropSpec(float alpha, float eps, float momentum) implements OptimizerSpec {

        public RmsPropSpec {
            checkRange("alpha", alpha, 0f, 1f);
            checkRange("eps", eps, 0f, 1f);
            checkRange("momentum", momentum, 0f, 1f);
        }

        @Override
        public void update(float[] w, float[] g, float[][] state, int from, int to, long step, float lr) {
            float[] v = state[0];
            float[] b = momentum > 0f ? state[1] : null;
            for (int i = from; i < to; i++) {
                v[i] = alpha * v[i] + (1f - alpha) * g[i] * g[i];
                float u = g[i] / ((float) Math.sqrt(v[i]) + eps);
                if (b != null) {
                    b[i] = momentum * b[i] + u;
                    u = b[i];
                }
                w[i] -= lr * u;
            }
        }

        @Override
        public String name() {
            return "rmsprop";
        }

        @Override
        public List<String> stateNames() {
            return momentum > 0f ? List.of("square_avg", "momentum") : List.of("square_avg");
        }

        @Override
        public String kind() {
            return "rmsprop";
        }

        @Override
        public float[] hyperParameters() {
            return new float[]{alpha, eps, momentum};
        }
    }

    /** Adagrad, see {@link Adagrad}. Hyper-parameter: eps. */
    record AdagradSpec(float eps) implements OptimizerSpec {

        public AdagradSpec {
            checkRange("eps", eps, 0f, 1f);
        }

        @Override
        public void update(float[] w, float[] g, float[][] state, int from, int to, long step, float lr) {
            float[] s = state[0];
            for (int i = from; i < to; i++) {
                s[i] += g[i] * g[i];
                w[i] -= lr * g[i] / ((float) Math.sqrt(s[i]) + eps);
            }
        }

        @Override
        public String name() {
            return "adagrad";
        }

        @Override
        public List<String> stateNames() {
            return List.of("sum_sq");
        }

        @Override
        public String kind() {
            return "adagrad";
        }

        @Override
        public float[] hyperParameters() {
            return new float[]{eps};
        }
    }
}
