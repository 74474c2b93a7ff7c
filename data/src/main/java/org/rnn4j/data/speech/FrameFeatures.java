package org.rnn4j.data.speech;

import org.rnn4j.data.audio.AudioFeatures;
import org.rnn4j.data.audio.FeatureOptions;
import org.rnn4j.data.audio.Wav;
import org.rnn4j.loss.Losses;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.ArrayDataset;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How an acoustic model reads speech, frame by frame as in Sak et al. 2014: features every 10 ms, optionally
 * normalised per utterance, and the output delayed by {@code delay} frames, so that the model has heard that many
 * frames past the one it names before it names it.
 *
 * <p>Shapes: a recording of T frames is read as {@code T + delay} steps, the features followed by {@code delay} zero
 * frames (after per-utterance normalisation zero is the mean); step {@code s} is labelled with frame
 * {@code s - delay}'s phone, and the first {@code delay} steps with {@link Losses#IGNORE}. The output at step
 * {@code s} is thus the class of frame {@code s - delay}, for every frame of the recording.
 *
 * <p>The three settings are kept in a model file's meta ({@link #toMeta}, {@link #fromMeta}) so that prediction
 * computes the same features.
 *
 * @param kind      {@code fbank} (40 log-mel energies) or {@code mfcc} (13 MFCCs with deltas and delta-deltas, 39)
 * @param normalize per-utterance mean and variance normalisation of every feature
 * @param delay     frames of output delay, >= 0
 */
public record FrameFeatures(String kind, boolean normalize, int delay) {

    /** The frame hop in seconds. */
    public static final double HOP = 0.01;

    /** The key of a model file's meta under which the settings are kept. */
    public static final String META_KEY = "speech";

    public FrameFeatures {
        kind = kind == null ? "" : kind.toLowerCase(Locale.ROOT);
        if (!kind.equals("fbank") && !kind.equals("mfcc")) {
            throw new IllegalArgumentException("the feature kind must be fbank or mfcc, got '" + kind + "'");
        }
        if (delay < 0) {
            throw new IllegalArgumentException("the output delay must be 0 or more frames, got " + delay);
        }
    }

    /** Features per frame: 40 for fbank, 39 for mfcc. */
    public int size() {
        return kind.equals("fbank") ? 40 : 39;
    }

    /** The (T, F) features of a recording, normalised if set; refuses a recording shorter than one frame. */
    public Tensor features(Wav wav, String name) {
        if (AudioFeatures.frames(wav.samples().length, FeatureOptions.fbank(wav.sampleRate())) == 0) {
            throw new IllegalArgumentException(name + ": " + String.format(Locale.ROOT, "%.3f", wav.seconds())
                    + " s of audio makes no 25 ms frame");
        }
        Tensor f = kind.equals("fbank") ? AudioFeatures.fbank(wav) : AudioFeatures.mfccWithDeltas(wav);
        return normalize ? AudioFeatures.normalize(f) : f;
    }

    /** (T, F) features as the model's (1, T + delay, F) input. */
    public Tensor input(Tensor features) {
        int t = features.dim(0);
        int f = features.dim(1);
        float[] x = new float[(t + delay) * f];   // (T + delay, F), the tail zero
        System.arraycopy(features.data(), 0, x, 0, t * f);
        return Tensor.of(x, 1, t + delay, f);
    }

    /** The (T + delay) step labels of (T) frame labels: IGNORE for the first delay steps, then the frames'. */
    public int[] stepLabels(int[] frameLabels) {
        int[] y = new int[frameLabels.length + delay];
        java.util.Arrays.fill(y, 0, delay, Losses.IGNORE);
        System.arraycopy(frameLabels, 0, y, delay, frameLabels.length);
        return y;
    }

    /** The frame classes of a (1, T + delay, C) output of a recording of T frames: argmax of steps delay.. */
    public int[] frameClasses(Tensor output, int frames) {
        int c = output.dim(2);
        int[] out = new int[frames];
        float[] y = output.data();
        for (int i = 0; i < frames; i++) {
            int base = (i + delay) * c;
            int best = 0;
            for (int k = 1; k < c; k++) {
                if (y[base + k] > y[base + best]) {
                    best = k;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /**
     * The utterances as a dataset of per-step classes: x (N, maxT + delay, F) zero-padded, lengths, labels
     * (N·(maxT + delay)) with IGNORE in the padding.
     */
    public ArrayDataset dataset(SpeechCorpus corpus, List<Utterance> utterances, String description)
            throws IOException {
        if (utterances.isEmpty()) {
            throw new IllegalArgumentException(corpus.dir() + ": no utterances for " + description);
        }
        List<Tensor> xs = new ArrayList<>();
        List<int[]> ys = new ArrayList<>();
        int maxT = 0;
        for (Utterance u : utterances) {
            Tensor f = features(corpus.audio(u), corpus.wavFile(u).toString());
            int[] frames = SpeechCorpus.frameLabels(corpus.labels(u), f.dim(0), HOP);
            xs.add(f);
            ys.add(stepLabels(frames));
            maxT = Math.max(maxT, f.dim(0) + delay);
        }
        int n = xs.size();
        int fs = size();
        float[] x = new float[n * maxT * fs];   // (N, maxT, F)
        int[] y = new int[n * maxT];            // (N·maxT)
        java.util.Arrays.fill(y, Losses.IGNORE);
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            Tensor f = xs.get(i);
            System.arraycopy(f.data(), 0, x, i * maxT * fs, f.data().length);
            int[] labels = ys.get(i);
            System.arraycopy(labels, 0, y, i * maxT, labels.length);
            lengths[i] = labels.length;
        }
        return ArrayDataset.withClasses(Tensor.of(x, n, maxT, fs), lengths, y, description);
    }

    /** The fraction of labelled steps of {@code utterances} whose class is the commonest one, and that class. */
    public static double majorityRate(SpeechCorpus corpus, List<Utterance> utterances) throws IOException {
        long[] counts = new long[PhoneSet.standard().size()];
        long total = 0;
        for (Utterance u : utterances) {
            for (Segment s : corpus.labels(u)) {
                // frames by centre, as frameLabels counts them, without computing features
                long frames = Math.round(s.end() / HOP) - Math.round(s.start() / HOP);
                counts[PhoneSet.standard().index(s.phone())] += frames;
                total += frames;
            }
        }
        long max = 0;
        for (long c : counts) {
            max = Math.max(max, c);
        }
        return total == 0 ? Double.NaN : (double) max / total;
    }

    /** Runs of equal frame classes as segments: start and end in seconds, the class's name. */
    public static List<Segment> segments(int[] frameClasses, List<String> classNames) {
        List<Segment> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= frameClasses.length; i++) {
            if (i == frameClasses.length || frameClasses[i] != frameClasses[start]) {
                int c = frameClasses[start];
                out.add(new Segment(start * HOP, i * HOP, c < classNames.size() ? classNames.get(c) : "class " + c));
                start = i;
            }
        }
        return out;
    }

    /** The settings as a model file's meta entry. */
    public Map<String, Object> toMeta() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("features", kind);
        m.put("normalize", normalize ? "utterance" : "none");
        m.put("delay", (long) delay);
        m.put("hop_seconds", HOP);
        return m;
    }

    /** The settings kept in a model file's meta, or null when it has none. */
    public static FrameFeatures fromMeta(Map<String, Object> meta) {
        if (!(meta.get(META_KEY) instanceof Map<?, ?> m)) {
            return null;
        }
        Object delay = m.get("delay");
        return new FrameFeatures(String.valueOf(m.get("features")), "utterance".equals(m.get("normalize")),
                delay instanceof Number d ? d.intValue() : 0);
    }
}
