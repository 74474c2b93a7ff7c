package org.rnn4j.nn;

import org.rnn4j.kernel.Compute;
import org.rnn4j.loss.LossValue;
import org.rnn4j.loss.Losses;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.ParamView;
import org.rnn4j.param.Parameters;
import org.rnn4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * An encoder-decoder for sequence to sequence (Sutskever, Vinyals &amp; Le 2014): an encoder network reads the
 * source tokens through an embedding, its final states start a decoder network, and the decoder predicts the
 * target one token at a time through its own embedding and a linear head over the target vocabulary.
 * <pre>
 * encoder   (h, c)_enc = Encoder(E_src[x_1 … x_S])            x reversed first with reverseInput
 * decoder   o_t = Decoder(E_tgt[y_{t−1}]; from (h, c)_enc),  y_0 = BOS
 * output    p(y_t | y_&lt;t, x) = softmax(W o_t + b)            y_{n+1} = EOS ends a target
 * </pre>
 * Training uses teacher forcing ({@link #forward}: the decoder reads the true previous tokens); inference decodes
 * greedily ({@link #greedy}) or by beam search ({@link #beam}). Both networks have the same cell, size and depth;
 * parameters are named like a PyTorch module with submodules {@code encoder}, {@code decoder},
 * {@code source_embedding}, {@code target_embedding} and {@code head}. Token ids of a target lie in
 * [0, targetVocab) and must not be BOS or EOS themselves. Not thread-safe; backward refers to the latest forward.
 */
public final class Seq2Seq {

    /**
     * @param sourceVocab  source token ids in [0, sourceVocab)
     * @param targetVocab  target token ids in [0, targetVocab), BOS and EOS among them
     * @param embeddingDim D, both embeddings
     * @param cell         the cell of both networks (a cell with timestamps runs with step indices as times)
     * @param hiddenSize   H of both networks
     * @param numLayers    layers of both networks
     * @param reverseInput whether the encoder reads each source backwards, as Sutskever et al. found to help
     * @param bos          the target id that starts decoding
     * @param eos          the target id that ends a target
     */
    public record Config(int sourceVocab, int targetVocab, int embeddingDim, CellSpec cell, int hiddenSize,
                         int numLayers, boolean reverseInput, int bos, int eos) {
        public Config {
            if (sourceVocab < 1 || targetVocab < 3 || embeddingDim < 1 || hiddenSize < 1 || numLayers < 1) {
                throw new IllegalArgumentException("vocabularies, sizes and layers must be positive (the target vocabulary"
                        + " at least 3: BOS, EOS and a token), got " + sourceVocab + ", " + targetVocab + ", "
                        + embeddingDim + ", " + hiddenSize + ", " + numLayers);
            }
            if (bos == eos || bos < 0 || eos < 0 || bos >= targetVocab || eos >= targetVocab) {
                throw new IllegalArgumentException("BOS and EOS must be two ids in [0, " + targetVocab + "), got " + bos
                        + " and " + eos);
            }
            java.util.Objects.requireNonNull(cell, "cell");
        }
    }

    private final Config config;
    private final Compute cx;
    private final Parameters params;
    private final ParamView sourceEmbedding;   // (V_src, D)
    private final ParamView targetEmbedding;   // (V_tgt, D)
    private final Recurrent encoder;
    private final Recurrent decoder;
    private final Linear head;                 // R → V_tgt

    // the latest teacher-forced forward
    private int batch;
    private int sourceSteps;
    private int targetSteps;                   // L = longest target + 1 (the EOS step)
    private int[] sourceTokens;                // (B·S) in the encoder's reading order, −1 past a length
    private int[] sourceLengths;
    private int[] decoderTokens;               // (B·L) y_{t−1}, −1 past a length
    private int[] targetClasses;               // (B·L) y_t then EOS, IGNORE past a length
    private int[] targetLengths;               // (B) |y| + 1
    private float[] decoderOutputs;            // (B·L, R)
    private boolean forwardDone;

    public Seq2Seq(Config config, long seed, Compute compute) {
        this.config = config;
        this.cx = compute == null ? Compute.serial() : compute;
        ParamLayout.Builder layout = ParamLayout.builder();
        RecurrentConfig net = new RecurrentConfig(config.cell(), config.embeddingDim(), config.hiddenSize(),
                config.numLayers(), false, 0f);
        this.sourceEmbedding = layout.add("source_embedding.weight", config.sourceVocab(), config.embeddingDim());
        this.targetEmbedding = layout.add("target_embedding.weight", config.targetVocab(), config.embeddingDim());
        this.encoder = new Recurrent(net, layout.prefixed("encoder."), cx, ScheduleOptions.DEFAULT);
        this.decoder = new Recurrent(net, layout.prefixed("decoder."), cx, ScheduleOptions.DEFAULT);
        this.head = new Linear(net.outputSize(), config.targetVocab(), layout, "head.");
        this.params = new Parameters(layout.build());
        encoder.bind(params);
        decoder.bind(params);
        RandomGenerator rng = new SplittableRandom(seed);
        Initializers.normal(params.values(), sourceEmbedding.offset(), sourceEmbedding.size(), 1f, rng);
        Initializers.normal(params.values(), targetEmbedding.offset(), targetEmbedding.size(), 1f, rng);
        encoder.initialize(Init.PYTORCH, rng);
        decoder.initialize(Init.PYTORCH, rng);
        head.initialize(params.values(), rng);
    }

    public Config config() {
        return config;
    }

    public Parameters parameters() {
        return params;
    }

    /** Dropout (none here) and the training-only terms of the cells on. */
    public void train(RandomGenerator rng) {
        encoder.train(rng);
        decoder.train(rng);
    }

    public void eval() {
        encoder.eval();
        decoder.eval();
    }

    /**
     * Teacher-forced forward over a batch: the logits (B, L, V_tgt) of every target token and of the EOS after it,
     * L = the longest target + 1. {@link #loss} and {@link #backward} follow.
     */
    public Tensor forward(int[][] source, int[][] target) {
        forwardDone = false;
        if (target == null || source == null || target.length != source.length || source.length == 0) {
            throw new IllegalArgumentException("source and target must be two non-empty batches of one size, got "
                    + (source == null ? "none" : source.length) + " and " + (target == null ? "none" : target.length));
        }
        State encoded = encode(source);
        int b = source.length;
        int l = 0;
        for (int i = 0; i < b; i++) {
            checkTokens("target " + i, target[i], config.targetVocab(), true);
            l = Math.max(l, target[i].length + 1);
        }
        targetSteps = l;
        decoderTokens = new int[b * l];
        targetClasses = new int[b * l];
        targetLengths = new int[b];
        Arrays.fill(decoderTokens, -1);
        Arrays.fill(targetClasses, Losses.IGNORE);
        for (int i = 0; i < b; i++) {
            int n = target[i].length;
            targetLengths[i] = n + 1;
            for (int t = 0; t <= n; t++) {
                decoderTokens[i * l + t] = t == 0 ? config.bos() : target[i][t - 1];
                targetClasses[i * l + t] = t < n ? target[i][t] : config.eos();
            }
        }
        Tensor in = embed(targetEmbedding, decoderTokens, b, l);
        Recurrent.Output out = decoder.forward(in, Sequences.of(targetLengths), encoded);
        decoderOutputs = out.output().data();
        Tensor logits = Tensor.zeros(b, l, config.targetVocab());
        head.forward(cx, params.values(), decoderOutputs, b * l, logits.data());
        forwardDone = true;
        return logits;
    }

    /** Mean cross-entropy of the latest forward's logits against its targets and EOS, padding excluded. */
    public LossValue loss(Tensor logits) {
        if (!forwardDone) {
            throw new IllegalStateException("loss needs a forward first");
        }
        return Losses.softmaxCrossEntropy(logits, targetClasses, targetLengths);
    }

    /** Backward from the gradient of the logits: accumulates every parameter's gradient. */
    public void backward(Tensor dLogits) {
        if (!forwardDone) {
            throw new IllegalStateException("backward called before forward");
        }
        int b = batch;
        int l = targetSteps;
        int r = decoder.config().outputSize();
        Inputs.checkShape("dLogits", dLogits, b, l, config.targetVocab());
        float[] dOut = new float[b * l * r];
        head.backward(cx, params.values(), params.grads(), decoderOutputs, dLogits.data(), b * l, dOut);
        Recurrent.InputGrads dec = decoder.backward(Tensor.of(dOut, b, l, r), null, null);
        scatter(targetEmbedding, decoderTokens, dec.dx());
        Recurrent.InputGrads enc = encoder.backward(null, dec.dh0(), dec.dc0());
        scatter(sourceEmbedding, sourceTokens, enc.dx());
    }

    /** Greedy decoding: at each step the most probable token, until EOS or {@code maxLength} tokens. */
    public int[][] greedy(int[][] source, int maxLength) {
        return beam(source, 1, maxLength);
    }

    /**
     * Beam search: the {@code width} most probable partial targets are extended token by token (log-probabilities
     * summed); a hypothesis ends at EOS; the most probable finished one is returned per sequence (or the best
     * unfinished one after {@code maxLength} tokens). Width 1 is greedy decoding. Runs in inference mode.
     */
    public int[][] beam(int[][] source, int width, int maxLength) {
        if (width < 1 || maxLength < 1) {
            throw new IllegalArgumentException("width and maxLength must be at least 1, got " + width + " and " + maxLength);
        }
        encoder.eval();
        decoder.eval();
        forwardDone = false;
        State encoded = encode(source);
        int[][] result = new int[source.length][];
        for (int i = 0; i < source.length; i++) {
            result[i] = beamOne(select(encoded, i), width, maxLength);
        }
        forwardDone = false;
        return result;
    }

    private record Hypothesis(int[] tokens, double logProb, State state) {
    }

    private int[] beamOne(State start, int width, int maxLength) {
        List<Hypothesis> live = List.of(new Hypothesis(new int[0], 0, start));
        Hypothesis best = null;
        int v = config.targetVocab();
        float[] logits = new float[v];
        for (int step = 0; step < maxLength && !live.isEmpty(); step++) {
            List<Hypothesis> next = new ArrayList<>();
            for (Hypothesis h : live) {
                int prev = h.tokens().length == 0 ? config.bos() : h.tokens()[h.tokens().length - 1];
                Recurrent.Output o = decoder.forward(embed(targetEmbedding, new int[] {prev}, 1, 1),
                        Sequences.ALL.window(step), h.state());
                Arrays.fill(logits, 0f);
                head.forward(cx, params.values(), o.output().data(), 1, logits);
                double max = Double.NEGATIVE_INFINITY;
                for (float z : logits) {
                    max = Math.max(max, z);
                }
                double norm = 0;
                for (float z : logits) {
                    norm += Math.exp(z - max);
                }
                double logNorm = max + Math.log(norm);
                for (int k = 0; k < v; k++) {
                    if (k == config.bos()) {
                        continue;
                    }
                    double lp = h.logProb() + logits[k] - logNorm;
                    if (k == config.eos()) {
                        if (best == null || lp > best.logProb()) {
                            best = new Hypothesis(h.tokens(), lp, null);
                        }
                        continue;
                    }
                    int[] tokens = Arrays.copyOf(h.tokens(), h.tokens().length + 1);
                    tokens[tokens.length - 1] = k;
                    next.add(new Hypothesis(tokens, lp, o.state()));
                }
            }
            next.sort((a, b) -> Double.compare(b.logProb(), a.logProb()));
            live = next.subList(0, Math.min(width, next.size()));
            if (best != null && (live.isEmpty() || live.get(0).logProb() < best.logProb())) {
                break;   // log-probabilities only fall: no live hypothesis can beat the best finished one
            }
        }
        if (best == null) {
            best = live.get(0);
        }
        return best.tokens();
    }

    /** Runs the encoder over a batch of sources (reversed when configured); its final states. */
    private State encode(int[][] source) {
        int b = source.length;
        int s = 0;
        for (int i = 0; i < b; i++) {
            checkTokens("source " + i, source[i], config.sourceVocab(), false);
            s = Math.max(s, source[i].length);
        }
        batch = b;
        sourceSteps = s;
        sourceTokens = new int[b * s];
        sourceLengths = new int[b];
        Arrays.fill(sourceTokens, -1);
        for (int i = 0; i < b; i++) {
            int n = source[i].length;
            sourceLengths[i] = n;
            for (int t = 0; t < n; t++) {
                sourceTokens[i * s + t] = source[i][config.reverseInput() ? n - 1 - t : t];
            }
        }
        return encoder.forward(embed(sourceEmbedding, sourceTokens, b, s), Sequences.of(sourceLengths), null).state();
    }

    /** Sequence i's states of a batch's (layers, B, ·) states, as a batch of one. */
    private static State select(State s, int i) {
        return new State(row(s.h(), i), s.c() == null ? null : row(s.c(), i));
    }

    private static Tensor row(Tensor t, int i) {
        int layers = t.dim(0);
        int b = t.dim(1);
        int w = t.dim(2);
        Tensor out = Tensor.zeros(layers, 1, w);
        for (int l = 0; l < layers; l++) {
            System.arraycopy(t.data(), (l * b + i) * w, out.data(), l * w, w);
        }
        return out;
    }

    /** (B, T, D): the embedding rows of the tokens, zeros where a token is −1. */
    private Tensor embed(ParamView table, int[] tokens, int b, int t) {
        int d = config.embeddingDim();
        float[] w = params.values();
        Tensor x = Tensor.zeros(b, t, d);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] >= 0) {
                System.arraycopy(w, table.offset() + tokens[i] * d, x.data(), i * d, d);
            }
        }
        return x;
    }

    /** Adds each step's input gradient (B, T, D) to its token's embedding row. */
    private void scatter(ParamView table, int[] tokens, Tensor dx) {
        int d = config.embeddingDim();
        float[] g = params.grads();
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] >= 0) {
                for (int j = 0; j < d; j++) {
                    g[table.offset() + tokens[i] * d + j] += dx.data()[i * d + j];
                }
            }
        }
    }

    private void checkTokens(String what, int[] tokens, int vocab, boolean target) {
        if (tokens == null || tokens.length == 0 && !target) {
            throw new IllegalArgumentException(what + " is empty; a source needs at least one token");
        }
        for (int k = 0; k < tokens.length; k++) {
            int id = tokens[k];
            if (id < 0 || id >= vocab || target && (id == config.bos() || id == config.eos())) {
                throw new IllegalArgumentException(what + ", token " + k + ": id " + id + " is outside [0, " + vocab
                        + ")" + (target ? " or is BOS/EOS" : ""));
            }
        }
    }
}
