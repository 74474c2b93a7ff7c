package org.rnn4j.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.kernel.PackedMatrix;
import org.rnn4j.loss.LossValue;
import org.rnn4j.loss.Losses;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.GradientClipping;
import org.rnn4j.tensor.Tensor;

/**
 * Where one training step of the event-digits Phased LSTM goes (issue 20): a measuring harness, not part of the
 * library. The model is {@code experiment event-digits}' own: an embedding of V = 2312 event addresses (40-d) →
 * Phased LSTM with peepholes (periods 1-100 ms) → last-step head over 10 classes, trained with cross-entropy, clip
 * 10 and Adam. The batch is synthetic event sequences: B sequences of lengths uniform in mean·(1 ± spread), sorted
 * longest first as the Trainer sorts them, random tokens, timestamps sorted uniform in [0, 300) ms.
 *
 * <p>Timed in one process, each the median of {@code --reps} calls after a warm-up, all parts once per round and
 * the median over the rounds: the <b>step</b> as the Trainer runs it, <b>forward</b> alone, forward + loss +
 * backward, and <b>opt</b> (clip + Adam) from the model's public calls; and the products the layer makes, replayed
 * on the same shapes with the same kernels ({@link Compute}): the input projection x·W_ihᵀ over T·B rows, the T
 * packed recurrent products h·W_hhᵀ and dA·W_hh over the running rows, the weight gradients after the scan (over
 * every row, transposed as the layer computes them; the untransposed product beside them), and the embedding's
 * gather and scatter-add. What is left of the forward and the backward is the cells' elementwise work
 * (time gate, LSTM gates, their backward loops). {@code --sample} also samples the stack of the thread running
 * the steps every millisecond and counts the innermost three rnn4j methods (safepoint-biased, a cross-check
 * only); {@code --lines} with the innermost one's line number.
 *
 * <p>With one thread the clock is that thread's CPU time, which a busy machine disturbs less than the wall time
 * (it still shares caches and cores); {@code --wall} for the wall time, which two threads always use.
 *
 * <p>To compare two builds, run each jar in turn a few times with a {@code --label}; every run ends with one
 * {@code RESULT} line to grep:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.rnn4j.bench.PhasedTrainBreakdown
 *     [--full] [--hidden 32] [--events 300] [--batch 32] [--spread 0.5] [--threads 1] [--reps 7] [--rounds 3]
 *     [--sample | --lines] [--wall] [--warmup-time 1] [--label NAME]
 * </pre>
 */
public final class PhasedTrainBreakdown {

    static final int VOCAB = 2312;
    static final int EMBED = 40;
    static final int CLASSES = 10;

    static volatile float sink;
    static int reps = 7;
    static int rounds = 3;
    static double warmSeconds = 1.0;
    static boolean lines;
    /** The timings' clock: this thread's CPU time with one thread (less disturbed by a busy machine), else wall. */
    static java.util.function.LongSupplier clock = System::nanoTime;

    public static void main(String[] args) throws Exception {
        int hidden = 32;
        int events = 300;
        int batch = 32;
        int threads = 1;
        double spread = 0.5;
        boolean sample = false;
        boolean wallClock = false;
        String label = "run";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--full" -> {
                    hidden = 110;
                    events = 1000;
                }
                case "--hidden" -> hidden = Integer.parseInt(args[++i]);
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--spread" -> spread = Double.parseDouble(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup-time" -> warmSeconds = Double.parseDouble(args[++i]);
                case "--sample" -> sample = true;
                case "--lines" -> {
                    sample = true;
                    lines = true;
                }
                case "--label" -> label = args[++i];
                case "--wall" -> wallClock = true;
                default -> {
                    System.err.println("PhasedTrainBreakdown: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        System.out.println("JDK " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, kernels " + Kernels.select().name() + ", load " + load());
        Kernels kernels = Kernels.select();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        boolean cpu = threads == 1 && !wallClock && mx.isCurrentThreadCpuTimeSupported();
        if (cpu) {
            clock = mx::getCurrentThreadCpuTime;
        }
        System.out.println("clock: " + (cpu ? "CPU time of the thread running the steps" : "wall time"));
        try (Compute cx = threads == 1 ? Compute.serial(kernels) : Compute.withThreads(kernels, threads)) {
            run(cx, label, hidden, events, batch, spread, sample);
        }
    }

    static String load() {
        try {
            String s = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
            return s.substring(0, s.indexOf(' ', s.indexOf(' ', s.indexOf(' ') + 1) + 1));
        } catch (Exception e) {
            return "unknown";
        }
    }

    static double median(Runnable r) {
        long end = System.nanoTime() + (long) (warmSeconds * 1e9);
        int w = 0;
        while (w < 3 || System.nanoTime() < end) {
            r.run();
            w++;
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = clock.getAsLong();
            r.run();
            t[i] = (clock.getAsLong() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    static double mid(double[][] r, int col) {
        double[] v = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            v[i] = r[i][col];
        }
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static float[] random(SplittableRandom rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * scale);
        }
        return a;
    }

    static void run(Compute cx, String label, int hidden, int events, int batch, double spread, boolean sample)
            throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        // lengths sorted longest first, as Trainer's batches; padded steps repeat the last time
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = Math.max(1, (int) Math.round(events * (1 - spread + 2 * spread * rnd.nextDouble())));
        }
        Arrays.sort(lengths);
        for (int i = 0; i < batch / 2; i++) {
            int t = lengths[i];
            lengths[i] = lengths[batch - 1 - i];
            lengths[batch - 1 - i] = t;
        }
        int steps = lengths[0];
        Tensor x = Tensor.zeros(batch, steps, 1);
        double[] times = new double[batch * steps];
        int[] classes = new int[batch];
        for (int b = 0; b < batch; b++) {
            double[] ts = new double[lengths[b]];
            for (int s = 0; s < ts.length; s++) {
                ts[s] = 300 * rnd.nextDouble();
            }
            Arrays.sort(ts);
            for (int s = 0; s < steps; s++) {
                times[b * steps + s] = ts[Math.min(s, ts.length - 1)];
                if (s < lengths[b]) {
                    x.data()[b * steps + s] = rnd.nextInt(VOCAB);
                }
            }
            classes[b] = rnd.nextInt(CLASSES);
        }
        Sequences seqs = Sequences.of(lengths, times);
        SequenceModel model = SequenceModel.builder()
                .cell(CellSpec.phasedLstm().withPeepholes(true).withPeriodRange(1, 100)).embedding(VOCAB, EMBED)
                .inputSize(1).hiddenSize(hidden).head(Head.LAST_STEP).outputSize(CLASSES).seed(1).compute(cx).build();
        model.train(new SplittableRandom(3));   // training mode, as the Trainer sets it: leak α, dense steps
        // Adam's learning rate is 0, so that every call times the same parameters (Adam's work is the same)
        Adam still = new Adam(0f);

        Runnable step = () -> {
            model.parameters().zeroGrad();
            LossValue loss = Losses.softmaxCrossEntropy(model.forward(x, seqs, null), classes);
            model.backward(loss.gradient(), false);
            GradientClipping.clipGlobalNorm(model.parameters(), 10.0);
            still.step(model.parameters());
            sink += (float) loss.value();
        };
        Runnable forward = () -> sink += model.forward(x, seqs, null).data()[0];
        Runnable forwardBackward = () -> {
            model.parameters().zeroGrad();
            LossValue loss = Losses.softmaxCrossEntropy(model.forward(x, seqs, null), classes);
            model.backward(loss.gradient(), false);
        };
        Runnable opt = () -> {
            GradientClipping.clipGlobalNorm(model.parameters(), 10.0);
            still.step(model.parameters());
        };

        // the layer's products on the same shapes: G = 4H, I = 40, R = H
        int h = hidden;
        int g = 4 * h;
        int in = EMBED;
        int rowsAll = steps * batch;
        int[] running = new int[steps];
        long runningSum = 0;
        for (int t = 0; t < steps; t++) {
            int r = 1;
            for (int b = batch - 1; b > 0; b--) {
                if (t < lengths[b]) {
                    r = b + 1;
                    break;
                }
            }
            running[t] = r;
            runningSum += r;
        }
        float[] xs = random(rnd, rowsAll * in, 1);
        float[] wih = random(rnd, g * in, 0.1);
        float[] whh = random(rnd, g * h, 0.1);
        float[] hs = random(rnd, rowsAll * h + batch * h, 0.5);
        float[] pre = new float[rowsAll * g];
        float[] dA = random(rnd, rowsAll * g, 0.01);
        float[] dhPrev = new float[batch * h];
        float[] gw = new float[g * (in + h)];
        float[] dx = new float[rowsAll * in];
        PackedMatrix fwdW = PackedMatrix.reuse(null, cx.kernels(), h, g).pack(whh, 0, h, true);
        PackedMatrix bwdW = PackedMatrix.reuse(null, cx.kernels(), g, h).pack(whh, 0, h, false);
        Compute.StepOperands ops = new Compute.StepOperands();
        Compute.StepTask noop = (k, lo, hi, u0, u1) -> { };
        Runnable inputProjection = () -> cx.multTransBAdd(rowsAll, g, in, xs, 0, in, wih, 0, in, pre, 0, g);
        Runnable recurrentForward = () -> {
            for (int t = 0; t < steps; t++) {
                ops.rows(running[t], fwdW, 4).noInput().recurrent(hs, t * batch * h, h, null, 0, pre, t * batch * g, g);
                cx.step(ops, noop, Compute.Split.UNITS);
            }
        };
        Runnable recurrentBackward = () -> {
            for (int t = steps - 1; t >= 0; t--) {
                Arrays.fill(dhPrev, 0f);
                cx.multAddPacked(running[t], dA, t * batch * g, g, bwdW, dhPrev, 0, h);
            }
        };
        // dW_ih (G, I) and dW_hh (G, H) as the layer computes them since issue 20: transposed, (I, G) += xᵀ·dA
        Runnable weightGradients = () -> {
            cx.multTransAAdd(in, g, rowsAll, xs, 0, in, dA, 0, g, gw, 0, g);
            cx.multTransAAdd(h, g, rowsAll, hs, 0, h, dA, 0, g, gw, g * in, g);
        };
        Runnable biasesAndDx = () -> {
            cx.kernels().sumRowsAdd(rowsAll, g, dA, 0, g, gw, 0);
            cx.kernels().sumRowsAdd(rowsAll, g, dA, 0, g, gw, 0);
            cx.multAdd(rowsAll, in, g, dA, 0, g, wih, 0, in, dx, 0, in);
        };
        Runnable weightGradientsUntransposed = () -> {   // as the layer computed them before
            cx.multTransAAdd(g, in, rowsAll, dA, 0, g, xs, 0, in, gw, 0, in);
            cx.multTransAAdd(g, h, rowsAll, dA, 0, g, hs, 0, h, gw, g * in, h);
        };
        Runnable pack = () -> {
            fwdW.pack(whh, 0, h, true);
            bwdW.pack(whh, 0, h, false);
        };
        float[] table = random(rnd, VOCAB * EMBED, 1);
        float[] tableGrad = new float[VOCAB * EMBED];
        int[] tokens = new int[rowsAll];
        for (int i = 0; i < rowsAll; i++) {
            tokens[i] = rnd.nextInt(VOCAB);
        }
        Runnable gather = () -> {
            for (int r = 0; r < rowsAll; r++) {
                System.arraycopy(table, tokens[r] * EMBED, xs, r * in, EMBED);
            }
        };
        Runnable scatter = () -> {
            for (int r = 0; r < rowsAll; r++) {
                int o = tokens[r] * EMBED;
                for (int j = 0; j < EMBED; j++) {
                    tableGrad[o + j] += dx[r * in + j];
                }
            }
        };

        String[] names = {"step", "forward", "fwd+loss+bwd", "opt", "x·W_ihᵀ", "h·W_hhᵀ (T steps)",
                "dA·W_hh (T steps)", "dW_ih + dW_hh", "pack W_hh", "gather", "scatter-add", "dW untransposed",
                "bias sums + dx"};
        Runnable[] parts = {step, forward, forwardBackward, opt, inputProjection, recurrentForward, recurrentBackward,
                weightGradients, pack, gather, scatter, weightGradientsUntransposed, biasesAndDx};
        double[][] r = new double[rounds][parts.length];
        for (int q = 0; q < rounds; q++) {
            for (int i = 0; i < parts.length; i++) {
                r[q][i] = median(parts[i]);
            }
        }
        double[] m = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            m[i] = mid(r, i);
        }
        double tStep = m[0], tFwd = m[1], tBwd = m[2] - m[1], tOpt = m[3];
        double fwdProducts = m[4] + m[5] + m[8] / 2 + m[9];
        double bwdProducts = m[6] + m[7] + m[8] / 2 + m[10] + m[12];
        System.out.printf(Locale.ROOT, "%n%s: Phased LSTM H%d, embedding %d x %d, B%d, T%d (mean running rows %.1f),"
                        + " %d thread(s), load %s%n", label, h, VOCAB, EMBED, batch, steps,
                (double) runningSum / steps, cx.threads(), load());
        row("step (zero, forward, loss, backward, clip, Adam)", tStep, tStep);
        row("forward", tFwd, tStep);
        row("  x·W_ihᵀ over T·B rows", m[4], tStep);
        row("  h·W_hhᵀ, T packed steps over the running rows", m[5], tStep);
        row("  embedding gather + half the packing", m[9] + m[8] / 2, tStep);
        row("  rest: cells' elementwise (time gate, LSTM gates), copies", tFwd - fwdProducts, tStep);
        row("backward (incl. loss)", tBwd, tStep);
        row("  dA·W_hh, T packed steps over the running rows", m[6], tStep);
        row("  dW_ih, dW_hh over T·B rows (transposed, as the layer since issue 20)", m[7], tStep);
        row("  (the same untransposed, dAᵀ·x, as before issue 20)", m[11], tStep);
        row("  bias sums, dx = dA·W_ih over T·B rows", m[12], tStep);
        row("  embedding scatter-add + half the packing", m[10] + m[8] / 2, tStep);
        row("  rest: cells' backward loops (time gate, LSTM), zeroing", tBwd - bwdProducts, tStep);
        row("clip + Adam", tOpt, tStep);
        StringBuilder each = new StringBuilder();
        for (int q = 0; q < rounds; q++) {
            each.append(" [");
            for (int i = 0; i < parts.length; i++) {
                each.append(String.format(Locale.ROOT, i == 0 ? "%.2f" : " %.2f", r[q][i]));
            }
            each.append(']');
        }
        System.out.println("rounds " + String.join(", ", names) + ":" + each);
        System.out.printf(Locale.ROOT, "RESULT %s H%d T%d threads %d load %s: step %.2f ms, forward %.2f,"
                        + " forward elementwise %.2f, backward %.2f, backward loops %.2f, opt %.2f%n", label, h, steps,
                cx.threads(), load(), tStep, tFwd, tFwd - fwdProducts, tBwd, tBwd - bwdProducts, tOpt);
        if (sample) {
            sampleStack(step);
        }
    }

    static void row(String what, double ms, double total) {
        System.out.printf(Locale.ROOT, "  %-62s %8.2f ms %6.1f%%%n", what, ms, 100 * ms / total);
    }

    /**
     * Runs {@code step} for a few seconds while another thread samples this thread's stack every millisecond,
     * and prints the innermost three rnn4j methods of the samples, most frequent first.
     */
    static void sampleStack(Runnable step) throws Exception {
        Thread me = Thread.currentThread();
        Map<String, Integer> counts = new HashMap<>();
        int[] total = new int[1];
        volatileStop = false;
        Thread sampler = new Thread(() -> {
            while (!volatileStop) {
                StringBuilder key = new StringBuilder();
                int depth = 0;
                for (StackTraceElement e : me.getStackTrace()) {
                    String c = e.getClassName();
                    if (c.startsWith("org.rnn4j.") && !c.startsWith("org.rnn4j.bench") && !c.endsWith("Team")
                            && depth < 3) {
                        key.append(depth++ == 0 ? "" : " < ").append(c.substring(c.lastIndexOf('.') + 1))
                                .append('.').append(e.getMethodName());
                        if (lines && depth == 1) {
                            key.append(':').append(e.getLineNumber());
                        }
                    }
                }
                if (depth > 0) {
                    counts.merge(key.toString(), 1, Integer::sum);
                    total[0]++;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException ex) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            step.run();
        }
        volatileStop = true;
        sampler.join();
        System.out.println("stack samples of the step (innermost three rnn4j methods), " + total[0] + " samples:");
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(20).forEach(e ->
                System.out.printf(Locale.ROOT, "  %-110s %5.1f%%%n", e.getKey(), 100.0 * e.getValue() / total[0]));
    }

    static volatile boolean volatileStop;
}
