package org.rnn4j.data.synthetic;

import org.rnn4j.nn.Head;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.Objective;
import org.rnn4j.train.SeededRandom;

/**
 * The frequency discrimination task of the Phased LSTM paper (Neil, Pfeiffer &amp; Liu 2016, §4.1): a sine wave
 * sin(2π t / P − φ) with its period P drawn log-uniformly from [1, 100] ms must be classified as P ∈ [5, 6] ms or
 * not. Every even-numbered sequence is forced into that class, so the classes are about balanced. A sequence lasts
 * 15–125 ms, starting at a random time in [0, 125 − duration] ms, with the phase φ drawn from [0, duration]; it is
 * sampled every 1 ms (the paper's standard condition), every 0.1 ms (high resolution), or at 15–125 random times
 * (asynchronous). Times are in milliseconds and travel with each batch as timestamps; with {@code timeAsInput}
 * the time is also a second input feature, as the official code gives it to the LSTM baselines.
 */
public final class FrequencyDiscrimination implements Dataset {

    /** How the wave is sampled. */
    public enum Sampling {
        /** Every 1 ms: 15–125 steps. */
        REGULAR(1.0),
        /** Every 0.1 ms: 150–1250 steps. */
        HIGH_RESOLUTION(0.1),
        /** 15–125 points at uniformly random times. */
        ASYNCHRONOUS(Double.NaN),
        /**
         * Task 2 of the paper, superimposed frequencies: the sum of two sines, positive when the first period is in
         * [5, 6] ms and the second in [13, 15] ms (both forced there for even-numbered sequences), sampled at 100–1000
         * random times in [0, 100] ms.
         */
        SUPERIMPOSED(Double.NaN);

        final double resolution;

        Sampling(double resolution) {
            this.resolution = resolution;
        }
    }

    static final double MIN_PERIOD = 1;
    static final double MAX_PERIOD = 100;
    static final double SPECIAL_MIN = 5;
    static final double SPECIAL_MAX = 6;
    static final double MIN_DURATION = 15;
    static final double MAX_DURATION = 125;
    static final int MIN_POINTS = 15;
    static final int MAX_POINTS = 125;
    static final double SECOND_MIN = 13;
    static final double SECOND_MAX = 15;

    private final Sampling sampling;
    private final int size;
    private final long seed;
    private final boolean timeAsInput;

    private final boolean freshEachEpoch;

    public FrequencyDiscrimination(Sampling sampling, int size, long seed, boolean timeAsInput) {
        this(sampling, size, seed, timeAsInput, false);
    }

    private FrequencyDiscrimination(Sampling sampling, int size, long seed, boolean timeAsInput, boolean fresh) {
        if (sampling == null) {
            throw new IllegalArgumentException("a sampling mode is required");
        }
        if (size < 1) {
            throw new IllegalArgumentException("a dataset needs at least 1 sequence, got " + size);
        }
        this.sampling = sampling;
        this.size = size;
        this.seed = seed;
        this.timeAsInput = timeAsInput;
        this.freshEachEpoch = fresh;
    }

    /**
     * This task drawing new sequences every epoch, as the paper's code does (5000 fresh training waves per epoch):
     * epoch 0 sees this dataset's sequences, epoch e > 0 those of a seed derived from this one and e.
     */
    public FrequencyDiscrimination freshEachEpoch() {
        return new FrequencyDiscrimination(sampling, size, seed, timeAsInput, true);
    }

    @Override
    public FrequencyDiscrimination forEpoch(int epoch) {
        if (!freshEachEpoch || epoch == 0) {
            return this;
        }
        long epochSeed = seed ^ (0x9E3779B97F4A7C15L * (epoch + 1));
        return new FrequencyDiscrimination(sampling, size, epochSeed, timeAsInput, false);
    }

    /** One generated sequence: sample times (ms), the wave's values and the class. */
    record Wave(double[] times, float[] values, int label, double period) {
    }

    Wave wave(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("sequence " + index + " of a dataset of " + size);
        }
        SeededRandom rng = SeededRandom.forItem(seed, index);
        if (sampling == Sampling.SUPERIMPOSED) {
            return superimposed(rng, index % 2 == 0);
        }
        double period = index % 2 == 0
                ? SPECIAL_MIN + (SPECIAL_MAX - SPECIAL_MIN) * rng.nextDouble()
                : Math.exp(Math.log(MIN_PERIOD) + (Math.log(MAX_PERIOD) - Math.log(MIN_PERIOD)) * rng.nextDouble());
        double duration = MIN_DURATION + (MAX_DURATION - MIN_DURATION) * rng.nextDouble();
        double start = (MAX_DURATION - duration) * rng.nextDouble();
        double shift = duration * rng.nextDouble();
        double[] times;
        if (sampling == Sampling.ASYNCHRONOUS) {
            int n = MIN_POINTS + rng.nextInt(MAX_POINTS - MIN_POINTS + 1);
            times = new double[n];
            for (int i = 0; i < n; i++) {
                times[i] = start + duration * rng.nextDouble();
            }
            java.util.Arrays.sort(times);
        } else {
            int n = (int) Math.ceil(duration / sampling.resolution);
            times = new double[n];
            for (int i = 0; i < n; i++) {
                times[i] = start + i * sampling.resolution;
            }
        }
        float[] values = new float[times.length];
        for (int i = 0; i < times.length; i++) {
            values[i] = (float) Math.sin(2 * Math.PI * times[i] / period - shift);
        }
        int label = period >= SPECIAL_MIN && period <= SPECIAL_MAX ? 1 : 0;
        return new Wave(times, values, label, period);
    }

    private static double logUniformPeriod(SeededRandom rng) {
        return Math.exp(Math.log(MIN_PERIOD) + (Math.log(MAX_PERIOD) - Math.log(MIN_PERIOD)) * rng.nextDouble());
    }

    /** Task 2: two superimposed sines at 100–1000 random times in [0, 100] ms. */
    private static Wave superimposed(SeededRandom rng, boolean forced) {
        double p1 = forced ? SPECIAL_MIN + (SPECIAL_MAX - SPECIAL_MIN) * rng.nextDouble() : logUniformPeriod(rng);
        double p2 = forced ? SECOND_MIN + (SECOND_MAX - SECOND_MIN) * rng.nextDouble() : logUniformPeriod(rng);
        double shift1 = 2 * Math.PI * rng.nextDouble();
        double shift2 = 2 * Math.PI * rng.nextDouble();
        int n = 100 + rng.nextInt(901);
        double[] times = new double[n];
        for (int i = 0; i < n; i++) {
            times[i] = 100 * rng.nextDouble();
        }
        java.util.Arrays.sort(times);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (Math.sin(2 * Math.PI * times[i] / p1 - shift1) + Math.sin(2 * Math.PI * times[i] / p2 - shift2));
        }
        boolean positive = p1 >= SPECIAL_MIN && p1 <= SPECIAL_MAX && p2 >= SECOND_MIN && p2 <= SECOND_MAX;
        return new Wave(times, values, positive ? 1 : 0, p1);
    }

    @Override
    public Batch batch(int[] indices) {
        Wave[] waves = new Wave[indices.length];
        int steps = 1;
        for (int r = 0; r < indices.length; r++) {
            waves[r] = wave(indices[r]);
            steps = Math.max(steps, waves[r].times().length);
        }
        int f = inputSize();
        Tensor x = Tensor.zeros(indices.length, steps, f);
        int[] lengths = new int[indices.length];
        int[] labels = new int[indices.length];
        double[] times = new double[indices.length * steps];
        for (int r = 0; r < indices.length; r++) {
            Wave w = waves[r];
            int n = w.times().length;
            lengths[r] = n;
            labels[r] = w.label();
            for (int s = 0; s < steps; s++) {
                // padding repeats the last time so the timestamps never go backwards
                times[r * steps + s] = w.times()[Math.min(s, n - 1)];
                if (s < n) {
                    x.data()[(r * steps + s) * f] = w.values()[s];
                    if (timeAsInput) {
                        x.data()[(r * steps + s) * f + 1] = (float) w.times()[s];
                    }
                }
            }
        }
        return Batch.withClasses(x, lengths, labels).withTimes(times);
    }

    /** 1 (the wave's value), or 2 with the time as an input feature. */
    public int inputSize() {
        return timeAsInput ? 2 : 1;
    }

    public int outputSize() {
        return 2;
    }

    public Head head() {
        return Head.LAST_STEP;
    }

    public Objective objective() {
        return Objective.CROSS_ENTROPY;
    }

    public Sampling sampling() {
        return sampling;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public String describe() {
        return "frequency discrimination (" + sampling.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + " sampling" + (timeAsInput ? ", time as input" : "") + "), " + size + " sequences, seed " + seed
                + (freshEachEpoch ? ", drawn afresh every epoch" : "");
    }
}
