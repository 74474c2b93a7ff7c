package org.rnn4j.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Packed products: for both kernels and B given as it is or transposed, C += A·B with B packed agrees with the
 * scalar reference product on awkward shapes (k beyond a depth block, n not a multiple of the column block,
 * one to five rows and a batch of 32); column chunks give exactly the whole product; a Compute's team splits
 * it without changing a bit.
 */
class PackedMatrixTest {

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() * 2f - 1f;
        }
        return x;
    }

    @Test
    void packedProductsAgreeWithTheReference() {
        int[][] shapes = {{1, 1024, 256}, {2, 100, 64}, {3, 70, 300}, {4, 64, 17}, {5, 129, 33}, {32, 256, 256},
                {32, 1024, 256}, {7, 1, 5}};
        Random rnd = new Random(5);
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] a = random(rnd, m * k + 3);
            float[] w = random(rnd, n * k + 2);   // W (n, k) at offset 2: the product uses Wᵀ
            float[] c0 = random(rnd, m * n);
            float[] expected = c0.clone();
            Kernels.scalar().multTransBAdd(m, n, k, a, 3, k, w, 2, k, expected, 0, n);
            // the same B stored as it is: (k, n)
            float[] bt = new float[k * n];
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    bt[p * n + j] = w[2 + j * k + p];
                }
            }
            for (Kernels kern : new Kernels[] {Kernels.scalar(), new VectorKernels()}) {
                for (boolean transposed : new boolean[] {true, false}) {
                    PackedMatrix b = PackedMatrix.reuse(null, kern, k, n);
                    if (transposed) {
                        b.pack(w, 2, k, true);
                    } else {
                        b.pack(bt, 0, n, false);
                    }
                    float[] c = c0.clone();
                    Compute.serial(kern).multAddPacked(m, a, 3, k, b, c, 0, n);
                    String what = kern.name() + " " + java.util.Arrays.toString(s) + (transposed ? " transposed" : "");
                    for (int i = 0; i < c.length; i++) {
                        float tol = 1e-5f * k;
                        assertTrue(Math.abs(c[i] - expected[i]) <= tol, what + " at " + i + ": " + c[i] + " vs " + expected[i]);
                    }
                    if (kern == Kernels.scalar()) {
                        assertArrayEquals(expected, c, what + ": the scalar packed product sums like multTransBAdd");
                    }
                    // column chunks at multiples of the block give exactly the whole product
                    int align = kern.packedColumnBlock();
                    float[] chunked = c0.clone();
                    for (int j0 = 0; j0 < n; j0 += align) {
                        kern.multAddPacked(m, n, k, a, 3, k, b.data(), j0, Math.min(n, j0 + align), chunked, 0, n);
                    }
                    assertArrayEquals(c, chunked, what + ": chunked");
                    for (int threads : new int[] {2, 3}) {
                        try (Compute team = Compute.withThreads(kern, threads)) {
                            float[] split = c0.clone();
                            team.multAddPacked(m, a, 3, k, b, split, 0, n);
                            assertArrayEquals(c, split, what + " on " + threads + " threads");
                        }
                    }
                }
            }
        }
    }

    @Test
    void reuseKeepsTheArrayOfTheSameShapeAndRefusesOtherKernels() {
        PackedMatrix b = PackedMatrix.reuse(null, Kernels.scalar(), 3, 4);
        assertSame(b, PackedMatrix.reuse(b, Kernels.scalar(), 3, 4));
        assertTrue(b != PackedMatrix.reuse(b, Kernels.scalar(), 4, 3));
        assertTrue(b != PackedMatrix.reuse(b, new VectorKernels(), 3, 4));
        float[] c = new float[4];
        assertThrows(IllegalArgumentException.class,
                () -> Compute.serial(new VectorKernels()).multAddPacked(1, new float[3], 0, 3, b, c, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> PackedMatrix.reuse(null, Kernels.scalar(), 0, 4));
    }
}
