package org.rnn4j.loss;

import org.junit.jupiter.api.Test;
import org.rnn4j.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.testutil.Close.assertClose;

class LossesTest {

    @Test
    void meanSquaredErrorOfAHandComputedExample() {
        Tensor p = Tensor.of(new float[]{1f, 2f, 3f, 4f}, 2, 2);
        Tensor y = Tensor.of(new float[]{0f, 2f, 5f, 4f}, 2, 2);
        LossValue l = Losses.meanSquaredError(p, y);
        assertEquals((1 + 0 + 4 + 0) / 4.0, l.value(), 1e-12);
        assertClose("grad", new float[]{0.5f, 0f, -1f, 0f}, l.gradient().data(), 1e-7, 0);
    }

    @Test
    void crossEntropyOfUniformLogitsIsLogOfTheClassCount() {
        Tensor z = Tensor.zeros(2, 4);
        LossValue l = Losses.softmaxCrossEntropy(z, new int[]{0, 3});
        assertEquals(Math.log(4), l.value(), 1e-9);
        // d/dz = (softmax - onehot) / rows
        assertClose("grad", new float[]{-0.375f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f, -0.375f},
                l.gradient().data(), 1e-7, 0);
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        Tensor z = Tensor.of(new float[]{1000f, 0f}, 1, 2);
        assertEquals(0.0, Losses.softmaxCrossEntropy(z, new int[]{0}).value(), 1e-9);
        assertEquals(1000.0, Losses.softmaxCrossEntropy(z, new int[]{1}).value(), 1e-6);
    }

    @Test
    void binaryCrossEntropyWithLogitsOfAHandComputedExample() {
        Tensor z = Tensor.of(new float[]{0f, 2f}, 1, 2);
        Tensor y = Tensor.of(new float[]{1f, 0f}, 1, 2);
        LossValue l = Losses.binaryCrossEntropyWithLogits(z, y);
        assertEquals((Math.log(2) + Math.log1p(Math.exp(2))) / 2, l.value(), 1e-7);
        double s2 = 1 / (1 + Math.exp(-2));
        assertClose("grad", new float[]{-0.25f, (float) (s2 / 2)}, l.gradient().data(), 1e-7, 0);
    }

    @Test
    void gradientsMatchFiniteDifferencesWithPaddedSteps() {
        SplittableRandom rnd = new SplittableRandom(3);
        int b = 3;
        int t = 4;
        int k = 5;
        int[] lengths = {4, 1, 3};
        Tensor z = random(rnd, b, t, k);
        Tensor target = random(rnd, b, t, k);
        Tensor probs = Tensor.zeros(b, t, k);
        for (int i = 0; i < probs.size(); i++) {
            probs.data()[i] = (float) rnd.nextDouble();
        }
        int[] classes = new int[b * t];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = rnd.nextInt(k);
        }
        classes[1] = Losses.IGNORE;
        checkGradient("mse", z, zz -> Losses.meanSquaredError(zz, target, lengths));
        checkGradient("ce", z, zz -> Losses.softmaxCrossEntropy(zz, classes, lengths));
        checkGradient("bce", z, zz -> Losses.binaryCrossEntropyWithLogits(zz, probs, lengths));
    }

    @Test
    void paddedStepsAreNotCounted() {
        Tensor z = Tensor.of(new float[]{1f, 7f, 2f, 9f}, 2, 2, 1);
        Tensor y = Tensor.zeros(2, 2, 1);
        LossValue l = Losses.meanSquaredError(z, y, new int[]{1, 1});
        assertEquals((1 + 4) / 2.0, l.value(), 1e-9);
        assertEquals(2, l.count());
        assertEquals(0f, l.gradient().data()[1]);
        assertEquals(0f, l.gradient().data()[3]);
    }

    @Test
    void badTargetsAreRejectedWithClearMessages() {
        Tensor z = Tensor.zeros(2, 3);
        String m = assertThrows(IllegalArgumentException.class,
                () -> Losses.softmaxCrossEntropy(z, new int[]{0, 3})).getMessage();
        assertTrue(m.contains("class index 3") && m.contains("[0, 3)"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> Losses.meanSquaredError(z, Tensor.zeros(3, 2))).getMessage();
        assertTrue(m.contains("(2, 3)") && m.contains("(3, 2)"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> Losses.binaryCrossEntropyWithLogits(z, Tensor.of(new float[]{0, 1, 2, 0, 0, 0}, 2, 3))).getMessage();
        assertTrue(m.contains("outside [0, 1]"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> Losses.softmaxCrossEntropy(z, new int[]{Losses.IGNORE, Losses.IGNORE})).getMessage();
        assertTrue(m.contains("no target"), m);
    }

    private static void checkGradient(String what, Tensor z, java.util.function.Function<Tensor, LossValue> f) {
        float[] analytic = f.apply(z).gradient().data();
        float[] numeric = new float[analytic.length];
        ToDoubleFunction<Tensor> value = zz -> f.apply(zz).value();
        double eps = 1e-3;
        for (int i = 0; i < numeric.length; i++) {
            float saved = z.data()[i];
            z.data()[i] = (float) (saved + eps);
            double plus = value.applyAsDouble(z);
            z.data()[i] = (float) (saved - eps);
            double minus = value.applyAsDouble(z);
            z.data()[i] = saved;
            numeric[i] = (float) ((plus - minus) / (2 * eps));
        }
        assertClose(what, numeric, analytic, 1e-4, 1e-2);
    }

    private static Tensor random(SplittableRandom rnd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) rnd.nextGaussian();
        }
        return t;
    }
}
