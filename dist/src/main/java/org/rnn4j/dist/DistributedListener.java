package org.rnn4j.dist;

import org.rnn4j.train.TrainListener;

/**
 * Receives the progress of a {@link DistributedTrainer}; every method has an empty default. Called on the workers'
 * threads, several at once: an implementation must be thread-safe.
 */
public interface DistributedListener {

    /** After every mini-batch of a worker. */
    default void onStep(int worker, TrainListener.StepRecord step) {
    }

    /** A worker stopped or failed, a member was lost, a data shard was taken over, a checkpoint was written. */
    default void onEvent(String message) {
    }
}
