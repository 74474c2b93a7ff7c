package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.data.text.CharModels;
import org.rnn4j.data.text.CharText;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Provenance;
import org.rnn4j.loss.Losses;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.tensor.Tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.MainTest.rnn4j;

/**
 * {@code rnn4j train --text} and {@code rnn4j sample}: the model file keeps the text's characters as its vocabulary;
 * the bits per character printed are those of the held-out tail read after the text before it, and a learnable
 * text is learned well below its unigram entropy; a run stopped by --max-steps and resumed ends with the parameters
 * of the uninterrupted run; sampling with a seed is reproducible, another seed gives another
 * text, and at temperature 0 the command's text is argmax decoding written out with whole-sequence forwards.
 */
class TextCommandsTest {

    @TempDir
    Path dir;

    @Test
    void trainTextKeepsTheVocabularyAndScoresTheHeldOutTailInBits() throws IOException {
        Path text = dir.resolve("text.txt");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            sb.append("abcde fghij é\n");   // 2100 characters, 13 distinct, one of them not ASCII
        }
        Files.writeString(text, sb, StandardCharsets.UTF_8);
        Path out = dir.resolve("run");
        MainTest.Result r = rnn4j("train", "--text", text.toString(), "--hidden", "24", "--epochs", "12", "--window",
                "40", "--batch", "8", "--lr", "0.01", "--threads", "1", "--no-progress", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        ModelFile.Loaded loaded = ModelFile.load(out.resolve("model.rnn4j"));
        CharText all = CharText.of(sb.toString());
        List<String> chars = new ArrayList<>();
        for (int cp : all.vocabulary()) {
            chars.add(new String(Character.toChars(cp)));
        }
        assertEquals(chars, loaded.data().classNames(), "the vocabulary in the model file");
        assertTrue(loaded.meta().containsKey("text"), loaded.meta().toString());
        int held = 210;   // --holdout 0.1 of 2100
        int[] tokens = all.tokens();
        double bpc = CharModels.bitsPerCharacter(loaded.model(), Arrays.copyOfRange(tokens, 2100 - held - 40,
                2100 - held), Arrays.copyOfRange(tokens, 2100 - held, 2100));
        String line = r.out().lines().filter(l -> l.startsWith("done in")).findFirst().orElseThrow();
        assertTrue(line.contains(String.format(java.util.Locale.ROOT, ": %.3f bits per character on the held-out last"
                + " %d characters of text.txt", bpc, held)), bpc + " in: " + line);
        assertTrue(bpc < 0.5, "a periodic text is learned far below its unigram entropy (3.7 bits): " + bpc);
        MainTest.Result info = rnn4j("info", out.resolve("model.rnn4j").toString());
        assertTrue(info.out().contains("predicts: next character (U+000A, U+0020, a, b,"), info.out());
    }

    @Test
    void aTextRunStoppedByMaxStepsAndResumedEndsWithTheUninterruptedRunsParameters() throws IOException {
        Path text = dir.resolve("words.txt");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            sb.append("the quick brown fox ").append(i % 7).append('\n');
        }
        Files.writeString(text, sb);
        List<String> common = List.of("train", "--text", text.toString(), "--hidden", "8", "--epochs", "3", "--window",
                "30", "--batch", "4", "--threads", "1", "--no-progress");
        Path whole = dir.resolve("whole");
        assertEquals(0, rnn4j(with(common, "--out", whole.toString())).code());
        Path parts = dir.resolve("parts");
        MainTest.Result first = rnn4j(with(common, "--max-steps", "5", "--out", parts.toString()));
        assertEquals(0, first.code(), first.all());
        assertTrue(first.out().contains("stopped after 5 mini-batches"), first.out());
        MainTest.Result rest = rnn4j("train", "--resume", parts.resolve("checkpoint.rnn4j").toString());
        assertEquals(0, rest.code(), rest.all());
        assertTrue(rest.out().contains("bits per character"), rest.out());
        assertTrue(Arrays.equals(ModelFile.load(whole.resolve("model.rnn4j")).model().parameters().values(),
                ModelFile.load(parts.resolve("model.rnn4j")).model().parameters().values()),
                "the resumed run ends with the uninterrupted run's parameters");
    }

    private static String[] with(List<String> common, String... more) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** A small untrained character model over a vocabulary, saved as train --text saves one. */
    private Path model(String vocabulary, long seed) throws IOException {
        CharText v = CharText.of(vocabulary);
        SequenceModel m = SequenceModel.builder().cell(CellSpec.gru()).embedding(v.vocabularySize(), 6).hiddenSize(10)
                .head(Head.EVERY_STEP).outputSize(v.vocabularySize()).seed(seed).build();
        List<String> names = new ArrayList<>();
        for (int cp : v.vocabulary()) {
            names.add(new String(Character.toChars(cp)));
        }
        Path file = dir.resolve("char-" + seed + ".rnn4j");
        ModelFile.write(file, new ModelFile.Contents(ModelFile.KIND_MODEL, m.config(), m.parameters().values(),
                Provenance.current(seed, "test"), Map.of(), Map.of("text", Map.of("file", "test")),
                new DataSchema(null, null, List.of("character"), "next character", List.of(), names, null, null)));
        return file;
    }

    @Test
    void samplingWithASeedIsReproducibleAndTemperatureZeroIsArgmaxDecoding() throws IOException {
        String vocabulary = "abcdefgh ,.\nxyzé";
        Path file = model(vocabulary, 5);
        MainTest.Result a = rnn4j("sample", file.toString(), "--length", "60", "--prime", "ab", "--seed", "7");
        MainTest.Result b = rnn4j("sample", file.toString(), "--length", "60", "--prime", "ab", "--seed", "7");
        MainTest.Result c = rnn4j("sample", file.toString(), "--length", "60", "--prime", "ab", "--seed", "8");
        assertEquals(0, a.code(), a.all());
        assertEquals("", a.err());
        assertEquals(a.out(), b.out(), "the same seed, the same text");
        assertNotEquals(a.out(), c.out(), "another seed, another text");
        assertEquals(2 + 60 + 1, a.out().codePointCount(0, a.out().length()), "prime, 60 characters, newline");
        assertTrue(a.out().startsWith("ab"));

        MainTest.Result greedy = rnn4j("sample", file.toString(), "--length", "50", "--prime", "hé", "--temperature",
                "0", "--seed", "99");
        assertEquals(0, greedy.code(), greedy.all());
        SequenceModel m = ModelFile.load(file).model();
        CharText v = CharText.of(vocabulary);
        List<Integer> seq = new ArrayList<>();
        for (int t : CharText.of("hé", v.vocabulary()).tokens()) {
            seq.add(t);
        }
        int size = v.vocabularySize();
        for (int i = 0; i < 50; i++) {
            Tensor x = Tensor.zeros(1, seq.size(), 1);
            for (int t = 0; t < seq.size(); t++) {
                x.data()[t] = seq.get(t);
            }
            float[] y = m.forward(x).data();
            int[] best = Losses.argmax(Tensor.of(Arrays.copyOfRange(y, (seq.size() - 1) * size, seq.size() * size), 1,
                    size));
            seq.add(best[0]);
        }
        String expected = v.decode(seq.stream().mapToInt(Integer::intValue).toArray()) + "\n";
        assertEquals(expected, greedy.out(), "temperature 0 through the command equals argmax decoding");
    }

    @Test
    void badSamplingOptionsAreRefusedBeforeAnyTextIsWritten() throws IOException {
        Path file = model("abc\n", 1);
        for (String[] bad : List.of(new String[] {"--prime", "abz"}, new String[] {"--temperature", "-1"},
                new String[] {"--length", "-5"}, new String[] {"--prime", ""})) {
            List<String> args = new ArrayList<>(List.of("sample", file.toString()));
            args.addAll(List.of(bad));
            MainTest.Result r = rnn4j(args.toArray(String[]::new));
            assertEquals(1, r.code(), String.join(" ", bad) + ": " + r.all());
            assertTrue(r.err().contains(bad[0]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertEquals("", r.out(), "nothing on stdout");
        }
        MainTest.Result r = rnn4j("sample", file.toString(), "--prime", "abz");
        assertTrue(r.err().contains("character 2 ('z')"), r.err());
        Path run = dir.resolve("adding");
        assertEquals(0, rnn4j("train", "--steps", "6", "--train-size", "32", "--val-size", "16", "--hidden", "4",
                "--epochs", "1", "--threads", "1", "--no-progress", "--out", run.toString()).code());
        r = rnn4j("sample", run.resolve("model.rnn4j").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("is not a character language model"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }
}
