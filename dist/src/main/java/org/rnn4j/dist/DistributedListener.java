package org.rnn4j.dist;

import org.rnn4j.train.TrainListener;

/**
 * Receives the progress of a {@link DistributedTrainer}; every method has an empty default. {@link #onStep} is
 * called on the threads of the workers in this JVM, several at once; the others on the coordinator's thread. An
 * implementation must be thread-safe.
 */
public interface DistributedListener {

    /** After every mini-batch of a worker that runs in this JVM (workers on other members do not call it). */
    default void onStep(int worker, TrainListener.StepRecord step) {
    }

    /** About once a second, for all workers wherever they run. */
    default void onProgress(DistributedProgress progress) {
    }

    /** When every worker has finished an epoch, with the validation result if there is validation data. */
    default void onEpoch(DistributedProgress.Epoch epoch) {
    }

    /** A worker stopped or failed, a member joined or was lost, a data shard was taken over, a checkpoint written. */
    default void onEvent(String message) {
    }
}
