package org.rnn4j.data.speech;

import org.rnn4j.data.audio.AudioFeatures;
import org.rnn4j.data.audio.FeatureOptions;
import org.rnn4j.data.audio.Wav;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.SeededRandom;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A GRID-like audio-visual corpus made on this machine (the task of the Phased LSTM paper's §4.4, Neil, Pfeiffer
 * &amp; Liu 2016, on the GRID corpus of Cooke et al. 2006): sentences of GRID's grammar (command, colour,
 * preposition, letter, digit, adverb; {@link #WORDS}, 51 words) spoken by espeak-ng's voices, cut into words at
 * espeak-ng's word events. Each word has two streams on their own clocks:
 * <ul>
 * <li>audio: 13 MFCCs with Δ and ΔΔ (39) every 10 ms, normalised per sentence, the frame's time its centre;</li>
 * <li>video: {@link Visemes} lip features (14) at 25 frames per second, the frame's time its centre, a
 * simulation from the phone timings, not video.</li>
 * </ul>
 * Synthesis ({@link #synthesise}) and features ({@link #words}) are apart so that one synthesis serves every noise
 * level. Times are in milliseconds from the sentence's start.
 */
public final class GridWords {

    public static final List<String> COMMANDS = List.of("bin", "lay", "place", "set");
    public static final List<String> COLOURS = List.of("blue", "green", "red", "white");
    public static final List<String> PREPOSITIONS = List.of("at", "by", "in", "with");
    /** The letters A–Z without W, as GRID has them. */
    public static final List<String> LETTERS = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
            "n", "o", "p", "q", "r", "s", "t", "u", "v", "x", "y", "z");
    public static final List<String> DIGITS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine");
    public static final List<String> ADVERBS = List.of("again", "now", "please", "soon");
    private static final List<List<String>> SLOTS = List.of(COMMANDS, COLOURS, PREPOSITIONS, LETTERS, DIGITS, ADVERBS);

    /** All 51 words, the class of a word its index here: the slots in sentence order. */
    public static final List<String> WORDS = SLOTS.stream().flatMap(List::stream).toList();

    /** Audio features per frame: 13 MFCCs, Δ and ΔΔ. */
    public static final int AUDIO_FEATURES = 39;
    /** Milliseconds between audio frames (100 Hz). */
    public static final double AUDIO_STEP_MS = 10;
    /** Milliseconds between video frames (25 fps). */
    public static final double VIDEO_STEP_MS = 40;

    /**
     * One synthesised sentence.
     *
     * @param words        the word classes, one per slot
     * @param voice        the espeak-ng voice
     * @param sampleRate   the audio's rate
     * @param samples      the audio
     * @param phones       contiguous segments in the standard phone classes
     * @param wordStart    each word's first sound, seconds
     * @param wordEnd      each word's end: its last sound's end, seconds
     * @param openingScale the speaker's mouth opening scale of the lip features
     * @param widthScale   the speaker's mouth width scale
     * @param seed         seeds the sentence's noise
     */
    public record Sentence(int[] words, String voice, int sampleRate, short[] samples, List<Segment> phones,
                           double[] wordStart, double[] wordEnd, double openingScale, double widthScale, long seed) {
    }

    /**
     * One word with both streams.
     *
     * @param label      the class, an index of {@link #WORDS}
     * @param sentence   the index of its sentence
     * @param audio      (audioTimes.length, 39) row-major
     * @param audioTimes each audio frame's time, ms
     * @param video      (videoTimes.length, {@link Visemes#FEATURES}) row-major
     * @param videoTimes each video frame's time, ms
     */
    public record Word(int label, int sentence, float[] audio, double[] audioTimes, float[] video,
                       double[] videoTimes) {
    }

    /** The words per sentence. */
    public static final int SENTENCE_WORDS = 6;

    private GridWords() {
    }

    /** How espeak-ng is given a word: the letter A as "eh" (alone, "a" is read as the article). */
    static String spoken(String word) {
        return word.equals("a") ? "eh" : word;
    }

    /**
     * Synthesises {@code count} random sentences, each with a voice of espeak-ng's (en-us and every installed
     * variant), a rate of 140–220 words per minute, a pitch and a pitch range drawn from the seed. A sentence whose
     * word events espeak-ng does not give one per word is drawn again (rare), so that all sentences are cut right.
     *
     * @param progress told the number of sentences done
     * @throws IOException when espeak-ng's library cannot be used (naming what to install)
     */
    public static List<Sentence> synthesise(int count, long seed, IntConsumer progress) throws IOException {
        EspeakEngine espeak = EspeakEngine.open();
        List<String> voices = new ArrayList<>();
        voices.add(SpeechCorpusGenerator.ESPEAK_LANGUAGE);
        for (String v : espeak.variants()) {
            voices.add(SpeechCorpusGenerator.ESPEAK_LANGUAGE + "+" + v);
        }
        List<Sentence> out = new ArrayList<>();
        for (long item = 0; out.size() < count; item++) {
            if (item > 2L * count + 100) {
                throw new IOException("espeak-ng gave word events that do not match the words for most sentences;"
                        + " check the espeak-ng installation (scripts/install-speech)");
            }
            SeededRandom rng = SeededRandom.forItem(seed, item);
            int[] words = new int[SENTENCE_WORDS];
            StringBuilder text = new StringBuilder();
            int offset = 0;
            for (int k = 0; k < SENTENCE_WORDS; k++) {
                List<String> slot = SLOTS.get(k);
                int w = rng.nextInt(slot.size());
                words[k] = offset + w;
                offset += slot.size();
                text.append(k == 0 ? "" : " ").append(spoken(slot.get(w)));
            }
            String voice = voices.get(rng.nextInt(voices.size()));
            int rate = 140 + rng.nextInt(81);
            int pitch = 30 + rng.nextInt(41);
            int range = 30 + rng.nextInt(51);
            double opening = 0.8 + 0.4 * rng.nextDouble();
            double width = 0.8 + 0.4 * rng.nextDouble();
            long noiseSeed = rng.nextLong();
            Synthesis s = espeak.speak(voice, text.toString(), rate, pitch, range, rng.nextInt());
            Sentence sentence = cut(s, words, voice, opening, width, noiseSeed);
            if (sentence != null) {
                out.add(sentence);
                progress.accept(out.size());
            }
        }
        return out;
    }

    /** The sentence with its words' spans, or null when the word events are not one per word. */
    static Sentence cut(Synthesis s, int[] words, String voice, double opening, double width, long seed) {
        List<Segment> phones = PhoneMap.ESPEAK_NG.apply(s.phonemes());
        List<Double> onsets = s.wordOnsets();
        if (onsets.size() != words.length) {
            return null;
        }
        double seconds = s.audio().seconds();
        double[] start = new double[words.length];
        double[] end = new double[words.length];
        for (int k = 0; k < words.length; k++) {
            double from = onsets.get(k);
            double to = k + 1 < words.length ? onsets.get(k + 1) : seconds;
            // the span without the silences at either end
            double first = Double.NaN;
            double last = Double.NaN;
            for (Segment p : phones) {
                if (p.phone().equals(PhoneSet.SILENCE) || p.end() <= from || p.start() >= to) {
                    continue;
                }
                first = Double.isNaN(first) ? Math.max(from, p.start()) : first;
                last = Math.min(to, p.end());
            }
            if (Double.isNaN(first) || !(last - first >= 0.05)) {
                return null;
            }
            start[k] = first;
            end[k] = last;
        }
        return new Sentence(words, voice, s.audio().sampleRate(), s.audio().toPcm16(), phones, start, end, opening,
                width, seed);
    }

    /**
     * The words of the sentences with both streams.
     *
     * @param snrDb      white noise added to each sentence's audio at this signal-to-noise ratio (over its
     *                   sounds); NaN for clean audio
     * @param videoNoise the standard deviation of the Gaussian noise on each lip parameter
     */
    public static List<Word> words(List<Sentence> sentences, double snrDb, double videoNoise) {
        List<Word> out = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            Sentence s = sentences.get(i);
            SeededRandom rng = new SeededRandom(s.seed());
            short[] pcm = s.samples();
            if (!Double.isNaN(snrDb)) {
                double[] x = new double[pcm.length];
                for (int j = 0; j < x.length; j++) {
                    x[j] = pcm[j];
                }
                Noise.addWhite(x, s.phones(), s.sampleRate(), snrDb, rng);
                pcm = Noise.toPcm(x);
            }
            Tensor mfcc = AudioFeatures.normalize(AudioFeatures.withDeltas(AudioFeatures.mfcc(
                    Wav.fromPcm16(s.sampleRate(), pcm).samples(), FeatureOptions.mfcc(s.sampleRate()))));
            int ta = mfcc.dim(0);
            double[] audioTimes = new double[ta];   // frame centres, ms
            for (int f = 0; f < ta; f++) {
                audioTimes[f] = f * AUDIO_STEP_MS + 12.5;
            }
            int tv = (int) Math.ceil(1000.0 * pcm.length / s.sampleRate() / VIDEO_STEP_MS);
            double[] videoTimes = new double[tv];
            double[] videoSeconds = new double[tv];
            for (int f = 0; f < tv; f++) {
                videoTimes[f] = f * VIDEO_STEP_MS + VIDEO_STEP_MS / 2;
                videoSeconds[f] = videoTimes[f] / 1000;
            }
            float[] video = Visemes.frames(s.phones(), videoSeconds, s.openingScale(), s.widthScale(), videoNoise,
                    rng);
            for (int k = 0; k < s.words().length; k++) {
                double from = 1000 * s.wordStart()[k];
                double to = 1000 * s.wordEnd()[k];
                int[] a = frames(audioTimes, from, to);
                int[] v = frames(videoTimes, from, to);
                out.add(new Word(s.words()[k], i, rows(mfcc.data(), AUDIO_FEATURES, a), times(audioTimes, a),
                        rows(video, Visemes.FEATURES, v), times(videoTimes, v)));
            }
        }
        return out;
    }

    /** The frames [first, last] whose times lie in [from, to), or the one nearest the middle if none does. */
    private static int[] frames(double[] times, double from, double to) {
        int first = -1;
        int last = -1;
        for (int f = 0; f < times.length; f++) {
            if (times[f] >= from && times[f] < to) {
                first = first < 0 ? f : first;
                last = f;
            }
        }
        if (first < 0) {
            double mid = (from + to) / 2;
            int best = 0;
            for (int f = 1; f < times.length; f++) {
                if (Math.abs(times[f] - mid) < Math.abs(times[best] - mid)) {
                    best = f;
                }
            }
            return new int[] {best, best};
        }
        return new int[] {first, last};
    }

    private static float[] rows(float[] data, int width, int[] span) {
        float[] out = new float[(span[1] - span[0] + 1) * width];
        System.arraycopy(data, span[0] * width, out, 0, out.length);
        return out;
    }

    private static double[] times(double[] times, int[] span) {
        return java.util.Arrays.copyOfRange(times, span[0], span[1] + 1);
    }
}
