package org.rnn4j.experiments;

/**
 * What one run of an experiment trains, as a record of the experiment (its model, condition and seed, and whatever
 * else the experiment needs to make the run). The {@link ExperimentDriver} knows a run only by its {@link #id()}.
 */
public interface RunSpec {

    /** The run's identity, which names its files. */
    RunId id();
}
