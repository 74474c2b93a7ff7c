package org.rnn4j.nn;

import org.rnn4j.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * Step-by-step inference of a whole {@link SequenceModel}: its network's {@link RecurrentStream} (state carried
 * between calls, the same numbers as one pass over the whole sequence), its embedding in front and its head
 * applied to every step's top output. Created by {@link SequenceModel#stream(int)}. With a last-step head a step's
 * prediction is what the model would predict were the sequence to end there. It uses the model's buffers: do not
 * interleave it with forward and backward calls of the same model.
 */
public final class ModelStream {

    private final SequenceModel model;
    private final RecurrentStream stream;
    private final int batch;

    ModelStream(SequenceModel model, RecurrentStream stream, int batch) {
        this.model = model;
        this.stream = stream;
        this.batch = batch;
    }

    /** Feeds one step x (B, F) (with an embedding, column 0 holds the token ids) and returns (B, outputs). */
    public Tensor step(Tensor x) {
        return step(x, null);
    }

    /** As {@link #step(Tensor)} for a step that happened at {@code times} (B seconds; null for none). */
    public Tensor step(Tensor x, double[] times) {
        int f = model.config().inputSize();
        if (x == null || x.rank() != 2 || x.dim(0) != batch || x.dim(1) != f) {
            throw new IllegalArgumentException("x must have shape " + Tensor.shapeString(batch, f) + ", got "
                    + (x == null ? "none" : Tensor.shapeString(x.shape())));
        }
        Tensor in = model.streamInput(Tensor.of(x.data(), batch, 1, f));
        Tensor top = stream.step(Tensor.of(in.data(), batch, in.dim(2)), times);
        return model.applyHead(top, batch);
    }

    /** Sets every state back to zero. */
    public void reset() {
        stream.reset();
    }

    /**
     * Draws a class from each row of logits (B, C) at a temperature: softmax(z / T) sampled with {@code rng}; at
     * T = 0 the most probable class (the first of equals). Autoregressive generation feeds the draw back as the next
     * step's input.
     */
    public static int[] sample(Tensor logits, double temperature, RandomGenerator rng) {
        if (logits == null || logits.rank() != 2 || logits.dim(1) < 1) {
            throw new IllegalArgumentException("logits must have shape (B, C), got "
                    + (logits == null ? "none" : Tensor.shapeString(logits.shape())));
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("the temperature must be finite and ≥ 0, got " + temperature);
        }
        int b = logits.dim(0);
        int c = logits.dim(1);
        float[] z = logits.data();
        int[] out = new int[b];
        for (int i = 0; i < b; i++) {
            int best = 0;
            for (int k = 1; k < c; k++) {
                if (z[i * c + k] > z[i * c + best]) {
                    best = k;
                }
            }
            if (temperature == 0) {
                out[i] = best;
                continue;
            }
            double max = z[i * c + best];
            double[] p = new double[c];
            double sum = 0;
            for (int k = 0; k < c; k++) {
                p[k] = Math.exp((z[i * c + k] - max) / temperature);
                sum += p[k];
            }
            double u = rng.nextDouble() * sum;
            int k = 0;
            for (double acc = p[0]; acc <= u && k < c - 1; acc += p[++k]) {
                // walk the cumulative distribution to the draw
            }
            out[i] = k;
        }
        return out;
    }
}
