package org.rnn4j.kernel;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Compute}'s row splitting: the same thread count gives bit-identical results, any thread count agrees
 * with one thread within the product tolerance of {@link KernelsTest}, fewer rows than threads work, a
 * worker's exception reaches the caller, and {@link Kernels#select()} honours {@code rnn4j.kernels=scalar}.
 */
class ComputeTest {

    private static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(3);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    /** Operands of one product, C starting non-zero. */
    private record Problem(KernelsTest.Product op, int m, int n, int k, float[] a, float[] b, float[] c) {
        static Problem random(KernelsTest.Product op, int m, int n, int k) {
            Random rnd = new Random(7L * m + 3L * n + k);
            return new Problem(op, m, n, k, fill(rnd, m * k), fill(rnd, n * k), fill(rnd, m * n));
        }

        int lda() {
            return op.aCols(m, k);
        }

        int ldb() {
            return op.bCols(n, k);
        }

        /** Runs the product on a copy of C with the given Compute and returns that copy. */
        float[] runOn(Compute compute) {
            float[] out = c.clone();
            switch (op) {
                case MULT_ADD -> compute.multAdd(m, n, k, a, 0, lda(), b, 0, ldb(), out, 0, n);
                case MULT_TRANS_A_ADD -> compute.multTransAAdd(m, n, k, a, 0, lda(), b, 0, ldb(), out, 0, n);
                case MULT_TRANS_B_ADD -> compute.multTransBAdd(m, n, k, a, 0, lda(), b, 0, ldb(), out, 0, n);
            }
            return out;
        }

        /** |C0| + |A|·|B|, the scale of each element's rounding error. */
        float[] magnitude() {
            Compute serial = Compute.serial(Kernels.scalar());
            return new Problem(op, m, n, k, abs(a), abs(b), abs(c)).runOn(serial);
        }
    }

    @ParameterizedTest
    @EnumSource(KernelsTest.Product.class)
    void sameThreadCountGivesBitIdenticalResults(KernelsTest.Product op) {
        Problem p = Problem.random(op, 203, 70, 90);
        for (int threads : new int[] {2, 3, 4}) {
            try (Compute compute = Compute.withThreads(new VectorKernels(), threads)) {
                FloatAsserts.assertBitwiseEqual(op + " on " + threads + " threads, run twice",
                        p.runOn(compute), p.runOn(compute));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KernelsTest.Product.class)
    void threadsAgreeWithOneThread(KernelsTest.Product op) {
        for (Kernels kernels : new Kernels[] {Kernels.scalar(), new VectorKernels()}) {
            Problem p = Problem.random(op, 203, 70, 90);
            float[] serial = p.runOn(Compute.serial(kernels));
            float[] magnitude = p.magnitude();
            for (int threads : new int[] {2, 3, 4}) {
                try (Compute compute = Compute.withThreads(kernels, threads)) {
                    FloatAsserts.assertView(op + " " + kernels.name() + " on " + threads + " threads vs 1", 0,
                            p.m(), p.n(), p.n(), p.c(), serial, p.runOn(compute),
                            idx -> 1e-5 * magnitude[idx] + 1e-6);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KernelsTest.Product.class)
    void fewerRowsThanThreadsStillCoverEveryRow(KernelsTest.Product op) {
        for (int m : new int[] {1, 2, 3}) {
            // n·k is large enough for Compute to split even one or two rows
            Problem p = Problem.random(op, m, 300, 400);
            float[] serial = p.runOn(Compute.serial(new VectorKernels()));
            float[] magnitude = p.magnitude();
            try (Compute compute = Compute.withThreads(new VectorKernels(), 4)) {
                FloatAsserts.assertView(op + " m=" + m + " on 4 threads", 0, m, p.n(), p.n(), p.c(), serial,
                        p.runOn(compute), idx -> 1e-5 * magnitude[idx] + 1e-6);
            }
        }
    }

    @Test
    void exceptionInAnotherChunkReachesTheCaller() {
        // C is two rows short: the calling thread's chunk (rows 0..31) fits, the second (rows 32..63) does not.
        // Whichever thread runs the second chunk (the worker, or the caller if it gets there first), its
        // exception must surface in the caller, after every chunk has finished.
        int m = 64;
        int n = 64;
        int k = 64;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c = new float[(m - 2) * n];
        try (Compute compute = Compute.withThreads(Kernels.scalar(), 2)) {
            ArrayIndexOutOfBoundsException e = assertThrows(ArrayIndexOutOfBoundsException.class,
                    () -> compute.multAdd(m, n, k, a, 0, k, b, 0, n, c, 0, n));
            assertTrue(Arrays.stream(e.getStackTrace()).anyMatch(f -> f.getClassName().contains("ScalarKernels")),
                    "the exception should be the kernel's own, got " + Arrays.toString(e.getStackTrace()));
        }
    }

    @Test
    void selectHonoursTheScalarProperty() {
        String saved = System.getProperty("rnn4j.kernels");
        try {
            System.setProperty("rnn4j.kernels", "scalar");
            assertSame(Kernels.scalar(), Kernels.select());
            System.clearProperty("rnn4j.kernels");
            // the tests run with --add-modules jdk.incubator.vector, so the vector kernels are available
            assertTrue(Kernels.select() instanceof VectorKernels);
        } finally {
            if (saved == null) {
                System.clearProperty("rnn4j.kernels");
            } else {
                System.setProperty("rnn4j.kernels", saved);
            }
        }
    }

    private static float[] fill(Random rnd, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = rnd.nextFloat() * 2f - 1f;
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

    @org.junit.jupiter.api.Test
    void aClosedComputeStillComputesOnTheCallingThread() {
        Compute cx = Compute.withThreads(2);
        cx.close();
        int m = 128;
        float[] a = new float[m * m];
        float[] b = new float[m * m];
        float[] c = new float[m * m];
        java.util.Arrays.fill(a, 2f);
        java.util.Arrays.fill(b, 1f);
        cx.multAdd(m, m, m, a, 0, m, b, 0, m, c, 0, m);
        org.junit.jupiter.api.Assertions.assertEquals(2f * m, c[0], 0f);
        org.junit.jupiter.api.Assertions.assertEquals(2f * m, c[m * m - 1], 0f);
        String msg = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Compute.withThreads(0)).getMessage();
        org.junit.jupiter.api.Assertions.assertTrue(msg.contains("at least 1"), msg);
    }

    // ------------------------------------------------------------------ a Compute's own team of threads

    @ParameterizedTest
    @EnumSource(KernelsTest.Product.class)
    void teamAgreesWithOneThread(KernelsTest.Product op) {
        // shapes of a recurrent step (few rows, many columns: split by columns) and of the hoisted products (rows)
        int[][] shapes = {{32, 1024, 256}, {1, 1024, 320}, {3, 500, 70}, {203, 70, 90}, {64, 96, 200}};
        for (int[] s : shapes) {
            Problem p = Problem.random(op, s[0], s[1], s[2]);
            float[] serial = p.runOn(Compute.serial(new VectorKernels()));
            float[] magnitude = p.magnitude();
            for (int threads : new int[] {2, 3}) {
                try (Compute team = Compute.withThreads(new VectorKernels(), threads)) {
                    float[] first = p.runOn(team);
                    FloatAsserts.assertBitwiseEqual(op + " " + Arrays.toString(s) + " on a team of " + threads
                            + ", run twice", first, p.runOn(team));
                    FloatAsserts.assertView(op + " " + Arrays.toString(s) + " team of " + threads + " vs 1", 0,
                            p.m(), p.n(), p.n(), p.c(), serial, first, idx -> 1e-5 * magnitude[idx] + 1e-6);
                    if (op == KernelsTest.Product.MULT_TRANS_B_ADD && s[0] < 64) {
                        // column chunks start at multiples of 48: every element takes its one-thread path
                        FloatAsserts.assertBitwiseEqual(op + " " + Arrays.toString(s) + " by columns vs 1 thread",
                                serial, first);
                    }
                }
            }
        }
    }

    @Test
    void exceptionOnATeamWorkerReachesTheCallerAndTheTeamKeepsWorking() {
        int m = 64;
        int n = 64;
        int k = 64;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        try (Compute team = Compute.withThreads(Kernels.scalar(), 2)) {
            float[] shortC = new float[(m - 2) * n];   // the worker's rows 32..63 do not fit
            assertThrows(ArrayIndexOutOfBoundsException.class,
                    () -> team.multAdd(m, n, k, a, 0, k, b, 0, n, shortC, 0, n));
            Arrays.fill(a, 1f);
            Arrays.fill(b, 1f);
            float[] c = new float[m * n];
            team.multAdd(m, n, k, a, 0, k, b, 0, n, c, 0, n);
            org.junit.jupiter.api.Assertions.assertEquals(k, c[m * n - 1], 0f);
        }
    }

    @Test
    void twoThreadsSharingATeamBothGetTheirProducts() throws Exception {
        // one of them holds the team while the other computes alone: both results must be whole and right
        Problem p = Problem.random(KernelsTest.Product.MULT_TRANS_B_ADD, 32, 1024, 256);
        float[] expected = p.runOn(Compute.serial(new VectorKernels()));
        try (Compute team = Compute.withThreads(new VectorKernels(), 2)) {
            java.util.concurrent.Callable<Boolean> job = () -> {
                for (int i = 0; i < 50; i++) {
                    if (!Arrays.equals(expected, p.runOn(team))) {
                        return false;
                    }
                }
                return true;
            };
            var f1 = pool.submit(job);
            var f2 = pool.submit(job);
            assertTrue(f1.get(60, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(f2.get(60, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    /**
     * A recurrent step ({@link Compute#step}) with independent rows gives the bits of one thread whether two threads
     * split it by rows (small weights: 148 × 512 floats packed, 296 KB) or by units (large weights: 276 × 1024,
     * 1.1 MB, or row splitting switched off), for row counts that leave each thread whole 12-row tiles, leftover rows and single
     * rows; and the split is the one intended (the tasks see row chunks, or unit chunks).
     */
    @ParameterizedTest(name = "recurrent width {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {128, 256})
    void stepSplitByRowsOrUnitsGivesTheBitsOfOneThread(int r) {
        int kx = 20;
        int gates = 4;
        int n = gates * r;
        int maxRows = 64;
        Random rnd = new Random(r);
        float[] w = fill(rnd, (kx + r) * n);   // (kx + r, n): [W_ihᵀ; W_hhᵀ]
        float[] x = fill(rnd, maxRows * kx);
        float[] h = fill(rnd, maxRows * r);
        float[] bias = fill(rnd, n);
        Kernels kernels = Kernels.select();
        for (int m : new int[] {1, 9, 16, 17, 23, 32, 33, 64}) {
            float[][] results = new float[3][];
            boolean[] rowChunks = new boolean[3];
            boolean[] unitChunks = new boolean[3];
            for (int v = 0; v < 3; v++) {
                try (Compute cx = v == 0 ? Compute.serial(kernels) : Compute.withThreads(kernels, 2)) {
                    PackedMatrix packed = PackedMatrix.reuse(null, cx.kernels(), kx + r, n).pack(w, 0, n, false);
                    float[] pre = new float[maxRows * n];
                    float[] out = new float[maxRows * r];
                    int which = v;
                    Compute.StepTask task = (k, lo, hi, u0, u1) -> {
                        if (lo > 0 && u0 == 0) {
                            rowChunks[which] = true;
                        }
                        if (u0 > 0) {
                            unitChunks[which] = true;
                        }
                        for (int i = lo; i < hi; i++) {
                            for (int u = u0; u < u1; u++) {
                                float sum = 0f;
                                for (int g = 0; g < gates; g++) {
                                    sum = sum * 0.5f + pre[i * n + g * r + u];
                                }
                                out[i * r + u] = sum;
                            }
                        }
                    };
                    Compute.StepOperands s = new Compute.StepOperands().rows(m, packed, gates)
                            .input(x, 0, kx, kx, bias, 0, pre, 0, n)
                            .recurrent(h, 0, r, null, 0, pre, 0, n);
                    cx.step(s, task, Compute.Split.ROWS, v != 2);
                    results[v] = Arrays.copyOf(pre, pre.length + out.length);
                    System.arraycopy(out, 0, results[v], pre.length, out.length);
                }
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[1],
                    "m = " + m + ", two threads as the step chooses");
            org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[2],
                    "m = " + m + ", two threads by units");
            boolean byRows = r == 128 && m >= 16;   // small weights, and 8 rows or more for each thread
            org.junit.jupiter.api.Assertions.assertTrue(byRows ? rowChunks[1] && !unitChunks[1]
                    : unitChunks[1] && !rowChunks[1], "m = " + m + ": split " + (byRows ? "by rows" : "by units"));
            org.junit.jupiter.api.Assertions.assertTrue(unitChunks[2] && !rowChunks[2], "m = " + m + ": by units");
        }
    }
    /**
     * Row ranges given for one run do not leak into the next: after {@link Compute#forRowRanges} over 40 rows, a
     * step's rows split into equal chunks over 10 rows cover exactly those 10 (a field left over once made the
     * second run use the first's ranges, past the end of its arrays). Wrong ranges are refused.
     */
    @Test
    void rowRangesAreTheirRunsOnly() {
        try (Compute cx = Compute.withThreads(Kernels.select(), 2)) {
            int[] seen = new int[40];
            cx.forRowRanges(new int[] {0, 13, 40}, (k, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    seen[i]++;
                }
            });
            int[] all = new int[40];
            Arrays.fill(all, 1);
            org.junit.jupiter.api.Assertions.assertArrayEquals(all, seen, "every row once");
            int[] step = new int[40];
            cx.forRows(10, 4, (k, lo, hi, u0, u1) -> {
                for (int i = lo; i < hi; i++) {
                    step[i]++;
                }
            });
            int[] ten = new int[40];
            Arrays.fill(ten, 0, 10, 1);
            org.junit.jupiter.api.Assertions.assertArrayEquals(ten, step, "the 10 rows of the step, once each");
            int[] plain = new int[40];
            cx.forRows(6, (k, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    plain[i]++;
                }
            });
            int[] six = new int[40];
            Arrays.fill(six, 0, 6, 1);
            org.junit.jupiter.api.Assertions.assertArrayEquals(six, plain, "the 6 rows, once each");
            assertThrows(IllegalArgumentException.class, () -> cx.forRowRanges(new int[] {0, 5, 3}, (k, lo, hi) -> { }));
            assertThrows(IllegalArgumentException.class, () -> cx.forRowRanges(new int[] {1, 5}, (k, lo, hi) -> { }));
            assertThrows(IllegalArgumentException.class,
                    () -> cx.forRowRanges(new int[] {0, 1, 2, 3}, (k, lo, hi) -> { }), "more ranges than threads");
        }
    }
}
