package org.rnn4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.rnn4j.kernel.Activation;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.kernel.PackedMatrix;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.ScheduleOptions;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.tensor.Tensor;

/**
 * Where the inference time of configs A-E goes (issue 22, item 1): a measuring harness, not part of the library.
 *
 * <p>For each config and thread count it times, each as the median of {@code --reps} calls after a warm-up:
 * <ul>
 *   <li><b>forward</b>: {@code model.forward(x)}, what {@code rnn4j bench} times as "infer";</li>
 *   <li><b>fused</b>: T steps (per layer) of {@link Compute#step} on the config's packed [W_ihᵀ; W_hhᵀ] with an
 *       empty elementwise task, the same call and operand shapes the layer's steps make;</li>
 *   <li><b>rec</b>: the same with W_hhᵀ alone (no input rows), so fused − rec is the input projection;</li>
 *   <li><b>step+ew</b>: fused with an elementwise task that does the cell's forward work (activations and the
 *       state update, written like the cell's own loops), so step+ew − fused is the elementwise work;</li>
 *   <li><b>handoff</b>: T (per layer) empty hand-offs to the team ({@link Compute#forUnits} with a no-op task),
 *       the synchronisation a step pays with two threads beyond its work;</li>
 *   <li><b>pack</b>: packing [W_ihᵀ; W_hhᵀ] once per layer, as every forward pass does;</li>
 *   <li><b>proj</b> (LSTMP only): T products r = m·W_hrᵀ (B × P × H, unpacked), as each LSTMP step makes.</li>
 * </ul>
 * and {@code --fma}: the FMA throughput of one and of two threads at once (12 independent 512-bit FMA chains each).
 * Issue 22, item 2: {@code --sharing} (the unit split with and without cache lines shared at its boundaries, against
 * the row split; run with {@code -XX:ObjectAlignmentInBytes=64}), {@code --pattern} (the unit split's address pattern
 * on one thread), {@code --row-steps} (the real forward by units and by rows, in one process) and
 * {@code --cell-steps} (the real forward with the elementwise steps row by row and by passes), {@code --row-scans}
 * (the real forward with a hand-off per step and as row scans), {@code --fuse-input} (the input projection computed
 * in each step's product or in one product over all steps first, with row scans and with a hand-off per step).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar
 * org.rnn4j.bench.InferenceBreakdown [--fma | --independent | --diag | --sharing | --pattern | --row-steps
 * | --cell-steps | --row-scans | --fuse-input]
 * [--configs A,B,C,D,E] [--threads 1,2] [--reps 9] [--rounds 3] [--warmup-time 1]}
 */
public final class InferenceBreakdown {

    record Cfg(String name, String kind, int in, int hidden, int proj, int layers, int batch, int steps) {
        int gates() {
            return switch (kind) {
                case "LSTM" -> 4;
                case "GRU" -> 3;
                default -> 1;
            };
        }

        int out() {
            return proj > 0 ? proj : hidden;
        }

        int inputOf(int layer) {
            return layer == 0 ? in : out();
        }

        double gflop() {
            double f = 0;
            for (int l = 0; l < layers; l++) {
                f += 2.0 * batch * (inputOf(l) + out()) * gates() * hidden;
                if (proj > 0) {
                    f += 2.0 * batch * hidden * proj;
                }
            }
            return f * steps / 1e9;
        }

        double recGflop() {
            return 2.0 * batch * out() * gates() * hidden * layers * steps / 1e9;
        }
    }

    static final List<Cfg> CONFIGS = List.of(
            new Cfg("A", "LSTM", 64, 256, 0, 1, 32, 100),
            new Cfg("B", "GRU", 64, 256, 0, 1, 32, 100),
            new Cfg("C", "LSTM", 64, 512, 128, 1, 32, 100),
            new Cfg("D", "LSTM", 32, 128, 0, 2, 64, 200),
            new Cfg("E", "RNN", 64, 256, 0, 1, 32, 100));

    static volatile float sink;
    static double lastMin;   // the fastest call of the last median()
    static int reps = 9;
    static double warmSeconds = 1.0;
    static int rounds = 3;
    static boolean diag;
    static boolean sharing;
    static boolean rowSteps;
    static boolean cellSteps;
    static boolean rowScans;
    static boolean fuseInput;
    static boolean pattern;

    static double minOf(double[][] r, int col) {
        double m = Double.MAX_VALUE;
        for (double[] row : r) {
            m = Math.min(m, row[col]);
        }
        return m;
    }

    static double mid(double[][] r, int col) {
        double[] v = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            v[i] = r[i][col];
        }
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    public static void main(String[] args) throws Exception {
        boolean fma = false;
        String configs = "A,B,C,D,E";
        int[] threads = {1, 2};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fma" -> fma = true;
                case "--independent" -> {
                    independent();
                    independentElementwise();
                    return;
                }
                case "--configs" -> configs = args[++i];
                case "--threads" -> threads = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--diag" -> diag = true;
                case "--sharing" -> sharing = true;
                case "--row-steps" -> rowSteps = true;
                case "--cell-steps" -> cellSteps = true;
                case "--row-scans" -> rowScans = true;
                case "--fuse-input" -> fuseInput = true;
                case "--pattern" -> pattern = true;
                case "--warmup-time" -> warmSeconds = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println("JDK " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, kernels " + Kernels.select().name());
        if (fma) {
            fma();
        }
        for (String name : configs.split(",")) {
            Cfg c = CONFIGS.stream().filter(x -> x.name.equals(name)).findFirst().orElseThrow();
            if (sharing) {
                sharing(c);
                continue;
            }
            if (rowSteps) {
                rowSteps(c);
                continue;
            }
            if (cellSteps) {
                cellSteps(c);
                continue;
            }
            if (fuseInput) {
                fuseInput(c);
                continue;
            }
            if (rowScans) {
                rowScans(c);
                continue;
            }
            if (pattern) {
                pattern(c);
                continue;
            }
            for (int t : threads) {
                breakdown(c, t);
            }
        }
    }

    // ---------------------------------------------------------------- FMA peak

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    static float fmaLoop(long iters) {
        FloatVector b = FloatVector.broadcast(S, 0.9999f);
        FloatVector c = FloatVector.broadcast(S, 1e-4f);
        FloatVector a0 = FloatVector.broadcast(S, 0f), a1 = FloatVector.broadcast(S, 1f);
        FloatVector a2 = FloatVector.broadcast(S, 2f), a3 = FloatVector.broadcast(S, 3f);
        FloatVector a4 = FloatVector.broadcast(S, 4f), a5 = FloatVector.broadcast(S, 5f);
        FloatVector a6 = FloatVector.broadcast(S, 6f), a7 = FloatVector.broadcast(S, 7f);
        FloatVector a8 = FloatVector.broadcast(S, 8f), a9 = FloatVector.broadcast(S, 9f);
        FloatVector a10 = FloatVector.broadcast(S, 10f), a11 = FloatVector.broadcast(S, 11f);
        for (long i = 0; i < iters; i++) {
            a0 = a0.fma(b, c); a1 = a1.fma(b, c); a2 = a2.fma(b, c); a3 = a3.fma(b, c);
            a4 = a4.fma(b, c); a5 = a5.fma(b, c); a6 = a6.fma(b, c); a7 = a7.fma(b, c);
            a8 = a8.fma(b, c); a9 = a9.fma(b, c); a10 = a10.fma(b, c); a11 = a11.fma(b, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .lane(0);
    }

    /** GFLOP/s of n threads each running fmaLoop(iters) at once: all their FLOP over the wall time. */
    static double fmaRun(int n, long iters) throws Exception {
        CyclicBarrier start = new CyclicBarrier(n + 1);
        CyclicBarrier end = new CyclicBarrier(n + 1);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    sink += fmaLoop(iters);
                    end.await();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            th.start();
            ts.add(th);
        }
        start.await();
        long t0 = System.nanoTime();
        end.await();
        long t1 = System.nanoTime();
        for (Thread th : ts) {
            th.join();
        }
        double flop = (double) n * iters * 12 * S.length() * 2;
        return flop / (t1 - t0);
    }

    static void fma() throws Exception {
        long iters = 100_000_000L;
        for (int i = 0; i < 5; i++) {   // warm-up: compile the loop
            sink += fmaLoop(2_000_000L);
        }
        fmaRun(1, iters / 4);
        fmaRun(2, iters / 4);
        System.out.printf(Locale.ROOT, "FMA loop: %d lanes, 12 chains, %d iterations per thread%n", S.length(), iters);
        for (int r = 0; r < 3; r++) {
            double one = fmaRun(1, iters);
            double two = fmaRun(2, iters);
            System.out.printf(Locale.ROOT, "fma rep %d: 1 thread %.1f GFLOP/s, 2 threads %.1f GFLOP/s total (%.2fx)%n",
                    r + 1, one, two, two / one);
        }
    }

    // ---------------------------------------------------------------- independent kernels

    /**
     * The step product of each config's first layer (m = B rows of [x h] times the packed (I + R, G) weights), run
     * over and over by one thread, then by two threads at once, each on its own data and kernels, with no hand-off:
     * whether two threads double the kernel's throughput when they need not meet.
     */
    static void independent() throws Exception {
        for (Cfg c : CONFIGS) {
            int k = c.in + c.out();
            int n = c.gates() * c.hidden;
            int m = c.batch;
            double flop = 2.0 * m * n * k;
            int calls = (int) Math.max(200, 3e9 / flop);
            double[] one = new double[3];
            double[] two = new double[3];
            for (int r = -1; r < 3; r++) {
                double g1 = productRun(1, m, n, k, calls, flop);
                double g2 = productRun(2, m, n, k, calls, flop);
                if (r >= 0) {
                    one[r] = g1;
                    two[r] = g2;
                }
            }
            System.out.printf(Locale.ROOT, "%s product %d x %d x %d (packed, %.2f MB of weights): 1 thread %.1f / %.1f / %.1f"
                            + " GFLOP/s, 2 independent threads %.1f / %.1f / %.1f GFLOP/s total%n", c.name, m, n, k,
                    4.0 * k * n / 1e6, one[0], one[1], one[2], two[0], two[1], two[2]);
        }
    }

    /**
     * Each config's elementwise work (first layer, all units, all rows, T steps) by one thread, then by two threads
     * at once, each on its own buffers, with no hand-off.
     */
    static void independentElementwise() throws Exception {
        for (Cfg c : CONFIGS) {
            double[] one = new double[3];
            double[] two = new double[3];
            for (int r = -1; r < 3; r++) {
                double t1 = elementwiseRun(1, c);
                double t2 = elementwiseRun(2, c);
                if (r >= 0) {
                    one[r] = t1;
                    two[r] = t2;
                }
            }
            System.out.printf(Locale.ROOT, "%s elementwise of one layer's T steps: 1 thread %.2f / %.2f / %.2f ms;"
                            + " 2 independent threads, each the same work at once: %.2f / %.2f / %.2f ms%n", c.name,
                    one[0], one[1], one[2], two[0], two[1], two[2]);
        }
    }

    /** Wall ms per pass of T steps' elementwise work when n threads each do a whole pass on their own layer. */
    static double elementwiseRun(int threads, Cfg c) throws Exception {
        int passes = 50;
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        CyclicBarrier end = new CyclicBarrier(threads + 1);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread th = new Thread(() -> {
                Kernels kern = Kernels.select().forThread();
                Layer L = new Layer(c, 0, kern, new SplittableRandom(5));
                Elementwise e = new Elementwise(L);
                Runnable pass = () -> {
                    for (int st = 0; st < c.steps; st++) {
                        e.s = st;
                        e.run(kern, 0, L.b, 0, L.h);
                    }
                };
                try {
                    for (int w = 0; w < passes; w++) {
                        pass.run();
                    }
                    start.await();
                    for (int w = 0; w < passes; w++) {
                        pass.run();
                    }
                    end.await();
                } catch (Exception ex) {
                    throw new RuntimeException(ex);
                }
            });
            th.start();
            ts.add(th);
        }
        start.await();
        long t0 = System.nanoTime();
        end.await();
        long t1 = System.nanoTime();
        for (Thread th : ts) {
            th.join();
        }
        return (t1 - t0) / 1e6 / passes;
    }

    static double productRun(int threads, int m, int n, int k, int calls, double flop) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        CyclicBarrier end = new CyclicBarrier(threads + 1);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread th = new Thread(() -> {
                Kernels kern = Kernels.select().forThread();
                SplittableRandom rnd = new SplittableRandom(3);
                PackedMatrix b = PackedMatrix.reuse(null, kern, k, n).pack(random(rnd, k * n, 0.1), 0, n, false);
                float[] a = random(rnd, m * k, 1);
                float[] cOut = new float[m * n];
                try (Compute cx = Compute.serial(kern)) {
                    for (int w = 0; w < calls / 4; w++) {
                        cx.multAddPacked(m, a, 0, k, b, cOut, 0, n);
                    }
                    start.await();
                    for (int w = 0; w < calls; w++) {
                        cx.multAddPacked(m, a, 0, k, b, cOut, 0, n);
                    }
                    end.await();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
                sink += cOut[0];
            });
            th.start();
            ts.add(th);
        }
        start.await();
        long t0 = System.nanoTime();
        end.await();
        long t1 = System.nanoTime();
        for (Thread th : ts) {
            th.join();
        }
        return threads * calls * flop / (t1 - t0);
    }

    // ---------------------------------------------------------------- breakdown

    static double median(Runnable r) {
        long end = System.nanoTime() + (long) (warmSeconds * 1e9);
        int w = 0;
        while (w < 3 || System.nanoTime() < end) {
            r.run();
            w++;
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        lastMin = t[0];
        return t[reps / 2];
    }

    static float[] random(SplittableRandom rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * scale);
        }
        return a;
    }

    /** One layer's step operands and buffers, shaped as the layer's packed, fused forward steps. */
    static final class Layer {
        final Cfg c;
        final int in, r, g, h, b, t, gates;
        final int o;              // where element 0 of every buffer the step writes sits in its array (--sharing)
        final float[] w;          // (G, in + R) as [W_ih W_hh] row-major
        final float[] x;          // (T·B, in)
        final float[] hState;     // 2 × (B, R) alternated
        final float[] cState;     // 2 × (B, H)
        final float[] pre;        // (T·B, G)
        final float[] rec;        // (B, G) the GRU's recurrent part
        final float[] tanhC;      // (B, H)
        final float[] bias;
        final float[] m;          // (B, H) LSTMP m_t
        final float[] wProj;      // (P, H)
        PackedMatrix fused, recOnly;
        final Compute.StepOperands ops = new Compute.StepOperands();

        Layer(Cfg c, int layer, Kernels k, SplittableRandom rnd) {
            this(c, layer, k, rnd, 0);
        }

        Layer(Cfg c, int layer, Kernels k, SplittableRandom rnd, int o) {
            this.c = c;
            this.o = o;
            in = c.inputOf(layer);
            r = c.out();
            h = c.hidden;
            gates = c.gates();
            g = gates * h;
            b = c.batch;
            t = c.steps;
            w = random(rnd, g * (in + r), 1.0 / Math.sqrt(h));
            x = random(rnd, t * b * in, 1);
            hState = random(rnd, 2 * b * r + o, 0.5);
            cState = random(rnd, 2 * b * h + o, 0.5);
            pre = new float[t * b * g + o];
            rec = new float[b * g + o];
            tanhC = new float[b * h + o];
            bias = random(rnd, g, 0.1);
            m = random(rnd, b * h + o, 0.5);
            wProj = c.proj > 0 ? random(rnd, c.proj * h, 1.0 / Math.sqrt(h)) : null;
            pack(k);
            recOnly = PackedMatrix.reuse(null, k, r, g).packRows(0, r, w, in, in + r, true);
        }

        void pack(Kernels k) {
            fused = PackedMatrix.reuse(fused, k, in + r, g).pack(w, 0, in + r, true);
        }

        /** The operands of step s: fused (input rows too) or recurrent only. */
        Compute.StepOperands operands(int s, boolean withInput) {
            int hPrev = (s & 1) * b * r + o;
            boolean gru = c.kind.equals("GRU");
            if (withInput) {
                ops.rows(b, fused, gates).input(x, s * b * in, in, in, bias, 0, pre, s * b * g + o, g);
            } else {
                ops.rows(b, recOnly, gates).noInput();
            }
            if (gru) {   // the GRU's recurrent part goes to its own buffer with b_hh
                ops.recurrent(hState, hPrev, r, bias, 0, rec, o, g);
            } else {
                ops.recurrent(hState, hPrev, r, withInput ? null : bias, 0, pre, s * b * g + o, g);
            }
            return ops;
        }

        /** The LSTMP's projection r_t = m_t · W_hrᵀ into the next state, as the layer does it per step. */
        void project(Compute cx, int s) {
            int hNext = ((s + 1) & 1) * b * r + o;
            Arrays.fill(hState, hNext, hNext + b * r, 0f);
            cx.multTransBAdd(b, r, h, m, o, h, wProj, 0, h, hState, hNext, r);
        }
    }

    /** The cell's forward elementwise work for step s, written like the cells' own loops. */
    static final class Elementwise implements Compute.StepTask {
        final Layer L;
        int s;

        Elementwise(Layer l) {
            L = l;
        }

        @Override
        public void run(Kernels k, int lo, int hi, int u0, int u1) {
            int rows = hi - lo;
            int n = u1 - u0;
            int b = L.b, h = L.h, gw = L.g;
            int o = L.o;
            int pre = (s * b + lo) * gw + u0 + o;
            switch (L.c.kind) {
                case "LSTM" -> {
                    int cPrev = (s & 1) * b * h + lo * h + u0 + o;
                    int cNext = ((s + 1) & 1) * b * h + lo * h + u0 + o;
                    int aux = lo * h + u0 + o;
                    float[] mOut = L.c.proj > 0 ? L.m : L.hState;
                    int mOff = (L.c.proj > 0 ? lo * h + u0 : ((s + 1) & 1) * b * h + lo * h + u0) + o;
                    k.activate(Activation.SIGMOID, rows, n, L.pre, pre, gw);
                    k.activate(Activation.SIGMOID, rows, n, L.pre, pre + h, gw);
                    k.activate(Activation.TANH, rows, n, L.pre, pre + 2 * h, gw);
                    for (int r = 0; r < rows; r++) {
                        int row = pre + r * gw;
                        for (int j = 0; j < n; j++) {
                            float f = L.pre[row + h + j];
                            float i = L.pre[row + j];
                            L.cState[cNext + r * h + j] = f * L.cState[cPrev + r * h + j] + i * L.pre[row + 2 * h + j];
                        }
                    }
                    k.activate(Activation.SIGMOID, rows, n, L.pre, pre + 3 * h, gw);
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(L.cState, cNext + r * h, L.tanhC, aux + r * h, n);
                    }
                    k.activate(Activation.TANH, rows, n, L.tanhC, aux, h);
                    for (int r = 0; r < rows; r++) {
                        int row = pre + r * gw;
                        for (int j = 0; j < n; j++) {
                            mOut[mOff + r * h + j] = L.pre[row + 3 * h + j] * L.tanhC[aux + r * h + j];
                        }
                    }
                }
                case "GRU" -> {
                    int hPrev = (s & 1) * b * h + lo * h + u0 + o;
                    int hNext = ((s + 1) & 1) * b * h + lo * h + u0 + o;
                    for (int r = 0; r < rows; r++) {
                        int row = pre + r * gw;
                        int rec = (lo + r) * gw + u0 + o;
                        for (int j = 0; j < n; j++) {
                            L.pre[row + j] += L.rec[rec + j];
                            L.pre[row + h + j] += L.rec[rec + h + j];
                        }
                    }
                    k.activate(Activation.SIGMOID, rows, n, L.pre, pre, gw);
                    k.activate(Activation.SIGMOID, rows, n, L.pre, pre + h, gw);
                    for (int r = 0; r < rows; r++) {
                        int row = pre + r * gw;
                        int rec = (lo + r) * gw + u0 + o;
                        for (int j = 0; j < n; j++) {
                            float hn = L.rec[rec + 2 * h + j];
                            L.tanhC[(lo + r) * h + u0 + j + o] = hn;
                            L.pre[row + 2 * h + j] += L.pre[row + j] * hn;
                        }
                    }
                    k.activate(Activation.TANH, rows, n, L.pre, pre + 2 * h, gw);
                    for (int r = 0; r < rows; r++) {
                        int row = pre + r * gw;
                        for (int j = 0; j < n; j++) {
                            float z = L.pre[row + h + j];
                            L.hState[hNext + r * h + j] = (1f - z) * L.pre[row + 2 * h + j]
                                    + z * L.hState[hPrev + r * h + j];
                        }
                    }
                }
                default -> {
                    int hNext = ((s + 1) & 1) * b * h + lo * h + u0 + o;
                    k.activate(Activation.TANH, rows, n, L.pre, pre, gw);
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(L.pre, pre + r * gw, L.hState, hNext + r * h, n);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- cache-line sharing at the unit split

    /**
     * Issue 22, item 2: is the unit split's elementwise loss cache lines written by both threads at the split
     * boundaries? Layer 0's T steps, in one process, every variant once per round, the order rotated each round:
     * the elementwise work alone on one thread, split by units and by rows; and whole steps (product and
     * elementwise) on one thread, split by units as {@link Compute#step} does, and split by rows (each thread its
     * rows' products, all columns, then their elementwise work). Each with the buffers' element 0 at offset
     * o = 0, 4, 8 or 12 floats in its array. Run with {@code -XX:ObjectAlignmentInBytes=64}: every array's element 0
     * then sits 16 bytes past a line, so at o = 12 each split boundary (a multiple of 16 floats) starts a line and
     * no line is written by both threads; at o = 0, 4, 8 each boundary falls inside a line.
     */
    static void sharing(Cfg c) {
        Kernels kernels = Kernels.select();
        int[] offs = {0, 4, 8, 12};
        Thread caller = Thread.currentThread();
        Compute[] rowCx = {Compute.serial(kernels.forThread()), Compute.serial(kernels.forThread())};
        try (Compute cx = Compute.withThreads(kernels, 2); Compute one = Compute.serial(kernels.forThread())) {
            Layer[] ls = new Layer[offs.length];
            Elementwise[] es = new Elementwise[offs.length];
            for (int i = 0; i < offs.length; i++) {
                ls[i] = new Layer(c, 0, cx.kernels(), new SplittableRandom(7), offs[i]);
                es[i] = new Elementwise(ls[i]);
            }
            List<String> names = new ArrayList<>();
            List<Runnable> runs = new ArrayList<>();
            names.add("ew 1 thread o=0");
            runs.add(() -> {
                for (int st = 0; st < c.steps; st++) {
                    es[0].s = st;
                    es[0].run(cx.kernels(), 0, c.batch, 0, c.hidden);
                }
            });
            for (int i = 0; i < offs.length; i++) {
                Elementwise e = es[i];
                names.add("ew units o=" + offs[i]);
                runs.add(() -> {
                    for (int st = 0; st < c.steps; st++) {
                        e.s = st;
                        cx.forUnits(c.batch, c.hidden, e);
                    }
                });
            }
            for (int i : new int[] {0, 3}) {
                Elementwise e = es[i];
                names.add("ew rows o=" + offs[i]);
                runs.add(() -> {
                    for (int st = 0; st < c.steps; st++) {
                        e.s = st;
                        cx.forRows(c.batch, c.hidden, e);
                    }
                });
            }
            names.add("step 1 thread o=0");
            runs.add(() -> {
                for (int st = 0; st < c.steps; st++) {
                    es[0].s = st;
                    one.step(ls[0].operands(st, true), es[0], Compute.Split.UNITS);
                }
            });
            for (int i = 0; i < offs.length; i++) {
                Layer L = ls[i];
                Elementwise e = es[i];
                names.add("step units o=" + offs[i]);
                runs.add(() -> {
                    for (int st = 0; st < c.steps; st++) {
                        e.s = st;
                        cx.step(L.operands(st, true), e, Compute.Split.UNITS);
                    }
                });
            }
            for (int i : new int[] {0, 3}) {
                Layer L = ls[i];
                Elementwise e = es[i];
                Compute.RowTask task = (k, lo, hi) -> {
                    rowProducts(Thread.currentThread() == caller ? rowCx[0] : rowCx[1], L, e.s, lo, hi);
                    e.run(k, lo, hi, 0, c.hidden);
                };
                names.add("step rows o=" + offs[i]);
                runs.add(() -> {
                    for (int st = 0; st < c.steps; st++) {
                        e.s = st;
                        cx.forRows(c.batch, task);
                    }
                });
            }
            int nv = runs.size();
            double[][] ms = new double[rounds][nv];
            double[][] mins = new double[rounds][nv];
            for (int q = 0; q < rounds; q++) {
                for (int j = 0; j < nv; j++) {
                    int v = (j + q * 3) % nv;   // rotate the order from round to round
                    ms[q][v] = median(runs.get(v));
                    mins[q][v] = lastMin;
                }
            }
            System.out.printf(Locale.ROOT, "%n%s %s I%d H%d B%d T%d, layer 0, ms per pass of T steps, median of %d"
                    + " calls, each round:%n", c.name, c.kind, c.in, c.hidden, c.batch, c.steps, reps);
            for (int v = 0; v < nv; v++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-20s", names.get(v)));
                for (int q = 0; q < rounds; q++) {
                    line.append(String.format(Locale.ROOT, " %8.3f", ms[q][v]));
                }
                line.append(String.format(Locale.ROOT, "   median %8.3f, fastest call %8.3f", mid(ms, v),
                        minOf(mins, v)));
                System.out.println(line);
            }
        }
    }

    /**
     * The config's model (last-step head, one output, seed 1: the same weights on every call) computing on
     * {@code compute} with the schedule {@code options}.
     */
    static SequenceModel model(Cfg c, Compute compute, ScheduleOptions options) {
        CellSpec spec = switch (c.kind) {
            case "LSTM" -> c.proj > 0 ? CellSpec.lstm().withProjSize(c.proj) : CellSpec.lstm();
            case "GRU" -> CellSpec.gru();
            default -> CellSpec.rnnTanh();
        };
        return SequenceModel.builder().cell(spec).inputSize(c.in).hiddenSize(c.hidden).numLayers(c.layers)
                .head(Head.LAST_STEP).outputSize(1).seed(1).compute(compute).scheduleOptions(options).build();
    }

    /**
     * The whole forward ({@code model.forward(x)}, what {@code rnn4j bench} times as "infer") on one thread, and on
     * two with a hand-off per step, small steps split by rows and with every step split by units
     * ({@code ScheduleOptions.withSmallStepsByRows(false)}): the same model, weights and input, alternated in one
     * process, round by round; the outputs of the three are checked to be the same bits.
     */
    static void rowSteps(Cfg c) {
        ScheduleOptions perStep = ScheduleOptions.DEFAULT.withRowScans(false);
        String[] names = {"1 thread", "2 threads, every step by units", "2 threads, small steps by rows"};
        compareSchedules(c, names, perStep, perStep.withSmallStepsByRows(false), perStep);
    }

    /**
     * The whole forward with the cells' elementwise steps row by row (the kernels' {@code lstmStep} and
     * {@code gruStep}, the default) and as one pass per activation ({@link PassKernels}, as before them), on one
     * thread and on two: the same weights and input, alternated in one process; outputs checked to be the same bits.
     */
    static void cellSteps(Cfg c) {
        Kernels kernels = Kernels.select();
        Kernels passes = new PassKernels(kernels.forThread());
        try (Compute two = Compute.withThreads(kernels, 2); Compute one = Compute.serial(kernels.forThread());
             Compute twoPasses = Compute.withThreads(passes, 2);
             Compute onePasses = Compute.serial(passes.forThread())) {
            Compute[] computes = {onePasses, one, twoPasses, two};
            SequenceModel[] models = new SequenceModel[computes.length];
            for (int v = 0; v < models.length; v++) {
                models[v] = model(c, computes[v], ScheduleOptions.DEFAULT);
            }
            String[] names = {"1 thread, one pass per activation", "1 thread, row by row",
                "2 threads, one pass per activation", "2 threads, row by row"};
            compareForwards(c, names, models);
        }
    }

    /**
     * The whole forward on one thread, on two with a hand-off at every step (the step split by rows or units as
     * {@code Compute.step} chooses), and on two as row scans (each thread all steps of its own rows, the default
     * where the cell allows it): the same weights and input, alternated in one process; bits checked.
     */
    static void rowScans(Cfg c) {
        ScheduleOptions scans = ScheduleOptions.DEFAULT;
        String[] names = {"1 thread", "2 threads, a hand-off per step", "2 threads, row scans"};
        compareSchedules(c, names, scans, scans.withRowScans(false), scans);
    }

    /**
     * Two threads with the default schedule (row scans), each step's input projection computed in its product
     * (fused) against one product over all steps first; and both with a hand-off per step instead of row scans.
     */
    static void fuseInput(Cfg c) {
        ScheduleOptions d = ScheduleOptions.DEFAULT;
        String[] names = {"1 thread", "2 threads, scans, input fused", "2 threads, scans, input first",
            "2 threads, hand-offs, input fused", "2 threads, hand-offs, input first"};
        compareSchedules(c, names, d, d, d.withFuseInput(false), d.withRowScans(false),
                d.withRowScans(false).withFuseInput(false));
    }

    /**
     * {@link #compareForwards} of the same model on one thread with {@code oneThread}'s schedule and on two threads
     * with each of {@code twoThreads}'; names: one per model, the one-thread model's first.
     */
    static void compareSchedules(Cfg c, String[] names, ScheduleOptions oneThread, ScheduleOptions... twoThreads) {
        Kernels kernels = Kernels.select();
        try (Compute two = Compute.withThreads(kernels, 2); Compute one = Compute.serial(kernels.forThread())) {
            SequenceModel[] models = new SequenceModel[1 + twoThreads.length];
            models[0] = model(c, one, oneThread);
            for (int v = 0; v < twoThreads.length; v++) {
                models[v + 1] = model(c, two, twoThreads[v]);
            }
            compareForwards(c, names, models);
        }
    }

    /**
     * The forward of each model on the same input, alternated in one process, round by round (the order rotated);
     * the outputs are checked to be the same bits as the first model's.
     */
    static void compareForwards(Cfg c, String[] names, SequenceModel[] models) {
        SplittableRandom rnd = new SplittableRandom(7);
        Tensor x = Tensor.zeros(c.batch, c.steps, c.in);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) rnd.nextGaussian();
        }
        float[] ref = models[0].forward(x).data().clone();
        for (int v = 1; v < models.length; v++) {
            if (!Arrays.equals(ref, models[v].forward(x).data())) {
                throw new AssertionError(c.name + ": " + names[v] + " does not give the bits of one thread");
            }
        }
        double[][] ms = new double[rounds][models.length];
        double[][] mins = new double[rounds][models.length];
        for (int q = 0; q < rounds; q++) {
            for (int j = 0; j < models.length; j++) {
                int v = (j + q) % models.length;   // rotate the order from round to round
                SequenceModel model = models[v];
                ms[q][v] = median(() -> sink += model.forward(x).data()[0]);
                mins[q][v] = lastMin;
            }
        }
        System.out.printf(Locale.ROOT, "%n%s %s I%d H%d%s L%d B%d T%d: forward ms, median of %d calls, each round"
                        + " (outputs bit-identical)%n", c.name, c.kind, c.in, c.hidden,
                c.proj > 0 ? " P" + c.proj : "", c.layers, c.batch, c.steps, reps);
        for (int v = 0; v < models.length; v++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-34s", names[v]));
            for (int q = 0; q < rounds; q++) {
                line.append(String.format(Locale.ROOT, " %8.3f", ms[q][v]));
            }
            line.append(String.format(Locale.ROOT, "   median %8.3f, fastest call %8.3f", mid(ms, v),
                    minOf(mins, v)));
            System.out.println(line);
        }
    }

    /**
     * The access pattern of the unit split without a second thread: one thread runs layer 0's elementwise work of
     * each step as two halves by units ([0, H/2) of every row, then [H/2, H)), as two halves by rows, and whole. If
     * the halves by units are slower than whole rows on one core, a unit split costs by its pattern of addresses
     * (each half a 1/gates part of every row of the gate buffer), not by lines shared between cores.
     */
    static void pattern(Cfg c) {
        Kernels kernels = Kernels.select().forThread();
        int[] offs = {0, 12};
        List<String> names = new ArrayList<>();
        List<Runnable> runs = new ArrayList<>();
        for (int o : offs) {
            Layer L = new Layer(c, 0, kernels, new SplittableRandom(7), o);
            Elementwise e = new Elementwise(L);
            int b = c.batch;
            int h = c.hidden;
            names.add("whole o=" + o);
            runs.add(() -> {
                for (int st = 0; st < c.steps; st++) {
                    e.s = st;
                    e.run(kernels, 0, b, 0, h);
                }
            });
            names.add("unit halves o=" + o);
            runs.add(() -> {
                for (int st = 0; st < c.steps; st++) {
                    e.s = st;
                    e.run(kernels, 0, b, 0, h / 2);
                    e.run(kernels, 0, b, h / 2, h);
                }
            });
            names.add("row halves o=" + o);
            runs.add(() -> {
                for (int st = 0; st < c.steps; st++) {
                    e.s = st;
                    e.run(kernels, 0, b / 2, 0, h);
                    e.run(kernels, b / 2, b, 0, h);
                }
            });
        }
        int nv = runs.size();
        double[][] ms = new double[rounds][nv];
        double[][] mins = new double[rounds][nv];
        for (int q = 0; q < rounds; q++) {
            for (int j = 0; j < nv; j++) {
                int v = (j + q) % nv;
                ms[q][v] = median(runs.get(v));
                mins[q][v] = lastMin;
            }
        }
        System.out.printf(Locale.ROOT, "%n%s %s H%d B%d T%d, layer 0's elementwise work on one thread, ms per pass,"
                + " median of %d calls, each round:%n", c.name, c.kind, c.hidden, c.batch, c.steps, reps);
        for (int v = 0; v < nv; v++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-20s", names.get(v)));
            for (int q = 0; q < rounds; q++) {
                line.append(String.format(Locale.ROOT, " %8.3f", ms[q][v]));
            }
            line.append(String.format(Locale.ROOT, "   median %8.3f, fastest call %8.3f", mid(ms, v), minOf(mins, v)));
            System.out.println(line);
        }
    }

    /** Rows [lo, hi) of step s's products, every column, on k (a serial Compute): bias + x_t·W_ihᵀ + h_{t−1}·W_hhᵀ as the step does. */
    static void rowProducts(Compute k, Layer L, int s, int lo, int hi) {
        int rows = hi - lo;
        int n = L.g;
        int kk = L.in + L.r;
        int pre = s * L.b * L.g + L.o + lo * L.g;
        for (int i = 0; i < rows; i++) {
            System.arraycopy(L.bias, 0, L.pre, pre + i * L.g, n);
        }
        k.multAddPacked(rows, L.x, (s * L.b + lo) * L.in, L.in, L.fused, 0, L.in, L.pre, pre, L.g);
        float[] out = L.pre;
        int outOff = pre;
        if (L.c.kind.equals("GRU")) {
            out = L.rec;
            outOff = L.o + lo * L.g;
            for (int i = 0; i < rows; i++) {
                System.arraycopy(L.bias, 0, out, outOff + i * L.g, n);
            }
        }
        int hPrev = (s & 1) * L.b * L.r + L.o + lo * L.r;
        k.multAddPacked(rows, L.hState, hPrev, L.r, L.fused, L.in, kk, out, outOff, L.g);
    }

    static final Compute.StepTask NOOP = (k, lo, hi, u0, u1) -> { };

    static void breakdown(Cfg c, int threads) {
        Kernels kernels = Kernels.select();
        try (Compute cx = threads == 1 ? Compute.serial(kernels) : Compute.withThreads(kernels, threads)) {
            SplittableRandom rnd = new SplittableRandom(7);
            CellSpec spec = switch (c.kind) {
                case "LSTM" -> c.proj > 0 ? CellSpec.lstm().withProjSize(c.proj) : CellSpec.lstm();
                case "GRU" -> CellSpec.gru();
                default -> CellSpec.rnnTanh();
            };
            SequenceModel model = SequenceModel.builder().cell(spec).inputSize(c.in).hiddenSize(c.hidden)
                    .numLayers(c.layers).head(Head.LAST_STEP).outputSize(1).seed(1).compute(cx).build();
            Tensor x = Tensor.zeros(c.batch, c.steps, c.in);
            for (int i = 0; i < x.size(); i++) {
                x.data()[i] = (float) rnd.nextGaussian();
            }
            Layer[] layers = new Layer[c.layers];
            Elementwise[] ew = new Elementwise[c.layers];
            for (int l = 0; l < c.layers; l++) {
                layers[l] = new Layer(c, l, cx.kernels(), rnd);
                ew[l] = new Elementwise(layers[l]);
            }
            boolean proj = c.proj > 0;

            Runnable forward = () -> sink += model.forward(x).data()[0];
            Runnable fused = () -> {
                for (Layer L : layers) {
                    for (int s = 0; s < c.steps; s++) {
                        cx.step(L.operands(s, true), NOOP, Compute.Split.ROWS);
                    }
                }
            };
            Runnable rec = () -> {
                for (Layer L : layers) {
                    for (int s = 0; s < c.steps; s++) {
                        cx.step(L.operands(s, false), NOOP, Compute.Split.ROWS);
                    }
                }
            };
            Runnable stepEw = () -> {
                for (int l = 0; l < layers.length; l++) {
                    Layer L = layers[l];
                    for (int s = 0; s < c.steps; s++) {
                        ew[l].s = s;
                        cx.step(L.operands(s, true), ew[l], Compute.Split.ROWS);
                        if (proj) {
                            L.project(cx, s);
                        }
                    }
                }
            };
            Runnable projection = () -> {
                for (int s = 0; s < c.steps; s++) {
                    layers[0].project(cx, s);
                }
            };
            Runnable handoff = () -> {
                for (int l = 0; l < layers.length; l++) {
                    for (int s = 0; s < c.steps; s++) {
                        cx.forUnits(1, 32, NOOP);
                    }
                }
            };
            Runnable pack = () -> {
                for (Layer L : layers) {
                    L.pack(cx.kernels());
                }
            };

            java.util.concurrent.atomic.AtomicLong onWorker = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong onCaller = new java.util.concurrent.atomic.AtomicLong();
            Thread caller = Thread.currentThread();
            Compute.StepTask counting = (k, lo, hi, u0, u1) -> {
                (Thread.currentThread() == caller ? onCaller : onWorker).incrementAndGet();
            };
            Runnable recCounting = () -> {
                for (Layer L : layers) {
                    for (int s = 0; s < c.steps; s++) {
                        cx.step(L.operands(s, false), counting, Compute.Split.ROWS);
                    }
                }
            };

            Runnable ewAlone = () -> {
                for (int l = 0; l < layers.length; l++) {
                    Layer L = layers[l];
                    for (int st = 0; st < c.steps; st++) {
                        ew[l].s = st;
                        if (threads == 1) {
                            ew[l].run(cx.kernels(), 0, L.b, 0, L.h);
                        } else {
                            cx.forUnits(L.b, L.h, ew[l]);
                        }
                    }
                }
            };
            long[] busyNs = new long[2];
            long[] parts = new long[2];
            Runnable ewTimed = () -> {
                for (int l = 0; l < layers.length; l++) {
                    Layer L = layers[l];
                    Elementwise e = ew[l];
                    Compute.StepTask timed = (k, lo, hi, u0, u1) -> {
                        long t0 = System.nanoTime();
                        e.run(k, lo, hi, u0, u1);
                        int who = Thread.currentThread() == caller ? 0 : 1;
                        busyNs[who] += System.nanoTime() - t0;
                        parts[who]++;
                    };
                    for (int st = 0; st < c.steps; st++) {
                        e.s = st;
                        cx.forUnits(L.b, L.h, timed);
                    }
                }
            };
            if (threads > 1 && diag) {
                double wall = median(ewTimed);
                Arrays.fill(busyNs, 0);
                Arrays.fill(parts, 0);
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    ewTimed.run();
                }
                double perPass = (System.nanoTime() - t0) / 1e6 / reps;
                System.out.printf(Locale.ROOT, "%s elementwise split by units over %d threads: wall %.3f ms per pass"
                                + " (median %.3f); inside the parts, caller busy %.3f ms, worker busy %.3f ms per pass"
                                + " (%d and %d parts)%n", c.name, threads, perPass, wall, busyNs[0] / 1e6 / reps,
                        busyNs[1] / 1e6 / reps, parts[0], parts[1]);
                // the same work split by rows (each thread whole rows: at most one shared line per array) instead
                Runnable byRows = () -> {
                    for (int l = 0; l < layers.length; l++) {
                        for (int st = 0; st < c.steps; st++) {
                            ew[l].s = st;
                            cx.forRows(layers[l].b, layers[l].h, ew[l]);
                        }
                    }
                };
                Runnable byUnits = () -> {
                    for (int l = 0; l < layers.length; l++) {
                        for (int st = 0; st < c.steps; st++) {
                            ew[l].s = st;
                            cx.forUnits(layers[l].b, layers[l].h, ew[l]);
                        }
                    }
                };
                Runnable alone = () -> {
                    for (int l = 0; l < layers.length; l++) {
                        for (int st = 0; st < c.steps; st++) {
                            ew[l].s = st;
                            ew[l].run(cx.kernels(), 0, layers[l].b, 0, layers[l].h);
                        }
                    }
                };
                for (int q = 0; q < 3; q++) {
                    System.out.printf(Locale.ROOT, "%s elementwise per pass, round %d: one thread %.3f ms, two split by"
                            + " units %.3f ms, two split by rows %.3f ms%n", c.name, q + 1, median(alone),
                            median(byUnits), median(byRows));
                }
                return;
            }
            // rounds: every component once per round, the median over the rounds of each one's median
            double[][] r = new double[rounds][10];
            for (int q = 0; q < rounds; q++) {
                r[q][0] = median(forward);
                r[q][1] = median(fused);
                r[q][2] = median(rec);
                r[q][3] = median(stepEw);
                r[q][4] = proj ? median(projection) : 0;
                r[q][5] = threads > 1 ? median(handoff) : 0;
                r[q][6] = median(pack);
                r[q][7] = threads > 1 ? median(recCounting) : 0;
                r[q][8] = median(ewAlone);
                r[q][9] = median(forward);
            }
            double tF = mid(r, 0), tFused = mid(r, 1), tRec = mid(r, 2), tStepEw = mid(r, 3), tProj = mid(r, 4);
            double tHand = mid(r, 5), tPack = mid(r, 6), tRecCounting = mid(r, 7), tEwAlone = mid(r, 8);
            double tF2 = mid(r, 9);
            StringBuilder each = new StringBuilder();
            for (int q = 0; q < rounds; q++) {
                each.append(String.format(Locale.ROOT, " [%.2f %.2f %.2f %.2f %.2f %.3f %.3f %.2f %.2f]", r[q][0], r[q][9],
                        r[q][1], r[q][2], r[q][3], r[q][5], r[q][6], r[q][8], r[q][4]));
            }
            double total = (tF + tF2) / 2;

            int handoffsPerStep = proj ? 2 : 1;
            double d = tHand * handoffsPerStep;
            double a = tRec - tHand;                       // recurrent product without the hand-off
            double bIn = tFused - tRec;                     // input rows of the fused product
            double cEw = tStepEw - tFused - tProj;          // elementwise work inside the step
            double rest = total - tStepEw - tPack;          // head, state setup, fills, copies
            System.out.printf(Locale.ROOT, "%n%s %s I%d H%d%s L%d B%d T%d, %d thread(s), GFLOP fwd %.3f%n", c.name,
                    c.kind, c.in, c.hidden, proj ? " P" + c.proj : "", c.layers, c.batch, c.steps, threads, c.gflop());
            System.out.printf(Locale.ROOT, "raw ms: forward %.3f / %.3f (start/end), fused steps %.3f, rec-only steps %.3f,"
                    + " steps+elementwise%s %.3f, proj %.3f, empty hand-offs %.3f (x%d per step), pack %.3f%n",
                    tF, tF2, tFused, tRec, proj ? "+proj" : "", tStepEw, tProj, tHand, handoffsPerStep, tPack);
            row("total forward (mean of the medians at start and end of rounds)", total, total);
            row("(a) recurrent product h·W_hh" + (threads > 1 ? " (rec-only steps - hand-offs)" : ""), a, total);
            if (proj) {
                row("(a') LSTMP projection m·W_hr (unpacked, per step)" + (threads > 1 ? ", incl. its hand-off" : ""),
                        tProj - (threads > 1 ? tHand : 0), total);
            }
            row("(b) input projection x·W_ih (fused - rec-only)", bIn, total);
            row("(c) elementwise alone" + (threads > 1 ? " (split by units, minus one hand-off)" : ""),
                    tEwAlone - tHand, total);
            row("    elementwise inside the step (step+ew - fused" + (proj ? " - proj" : "") + ")", cEw, total);
            row("(d) hand-offs (empty, x" + handoffsPerStep + " per step)", d, total);
            row("(e1) packing weights once per pass", tPack, total);
            row("(e2) rest: head, state, fills, copies (total - step+ew - pack)", rest, total);
            System.out.println("rounds [forward, forward again, fused, rec, step+ew, hand-offs, pack, ew alone, proj]:"
                    + each);
            if (threads > 1) {
                long w = onWorker.get(), k = onCaller.get();
                System.out.printf(Locale.ROOT, "rec-only steps with a counting task: %.3f ms; parts run by the worker"
                        + " %d of %d (%.1f%%)%n", tRecCounting, w, w + k, 100.0 * w / (w + k));
            }
            System.out.printf(Locale.ROOT, "product GFLOP/s: fused %.1f (incl. hand-off), rec-only %.1f;"
                            + " rec-only excl. hand-off %.1f; whole forward %.1f%n",
                    (c.gflop() - (proj ? 2.0 * c.batch * c.hidden * c.proj * c.steps / 1e9 : 0)) * 1e3 / tFused,
                    c.recGflop() * 1e3 / tRec, c.recGflop() * 1e3 / a, c.gflop() * 1e3 / total);
        }
    }

    static void row(String what, double ms, double total) {
        System.out.printf(Locale.ROOT, "  %-70s %8.3f ms %6.1f%%%n", what, ms, 100 * ms / total);
    }
}
