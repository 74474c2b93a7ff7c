package org.rnn4j.data.speech;

import org.rnn4j.data.audio.Wav;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Generates a few short corpora with the installed synthesisers (scripts/install-speech); skipped, saying why, when
 * espeak-ng's library or the word list is missing.
 */
class SpeechCorpusGeneratorTest {

    @TempDir
    static Path shared;
    private static EspeakEngine espeak;
    private static String missing;
    /** Seed 3, 8 utterances, half Festival's if installed: both synthesisers, clean and noisy, words and digits. */
    private static SpeechCorpus corpus;
    private static boolean festival;

    @BeforeAll
    static void generateASmallCorpus() throws IOException {
        try {
            espeak = EspeakEngine.open();
            if (!Files.isRegularFile(Texts.DEFAULT_WORDS)) {
                missing = "no word list at " + Texts.DEFAULT_WORDS;
            }
        } catch (IOException e) {
            missing = e.getMessage();
        }
        if (missing == null) {
            festival = !Festival.installedVoices().isEmpty();
            corpus = SpeechCorpusGenerator.generate(shared.resolve("corpus"),
                    SpeechCorpusGenerator.Options.of(8, 3).withFestivalShare(festival ? 0.5 : 0));
        }
    }

    private static void assumeInstalled() {
        assumeTrue(missing == null, () -> missing + "; run scripts/install-speech to include this test");
    }

    private static void assertSameBytes(Path a, Path b) throws IOException {
        byte[] x = Files.readAllBytes(a);
        byte[] y = Files.readAllBytes(b);
        int first = Arrays.mismatch(x, y);
        assertEquals(-1, first, a + " and " + b + " differ first at byte " + first + " (sizes " + x.length + ", "
                + y.length + ")");
    }

    @Test
    void espeakSpeaksTheSameSamplesWhateverWasSpokenBefore() throws IOException {
        assumeInstalled();
        // m3 (the library's state carried over changes its length) and whisper (noise from rand())
        for (String voice : List.of("en-us+m3", "en-us+whisper")) {
            Synthesis first = espeak.speak(voice, "hello world", 175, 50, 50, 7);
            espeak.speak("en-us+klatt", "something else entirely", 200, 30, 70, 8);
            Synthesis again = espeak.speak(voice, "hello world", 175, 50, 50, 7);
            short[] x = first.audio().toPcm16();
            short[] y = again.audio().toPcm16();
            int i = Arrays.mismatch(x, y);
            assertEquals(-1, i, voice + ": the second 'hello world' differs from the first at sample " + i
                    + " (lengths " + x.length + ", " + y.length + ")");
            assertEquals(first.phonemes(), again.phonemes());
            assertEquals(22050, first.audio().sampleRate());
            assertEquals(List.of("_", "h", "@", "l", "oU", "w", "3:", "l", "d", "_:"),
                    first.phonemes().stream().map(Segment::phone).toList());
        }
        short[] seed7 = espeak.speak("en-us+whisper", "hello world", 175, 50, 50, 7).audio().toPcm16();
        short[] seed9 = espeak.speak("en-us+whisper", "hello world", 175, 50, 50, 9).audio().toPcm16();
        assertFalse(Arrays.equals(seed7, seed9), "whisper's noise does not change with the seed of rand()");
    }

    @Test
    void theSameSeedGivesByteIdenticalFilesAndAnotherSeedOtherAudio(@TempDir Path dir) throws IOException {
        assumeInstalled();
        SpeechCorpusGenerator.Options o = SpeechCorpusGenerator.Options.of(4, 11).withFestivalShare(0);
        SpeechCorpus a = SpeechCorpusGenerator.generate(dir.resolve("a"), o);
        SpeechCorpus b = SpeechCorpusGenerator.generate(dir.resolve("b"), o);
        assertSameBytes(a.dir().resolve(SpeechCorpus.MANIFEST), b.dir().resolve(SpeechCorpus.MANIFEST));
        for (Utterance u : a.utterances()) {
            assertSameBytes(a.wavFile(u), b.wavFile(u));
            assertSameBytes(a.labelFile(u), b.labelFile(u));
        }
        SpeechCorpus c = SpeechCorpusGenerator.generate(dir.resolve("c"),
                SpeechCorpusGenerator.Options.of(4, 12).withFestivalShare(0));
        assertFalse(Arrays.equals(Files.readAllBytes(a.wavFile(a.utterances().get(0))),
                Files.readAllBytes(c.wavFile(c.utterances().get(0)))), "seeds 11 and 12 made the same first utterance");
    }

    @Test
    void labelsCoverTheAudioAndUseThePhoneSetForBothSynthesisers() throws IOException {
        assumeInstalled();
        SpeechCorpus c = corpus;
        assertEquals(8, c.utterances().size());
        Set<String> synths = new HashSet<>();
        for (Utterance u : c.utterances()) {
            synths.add(u.synthesiser());
            Wav wav = c.audio(u);
            assertEquals(wav.seconds(), u.seconds(), 1e-6, u.id() + ": the manifest's length");
            List<Segment> labels = c.labels(u);     // checks contiguity from 0 and every phone's class
            double end = labels.getLast().end();
            assertTrue(Math.abs(end - wav.seconds()) <= 0.01, u.id() + ": labels end at " + end + " s, the audio at "
                    + wav.seconds() + " s");
            assertTrue(labels.stream().filter(s -> !s.phone().equals(PhoneSet.SILENCE)).count() >= 5,
                    u.id() + " (" + u.text() + "): fewer than 5 phones: " + labels);
            assertEquals(PhoneSet.SILENCE, labels.getFirst().phone(), u.id() + " starts with silence");
            assertEquals(PhoneSet.SILENCE, labels.getLast().phone(), u.id() + " ends with silence");
            int frames = (int) Math.ceil(wav.seconds() / 0.01);
            assertEquals(frames, SpeechCorpus.frameLabels(labels, frames, 0.01).length);
            // the labelled silences are quieter than the phones (a check that the times line up with the sound)
            if (u.snrDb().isEmpty()) {
                double[] rms = rmsOfSilenceAndPhones(wav, labels);
                assertTrue(rms[0] < 0.2 * rms[1], u.id() + ": RMS " + rms[0] + " in silence, " + rms[1] + " in phones");
            }
        }
        assertEquals(festival ? Set.of("espeak-ng", "festival") : Set.of("espeak-ng"), synths);
        assertTrue(c.utterances().stream().anyMatch(u -> u.snrDb().isPresent()));
        assertTrue(c.utterances().stream().anyMatch(u -> u.snrDb().isEmpty()));
        assertTrue(c.utterances().stream().anyMatch(u -> u.text().matches("[a-z ]*(zero|one|two|three|four|five|six"
                + "|seven|eight|nine)( (zero|one|two|three|four|five|six|seven|eight|nine))+")), "no digit string");
    }

    private static double[] rmsOfSilenceAndPhones(Wav wav, List<Segment> labels) {
        double[] sum = new double[2];
        long[] n = new long[2];
        short[] x = wav.toPcm16();
        for (Segment s : labels) {
            int k = s.phone().equals(PhoneSet.SILENCE) ? 0 : 1;
            for (int i = (int) (s.start() * 16000); i < Math.min(x.length, (int) (s.end() * 16000)); i++) {
                sum[k] += (double) x[i] * x[i];
                n[k]++;
            }
        }
        return new double[]{Math.sqrt(sum[0] / n[0]), Math.sqrt(sum[1] / n[1])};
    }

    @Test
    void theSpeakerSplitIsDisjointAndFestivalIsOnlyInOtherSynth() throws IOException {
        assumeInstalled();
        List<SpeechCorpusGenerator.Voice> voices = SpeechCorpusGenerator.espeakVoices(espeak.variants());
        assertTrue(voices.size() > 50, "only " + voices.size() + " espeak-ng voices");
        Map<Split, List<String>> bySplit = new HashMap<>();
        Set<String> speakers = new HashSet<>();
        for (SpeechCorpusGenerator.Voice v : voices) {
            assertTrue(speakers.add(v.speaker()), "speaker " + v.speaker() + " twice");
            assertEquals(SpeechCorpusGenerator.speakerSplit(v.speaker()), v.split());
            bySplit.computeIfAbsent(v.split(), s -> new ArrayList<>()).add(v.speaker());
        }
        assertEquals(Set.of(Split.TRAIN, Split.VALID, Split.TEST), bySplit.keySet());
        for (Split s : List.of(Split.VALID, Split.TEST)) {
            int size = bySplit.get(s).size();
            assertTrue(size >= 0.05 * voices.size() && size <= 0.2 * voices.size(), s + ": " + bySplit.get(s));
        }
        // a speaker's split does not depend on the seed or on what else is installed
        assertEquals(Split.TEST, SpeechCorpusGenerator.speakerSplit("espeak-ng/default"));
        assertEquals(Split.VALID, SpeechCorpusGenerator.speakerSplit("espeak-ng/grandma"));
        assertEquals(Split.TRAIN, SpeechCorpusGenerator.speakerSplit("espeak-ng/m3"));
    }

    @Test
    void aGeneratedCorpusPutsEachSpeakerInOneSplitAndFestivalInOtherSynth() {
        assumeInstalled();
        Map<String, Split> split = new HashMap<>();
        for (Utterance u : corpus.utterances()) {
            Split before = split.putIfAbsent(u.speaker(), u.split());
            assertTrue(before == null || before == u.split(), u.speaker() + " is in " + before + " and " + u.split());
            assertEquals(u.synthesiser().equals("festival"), u.split() == Split.OTHER_SYNTH, u.toString());
            assertEquals(u.synthesiser().equals("festival"), u.speaker().startsWith("festival/"), u.toString());
        }
    }

    @Test
    void anExistingCorpusIsNeverOverwritten(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(SpeechCorpus.MANIFEST), "precious\n");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> SpeechCorpusGenerator.generate(dir, SpeechCorpusGenerator.Options.of(1, 1)));
        assertTrue(e.getMessage().contains("a corpus is already here"), e.getMessage());
        assertEquals("precious\n", Files.readString(dir.resolve(SpeechCorpus.MANIFEST)));
    }

    @Test
    void optionsOutOfRangeAreRefusedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpeechCorpusGenerator.Options.of(5, 1).withFestivalShare(1.5));
        assertTrue(e.getMessage().contains("festivalShare must be between 0 and 1, got 1.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SpeechCorpusGenerator.Options.of(0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> SpeechCorpusGenerator.Options.of(5, 1).withNoise(0.5, List.of()));
    }

    @Test
    void festivalSegmentFilesAreReadAsEndTimesAndStretchedToTheAudio(@TempDir Path dir) throws IOException {
        Path segs = dir.resolve("a.segs");
        Files.writeString(segs, "#\n0.2200 100 pau\n0.2871 100 hh\n0.3294 100 ax\n0.4000 100 pau\n");
        assertEquals(List.of(new Segment(0, 0.22, "pau"), new Segment(0.22, 0.2871, "hh"),
                        new Segment(0.2871, 0.3294, "ax"), new Segment(0.3294, 0.43, "pau")),
                Festival.readSegments(segs, 0.43));
        assertEquals(List.of(new Segment(0, 0.22, "pau"), new Segment(0.22, 0.25, "hh")),
                Festival.readSegments(segs, 0.25));
        Files.writeString(segs, "0.2 100 pau\n");
        IOException e = assertThrows(IOException.class, () -> Festival.readSegments(segs, 1));
        assertTrue(e.getMessage().contains("no '#' line"), e.getMessage());
    }

    @Test
    void resamplingKeepsASineAndItsTiming() {
        for (int[] rates : new int[][]{{22050, 16000}, {32000, 16000}, {8000, 16000}}) {
            int in = rates[0];
            int out = rates[1];
            short[] x = new short[in / 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = (short) Math.round(10000 * Math.sin(2 * Math.PI * 1000 * i / in));
            }
            Resampler r = new Resampler(in, out);
            double[] y = r.resample(x);
            assertEquals(out / 2, y.length, in + " -> " + out);
            double maxErr = 0;
            for (int j = 200; j < y.length - 200; j++) {   // away from the edges, where the kernel runs off
                maxErr = Math.max(maxErr, Math.abs(y[j] - 10000 * Math.sin(2 * Math.PI * 1000.0 * j / out)));
            }
            assertTrue(maxErr < 20, in + " -> " + out + ": max error " + maxErr + " on an amplitude of 10000");
        }
        assertEquals(3, new Resampler(22050, 16000).outputLength(4));    // times 0, 1/16000, 2/16000 < 4/22050
    }

    @Test
    void whiteNoiseIsAddedAtTheRequestedSnrOverThePhones() {
        int n = 160_000;
        double[] x = new double[n];
        for (int i = n / 2; i < n; i++) {
            x[i] = 3000 * Math.sin(0.05 * i);             // power 4.5e6 over the phone, silence before
        }
        double[] clean = x.clone();
        List<Segment> labels = List.of(new Segment(0, 5, "sil"), new Segment(5, 10, "ah"));
        Noise.addWhite(x, labels, 16000, 10, new org.rnn4j.train.SeededRandom(1));
        double noise = 0;
        for (int i = 0; i < n; i++) {
            noise += (x[i] - clean[i]) * (x[i] - clean[i]);
        }
        double snr = 10 * Math.log10(4.5e6 / (noise / n));
        assertEquals(10, snr, 0.1, "measured SNR");
        // a peak of 40000 scales everything by 32767/40000: -20000 becomes -16383.5, rounded half up
        short[] pcm = Noise.toPcm(new double[]{40000, -20000, 0.6});
        assertArrayEquals(new short[]{32767, -16383, 0}, pcm);
        assertArrayEquals(new short[]{1, -2, 32767}, Noise.toPcm(new double[]{0.6, -1.6, 32767}));
    }
}
