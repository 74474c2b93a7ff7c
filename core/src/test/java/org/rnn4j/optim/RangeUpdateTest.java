package org.rnn4j.optim;

import org.junit.jupiter.api.Test;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.Parameters;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The optimizers step through {@link OptimizerSpec#update} over ranges. These tests hold the loops the optimizers
 * had before that (each a whole-array step of its own, copied here unchanged) and prove that the range form gives
 * the same bits, whole or cut into pieces as a parameter server's shards cut it.
 */
class RangeUpdateTest {

    private static final int STEPS = 40;

    /** A layout with a buffer between two trainable views, so the trainable ranges have a gap. */
    static Parameters params(long seed) {
        ParamLayout.Builder b = ParamLayout.builder();
        b.add("a", 7, 5);
        b.addBuffer("running", 6);
        b.add("b", 13);
        b.add("c", 3, 3);
        Parameters p = new Parameters(b.build());
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < p.size(); i++) {
            p.values()[i] = (float) r.nextGaussian();
        }
        return p;
    }

    static void randomGrads(Parameters p, SplittableRandom r) {
        for (int i = 0; i < p.size(); i++) {
            // some exact zeros and some large values, where rounding differences would show
            p.grads()[i] = r.nextInt(10) == 0 ? 0f : (float) (r.nextGaussian() * (r.nextInt(5) == 0 ? 50 : 0.5));
        }
    }

    /** An optimizer as it was written before the range form, and the optimizer that replaces it. */
    record Case(String label, Supplier<Optimizer> current, Supplier<LegacyStep> legacy) {
    }

    interface LegacyStep {
        void step(Parameters p, float lr);
    }

    static List<Case> cases() {
        return List.of(
                new Case("sgd", () -> new Sgd(0.05f), () -> new LegacySgd(0f, false, 0f)),
                new Case("sgd+decay", () -> new Sgd(0.05f, 0f, false, 0.01f), () -> new LegacySgd(0f, false, 0.01f)),
                new Case("momentum", () -> new Sgd(0.05f, 0.9f, false, 0.01f), () -> new LegacySgd(0.9f, false, 0.01f)),
                new Case("nesterov", () -> new Sgd(0.05f, 0.9f, true, 0f), () -> new LegacySgd(0.9f, true, 0f)),
                new Case("adam", () -> new Adam(0.01f), () -> new LegacyAdam(0.9f, 0.999f, 1e-8f, 0f, false)),
                new Case("adam+l2", () -> new Adam(0.01f, 0.8f, 0.99f, 1e-6f, 0.1f, false),
                        () -> new LegacyAdam(0.8f, 0.99f, 1e-6f, 0.1f, false)),
                new Case("adamw", () -> Adam.adamW(0.01f, 0.1f), () -> new LegacyAdam(0.9f, 0.999f, 1e-8f, 0.1f, true)),
                new Case("rmsprop", () -> new RmsProp(0.01f), () -> new LegacyRmsProp(0.99f, 1e-8f, 0f)),
                new Case("rmsprop+momentum", () -> new RmsProp(0.01f, 0.9f, 1e-8f, 0.5f),
                        () -> new LegacyRmsProp(0.9f, 1e-8f, 0.5f)),
                new Case("adagrad", () -> new Adagrad(0.1f), () -> new LegacyAdagrad(1e-10f)));
    }

    @Test
    void everyOptimizerGivesTheBitsOfItsFormerWholeArrayLoop() {
        for (Case c : cases()) {
            Parameters a = params(1);
            Parameters b = params(1);
            Optimizer opt = c.current().get();
            LegacyStep legacy = c.legacy().get();
            SplittableRandom r = new SplittableRandom(7);
            for (int s = 0; s < STEPS; s++) {
                randomGrads(a, r);
                System.arraycopy(a.grads(), 0, b.grads(), 0, a.size());
                float lr = 0.01f * (1 + s % 3);   // a schedule changing the rate
                opt.setLearningRate(lr);
                opt.step(a);
                legacy.step(b, lr);
                assertSameBits(c.label() + " step " + (s + 1), b.values(), a.values());
            }
        }
    }

    @Test
    void theSpecAppliedShardByShardGivesTheBitsOfTheOptimizer() {
        for (Case c : cases()) {
            Parameters whole = params(2);
            Optimizer opt = c.current().get();
            OptimizerSpec spec = opt.spec();
            float[] w = params(2).values();
            float[][] state = new float[spec.stateNames().size()][w.length];
            int[] cuts = {0, 1, 11, 40, 41, 59, w.length};   // shard edges inside and across views and the buffer
            SplittableRandom r = new SplittableRandom(3);
            for (int s = 1; s <= STEPS; s++) {
                randomGrads(whole, r);
                opt.step(whole);
                for (int k = 0; k + 1 < cuts.length; k++) {
                    for (int[] range : whole.layout().trainableRanges()) {
                        int from = Math.max(range[0], cuts[k]);
                        int to = Math.min(range[1], cuts[k + 1]);
                        if (from < to) {
                            spec.update(w, whole.grads(), state, from, to, s, opt.learningRate());
                        }
                    }
                }
                assertSameBits(c.label() + " step " + s, whole.values(), w);
            }
            for (int k = 0; k < state.length; k++) {
                assertSameBits(c.label() + " state " + spec.stateNames().get(k),
                        opt.state().get(spec.stateNames().get(k)), state[k]);
            }
        }
    }

    @Test
    void aSpecTravelsAsItsKindAndHyperParameters() {
        for (Case c : cases()) {
            OptimizerSpec spec = c.current().get().spec();
            OptimizerSpec back = OptimizerSpec.of(spec.kind(), spec.hyperParameters());
            assertEquals(spec, back, c.label());
            assertEquals(c.current().get().name(), back.name(), c.label());
        }
        String m = assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.of("lion", new float[1])).getMessage();
        assertEquals("unknown optimizer kind 'lion'; expected sgd, adam, rmsprop or adagrad", m);
        m = assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.of("adam", new float[2])).getMessage();
        assertEquals("optimizer kind 'adam' has 5 hyper-parameters, got 2: [0.0, 0.0]", m);
    }

    static void assertSameBits(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + ": first difference at index " + i + ": expected " + expected[i] + ", got " + actual[i]
                        + " (expected " + Arrays.toString(Arrays.copyOfRange(expected, i, Math.min(i + 4, expected.length)))
                        + "...)");
            }
        }
        assertArrayEquals(expected, actual, what);
    }

    // ---- the optimizers' step loops as they were before the range form (kept as the reference) ----

    static final class LegacySgd implements LegacyStep {
        final float momentum;
        final boolean nesterov;
        final float weightDecay;
        float[] v;
        long steps;

        LegacySgd(float momentum, boolean nesterov, float weightDecay) {
            this.momentum = momentum;
            this.nesterov = nesterov;
            this.weightDecay = weightDecay;
        }

        @Override
        public void step(Parameters params, float lr) {
            float[] w = params.values();
            float[] g = params.grads();
            boolean first = ++steps == 1 || v == null;
            if (momentum > 0f && v == null) {
                v = new float[w.length];
            }
            for (int[] range : params.layout().trainableRanges()) {
                for (int i = range[0]; i < range[1]; i++) {
                    float gi = g[i] + weightDecay * w[i];
                    if (momentum > 0f) {
                        v[i] = first ? gi : momentum * v[i] + gi;
                        gi = nesterov ? gi + momentum * v[i] : v[i];
                    }
                    w[i] -= lr * gi;
                }
            }
        }
    }

    static final class LegacyAdam implements LegacyStep {
        final float beta1;
        final float beta2;
        final float eps;
        final float weightDecay;
        final boolean decoupled;
        float[] m;
        float[] v;
        long t;

        LegacyAdam(float beta1, float beta2, float eps, float weightDecay, boolean decoupled) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            this.weightDecay = weightDecay;
            this.decoupled = decoupled;
        }

        @Override
        public void step(Parameters params, float lr) {
            long t = ++this.t;
            float[] w = params.values();
            float[] g = params.grads();
            if (m == null) {
                m = new float[w.length];
                v = new float[w.length];
            }
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

    static final class LegacyRmsProp implements LegacyStep {
        final float alpha;
        final float eps;
        final float momentum;
        float[] v;
        float[] b;

        LegacyRmsProp(float alpha, float eps, float momentum) {
            this.alpha = alpha;
            this.eps = eps;
            this.momentum = momentum;
        }

        @Override
        public void step(Parameters params, float lr) {
            float[] w = params.values();
            float[] g = params.grads();
            if (v == null) {
                v = new float[w.length];
                b = momentum > 0f ? new float[w.length] : null;
            }
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

    static final class LegacyAdagrad implements LegacyStep {
        final float eps;
        float[] s;

        LegacyAdagrad(float eps) {
            this.eps = eps;
        }

        @Override
        public void step(Parameters params, float lr) {
            float[] w = params.values();
            float[] g = params.grads();
            if (s == null) {
                s = new float[w.length];
            }
            for (int[] range : params.layout().trainableRanges()) {
                for (int i = range[0]; i < range[1]; i++) {
                    s[i] += g[i] * g[i];
                    w[i] -= lr * g[i] / ((float) Math.sqrt(s[i]) + eps);
                }
            }
        }
    }
}
