package org.rnn4j.data.event;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The events of one recording, in time order: event i happened at {@code timeMicros[i]} µs at sensor pixel
 * ({@code x[i]}, {@code y[i]}) of a {@code width × height} field, with polarity {@code on[i]} (ON: brighter,
 * OFF: darker). As one integer, an event is the token {@code (y·width + x)·2 + (on ? 1 : 0)}, one of
 * {@code width·height·2} (2312 on N-MNIST's 34 × 34 field).
 */
public record EventStream(int width, int height, int[] timeMicros, short[] x, short[] y, boolean[] on) {

    public EventStream {
        int n = timeMicros.length;
        if (x.length != n || y.length != n || on.length != n) {
            throw new IllegalArgumentException("an event stream needs as many x, y and polarities as times, got "
                    + n + ", " + x.length + ", " + y.length + ", " + on.length);
        }
        for (int i = 0; i < n; i++) {
            if (x[i] < 0 || x[i] >= width || y[i] < 0 || y[i] >= height) {
                throw new IllegalArgumentException("event " + i + " at (" + x[i] + ", " + y[i] + ") lies outside the "
                        + width + " × " + height + " field");
            }
            if (i > 0 && timeMicros[i] < timeMicros[i - 1]) {
                throw new IllegalArgumentException("event " + i + " at " + timeMicros[i] + " µs comes before event "
                        + (i - 1) + " at " + timeMicros[i - 1] + " µs");
            }
        }
    }

    /** Number of events. */
    public int size() {
        return timeMicros.length;
    }

    /** Distinct tokens: width · height · 2. */
    public int vocabulary() {
        return width * height * 2;
    }

    /** Event i as a token in [0, {@link #vocabulary()}). */
    public int token(int i) {
        return (y[i] * width + x[i]) * 2 + (on[i] ? 1 : 0);
    }

    /** How many events are ON. */
    public int onCount() {
        int n = 0;
        for (boolean b : on) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /**
     * At most {@code max} events, drawn uniformly without replacement and kept in time order; this stream itself
     * when it has no more than {@code max}.
     */
    public EventStream subsample(int max, RandomGenerator rng) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        int n = size();
        if (n <= max) {
            return this;
        }
        // Floyd's sampling of max distinct indices, then time order
        boolean[] chosen = new boolean[n];
        for (int j = n - max; j < n; j++) {
            int r = rng.nextInt(j + 1);
            chosen[chosen[r] ? j : r] = true;
        }
        int[] keep = new int[max];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (chosen[i]) {
                keep[k++] = i;
            }
        }
        return select(keep);
    }

    /** The events at these increasing indices. */
    EventStream select(int[] indices) {
        int m = indices.length;
        int[] t = new int[m];
        short[] xs = new short[m];
        short[] ys = new short[m];
        boolean[] p = new boolean[m];
        for (int k = 0; k < m; k++) {
            int i = indices[k];
            t[k] = timeMicros[i];
            xs[k] = x[i];
            ys[k] = y[i];
            p[k] = on[i];
        }
        return new EventStream(width, height, t, xs, ys, p);
    }

    @Override
    public String toString() {
        return size() + " events on " + width + "×" + height + (size() == 0 ? ""
                : " from " + timeMicros[0] + " to " + timeMicros[size() - 1] + " µs");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventStream e && width == e.width && height == e.height
                && Arrays.equals(timeMicros, e.timeMicros) && Arrays.equals(x, e.x) && Arrays.equals(y, e.y)
                && Arrays.equals(on, e.on);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(timeMicros) * 31 + Arrays.hashCode(x) + 7 * Arrays.hashCode(y);
    }
}
