package org.rnn4j.nn;

import org.rnn4j.kernel.Compute;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.Parameters;
import org.rnn4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A model of several input streams, each with its own clock (the Phased LSTM paper's audio-visual fusion, §4.4):
 * every stream k has a recurrent network reading its own input (B, T_k, F_k) at its own timestamps, and a merge
 * network steps at the union of all streams' event times, reading at each event the latest output of every stream
 * (zeros before a stream's first event), so no stream is resampled. A linear head reads the merge network's final
 * state.
 * <pre>
 * o^k_j = Stream_k(x^k_1 … x^k_j)                          at times τ^k_j
 * events  e_1 ≤ e_2 ≤ … : all (k, j) of a sequence, by time (ties by stream, then step)
 * m_i = Merge([o^1_{last(1, e_i)}, …, o^K_{last(K, e_i)}]),  at time e_i
 * y = W m_last + b
 * </pre>
 * Parameters are named like PyTorch submodules: {@code stream0.weight_ih_l0}, …, {@code merge.…}, {@code head.…}.
 * Not thread-safe; backward refers to the latest forward.
 */
public final class MultiStreamModel {

    /** One stream's network. */
    public record Stream(CellSpec cell, int inputSize, int hiddenSize, int numLayers) {
    }

    /**
     * One stream's batch: x (B, T_k, F_k), lengths (null: all T_k steps; a sequence may have 0 events of a stream
     * but not of all) and times (B·T_k, batch-first, non-decreasing within a sequence; required).
     */
    public record Input(Tensor x, int[] lengths, double[] times) {
    }

    private final List<Recurrent> streams = new ArrayList<>();
    private final Recurrent merge;
    private final Linear head;
    private final Parameters params;
    private final Compute cx;

    // the latest forward
    private int batch;
    private int mergedSteps;
    private int[] mergedLengths;
    private int[][] eventStream;   // per sequence: the stream of each merged step
    private int[][] eventStep;     // per sequence: that stream's step index
    private int[] streamSteps;     // T_k
    private float[] top;           // (B, R_merge) the merge network's final top states
    private boolean forwardDone;

    /**
     * Everything that defines a multi-stream model's architecture: what its model file stores besides the parameter
     * values ({@link org.rnn4j.io.MultiStreamModelFile}).
     *
     * @param streams    each stream's network, in order
     * @param merge      the merge network; its input size is the sum of the streams' output sizes
     * @param outputSize the head's outputs
     */
    public record Config(List<RecurrentConfig> streams, RecurrentConfig merge, int outputSize) {
        public Config {
            if (streams == null || streams.isEmpty() || merge == null || outputSize < 1) {
                throw new IllegalArgumentException("a multi-stream model needs at least one stream, a merge network"
                        + " and outputs ≥ 1");
            }
            streams = List.copyOf(streams);
            int width = 0;
            for (int k = 0; k < streams.size(); k++) {
                RecurrentConfig c = streams.get(k);
                if (c.bidirectional()) {
                    throw new IllegalArgumentException("stream " + k + " is bidirectional; a stream's network must"
                            + " run forwards so that its outputs are known as its events arrive");
                }
                width += c.outputSize();
            }
            if (merge.bidirectional()) {
                throw new IllegalArgumentException("the merge network must not be bidirectional");
            }
            if (merge.inputSize() != width) {
                throw new IllegalArgumentException("the merge network reads " + merge.inputSize() + " features, but"
                        + " the streams' outputs are " + width + " wide together");
            }
        }
    }

    private final Config config;

    private MultiStreamModel(Config config, long seed, Compute cx) {
        this.config = config;
        this.cx = cx;
        ParamLayout.Builder layout = ParamLayout.builder();
        for (int k = 0; k < config.streams().size(); k++) {
            streams.add(new Recurrent(config.streams().get(k), layout.prefixed("stream" + k + "."), cx,
                    ScheduleOptions.DEFAULT));
        }
        this.merge = new Recurrent(config.merge(), layout.prefixed("merge."), cx, ScheduleOptions.DEFAULT);
        this.head = new Linear(config.merge().outputSize(), config.outputSize(), layout, "head.");
        this.params = new Parameters(layout.build());
        RandomGenerator rng = new SplittableRandom(seed);
        for (Recurrent r : streams) {
            r.bind(params);
            r.initialize(Init.PYTORCH, rng);
        }
        merge.bind(params);
        merge.initialize(Init.PYTORCH, rng);
        head.initialize(params.values(), rng);
    }

    /** A model of this architecture, initialised from {@code seed}, on {@code compute} (null for one thread). */
    public static MultiStreamModel create(Config config, long seed, Compute compute) {
        return new MultiStreamModel(config, seed, compute == null ? Compute.serial() : compute);
    }

    /** The parameter layout of a model of this architecture (what its model file's manifest lists). */
    public static ParamLayout layout(Config config) {
        return create(config, 0, null).parameters().layout();
    }

    /** The architecture. */
    public Config config() {
        return config;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Parameters parameters() {
        return params;
    }

    public int streamCount() {
        return streams.size();
    }

    public void train(RandomGenerator rng) {
        streams.forEach(s -> s.train(rng));
        merge.train(rng);
    }

    public void eval() {
        streams.forEach(Recurrent::eval);
        merge.eval();
    }

    /** Forward over one batch of every stream: the predictions (B, outputs). */
    public Tensor forward(List<Input> inputs) {
        forwardDone = false;
        if (inputs == null || inputs.size() != streams.size()) {
            throw new IllegalArgumentException("expected " + streams.size() + " streams' inputs, got "
                    + (inputs == null ? "none" : inputs.size()));
        }
        int b = -1;
        Tensor[] outs = new Tensor[streams.size()];
        streamSteps = new int[streams.size()];
        for (int k = 0; k < streams.size(); k++) {
            Input in = inputs.get(k);
            if (in == null || in.x() == null || in.x().rank() != 3) {
                throw new IllegalArgumentException("stream " + k + ": x must have shape (B, T, "
                        + streams.get(k).config().inputSize() + ")");
            }
            if (b >= 0 && in.x().dim(0) != b) {
                throw new IllegalArgumentException("stream " + k + " has batch " + in.x().dim(0) + ", stream 0 has " + b);
            }
            b = in.x().dim(0);
            if (in.times() == null) {
                throw new IllegalArgumentException("stream " + k + " has no timestamps; merging streams needs them");
            }
            streamSteps[k] = in.x().dim(1);
            int[] lengths = in.lengths();
            if (lengths != null) {
                for (int len : lengths) {
                    if (len < 0) {
                        throw new IllegalArgumentException("stream " + k + " has a negative length " + len);
                    }
                }
            }
            checkTimes(k, in, b, streamSteps[k]);
            // a window of the whole sequences: a stream may have no event in a sequence (length 0)
            outs[k] = streams.get(k).forward(in.x(), new Sequences(lengths, in.times(), 0, true), null).output();
        }
        batch = b;
        mergeEvents(inputs, b);
        Tensor mergedInput = gather(outs, b);
        double[] times = mergedTimes(inputs, b);
        Recurrent.Output out = merge.forwardStatesOnly(mergedInput, Sequences.of(mergedLengths, times), null);
        top = topState(out.hN(), b);
        Tensor y = Tensor.zeros(b, head.out);
        head.forward(cx, params.values(), top, b, y.data());
        forwardDone = true;
        return y;
    }

    /** Stream k's times: B·T_k of them, finite, never going backwards within a sequence's valid steps. */
    private static void checkTimes(int k, Input in, int b, int t) {
        double[] times = in.times();
        if (times.length != (long) b * t) {
            throw new IllegalArgumentException("stream " + k + " has " + times.length + " timestamps for x of shape "
                    + Tensor.shapeString(in.x().shape()) + "; expected B·T = " + (long) b * t);
        }
        for (int s = 0; s < b; s++) {
            int len = in.lengths() == null ? t : Math.min(t, in.lengths()[s]);
            for (int j = 0; j < len; j++) {
                double now = times[s * t + j];
                if (!Double.isFinite(now)) {
                    throw new IllegalArgumentException("stream " + k + ": sequence " + s + " has a timestamp " + now
                            + " at step " + j);
                }
                if (j > 0 && now < times[s * t + j - 1]) {
                    throw new IllegalArgumentException("stream " + k + ": times go backwards in sequence " + s
                            + " at step " + j + " (" + now + " after " + times[s * t + j - 1] + ")");
                }
            }
        }
    }

    /**
     * Unit updates performed by the latest forward pass, over every stream's network and the merge network (see
     * {@link Recurrent#unitUpdates()}: an event-driven Phased LSTM after {@link #eval()} counts only its open units).
     */
    public long unitUpdates() {
        long n = merge.unitUpdates();
        for (Recurrent r : streams) {
            n += r.unitUpdates();
        }
        return n;
    }

    /** The unit updates dense networks of these shapes perform on the latest forward pass's valid steps. */
    public long denseUnitUpdates() {
        long n = merge.denseUnitUpdates();
        for (Recurrent r : streams) {
            n += r.denseUnitUpdates();
        }
        return n;
    }

    /** Backward from the gradient of the predictions (B, outputs); accumulates every parameter's gradient. */
    public void backward(Tensor dPrediction) {
        if (!forwardDone) {
            throw new IllegalStateException("backward called before forward");
        }
        Inputs.checkShape("dPrediction", dPrediction, batch, head.out);
        RecurrentConfig mc = merge.config();
        int r = mc.outputSize();
        float[] dTop = new float[batch * r];
        head.backward(cx, params.values(), params.grads(), top, dPrediction.data(), batch, dTop);
        Tensor dhN = Tensor.zeros(mc.numLayers(), batch, r);
        System.arraycopy(dTop, 0, dhN.data(), (mc.numLayers() - 1) * batch * r, batch * r);
        Tensor dMerged = merge.backward(null, dhN, null).dx();   // (B, M, Σ R_k)
        int width = mc.inputSize();
        int col = 0;
        for (int k = 0; k < streams.size(); k++) {
            int rk = streams.get(k).config().outputSize();
            int t = streamSteps[k];
            Tensor dOut = Tensor.zeros(batch, t, rk);
            for (int s = 0; s < batch; s++) {
                int[] last = lastSteps(s, k);
                for (int m = 0; m < mergedLengths[s]; m++) {
                    if (last[m] >= 0) {
                        for (int j = 0; j < rk; j++) {
                            dOut.data()[(s * t + last[m]) * rk + j] += dMerged.data()[(s * mergedSteps + m) * width
                                    + col + j];
                        }
                    }
                }
            }
            streams.get(k).backward(dOut, null, null);
            col += rk;
        }
    }

    /** Orders each sequence's events of all streams by time (ties: by stream, then step). */
    private void mergeEvents(List<Input> inputs, int b) {
        mergedLengths = new int[b];
        eventStream = new int[b][];
        eventStep = new int[b][];
        int longest = 0;
        for (int s = 0; s < b; s++) {
            List<int[]> events = new ArrayList<>();
            for (int k = 0; k < inputs.size(); k++) {
                int t = streamSteps[k];
                int len = inputs.get(k).lengths() == null ? t : inputs.get(k).lengths()[s];
                for (int j = 0; j < len; j++) {
                    events.add(new int[] {k, j});
                }
            }
            if (events.isEmpty()) {
                throw new IllegalArgumentException("sequence " + s + " has no event in any stream");
            }
            int seq = s;
            events.sort((p, q) -> {
                int c = Double.compare(inputs.get(p[0]).times()[seq * streamSteps[p[0]] + p[1]],
                        inputs.get(q[0]).times()[seq * streamSteps[q[0]] + q[1]]);
                return c != 0 ? c : p[0] != q[0] ? Integer.compare(p[0], q[0]) : Integer.compare(p[1], q[1]);
            });
            eventStream[s] = events.stream().mapToInt(e -> e[0]).toArray();
            eventStep[s] = events.stream().mapToInt(e -> e[1]).toArray();
            mergedLengths[s] = events.size();
            longest = Math.max(longest, events.size());
        }
        mergedSteps = longest;
    }

    /** For sequence s: at each merged step, the latest step of stream k so far, or −1 before its first. */
    private int[] lastSteps(int s, int k) {
        int[] last = new int[mergedLengths[s]];
        int current = -1;
        for (int m = 0; m < last.length; m++) {
            if (eventStream[s][m] == k) {
                current = eventStep[s][m];
            }
            last[m] = current;
        }
        return last;
    }

    /** (B, M, Σ R_k): at each merged step, every stream's latest output. */
    private Tensor gather(Tensor[] outs, int b) {
        int width = merge.config().inputSize();
        Tensor x = Tensor.zeros(b, mergedSteps, width);
        int col = 0;
        for (int k = 0; k < outs.length; k++) {
            int rk = streams.get(k).config().outputSize();
            int t = streamSteps[k];
            for (int s = 0; s < b; s++) {
                int[] last = lastSteps(s, k);
                for (int m = 0; m < last.length; m++) {
                    if (last[m] >= 0) {
                        System.arraycopy(outs[k].data(), (s * t + last[m]) * rk, x.data(),
                                (s * mergedSteps + m) * width + col, rk);
                    }
                }
            }
            col += rk;
        }
        return x;
    }

    /** (B·M) the time of each merged step; padding repeats a sequence's last time. */
    private double[] mergedTimes(List<Input> inputs, int b) {
        double[] times = new double[b * mergedSteps];
        for (int s = 0; s < b; s++) {
            double last = 0;
            for (int m = 0; m < mergedSteps; m++) {
                if (m < mergedLengths[s]) {
                    int k = eventStream[s][m];
                    last = inputs.get(k).times()[s * streamSteps[k] + eventStep[s][m]];
                }
                times[s * mergedSteps + m] = last;
            }
        }
        return times;
    }

    private float[] topState(Tensor hN, int b) {
        RecurrentConfig mc = merge.config();
        int r = mc.outputSize();
        float[] s = new float[b * r];
        System.arraycopy(hN.data(), (mc.numLayers() - 1) * b * r, s, 0, b * r);
        return s;
    }

    /**
     * Event-driven inference with state carried between calls, for {@code batch} sequences at once: each call feeds
     * one event of one stream as it arrives and returns the predictions from the merge network's state after it.
     * The networks run in inference mode (a Phased LSTM's closed units idle). Uses the networks' buffers: do not
     * interleave with forward or backward on the same model.
     */
    public Streaming stream(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("a stream needs a batch of at least 1, got " + batch);
        }
        return new Streaming(batch);
    }

    /** The state of {@link #stream(int)}: every stream's network, each stream's latest output, the merge network. */
    public final class Streaming {
        private final int batch;
        private final RecurrentStream[] nets;
        private final RecurrentStream mergeNet;
        private final Tensor latest;   // (B, Σ R_k): each stream's latest output, zeros before its first event
        private final Tensor top;      // (B, R_merge)
        private final double[] lastTime;
        private long updates;
        private long dense;

        private Streaming(int batch) {
            this.batch = batch;
            this.nets = new RecurrentStream[streams.size()];
            for (int k = 0; k < nets.length; k++) {
                nets[k] = streams.get(k).stream(batch);
            }
            this.mergeNet = merge.stream(batch);
            this.latest = Tensor.zeros(batch, merge.config().inputSize());
            this.top = Tensor.zeros(batch, merge.config().outputSize());
            this.lastTime = new double[batch];
            java.util.Arrays.fill(lastTime, Double.NEGATIVE_INFINITY);
        }

        /**
         * Feeds one event of stream {@code k} for every sequence: x (B, F_k) at {@code times} (B). Stream k's
         * network steps, then the merge network steps with every stream's latest output at those times.
         *
         * @return the predictions (B, outputs) after this event
         * @throws IllegalArgumentException naming the stream when k, x's shape or the times are wrong (times must
         *                                  not go backwards, within the stream nor across the merged events)
         */
        public Tensor step(int k, Tensor x, double[] times) {
            if (k < 0 || k >= nets.length) {
                throw new IllegalArgumentException("stream " + k + " does not exist; the model has " + nets.length
                        + " streams (0.." + (nets.length - 1) + ")");
            }
            if (times == null || times.length != batch) {
                throw new IllegalArgumentException("stream " + k + ": an event needs " + batch + " timestamps, got "
                        + (times == null ? "none" : times.length));
            }
            for (int s = 0; s < batch; s++) {
                if (!(times[s] >= lastTime[s])) {
                    throw new IllegalArgumentException("stream " + k + ": times go backwards in sequence " + s + " ("
                            + times[s] + " after " + lastTime[s] + ")");
                }
            }
            Tensor out;
            try {
                out = nets[k].step(x, times);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("stream " + k + ": " + e.getMessage(), e);
            }
            updates += streams.get(k).unitUpdates();
            dense += streams.get(k).denseUnitUpdates();
            int width = merge.config().inputSize();
            int col = 0;
            for (int j = 0; j < k; j++) {
                col += streams.get(j).config().outputSize();
            }
            int rk = streams.get(k).config().outputSize();
            for (int s = 0; s < batch; s++) {
                System.arraycopy(out.data(), s * rk, latest.data(), s * width + col, rk);
            }
            mergeNet.step(latest, times, top);
            updates += merge.unitUpdates();
            dense += merge.denseUnitUpdates();
            System.arraycopy(times, 0, lastTime, 0, batch);
            Tensor y = Tensor.zeros(batch, head.out);
            head.forward(cx, params.values(), top.data(), batch, y.data());
            return y;
        }

        /** Unit updates performed since the start (or {@link #reset()}), over every network. */
        public long unitUpdates() {
            return updates;
        }

        /** The unit updates dense networks of the same shapes would have performed. */
        public long denseUnitUpdates() {
            return dense;
        }

        /** Every state back to zero, as before the first event. */
        public void reset() {
            for (RecurrentStream n : nets) {
                n.reset();
            }
            mergeNet.reset();
            java.util.Arrays.fill(latest.data(), 0f);
            java.util.Arrays.fill(lastTime, Double.NEGATIVE_INFINITY);
            updates = 0;
            dense = 0;
        }
    }

    /** Builds a model: its streams in order, the merge network and the outputs. */
    public static final class Builder {
        private final List<Stream> streams = new ArrayList<>();
        private Stream merge;
        private int outputs;
        private long seed;
        private Compute compute;

        private Builder() {
        }

        public Builder stream(CellSpec cell, int inputSize, int hiddenSize, int numLayers) {
            streams.add(new Stream(cell, inputSize, hiddenSize, numLayers));
            return this;
        }

        /** The merge network (its input size is the sum of the streams' output sizes). */
        public Builder merge(CellSpec cell, int hiddenSize, int numLayers) {
            merge = new Stream(cell, 0, hiddenSize, numLayers);
            return this;
        }

        public Builder outputSize(int n) {
            outputs = n;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public Builder compute(Compute c) {
            compute = c;
            return this;
        }

        public MultiStreamModel build() {
            if (streams.isEmpty() || merge == null || outputs < 1) {
                throw new IllegalStateException("a multi-stream model needs at least one stream, a merge network and"
                        + " outputs ≥ 1");
            }
            List<RecurrentConfig> nets = new ArrayList<>();
            int width = 0;
            for (Stream st : streams) {
                RecurrentConfig c = new RecurrentConfig(st.cell(), st.inputSize(), st.hiddenSize(), st.numLayers(),
                        false, 0f);
                nets.add(c);
                width += c.outputSize();
            }
            RecurrentConfig m = new RecurrentConfig(merge.cell(), width, merge.hiddenSize(), merge.numLayers(), false,
                    0f);
            return create(new Config(nets, m, outputs), seed, compute);
        }
    }
}
