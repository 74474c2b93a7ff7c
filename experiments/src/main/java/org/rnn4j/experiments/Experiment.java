package org.rnn4j.experiments;

import org.rnn4j.kernel.Compute;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An experiment of the literature: a list of runs (model × condition × seed), how to make one, and the report over
 * all of them. {@link ExperimentDriver#run} makes the runs, in parallel and resumably, and then calls
 * {@link #report}. An experiment is built from its settings record, with its data read (and any bad setting or
 * missing file refused) before the driver writes anything.
 *
 * @param <R> the experiment's run specification
 */
public interface Experiment<R extends RunSpec> {

    /** The experiment's name, e.g. {@code plstm-frequency}. */
    String name();

    /**
     * The settings the runs depend on, as JSON values: a run saved by an earlier call is taken up only if it was made
     * with equal settings, so that one table never mixes runs of different experiments.
     */
    Map<String, Object> settings();

    /** The runs to make, in the order of the report. */
    List<R> runs();

    /** What is about to run, a line or a few, printed before the first run. */
    String describe(ExperimentDriver.Options options);

    /**
     * Makes one run.
     *
     * @param compute    the compute threads of this run (runs made at once have one each)
     * @param checkpoint the run's training state: continue after its saved epochs, save after every epoch
     */
    RunResult run(R run, Compute compute, RunCheckpoint checkpoint) throws Exception;

    /** One line about a finished run. */
    String line(RunResult result);

    /** Writes the tables, charts and JSON of all the runs into {@code out} and says so on {@code out}. */
    void report(List<RunResult> results, Path out, PrintWriter pw) throws IOException;
}
