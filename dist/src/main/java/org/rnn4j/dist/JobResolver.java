package org.rnn4j.dist;

import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.TrainConfig;

import java.util.function.Function;

/**
 * Turns a published {@link Job} into what a member needs to run its workers, from the job's
 * {@link Job#description()}: the application decides what the description holds (the {@code rnn4j} command
 * publishes its {@code train} command line) and how to read it. Called once per job on each {@link WorkerHost}, on
 * a thread of its own; it may read files (which must then be at the same path on every member).
 */
@FunctionalInterface
public interface JobResolver {

    /**
     * What a member builds for a job: the model factory (the same architecture and seed as the coordinator's; the
     * parameters come from the server), all the training data (the worker takes its shard of it), and the
     * training config (the worker's own seed is derived from its seed).
     */
    record Resolved(Function<Compute, SequenceModel> factory, Dataset train, TrainConfig config) {
    }

    /** @throws Exception with a message for the user when this member cannot run the job (e.g. a missing file) */
    Resolved resolve(Job job) throws Exception;
}
