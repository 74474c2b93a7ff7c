package org.rnn4j.cli.options;

import org.rnn4j.experiments.ExperimentDriver;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The options every experiment takes, for its {@link ExperimentDriver}: compute threads, how many runs train at
 * once, resuming, a line per epoch, and the output directory.
 */
public final class ExperimentOptions {

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads. Default: the number of cores.")
    Integer threads;

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

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory. Default: runs/${COMMAND-NAME}.")
    Path out;

    /**
     * The driver's options: --threads (default: the cores), --jobs (default: one per thread), --resume, --verbose and
     * --out (default: runs/EXPERIMENT).
     */
    public ExperimentDriver.Options driverOptions(String experiment) {
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (nThreads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + nThreads);
        }
        int nJobs = jobs != null ? jobs : nThreads;
        if (nJobs < 1) {
            throw new IllegalArgumentException("--jobs must be at least 1, got " + nJobs);
        }
        return new ExperimentDriver.Options(out != null ? out : Path.of("runs", experiment), resume, nJobs, nThreads,
                verbose);
    }

    /** The value of a count option, or its default; at least 1. */
    public static int count(Integer given, int otherwise, String option) {
        int v = given != null ? given : otherwise;
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + v);
        }
        return v;
    }

    /** A comma-separated list of names, each one of {@code allowed} (case ignored), without repeats. */
    public static List<String> names(String text, List<String> allowed, String option) {
        List<String> out = new ArrayList<>();
        for (String s : text.split(",")) {
            String v = s.trim().toLowerCase(Locale.ROOT);
            if (!allowed.contains(v)) {
                throw new IllegalArgumentException(option + ": unknown '" + s.trim() + "'; choose from " + allowed);
            }
            if (!out.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    /** A positive learning rate. */
    public static float rate(float lr) {
        if (!(lr > 0f)) {
            throw new IllegalArgumentException("--lr must be positive, got " + lr);
        }
        return lr;
    }
}
