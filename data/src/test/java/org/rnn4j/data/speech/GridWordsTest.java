package org.rnn4j.data.speech;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link GridWords} and {@link Visemes}: GRID's 51 words; a few sentences spoken by espeak-ng are cut into six words
 * each, in order, every word with audio frames every 10 ms and video frames every 40 ms inside its span; a lip
 * closure (b, p, m) closes the simulated mouth and a rounded vowel rounds it; noise changes the audio, not the
 * sentences. Skipped when espeak-ng's library is missing, unless RNN4J_REQUIRE_DATA is set.
 */
class GridWordsTest {

    private static List<GridWords.Sentence> sentences;
    private static String missing;

    @BeforeAll
    static void speak() {
        try {
            sentences = GridWords.synthesise(6, 4, n -> { });
        } catch (IOException e) {
            missing = e.getMessage();
            if (System.getenv("RNN4J_REQUIRE_DATA") != null) {
                throw new AssertionError(missing, e);
            }
        }
    }

    @Test
    void gridHas51WordsInSixSlots() {
        assertEquals(51, GridWords.WORDS.size());
        assertEquals(51, GridWords.WORDS.stream().distinct().count());
        assertFalse(GridWords.LETTERS.contains("w"));
        assertEquals("eh", GridWords.spoken("a"));
    }

    @Test
    void sentencesAreCutIntoTheirSixWordsWithBothStreamsInsideEachSpan() {
        assumeTrue(missing == null, () -> missing + "; run scripts/install-speech to include this test");
        assertEquals(6, sentences.size());
        List<GridWords.Word> words = GridWords.words(sentences, Double.NaN, 0.0);
        assertEquals(36, words.size());
        for (int i = 0; i < sentences.size(); i++) {
            GridWords.Sentence s = sentences.get(i);
            int offset = 0;
            for (int k = 0; k < 6; k++) {
                assertTrue(s.words()[k] >= offset, "slot " + k + " of sentence " + i);
                offset += List.of(4, 4, 4, 25, 10, 4).get(k);
                assertTrue(s.words()[k] < offset, "slot " + k + " of sentence " + i);
                assertTrue(s.wordEnd()[k] > s.wordStart()[k]);
                assertTrue(k == 0 || s.wordStart()[k] >= s.wordEnd()[k - 1], "word " + k + " of sentence " + i);
                GridWords.Word w = words.get(6 * i + k);
                assertEquals(s.words()[k], w.label());
                double from = 1000 * s.wordStart()[k];
                double to = 1000 * s.wordEnd()[k];
                // about one audio frame per 10 ms of the word and one video frame per 40 ms
                assertEquals((to - from) / 10, w.audioTimes().length, 1.5, "audio frames of " + GridWords.WORDS.get(w.label()));
                assertEquals((to - from) / 40, w.videoTimes().length, 1.5, "video frames of " + GridWords.WORDS.get(w.label()));
                assertEquals(39 * w.audioTimes().length, w.audio().length);
                assertEquals(Visemes.FEATURES * w.videoTimes().length, w.video().length);
                for (int f = 1; f < w.audioTimes().length; f++) {
                    assertEquals(10.0, w.audioTimes()[f] - w.audioTimes()[f - 1], 1e-9);
                }
                for (int f = 1; f < w.videoTimes().length; f++) {
                    assertEquals(40.0, w.videoTimes()[f] - w.videoTimes()[f - 1], 1e-9);
                }
            }
        }
    }

    @Test
    void eachSpanStartsWithItsWordsFirstPhone() {
        assumeTrue(missing == null, () -> missing + "; run scripts/install-speech to include this test");
        java.util.Map<String, String> first = java.util.Map.ofEntries(java.util.Map.entry("bin", "b"),
                java.util.Map.entry("lay", "l"), java.util.Map.entry("place", "p"), java.util.Map.entry("set", "s"),
                java.util.Map.entry("zero", "z"), java.util.Map.entry("one", "w"), java.util.Map.entry("two", "t"),
                java.util.Map.entry("three", "th"), java.util.Map.entry("four", "f"), java.util.Map.entry("five", "f"),
                java.util.Map.entry("six", "s"), java.util.Map.entry("seven", "s"), java.util.Map.entry("eight", "ey"),
                java.util.Map.entry("nine", "n"));
        for (GridWords.Sentence s : sentences) {
            for (int k : new int[] {0, 4}) {
                String word = GridWords.WORDS.get(s.words()[k]);
                double at = s.wordStart()[k] + 1e-6;
                String phone = s.phones().stream().filter(p -> p.start() <= at && at < p.end()).findFirst()
                        .orElseThrow().phone();
                assertEquals(first.get(word), phone, "the first phone of '" + word + "' (" + s.voice() + ")");
            }
        }
    }

    @Test
    void noiseChangesTheAudioButNotTheWordsNorTheVideo() {
        assumeTrue(missing == null, () -> missing + "; run scripts/install-speech to include this test");
        List<GridWords.Word> clean = GridWords.words(sentences, Double.NaN, 0.05);
        List<GridWords.Word> noisy = GridWords.words(sentences, 0, 0.05);
        List<GridWords.Word> again = GridWords.words(sentences, 0, 0.05);
        assertEquals(clean.size(), noisy.size());
        double diff = 0;
        for (int i = 0; i < clean.size(); i++) {
            assertEquals(clean.get(i).label(), noisy.get(i).label());
            assertArrayEquals(clean.get(i).audioTimes(), noisy.get(i).audioTimes());
            assertArrayEquals(noisy.get(i).audio(), again.get(i).audio(), "the same seed, the same noise");
            float[] a = clean.get(i).audio();
            float[] b = noisy.get(i).audio();
            for (int j = 0; j < a.length; j++) {
                diff += Math.abs(a[j] - b[j]) / a.length;
            }
        }
        assertTrue(diff / clean.size() > 0.1, "mean absolute change of the normalised MFCCs at 0 dB: " + diff / clean.size());
    }

    @Test
    void lipClosuresCloseTheMouthAndRoundedVowelsRoundIt() {
        // "boo": silence, b, uw, silence
        List<Segment> phones = List.of(new Segment(0, 0.2, "sil"), new Segment(0.2, 0.28, "b"),
                new Segment(0.28, 0.5, "uw"), new Segment(0.5, 0.7, "sil"));
        double[] t = {0.05, 0.24, 0.42, 0.65};
        double[] m = Visemes.trajectory(phones, t);
        int p = Visemes.PARAMETERS.size();
        assertTrue(m[p] < 0.05, "opening in the b: " + m[p]);
        assertTrue(m[2 * p + 2] > 0.8, "rounding in the uw: " + m[2 * p + 2]);
        assertTrue(m[2] < 0.3 && m[3 * p + 2] < 0.5, "rounding in the silences: " + m[2] + ", " + m[3 * p + 2]);
        // anticipation: 20 ms before the b the lips are already closing
        double before = Visemes.trajectory(phones, new double[] {0.18})[0];
        assertTrue(before < 0.05 * 0.9, "opening 20 ms before the b: " + before);
        List<String> unknown = new ArrayList<>();
        for (String phone : PhoneSet.standard().names()) {
            if (Visemes.targets(phone).isEmpty()) {
                unknown.add(phone);
            }
        }
        assertEquals(List.of(), unknown);
        assertEquals(Arrays.asList(0.0, 0.0), Arrays.asList(Visemes.targets("m").get(0)[0], Visemes.targets("p").get(0)[0]));
    }
}
