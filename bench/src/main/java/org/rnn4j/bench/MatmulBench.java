package org.rnn4j.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;

/**
 * The matrix products of LSTM training, scalar reference (the baseline) against the Vector API kernels, on one
 * thread and split over two by {@link Compute}.
 *
 * <p>How to run (build first with {@code scripts/test}, or {@code mvn -pl bench -am package -DskipTests}):
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar MatmulBench
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar MatmulBench -p shape=RECURRENT_STEP
 * </pre>
 * The forked JVMs get {@code --add-modules jdk.incubator.vector} from {@link Fork#jvmArgsAppend()}; without it
 * the {@code vector} kernel would silently be the scalar one, so setup refuses to run.
 *
 * <p>Scores are calls per second; one call is 2·m·n·k floating-point operations, so
 * {@code GFLOP/s = score × 2·m·n·k / 1e9} (the flop count of each shape is in {@link Shape}). Shapes are the
 * LSTM "config A" hot path: batch 32, hidden 256 (gates 4·256 = 1024), input 64, 100 time steps.
 * C accumulates across calls ({@code Add} kernels), which does not change the work done.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class MatmulBench {

    /** Which product, in which of the three forms, with C (m, n). */
    public enum Shape {
        /** Gates += h (32, 256) · W_hh (1024, 256)ᵀ, once per time step: the product on W_hh where it is. */
        RECURRENT_STEP(Op.MULT_TRANS_B, 32, 1024, 256),
        /** The same with W_hhᵀ packed once per pass ({@code PackedMatrix}), as the cells run it. */
        RECURRENT_STEP_PACKED(Op.PACKED, 32, 1024, 256),
        /** dh (32, 256) += dG (32, 1024) · W_hh (1024, 256), once per backward step, W_hh where it is. */
        RECURRENT_STEP_BACKWARD(Op.MULT, 32, 256, 1024),
        /** The same with W_hh packed once per pass, as the cells run it. */
        RECURRENT_STEP_BACKWARD_PACKED(Op.PACKED, 32, 256, 1024),
        /** Gates of all steps += x (3200, 64) · W_ih (1024, 64)ᵀ, once per sequence. */
        INPUT_PROJECTION(Op.MULT_TRANS_B, 3200, 1024, 64),
        /** dW_hh (1024, 256) += dG (3200, 1024)ᵀ · H (3200, 256), once per sequence. */
        WEIGHT_GRADIENT(Op.MULT_TRANS_A, 1024, 256, 3200),
        /** A square-ish plain product, C (256, 1024) += A (256, 1024) · B (1024, 1024). */
        MULT_ADD_256x1024x1024(Op.MULT, 256, 1024, 1024);

        final Op op;
        final int m;
        final int n;
        final int k;

        Shape(Op op, int m, int n, int k) {
            this.op = op;
            this.m = m;
            this.n = n;
            this.k = k;
        }

        /** Floating-point operations of one call: 2·m·n·k. */
        public double flops() {
            return 2.0 * m * n * k;
        }
    }

    enum Op { MULT, MULT_TRANS_A, MULT_TRANS_B, PACKED }

    @Param({"scalar", "vector"})
    public String kernel;

    @Param
    public Shape shape;

    private Compute serial;
    private Compute twoThreads;
    private float[] a;
    private float[] b;
    private float[] c;
    private int lda;
    private int ldb;

    @Setup(Level.Trial)
    public void setUp() {
        Kernels kernels = switch (kernel) {
            case "scalar" -> Kernels.scalar();
            case "vector" -> Kernels.select();
            default -> throw new IllegalArgumentException("kernel must be scalar or vector, got " + kernel);
        };
        if (kernel.equals("vector") && !kernels.name().startsWith("vector")) {
            throw new IllegalStateException("the vector kernels are not available (got " + kernels.name()
                    + "): run the JVM with --add-modules jdk.incubator.vector and without -Drnn4j.kernels=scalar");
        }
        serial = Compute.serial(kernels);
        twoThreads = Compute.withThreads(kernels, 2);

        int m = shape.m;
        int n = shape.n;
        int k = shape.k;
        // stored shapes: A (m, k) or (k, m) for Aᵀ; B (k, n) or (n, k) for Bᵀ
        lda = shape.op == Op.MULT_TRANS_A ? m : k;
        ldb = shape.op == Op.MULT_TRANS_B ? k : n;
        Random rnd = new Random(42);
        a = random(rnd, m * k);
        b = random(rnd, k * n);
        c = random(rnd, m * n);
        if (shape.op == Op.PACKED) {
            packedSerial = org.rnn4j.kernel.PackedMatrix.reuse(null, kernels, k, n).pack(b, 0, n, false);
        }
    }

    private org.rnn4j.kernel.PackedMatrix packedSerial;

    @TearDown(Level.Trial)
    public void tearDown() {
        twoThreads.close();
    }

    /** One call of the product on the calling thread. */
    @Benchmark
    public float serial() {
        run(serial);
        return c[0];
    }

    /** The same product split over the calling thread and a Compute's own spinning worker (what models use). */
    @Benchmark
    public float twoThreads() {
        run(twoThreads);
        return c[0];
    }

    private void run(Compute compute) {
        int m = shape.m;
        int n = shape.n;
        int k = shape.k;
        switch (shape.op) {
            case MULT -> compute.multAdd(m, n, k, a, 0, lda, b, 0, ldb, c, 0, n);
            case MULT_TRANS_A -> compute.multTransAAdd(m, n, k, a, 0, lda, b, 0, ldb, c, 0, n);
            case MULT_TRANS_B -> compute.multTransBAdd(m, n, k, a, 0, lda, b, 0, ldb, c, 0, n);
            case PACKED -> compute.multAddPacked(m, a, 0, k, packedSerial, c, 0, n);
        }
    }

    private static float[] random(Random rnd, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = rnd.nextFloat() * 2f - 1f;
        }
        return x;
    }
}
