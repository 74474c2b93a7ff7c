package org.rnn4j.cli;

import picocli.CommandLine.Option;

/** The options of an experiment made of many runs ({@link RunGrid}): how many train at once, and resuming. */
final class RunGridOptions {

    @Option(names = "--jobs", paramLabel = "N",
            description = "Runs trained at once, each with threads / N compute threads. Default: one per compute thread"
                    + " (the small matrices of one run do not keep several threads busy; runs in parallel do).")
    Integer jobs;

    @Option(names = "--resume", description = "Keep the runs an earlier call with the same settings saved in DIR/runs"
            + " (each run is saved when it finishes) and make only the others; an unfinished run continues from its"
            + " last finished epoch (its training state is saved after every epoch).")
    boolean resume;

    @Option(names = "--verbose", description = "A line after every epoch of every run: the epoch, the learning curve's"
            + " value (as in the PNG) and the seconds so far.")
    boolean verbose;

    /** The runs to train at once: --jobs, or one per compute thread; at least 1. */
    int jobs(int threads) {
        int n = jobs != null ? jobs : threads;
        RunGrid.checkJobs(n);
        return n;
    }
}
