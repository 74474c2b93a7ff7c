package org.rnn4j.optim;

import org.junit.jupiter.api.Test;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.Parameters;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.testutil.Close.assertClose;

/**
 * Three steps of every optimizer from w = (1, -2, 0.5) with fixed gradients, against the values PyTorch 1.13's
 * torch.optim produced in float64 for the same hyper-parameters (computed once and written down here).
 */
class OptimizerTest {

    static final float[][] GRADS = {{0.5f, -1f, 2f}, {0.1f, 0.3f, -0.7f}, {-0.4f, 0.2f, 0.05f}};

    static Parameters params() {
        ParamLayout.Builder b = ParamLayout.builder();
        b.add("w", 3);
        Parameters p = new Parameters(b.build());
        p.set("w", new float[]{1f, -2f, 0.5f});
        return p;
    }

    static void expect(String name, Supplier<Optimizer> make, double[][] torch) {
        Parameters p = params();
        Optimizer opt = make.get();
        for (int s = 0; s < 3; s++) {
            System.arraycopy(GRADS[s], 0, p.grads(), 0, 3);
            opt.step(p);
            float[] expected = new float[3];
            for (int i = 0; i < 3; i++) {
                expected[i] = (float) torch[s][i];
            }
            assertClose(name + " after step " + (s + 1), expected, p.values(), 2e-6, 2e-6);
        }
        assertEquals(3, opt.steps());
    }

    @Test
    void sgdMatchesPyTorch() {
        expect("sgd", () -> new Sgd(0.1f), new double[][]{{0.95, -1.9, 0.3}, {0.94, -1.93, 0.37}, {0.98, -1.95, 0.365}});
    }

    @Test
    void sgdWithMomentumAndWeightDecayMatchesPyTorch() {
        expect("momentum", () -> new Sgd(0.1f, 0.9f, false, 0.01f), new double[][]{
                {0.949, -1.898, 0.2995}, {0.892151, -1.834302, 0.1887505}, {0.880094749, -1.795139498, 0.0838871995}});
    }

    @Test
    void nesterovMatchesPyTorch() {
        expect("nesterov", () -> new Sgd(0.1f, 0.9f, true, 0f), new double[][]{
                {0.905, -1.81, 0.12}, {0.8455, -1.786, 0.091}, {0.87695, -1.7754, -0.0076}});
    }

    @Test
    void adagradMatchesPyTorch() {
        expect("adagrad", () -> new Adagrad(0.1f), new double[][]{
                {0.9, -1.9, 0.4}, {0.8803883865, -1.9287347886, 0.4330350425}, {0.9421097265, -1.9475492059, 0.4306760532}});
    }

    @Test
    void rmsPropMatchesPyTorch() {
        expect("rmsprop", () -> new RmsProp(0.01f), new double[][]{
                {0.90000002, -1.90000001, 0.400000005}, {0.8802934383, -1.9288675207, 0.4331831858},
                {0.9423910822, -1.9478575233, 0.4308016935}});
        expect("rmsprop+momentum", () -> new RmsProp(0.01f, 0.9f, 1e-8f, 0.5f), new double[][]{
                {0.9683772254, -1.9683772244, 0.4683772239}, {0.9460425578, -1.9621004622, 0.4635113554},
                {0.9556282084, -1.9655168161, 0.4602545872}});
    }

    @Test
    void adamMatchesPyTorch() {
        expect("adam", () -> new Adam(0.1f), new double[][]{
                {0.900000002, -1.900000001, 0.4000000005}, {0.8196959064, -1.8572151424, 0.3613529955},
                {0.8103259664, -1.8367640907, 0.3299786981}});
        expect("adam+l2", () -> new Adam(0.1f, 0.9f, 0.999f, 1e-8f, 0.1f, false), new double[][]{
                {0.9000000017, -1.9000000008, 0.4000000005}, {0.8136483454, -1.8400703555, 0.3590364179},
                {0.7829837791, -1.7945972463, 0.3248481624}});
    }

    @Test
    void adamWMatchesPyTorch() {
        expect("adamw", () -> Adam.adamW(0.1f, 0.1f), new double[][]{
                {0.890000002, -1.880000001, 0.3950000005}, {0.8007959064, -1.8184151424, 0.3524029955},
                {0.7834180073, -1.7797799393, 0.3175046681}});
    }

    @Test
    void aRestoredOptimizerContinuesExactlyWhereTheOriginalStopped() {
        for (Supplier<Optimizer> make : java.util.List.<Supplier<Optimizer>>of(
                () -> new Adam(0.1f), () -> new Sgd(0.1f, 0.9f, true, 0f), () -> new RmsProp(0.01f, 0.9f, 1e-8f, 0.5f),
                () -> new Adagrad(0.1f))) {
            Parameters a = params();
            Optimizer whole = make.get();
            Parameters b = params();
            Optimizer first = make.get();
            for (int s = 0; s < 3; s++) {
                System.arraycopy(GRADS[s], 0, a.grads(), 0, 3);
                whole.step(a);
                if (s < 2) {
                    System.arraycopy(GRADS[s], 0, b.grads(), 0, 3);
                    first.step(b);
                }
            }
            Map<String, float[]> saved = new HashMap<>();
            first.state().forEach((k, v) -> saved.put(k, v.clone()));
            Optimizer resumed = make.get();
            resumed.restore(first.steps(), saved);
            System.arraycopy(GRADS[2], 0, b.grads(), 0, 3);
            resumed.step(b);
            assertArrayEquals(a.values(), b.values(), whole.name() + ": resumed run differs");
        }
    }

    @Test
    void clippingByGlobalNormScalesAllGradientsTogether() {
        Parameters p = params();
        System.arraycopy(new float[]{3f, 0f, -4f}, 0, p.grads(), 0, 3);
        double norm = GradientClipping.clipGlobalNorm(p, 1.0);
        assertEquals(5.0, norm, 1e-9);
        assertClose("clipped", new float[]{0.6f, 0f, -0.8f}, p.grads(), 1e-6, 0);
        assertEquals(1.0, GradientClipping.clipGlobalNorm(p, 2.0), 1e-6);
        assertClose("below the limit: unchanged", new float[]{0.6f, 0f, -0.8f}, p.grads(), 1e-6, 0);
    }

    @Test
    void clippingByValueClampsEachGradient() {
        Parameters p = params();
        System.arraycopy(new float[]{3f, 0.2f, -4f}, 0, p.grads(), 0, 3);
        GradientClipping.clipValue(p, 1f);
        assertArrayEquals(new float[]{1f, 0.2f, -1f}, p.grads());
    }

    @Test
    void schedulesFollowTheirFormulas() {
        assertEquals(1.0, Schedule.constant().factor(1000));
        Schedule step = Schedule.step(10, 0.5);
        assertEquals(1.0, step.factor(9));
        assertEquals(0.5, step.factor(10));
        assertEquals(0.25, step.factor(25));
        Schedule cos = Schedule.cosine(100, 0.1);
        assertEquals(1.0, cos.factor(0), 1e-12);
        assertEquals(0.55, cos.factor(50), 1e-12);
        assertEquals(0.1, cos.factor(100), 1e-12);
        assertEquals(0.1, cos.factor(500), 1e-12);
        Schedule warm = Schedule.constant().withWarmup(4);
        assertEquals(0.25, warm.factor(0));
        assertEquals(1.0, warm.factor(3));
        assertEquals(1.0, warm.factor(4));
    }

    @Test
    void badHyperParametersAreRejected() {
        String m = assertThrows(IllegalArgumentException.class, () -> new Adam(-1f)).getMessage();
        assertTrue(m.contains("learning rate") && m.contains("-1.0"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1f, 0f, true, 0f)).getMessage();
        assertTrue(m.contains("Nesterov"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new Adam(0.1f).restore(1, Map.of("velocity", new float[3]))).getMessage();
        assertTrue(m.contains("no state 'velocity'"), m);
        assertThrows(IllegalArgumentException.class, () -> Schedule.cosine(0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipGlobalNorm(params(), 0));
    }
}
