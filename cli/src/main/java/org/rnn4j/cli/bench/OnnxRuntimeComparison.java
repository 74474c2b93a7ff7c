package org.rnn4j.cli.bench;

import ai.onnxruntime.OrtException;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.ModelStream;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.tensor.Tensor;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code rnn4j bench --onnxruntime}: the configs' inference call and batch-1 streaming, in ONNX Runtime (the same
 * models exported, {@link OnnxRuntimeAnchor}) and in rnn4j, alternated in one process on the same thread count.
 *
 * <p>Per round, each config is timed in both, ONNX Runtime first in odd rounds and rnn4j first in even ones, so that
 * neither always runs in the other's wake; each timing is a median of --iters calls after --warmup calls and
 * --warmup-time seconds, as for the configs. Then the streaming step the same way, over {@value BenchCommand#STREAM_STEPS}
 * steps after as many warm-up steps ({@value BenchCommand#WARM_UP_SECONDS} s of them in the first round). The ratio
 * is ONNX Runtime's median over rnn4j's in the same round; the table gives every round's, so the spread shows.
 */
final class OnnxRuntimeComparison {

    /** How long and how often: the bench's settings. */
    record Settings(int iters, int warmup, double warmupSeconds, int rounds, int threads) {
        long warmupNanos() {
            return (long) (warmupSeconds * 1e9);
        }
    }

    /** One round of one measurement: both medians and their ratio. */
    record Round(BenchTiming onnxRuntime, BenchTiming rnn4j) {
        double ratio() {
            return onnxRuntime.medianNs() / rnn4j.medianNs();
        }
    }

    private OnnxRuntimeComparison() {
    }

    /**
     * Measures, prints the side-by-side tables and returns their JSON.
     *
     * @throws IllegalStateException if ONNX Runtime refuses a model or fails to run it (its message included)
     */
    static Map<String, Object> run(PrintWriter out, Compute compute, List<BenchConfig> configs, Settings s) {
        try {
            return measure(out, compute, configs, s);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on an exported bench model: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> measure(PrintWriter out, Compute compute, List<BenchConfig> configs,
                                               Settings s) throws OrtException {
        String version = OnnxRuntimeAnchor.version();
        out.printf(Locale.ROOT, "ONNX Runtime %s (CPU, %d intra-op %s, 1 inter-op, sequential, all graph optimisations)"
                        + " against rnn4j (%d %s), alternated in %d %s; the same models: rnn4j's exported to ONNX"
                        + " (opset %d, no lengths input)%n", version, s.threads(), s.threads() == 1 ? "thread" : "threads",
                s.threads(), s.threads() == 1 ? "thread" : "threads", s.rounds(), s.rounds() == 1 ? "round" : "rounds",
                OnnxRuntimeAnchor.EXPORT.opset());
        out.printf(Locale.ROOT, "infer = forward + Linear on the last step, median of %d timed calls after at least %d"
                        + " warm-up calls and %s s, in each round%n", s.iters(), s.warmup(),
                BigDecimal.valueOf(s.warmupSeconds()).stripTrailingZeros().toPlainString());

        List<Workloads> loads = new ArrayList<>();
        try {
            for (BenchConfig c : configs) {
                BenchCommand.Workload w = new BenchCommand.Workload(c, compute);
                loads.add(new Workloads(c, w, new OnnxRuntimeAnchor.Inference(w.model, w.x,
                        "random weights: rnn4j bench config " + c.name(), s.threads())));
            }
            Map<BenchConfig, List<Round>> byConfig = new LinkedHashMap<>();
            for (int round = 0; round < s.rounds(); round++) {
                for (Workloads l : loads) {
                    Round r = alternate(round, () -> BenchTiming.measure(l.ort()::run, s.warmup(), s.warmupNanos(),
                            s.iters()), () -> BenchTiming.measure(l.rnn4j()::infer, s.warmup(), s.warmupNanos(),
                            s.iters()));
                    byConfig.computeIfAbsent(l.config(), k -> new ArrayList<>()).add(r);
                    out.printf(Locale.ROOT, "round %d, %s: ONNX Runtime %.2f ms, rnn4j %.2f ms%n", round + 1,
                            l.config().name(), r.onnxRuntime().medianMs(), r.rnn4j().medianMs());
                }
            }
            List<Round> stream = streaming(out, compute, s);

            out.println();
            out.println("ratio = ONNX Runtime ms / rnn4j ms, each round's medians: above 1 rnn4j is faster");
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[]{"cfg", "description", "ONNX Runtime ms", "rnn4j ms", "ratio"});
            byConfig.forEach((c, rs) -> rows.add(new String[]{c.name(), c.description(),
                    join(rs, r -> f2(r.onnxRuntime().medianMs())), join(rs, r -> f2(r.rnn4j().medianMs())),
                    join(rs, r -> f2(r.ratio()))}));
            printColumns(out, rows, 2);
            out.println();
            out.println("batch-1 streaming, one step per call (ONNX Runtime: the one-step graph with the states in and"
                    + " out; rnn4j: ModelStream.step):");
            List<String[]> streamRows = new ArrayList<>();
            streamRows.add(new String[]{"model", "ONNX Runtime us/step", "rnn4j us/step", "ratio"});
            streamRows.add(new String[]{STREAM_DESC, join(stream, r -> f1(r.onnxRuntime().medianNs() / 1e3)),
                    join(stream, r -> f1(r.rnn4j().medianNs() / 1e3)), join(stream, r -> f2(r.ratio()))});
            printColumns(out, streamRows, 1);
            return json(version, s, byConfig, stream);
        } finally {
            for (Workloads l : loads) {
                l.ort().close();
            }
        }
    }

    private record Workloads(BenchConfig config, BenchCommand.Workload rnn4j, OnnxRuntimeAnchor.Inference ort) {
    }

    /** ONNX Runtime's measurement and rnn4j's, ONNX Runtime first in odd rounds (counted from 1). */
    private static Round alternate(int round, java.util.function.Supplier<BenchTiming> ort,
                                   java.util.function.Supplier<BenchTiming> rnn4j) {
        if (round % 2 == 0) {
            BenchTiming o = ort.get();
            return new Round(o, rnn4j.get());
        }
        BenchTiming r = rnn4j.get();
        return new Round(ort.get(), r);
    }

    static final String STREAM_DESC = "LSTM I64 H256 + Linear, B1";

    /** The streaming step in both, alternated in rounds; the first round warms up for seconds (the JIT). */
    private static List<Round> streaming(PrintWriter out, Compute compute, Settings s) throws OrtException {
        BenchConfig c = BenchConfig.lstm(1, 1);
        SequenceModel model = BenchCommand.model(c, compute);
        SplittableRandom rng = new SplittableRandom(BenchCommand.SEED);
        Tensor[] xs = new Tensor[BenchCommand.STREAM_INPUTS];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = BenchCommand.gaussian(rng, 1, c.inputSize());   // (1, I)
        }
        ModelStream stream = model.stream(1);
        int[] next = {0};
        Runnable rnn4jStep = () -> stream.step(xs[next[0]++ % xs.length]);
        List<Round> rounds = new ArrayList<>();
        try (OnnxRuntimeAnchor.Streaming ort = new OnnxRuntimeAnchor.Streaming(model, xs,
                "random weights: rnn4j bench streaming", s.threads())) {
            for (int round = 0; round < s.rounds(); round++) {
                long warm = round == 0 ? (long) (BenchCommand.WARM_UP_SECONDS * 1e9) : 0;
                Round r = alternate(round,
                        () -> BenchTiming.measure(ort::step, BenchCommand.STREAM_STEPS, warm, BenchCommand.STREAM_STEPS),
                        () -> BenchTiming.measure(rnn4jStep, BenchCommand.STREAM_STEPS, warm, BenchCommand.STREAM_STEPS));
                rounds.add(r);
                out.printf(Locale.ROOT, "round %d, streaming: ONNX Runtime %.1f us/step, rnn4j %.1f us/step%n",
                        round + 1, r.onnxRuntime().medianNs() / 1e3, r.rnn4j().medianNs() / 1e3);
            }
        }
        return rounds;
    }

    private static Map<String, Object> json(String version, Settings s, Map<BenchConfig, List<Round>> byConfig,
                                            List<Round> stream) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("onnxruntime", version);
        m.put("intra_op_threads", s.threads());
        m.put("inter_op_threads", 1);
        m.put("rounds", s.rounds());
        m.put("ratio", "ONNX Runtime median ms / rnn4j median ms in the same round; > 1 means rnn4j is faster");
        List<Object> list = new ArrayList<>();
        byConfig.forEach((c, rs) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("config", c.name());
            e.put("desc", c.description());
            e.put("rounds", rs.stream().map(r -> roundJson(r, c.forwardFlops(), c.stepsTimesBatch())).toList());
            list.add(e);
        });
        m.put("rnn", list);
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("desc", STREAM_DESC + ", one step per call");
        BenchConfig one = BenchConfig.lstm(1, 1);
        st.put("rounds", stream.stream().map(r -> roundJson(r, one.forwardFlops(), 1)).toList());
        m.put("streaming", st);
        return m;
    }

    private static Map<String, Object> roundJson(Round r, long flops, long stepsTimesBatch) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("onnxruntime", BenchCommand.timingJson(r.onnxRuntime(), flops, stepsTimesBatch));
        e.put("rnn4j", BenchCommand.timingJson(r.rnn4j(), flops, stepsTimesBatch));
        e.put("ratio", r.ratio());
        return e;
    }

    private static String join(List<Round> rounds, Function<Round, String> f) {
        return rounds.stream().map(f).collect(Collectors.joining(" / "));
    }

    /** The first {@code text} columns (names) left-aligned, the numbers right-aligned, each as wide as its widest cell. */
    private static void printColumns(PrintWriter out, List<String[]> rows, int text) {
        int n = rows.get(0).length;
        int[] width = new int[n];
        for (String[] r : rows) {
            for (int i = 0; i < n; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String cell = i < text ? String.format(Locale.ROOT, "%-" + width[i] + "s", r[i])
                        : String.format(Locale.ROOT, "%" + width[i] + "s", r[i]);
                line.append(i == 0 ? "" : "   ").append(cell);
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
