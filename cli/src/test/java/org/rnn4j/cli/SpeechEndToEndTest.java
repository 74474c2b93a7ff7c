package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.data.speech.FrameFeatures;
import org.rnn4j.data.speech.LabelFile;
import org.rnn4j.data.speech.PhoneSet;
import org.rnn4j.data.speech.Segment;
import org.rnn4j.data.speech.SpeechCorpus;
import org.rnn4j.data.speech.Split;
import org.rnn4j.data.speech.Utterance;
import org.rnn4j.io.ModelFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The three commands of the README's speech tour, end to end: {@code data speech} makes a few utterances,
 * {@code train --features fbank} learns frame classes from them with a delay and truncated BPTT, and
 * {@code predict --wav} prints contiguous phone segments covering the recording. Needs espeak-ng
 * (scripts/install-speech); skipped without it unless RNN4J_REQUIRE_DATA is set.
 */
class SpeechEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void generateTrainAndPredictPhoneSegmentsOfAWav() throws IOException {
        Path corpusDir = dir.resolve("corpus");
        MainTest.Result gen = MainTest.rnn4j("data", "speech", "--out", corpusDir.toString(), "--utterances", "30",
                "--seed", "4", "--festival-share", "0");
        if (gen.code() != 0 && System.getenv("RNN4J_REQUIRE_DATA") == null) {
            assumeTrue(false, "no speech corpus could be made (run scripts/install-speech): " + gen.err());
        }
        assertEquals(0, gen.code(), gen.err());
        assertTrue(gen.out().contains("30 utterances"), gen.out());

        Path run = dir.resolve("run");
        MainTest.Result train = MainTest.rnn4j("train", "--data", corpusDir.toString(), "--features", "fbank",
                "--delay", "3", "--tbptt", "20", "--hidden", "32", "--epochs", "6", "--batch", "8", "--lr", "0.01",
                "--threads", "1", "--no-progress", "--out", run.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("input 40, head every step -> 40"), train.out());

        ModelFile.Loaded model = ModelFile.load(run.resolve("model.rnn4j"));
        assertEquals(PhoneSet.standard().names(), model.data().classNames());
        assertEquals(new FrameFeatures("fbank", true, 3), FrameFeatures.fromMeta(model.meta()));

        SpeechCorpus corpus = SpeechCorpus.open(corpusDir);
        Utterance u = corpus.utterances(Split.TRAIN).getFirst();
        MainTest.Result predicted = MainTest.rnn4j("predict", run.resolve("model.rnn4j").toString(), "--wav",
                corpus.wavFile(u).toString());
        assertEquals(0, predicted.code(), predicted.err());
        Path tsv = dir.resolve("predicted.tsv");
        java.nio.file.Files.writeString(tsv, predicted.out());
        List<Segment> segments = LabelFile.read(tsv);   // refuses gaps, overlaps, unknown phones, a late start
        List<String> phones = new ArrayList<>();
        segments.forEach(s -> phones.add(s.phone()));
        assertEquals(corpus.labels(u).getLast().end(), segments.getLast().end(), 0.03,
                "the segments cover the recording: " + predicted.out());
        // trained on it, the model finds the pauses and some speech
        assertEquals("sil", phones.getFirst(), predicted.out());
        assertTrue(phones.stream().anyMatch(p -> !p.equals("sil")), predicted.out());
    }
}
