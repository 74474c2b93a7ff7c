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
 * Tensor logits = model.forward(x, Sequences.of(lengths), null);                        // (B, 5)
 * LossValue loss = Losses.softmaxCrossEntropy(logits, labels);
 * model.parameters().zeroGrad();
 * model.backward(loss.gradient());
 * }</pre>
 *
 * <p>With {@link Builder#embedding(int, int)} feature 0 of every step is a token id, looked up in a learned
 * table ({@code embedding.weight}, first in the layout) before the network (see {@link EmbeddingSpec}).
 *
 * <p>Lifecycle as for {@link Recurrent}: backward refers to the latest forward; not thread-safe.
 */
public final class SequenceModel {

    private final ModelConfig config;
    private final Embedding embedding;   // null without an embedding
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
    // with an embedding, sized for the latest (B, T) and reused while it stays the same
    private int[] tokens;        // (B·T) token of each valid step, −1 on padding
    private float[] embedded;    // (B, T, D + F − 1) the network's input

    private SequenceModel(ModelConfig config, Init init, long seed, float forgetBias, Compute cx,
                          ScheduleOptions options) {
        ParamLayout.Builder layout = ParamLayout.builder();
        this.config = config;
        this.cx = cx;
        this.embedding = config.embedding() == null ? null : new Embedding(config.embedding(), layout);
        this.rnn = new Recurrent(config.network(), layout, cx, options);
        this.head = new Linear(config.network().outputSize(), config.outputSize(), layout, "head.");
        this.headKind = config.head();
        this.params = new Parameters(layout.build());
        rnn.bind(params);
        RandomGenerator rng = new SplittableRandom(seed);
        rnn.initialize(init, rng);
        rnn.setForgetBias(forgetBias);
        head.initialize(params.values(), rng);
        if (embedding != null) {
            // drawn last, so the network and head start as they would without an embedding
            embedding.initialize(params.values(), rng);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A model of the given architecture with PyTorch-style initialisation from {@code seed}; to load saved values,
     * overwrite {@link #parameters()} afterwards.
     */
    public static SequenceModel create(ModelConfig config, long seed, Compute compute) {
        return new SequenceModel(config, Init.PYTORCH, seed, Float.NaN, compute == null ? Compute.serial() : compute,
                ScheduleOptions.DEFAULT);
    }

    /**
     * The parameter layout (names, offsets and shapes in the flat array) of every model of this architecture,
     * without allocating or initialising parameters; model files check their manifest against it.
     */
    public static ParamLayout layout(ModelConfig config) {
        // the same declarations, in the same order, as the constructor
        ParamLayout.Builder layout = ParamLayout.builder();
        if (config.embedding() != null) {
            new Embedding(config.embedding(), layout);
        }
        new Recurrent(config.network(), layout, Compute.serial(Kernels.scalar()), ScheduleOptions.DEFAULT);
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

    /** Forward over whole sequences of all T steps from zero states: {@link #forward(Tensor, Sequences, State)}. */
    public Tensor forward(Tensor x) {
        return forward(x, Sequences.ALL, null);
    }

    /**
     * Forward pass: (B, T, I) → (B, T, outputs) with {@link Head#EVERY_STEP}, (B, outputs) with
     * {@link Head#LAST_STEP}; backward may follow. For a window of longer sequences (truncated BPTT,
     * {@link Sequences#window}) continue with {@link #finalState()} as the next window's initial state.
     *
     * @param seqs    the lengths, timestamps and window of the batch; null for {@link Sequences#ALL}
     * @param initial the initial states; null, or a null part, for zeros
     */
    public Tensor forward(Tensor x, Sequences seqs, State initial) {
        Sequences s = seqs == null ? Sequences.ALL : seqs;
        Tensor in = networkInput(x, s.lengths(), s.minLength());
        Recurrent.Output out = headKind == Head.LAST_STEP ? rnn.forwardStatesOnly(in, s, initial)
                : rnn.forward(in, s, initial);   // a last-step head needs only the final states
        return predict(out, x);
    }

    /** Inference over whole sequences of all T steps from zero states: {@link #infer(Tensor, Sequences, State)}. */
    public Tensor infer(Tensor x) {
        return infer(x, Sequences.ALL, null);
    }

    /**
     * Inference: the predictions of {@link #forward(Tensor, Sequences, State)} in inference mode (no dropout,
     * no training-only terms; the model's mode is left as it was), computed in windows of at most
     * {@link Recurrent#INFER_WINDOW} steps, so that the memory for what backward would need does not grow with the
     * sequence length (see {@link Recurrent#infer}). What evaluation and prediction use; nothing is kept for
     * {@link #backward}, which needs a forward. Whole sequences only.
     */
    public Tensor infer(Tensor x, Sequences seqs, State initial) {
        return infer(x, seqs, initial, Recurrent.INFER_WINDOW);
    }

    /** As the public infer, in windows of at most {@code window} steps. */
    Tensor infer(Tensor x, Sequences seqs, State initial, int window) {
        Sequences s = seqs == null ? Sequences.ALL : seqs;
        Recurrent.Output out = rnn.infer(networkInput(x, s.lengths(), 1), s, initial, headKind == Head.EVERY_STEP,
                window);
        Tensor y = predict(out, x);
        forwardDone = false;
        return y;
    }

    /**
     * A stream over this model for step-by-step inference (autoregressive generation, online prediction): state is
     * kept between calls; see {@link ModelStream}. Only unidirectional models can stream.
     *
     * @param batch number of parallel streams B
     */
    public ModelStream stream(int batch) {
        return new ModelStream(this, rnn.stream(batch), batch);
    }

    /** A stream step's network input (B, 1, D): x itself, or its tokens embedded. */
    Tensor streamInput(Tensor x) {
        return networkInput(x, null, 1);
    }

    /** The head over a stream step's top outputs (B, R): (B, outputs). */
    Tensor applyHead(Tensor top, int b) {
        Tensor y = Tensor.zeros(b, head.out);
        head.forward(cx, params.values(), top.data(), b, y.data());
        return y;
    }

    /** x itself, or with an embedding the network's input [E[token], x[1 …]] (the tokens checked first). */
    private Tensor networkInput(Tensor x, int[] lengths, int minLength) {
        forwardDone = false;   // a forward that fails from here on leaves nothing for backward to use
        if (embedding == null) {
            return x;
        }
        int f = config.inputSize();
        Inputs.checkSequenceInput("x", x, f);
        int b = x.dim(0);
        int t = x.dim(1);
        Inputs.checkLengths(lengths, b, t, minLength);
        int width = config.network().inputSize();
        if (tokens == null || tokens.length != b * t) {
            embedded = new float[Tape.size("embedded input", t, b, width)];
            tokens = new int[b * t];
        }
        embedding.readTokens(x.data(), b, t, f, lengths, tokens);
        embedding.forward(params.values(), x.data(), f, tokens, embedded);
        return Tensor.of(embedded, b, t, width);
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
        finalState = out.state();
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
     * @return the gradient with respect to the input x (B, T, F); with an embedding, 0 in the token column
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
            throw new IllegalStateException("backward called before forward (infer keeps nothing for backward)");
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
            return inputGradient(rnn.backwardInternal(Tensor.of(headGradIn, batch, steps, d), null,
                    inputGradient || embedding != null).dx(), inputGradient);
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
        return inputGradient(rnn.backwardInternal(null, dhN, inputGradient || embedding != null).dx(), inputGradient);
    }

    /**
     * The network input's gradient as the model input's; with an embedding, scatter-adds into its gradient (which
     * needs the network input's gradient even when the caller does not want the model input's: then null).
     */
    private Tensor inputGradient(Tensor dNetworkInput, boolean wanted) {
        if (embedding == null) {
            return dNetworkInput;
        }
        int f = config.inputSize();
        Tensor dx = Tensor.zeros(batch, steps, f);
        embedding.backward(params.grads(), dNetworkInput.data(), f, tokens, dx.data());
        return wanted ? dx : null;
    }

    /** Builds a model: the network's settings plus the head. */
    public static final class Builder extends NetworkBuilder<Builder> {
        private Head head = Head.LAST_STEP;
        private int outputSize = -1;
        private EmbeddingSpec embedding;

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

        /**
         * Adds a learned input embedding ({@link EmbeddingSpec}): feature 0 of every step is a token id in
         * [0, numEmbeddings), looked up in {@code embedding.weight} (numEmbeddings, embeddingDim), N(0, 1) at
         * first; the network reads that vector followed by the other features. {@link #inputSize} then counts the
         * model's input features, the token included (default 1: the token alone).
         */
        public Builder embedding(int numEmbeddings, int embeddingDim) {
            this.embedding = new EmbeddingSpec(numEmbeddings, embeddingDim);
            return this;
        }

        public SequenceModel build() {
            RecurrentConfig network;
            if (embedding == null) {
                network = config();
            } else {
                int features = inputSize == -1 ? 1 : inputSize;
                if (features < 1) {
                    throw new IllegalArgumentException("inputSize must be at least 1 (the token id), got " + features);
                }
                network = config(embedding.embeddingDim() + features - 1);
            }
            return new SequenceModel(new ModelConfig(network, head, outputSize, embedding), initOrDefault(), seed,
                    forgetBias, computeOrDefault(), scheduleOptions);
        }
    }
}
