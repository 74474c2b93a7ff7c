package org.rnn4j.nn;

import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.Parameters;
import org.rnn4j.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A recurrent network with a linear output layer: the unit that is trained, saved and run. All parameters
 * live in one {@link Parameters}: the network's under PyTorch's names ({@code weight_ih_l0}, ...) and the
 * head's as {@code head.weight} and {@code head.bias}.
 *
 * <pre>{@code
 * SequenceModel model = SequenceModel.builder()
 *         .cell(CellSpec.gru()).inputSize(3).hiddenSize(32).numLayers(2)
 *         .head(Head.LAST_STEP).outputSize(5).seed(1).build();
 * Tensor logits = model.forward(x, lengths);                        // (B, 5)
 * LossValue loss = Losses.softmaxCrossEntropy(logits, labels);
 * model.parameters().zeroGrad();
 * model.backward(loss.gradient());
 * }</pre>
 *
 * <p>Lifecycle as for {@link Recurrent}: backward refers to the latest forward; not thread-safe.
 */
public final class SequenceModel {

    /**
     * The recurrent states of a model: h (layers·dirs, B, R) and, for the LSTM, c (layers·dirs, B, H), else null.
     */
    public record State(Tensor h, Tensor c) {
    }

    private final ModelConfig config;
    private final Recurrent rnn;
    private final Linear head;
    private final Head headKind;
    private final Parameters params;
    private final Compute cx;

    // the latest forward
    private int batch;
    private int steps;
    private float[] headInput;   // (rows, D): every step (B·T rows, batch-first) or the final states (B rows)
    private float[] headGradIn;  // (rows, D)
    private boolean forwardDone;
    private State finalState;

    private SequenceModel(ModelConfig config, Init init, long seed, float forgetBias, Compute cx) {
        ParamLayout.Builder layout = ParamLayout.builder();
        this.config = config;
        this.cx = cx;
        this.rnn = new Recurrent(config.network(), layout, cx);
        this.head = new Linear(config.network().outputSize(), config.outputSize(), layout, "head.");
        this.headKind = config.head();
        this.params = new Parameters(layout.build());
        rnn.bind(params);
        RandomGenerator rng = new SplittableRandom(seed);
        rnn.initialize(init, rng);
        rnn.setForgetBias(forgetBias);
        head.initialize(params.values(), rng);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A model of the given architecture with PyTorch-style initialisation from {@code seed}; to load saved values,
     * overwrite {@link #parameters()} afterwards.
     */
    public static SequenceModel create(ModelConfig config, long seed, Compute compute) {
        return new SequenceModel(config, Init.PYTORCH, seed, Float.NaN, compute == null ? Compute.serial() : compute);
    }

    /**
     * The parameter layout (names, offsets and shapes in the flat array) of every model of this architecture,
     * without allocating or initialising parameters; model files check their manifest against it.
     */
    public static ParamLayout layout(ModelConfig config) {
        // the same declarations, in the same order, as the constructor
        ParamLayout.Builder layout = ParamLayout.builder();
        new Recurrent(config.network(), layout, Compute.serial(Kernels.scalar()));
        new Linear(config.network().outputSize(), config.outputSize(), layout, "head.");
        return layout.build();
    }

    /** The architecture. */
    public ModelConfig config() {
        return config;
    }

    public Parameters parameters() {
        return params;
    }

    /** The recurrent part (for its configuration, or to run it without the head). */
    public Recurrent recurrent() {
        return rnn;
    }

    public Head head() {
        return headKind;
    }

    /** Number of outputs of the head. */
    public int outputSize() {
        return head.out;
    }

    /** Enables dropout between recurrent layers with masks drawn from rng. */
    public void train(RandomGenerator rng) {
        rnn.train(rng);
    }

    /** Disables dropout. */
    public void eval() {
        rnn.eval();
    }

    /** Forward over full-length sequences. */
    public Tensor forward(Tensor x) {
        return forward(x, null);
    }

    /**
     * Forward pass: (B, T, I) → (B, T, outputs) with {@link Head#EVERY_STEP}, (B, outputs) with
     * {@link Head#LAST_STEP}.
     *
     * @param lengths length of each sequence in [1, T], or null
     */
    public Tensor forward(Tensor x, int[] lengths) {
        return predict(run(x, lengths, null, null, null, false, 0), x);
    }

    /** Forward pass from the given initial states (null for zeros); see {@link #forward(Tensor, int[])}. */
    public Tensor forward(Tensor x, int[] lengths, State initial) {
        return forward(x, lengths, initial, null);
    }

    /**
     * Forward pass with timestamps: (B·T) seconds, batch-first, non-decreasing within each sequence (null for
     * none); cells that do not use time ignore them.
     */
    public Tensor forward(Tensor x, int[] lengths, State initial, double[] times) {
        return predict(run(x, lengths, initial == null ? null : initial.h(),
                initial == null ? null : initial.c(), times, false, 0), x);
    }

    /**
     * Forward pass over a window of longer sequences, for truncated BPTT: lengths may be 0 for sequences that
     * ended before the window (their states pass through). Continue with {@link #finalState()} as the next
     * window's initial state.
     */
    public Tensor forwardWindow(Tensor x, int[] lengths, State initial, double[] times) {
        return forwardWindow(x, lengths, initial, times, 0);
    }

    /** As {@link #forwardWindow(Tensor, int[], State, double[])} for a window starting at step {@code firstStep}. */
    public Tensor forwardWindow(Tensor x, int[] lengths, State initial, double[] times, int firstStep) {
        if (firstStep < 0) {
            throw new IllegalArgumentException("firstStep must be ≥ 0, got " + firstStep);
        }
        return predict(run(x, lengths, initial == null ? null : initial.h(),
                initial == null ? null : initial.c(), times, true, firstStep), x);
    }

    /** The network's forward; a last-step head needs only the final states, not the outputs of every step. */
    private Recurrent.Output run(Tensor x, int[] lengths, Tensor h0, Tensor c0, double[] times, boolean window,
                                 int firstStep) {
        if (headKind == Head.LAST_STEP) {
            return rnn.forwardStatesOnly(x, lengths, h0, c0, times, window, firstStep);
        }
        return window ? rnn.forwardWindow(x, lengths, h0, c0, times, firstStep) : rnn.forward(x, lengths, h0, c0, times);
    }

    /** The final states of the latest forward pass. */
    public State finalState() {
        if (finalState == null) {
            throw new IllegalStateException("no forward pass yet");
        }
        return finalState;
    }

    private Tensor predict(Recurrent.Output out, Tensor x) {
        forwardDone = false;
        finalState = new State(out.hN(), out.cN());
        batch = x.dim(0);
        steps = x.dim(1);
        float[] w = params.values();
        if (headKind == Head.EVERY_STEP) {
            headInput = out.output().data();
            Tensor y = Tensor.zeros(batch, steps, head.out);
            head.forward(cx, w, headInput, batch * steps, y.data());
            forwardDone = true;
            return y;
        }
        headInput = topFinalStates(out.hN());
        Tensor y = Tensor.zeros(batch, head.out);
        head.forward(cx, w, headInput, batch, y.data());
        forwardDone = true;
        return y;
    }

    /** (B, R·dirs): the top layer's final state of each direction, side by side. */
    private float[] topFinalStates(Tensor hN) {
        RecurrentConfig cfg = rnn.config();
        int dirs = cfg.directions();
        int r = cfg.outputSizePerDirection();
        float[] s = new float[batch * r * dirs];
        int top = (cfg.numLayers() - 1) * dirs;
        for (int dir = 0; dir < dirs; dir++) {
            for (int b = 0; b < batch; b++) {
                System.arraycopy(hN.data(), ((top + dir) * batch + b) * r, s, (b * dirs + dir) * r, r);
            }
        }
        return s;
    }

    /**
     * Backward pass for the latest forward, from the gradient of the loss with respect to the predictions.
     * Accumulates into {@link #parameters()}' gradients.
     *
     * @param dPrediction same shape as the last forward's result
     * @return the gradient with respect to the input x (B, T, I)
     */
    public Tensor backward(Tensor dPrediction) {
        return backward(dPrediction, true);
    }

    /**
     * As {@link #backward(Tensor)}; with {@code inputGradient} false the gradient with respect to x is neither
     * computed (one matrix product fewer per layer-0 direction) nor returned: null. What a trainer uses.
     */
    public Tensor backward(Tensor dPrediction, boolean inputGradient) {
        if (!forwardDone) {
            throw new IllegalStateException("backward called before forward");
        }
        RecurrentConfig cfg = rnn.config();
        int d = cfg.outputSize();
        int rows = headKind == Head.EVERY_STEP ? batch * steps : batch;
        if (dPrediction == null) {
            throw new IllegalArgumentException("dPrediction is missing");
        }
        if (headKind == Head.EVERY_STEP) {
            Inputs.checkShape("dPrediction", dPrediction, batch, steps, head.out);
        } else {
            Inputs.checkShape("dPrediction", dPrediction, batch, head.out);
        }
        if (headGradIn == null || headGradIn.length != rows * d) {
            headGradIn = new float[rows * d];
        }
        head.backward(cx, params.values(), params.grads(), headInput, dPrediction.data(), rows, headGradIn);
        if (headKind == Head.EVERY_STEP) {
            return rnn.backwardInternal(Tensor.of(headGradIn, batch, steps, d), null, inputGradient).dx();
        }
        int dirs = cfg.directions();
        int r = cfg.outputSizePerDirection();
        int states = cfg.numLayers() * dirs;
        Tensor dhN = Tensor.zeros(states, batch, r);
        int top = (cfg.numLayers() - 1) * dirs;
        for (int dir = 0; dir < dirs; dir++) {
            for (int b = 0; b < batch; b++) {
                System.arraycopy(headGradIn, (b * dirs + dir) * r, dhN.data(), ((top + dir) * batch + b) * r, r);
            }
        }
        return rnn.backwardInternal(null, dhN, inputGradient).dx();
    }

    /** Builds a model: the network's settings plus the head. */
    public static final class Builder extends NetworkBuilder<Builder> {
        private Head head = Head.LAST_STEP;
        private int outputSize = -1;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** Where the linear head reads the network; default {@link Head#LAST_STEP}. */
        public Builder head(Head head) {
            this.head = head;
            return this;
        }

        /** Number of outputs of the linear head: classes, or regression targets (required). */
        public Builder outputSize(int n) {
            this.outputSize = n;
            return this;
        }

        public SequenceModel build() {
            return new SequenceModel(new ModelConfig(config(), head, outputSize), initOrDefault(), seed, forgetBias,
                    computeOrDefault());
        }
    }
}
