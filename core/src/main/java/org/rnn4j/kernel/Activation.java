package org.rnn4j.kernel;

/**
 * Elementwise activations. Each derivative is written through the activation's output y = f(x), which is
 * what the backward passes keep.
 */
public enum Activation {
    /** 1 / (1 + e^-x); f' = y (1 - y). */
    SIGMOID,
    /** tanh x; f' = 1 - y². */
    TANH,
    /** max(0, x); f' = 1 where y > 0 (0 at the kink). */
    RELU,
    /** clamp(0.2 x + 0.5, 0, 1) as in Keras; f' = 0.2 where 0 < y < 1. */
    HARD_SIGMOID,
    /** x; f' = 1. */
    IDENTITY;

    /** Scalar reference value of f(x). */
    public float apply(float x) {
        return switch (this) {
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
            case TANH -> (float) Math.tanh(x);
            case RELU -> x > 0f ? x : 0f;
            case HARD_SIGMOID -> Math.max(0f, Math.min(1f, 0.2f * x + 0.5f));
            case IDENTITY -> x;
        };
    }

    /** Scalar reference value of f'(x) expressed through y = f(x). */
    public float derivativeFromOutput(float y) {
        return switch (this) {
            case SIGMOID -> y * (1f - y);
            case TANH -> 1f - y * y;
            case RELU -> y > 0f ? 1f : 0f;
            case HARD_SIGMOID -> (y > 0f && y < 1f) ? 0.2f : 0f;
            case IDENTITY -> 1f;
        };
    }
}
