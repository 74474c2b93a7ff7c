package org.rnn4j.cli.options;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * What {@code rnn4j train} needs to train an autoregressive model instead of a task's: a text for a character
 * language model ({@code --text}), or a column of a CSV file for a next-value forecaster ({@code --series}); both
 * are cut into windows with a held-out tail.
 */
public final class AutoregressiveOptions {

    @Option(names = "--text", paramLabel = "FILE",
            description = "A character language model of a UTF-8 text: an embedding of its characters, the next"
                    + " character predicted at every step (cross-entropy), truncated BPTT (--tbptt, default 32)."
                    + " The vocabulary is kept in the model file; 'rnn4j sample' generates text with it.")
    Path text;

    @Option(names = "--series", paramLabel = "FILE.csv",
            description = "A next-value forecaster of one column (--column) of a CSV file with a header, one row per"
                    + " time step: standardised values in, the next value predicted at every step (MSE, teacher"
                    + " forcing). 'rnn4j forecast' runs it free for several steps.")
    Path series;

    @Option(names = "--column", paramLabel = "NAME", description = "--series: the column holding the series.")
    String column;

    @Option(names = "--fill-gaps",
            description = "--series: fill empty fields by linear interpolation (and drop those before the first and"
                    + " after the last value) instead of refusing them.")
    boolean fillGaps;

    @Option(names = "--difference",
            description = "--series: the model sees the changes y_t - y_(t-1), standardised, and forecasts add them up"
                    + " (for a series with a trend, which leaves the range of its training values).")
    boolean difference;

    @Option(names = "--window", paramLabel = "W",
            description = "Steps per training sequence, each starting from a zero state: characters for --text"
                    + " (default 128), values for --series (default 48).")
    Integer window;

    @Option(names = "--embedding", paramLabel = "D", description = "--text: dimension of the character embedding. Default: 32.")
    Integer embedding;

    @Option(names = "--holdout", paramLabel = "F",
            description = "The fraction at the end held out for validation and the final score. Default: 0.1 for"
                    + " --text, 0.2 for --series.")
    Double holdout;

    /** Whether --text or --series was given. */
    public boolean active() {
        return text != null || series != null;
    }

    /** --text, or null. */
    public Path text() {
        return text;
    }

    /** --series, or null. */
    public Path series() {
        return series;
    }

    /** --column, or null. */
    public String column() {
        return column;
    }

    public boolean fillGaps() {
        return fillGaps;
    }

    /** --difference. */
    public boolean difference() {
        return difference;
    }

    /** --window, or the default of --text (128) or --series (48). */
    public int window() {
        int w = window != null ? window : text != null ? 128 : 48;
        if (w < 2) {
            throw new IllegalArgumentException("--window must be at least 2, got " + w);
        }
        return w;
    }

    /** --embedding, or 32. */
    public int embedding() {
        int d = embedding != null ? embedding : 32;
        if (d < 1) {
            throw new IllegalArgumentException("--embedding must be at least 1, got " + d);
        }
        return d;
    }

    /** --holdout, or 0.1 for --text and 0.2 for --series; in (0, 0.9]. */
    public double holdout() {
        double f = holdout != null ? holdout : text != null ? 0.1 : 0.2;
        if (!(f > 0 && f <= 0.9)) {
            throw new IllegalArgumentException("--holdout must be a fraction in (0, 0.9], got " + f);
        }
        return f;
    }

    /** The file's name without its extension, for a run directory. */
    public String name() {
        Path f = text != null ? text : series;
        return f.getFileName().toString().replaceAll("(?i)\\.(txt|csv)$", "");
    }

    /**
     * Refuses options that do not go together: --text with --series, --column or --fill-gaps without --series,
     * --embedding without --text, --series without --column.
     */
    public void check() {
        if (text != null && series != null) {
            throw new IllegalArgumentException("give --text or --series, not both");
        }
        if (series == null && (column != null || fillGaps || difference)) {
            throw new IllegalArgumentException((column != null ? "--column" : fillGaps ? "--fill-gaps" : "--difference")
                    + " goes with --series");
        }
        if (series != null && column == null) {
            throw new IllegalArgumentException("--series " + series + " needs --column NAME, the column of the series");
        }
        if (text == null && embedding != null) {
            throw new IllegalArgumentException("--embedding goes with --text");
        }
        if (!active() && (window != null || holdout != null)) {
            throw new IllegalArgumentException((window != null ? "--window" : "--holdout") + " goes with --text or"
                    + " --series");
        }
    }
}
