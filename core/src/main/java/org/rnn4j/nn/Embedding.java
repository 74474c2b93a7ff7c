package org.rnn4j.nn;

import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.ParamView;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A lookup table in front of the network: a model input x (B, T, F) whose column 0 holds token ids becomes the
 * network input (B, T, D + F − 1) = [E[token], x[1 … F−1]]. Shapes: E = {@code embedding.weight} (V, D),
 * initialised N(0, 1) like PyTorch's {@code nn.Embedding}. Padded steps (t ≥ length) are not looked up: their
 * rows of the network input are 0 and they add nothing to the gradient.
 */
final class Embedding {

    final EmbeddingSpec spec;
    final ParamView weight;   // (V, D)

    Embedding(EmbeddingSpec spec, ParamLayout.Builder layout) {
        this.spec = spec;
        this.weight = layout.add("embedding.weight", spec.numEmbeddings(), spec.embeddingDim());
    }

    void initialize(float[] w, RandomGenerator rng) {
        Initializers.normal(w, weight.offset(), weight.size(), 1f, rng);
    }

    /** Features per step of the model input for a network that reads {@code networkInput} features. */
    int modelInputSize(int networkInput) {
        return networkInput - spec.embeddingDim() + 1;
    }

    /**
     * Reads and checks the token ids of the valid steps.
     *
     * @param x      (B, T, F) model input, not modified
     * @param tokens (B·T) written: the token of every valid step, −1 for padded steps
     */
    void readTokens(float[] x, int batch, int steps, int features, int[] lengths, int[] tokens) {
        int v = spec.numEmbeddings();
        for (int b = 0; b < batch; b++) {
            int len = lengths == null ? steps : lengths[b];
            for (int t = 0; t < steps; t++) {
                int row = b * steps + t;
                if (t >= len) {
                    tokens[row] = -1;
                    continue;
                }
                float id = x[row * features];
                if (!(id >= 0f && id < v && id == Math.rint(id))) {
                    throw new IllegalArgumentException("input x[" + b + ", " + t + ", 0] = " + id + " is not a token id:"
                            + " with an embedding of " + v + " tokens, feature 0 must be an integer in [0, " + (v - 1) + "]");
                }
                tokens[row] = (int) id;
            }
        }
    }

    /**
     * y (B·T, D + F − 1) = [E[token], x[1 … F−1]] row by row, 0 on padded rows; overwritten.
     *
     * @param x (B·T, F) model input, not modified
     */
    void forward(float[] w, float[] x, int features, int[] tokens, float[] y) {
        int d = spec.embeddingDim();
        int width = d + features - 1;
        for (int row = 0; row < tokens.length; row++) {
            int yOff = row * width;
            if (tokens[row] < 0) {
                Arrays.fill(y, yOff, yOff + width, 0f);
                continue;
            }
            System.arraycopy(w, weight.offset() + tokens[row] * d, y, yOff, d);
            System.arraycopy(x, row * features + 1, y, yOff + d, features - 1);
        }
    }

    /**
     * dE[token] += dy[row, 0 … D−1] (scatter-add; a token seen twice gets both rows), and dx (B·T, F) overwritten
     * with [0, dy[row, D …]]: the token id has no gradient, the other features get theirs.
     *
     * @param dy (B·T, D + F − 1) gradient of the network input, not modified
     */
    void backward(float[] g, float[] dy, int features, int[] tokens, float[] dx) {
        int d = spec.embeddingDim();
        int width = d + features - 1;
        for (int row = 0; row < tokens.length; row++) {
            int yOff = row * width;
            int xOff = row * features;
            dx[xOff] = 0f;
            System.arraycopy(dy, yOff + d, dx, xOff + 1, features - 1);
            if (tokens[row] < 0) {
                continue;
            }
            int gOff = weight.offset() + tokens[row] * d;
            for (int j = 0; j < d; j++) {
                g[gOff + j] += dy[yOff + j];
            }
        }
    }
}
