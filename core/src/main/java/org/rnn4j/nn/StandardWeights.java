package org.rnn4j.nn;

import org.rnn4j.kernel.Compute;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.ParamView;

/**
 * The four parameters every cell has, named the PyTorch way, and the whole-sequence products on them:
 * W_ih (G, I), W_hh (G, R), b_ih (G), b_hh (G).
 */
final class StandardWeights {

    final int inputSize;
    final int gateWidth;
    final int recurrentSize;
    final ParamView wih;
    final ParamView whh;
    final ParamView bih;
    final ParamView bhh;

    StandardWeights(ParamLayout.Builder layout, String suffix, int gateWidth, int inputSize, int recurrentSize) {
        this.inputSize = inputSize;
        this.gateWidth = gateWidth;
        this.recurrentSize = recurrentSize;
        this.wih = layout.add("weight_ih" + suffix, gateWidth, inputSize);
        this.whh = layout.add("weight_hh" + suffix, gateWidth, recurrentSize);
        this.bih = layout.add("bias_ih" + suffix, gateWidth);
        this.bhh = layout.add("bias_hh" + suffix, gateWidth);
    }

    /**
     * pre (rows, G) = x (rows, I) · W_ihᵀ + b_ih, plus b_hh when {@code foldRecurrentBias} (cells whose
     * recurrent bias enters the pre-activation additively).
     */
    void project(Compute cx, float[] w, float[] x, int xOff, int rows, float[] pre, boolean foldRecurrentBias) {
        java.util.Arrays.fill(pre, 0, rows * gateWidth, 0f);
        cx.kernels().addRowBias(rows, gateWidth, w, bih.offset(), pre, 0, gateWidth);
        if (foldRecurrentBias) {
            cx.kernels().addRowBias(rows, gateWidth, w, bhh.offset(), pre, 0, gateWidth);
        }
        cx.multTransBAdd(rows, gateWidth, inputSize, x, xOff, inputSize, w, wih.offset(), inputSize, pre, 0, gateWidth);
    }

    /**
     * From the gate gradients dA (rows, G): dW_ih += dAᵀ·x, db_ih += Σ_rows dA, and dx += dA·W_ih when dx is
     * not null.
     */
    void inputGrads(Compute cx, float[] w, float[] g, int rows, float[] dA, float[] x, int xOff, float[] dx, int dxOff) {
        cx.multTransAAdd(gateWidth, inputSize, rows, dA, 0, gateWidth, x, xOff, inputSize, g, wih.offset(), inputSize);
        cx.kernels().sumRowsAdd(rows, gateWidth, dA, 0, gateWidth, g, bih.offset());
        if (dx != null) {
            cx.multAdd(rows, inputSize, gateWidth, dA, 0, gateWidth, w, wih.offset(), inputSize, dx, dxOff, inputSize);
        }
    }

    /**
     * From the gradients dRec (rows, G) of the recurrent product's output: dW_hh += dRecᵀ·hPrev and
     * db_hh += Σ_rows dRec, with hPrev (rows, R) the states each product read.
     */
    void recurrentGrads(Compute cx, float[] g, int rows, float[] dRec, float[] hPrev, int hPrevOff) {
        cx.multTransAAdd(gateWidth, recurrentSize, rows, dRec, 0, gateWidth, hPrev, hPrevOff, recurrentSize,
                g, whh.offset(), recurrentSize);
        cx.kernels().sumRowsAdd(rows, gateWidth, dRec, 0, gateWidth, g, bhh.offset());
    }

    /**
     * Initialises W_ih, W_hh and both biases. Gate blocks are {@code hidden} rows each.
     */
    void initialize(float[] w, Init init, int hidden, java.util.random.RandomGenerator rng) {
        int gates = gateWidth / hidden;
        switch (init) {
            case PYTORCH -> {
                float k = (float) (1.0 / Math.sqrt(hidden));
                Initializers.uniform(w, wih.offset(), wih.size(), k, rng);
                Initializers.uniform(w, whh.offset(), whh.size(), k, rng);
                Initializers.uniform(w, bih.offset(), bih.size(), k, rng);
                Initializers.uniform(w, bhh.offset(), bhh.size(), k, rng);
            }
            case GLOROT_ORTHOGONAL -> {
                // Keras treats the kernel (I, G) as one matrix for the fan; so do we.
                Initializers.glorotUniform(w, wih.offset(), gateWidth, inputSize, rng);
                for (int q = 0; q < gates; q++) {
                    Initializers.orthogonal(w, whh.offset() + q * hidden * recurrentSize, hidden, recurrentSize, rng);
                }
                Initializers.fill(w, bih.offset(), bih.size(), 0f);
                Initializers.fill(w, bhh.offset(), bhh.size(), 0f);
            }
            case IDENTITY -> {
                Initializers.normal(w, wih.offset(), wih.size(), 0.001f, rng);
                for (int q = 0; q < gates; q++) {
                    Initializers.identity(w, whh.offset() + q * hidden * recurrentSize, hidden, recurrentSize);
                }
                Initializers.fill(w, bih.offset(), bih.size(), 0f);
                Initializers.fill(w, bhh.offset(), bhh.size(), 0f);
            }
        }
    }
}
