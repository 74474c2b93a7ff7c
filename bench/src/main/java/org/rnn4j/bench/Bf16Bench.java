package org.rnn4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.kernel.PackedMatrix;

/**
 * Issue 22's candidate "weights stored as bf16, accumulated in float": does halving the bytes of the recurrent
 * weights make a step's product faster? Each thread runs {@code --steps} products C (m, n) += A (m, k) · W (k, n)
 * with the same W, as a row scan does: once with rnn4j's packed float product ({@link PackedMatrix#multAddInto}),
 * once with a 12 × 32 register tile of the same shape that reads W as bf16 (the upper 16 bits of each float) and
 * widens each vector of 16 weights to float before its 24 FMAs. The two alternate within each round (after a
 * warm-up round); each line is the GFLOP/s of all threads together.
 *
 * <p>At k = 256 (config A's W_hh alone) the bf16 weights are 0.5 MB per copy and fit a Zen 4 core's 1 MB L2, where
 * the float ones (1 MB) do not; at k = 320 (W_ih and W_hh fused, as rnn4j's steps multiply them) neither fits.
 * Before timing it checks the bf16 tile against the float product on the bf16-rounded weights (the same FMA
 * chain, so the same bits).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.rnn4j.bench.Bf16Bench
 * [--k 256] [--rows 24] [--threads 2] [--rounds 6] [--reps 20] [--steps 100]} ({@code --rows}: a multiple of 12)
 */
public final class Bf16Bench {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final int L = F.length();
    private static final int NR = 2 * L;   // columns of a tile and of a packed column block

    private Bf16Bench() {
    }

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (IllegalArgumentException e) {   // a bad option: one line, no stack trace
            System.err.println("Bf16Bench: " + e.getMessage());
            System.exit(2);
        }
    }

    static void run(String[] args) throws Exception {
        int k = 256;
        int n = 1024;
        int rows = 24;
        int threads = 2;
        int rounds = 6;
        int reps = 20;
        int steps = 100;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--k" -> k = positive(args, ++i);
                case "--rows" -> rows = positive(args, ++i);
                case "--threads" -> threads = positive(args, ++i);
                case "--rounds" -> rounds = positive(args, ++i);
                case "--reps" -> reps = positive(args, ++i);
                case "--steps" -> steps = positive(args, ++i);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; the options are --k,"
                        + " --rows, --threads, --rounds, --reps, --steps");
            }
        }
        if (rows % 12 != 0 || F.length() != 16) {
            throw new IllegalArgumentException("needs --rows a multiple of 12 and 512-bit vectors (got " + rows
                    + " rows, " + F.length() + " floats per vector)");
        }
        Kernels kernels = Kernels.select().forThread();
        float[] w = new float[k * n];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextDouble() - 0.5) * 0.1f;
        }
        short[] wb = packBf16(w, k, n);
        float[] rounded = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            rounded[i] = Float.intBitsToFloat(Float.floatToRawIntBits(w[i]) & 0xFFFF0000);
        }
        check(kernels, rounded, wb, k, n, rows);
        PackedMatrix packed = PackedMatrix.reuse(null, kernels, k, n).pack(w, 0, n, false);
        System.out.printf("W (%d, %d): float %.2f MB, bf16 %.2f MB; %d rows per thread, %d threads, kernels %s%n",
                k, n, 4.0 * k * n / 1e6, 2.0 * k * n / 1e6, rows, threads, kernels.name());

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round <= rounds; round++) {   // round 0 warms up the JIT
                for (boolean bf16 : new boolean[] {false, true}) {
                    int m = rows;
                    int kk = k;
                    int s = steps;
                    int r = reps;
                    long t0 = System.nanoTime();
                    List<Future<?>> jobs = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        jobs.add(pool.submit(() -> {
                            Kernels own = kernels.forThread();
                            float[] a = new float[m * kk];
                            float[] c = new float[m * n];
                            for (int i = 0; i < a.length; i++) {
                                a[i] = 0.01f * (i % 7);
                            }
                            for (int rep = 0; rep < r * s; rep++) {
                                if (bf16) {
                                    multAddBf16(m, kk, n, a, wb, c);
                                } else {
                                    packed.multAddInto(own, m, a, 0, kk, c, 0, n);
                                }
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : jobs) {
                        f.get();
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double gflops = 2.0 * rows * k * n * steps * reps * threads / seconds / 1e9;
                    System.out.printf("%-8s %-5s %6.1f GFLOP/s, %.2f ms per %d steps%n",
                            round == 0 ? "warm-up" : "round " + round,
                            bf16 ? "bf16" : "float", gflops, seconds * 1000 / reps, steps);
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    /** The value after option {@code args[i - 1]}: a whole number of at least 1. */
    private static int positive(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        try {
            int v = Integer.parseInt(args[i]);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(args[i - 1] + " needs a whole number of at least 1, got '" + args[i] + "'");
    }

    /** W (k, n) as column blocks of NR columns, each k rows of NR bf16 values (truncated: the float's upper half). */
    static short[] packBf16(float[] w, int k, int n) {
        if (n % NR != 0) {
            throw new IllegalArgumentException("n must be a multiple of " + NR + ", got " + n);
        }
        short[] out = new short[k * n];
        for (int j0 = 0; j0 < n; j0 += NR) {
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < NR; j++) {
                    out[j0 * k + p * NR + j] = (short) (Float.floatToRawIntBits(w[p * n + j0 + j]) >>> 16);
                }
            }
        }
        return out;
    }

    /** The bf16 tile's product against the float kernels' on the rounded weights: they must give the same bits. */
    static void check(Kernels kernels, float[] rounded, short[] wb, int k, int n, int rows) {
        float[] a = new float[rows * k];
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble() - 0.5f;
        }
        float[] expected = new float[rows * n];
        float[] actual = new float[rows * n];
        PackedMatrix.reuse(null, kernels, k, n).pack(rounded, 0, n, false)
                .multAddInto(kernels, rows, a, 0, k, expected, 0, n);
        multAddBf16(rows, k, n, a, wb, actual);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError("bf16 tile differs at " + i + ": " + actual[i] + " against " + expected[i]);
            }
        }
    }

    /** C (m, n) += A (m, k) · W (k, n), W packed by {@link #packBf16}; m a multiple of 12. */
    static void multAddBf16(int m, int k, int n, float[] a, short[] w, float[] c) {
        for (int i = 0; i < m; i += 12) {
            for (int j = 0; j < n; j += NR) {
                tile12(k, a, i * k, k, w, j * k, c, i * n + j, n);
            }
        }
    }

    /** 16 bf16 values from {@code w} at {@code off}, widened to floats (shifted into the upper half). */
    private static FloatVector widen(short[] w, int off) {
        return ((IntVector) ShortVector.fromArray(S, w, off).convertShape(VectorOperators.S2I, IntVector.SPECIES_512,
                0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** C (12, 32) += A (12, k) · W (k, 32) with 24 accumulators, as rnn4j's 12-row float tile, W read as bf16. */
    private static void tile12(int k, float[] a, int a0, int ars, short[] w, int w0, float[] c, int c0, int ldc) {
        FloatVector c00 = FloatVector.fromArray(F, c, c0);
        FloatVector c01 = FloatVector.fromArray(F, c, c0 + L);
        FloatVector c10 = FloatVector.fromArray(F, c, c0 + ldc);
        FloatVector c11 = FloatVector.fromArray(F, c, c0 + ldc + L);
        FloatVector c20 = FloatVector.fromArray(F, c, c0 + 2 * ldc);
        FloatVector c21 = FloatVector.fromArray(F, c, c0 + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(F, c, c0 + 3 * ldc);
        FloatVector c31 = FloatVector.fromArray(F, c, c0 + 3 * ldc + L);
        FloatVector c40 = FloatVector.fromArray(F, c, c0 + 4 * ldc);
        FloatVector c41 = FloatVector.fromArray(F, c, c0 + 4 * ldc + L);
        FloatVector c50 = FloatVector.fromArray(F, c, c0 + 5 * ldc);
        FloatVector c51 = FloatVector.fromArray(F, c, c0 + 5 * ldc + L);
        FloatVector c60 = FloatVector.fromArray(F, c, c0 + 6 * ldc);
        FloatVector c61 = FloatVector.fromArray(F, c, c0 + 6 * ldc + L);
        FloatVector c70 = FloatVector.fromArray(F, c, c0 + 7 * ldc);
        FloatVector c71 = FloatVector.fromArray(F, c, c0 + 7 * ldc + L);
        FloatVector c80 = FloatVector.fromArray(F, c, c0 + 8 * ldc);
        FloatVector c81 = FloatVector.fromArray(F, c, c0 + 8 * ldc + L);
        FloatVector c90 = FloatVector.fromArray(F, c, c0 + 9 * ldc);
        FloatVector c91 = FloatVector.fromArray(F, c, c0 + 9 * ldc + L);
        FloatVector ca0 = FloatVector.fromArray(F, c, c0 + 10 * ldc);
        FloatVector ca1 = FloatVector.fromArray(F, c, c0 + 10 * ldc + L);
        FloatVector cb0 = FloatVector.fromArray(F, c, c0 + 11 * ldc);
        FloatVector cb1 = FloatVector.fromArray(F, c, c0 + 11 * ldc + L);
        for (int p = 0; p < k; p++) {
            FloatVector b0 = widen(w, w0 + p * NR);
            FloatVector b1 = widen(w, w0 + p * NR + L);
            int ap = a0 + p;
            FloatVector x = FloatVector.broadcast(F, a[ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[ap + ars]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[ap + 2 * ars]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[ap + 3 * ars]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F, a[ap + 4 * ars]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F, a[ap + 5 * ars]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(F, a[ap + 6 * ars]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(F, a[ap + 7 * ars]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(F, a[ap + 8 * ars]);
            c80 = x.fma(b0, c80);
            c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(F, a[ap + 9 * ars]);
            c90 = x.fma(b0, c90);
            c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(F, a[ap + 10 * ars]);
            ca0 = x.fma(b0, ca0);
            ca1 = x.fma(b1, ca1);
            x = FloatVector.broadcast(F, a[ap + 11 * ars]);
            cb0 = x.fma(b0, cb0);
            cb1 = x.fma(b1, cb1);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
        c10.intoArray(c, c0 + ldc);
        c11.intoArray(c, c0 + ldc + L);
        c20.intoArray(c, c0 + 2 * ldc);
        c21.intoArray(c, c0 + 2 * ldc + L);
        c30.intoArray(c, c0 + 3 * ldc);
        c31.intoArray(c, c0 + 3 * ldc + L);
        c40.intoArray(c, c0 + 4 * ldc);
        c41.intoArray(c, c0 + 4 * ldc + L);
        c50.intoArray(c, c0 + 5 * ldc);
        c51.intoArray(c, c0 + 5 * ldc + L);
        c60.intoArray(c, c0 + 6 * ldc);
        c61.intoArray(c, c0 + 6 * ldc + L);
        c70.intoArray(c, c0 + 7 * ldc);
        c71.intoArray(c, c0 + 7 * ldc + L);
        c80.intoArray(c, c0 + 8 * ldc);
        c81.intoArray(c, c0 + 8 * ldc + L);
        c90.intoArray(c, c0 + 9 * ldc);
        c91.intoArray(c, c0 + 9 * ldc + L);
        ca0.intoArray(c, c0 + 10 * ldc);
        ca1.intoArray(c, c0 + 10 * ldc + L);
        cb0.intoArray(c, c0 + 11 * ldc);
        cb1.intoArray(c, c0 + 11 * ldc + L);
    }
}
