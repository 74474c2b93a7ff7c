package org.rnn4j.nn;

/**
 * How the weights of a recurrent layer are initialised.
 */
public enum Init {
    /**
     * PyTorch's default: every parameter (weights, biases, projection, peepholes) drawn from U(-k, k) with
     * k = 1/sqrt(H).
     */
    PYTORCH,
    /**
     * Keras' default: W_ih Glorot-uniform, W_hh orthogonal per gate block, W_hr Glorot-uniform, biases and
     * peepholes zero, and the LSTM forget-gate bias 1 (Keras {@code unit_forget_bias}).
     */
    GLOROT_ORTHOGONAL,
    /**
     * IRNN (Le, Jaitly &amp; Hinton 2015): W_hh the identity, W_ih drawn from N(0, 0.001²), biases zero. Meant for
     * the ReLU RNN; for gated cells the identity is used for each gate block.
     */
    IDENTITY
}
