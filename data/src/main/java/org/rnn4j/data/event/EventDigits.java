package org.rnn4j.data.event;

import org.rnn4j.data.image.ImageSet;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.SeededRandom;

/**
 * Event-based digits, like N-MNIST (Orchard et al. 2015) as the Phased LSTM paper used it (Neil, Pfeiffer &amp; Liu
 * 2016, §4.3): every image of an {@link ImageSet} is recorded once by an {@link EventCamera}, and each sample is
 * that digit's event sequence, one event per step, classified once at the end (many-to-one, cross-entropy over
 * the image set's classes).
 *
 * <p>Step t of sample i carries, as input feature 0, the event's token ((y·field + x)·2 + polarity, one of
 * field²·2 = 2312 for N-MNIST's 34 × 34 field) for a model with an embedding of that many tokens
 * ({@code SequenceModel.builder().embedding(vocabulary(), 40)}, as in the paper), and, with
 * {@code timeAsInput}, the event's time in units of 100 ms (one saccade) as feature 1 for models that do not read
 * timestamps. Every batch also carries the events' timestamps in seconds ({@link Batch#times()}), which a Phased
 * LSTM uses (or milliseconds, {@link #withTimestampsInMilliseconds()}); padded steps repeat the last timestamp. Sequences longer than {@code maxEvents} are thinned to
 * {@code maxEvents} events drawn uniformly (seeded per sample, time order kept); batches are right-padded to
 * their longest sequence and carry the lengths. An image that gives no event at all (a blank one) becomes a
 * single OFF event at pixel (0, 0) at time 0, and is counted in {@link #emptyRecordings()}.
 */
public final class EventDigits implements Dataset {

    private final String description;
    private final int vocabulary;
    private final int classes;
    private final boolean timeAsInput;
    private final double unitsPerSecond;   // timestamps in seconds (1) or, e.g., milliseconds (1000)
    private final short[][] tokens;   // per sample (events) token ids
    private final int[][] micros;     // per sample (events) timestamps in µs
    private final int[] labels;
    private final long eventsBeforeCap;
    private final int emptyRecordings;

    /**
     * Records every image of {@code images} (this takes a few milliseconds per image).
     *
     * @param maxEvents   the longest sequence; longer recordings are thinned to this many events
     * @param seed        seed of the camera's keep-fraction draws and of the thinning, per image
     * @param timeAsInput also give the time as input feature 1
     */
    public EventDigits(ImageSet images, EventCamera camera, int maxEvents, long seed, boolean timeAsInput) {
        if (images.count() < 1) {
            throw new IllegalArgumentException(images.name() + " has no images");
        }
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1, got " + maxEvents);
        }
        int field = camera.settings().field();
        this.vocabulary = field * field * 2;
        if (vocabulary > Short.MAX_VALUE) {
            throw new IllegalArgumentException("a field of " + field + " pixels makes " + vocabulary
                    + " tokens; at most " + Short.MAX_VALUE + " fit here");
        }
        this.classes = images.classes();
        this.timeAsInput = timeAsInput;
        this.unitsPerSecond = 1;
        int n = images.count();
        tokens = new short[n][];
        micros = new int[n][];
        labels = images.labels().clone();
        long total = 0;
        int empty = 0;
        for (int i = 0; i < n; i++) {
            EventStream all = camera.record(images.image(i), images.rows(), images.cols(),
                    SeededRandom.forItem(seed, 2L * i).nextLong());
            total += all.size();
            if (all.size() == 0) {
                empty++;
                tokens[i] = new short[]{0};
                micros[i] = new int[]{0};
                continue;
            }
            EventStream s = all.subsample(maxEvents, SeededRandom.forItem(seed, 2L * i + 1));
            tokens[i] = new short[s.size()];
            for (int k = 0; k < s.size(); k++) {
                tokens[i][k] = (short) s.token(k);
            }
            micros[i] = s.timeMicros();
        }
        this.eventsBeforeCap = total;
        this.emptyRecordings = empty;
        EventCamera.Settings st = camera.settings();
        this.description = "event-based " + images.name() + " (" + field + "×" + field + " field, threshold "
                + st.threshold() + ", keep " + st.keep() + ", at most " + maxEvents + " events"
                + (timeAsInput ? ", time as input" : "") + "), " + n + " sequences, seed " + seed;
    }

    private EventDigits(EventDigits o, boolean timeAsInput, double unitsPerSecond) {
        this.description = o.description.replace(", time as input", "").replace(", timestamps in ms", "")
                .replace("events)", "events" + (timeAsInput ? ", time as input" : "")
                        + (unitsPerSecond == 1000 ? ", timestamps in ms" : "") + ")");
        this.vocabulary = o.vocabulary;
        this.classes = o.classes;
        this.timeAsInput = timeAsInput;
        this.unitsPerSecond = unitsPerSecond;
        this.tokens = o.tokens;
        this.micros = o.micros;
        this.labels = o.labels;
        this.eventsBeforeCap = o.eventsBeforeCap;
        this.emptyRecordings = o.emptyRecordings;
    }

    /** The same recordings, with or without the time as input feature 1 (they share the events). */
    public EventDigits withTimeAsInput(boolean on) {
        return on == timeAsInput ? this : new EventDigits(this, on, unitsPerSecond);
    }

    /**
     * The same recordings with the timestamps of {@link Batch#times()} in milliseconds instead of seconds. A Phased
     * LSTM's periods and shifts are then in milliseconds too, which suits optimizers whose step size does not
     * depend on the gradient's scale (Adam moves every parameter by about its learning rate per step: 1e-3 is a
     * small change to a 10 ms period but a tenfold one to a 1 ms period written as 0.001 s).
     */
    public EventDigits withTimestampsInMilliseconds() {
        return new EventDigits(this, timeAsInput, 1000);
    }

    @Override
    public int size() {
        return labels.length;
    }

    /** Distinct tokens in input feature 0: field² · 2. */
    public int vocabulary() {
        return vocabulary;
    }

    /** Features per step: 1 (the token) or 2 (token and time). */
    public int inputSize() {
        return timeAsInput ? 2 : 1;
    }

    /** Number of classes. */
    public int classes() {
        return classes;
    }

    /** Mean events per recording, before the cap. */
    public double meanEvents() {
        return (double) eventsBeforeCap / size();
    }

    /** Mean sequence length, after the cap. */
    public double meanLength() {
        long n = 0;
        for (short[] t : tokens) {
            n += t.length;
        }
        return (double) n / size();
    }

    /** Recordings without a single event. */
    public int emptyRecordings() {
        return emptyRecordings;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public Batch batch(int[] indices) {
        int b = indices.length;
        int steps = 1;
        for (int i : indices) {
            steps = Math.max(steps, tokens[i].length);
        }
        int f = inputSize();
        Tensor x = Tensor.zeros(b, steps, f);
        int[] lengths = new int[b];
        int[] classesOut = new int[b];
        double[] times = new double[b * steps];
        for (int r = 0; r < b; r++) {
            int i = indices[r];
            int n = tokens[i].length;
            lengths[r] = n;
            classesOut[r] = labels[i];
            for (int s = 0; s < steps; s++) {
                int k = Math.min(s, n - 1);
                double seconds = micros[i][k] * 1e-6;
                times[r * steps + s] = seconds * unitsPerSecond;   // padding repeats the last time
                if (s < n) {
                    x.data()[(r * steps + s) * f] = tokens[i][s];
                    if (timeAsInput) {
                        x.data()[(r * steps + s) * f + 1] = (float) (seconds * 10);
                    }
                }
            }
        }
        return Batch.withClasses(x, lengths, classesOut).withTimes(times);
    }
}
