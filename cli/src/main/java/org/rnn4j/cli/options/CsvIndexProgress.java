package org.rnn4j.cli.options;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.rnn4j.data.csv.CsvSequences;

import java.nio.file.Path;

/** A progress bar on stderr for the indexing pass over a large CSV file (over 32 MB), on a terminal only. */
public final class CsvIndexProgress implements CsvSequences.Progress {

    /** The indexing pass shows a progress bar for data larger than this. */
    private static final long PROGRESS_BYTES = 32L << 20;

    private final Path file;
    private ProgressBar bar;

    public CsvIndexProgress(Path file) {
        this.file = file;
    }

    @Override
    public void bytesRead(long done, long total) {
        if (bar == null && total > PROGRESS_BYTES && System.console() != null) {
            bar = new ProgressBarBuilder().setTaskName("reading " + file.getFileName())
                    .setInitialMax(total >> 20).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUnit(" MB", 1).showSpeed().build();
        }
        if (bar != null) {
            bar.stepTo(done >> 20);
        }
    }

    @Override
    public void finished() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
