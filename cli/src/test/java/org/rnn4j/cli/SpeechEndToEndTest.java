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
import org.rnn4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

        // the same run with one distributed worker reads the corpus the same way and ends with the same bits
        Path distributed = dir.resolve("distributed");
        MainTest.Result dist = MainTest.rnn4j("train", "--data", corpusDir.toString(), "--features", "fbank",
                "--delay", "3", "--tbptt", "20", "--hidden", "32", "--epochs", "6", "--batch", "8", "--lr", "0.01",
                "--threads", "1", "--no-progress", "--workers", "1", "--out", distributed.toString());
        assertEquals(0, dist.code(), dist.err());
        ModelFile.Loaded fromServer = ModelFile.load(distributed.resolve("model.rnn4j"));
        assertArrayEquals(model.model().parameters().values(), fromServer.model().parameters().values(),
                "--workers 1 against the local run");
        assertEquals(new FrameFeatures("fbank", true, 3), FrameFeatures.fromMeta(fromServer.meta()));
        assertEquals(PhoneSet.standard().names(), fromServer.data().classNames());

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

        // eval scores the held-out voices' frames with the model's own feature settings: the accuracy it prints is
        // the one counted here utterance by utterance, unpadded, from the model's frame classes
        String modelPath = run.resolve("model.rnn4j").toString();
        MainTest.Result eval = MainTest.rnn4j("eval", modelPath, "--data", corpusDir.toString());
        assertEquals(0, eval.code(), eval.err());
        long right = 0;
        long frames = 0;
        FrameFeatures f = FrameFeatures.fromMeta(model.meta());
        for (Utterance t : corpus.utterances(Split.TEST)) {
            Tensor x = f.features(corpus.audio(t), t.id());
            int[] truth = SpeechCorpus.frameLabels(corpus.labels(t), x.dim(0), FrameFeatures.HOP);
            int[] said = f.frameClasses(model.model().infer(f.input(x)), x.dim(0));
            for (int i = 0; i < truth.length; i++) {
                right += said[i] == truth[i] ? 1 : 0;
            }
            frames += truth.length;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("test split, (\\d+) utterances .*accuracy"
                + " ([0-9.]+) \\((\\d+) items").matcher(eval.out());
        assertTrue(m.find(), eval.out());
        assertEquals(corpus.utterances(Split.TEST).size(), Integer.parseInt(m.group(1)), eval.out());
        assertEquals(frames, Long.parseLong(m.group(3)), eval.out());
        assertEquals((double) right / frames, Double.parseDouble(m.group(2)), 1e-5, eval.out());

        MainTest.Result other = MainTest.rnn4j("eval", modelPath, "--data", corpusDir.toString(), "--split", "train");
        assertEquals(0, other.code(), other.err());
        assertTrue(other.out().contains("train split, " + corpus.utterances(Split.TRAIN).size() + " utterances"),
                other.out());
        MainTest.Result noCorpus = MainTest.rnn4j("eval", modelPath, "--data", dir.toString());
        assertEquals(1, noCorpus.code(), noCorpus.out());
        assertTrue(noCorpus.err().contains("is a speech model (fbank features, delay 3): give --data DIR with a speech"
                + " corpus (" + dir + " has no manifest.tsv)"), noCorpus.err());
        MainTest.Result badSplit = MainTest.rnn4j("eval", modelPath, "--data", corpusDir.toString(), "--split", "dev");
        assertTrue(badSplit.code() != 0 && badSplit.err().contains("'dev' is not a split"), badSplit.err());
    }
}
