package org.rnn4j.train;

import org.rnn4j.param.Parameters;

/**
 * What a {@link Trainer} does with the gradients of an update once they are clipped and known to be finite. The
 * local one sets the optimizer's learning rate and steps it ({@link #local}); a distributed one pushes the
 * gradients to a parameter server and fetches its parameters back into the replica.
 *
 * <p>Called on the training thread, once per optimizer update (several times per mini-batch with truncated BPTT).
 */
@FunctionalInterface
public interface Updater {

    /**
     * @param params       the model's parameters; the gradients are clipped and finite and must not be changed;
     *                     the values may be replaced
     * @param learningRate the scheduled learning rate of this update
     * @param step         mini-batches done before this one (the step the schedule was evaluated at)
     */
    void update(Parameters params, float learningRate, long step);

    /** The optimizer at the given rate: {@code optimizer.setLearningRate(lr); optimizer.step(params)}. */
    static Updater local(org.rnn4j.optim.Optimizer optimizer) {
        return (params, lr, step) -> {
            optimizer.setLearningRate(lr);
            optimizer.step(params);
        };
    }
}
