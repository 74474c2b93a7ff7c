package org.rnn4j.data.event;

import org.rnn4j.train.SeededRandom;

import java.util.Arrays;

/**
 * A simulated event camera (dynamic vision sensor) looking at a still grey-scale image that moves in saccades,
 * the way N-MNIST was recorded (Orchard, Jayawant, Cohen &amp; Thakor 2015, "Converting static image datasets to
 * spiking neuromorphic datasets using saccades"): an ATIS sensor on a pan-tilt mount made three saccades in a
 * triangle, about 100 ms each, in front of an MNIST digit on a screen.
 *
 * <p>Here the image sits in a {@code field × field} sensor (34 × 34 for 28 × 28 digits) with its top-left
 * corner at an offset that moves along the corners of {@link Settings#path()} at constant speed, one saccade
 * per leg. Time advances in steps of {@link Settings#stepMicros()}; at every step each sensor pixel samples the
 * image by bilinear interpolation at its sub-pixel position (0 outside the image) and computes its
 * log-intensity L = log(I + ε). Each pixel keeps a reference level, at first the L of the starting position (the
 * sensor has adapted to the still scene). When L has moved k·C beyond the reference (C the contrast threshold)
 * the pixel emits k events, ON for brighter and OFF for darker, and moves its reference by k·C. The time of
 * each event is where the level was crossed, interpolating L linearly within the step, rounded to the
 * microsecond. Finally every event is kept with probability {@link Settings#keep()} (the Phased LSTM paper's
 * event-sampling rate ρ), drawn from the seed; with keep = 1 a recording does not depend on the seed at all.
 *
 * <p>Not simulated: sensor noise, refractory periods, latency and the pan-tilt's acceleration.
 */
public final class EventCamera {

    /**
     * How the camera moves and responds.
     *
     * @param field       sensor width and height in pixels
     * @param path        offsets (x, y) of the image's top-left corner in the field, in pixels: the start and the
     *                    end of each saccade, so {@code path.length − 1} saccades
     * @param saccadeMicros duration of one saccade in µs
     * @param stepMicros  simulation step in µs
     * @param threshold   contrast threshold C on the log-intensity (higher: fewer events)
     * @param epsilon     ε in log(I + ε), the log-intensity of black
     * @param keep        probability ρ in (0, 1] that an event is kept
     */
    public record Settings(int field, double[][] path, int saccadeMicros, int stepMicros, double threshold,
                           double epsilon, double keep) {

        public Settings {
            if (field < 1 || field > 1024) {
                throw new IllegalArgumentException("the sensor field must be 1 to 1024 pixels wide, got " + field);
            }
            if (path == null || path.length < 2) {
                throw new IllegalArgumentException("a path needs a start and at least one saccade's end");
            }
            for (double[] p : path) {
                if (p.length != 2 || !Double.isFinite(p[0]) || !Double.isFinite(p[1])) {
                    throw new IllegalArgumentException("every path point must be a finite (x, y) offset, got "
                            + Arrays.toString(p));
                }
            }
            if (saccadeMicros < 1 || stepMicros < 1 || stepMicros > saccadeMicros) {
                throw new IllegalArgumentException("a saccade (" + saccadeMicros + " µs) needs at least one step ("
                        + stepMicros + " µs) of at least 1 µs");
            }
            if (!(threshold > 0) || !(epsilon > 0)) {
                throw new IllegalArgumentException("threshold and epsilon must be positive, got " + threshold + " and "
                        + epsilon);
            }
            if (!(keep > 0 && keep <= 1)) {
                throw new IllegalArgumentException("the keep fraction ρ must be in (0, 1], got " + keep);
            }
        }

        /**
         * N-MNIST's geometry for 28 × 28 images: a 34 × 34 field, three 100 ms saccades around the triangle
         * (1, 5) → (3, 1) → (5, 5) → (1, 5), 1 ms steps, threshold 0.3, ε = 0.1, every event kept.
         */
        public static Settings nmnist() {
            return new Settings(34, new double[][]{{1, 5}, {3, 1}, {5, 5}, {1, 5}}, 100_000, 1000, 0.3, 0.1, 1.0);
        }

        public Settings withThreshold(double c) {
            return new Settings(field, path, saccadeMicros, stepMicros, c, epsilon, keep);
        }

        public Settings withKeep(double rho) {
            return new Settings(field, path, saccadeMicros, stepMicros, threshold, epsilon, rho);
        }

        public Settings withPath(double[][] corners) {
            return new Settings(field, corners, saccadeMicros, stepMicros, threshold, epsilon, keep);
        }

        /** Length of a whole recording in µs. */
        public int durationMicros() {
            return (path.length - 1) * saccadeMicros;
        }
    }

    private final Settings settings;

    public EventCamera(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Records the events of one image.
     *
     * @param image (rows, cols) intensities in [0, 1], row after row; not modified
     * @param seed  seed of the keep-fraction draws
     */
    public EventStream record(float[] image, int rows, int cols, long seed) {
        if (image.length != rows * cols) {
            throw new IllegalArgumentException("an image of " + rows + "×" + cols + " needs " + rows * cols
                    + " pixels, got " + image.length);
        }
        int n = settings.field();
        double eps = settings.epsilon();
        double c = settings.threshold();
        float[] reference = new float[n * n];   // (field, field) log-intensity of the last event (or the start)
        float[] previous = new float[n * n];    // (field, field) log-intensity at the previous step
        double[] offset = offsetAt(0);
        sample(image, rows, cols, offset, eps, previous);
        System.arraycopy(previous, 0, reference, 0, previous.length);
        float[] current = new float[n * n];

        Events events = new Events();
        long[] step = new long[256];   // one step's events as (time µs << 21 | pixel << 1 | on), sorted before output
        int duration = settings.durationMicros();
        for (int t1 = settings.stepMicros(), t0 = 0; t0 < duration; t0 = t1, t1 = Math.min(duration, t1 + settings.stepMicros())) {
            sample(image, rows, cols, offsetAt(t1), eps, current);
            int count = 0;
            for (int p = 0; p < n * n; p++) {
                double l0 = previous[p];
                double l1 = current[p];
                double ref = reference[p];
                int k = (int) Math.floor(Math.abs(l1 - ref) / c);
                if (k == 0) {
                    continue;
                }
                boolean on = l1 > ref;
                double sign = on ? 1 : -1;
                if (count + k > step.length) {
                    step = Arrays.copyOf(step, Math.max(2 * step.length, count + k));
                }
                for (int j = 1; j <= k; j++) {
                    double level = ref + sign * j * c;
                    double frac = l1 == l0 ? 1 : (level - l0) / (l1 - l0);
                    frac = Math.min(1, Math.max(0, frac));
                    long time = Math.round(t0 + frac * (t1 - t0));
                    step[count++] = time << 21 | (long) p << 1 | (on ? 1 : 0);
                }
                reference[p] = (float) (ref + sign * k * c);
            }
            Arrays.sort(step, 0, count);   // by time, then pixel
            for (int e = 0; e < count; e++) {
                int p = (int) (step[e] >> 1 & 0xFFFFF);
                events.add((int) (step[e] >> 21), p % n, p / n, (step[e] & 1) == 1);
            }
            float[] swap = previous;
            previous = current;
            current = swap;
        }
        EventStream all = events.toStream(n);
        if (settings.keep() >= 1) {
            return all;
        }
        SeededRandom rng = new SeededRandom(seed);
        int[] kept = new int[all.size()];
        int m = 0;
        for (int i = 0; i < all.size(); i++) {
            if (rng.nextDouble() < settings.keep()) {
                kept[m++] = i;
            }
        }
        return all.select(Arrays.copyOf(kept, m));
    }

    /** The image's top-left offset in the field at time t µs: along the current saccade at constant speed. */
    double[] offsetAt(int micros) {
        double[][] path = settings.path();
        int leg = Math.min(path.length - 2, micros / settings.saccadeMicros());
        double f = (micros - (double) leg * settings.saccadeMicros()) / settings.saccadeMicros();
        double[] a = path[leg];
        double[] b = path[leg + 1];
        return new double[]{a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])};
    }

    /** out (field, field) = log(I + ε) of every sensor pixel, the image bilinearly sampled at pixel − offset. */
    private void sample(float[] image, int rows, int cols, double[] offset, double eps, float[] out) {
        int n = settings.field();
        float logEps = (float) Math.log(eps);   // black: everything outside the image's footprint
        Arrays.fill(out, logEps);
        // sensor pixels whose sample can touch the image: image coordinate in (−1, size)
        int xFrom = Math.max(0, (int) Math.floor(offset[0]));
        int xTo = Math.min(n - 1, (int) Math.ceil(offset[0] + cols));
        int yFrom = Math.max(0, (int) Math.floor(offset[1]));
        int yTo = Math.min(n - 1, (int) Math.ceil(offset[1] + rows));
        for (int sy = yFrom; sy <= yTo; sy++) {
            double iy = sy - offset[1];
            int y0 = (int) Math.floor(iy);
            double fy = iy - y0;
            for (int sx = xFrom; sx <= xTo; sx++) {
                double ix = sx - offset[0];
                int x0 = (int) Math.floor(ix);
                double fx = ix - x0;
                double v = (1 - fy) * ((1 - fx) * pixel(image, rows, cols, y0, x0) + fx * pixel(image, rows, cols, y0, x0 + 1))
                        + fy * ((1 - fx) * pixel(image, rows, cols, y0 + 1, x0) + fx * pixel(image, rows, cols, y0 + 1, x0 + 1));
                if (v != 0) {
                    out[sy * n + sx] = (float) Math.log(v + eps);
                }
            }
        }
    }

    private static double pixel(float[] image, int rows, int cols, int y, int x) {
        return y < 0 || y >= rows || x < 0 || x >= cols ? 0 : image[y * cols + x];
    }

    /** A growing list of events in parallel arrays. */
    private static final class Events {
        int size;
        int[] t = new int[256];
        short[] x = new short[256];
        short[] y = new short[256];
        boolean[] on = new boolean[256];

        void add(int time, int px, int py, boolean polarity) {
            if (size == t.length) {
                t = Arrays.copyOf(t, 2 * size);
                x = Arrays.copyOf(x, 2 * size);
                y = Arrays.copyOf(y, 2 * size);
                on = Arrays.copyOf(on, 2 * size);
            }
            t[size] = time;
            x[size] = (short) px;
            y[size] = (short) py;
            on[size] = polarity;
            size++;
        }

        EventStream toStream(int field) {
            return new EventStream(field, field, Arrays.copyOf(t, size), Arrays.copyOf(x, size), Arrays.copyOf(y, size),
                    Arrays.copyOf(on, size));
        }
    }
}
