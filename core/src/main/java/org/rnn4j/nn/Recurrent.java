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
 * Recurrent.Output out = lstm.forward(x, Sequences.of(lengths), null);        // x (B, T, 40)
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

    /** Outputs of a forward pass: y (B, T, R·dirs) and the final states; {@code cN} is null without cell state. */
    public record Output(Tensor output, Tensor hN, Tensor cN) {
        /** The final states, to start the next window or call from. */
        public State state() {
            return new State(hN, cN);
        }
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

    /** Forward pass over whole sequences of all T steps, from zero states, without timestamps. */
    public Output forward(Tensor x) {
        return forward(x, Sequences.ALL, null);
    }

    /**
     * Forward pass; backward may follow.
     *
     * @param x       (B, T, I) input
     * @param seqs    the lengths, timestamps and window of the batch; null for {@link Sequences#ALL}
     * @param initial the initial states (layers·dirs, B, R) and, with a cell state, (layers·dirs, B, H); null, or
     *                a null part, for zeros
     */
    public Output forward(Tensor x, Sequences seqs, State initial) {
        return forward(x, seqs, initial, true);
    }

    /**
     * For a model whose head reads only the final states: as the public forward, but without copying the outputs
     * (B, T, R·dirs) into a new tensor, whose size would grow with T; {@link Output#output()} is then null.
     */
    Output forwardStatesOnly(Tensor x, Sequences seqs, State initial) {
        return forward(x, seqs, initial, false);
    }

    /** Inference over whole sequences of all T steps from zero states: {@link #infer(Tensor, Sequences, State)}. */
    public Output infer(Tensor x) {
        return infer(x, Sequences.ALL, null);
    }

    /**
     * Inference over whole sequences: the results of {@link #forward(Tensor, Sequences, State)} in inference mode
     * (no dropout, no training-only terms, as after {@link #eval()}; the network's mode is left as it was), to
     * float rounding (a short window may multiply by the recurrent weights in another order). It runs in windows of
     * at most {@link #INFER_WINDOW} steps ({@link WindowedInference}), so what backward would need is kept for one
     * window only and does not grow with T; only the outputs (B, T, R·dirs) do. Nothing is kept for backward, which
     * needs a {@link #forward}. {@link #unitUpdates()} counts the whole pass. A bidirectional network needs whole
     * sequences and runs as one window.
     */
    public Output infer(Tensor x, Sequences seqs, State initial) {
        return infer(x, seqs, initial, true, INFER_WINDOW);
    }

    /**
     * As the public infer, in windows of at most {@code window} steps; with {@code outputs} false only the final
     * states are returned ({@link Output#output()} null), and memory does not grow with T at all beyond x's.
     */
    Output infer(Tensor x, Sequences seqs, State initial, boolean outputs, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1 step, got " + window);
        }
        Sequences s = seqs == null ? Sequences.ALL : seqs;
        if (s.window()) {
            throw new IllegalArgumentException("infer runs whole sequences, not a window (" + s + "); use forward");
        }
        Inputs.checkSequenceInput("x", x, config.inputSize());
        int b = x.dim(0);
        int t = x.dim(1);
        Inputs.checkLengths(s.lengths(), b, t, 1);
        Inputs.checkTimes(s.times(), b, t, s.lengths());   // across windows too: each window checks only its own steps
        try {
            return inInferenceMode(() -> WindowedInference.run(this, x, s, initial, outputs, window));
        } finally {
            forwardDone = false;
        }
    }

    /** Records the unit updates of an inference that ran in several windows, for {@link #unitUpdates()}. */
    void setInferredUpdates(long updates, long dense) {
        inferredUpdates = updates;
        inferredDenseUpdates = dense;
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

    /** The forward pass of every public entry: checks, then the layers; {@code outputs} false skips y. */
    Output forward(Tensor x, Sequences seqs, State initial, boolean outputs) {
        Sequences sq = seqs == null ? Sequences.ALL : seqs;
        if (sq.window() && config.bidirectional()) {
            throw new IllegalStateException("a bidirectional network needs whole sequences; it cannot run on windows"
                    + " (truncated BPTT) or stream");
        }
        int[] lengths = sq.lengths();
        double[] times = sq.times();
        int minLength = sq.minLength();
        int firstStep = sq.firstStep();
        Tensor h0 = initial == null ? null : initial.h();
        Tensor c0 = initial == null ? null : initial.c();
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

    /**
     * A stream's call ({@link RecurrentStream}): x (B, t, I) batch-first with its timestamps from the states h
     * (layers, B, R) and c (layers, B, H; null without), in inference mode; writes the outputs (B, t, R) into y and
     * the final states back into h and c. Each layer carries its event-driven cells' closed-until times.
     */
    void streamForward(float[] x, int b, int t, double[] times, float[] h, float[] c, int firstStep,
                       double[][] closedUntil, float[] y) {
        allocate(b, t);
        Layouts.batchToTime(x, xTime, b, t, config.inputSize());
        setTimes(times, b, t);
        inInferenceMode(() -> {   // a unidirectional network: one layer per level, each its closed-until times
            runForward(null, h, c, firstStep, closedUntil);
            return null;
        });
        Layouts.timeToBatch(outs[config.numLayers() - 1], y, b, t, config.outputSize());
        int r = config.outputSizePerDirection();
        int hid = config.hiddenSize();
        for (int l = 0; l < layers.length; l++) {
            layers[l].finalState(h, l * b * r);
            if (c != null) {
                layers[l].finalCell(c, l * b * hid);
            }
        }
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
     * Whether the following backward passes record the norm of the gradient at every step's state,
     * {@link #stateGradientNorms()}: the vanishing or exploding of the gradient through time, measured.
     */
    public void recordStateGradients(boolean on) {
        for (RecurrentLayer<?> layer : layers) {
            layer.recordStateGradients(on);
        }
    }

    /**
     * ‖∂L/∂h_t‖ of the latest backward pass for every layer and direction (index layer · dirs + direction) and step
     * t (the state h_t that step t produced, reached through the output at t and through every later step); the
     * Frobenius norm over the batch's sequences still running at t. For an LSTM h_t alone, with c_t held fixed.
     *
     * @throws IllegalStateException unless {@link #recordStateGradients} was switched on before the backward pass
     */
    public double[][] stateGradientNorms() {
        double[][] norms = new double[layers.length][];
        for (int i = 0; i < layers.length; i++) {
            double[] n = layers[i].stateGradientNorms();
            if (n == null || n.length == 0) {
                throw new IllegalStateException("no state gradients recorded: call recordStateGradients(true) before"
                        + " backward");
            }
            norms[i] = n.clone();
        }
        return norms;
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
    public RecurrentStream stream(int batch) {
        if (config.bidirectional()) {
            throw new IllegalStateException("a bidirectional network needs the whole sequence; it cannot stream");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        return new RecurrentStream(this, batch);
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
