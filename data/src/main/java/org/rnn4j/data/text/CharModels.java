package org.rnn4j.data.text;

import org.rnn4j.nn.ModelStream;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.nn.State;
import org.rnn4j.tensor.Tensor;

import java.util.function.IntConsumer;
import java.util.random.RandomGenerator;

/**
 * A character language model at work: a {@link SequenceModel} with an embedding of the text's V characters (x holds
 * a token id per step) and a head of V classes on every step, trained to predict each character's successor (see
 * {@link CharText#windows}). It scores a text in bits per character and generates text one character at a time.
 */
public final class CharModels {

    /** Characters per forward pass when scoring: memory stays bounded for any text length. */
    private static final int CHUNK = 512;

    private CharModels() {
    }

    /**
     * Bits per character of {@code text} after {@code context}: −log₂ p(c_i | everything before it) averaged over
     * the characters of {@code text}, with the state carried through the context and the whole text, read in chunks
     * (the model is switched to inference mode). Without a context the first character has nothing to be predicted
     * from and is not scored.
     *
     * @param context tokens read first and not scored (e.g. the training text before a held-out tail); may be empty
     * @param text    the scored tokens
     */
    public static double bitsPerCharacter(SequenceModel model, int[] context, int[] text) {
        requireCharacterModel(model);
        int n = context.length + text.length;
        if (text.length == 0 || n < 2) {
            throw new IllegalArgumentException("nothing to score: " + text.length + " characters after a context of "
                    + context.length);
        }
        int[] all = new int[n];
        System.arraycopy(context, 0, all, 0, context.length);
        System.arraycopy(text, 0, all, context.length, text.length);
        int v = model.outputSize();
        double nats = 0;
        long scored = 0;
        model.eval();   // no dropout, no training-only terms
        State state = null;
        for (int start = 0; start < n - 1; start += CHUNK) {
            int end = Math.min(n - 1, start + CHUNK);   // inputs all[start, end) predict all[start + 1, end + 1)
            Tensor x = Tensor.zeros(1, end - start, 1);
            for (int t = start; t < end; t++) {
                x.data()[t - start] = all[t];
            }
            // forward rather than infer: infer runs whole sequences only, and a chunk is a window of one
            Tensor logits = model.forward(x, Sequences.ALL.window(start), state);   // (1, T, V)
            state = model.finalState();
            for (int t = start; t < end; t++) {
                if (t + 1 < context.length) {
                    continue;
                }
                nats += -logSoftmax(logits.data(), (t - start) * v, v, all[t + 1]);
                scored++;
            }
        }
        return nats / scored / Math.log(2);
    }

    /**
     * Generates {@code length} characters: the model reads {@code prime} step by step (its state carried by a
     * {@link ModelStream}), then each character is drawn from softmax(logits / temperature) ({@link
     * ModelStream#sample}; the most probable at temperature 0), handed to {@code out} at once, and fed back as the
     * next input.
     *
     * @param prime at least one token
     * @param rng   the draws; the same seed gives the same text
     * @param out   receives each generated token as soon as it is drawn
     */
    public static void generate(SequenceModel model, int[] prime, int length, double temperature,
                                RandomGenerator rng, IntConsumer out) {
        requireCharacterModel(model);
        if (prime.length == 0) {
            throw new IllegalArgumentException("generation needs at least one character to start from");
        }
        if (length < 0) {
            throw new IllegalArgumentException("the length must be 0 or more, got " + length);
        }
        model.eval();
        ModelStream stream = model.stream(1);
        Tensor x = Tensor.zeros(1, 1);
        Tensor logits = null;
        for (int token : prime) {
            x.data()[0] = token;
            logits = stream.step(x);
        }
        for (int i = 0; i < length; i++) {
            int next = ModelStream.sample(logits, temperature, rng)[0];
            out.accept(next);
            if (i + 1 < length) {
                x.data()[0] = next;
                logits = stream.step(x);
            }
        }
    }

    /**
     * Refuses a model that is not a character model: one token per step through an embedding of V characters, V
     * classes on every step.
     */
    public static void requireCharacterModel(SequenceModel model) {
        var config = model.config();
        if (config.embedding() == null || config.inputSize() != 1
                || config.head() != org.rnn4j.nn.Head.EVERY_STEP
                || config.embedding().numEmbeddings() != model.outputSize()) {
            throw new IllegalArgumentException("a character model reads one token per step through an embedding of its"
                    + " V characters and predicts V classes on every step; this model is " + config);
        }
    }

    /** log softmax(z)[k] of the V logits at z[offset, offset + V). */
    private static double logSoftmax(float[] z, int offset, int v, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            max = Math.max(max, z[offset + j]);
        }
        double sum = 0;
        for (int j = 0; j < v; j++) {
            sum += Math.exp(z[offset + j] - max);
        }
        return z[offset + k] - max - Math.log(sum);
    }
}
