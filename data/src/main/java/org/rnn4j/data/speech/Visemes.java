package org.rnn4j.data.speech;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Simulated lip features, not video: the shape of a speaker's mouth computed from the phones being spoken, for an
 * audio-visual task built without cameras. Each phone class ({@link PhoneSet}) has a target mouth shape of
 * {@link #PARAMETERS} (a diphthong two, one for each half) and a dominance; the mouth at time t is the
 * dominance-weighted mean of all targets (Cohen &amp; Massaro's coarticulation model, 1993):
 * <pre>
 * D_i(t) = d_i · exp(−dist(t, segment i) / θ)          (dist 0 inside the segment)
 * m(t)   = Σ_i D_i(t) · target_i / Σ_i D_i(t)
 * </pre>
 * so a strong target (a lip closure: p, b, m) is reached while weak ones (h, k, g) take the shape of their
 * neighbours, and each shape is anticipated and carried over for about θ. A frame's features are m at the frame's
 * time, opening and width scaled per speaker (mouth size), plus white Gaussian noise, and then the frame-to-frame
 * differences of those (Δ), {@link #FEATURES} in all. The table of targets is docs/av-fusion.md's.
 */
public final class Visemes {

    /** The mouth parameters, each in [0, 1]. */
    public static final List<String> PARAMETERS = List.of("opening", "width", "rounding", "labiodental", "dental",
            "teeth", "tongue_tip");

    /** Features per frame: the parameters and their deltas. */
    public static final int FEATURES = 2 * 7;

    /** The coarticulation reach θ, seconds. */
    public static final double REACH = 0.04;

    /** A mouth shape and how strongly a phone pulls the mouth towards it. */
    record Target(double[] shape, double dominance) {
    }

    // opening, width, rounding, labiodental, dental, teeth, tongue_tip; dominance
    private static final Map<String, Target[]> TABLE = new HashMap<>();

    static {
        one("sil", 0.05, 0.45, 0.2, 0, 0, 0, 0, 1.0);
        for (String p : List.of("p", "b", "m")) {
            one(p, 0.0, 0.45, 0.2, 0, 0, 0, 0, 6.0);
        }
        for (String p : List.of("f", "v")) {
            one(p, 0.12, 0.5, 0.1, 1, 0, 0.5, 0, 4.0);
        }
        for (String p : List.of("th", "dh")) {
            one(p, 0.25, 0.5, 0.1, 0, 1, 0.4, 1, 3.0);
        }
        one("w", 0.12, 0.12, 1.0, 0, 0, 0, 0, 4.0);
        one("r", 0.25, 0.3, 0.65, 0, 0, 0.2, 0.3, 2.0);
        for (String p : List.of("ch", "jh", "sh", "zh")) {
            one(p, 0.18, 0.3, 0.75, 0, 0, 0.8, 0.5, 3.0);
        }
        for (String p : List.of("s", "z")) {
            one(p, 0.1, 0.7, 0.05, 0, 0, 1, 0.6, 3.0);
        }
        for (String p : List.of("t", "d", "n")) {
            one(p, 0.22, 0.55, 0.1, 0, 0, 0.5, 1, 1.5);
        }
        one("l", 0.3, 0.55, 0.1, 0, 0, 0.4, 1, 1.5);
        for (String p : List.of("k", "g", "ng")) {
            one(p, 0.3, 0.5, 0.15, 0, 0, 0.3, 0, 0.6);
        }
        one("y", 0.2, 0.8, 0.0, 0, 0, 0.6, 0, 1.0);
        one("hh", 0.35, 0.5, 0.15, 0, 0, 0.2, 0, 0.2);
        vowel("iy", 0.2, 0.9, 0.0);
        vowel("ih", 0.3, 0.75, 0.05);
        vowel("eh", 0.5, 0.7, 0.05);
        vowel("ae", 0.7, 0.75, 0.0);
        vowel("aa", 0.9, 0.5, 0.1);
        vowel("ah", 0.55, 0.5, 0.15);
        vowel("ao", 0.7, 0.3, 0.6);
        vowel("uh", 0.35, 0.3, 0.6);
        vowel("uw", 0.2, 0.15, 1.0);
        vowel("er", 0.35, 0.35, 0.5);
        diphthong("ey", "eh", "iy");
        diphthong("ay", "aa", "ih");
        diphthong("aw", "aa", "uw");
        diphthong("ow", "ao", "uw");
        diphthong("oy", "ao", "iy");
        for (String p : PhoneSet.standard().names()) {
            if (!TABLE.containsKey(p)) {
                throw new IllegalStateException("phone " + p + " has no mouth shape");
            }
        }
    }

    private static void one(String phone, double opening, double width, double rounding, double labiodental,
                            double dental, double teeth, double tongueTip, double dominance) {
        TABLE.put(phone, new Target[] {new Target(new double[] {opening, width, rounding, labiodental, dental, teeth,
                tongueTip}, dominance)});
    }

    private static void vowel(String phone, double opening, double width, double rounding) {
        one(phone, opening, width, rounding, 0, 0, opening > 0.3 ? 0.3 : 0.5, 0, 1.0);
    }

    private static void diphthong(String phone, String first, String second) {
        TABLE.put(phone, new Target[] {TABLE.get(first)[0], TABLE.get(second)[0]});
    }

    /** The target shapes of a phone class (two for a diphthong). */
    static List<double[]> targets(String phone) {
        Target[] t = TABLE.get(phone);
        if (t == null) {
            throw new IllegalArgumentException("'" + phone + "' is not a phone class");
        }
        return java.util.Arrays.stream(t).map(x -> x.shape().clone()).toList();
    }

    private Visemes() {
    }

    /**
     * The mouth parameters at each time: (times.length, {@link #PARAMETERS}) row-major.
     *
     * @param phones contiguous segments in the standard phone classes
     */
    public static double[] trajectory(List<Segment> phones, double[] times) {
        // each phone as one or two (start, end, target) pieces
        int n = 0;
        for (Segment s : phones) {
            n += TABLE.get(s.phone()).length;
        }
        double[] from = new double[n];
        double[] to = new double[n];
        Target[] target = new Target[n];
        int i = 0;
        for (Segment s : phones) {
            Target[] t = TABLE.get(s.phone());
            if (t == null) {
                throw new IllegalArgumentException("'" + s.phone() + "' is not a phone class");
            }
            for (int k = 0; k < t.length; k++) {
                from[i] = s.start() + s.seconds() * k / t.length;
                to[i] = s.start() + s.seconds() * (k + 1) / t.length;
                target[i++] = t[k];
            }
        }
        int p = PARAMETERS.size();
        double[] out = new double[times.length * p];
        for (int f = 0; f < times.length; f++) {
            double t = times[f];
            double total = 0;
            for (int j = 0; j < n; j++) {
                double dist = t < from[j] ? from[j] - t : t > to[j] ? t - to[j] : 0;
                if (dist > 8 * REACH) {
                    continue;
                }
                double w = target[j].dominance() * Math.exp(-dist / REACH);
                total += w;
                for (int q = 0; q < p; q++) {
                    out[f * p + q] += w * target[j].shape()[q];
                }
            }
            for (int q = 0; q < p; q++) {
                out[f * p + q] = total > 0 ? out[f * p + q] / total : 0;
            }
        }
        return out;
    }

    /**
     * One speaker's frames: the trajectory at {@code times}, opening and width scaled by the speaker's
     * {@code openingScale} and {@code widthScale}, plus Gaussian noise of standard deviation {@code noise}, then the
     * deltas; (times.length, {@link #FEATURES}) row-major.
     */
    public static float[] frames(List<Segment> phones, double[] times, double openingScale, double widthScale,
                                 double noise, RandomGenerator rng) {
        int p = PARAMETERS.size();
        double[] m = trajectory(phones, times);
        float[] out = new float[times.length * FEATURES];
        for (int f = 0; f < times.length; f++) {
            for (int q = 0; q < p; q++) {
                double v = m[f * p + q] * (q == 0 ? openingScale : q == 1 ? widthScale : 1);
                out[f * FEATURES + q] = (float) (v + noise * rng.nextGaussian());
            }
            for (int q = 0; q < p; q++) {
                out[f * FEATURES + p + q] = f == 0 ? 0f : out[f * FEATURES + q] - out[(f - 1) * FEATURES + q];
            }
        }
        return out;
    }
}
