package org.rnn4j.cli.bench;

import org.rnn4j.Version;
import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.Json;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.loss.LossValue;
import org.rnn4j.loss.Losses;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentStream;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.nn.State;
import org.rnn4j.optim.Adam;
import org.rnn4j.tensor.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code rnn4j bench}: rnn4j's speed on the configs of the PyTorch speed anchors (shared/anchors/RESULTS.md),
 * measured as bench/pytorch/bench_configs.py measures PyTorch (and as the anchors' bench_rnn.py did), so that the
 * two can be set side by side.
 *
 * <p>Per config, on one {@link SequenceModel} with {@link Head#LAST_STEP} and one output (= the RNN plus
 * {@code Linear(out -> 1)} on the last step):
 * <ul>
 *   <li>inference: {@code model.forward(x)};</li>
 *   <li>training step: {@code zeroGrad}, forward, {@link Losses#meanSquaredError} against a fixed random target
 *       (B, 1), backward (full BPTT), {@code Adam(1e-3).step}.</li>
 * </ul>
 * Each is called untimed {@code --warmup} times and for at least a second, then {@code --iters} times timed, one
 * batch per call; the
 * table shows the median (and min, max) of the timed calls. Inputs and targets are standard normal from a fixed
 * seed. GFLOP/s come from {@link BenchConfig}'s FLOP model, the same as RESULTS.md's.
 *
 * <p>Extras: {@code --streaming}, the batch-1 latency of one LSTM step through {@link RecurrentStream#step};
 * {@code --scaling}, config A's LSTM over T ∈ {100, 1000, 10000} and B ∈ {1, 32, 256}; {@code --onnxruntime}, the
 * configs' inference and batch-1 streaming in ONNX Runtime next to rnn4j's, alternated ({@link OnnxRuntimeComparison}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures rnn4j's speed on the PyTorch anchor configs A-E, next to PyTorch's numbers.",
                "Measured as bench/pytorch/bench_configs.py measures PyTorch: inference (forward +"
                        + " Linear(out->1) on the last step) and a training step (zeroGrad, forward, MSE, full BPTT"
                        + " backward, Adam(1e-3) step), median of --iters timed calls after --warmup untimed ones (and at least 1 s of them), one"
                        + " batch per call. With --compare, PyTorch's medians from a bench_configs.py --out file are"
                        + " shown next to rnn4j's.",
                "Configs: A LSTM I64 H256 B32 T100; B GRU, same sizes; C LSTMP I64 H512 P128 B32 T100;"
                        + " D 2-layer LSTM I32 H128 B64 T200; E RNN-tanh I64 H256 B32 T100."},
        footer = {"", "GFLOP/s use RESULTS.md's FLOP model: forward per step per layer 2*B*(I_l+R)*G*H (+ 2*B*H*P for"
                + " LSTMP), G = 4/3/1 for LSTM/GRU/RNN, R = P or H; a training step counts 3x the forward."
                + " k(T*B)/s = thousands of time steps x sequences per second.",
                "Timings on a shared machine are noisy: run this next to PyTorch (bench/pytorch/run_configs.sh) in one"
                        + " sitting, alternating; see docs/performance.md. On Linux the last line says how much of"
                        + " the CPUs' time the host took (steal) and other processes used during the run, with a"
                        + " warning on stderr above 5%%."})
public final class BenchCommand implements Callable<Integer> {

    /** Seed of the weights, the inputs and the targets. */
    static final long SEED = 0;
    /** Timed steps of the streaming latency (and as many untimed ones before them). */
    static final int STREAM_STEPS = 1000;
    /** Distinct random inputs the streaming run cycles through. */
    static final int STREAM_INPUTS = 64;
    /** T·B of config A: the scaling runs' iteration counts are --iters and --warmup scaled by this / (T·B). */
    static final long SCALING_REFERENCE = 32 * 100;
    /** Fewest timed iterations of a scaling point (fewer if --iters is smaller). */
    static final int SCALING_MIN_ITERS = 3;
    /**
     * The scaling sizes as (T, B): T at B = 32 and B at T = 100. Config A's size comes first, so that the JIT has
     * compiled the kernels before the small B = 1 calls are timed; then by work per call.
     */
    static final List<int[]> SCALING_SIZES = List.of(new int[]{100, 32}, new int[]{100, 1}, new int[]{100, 256},
            new int[]{1000, 32}, new int[]{10000, 32});

    /** Steps of one round of the event-driven measurement, and rounds (alternating event-driven and dense). */
    static final int EVENT_STEPS = 3000;
    static final int EVENT_ROUNDS = 5;

    enum KernelChoice { vector, scalar }

    @Option(names = "--configs", paramLabel = "LIST",
            description = "Comma-separated configs to measure, e.g. A,C. Default: A,B,C,D,E (none with only"
                    + " --streaming or --scaling).")
    String configs;

    @Option(names = "--iters", defaultValue = "20", paramLabel = "N",
            description = "Timed calls per measurement. Default: ${DEFAULT-VALUE}.")
    int iters;

    @Option(names = "--warmup", defaultValue = "5", paramLabel = "N",
            description = "Untimed calls before them. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--warmup-time", defaultValue = "1", paramLabel = "SECONDS",
            description = "Warm-up also lasts at least this long (unless --warmup is 0), so that the JIT has compiled"
                    + " the cells' loops before the timed calls. Default: ${DEFAULT-VALUE}.")
    double warmupTime;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads. Default: the number of cores.")
    Integer threads;

    @Option(names = "--kernels", paramLabel = "KIND",
            description = "Kernels: ${COMPLETION-CANDIDATES}. Default: the best available (vector with the"
                    + " jdk.incubator.vector module, as ./rnn4j runs it).")
    KernelChoice kernels;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write every number and the environment (JDK, OS, cores, kernels, threads, date) to FILE.")
    Path json;

    @Option(names = "--compare", paramLabel = "FILE.json",
            description = "PyTorch's results, written by bench/pytorch/run_configs.sh --out (or by the anchors'"
                    + " bench_rnn.py --out): prints PyTorch's median ms next to rnn4j's and the ratio PyTorch ms /"
                    + " rnn4j ms (> 1: rnn4j is faster).")
    Path compare;

    @Option(names = "--streaming",
            description = "Also measure batch-1 streaming latency: LSTM I64 H256, one step per call of"
                    + " Recurrent.stream(1).step(x), median us per step over " + STREAM_STEPS + " steps after 2 s and "
                    + STREAM_STEPS + " more warm-up steps.")
    boolean streaming;

    @Option(names = "--scaling",
            description = "Also measure how config A's LSTM scales with T in {100, 1000, 10000} at B = 32 and with B in"
                    + " {1, 32, 256} at T = 100 (ms and us per T*B). Fewer iterations for the bigger sizes. Takes"
                    + " minutes; T = 10000 training needs a larger heap than the default: JAVA_TOOL_OPTIONS=-Xmx12g.")
    boolean scaling;

    @Option(names = "--event-driven",
            description = "Also measure event-driven inference: a Phased LSTM (I64 H256, r_on 0.05, periods 10-100"
                    + " steps) at batch 1, one step per call, against the dense evaluation of the same model, over "
                    + EVENT_STEPS + " steps, alternated in " + EVENT_ROUNDS + " rounds.")
    boolean eventDriven;

    @Option(names = "--onnxruntime",
            description = "Also run the configs (--configs, default A-E) in ONNX Runtime's Java API, exported from the"
                    + " same models, alternated with rnn4j's inference calls on as many threads, and batch-1 streaming"
                    + " (a one-step graph with the states in and out); prints ONNX Runtime ms / rnn4j ms for each"
                    + " round. Without --compare or --all the rnn4j table with training steps is not run. Needs"
                    + " ONNX Runtime's jar in lib/ beside rnn4j.jar, where the build puts it.")
    boolean onnxruntime;

    @Option(names = "--rounds", defaultValue = "2", paramLabel = "N",
            description = "Alternated rounds of --onnxruntime. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--all", description = "Configs A-E, --streaming, --event-driven and --scaling.")
    boolean all;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One config's measurements. */
    record Measured(BenchConfig config, int params, BenchTiming infer, BenchTiming train) {
    }

    /** One size of the scaling runs; a timing is null, and error says why, when it could not be measured. */
    record ScalingPoint(int steps, int batch, int iters, int warmup, BenchTiming infer, BenchTiming train,
                        String error) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        // everything that can be wrong is checked before the first (possibly long) measurement
        if (iters < 1) {
            throw new IllegalArgumentException("--iters must be at least 1, got " + iters);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be at least 0, got " + warmup);
        }
        if (!(warmupTime >= 0) || warmupTime > 3600) {
            throw new IllegalArgumentException("--warmup-time must be between 0 and 3600 seconds, got " + warmupTime);
        }
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (nThreads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + nThreads);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        List<BenchConfig> selected = selectedConfigs();
        List<BenchConfig> ortConfigs = onnxruntime ? chosenConfigs() : List.of();
        if (onnxruntime) {
            OnnxRuntimeJar.require();          // its Java API is on the class path, or one sentence says where to put it
            OnnxRuntimeAnchor.environment();   // its native library loads, or one sentence says why not
        }
        boolean doStreaming = streaming || all;
        boolean doScaling = scaling || all;
        boolean doEvents = eventDriven || all;
        if (json != null) {
            Path dir = json.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("cannot write --json " + json + ": the directory " + dir
                        + " does not exist");
            }
        }
        PyTorchAnchors anchors = compare == null ? null : PyTorchAnchors.read(compare);
        Kernels k = kernels();

        Optional<Machine.Snapshot> start = Machine.now();
        try (Compute compute = Compute.withThreads(k, nThreads)) {
            Map<String, Object> env = environment(k, nThreads);
            out.printf(Locale.ROOT, "rnn4j %s bench: JDK %s (%s), %s %s, %d cores%s; %s kernels, %d %s%n",
                    Version.VERSION, env.get("jdk"), env.get("jdk_vendor"), env.get("os"), env.get("arch"),
                    (Integer) env.get("cores"), env.containsKey("cpu") ? " of " + env.get("cpu") : "", k.name(),
                    nThreads, nThreads == 1 ? "thread" : "threads");

            Map<String, Object> report = new LinkedHashMap<>();
            report.put("tool", "rnn4j bench");
            report.put("env", env);
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("iters", iters);
            settings.put("warmup", warmup);
            settings.put("warmup_time_s", warmupTime);
            settings.put("seed", SEED);
            report.put("settings", settings);
            if (!selected.isEmpty()) {
                List<Measured> measured = measureConfigs(out, compute, selected);
                report.put("rnn", measured.stream().map(BenchCommand::toJson).toList());
                if (anchors != null) {
                    out.println();
                    report.put("compare", printComparison(out, anchors, measured, nThreads));
                }
            }
            if (onnxruntime) {
                if (!selected.isEmpty()) {
                    out.println();
                }
                report.put("onnxruntime", OnnxRuntimeComparison.run(out, compute, ortConfigs,
                        new OnnxRuntimeComparison.Settings(iters, warmup, warmupTime, rounds, nThreads)));
            }
            if (doStreaming) {
                out.println();
                report.put("streaming", streaming(out, compute));
            }
            if (doEvents) {
                report.put("event_driven", eventDriven(out, k));
            }
            if (doScaling) {
                out.println();
                report.put("scaling", scaling(out, compute, SCALING_SIZES));
            }
            Optional<Machine.Load> load = start.flatMap(a -> Machine.now().flatMap(b -> Machine.between(a, b, 100)));
            if (load.isPresent()) {
                out.println();
                out.println(load.get().describe());
                report.put("machine_load", load.get().toJson());
                if (load.get().noisy()) {
                    spec.commandLine().getErr().println("warning: the times above were measured while the machine"
                            + " was not quiet (see the line above); compare them only with times taken alongside");
                }
            }
            if (json != null) {
                byte[] bytes = (Json.writeIndented(report) + "\n").getBytes(StandardCharsets.UTF_8);
                AtomicFiles.write(json, s -> s.write(bytes));
                out.println();
                out.println("wrote " + json);
            }
        }
        return 0;
    }

    private long warmupNanos() {
        return (long) (warmupTime * 1e9);
    }

    /** Measures the configs, printing a line after each, then the table and the spread of the times. */
    private List<Measured> measureConfigs(PrintWriter out, Compute compute, List<BenchConfig> selected) {
        out.printf(Locale.ROOT, "median of %d timed calls after at least %d warm-up calls and %s s, one batch per call;"
                + " infer = forward + Linear on the last step; train = zeroGrad + forward + MSE + backward"
                + " (full BPTT) + Adam step%n", iters, warmup, BigDecimal.valueOf(warmupTime).stripTrailingZeros().toPlainString());
        List<Measured> measured = new ArrayList<>();
        for (BenchConfig c : selected) {
            Measured m = measure(c, compute, warmup, warmupNanos(), iters);
            measured.add(m);
            out.printf(Locale.ROOT, "%s: infer %.2f ms, train %.2f ms%n", c.name(), m.infer().medianMs(),
                    m.train().medianMs());
        }
        out.println();
        printTable(out, measured);
        out.println();
        printSpread(out, measured);
        return measured;
    }

    /**
     * The configs of the rnn4j table (inference and training): --configs, else all five; none when only extras
     * (--streaming, --scaling, --event-driven) were asked for, nor with --onnxruntime, whose table times rnn4j's
     * inference itself (unless --compare or --all asks for the rnn4j table too).
     */
    List<BenchConfig> selectedConfigs() {
        List<BenchConfig> chosen = chosenConfigs();   // an unknown name is an error whatever runs
        if (onnxruntime && !all && compare == null) {
            return List.of();
        }
        if (configs == null) {
            boolean onlyExtras = (streaming || scaling || eventDriven) && !all && compare == null;
            return onlyExtras ? List.of() : chosen;
        }
        return chosen;
    }

    /** --configs, or all five. */
    List<BenchConfig> chosenConfigs() {
        if (configs == null) {
            return List.copyOf(BenchConfig.ANCHORS.values());
        }
        Set<BenchConfig> chosen = new LinkedHashSet<>();
        for (String part : configs.split(",", -1)) {
            String name = part.strip().toUpperCase(Locale.ROOT);
            BenchConfig c = BenchConfig.ANCHORS.get(name);
            if (c == null) {
                throw new IllegalArgumentException((name.isEmpty() ? "an empty config name in --configs '" + configs + "'"
                        : "unknown config '" + part.strip() + "' in --configs") + "; the configs are "
                        + String.join(", ", BenchConfig.ANCHORS.keySet()));
            }
            chosen.add(c);
        }
        return List.copyOf(chosen);
    }

    private Kernels kernels() {
        if (kernels == null) {
            return Kernels.select();
        }
        if (kernels == KernelChoice.scalar) {
            return Kernels.scalar();
        }
        Kernels best = Kernels.select();
        if (best == Kernels.scalar()) {
            throw new IllegalArgumentException("--kernels vector: the Vector API kernels are not available in this JVM"
                    + " (it needs --add-modules jdk.incubator.vector, which ./rnn4j passes, and the system property"
                    + " rnn4j.kernels must not be 'scalar')");
        }
        return best;
    }

    // ---------------------------------------------------------------------------------------------------------
    // measurements

    static SequenceModel model(BenchConfig c, Compute compute) {
        return SequenceModel.builder().cell(c.cellSpec()).inputSize(c.inputSize()).hiddenSize(c.hiddenSize())
                .numLayers(c.layers()).head(Head.LAST_STEP).outputSize(1).seed(SEED).compute(compute).build();
    }

    /** What one config's calls run on, as in bench_configs.py: a model, a fixed input and target, an optimizer. */
    static final class Workload {
        final SequenceModel model;
        final Tensor x;        // (B, T, I)
        final Tensor target;   // (B, 1)
        final Adam adam = new Adam(1e-3f);

        Workload(BenchConfig c, Compute compute) {
            model = model(c, compute);
            model.eval();
            SplittableRandom rng = new SplittableRandom(SEED);
            x = gaussian(rng, c.batch(), c.steps(), c.inputSize());
            target = gaussian(rng, c.batch(), 1);
        }

        /** bench_configs.py's infer: the forward pass, head included. */
        void infer() {
            model.forward(x);
        }

        /** bench_configs.py's train_step: zero the gradients, forward, MSE, backward, Adam step; returns the loss. */
        double trainStep() {
            model.parameters().zeroGrad();
            Tensor y = model.forward(x);   // (B, 1)
            LossValue loss = Losses.meanSquaredError(y, target);
            model.backward(loss.gradient(), false);
            adam.step(model.parameters());
            return loss.value();
        }
    }

    /** Inference, then training steps, on one model, as bench_configs.py does. */
    static Measured measure(BenchConfig c, Compute compute, int warmup, long minWarmupNanos, int iters) {
        Workload w = new Workload(c, compute);
        BenchTiming infer = BenchTiming.measure(w::infer, warmup, minWarmupNanos, iters);
        BenchTiming train = BenchTiming.measure(w::trainStep, warmup, minWarmupNanos, iters);
        return new Measured(c, w.model.parameters().size(), infer, train);
    }

    static Tensor gaussian(SplittableRandom rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return t;
    }

    /** Batch-1 latency of one LSTM step (I = 64, H = 256) through a stream. */
    private static Map<String, Object> streaming(PrintWriter out, Compute compute) {
        BenchConfig c = BenchConfig.lstm(1, 1);
        SequenceModel model = model(c, compute);
        RecurrentStream stream = model.recurrent().stream(1);
        SplittableRandom rng = new SplittableRandom(SEED);
        Tensor[] xs = new Tensor[STREAM_INPUTS];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = gaussian(rng, 1, c.inputSize());   // (1, I)
        }
        int[] next = {0};
        // a step takes tens of microseconds: the JIT needs seconds of them, not a thousand, to compile the kernels
        warmUp(() -> stream.step(xs[next[0]++ % xs.length]));
        BenchTiming t = BenchTiming.measure(() -> stream.step(xs[next[0]++ % xs.length]), STREAM_STEPS, 0,
                STREAM_STEPS);
        long flops = c.forwardFlops();   // one step of one sequence
        double medianUs = t.medianNs() / 1e3;
        out.printf(Locale.ROOT, "streaming, batch 1: %s, one step per call of Recurrent.stream(1).step(x)%n",
                "LSTM I64 H256");
        out.printf(Locale.ROOT, "  median %.1f us/step (min %.1f, max %.1f) over %d timed steps after 2 s and %d warm-up;"
                        + " %.1f k steps/s, %.2f GFLOP/s%n", medianUs, t.minNs() / 1e3, t.maxNs() / 1e3, t.iters(),
                t.warmup(), 1e6 / t.medianNs(), t.gflops(flops));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("desc", "LSTM I64 H256, batch 1, Recurrent.stream(1).step(x)");
        m.put("steps", t.iters());
        m.put("warmup_steps", t.warmup());
        m.put("median_us", medianUs);
        m.put("min_us", t.minNs() / 1e3);
        m.put("max_us", t.maxNs() / 1e3);
        m.put("steps_per_s", 1e9 / t.medianNs());
        m.put("gflops", t.gflops(flops));
        return m;
    }

    /**
     * Event-driven inference against dense evaluation, one thread each: a Phased LSTM stream at inference (closed
     * units skipped) and the same model in training mode with leak 0, which computes every unit and gives the
     * same outputs, each fed the same steps one per call with the state carried over.
     */
    static Map<String, Object> eventDriven(PrintWriter out, Kernels kernels) {
        int in = 64;
        int hidden = 256;
        Compute serial = Compute.serial(kernels);
        SequenceModel model = SequenceModel.builder()
                .cell(org.rnn4j.nn.CellSpec.phasedLstm().withPeriodRange(10, 100).withRatioOn(0.05f).withLeak(0f))
                .inputSize(in).hiddenSize(hidden).head(Head.LAST_STEP).outputSize(1).seed(SEED).compute(serial).build();
        Recurrent rnn = model.recurrent();
        SplittableRandom rng = new SplittableRandom(SEED);
        Tensor[] xs = new Tensor[STREAM_INPUTS];
        Tensor[] windows = new Tensor[STREAM_INPUTS];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = gaussian(rng, 1, in);
            windows[i] = Tensor.of(xs[i].data(), 1, 1, in);
        }
        RecurrentStream stream = rnn.stream(1);
        Tensor out1 = Tensor.zeros(1, hidden);   // the stream writes here: a step allocates nothing
        int[] next = {0};
        warmUp(() -> stream.step(xs[next[0]++ % xs.length], null, out1));
        rnn.train(new SplittableRandom(1));
        warmUp(() -> rnn.forward(windows[next[0]++ % windows.length], Sequences.ALL.window(0), null));
        rnn.eval();
        long[] eventNs = new long[EVENT_ROUNDS];   // per step, one entry per round
        long[] denseNs = new long[EVENT_ROUNDS];
        long updates = 0;
        long dense = 0;
        for (int round = 0; round < EVENT_ROUNDS; round++) {
            stream.reset();
            long t0 = System.nanoTime();
            for (int s = 0; s < EVENT_STEPS; s++) {
                stream.step(xs[s % xs.length], null, out1);
                if (round == EVENT_ROUNDS - 1) {
                    updates += rnn.unitUpdates();
                    dense += rnn.denseUnitUpdates();
                }
            }
            eventNs[round] = (System.nanoTime() - t0) / EVENT_STEPS;

            rnn.train(new SplittableRandom(1));   // leak 0: the dense path computes the same outputs
            Tensor h = null;
            Tensor c = null;
            t0 = System.nanoTime();
            for (int s = 0; s < EVENT_STEPS; s++) {
                Recurrent.Output o = rnn.forward(windows[s % windows.length], Sequences.ALL.window(s), new State(h, c));
                h = o.hN();
                c = o.cN();
            }
            denseNs[round] = (System.nanoTime() - t0) / EVENT_STEPS;
            rnn.eval();
        }
        double ev = BenchTiming.of(eventNs, 0).medianNs() / 1e3;
        double de = BenchTiming.of(denseNs, 0).medianNs() / 1e3;
        double fraction = (double) updates / dense;
        out.printf(Locale.ROOT, "event-driven inference, batch 1: Phased LSTM I64 H256, r_on 0.05, periods 10-100 steps,"
                + " 1 thread, %s kernels; event-driven: Stream.step(x, times, out), dense: a forward over a one-step window"
                + " in training mode with leak 0%n", kernels.name());
        out.printf(Locale.ROOT, "  event-driven %.2f us/step, dense %.2f us/step (medians of %d alternated rounds of %d"
                + " steps): %.1fx faster, at %.1f%% of the dense unit updates%n", ev, de, EVENT_ROUNDS, EVENT_STEPS,
                de / ev, 100 * fraction);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("desc", "Phased LSTM I64 H256 r_on 0.05, batch 1, one step per call, 1 thread");
        m.put("event_driven_us", ev);
        m.put("dense_us", de);
        m.put("speedup", de / ev);
        m.put("unit_update_fraction", fraction);
        m.put("rounds", EVENT_ROUNDS);
        m.put("steps_per_round", EVENT_STEPS);
        return m;
    }

    /** Seconds of untimed calls before a latency is measured. */
    static final double WARM_UP_SECONDS = 2.0;

    /** Calls {@code step} for {@link #WARM_UP_SECONDS}, so that the JIT has compiled what it runs. */
    private static void warmUp(Runnable step) {
        long end = System.nanoTime() + (long) (WARM_UP_SECONDS * 1e9);
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++) {
                step.run();
            }
        }
    }

    /** Iterations of a scaling point: {@code base} scaled by config A's T·B over this T·B, within [floor, base]. */
    static int scaledCount(int base, long stepsTimesBatch, int floor) {
        long scaled = Math.round(base * (double) SCALING_REFERENCE / stepsTimesBatch);
        return (int) Math.min(base, Math.max(Math.min(floor, base), scaled));
    }

    /** Measures config A's LSTM at each (T, B) of sizes; prints the points with B = 32, then those with T = 100. */
    Map<String, Object> scaling(PrintWriter out, Compute compute, List<int[]> sizes) {
        out.printf(Locale.ROOT, "scaling: config A's LSTM (I64 H256) with other T and B. Iterations adapt to the size:"
                        + " --iters and --warmup times %d/(T*B), at least %d timed and 1 warm-up, at most --iters and"
                        + " --warmup.%n", SCALING_REFERENCE, SCALING_MIN_ITERS);
        long maxHeap = Runtime.getRuntime().maxMemory();
        if (sizes.stream().anyMatch(s -> (long) s[0] * s[1] >= 320_000) && maxHeap < (8L << 30)) {
            // its float buffers (gates, their gradients, states, outputs) come to about 5 GB, and ParallelGC gives
            // large arrays only part of the heap: it ran out at 5.3 GB of max heap and ran at 12 GB
            out.printf(Locale.ROOT, "note: the T=10000 training step keeps about 5 GB of arrays and will probably run"
                    + " out of this JVM's %d MB of heap; JAVA_TOOL_OPTIONS=-Xmx12g ./rnn4j bench --scaling gives it"
                    + " room.%n", maxHeap >> 20);
        }
        List<ScalingPoint> points = new ArrayList<>();
        for (int[] size : sizes) {
            int t = size[0];
            int b = size[1];
            BenchConfig c = BenchConfig.lstm(b, t);
            int n = scaledCount(iters, c.stepsTimesBatch(), SCALING_MIN_ITERS);
            int w = scaledCount(warmup, c.stepsTimesBatch(), 1);
            BenchTiming infer = null;
            BenchTiming train = null;
            String error = null;
            try {
                Workload work = new Workload(c, compute);
                infer = BenchTiming.measure(work::infer, w, warmupNanos(), n);
                train = BenchTiming.measure(work::trainStep, w, warmupNanos(), n);
            } catch (OutOfMemoryError e) {
                error = "out of memory (max heap " + (maxHeap >> 20) + " MB); give the JVM more, e.g."
                        + " JAVA_TOOL_OPTIONS=-Xmx12g";
            }
            ScalingPoint p = new ScalingPoint(t, b, n, w, infer, train, error);
            out.printf(Locale.ROOT, "T=%d B=%d: infer %s, train %s (%d timed, %d warm-up)%n", t, b, msOr(infer, error),
                    msOr(train, error), n, w);
            points.add(p);
        }
        out.println();
        out.println("with T at B = 32:");
        printScaling(out, points.stream().filter(p -> p.batch() == 32).toList());
        out.println("with B at T = 100:");
        printScaling(out, points.stream().filter(p -> p.steps() == 100).toList());

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("desc", "LSTM I64 H256 (config A) at other T and B");
        m.put("iterations", "adaptive: iters and warmup times " + SCALING_REFERENCE + "/(T*B), at least "
                + SCALING_MIN_ITERS + " timed and 1 warm-up, at most --iters and --warmup");
        List<Object> list = new ArrayList<>();
        for (ScalingPoint p : points) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("T", p.steps());
            e.put("B", p.batch());
            e.put("iters", p.iters());
            e.put("warmup", p.warmup());
            BenchConfig c = BenchConfig.lstm(p.batch(), p.steps());
            e.put("fwd_gflop", c.forwardFlops() / 1e9);
            e.put("infer", p.infer() == null ? null : timingJson(p.infer(), c.forwardFlops(), c.stepsTimesBatch()));
            e.put("train", p.train() == null ? null : timingJson(p.train(), c.trainFlops(), c.stepsTimesBatch()));
            if (p.error() != null) {
                e.put("error", p.error());
            }
            list.add(e);
        }
        m.put("points", list);
        return m;
    }

    // ---------------------------------------------------------------------------------------------------------
    // output

    private static final String TABLE = "%-4s %-31s %10s %10s %14s %15s %10s %14s %15s%n";

    private static void printTable(PrintWriter out, List<Measured> rows) {
        out.printf(Locale.ROOT, TABLE, "cfg", "description", "GFLOP fwd", "infer ms", "infer GFLOP/s",
                "infer k(T*B)/s", "train ms", "train GFLOP/s", "train k(T*B)/s");
        for (Measured m : rows) {
            BenchConfig c = m.config();
            long tb = c.stepsTimesBatch();
            out.printf(Locale.ROOT, TABLE, c.name(), c.description(), f3(c.forwardFlops() / 1e9),
                    f2(m.infer().medianMs()), f1(m.infer().gflops(c.forwardFlops())),
                    f1(m.infer().kStepsPerSecond(tb)), f2(m.train().medianMs()),
                    f1(m.train().gflops(c.trainFlops())), f1(m.train().kStepsPerSecond(tb)));
        }
    }

    private static final String SPREAD = "%-4s %10s %10s %10s %10s %10s %10s%n";

    private static void printSpread(PrintWriter out, List<Measured> rows) {
        out.println("ms of the fastest, median and slowest timed call:");
        out.printf(Locale.ROOT, SPREAD, "cfg", "infer min", "median", "max", "train min", "median", "max");
        for (Measured m : rows) {
            out.printf(Locale.ROOT, SPREAD, m.config().name(), f2(m.infer().minMs()), f2(m.infer().medianMs()),
                    f2(m.infer().maxMs()), f2(m.train().minMs()), f2(m.train().medianMs()), f2(m.train().maxMs()));
        }
    }

    private static final String COMPARE = "%-4s %17s %15s %12s %17s %15s %12s%n";

    private static Map<String, Object> printComparison(PrintWriter out, PyTorchAnchors anchors, List<Measured> rows,
                                                       int nThreads) {
        int ptIters = anchors.results().values().iterator().next().iters();
        out.println("compared with PyTorch from " + anchors.file() + " (" + anchors.about()
                + (ptIters > 0 ? "; median of " + ptIters + " timed calls" : "") + ")");
        out.println("ratio = PyTorch ms / rnn4j ms: above 1 rnn4j is faster");
        out.printf(Locale.ROOT, COMPARE, "cfg", "infer PyTorch ms", "infer rnn4j ms", "infer ratio",
                "train PyTorch ms", "train rnn4j ms", "train ratio");
        List<Object> list = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Measured m : rows) {
            String name = m.config().name();
            PyTorchAnchors.Result pt = anchors.results().get(name);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("config", name);
            if (pt == null) {
                missing.add(name);
                out.printf(Locale.ROOT, COMPARE, name, "-", f2(m.infer().medianMs()), "-", "-",
                        f2(m.train().medianMs()), "-");
                e.put("infer", null);
                e.put("train", null);
            } else {
                double ri = pt.inferMs() / m.infer().medianMs();
                double rt = pt.trainMs() / m.train().medianMs();
                out.printf(Locale.ROOT, COMPARE, name, f2(pt.inferMs()), f2(m.infer().medianMs()), f2(ri),
                        f2(pt.trainMs()), f2(m.train().medianMs()), f2(rt));
                e.put("infer", ratioJson(pt.inferMs(), m.infer().medianMs(), ri));
                e.put("train", ratioJson(pt.trainMs(), m.train().medianMs(), rt));
            }
            list.add(e);
        }
        if (!missing.isEmpty()) {
            out.println("not in " + anchors.file() + ": " + String.join(", ", missing));
        }
        if (anchors.threads() > 0 && anchors.threads() != nThreads) {
            out.println("note: PyTorch ran on " + anchors.threads() + " threads and rnn4j on " + nThreads
                    + "; the ratios compare unequal setups");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", anchors.file().toString());
        m.put("pytorch", anchors.about());
        m.put("ratio", "PyTorch median ms / rnn4j median ms; > 1 means rnn4j is faster");
        m.put("rows", list);
        return m;
    }

    private static final String SCALE = "%7s %5s %8s %6s %10s %15s %10s %15s%n";

    private static void printScaling(PrintWriter out, List<ScalingPoint> points) {
        out.printf(Locale.ROOT, SCALE, "T", "B", "T*B", "iters", "infer ms", "infer us/(T*B)", "train ms",
                "train us/(T*B)");
        for (ScalingPoint p : points) {
            long tb = (long) p.steps() * p.batch();
            out.printf(Locale.ROOT, SCALE, p.steps(), p.batch(), tb, p.iters(),
                    p.infer() == null ? "-" : f2(p.infer().medianMs()),
                    p.infer() == null ? "-" : f3(p.infer().medianNs() / 1e3 / tb),
                    p.train() == null ? "-" : f2(p.train().medianMs()),
                    p.train() == null ? "-" : f3(p.train().medianNs() / 1e3 / tb));
        }
        points.stream().filter(p -> p.error() != null).forEach(p ->
                out.printf(Locale.ROOT, "T=%d B=%d: %s%n", p.steps(), p.batch(), p.error()));
    }

    /** "12.34 ms", or "not measured" / "out of memory" when there is no timing. */
    private static String msOr(BenchTiming t, String error) {
        if (t != null) {
            return f2(t.medianMs()) + " ms";
        }
        return error != null && error.startsWith("out of memory") ? "out of memory" : "not measured";
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    // ---------------------------------------------------------------------------------------------------------
    // JSON: the keys of bench_configs.py's (and bench_rnn.py's) output where they mean the same, so that the same
    // tools read both

    private static Map<String, Object> toJson(Measured m) {
        BenchConfig c = m.config();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("config", c.name());
        e.put("desc", c.description());
        e.put("cell", c.cell().name());
        e.put("I", c.inputSize());
        e.put("H", c.hiddenSize());
        e.put("P", c.projSize());
        e.put("L", c.layers());
        e.put("B", c.batch());
        e.put("T", c.steps());
        e.put("fwd_gflop", c.forwardFlops() / 1e9);
        e.put("infer", timingJson(m.infer(), c.forwardFlops(), c.stepsTimesBatch()));
        e.put("train", timingJson(m.train(), c.trainFlops(), c.stepsTimesBatch()));
        e.put("n_params", m.params());
        return e;
    }

    static Map<String, Object> timingJson(BenchTiming t, long flops, long stepsTimesBatch) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("median_ms", t.medianMs());
        e.put("min_ms", t.minMs());
        e.put("max_ms", t.maxMs());
        e.put("iters", t.iters());
        e.put("warmup", t.warmup());
        e.put("samples_per_s", stepsTimesBatch / t.medianNs() * 1e9);
        e.put("gflops", t.gflops(flops));
        e.put("us_per_tb", t.medianNs() / 1e3 / stepsTimesBatch);
        return e;
    }

    private static Map<String, Object> ratioJson(double pytorchMs, double rnn4jMs, double ratio) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("pytorch_ms", pytorchMs);
        e.put("rnn4j_ms", rnn4jMs);
        e.put("ratio", ratio);
        return e;
    }

    private static Map<String, Object> environment(Kernels k, int nThreads) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("rnn4j", Version.VERSION);
        env.put("jdk", System.getProperty("java.version"));
        env.put("jdk_vendor", System.getProperty("java.vendor"));
        env.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        env.put("arch", System.getProperty("os.arch"));
        env.put("cores", Runtime.getRuntime().availableProcessors());
        Machine.cpu().ifPresent(cpu -> env.put("cpu", cpu));
        env.put("kernels", k.name());
        env.put("threads", nThreads);
        env.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1 << 20));
        env.put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList());
        env.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
        env.put("date", OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return env;
    }
}
