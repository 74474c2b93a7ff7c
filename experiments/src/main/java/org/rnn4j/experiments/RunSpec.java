package org.rnn4j.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * What one run of an experiment trains, as a record of the experiment (its model, condition and seed, and whatever
 * else the experiment needs to make the run). The {@link ExperimentDriver} knows a run only by its {@link #id()}.
 */
public interface RunSpec {

    /** The run's identity, which names its files. */
    RunId id();

    /** One run of each model for each seed 1..{@code seeds}, model by model: the usual plan of a comparison. */
    static <R extends RunSpec> List<R> everyModelAndSeed(List<String> models, int seeds,
                                                         BiFunction<String, Long, R> run) {
        List<R> runs = new ArrayList<>();
        for (String model : models) {
            for (long s = 1; s <= seeds; s++) {
                runs.add(run.apply(model, s));
            }
        }
        return runs;
    }
}
