package org.rnn4j.kernel;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vector activations and products give the same bits on their first (interpreted) call and after the JIT has compiled
 * them, so the same seed always gives the same training run; and they stay close to the double reference over
 * the whole float range that matters.
 */
class ActivationDeterminismTest {

    private static final VectorKernels VECTOR = new VectorKernels();

    @Test
    void vectorActivationsGiveTheSameBitsBeforeAndAfterCompilation() {
        Kernels k = VECTOR;
        int n = 8192;
        float[] input = new float[n];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) (rnd.nextGaussian() * 4);
        }
        for (Activation f : new Activation[]{Activation.SIGMOID, Activation.TANH}) {
            float[] first = input.clone();
            k.activate(f, 1, n, first, 0, n);
            float[] again = new float[n];
            // 3000 calls of 8192 values get the loop compiled; with the JDK's EXP intrinsic 38 values then differ
            for (int call = 0; call < 3000; call++) {
                System.arraycopy(input, 0, again, 0, n);
                k.activate(f, 1, n, again, 0, n);
            }
            assertArrayEquals(first, again, f + ": compiled code must give the interpreted bits");
        }
    }

    @Test
    void vectorProductsGiveTheSameBitsBeforeAndAfterCompilation() {
        // the dot-product path (few rows, long k: a recurrent step) and the packed path; with reduceLanes(ADD)
        // 687 of the 1024 outputs of the first shape changed once compiled
        int[][] shapes = {{1, 1024, 320}, {8, 200, 96}, {70, 96, 64}};
        SplittableRandom rnd = new SplittableRandom(2);
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] a = new float[m * k];
            float[] b = new float[n * k];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextGaussian();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) rnd.nextGaussian();
            }
            float[] first = new float[m * n];
            VECTOR.multTransBAdd(m, n, k, a, 0, k, b, 0, k, first, 0, n);
            float[] again = new float[m * n];
            for (int call = 0; call < 3000; call++) {
                java.util.Arrays.fill(again, 0f);
                VECTOR.multTransBAdd(m, n, k, a, 0, k, b, 0, k, again, 0, n);
            }
            assertArrayEquals(first, again, java.util.Arrays.toString(s) + ": compiled code must give the interpreted bits");
        }
    }

    @Test
    void vectorActivationsAreWithin2e7OfTheDoubleReference() {
        float[] x = new float[4096];
        for (int i = 0; i < x.length; i++) {
            x[i] = -40f + 80f * i / (x.length - 1);
        }
        x[0] = -100f;
        x[1] = 100f;
        x[2] = 1e-6f;
        x[3] = -1e-30f;
        for (Activation f : new Activation[]{Activation.SIGMOID, Activation.TANH}) {
            float[] y = x.clone();
            VECTOR.activate(f, 1, x.length, y, 0, x.length);
            double worst = 0;
            for (int i = 0; i < x.length; i++) {
                double ref = f == Activation.SIGMOID ? 1 / (1 + Math.exp(-x[i])) : Math.tanh(x[i]);
                double err = Math.abs(y[i] - ref);
                if (err > 1e-37) {   // below that, sigmoid underflows towards 0 in float anyway
                    worst = Math.max(worst, err / Math.abs(ref));
                }
            }
            assertTrue(worst <= 2e-7, f + ": worst relative error " + worst);
        }
    }
}
