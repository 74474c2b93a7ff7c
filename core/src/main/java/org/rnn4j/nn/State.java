package org.rnn4j.nn;

import org.rnn4j.tensor.Tensor;

/**
 * The recurrent states of a network, one row per layer and direction: h (layers·dirs, B, R) and, for cells with a
 * cell state (the LSTMs), c (layers·dirs, B, H), else null. Given as the initial state of a forward pass (null
 * for zeros, as either part), and returned as the final state.
 */
public record State(Tensor h, Tensor c) {
}
