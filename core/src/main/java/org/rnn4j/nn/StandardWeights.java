package org.rnn4j.nn;

import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.ParamView;

/**
 * The four parameters every cell has, named the PyTorch way: W_ih (G, I), W_hh (G, R), b_ih (G), b_hh (G). The
 * products with them are the layer's {@link StepSchedule}'s.
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
