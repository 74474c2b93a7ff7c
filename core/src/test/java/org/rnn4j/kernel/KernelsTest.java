package org.rnn4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every method of {@link VectorKernels} against the reference {@link ScalarKernels}, on awkward sizes: 0, 1, 3,
 * the species length L and L ± 1, 2L ± 1, 33, 257, sizes that cross the kernels' block boundaries (k and n
 * beyond 256) and both sides of the A·Bᵀ dot-product/packing switch. Each case runs on a contiguous layout
 * (arrays exactly as long as the views, so an over-read throws) and on a strided one (leading dimensions
 * larger than the rows, non-zero offsets, padding after the view).
 *
 * <p>Tolerance policy. Products: |vector − scalar| ≤ 1e-5 · (|C₀| + Σ_p |a_ip·b_pj|) + 1e-6 per element, i.e.
 * relative to the magnitude of the sum, since both sides round a different summation order. Elementwise
 * kernels and activations: |vector − scalar| ≤ 2e-6 · (1 + |scalar|), a few ulp (the vector sigmoid and tanh
 * use float EXP/TANH, the reference double). Outside the output view nothing may change, bit for bit. C
 * starts non-zero so accumulation is tested.
 */
class KernelsTest {

    private static final Kernels SCALAR = ScalarKernels.INSTANCE;
    private static final Kernels VECTOR = new VectorKernels();
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    /** The three products, with the stored shapes of their operands. */
    enum Product {
        MULT_ADD, MULT_TRANS_A_ADD, MULT_TRANS_B_ADD;

        int aRows(int m, int k) {
            return this == MULT_TRANS_A_ADD ? k : m;
        }

        int aCols(int m, int k) {
            return this == MULT_TRANS_A_ADD ? m : k;
        }

        int bRows(int n, int k) {
            return this == MULT_TRANS_B_ADD ? n : k;
        }

        int bCols(int n, int k) {
            return this == MULT_TRANS_B_ADD ? k : n;
        }

        void run(Kernels kern, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                 float[] c, int cOff, int ldc) {
            switch (this) {
                case MULT_ADD -> kern.multAdd(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
                case MULT_TRANS_A_ADD -> kern.multTransAAdd(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
                case MULT_TRANS_B_ADD -> kern.multTransBAdd(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            }
        }
    }

    /** A strided view: offset, leading dimension, and the length of an array that holds it. */
    record View(int off, int rows, int cols, int ld, int length) {
        static View of(int rows, int cols, boolean strided, int salt) {
            if (!strided) {
                return new View(0, rows, cols, cols, rows * cols);
            }
            int off = 3 + salt;
            int ld = cols + 2 + salt;
            return new View(off, rows, cols, ld, off + rows * ld + 5);
        }
    }

    // ---------------------------------------------------------------- products

    static Stream<Arguments> smallProducts() {
        int[] ms = distinct(0, 1, 3, 4, 5, 17, 33);
        int[] ns = distinct(0, 1, 3, L - 1, L, L + 1, 2 * L - 1, 2 * L + 1, 33);
        int[] ks = distinct(0, 1, 3, L - 1, L, L + 1, 33);
        List<Arguments> cases = new ArrayList<>();
        for (Product op : Product.values()) {
            for (int m : ms) {
                for (int n : ns) {
                    for (int k : ks) {
                        cases.add(Arguments.of(op, m, n, k));
                    }
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> largeProducts() {
        int[][] shapes = {
            {257, 33, 17}, {33, 257, 257}, {1, 1, 1000}, {3, 600, 300}, {2, 5, 100}, {63, 64, 127},
            {64, 64, 200}, {65, 257, 513}, {70, 300, 40}, {100, 513, 7}, {L + 1, 8 * L + 3, 2 * 256 + 1},
        };
        List<Arguments> cases = new ArrayList<>();
        for (Product op : Product.values()) {
            for (int[] s : shapes) {
                cases.add(Arguments.of(op, s[0], s[1], s[2]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} m={1} n={2} k={3}")
    @MethodSource("smallProducts")
    void productMatchesScalarOnSmallSizes(Product op, int m, int n, int k) {
        checkProduct(op, m, n, k, false);
        checkProduct(op, m, n, k, true);
    }

    @ParameterizedTest(name = "{0} m={1} n={2} k={3}")
    @MethodSource("largeProducts")
    void productMatchesScalarAcrossBlockBoundaries(Product op, int m, int n, int k) {
        checkProduct(op, m, n, k, false);
        checkProduct(op, m, n, k, true);
    }

    /**
     * A narrow Aᵀ·B (an input-weight gradient of a layer with few inputs) takes its own loop; it must give the bits
     * of the packed product, so that no result depends on which of the two ran. Rows of A that are zero (finished
     * sequences' gradients) leave C's bits alone in both.
     */
    @Test
    void narrowTransposedProductHasTheBitsOfThePackedOne() {
        int[][] mk = {{440, 700}, {3, 1}, {L + 1, 257}, {33, 600}, {1, 5}};
        for (int n = 1; n < VectorKernels.NARROW; n++) {
            for (int[] s : mk) {
                for (boolean strided : new boolean[] {false, true}) {
                    int m = s[0];
                    int k = s[1];
                    Random rnd = new Random(7L * n + m + k);
                    View av = View.of(k, m, strided, 0);
                    View bv = View.of(k, n, strided, 1);
                    View cv = View.of(m, n, strided, 2);
                    float[] a = random(rnd, av.length());
                    for (int p = 1; p < k; p += 3) {
                        java.util.Arrays.fill(a, av.off() + p * av.ld(), av.off() + p * av.ld() + m, 0f);
                    }
                    float[] b = random(rnd, bv.length());
                    float[] packed = random(rnd, cv.length());
                    float[] narrow = packed.clone();
                    ((VectorKernels) VECTOR).gemmTransA(m, n, k, a, av.off(), av.ld(), b, bv.off(), bv.ld(), packed, cv.off(),
                            cv.ld());
                    VECTOR.multTransAAdd(m, n, k, a, av.off(), av.ld(), b, bv.off(), bv.ld(), narrow, cv.off(),
                            cv.ld());
                    org.junit.jupiter.api.Assertions.assertArrayEquals(packed, narrow,
                            "m=" + m + " n=" + n + " k=" + k + (strided ? " strided" : ""));
                }
            }
        }
    }

    private static void checkProduct(Product op, int m, int n, int k, boolean strided) {
        Random rnd = new Random(31L * m + 17L * n + k + (strided ? 1 : 0));
        View av = View.of(op.aRows(m, k), op.aCols(m, k), strided, 0);
        View bv = View.of(op.bRows(n, k), op.bCols(n, k), strided, 1);
        View cv = View.of(m, n, strided, 2);
        float[] a = random(rnd, av.length());
        float[] b = random(rnd, bv.length());
        float[] before = random(rnd, cv.length());
        float[] expected = before.clone();
        float[] actual = before.clone();
        op.run(SCALAR, m, n, k, a, av.off(), av.ld(), b, bv.off(), bv.ld(), expected, cv.off(), cv.ld());
        op.run(VECTOR, m, n, k, a, av.off(), av.ld(), b, bv.off(), bv.ld(), actual, cv.off(), cv.ld());

        // magnitude = |C0| + |A|·|B|: the scale of the rounding error of each element
        float[] magnitude = abs(before);
        op.run(SCALAR, m, n, k, abs(a), av.off(), av.ld(), abs(b), bv.off(), bv.ld(), magnitude, cv.off(), cv.ld());
        String what = String.format("%s m=%d n=%d k=%d %s", op, m, n, k, strided ? "strided" : "contiguous");
        FloatAsserts.assertView(what, cv.off(), m, n, cv.ld(), before, expected, actual,
                idx -> 1e-5 * magnitude[idx] + 1e-6);
    }

    // ---------------------------------------------------------------- vectors and rows

    static int[] vectorLengths() {
        return distinct(0, 1, 3, L - 1, L, L + 1, 2 * L + 1, 33, 257);
    }

    @Test
    void axpyMatchesScalar() {
        for (int n : vectorLengths()) {
            for (boolean strided : new boolean[] {false, true}) {
                Random rnd = new Random(n);
                View xv = View.of(1, n, strided, 0);
                View yv = View.of(1, n, strided, 3);
                float[] x = random(rnd, xv.length());
                float[] before = random(rnd, yv.length());
                float[] expected = before.clone();
                float[] actual = before.clone();
                SCALAR.axpy(n, -1.7f, x, xv.off(), expected, yv.off());
                VECTOR.axpy(n, -1.7f, x, xv.off(), actual, yv.off());
                assertElementwise("axpy n=" + n + (strided ? " offset" : ""), yv, before, expected, actual);
            }
        }
    }

    @Test
    void scaleMatchesScalar() {
        for (int n : vectorLengths()) {
            for (boolean strided : new boolean[] {false, true}) {
                View xv = View.of(1, n, strided, 1);
                float[] before = random(new Random(n), xv.length());
                float[] expected = before.clone();
                float[] actual = before.clone();
                SCALAR.scale(n, 0.3f, expected, xv.off());
                VECTOR.scale(n, 0.3f, actual, xv.off());
                assertElementwise("scale n=" + n + (strided ? " offset" : ""), xv, before, expected, actual);
            }
        }
    }

    @Test
    void addRowBiasMatchesScalar() {
        for (int m : distinct(0, 1, 3, 17)) {
            for (int n : vectorLengths()) {
                for (boolean strided : new boolean[] {false, true}) {
                    Random rnd = new Random(31L * m + n);
                    View bias = View.of(1, n, strided, 0);
                    View cv = View.of(m, n, strided, 2);
                    float[] bv = random(rnd, bias.length());
                    float[] before = random(rnd, cv.length());
                    float[] expected = before.clone();
                    float[] actual = before.clone();
                    SCALAR.addRowBias(m, n, bv, bias.off(), expected, cv.off(), cv.ld());
                    VECTOR.addRowBias(m, n, bv, bias.off(), actual, cv.off(), cv.ld());
                    assertElementwise("addRowBias m=" + m + " n=" + n + (strided ? " strided" : ""), cv,
                            before, expected, actual);
                }
            }
        }
    }

    @Test
    void sumRowsAddMatchesScalar() {
        for (int m : distinct(0, 1, 3, 17, 257)) {
            for (int n : vectorLengths()) {
                for (boolean strided : new boolean[] {false, true}) {
                    Random rnd = new Random(31L * m + n);
                    View av = View.of(m, n, strided, 1);
                    View out = View.of(1, n, strided, 4);
                    float[] a = random(rnd, av.length());
                    float[] before = random(rnd, out.length());
                    float[] expected = before.clone();
                    float[] actual = before.clone();
                    SCALAR.sumRowsAdd(m, n, a, av.off(), av.ld(), expected, out.off());
                    VECTOR.sumRowsAdd(m, n, a, av.off(), av.ld(), actual, out.off());
                    assertElementwise("sumRowsAdd m=" + m + " n=" + n + (strided ? " strided" : ""), out,
                            before, expected, actual);
                }
            }
        }
    }

    // ---------------------------------------------------------------- activations

    @ParameterizedTest
    @EnumSource(Activation.class)
    void activateMatchesScalar(Activation f) {
        for (int m : distinct(0, 1, 3, 17)) {
            for (int n : vectorLengths()) {
                for (boolean strided : new boolean[] {false, true}) {
                    View xv = View.of(m, n, strided, 1);
                    float[] before = activationInputs(new Random(31L * m + n), xv.length());
                    float[] expected = before.clone();
                    float[] actual = before.clone();
                    SCALAR.activate(f, m, n, expected, xv.off(), xv.ld());
                    VECTOR.activate(f, m, n, actual, xv.off(), xv.ld());
                    assertElementwise("activate " + f + " m=" + m + " n=" + n + (strided ? " strided" : ""), xv,
                            before, expected, actual);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void activateBackwardMatchesScalar(Activation f) {
        for (int m : distinct(0, 1, 3, 17)) {
            for (int n : vectorLengths()) {
                for (boolean strided : new boolean[] {false, true}) {
                    Random rnd = new Random(31L * m + n);
                    View yv = View.of(m, n, strided, 0);
                    View dv = View.of(m, n, strided, 3);
                    float[] y = activationInputs(rnd, yv.length());
                    SCALAR.activate(f, m, n, y, yv.off(), yv.ld()); // y = f(x), the values backward sees
                    float[] before = random(rnd, dv.length());
                    float[] expected = before.clone();
                    float[] actual = before.clone();
                    SCALAR.activateBackward(f, m, n, y, yv.off(), yv.ld(), expected, dv.off(), dv.ld());
                    VECTOR.activateBackward(f, m, n, y, yv.off(), yv.ld(), actual, dv.off(), dv.ld());
                    assertElementwise("activateBackward " + f + " m=" + m + " n=" + n
                            + (strided ? " strided" : ""), dv, before, expected, actual);
                }
            }
        }
    }

    @Test
    void activationsHandleExtremeInputsLikeScalar() {
        float[] special = {0f, -0f, 1e-30f, -1e-30f, 1e-7f, 0.5f, -0.5f, 2.5f, -2.5f, 3f, -3f, 20f, -20f, 88f,
            -88f, 100f, -100f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 0.25f, -0.25f, 1f, -1f, 7f, -7f, 9f, -9f, 15f};
        View xv = View.of(1, special.length, false, 0);
        for (Activation f : Activation.values()) {
            float[] expected = special.clone();
            float[] actual = special.clone();
            SCALAR.activate(f, 1, special.length, expected, 0, special.length);
            VECTOR.activate(f, 1, special.length, actual, 0, special.length);
            assertElementwise("activate " + f + " on extreme inputs", xv, special, expected, actual);
        }
    }

    @Test
    void nameReportsTheVectorWidth() {
        assertEquals("vector(" + FloatVector.SPECIES_PREFERRED.vectorBitSize() + " bits)", VECTOR.name());
    }

    // ---------------------------------------------------------------- helpers

    private static void assertElementwise(String what, View v, float[] before, float[] expected, float[] actual) {
        FloatAsserts.assertView(what, v.off(), v.rows(), v.cols(), v.ld(), before, expected, actual,
                idx -> 2e-6 * (1 + Math.abs(expected[idx])));
    }

    private static int[] distinct(int... sizes) {
        TreeSet<Integer> set = new TreeSet<>();
        for (int s : sizes) {
            if (s >= 0) {
                set.add(s);
            }
        }
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    private static float[] random(Random rnd, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = rnd.nextFloat() * 2f - 1f;
        }
        return x;
    }

    /** Mostly N(0, 4²), so the saturating regions of every activation are hit, plus exact zeros and kinks. */
    private static float[] activationInputs(Random rnd, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = switch (i % 11) {
                case 0 -> 0f;
                case 5 -> 2.5f * (rnd.nextBoolean() ? 1 : -1);  // hard sigmoid's corners
                default -> (float) (rnd.nextGaussian() * 4);
            };
        }
        return x;
    }

    private static float[] abs(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.abs(x[i]);
        }
        return y;
    }

    @Test
    void dotIsOneElementOfTheProductWithOneRow() {
        java.util.Random rnd = new java.util.Random(11);
        for (int k : new int[] {1, 3, L - 1, L, L + 1, 64, 100, 256, 257}) {
            float[] a = new float[k + 5];
            float[] b = new float[3 * k + 7];
            for (int i = 0; i < a.length; i++) {
                a[i] = rnd.nextFloat() * 2f - 1f;
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = rnd.nextFloat() * 2f - 1f;
            }
            for (Kernels kern : new Kernels[] {SCALAR, VECTOR}) {
                float[] c = new float[3];
                kern.multTransBAdd(1, 3, k, a, 5, k, b, 7, k, c, 0, 3);
                for (int j = 0; j < 3; j++) {
                    assertEquals(c[j], kern.dot(k, a, 5, b, 7 + j * k), 0f, kern.name() + " k=" + k + " column " + j);
                }
            }
            double exact = 0;
            float magnitude = 0;
            for (int p = 0; p < k; p++) {
                exact += (double) a[5 + p] * b[7 + p];
                magnitude += Math.abs(a[5 + p] * b[7 + p]);
            }
            assertEquals(exact, VECTOR.dot(k, a, 5, b, 7), 1e-6 * magnitude + 1e-7, "vector dot, k=" + k);
        }
    }

    /**
     * Each row of C comes out with the same bits whichever register tile computed it: a 29-row product (12-, 12-
     * and 4-row tiles and a single row, with 512-bit vectors) against the same rows multiplied one at a time (the
     * one-row tiles), for A·B and Aᵀ·B (its rows copied to a panel first) and the packed product. Threads that
     * split a product by rows rely on this.
     */
    @ParameterizedTest
    @EnumSource(value = Product.class, names = {"MULT_ADD", "MULT_TRANS_A_ADD"})
    void everyTileGivesTheBitsOfSingleRows(Product op) {
        int m = 29;
        int n = 4 * L + 3;
        int k = 300;
        Random rnd = new Random(29);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c0 = new float[m * n];
        for (float[] x : new float[][] {a, b, c0}) {
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextFloat() * 2f - 1f;
            }
        }
        int lda = op == Product.MULT_TRANS_A_ADD ? m : k;
        float[] whole = c0.clone();
        op.run(VECTOR, m, n, k, a, 0, lda, b, 0, n, whole, 0, n);
        float[] byRow = c0.clone();
        for (int i = 0; i < m; i++) {
            int aOff = op == Product.MULT_TRANS_A_ADD ? i : i * k;
            op.run(VECTOR, 1, n, k, a, aOff, lda, b, 0, n, byRow, i * n, n);
        }
        for (int i = 0; i < whole.length; i++) {
            assertEquals(byRow[i], whole[i], 0f, op + ": element " + i + " (row " + i / n + ")");
        }
        if (op == Product.MULT_ADD) {
            int nPacked = 2 * VECTOR.packedColumnBlock();
            int kPacked = 100;
            float[] packed = PackedMatrix.reuse(null, VECTOR, kPacked, nPacked).pack(b, 0, nPacked, false).data();
            float[] pw = new float[m * nPacked];
            float[] pr = new float[m * nPacked];
            VECTOR.multAddPacked(m, nPacked, kPacked, a, 0, k, packed, 0, nPacked, pw, 0, nPacked);
            for (int i = 0; i < m; i++) {
                VECTOR.multAddPacked(1, nPacked, kPacked, a, i * k, k, packed, 0, nPacked, pr, i * nPacked, nPacked);
            }
            for (int i = 0; i < pw.length; i++) {
                assertEquals(pr[i], pw[i], 0f, "packed: element " + i);
            }
        }
    }

}
