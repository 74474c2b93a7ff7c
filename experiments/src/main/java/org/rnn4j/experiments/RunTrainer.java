package org.rnn4j.experiments;

import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.TrainConfig;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Trains a run's model some other way than the single-JVM {@link Training}: the {@code rnn4j} command's asynchronous
 * SGD over several workers (module dist) implements it, so that an experiment can train the same models either way
 * without depending on that module. An experiment hands over the ingredients of a run and scores what comes back.
 */
public interface RunTrainer {

    /**
     * What a run's training gave.
     *
     * @param model        the trained parameters, in a model built by the factory
     * @param curve        the validation score after each epoch
     * @param epochSeconds wall-clock seconds from the start of training to the end of each epoch
     * @param seconds      wall-clock seconds of the whole training
     * @param extras       what the trainer measured besides (JSON values), kept with the run
     */
    record Trained(SequenceModel model, List<Double> curve, List<Double> epochSeconds, double seconds,
                   Map<String, Object> extras) {
    }

    /** How many model replicas train at once. */
    int workers();

    /** A few words on how runs are trained, for the experiment's opening lines. */
    String describe();

    /**
     * Trains a model made by {@code factory} on {@code train}, scoring {@code validation} with {@code score} after
     * every epoch.
     *
     * @param id          the run, to name what is printed
     * @param description how other JVMs rebuild these ingredients (see the experiment's own resolver), or null
     * @param threads     compute threads in all
     */
    Trained train(RunId id, String description, Function<Compute, SequenceModel> factory, Dataset train,
                  Dataset validation, TrainConfig config, Optimizer optimizer, Score score, int threads)
            throws Exception;
}
