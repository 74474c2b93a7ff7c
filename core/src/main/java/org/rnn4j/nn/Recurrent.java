package org.rnn4j.nn;

import org.rnn4j.kernel.Compute;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.Parameters;
import org.rnn4j.tensor.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * A stacked, optionally bidirectional recurrent network: rnn4j's {@code nn.RNN} / {@code nn.LSTM} /
 * {@code nn.GRU}. Batch-first: input (B, T, I), output (B, T, R·dirs); states (layers·dirs, B, R) and, for
 * the LSTM, cell states (layers·dirs, B, H), indexed {@code layer * dirs + direction} as in PyTorch.
 *
 * <pre>{@code
 * Recurrent lstm = Recurrent.builder()
 *         .cell(CellSpec.lstm().withProjSize(64))
 *         .inputSize(40).hiddenSize(256).numLayers(2).bidirectional(true)
 *         .seed(7).build();
 * Recurrent.Output out = lstm.forward(x, lengths);        // x (B, T, 40)
 * lstm.backward(dOutput, null, null);                      // accumulates into lstm.parameters().grads()
 * }</pre>
 *
 * <p>Lifecycle: {@link #forward} remembers what {@link #backward} needs, so backward always refers to the
 * latest forward. Buffers are allocated for a (B, T) and reused while it stays the same. Not thread-safe;
 * parallelism is inside, through the {@link Compute} given to the builder.
 *
 * <p>Dropout between layers, and other training-only terms such as the Phased LSTM's leak, apply only after
 * {@link #train(RandomGenerator)} and until {@link #eval()}.
 */
public final class Recurrent {

    /** Outputs of a forward pass. {@code cN} is null without cell state. */
    public record Output(Tensor output, Tensor hN, Tensor cN) {
    }

    /** Gradients of a backward pass with respect to the inputs. {@code dc0} is null without cell state. */
    public record InputGrads(Tensor dx, Tensor dh0, Tensor dc0) {
    }

    /** Steps per window of {@link #infer}: what backward would need is kept for this many steps at most. */
    public static final int INFER_WINDOW = 128;

    private final RecurrentConfig config;
    private final Compute cx;
    private final ScheduleOptions options;
    private final RecurrentLayer<?>[] layers;   // index layer * dirs + direction
    private Parameters params;
    private RandomGenerator dropoutRng;
    private boolean training;

    // buffers of the last forward, sized for (B, T)
    private int batch = -1;
    private int steps = -1;
    private int[] lengths;
    private float[] xTime;         // (T, B, I)
    private double[] timesTime;    // (T, B) timestamps of the latest forward, or null
    private float[][] outs;        // per layer (T, B, D)
    private float[][] layerInputs; // per layer l > 0: the input it read, (T, B, D) (after dropout)
    private float[][] keepMasks;   // per layer l < L-1: dropout keep mask scaled by 1/(1-p), or null in eval
    private float[][] dropped;     // per layer l < L-1: (T, B, D) its output after dropout
    private float[][] dOuts;       // per layer (T, B, D) gradient buffers for backward
    private float[] dxTime;        // (T, B, I)
    private boolean forwardDone;
    // unit updates and dense ones of the latest infer, which ran in several windows; −1 after any other pass
    private long inferredUpdates = -1;
    private long inferredDenseUpdates = -1;

    /** Declares the network's parameters in {@code layout}; {@link #bind} (and usually {@link #initialize}) must follow. */
    Recurrent(RecurrentConfig config, ParamLayout.Builder layout, Compute cx, ScheduleOptions options) {
        this.config = config;
        this.cx = cx;
        this.options = options;
        int dirs = config.directions();
        this.layers = new RecurrentLayer<?>[config.numLayers() * dirs];
        for (int l = 0; l < config.numLayers(); l++) {
            int in = l == 0 ? config.inputSize() : config.outputSize();
            for (int d = 0; d < dirs; d++) {
                String suffix = "_l" + l + (d == 1 ? "_reverse" : "");
                layers[l * dirs + d] = RecurrentLayer.of(Cell.of(config.cell(), in, config.hiddenSize(), layout, suffix),
                        d == 1, options);
            }
        }
    }

    /** Binds the parameter arrays this network computes with (its views must be in their layout). */
    void bind(Parameters params) {
        this.params = params;
    }

    /** Initialises this network's views in the bound parameters. */
    void initialize(Init init, RandomGenerator rng) {
        for (RecurrentLayer<?> layer : layers) {
            layer.cell().initialize(params.values(), init, rng);
        }
    }

    /** Sets every LSTM layer's forget-gate bias (b_ih rows of f to value, b_hh rows to 0); NaN leaves them. */
    void setForgetBias(float value) {
        if (Float.isNaN(value)) {
            return;
        }
        for (RecurrentLayer<?> layer : layers) {
            if (layer.cell() instanceof LstmCell lstm) {
                lstm.setForgetBias(params.values(), value);
            }
        }
    }

    /**
     * A second network of the same configuration computing with the same parameter and gradient arrays, with
     * buffers of its own (tests use it to run chunks of one sequence side by side).
     */
    Recurrent sharingParameters() {
        ParamLayout.Builder layout = ParamLayout.builder();
        Recurrent twin = new Recurrent(config, layout, cx, options);
        if (!layout.build().views().equals(params.layout().views().subList(0, layout.build().views().size()))) {
            throw new IllegalStateException("layout mismatch");
        }
        twin.bind(params);
        return twin;
    }

    public static Builder builder() {
        return new Builder();
    }

    public RecurrentConfig config() {
        return config;
    }

    /** Parameter values and gradients (shared with the enclosing model, if any). */
    public Parameters parameters() {
        return params;
    }

    /**
     * Unit updates performed by the latest forward pass (or stream call), summed over layers and directions: one
     * per sequence, unit and valid step for dense cells; only the units whose time gate was open for an
     * event-driven Phased LSTM at inference. Divide by {@link #denseUnitUpdates()} for the fraction.
     */
    public long unitUpdates() {
        if (inferredUpdates >= 0) {
            return inferredUpdates;
        }
        long n = 0;
        for (RecurrentLayer<?> layer : layers) {
            n += layer.unitUpdates();
        }
        return n;
    }

    /** The steps the buffers are sized for: the latest pass's, or one window's after {@link #infer}. */
    int bufferedSteps() {
        return steps;
    }

    /** The unit updates a dense network of this shape performs on the latest forward pass's valid steps. */
    public long denseUnitUpdates() {
        if (inferredDenseUpdates >= 0) {
            return inferredDenseUpdates;
        }
        long valid = 0;
        for (int b = 0; b < batch; b++) {
            valid += lengths == null ? steps : lengths[b];
        }
        return valid * config.hiddenSize() * layers.length;
    }

    /** Enables dropout between layers, drawing masks from {@code rng}. */
    public void train(RandomGenerator rng) {
        this.dropoutRng = rng;
        setTraining(true);
    }

    /** Disables dropout. */
    public void eval() {
        this.dropoutRng = null;
        setTraining(false);
    }

    private void setTraining(boolean on) {
        training = on;
    }

    /** Forward pass over full-length sequences from zero states. */
    public Output forward(Tensor x) {
        return forward(x, null, null, null);
    }

    /** Forward pass over right-padded sequences of the given lengths (null = all T) from zero states. */
    public Output forward(Tensor x, int[] lengths) {
        return forward(x, lengths, null, null);
    }

    /**
     * Forward pass.
     *
     * @param x       (B, T, I) input
     * @param lengths length of each sequence in [1, T], or null when all have T steps
     * @param h0      (layers·dirs, B, R) initial states, or null for zeros
     * @param c0      (layers·dirs, B, H) initial cell states (LSTM), or null for zeros
     */
    public Output forward(Tensor x, int[] lengths, Tensor h0, Tensor c0) {
        return forward(x, lengths, h0, c0, null, 1, 0);
    }

    /**
     * Forward pass with timestamps.
     *
     * @param times (B·T) timestamp of each step in seconds, batch-first; non-decreasing within each sequence's
     *              valid steps; null for none. Cells that do not use time ignore them.
     */
    public Output forward(Tensor x, int[] lengths, Tensor h0, Tensor c0, double[] times) {
        return forward(x, lengths, h0, c0, times, 1, 0);
    }

    /**
     * Forward pass over a window of longer sequences, for truncated BPTT: as {@link #forward(Tensor, int[],
     * Tensor, Tensor)}, but a length may be 0 for a sequence that ended before this window; its states pass
     * through unchanged and its outputs are 0.
     */
    public Output forwardWindow(Tensor x, int[] lengths, Tensor h0, Tensor c0, double[] times) {
        return forwardWindow(x, lengths, h0, c0, times, 0);
    }

    /**
     * As {@link #forwardWindow(Tensor, int[], Tensor, Tensor, double[])} for a window that starts at step
     * {@code firstStep} of the whole sequences (what a Phased cell without timestamps takes as the time, and the
     * statistics row of a BN-LSTM).
     */
    public Output forwardWindow(Tensor x, int[] lengths, Tensor h0, Tensor c0, double[] times, int firstStep) {
        if (firstStep < 0) {
            throw new IllegalArgumentException("firstStep must be ≥ 0, got " + firstStep);
        }
        return forward(x, lengths, h0, c0, times, 0, firstStep);
    }

    private Output forward(Tensor x, int[] lengths, Tensor h0, Tensor c0, double[] times, int minLength,
                           int firstStep) {
        return forward(x, lengths, h0, c0, times, minLength, firstStep, true);
    }

    /**
     * For a model whose head reads only the final states: as the public forward with minimum length 1 (whole
     * sequences) or 0 (windows), but without copying the outputs (B, T, R·dirs) into a new tensor, whose size
     * would grow with T; {@link Output#output()} is then null.
     */
    Output forwardStatesOnly(Tensor x, int[] lengths, Tensor h0, Tensor c0, double[] times, boolean window,
                             int firstStep) {
        return forward(x, lengths, h0, c0, times, window ? 0 : 1, firstStep, false);
    }

    /**
     * Inference over whole sequences: the results of {@link #forward(Tensor, int[], Tensor, Tensor, double[])} in
     * inference mode (no dropout, no training-only terms, as after {@link #eval()}; the network's mode is left as
     * it was), to float rounding (a short window may multiply by the recurrent weights in another order). It runs
     * in windows of at most {@link #INFER_WINDOW} steps, so what backward would need is kept for one window only
     * and does not grow with T; only the outputs (B, T, R·dirs) do. Nothing is kept for backward, which needs a
     * {@link #forward}. {@link #unitUpdates()} counts the whole pass. A bidirectional network needs whole
     * sequences and runs as one window.
     */
    public Output infer(Tensor x, int[] lengths, Tensor h0, Tensor c0, double[] times) {
        return infer(x, lengths, h0, c0, times, true, INFER_WINDOW);
    }

    /** As {@link #infer(Tensor, int[], Tensor, Tensor, double[])} without times or initial states. */
    public Output infer(Tensor x, int[] lengths) {
        return infer(x, lengths, null, null, null);
    }

    /**
     * As the public infer, in windows of at most {@code window} steps; with {@code outputs} false only the final
     * states are returned ({@link Output#output()} null), and memory does not grow with T at all beyond x's.
     */
    Output infer(Tensor x, int[] lengths, Tensor h0, Tensor c0, double[] times, boolean outputs, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1 step, got " + window);
        }
        Inputs.checkSequenceInput("x", x, config.inputSize());
        int b = x.dim(0);
        int t = x.dim(1);
        Inputs.checkLengths(lengths, b, t, 1);
        Inputs.checkTimes(times, b, t, lengths);   // across windows too: each window checks only its own steps
        try {
            return inInferenceMode(() -> inferWindows(x, b, t, lengths, h0, c0, times, outputs, window));
        } finally {
            forwardDone = false;
        }
    }

    private Output inferWindows(Tensor x, int b, int t, int[] lengths, Tensor h0, Tensor c0, double[] times,
                                boolean outputs, int window) {
        if (config.bidirectional() || t <= window) {
            return forward(x, lengths, h0, c0, times, 1, 0, outputs);
        }
        int longest = lengths == null ? t : Arrays.stream(lengths).max().getAsInt();
        Tensor y = outputs ? Tensor.zeros(b, t, config.outputSize()) : null;
        Tensor h = h0;
        Tensor c = c0;
        long updates = 0;
        long dense = 0;
        // steps at or after every sequence's end only pass the states through and output zeros: not run
        for (int from = 0; from < longest; from += window) {
            int to = Math.min(t, from + window);
            Output o = forward(SequenceWindows.steps(x, from, to), SequenceWindows.lengths(lengths, b, t, from, to),
                    h, c, SequenceWindows.times(times, b, t, from, to), 0, from, outputs);
            updates += unitUpdates();
            dense += denseUnitUpdates();
            if (y != null) {
                int d = config.outputSize();
                int len = to - from;
                for (int s = 0; s < b; s++) {
                    System.arraycopy(o.output().data(), s * len * d, y.data(), (s * t + from) * d, len * d);
                }
            }
            h = o.hN();
            c = o.cN();
        }
        inferredUpdates = updates;
        inferredDenseUpdates = dense;
        return new Output(y, h, c);
    }

    /**
     * Runs {@code body} in inference mode (no dropout, no training-only terms) and then gives the network back the
     * mode, and dropout generator, it had.
     */
    private <R> R inInferenceMode(Supplier<R> body) {
        RandomGenerator dropout = dropoutRng;
        boolean wasTraining = training;
        eval();
        try {
            return body.get();
        } finally {
            if (wasTraining) {
                train(dropout);
            }
        }
    }

    private Output forward(Tensor x, int[] lengths, Tensor h0, Tensor c0, double[] times, int minLength,
                           int firstStep, boolean outputs) {
        if (minLength == 0 && config.bidirectional()) {
            throw new IllegalStateException("a bidirectional network needs whole sequences; it cannot run on windows"
                    + " (truncated BPTT) or stream");
        }
        Inputs.checkSequenceInput("x", x, config.inputSize());
        int b = x.dim(0);
        int t = x.dim(1);
        Inputs.checkLengths(lengths, b, t, minLength);
        Inputs.checkTimes(times, b, t, lengths);
        int states = config.numLayers() * config.directions();
        int r = config.outputSizePerDirection();
        Inputs.checkShape("h0", h0, states, b, r);
        if (c0 != null && !config.hasCellState()) {
            throw new IllegalArgumentException("c0 was given but a " + config.cell().kind() + " has no cell state");
        }
        Inputs.checkShape("c0", c0, states, b, config.hiddenSize());
        allocate(b, t);
        Layouts.batchToTime(x.data(), xTime, b, t, config.inputSize());
        setTimes(times, b, t);
        runForward(lengths, h0 == null ? null : h0.data(), c0 == null ? null : c0.data(), firstStep, null);

        Tensor y = null;
        if (outputs) {
            y = Tensor.zeros(b, t, config.outputSize());
            Layouts.timeToBatch(outs[config.numLayers() - 1], y.data(), b, t, config.outputSize());
        }
        Tensor hN = Tensor.zeros(states, b, r);
        Tensor cN = config.hasCellState() ? Tensor.zeros(states, b, config.hiddenSize()) : null;
        for (int i = 0; i < states; i++) {
            layers[i].finalState(hN.data(), i * b * r);
            if (cN != null) {
                layers[i].finalCell(cN.data(), i * b * config.hiddenSize());
            }
        }
        return new Output(y, hN, cN);
    }

    /** Stores batch-first timestamps (B·T) time-major for the layers, or forgets them. */
    private void setTimes(double[] times, int b, int t) {
        if (times == null) {
            timesTime = null;
            return;
        }
        if (timesTime == null || timesTime.length != b * t) {
            timesTime = new double[b * t];
        }
        for (int i = 0; i < b; i++) {
            for (int s = 0; s < t; s++) {
                timesTime[s * b + i] = times[i * t + s];
            }
        }
    }

    /** Time-major forward on the internal buffers: xTime (and timesTime) must be filled. */
    private void runForward(int[] lengths, float[] h0, float[] c0, int firstStep, double[][] closedUntil) {
        forwardDone = false;   // set again only when this pass completes
        inferredUpdates = -1;
        inferredDenseUpdates = -1;
        this.lengths = lengths == null ? null : lengths.clone();
        int dirs = config.directions();
        int r = config.outputSizePerDirection();
        int h = config.hiddenSize();
        int d = config.outputSize();
        float[] w = params.values();
        float[] in = xTime;
        for (int l = 0; l < config.numLayers(); l++) {
            if (l > 0) {
                in = applyDropout(l - 1);
                layerInputs[l] = in;
            }
            for (int dir = 0; dir < dirs; dir++) {
                int s = l * dirs + dir;
                Pass pass = new Pass(batch, this.lengths, timesTime, firstStep, training,
                        closedUntil == null ? null : closedUntil[s]);
                layers[s].forward(cx, w, in, 0, steps, pass, h0, s * batch * r, c0, s * batch * h, outs[l], dir * r, d);
            }
        }
        forwardDone = true;
    }

    /** The input of layer l+1: layer l's output, with dropout in training. */
    private float[] applyDropout(int l) {
        float p = config.dropout();
        if (dropoutRng == null || p == 0f) {
            keepMasks[l] = null;
            return outs[l];
        }
        int n = steps * batch * config.outputSize();
        if (keepMasks[l] == null || keepMasks[l].length != n) {
            keepMasks[l] = new float[n];
        }
        float[] mask = keepMasks[l];
        if (dropped[l] == null) {
            dropped[l] = new float[n];
        }
        float scale = 1f / (1f - p);
        for (int i = 0; i < n; i++) {
            mask[i] = dropoutRng.nextFloat() < p ? 0f : scale;
            dropped[l][i] = outs[l][i] * mask[i];
        }
        return dropped[l];
    }

    /**
     * Backward pass for the latest forward. Accumulates into {@link #parameters()}' gradients.
     *
     * @param dOutput (B, T, R·dirs) gradient of the output, or null
     * @param dhN     (layers·dirs, B, R) gradient of the final states, or null
     * @param dcN     (layers·dirs, B, H) gradient of the final cell states, or null
     * @return gradients of x, h0 and c0
     */
    public InputGrads backward(Tensor dOutput, Tensor dhN, Tensor dcN) {
        checkBackwardArguments(dOutput, dhN, dcN);
        return backwardFromTensors(dOutput, dhN, dcN);
    }

    private void checkBackwardArguments(Tensor dOutput, Tensor dhN, Tensor dcN) {
        if (!forwardDone) {
            throw new IllegalStateException("backward called before forward (infer keeps nothing for backward)");
        }
        int states = config.numLayers() * config.directions();
        Inputs.checkShape("dOutput", dOutput, batch, steps, config.outputSize());
        Inputs.checkShape("dhN", dhN, states, batch, config.outputSizePerDirection());
        if (dcN != null && !config.hasCellState()) {
            throw new IllegalArgumentException("dcN was given but a " + config.cell().kind() + " has no cell state");
        }
        Inputs.checkShape("dcN", dcN, states, batch, config.hiddenSize());
    }

    /**
     * Backward from gradients computed inside the library (a head's): shapes must be right, and non-finite
     * values pass through to the parameter gradients, where a trainer detects them as divergence.
     */
    InputGrads backwardInternal(Tensor dOutput, Tensor dhN, boolean inputGradient) {
        if (!forwardDone) {
            throw new IllegalStateException("backward called before forward (infer keeps nothing for backward)");
        }
        return backwardFromTensors(dOutput, dhN, null, inputGradient);
    }

    private InputGrads backwardFromTensors(Tensor dOutput, Tensor dhN, Tensor dcN) {
        return backwardFromTensors(dOutput, dhN, dcN, true);
    }

    /** With inputGradient false, dx is neither computed (one product fewer) nor returned (null). */
    private InputGrads backwardFromTensors(Tensor dOutput, Tensor dhN, Tensor dcN, boolean inputGradient) {
        int states = config.numLayers() * config.directions();
        int r = config.outputSizePerDirection();
        int dsz = config.outputSize();
        float[] top = dOuts[config.numLayers() - 1];
        if (dOutput == null) {
            Arrays.fill(top, 0f);
        } else {
            Layouts.batchToTime(dOutput.data(), top, batch, steps, dsz);
        }
        Tensor dh0 = Tensor.zeros(states, batch, r);
        Tensor dc0 = config.hasCellState() ? Tensor.zeros(states, batch, config.hiddenSize()) : null;
        runBackward(dhN == null ? null : dhN.data(), dcN == null ? null : dcN.data(), dh0.data(),
                dc0 == null ? null : dc0.data(), inputGradient);
        if (!inputGradient) {
            return new InputGrads(null, dh0, dc0);
        }
        Tensor dx = Tensor.zeros(batch, steps, config.inputSize());
        Layouts.timeToBatch(dxTime, dx.data(), batch, steps, config.inputSize());
        return new InputGrads(dx, dh0, dc0);
    }

    /** Time-major backward: dOuts[top] must be filled; writes dxTime, dh0, dc0. */
    private void runBackward(float[] dhN, float[] dcN, float[] dh0, float[] dc0, boolean inputGradient) {
        int dirs = config.directions();
        int r = config.outputSizePerDirection();
        int h = config.hiddenSize();
        int d = config.outputSize();
        float[] w = params.values();
        float[] g = params.grads();
        if (inputGradient) {
            Arrays.fill(dxTime, 0f);
        }
        for (int l = config.numLayers() - 1; l >= 0; l--) {
            float[] in = l == 0 ? xTime : layerInputs[l];
            float[] dIn = l > 0 ? dOuts[l - 1] : inputGradient ? dxTime : null;
            if (l > 0) {
                Arrays.fill(dIn, 0f);
            }
            for (int dir = 0; dir < dirs; dir++) {
                int s = l * dirs + dir;
                layers[s].backward(cx, w, g, in, 0, dOuts[l], dir * r, d,
                        dhN, s * batch * r, dcN, s * batch * h, dIn, 0, dh0, s * batch * r, dc0, s * batch * h);
            }
            if (l > 0 && keepMasks[l - 1] != null) {
                float[] mask = keepMasks[l - 1];
                for (int i = 0; i < dIn.length; i++) {
                    dIn[i] *= mask[i];
                }
            }
        }
    }

    private void allocate(int b, int t) {
        if (b == batch && t == steps) {
            return;
        }
        batch = b;
        steps = t;
        int nl = config.numLayers();
        for (RecurrentLayer<?> layer : layers) {   // fail before allocating anything
            Tape.size("gate buffer", t, b, layer.cell().gateWidth());
            Tape.size("state history", t + 1, b, layer.cell().outputSize());
            Tape.size("cell history", t + 1, b, layer.cell().hiddenSize());
        }
        Tape.size("layer output buffer", t, b, config.outputSize());
        xTime = new float[Tape.size("input buffer", t, b, config.inputSize())];
        dxTime = new float[xTime.length];
        outs = new float[nl][t * b * config.outputSize()];
        dOuts = new float[nl][t * b * config.outputSize()];
        layerInputs = new float[nl][];
        keepMasks = new float[nl][];
        dropped = new float[nl][];
        forwardDone = false;
    }

    /**
     * A stream over this network for step-by-step inference: state is kept between calls, and feeding a sequence
     * in pieces gives the same numbers as feeding it whole. Only unidirectional networks can stream.
     *
     * @param batch number of parallel streams B
     */
    public Stream stream(int batch) {
        if (config.bidirectional()) {
            throw new IllegalStateException("a bidirectional network needs the whole sequence; it cannot stream");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        return new Stream(this, batch);
    }

    /**
     * Step-by-step inference with state carried between calls. Created by {@link Recurrent#stream(int)}. It
     * uses the network's buffers: do not interleave it with forward/backward calls on the same network.
     */
    public static final class Stream {
        private final Recurrent net;
        private final int batch;
        private final float[] h;   // (layers, B, R)
        private final float[] c;   // (layers, B, H) or empty
        private final double[] lastTime;   // (B) timestamp of the latest step fed, -∞ before the first
        private final double[][] closedUntil;   // per layer (B, H): event-driven cells' closed-until times
        private Boolean timed;   // whether the latest call had timestamps (null before the first)
        private int stepsFed;

        private Stream(Recurrent net, int batch) {
            this.net = net;
            this.batch = batch;
            RecurrentConfig cfg = net.config;
            this.h = new float[cfg.numLayers() * batch * cfg.outputSizePerDirection()];
            this.c = new float[cfg.hasCellState() ? cfg.numLayers() * batch * cfg.hiddenSize() : 0];
            this.lastTime = new double[batch];
            Arrays.fill(lastTime, Double.NEGATIVE_INFINITY);
            this.closedUntil = new double[cfg.numLayers()][batch * cfg.hiddenSize()];
            forgetClosedUntil();
        }

        /** Feeds one step x (B, I) and returns the top layer's output (B, R). */
        public Tensor step(Tensor x) {
            return step(x, null);
        }

        /** Feeds one step x (B, I) that happened at {@code times} (B, seconds; null for none). */
        public Tensor step(Tensor x, double[] times) {
            Tensor y = Tensor.zeros(batch, net.config.outputSize());
            step(x, times, y);
            return y;
        }

        /**
         * As {@link #step(Tensor, double[])}, writing the output into {@code out} (B, R) instead of a new tensor:
         * a step then allocates nothing.
         */
        public void step(Tensor x, double[] times, Tensor out) {
            // the shapes compared dimension by dimension: a step allocates nothing, not even varargs arrays
            int in = net.config.inputSize();
            if (x == null || x.rank() != 2 || x.dim(0) != batch || x.dim(1) != in) {
                throw new IllegalArgumentException("x must have shape " + Tensor.shapeString(batch, in) + ", got "
                        + (x == null ? "none" : Tensor.shapeString(x.shape())));
            }
            Inputs.checkFinite("x", x);
            if (out == null || out.rank() != 2 || out.dim(0) != batch || out.dim(1) != net.config.outputSize()) {
                throw new IllegalArgumentException("out must have shape " + Tensor.shapeString(batch,
                        net.config.outputSize()) + ", got " + (out == null ? "none" : Tensor.shapeString(out.shape())));
            }
            run(x.data(), 1, times, out.data());
        }

        /** Feeds a chunk x (B, T, I) and returns the top layer's outputs (B, T, R). */
        public Tensor chunk(Tensor x) {
            return chunk(x, null);
        }

        /**
         * Feeds a chunk x (B, T, I) with timestamps (B·T, batch-first; null for none) and returns the top layer's
         * outputs (B, T, R). Timestamps must not go backwards within a chunk, nor from one call to the next.
         */
        public Tensor chunk(Tensor x, double[] times) {
            Inputs.checkSequenceInput("x", x, net.config.inputSize());
            if (x.dim(0) != batch) {
                throw new IllegalArgumentException("this stream has batch " + batch + " but x has shape "
                        + Tensor.shapeString(x.shape()));
            }
            int t = x.dim(1);
            Tensor y = Tensor.zeros(batch, t, net.config.outputSize());
            run(x.data(), t, times, y.data());
            return y;
        }

        /** Feeds x (B, t, I) batch-first with its timestamps and writes the outputs (B, t, R) into y. */
        private void run(float[] x, int t, double[] times, float[] y) {
            Inputs.checkTimes(times, batch, t, null);
            if (times != null) {
                for (int b = 0; b < batch; b++) {
                    if (times[b * t] < lastTime[b]) {
                        throw new IllegalArgumentException("times go backwards in stream " + b + ": " + times[b * t]
                                + " comes after " + lastTime[b]);
                    }
                }
            }
            net.allocate(batch, t);
            Layouts.batchToTime(x, net.xTime, batch, t, net.config.inputSize());
            net.setTimes(times, batch, t);
            if (timed != null && timed != (times != null)) {   // the clock changed: what was known is void
                forgetClosedUntil();
            }
            timed = times != null;
            net.inInferenceMode(() -> {   // a unidirectional network: one layer per level, each its closed-until times
                net.runForward(null, h, c.length == 0 ? null : c, stepsFed, closedUntil);
                return null;
            });
            if (times != null) {
                for (int b = 0; b < batch; b++) {
                    lastTime[b] = times[b * t + t - 1];
                }
            }
            stepsFed += t;
            Layouts.timeToBatch(net.outs[net.config.numLayers() - 1], y, batch, t, net.config.outputSize());
            int r = net.config.outputSizePerDirection();
            int hid = net.config.hiddenSize();
            for (int l = 0; l < net.layers.length; l++) {
                net.layers[l].finalState(h, l * batch * r);
                if (c.length > 0) {
                    net.layers[l].finalCell(c, l * batch * hid);
                }
            }
        }

        /** No unit is known to stay closed: event-driven cells compute every phase again. */
        private void forgetClosedUntil() {
            for (double[] cu : closedUntil) {
                Arrays.fill(cu, Double.NEGATIVE_INFINITY);
            }
        }

        /** Sets every state back to zero. */
        public void reset() {
            Arrays.fill(h, 0f);
            Arrays.fill(c, 0f);
            Arrays.fill(lastTime, Double.NEGATIVE_INFINITY);
            forgetClosedUntil();
            timed = null;
            stepsFed = 0;
        }
    }

    /** Builds a standalone network with its own parameters. */
    public static final class Builder extends NetworkBuilder<Builder> {

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        public Recurrent build() {
            ParamLayout.Builder layout = ParamLayout.builder();
            Recurrent net = new Recurrent(config(), layout, computeOrDefault(), scheduleOptions);
            net.bind(new Parameters(layout.build()));
            net.initialize(initOrDefault(), new SplittableRandom(seed));
            net.setForgetBias(forgetBias);
            return net;
        }
    }
}
