package org.rnn4j.optim;

import org.rnn4j.param.Parameters;

import java.util.Map;

/**
 * Updates parameter values from their gradients. Every optimizer is one loop over the flat arrays of a
 * {@link Parameters}, written once in its {@link OptimizerSpec}; its state (moments, accumulators) lives in arrays
 * of the same layout.
 *
 * <p>Lifecycle: create it with its hyper-parameters, call {@link #step} once per mini-batch after the backward
 * pass (the gradients are read, not cleared), change the learning rate between steps for a schedule. State
 * arrays are allocated by the first step and the optimizer then stays bound to that parameter count.
 */
public interface Optimizer {

    /**
     * Applies one update to {@code params.values()} from {@code params.grads()}, over the trainable views only
     * ({@link org.rnn4j.param.ParamLayout#trainableRanges()}); buffers are never touched.
     */
    void step(Parameters params);

    float learningRate();

    void setLearningRate(float lr);

    /** Number of steps taken. */
    long steps();

    /**
     * The algorithm and its hyper-parameters: {@link #step} is its {@link OptimizerSpec#update} over every trainable
     * range, with this optimizer's state arrays, step number and learning rate.
     */
    OptimizerSpec spec();

    /** Name of the algorithm, e.g. {@code "adam"}. */
    String name();

    /**
     * The optimizer's state arrays by name (live, not copies), empty before the first step. With
     * {@link #steps()} this is everything a checkpoint needs to resume exactly.
     */
    Map<String, float[]> state();

    /** Restores a state saved from an optimizer of the same kind and parameter count. */
    void restore(long steps, Map<String, float[]> state);
}
