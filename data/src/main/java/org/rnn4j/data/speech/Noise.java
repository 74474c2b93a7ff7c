package org.rnn4j.data.speech;

import java.util.List;
import java.util.random.RandomGenerator;

/** White Gaussian noise at a signal-to-noise ratio, and the conversion of the result to 16-bit samples. */
final class Noise {

    private Noise() {
    }

    /**
     * Adds white Gaussian noise to {@code x} so that the signal's mean power over the non-silent segments, divided
     * by the noise's, is {@code snrDb} decibels. Utterances with no phone at all take the power of the whole signal.
     *
     * @param x      (N) samples, modified
     * @param labels contiguous segments covering x, in seconds
     */
    static void addWhite(double[] x, List<Segment> labels, int sampleRate, double snrDb, RandomGenerator rng) {
        double power = 0;
        long count = 0;
        for (Segment s : labels) {
            if (s.phone().equals(PhoneSet.SILENCE)) {
                continue;
            }
            int from = (int) Math.round(s.start() * sampleRate);
            int to = Math.min(x.length, (int) Math.round(s.end() * sampleRate));
            for (int i = from; i < to; i++) {
                power += x[i] * x[i];
            }
            count += Math.max(0, to - from);
        }
        if (count == 0) {
            for (double v : x) {
                power += v * v;
            }
            count = x.length;
        }
        double sigma = Math.sqrt(power / Math.max(1, count) / Math.pow(10, snrDb / 10));
        for (int i = 0; i < x.length; i++) {
            x[i] += sigma * rng.nextGaussian();
        }
    }

    /**
     * Rounds to 16-bit samples; a signal that would clip is first scaled down as a whole so that its peak is 32767.
     */
    static short[] toPcm(double[] x) {
        double peak = 0;
        for (double v : x) {
            peak = Math.max(peak, Math.abs(v));
        }
        double gain = peak > 32767 ? 32767 / peak : 1;
        short[] out = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (short) Math.max(-32768, Math.min(32767, Math.round(x[i] * gain)));
        }
        return out;
    }
}
