package org.rnn4j.cli.options;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** The options of a model with several input streams (rnn4j train on an archive of x0, t0, x1, t1, …, y). */
public final class StreamOptions {

    @Option(names = "--stream-hidden", paramLabel = "H0,H1,...",
            description = "Several streams: the hidden size of each stream's network. Default: --hidden for each.")
    String hidden;

    @Option(names = "--stream-period", paramLabel = "MIN:MAX,...",
            description = "Several streams, --cell plstm: each stream's initial period range, e.g. 10:100,40:400 for"
                    + " audio in ms and video. Default: --period for each.")
    String period;

    /** Each of {@code streams} streams' hidden size: --stream-hidden, or {@code otherwise} for each. */
    public List<Integer> hiddenSizes(int streams, int otherwise) {
        List<Integer> out = new ArrayList<>();
        if (hidden == null) {
            for (int k = 0; k < streams; k++) {
                out.add(otherwise);
            }
            return out;
        }
        String[] parts = hidden.split(",");
        if (parts.length != streams) {
            throw new IllegalArgumentException("--stream-hidden lists " + parts.length + " sizes, but the data has "
                    + streams + " streams");
        }
        for (String p : parts) {
            try {
                int h = Integer.parseInt(p.trim());
                if (h < 1) {
                    throw new NumberFormatException();
                }
                out.add(h);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--stream-hidden takes positive integers, got '" + p.trim() + "'");
            }
        }
        return out;
    }

    /** Each stream's [min, max] period, or null when --stream-period is not given. */
    public List<double[]> periods(int streams) {
        if (period == null) {
            return null;
        }
        String[] parts = period.split(",");
        if (parts.length != streams) {
            throw new IllegalArgumentException("--stream-period lists " + parts.length + " ranges, but the data has "
                    + streams + " streams");
        }
        List<double[]> out = new ArrayList<>();
        for (String p : parts) {
            String[] mm = p.trim().split(":");
            try {
                if (mm.length != 2) {
                    throw new NumberFormatException();
                }
                double min = Double.parseDouble(mm[0]);
                double max = Double.parseDouble(mm[1]);
                if (!(min > 0 && max >= min) || Double.isInfinite(max)) {
                    throw new NumberFormatException();
                }
                out.add(new double[] {min, max});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--stream-period takes MIN:MAX ranges with 0 < MIN <= MAX, got '"
                        + p.trim() + "'");
            }
        }
        return out;
    }
}
