package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.data.DataFiles;
import org.rnn4j.data.csv.CsvSequences;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.Sequences;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Standardization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rnn4j train / eval / predict --data} on the user's own CSV and .npy files, end to end. */
class CsvDataTest {

    @TempDir
    Path dir;

    /**
     * Sequences of 4 to 12 steps at irregular times with a feature {@code level} around 0 and a distractor {@code temp}
     * around 300 (std 10); the label is {@code up} when the levels sum above 0, else {@code down}. With
     * {@code perStep}, the label of each step is the sign of the running sum instead.
     */
    static String sensors(int n, long seed, boolean perStep) {
        SplittableRandom rnd = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("id,time,level,temp,label\n");
        for (int i = 0; i < n; i++) {
            int steps = 4 + rnd.nextInt(9);
            double t = rnd.nextDouble() * 5;
            double[] level = new double[steps];
            double sum = 0;
            String[] labels = new String[steps];
            for (int s = 0; s < steps; s++) {
                level[s] = rnd.nextGaussian();
                sum += level[s];
                labels[s] = sum > 0 ? "up" : "down";
            }
            for (int s = 0; s < steps; s++) {
                csv.append(String.format(Locale.ROOT, "s%03d,%.3f,%.4f,%.2f,%s%n", i, t, level[s],
                        300 + 10 * rnd.nextGaussian(), perStep ? labels[s] : labels[steps - 1]));
                t += 0.1 + rnd.nextDouble();
            }
        }
        return csv.toString();
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private static List<String> base(Path data, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--time-column", "time",
                "--label-column", "label", "--cell", "gru", "--hidden", "8", "--threads", "1", "--no-progress",
                "--lr", "0.02", "--out", out.toString()));
        a.addAll(Arrays.asList(extra));
        return a;
    }

    private static MainTest.Result rnn4j(List<String> args) {
        return MainTest.rnn4j(args.toArray(String[]::new));
    }

    private static double lastValidationLoss(String out) {
        Matcher m = Pattern.compile("validation loss ([0-9.]+)").matcher(out);
        double last = Double.NaN;
        while (m.find()) {
            last = Double.parseDouble(m.group(1));
        }
        return last;
    }

    @Test
    void aTinyGruLearnsALongFormatCsvTaskAndEvalAndPredictReadItAsTrainingDid() throws IOException {
        Path data = write("sensors.csv", sensors(400, 1, false));
        Path out = dir.resolve("run");
        MainTest.Result r = rnn4j(base(data, out, "--val-split", "0.25", "--epochs", "12"));
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("head last step -> 2") && r.out().contains("training split of 300")
                && r.out().contains("validation: 100 sequences"), r.out());
        Matcher acc = Pattern.compile("accuracy ([0-9.]+) on sensors.csv").matcher(r.out());
        assertTrue(acc.find(), r.out());
        double accuracy = Double.parseDouble(acc.group(1));
        assertTrue(accuracy >= 0.9, "learned the task: held-out accuracy " + accuracy + "\n" + r.out());

        DataSchema schema = ModelFile.load(out.resolve("model.rnn4j"), null).data();
        assertNotNull(schema);
        assertEquals(List.of("level", "temp"), schema.featureColumns());
        assertEquals(List.of("down", "up"), schema.classNames());
        assertEquals("time", schema.timeColumn());
        assertEquals(300, schema.mean()[1], 2, "temp is centred on the training split");
        assertEquals(10, schema.std()[1], 1.5);
        assertEquals(schema, ModelFile.load(out.resolve("checkpoint.rnn4j"), null).data(), "checkpoints keep it too");

        // eval on the same split reproduces the last validation loss: same columns, classes and scaling
        MainTest.Result e = MainTest.rnn4j("eval", out.resolve("model.rnn4j").toString(), "--data", data.toString(),
                "--val-split", "0.25");
        assertEquals(0, e.code(), e.all());
        Matcher loss = Pattern.compile("loss ([0-9.]+), accuracy").matcher(e.out());
        assertTrue(loss.find(), e.out());
        assertEquals(lastValidationLoss(r.out()), Double.parseDouble(loss.group(1)), 1e-5, e.out());

        Path predictions = dir.resolve("p.csv");
        MainTest.Result p = MainTest.rnn4j("predict", out.resolve("model.rnn4j").toString(), "--data", data.toString(),
                "-o", predictions.toString());
        assertEquals(0, p.code(), p.all());
        List<String> lines = Files.readAllLines(predictions);
        assertEquals("id,label,p_down,p_up", lines.get(0));
        assertEquals(401, lines.size());
        String[] first = lines.get(1).split(",");
        assertEquals("s000", first[0]);
        assertTrue(first[1].equals("up") || first[1].equals("down"));
        assertEquals(1, Float.parseFloat(first[2]) + Float.parseFloat(first[3]), 1e-5);
        assertEquals(Float.parseFloat(first[2]) > 0.5 ? "down" : "up", first[1]);
        // the probabilities are the softmax of the model's forward on s000, read and standardised as in training
        ModelFile.Loaded trained = ModelFile.load(out.resolve("model.rnn4j"), null);
        CsvSequences inputs = DataFiles.of(data).predictionInputs(trained.data(), null);
        Batch s000 = inputs.batch(new int[]{0});
        trained.model().eval();
        Tensor logits = trained.model().forward(new Standardization(schema.mean(), schema.std()).apply(s000.x()),
                Sequences.of(s000.lengths(), s000.times()), null);
        double down = Math.exp(logits.data()[0]);
        double up = Math.exp(logits.data()[1]);
        assertEquals(down / (down + up), Float.parseFloat(first[2]), 1e-6, lines.get(1));
        assertEquals(up / (down + up), Float.parseFloat(first[3]), 1e-6, lines.get(1));
    }

    @Test
    void labelsChangingWithinASequenceTrainAManyToManyModelAndPredictWritesARowPerStep() throws IOException {
        Path data = write("steps.csv", sensors(60, 2, true));
        Path out = dir.resolve("steps");
        MainTest.Result r = rnn4j(base(data, out, "--epochs", "1"));
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("head every step -> 2"), r.out());
        assertEquals(Head.EVERY_STEP, ModelFile.load(out.resolve("model.rnn4j"), null).model().head());
        Path predictions = dir.resolve("p.csv");
        assertEquals(0, MainTest.rnn4j("predict", out.resolve("model.rnn4j").toString(), "--data", data.toString(),
                "-o", predictions.toString(), "--batch", "7").code());
        List<String> lines = Files.readAllLines(predictions);
        assertEquals("id,step,time,label,p_down,p_up", lines.get(0));
        assertEquals(Files.readAllLines(data).size(), lines.size(), "one row per step");
        assertTrue(lines.get(2).startsWith("s000,1,"), lines.get(2));

        // constant labels become per step on request
        Path constant = write("const.csv", sensors(30, 3, false));
        MainTest.Result forced = rnn4j(base(constant, dir.resolve("forced"), "--epochs", "1", "--per-step"));
        assertEquals(0, forced.code(), forced.all());
        assertTrue(forced.out().contains("head every step"), forced.out());
    }

    @Test
    void aDirectoryOfCsvFilesIsOneSequencePerFile() throws IOException {
        Path seqs = Files.createDirectory(dir.resolve("seqs"));
        String[] lines = sensors(30, 4, false).split("\n");
        for (int i = 1; i < lines.length; i++) {
            String id = lines[i].substring(0, lines[i].indexOf(','));
            Path f = seqs.resolve(id + ".csv");
            if (!Files.exists(f)) {
                Files.writeString(f, "time,level,temp,label\n");
            }
            Files.writeString(f, lines[i].substring(id.length() + 1) + "\n", java.nio.file.StandardOpenOption.APPEND);
        }
        Path out = dir.resolve("dirrun");
        MainTest.Result r = rnn4j(base(seqs, out, "--epochs", "1", "--val-data", write("val.csv", sensors(10, 11, false))
                .toString()));
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("seqs (30 sequences, 2 features)"), r.out());
        Path predictions = dir.resolve("p.csv");
        assertEquals(0, MainTest.rnn4j("predict", out.resolve("model.rnn4j").toString(), "--data", seqs.toString(),
                "-o", predictions.toString()).code());
        assertTrue(Files.readAllLines(predictions).get(1).startsWith("s000,"));
        assertTrue(r.out().contains("validation: 10 sequences") && r.out().contains("validation loss"), r.out());
    }

    @Test
    void timestampsReachAPhasedLstmEndToEnd() throws IOException {
        String text = sensors(40, 12, false);
        Path data = write("timed.csv", text);
        Path out = dir.resolve("plstm");
        MainTest.Result r = rnn4j(base(data, out, "--epochs", "1", "--cell", "plstm", "--period", "1,10"));
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("Phased LSTM"), r.out());
        // the same rows with every timestamp tripled: a time gate sees other phases, so the predictions change
        StringBuilder slow = new StringBuilder("id,time,level,temp,label\n");
        for (String line : text.split("\n")) {
            if (!line.startsWith("id,")) {
                String[] f = line.split(",");
                f[1] = Double.toString(3 * Double.parseDouble(f[1]));
                slow.append(String.join(",", f)).append('\n');
            }
        }
        Path slowFile = write("slow.csv", slow.toString());
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        assertEquals(0, MainTest.rnn4j("predict", out.resolve("model.rnn4j").toString(), "--data", data.toString(),
                "-o", a.toString()).code());
        assertEquals(0, MainTest.rnn4j("predict", out.resolve("model.rnn4j").toString(), "--data", slowFile.toString(),
                "-o", b.toString()).code());
        assertFalse(Files.readAllLines(a).equals(Files.readAllLines(b)), "timestamps are used");
        // a GRU ignores them
        Path gru = dir.resolve("gru");
        assertEquals(0, rnn4j(base(data, gru, "--epochs", "1")).code());
        assertEquals(0, MainTest.rnn4j("predict", gru.resolve("model.rnn4j").toString(), "--data", data.toString(),
                "-o", a.toString()).code());
        assertEquals(0, MainTest.rnn4j("predict", gru.resolve("model.rnn4j").toString(), "--data", slowFile.toString(),
                "-o", b.toString()).code());
        assertEquals(Files.readAllLines(a), Files.readAllLines(b));
    }

    @Test
    void readingBatchesFromDiskTrainsExactlyAsInMemory() throws IOException {
        Path data = write("sensors.csv", sensors(80, 5, false));
        MainTest.Result memory = rnn4j(base(data, dir.resolve("memory"), "--epochs", "2", "--val-split", "0.2"));
        MainTest.Result disk = rnn4j(base(data, dir.resolve("disk"), "--epochs", "2", "--val-split", "0.2",
                "--streaming"));
        assertEquals(0, disk.code(), disk.all());
        assertTrue(disk.out().contains("read from disk batch by batch"), disk.out());
        assertEquals(memory.out().lines().filter(l -> l.startsWith("epoch")).map(l -> l.replaceAll("\\|[^|]*s/s$", "")
                        .replaceAll("\\| [0-9.]+ s.*", "")).toList(),
                disk.out().lines().filter(l -> l.startsWith("epoch")).map(l -> l.replaceAll("\\|[^|]*s/s$", "")
                        .replaceAll("\\| [0-9.]+ s.*", "")).toList());
        assertEquals(ModelFile.load(dir.resolve("memory/model.rnn4j"), null).data(),
                ModelFile.load(dir.resolve("disk/model.rnn4j"), null).data(), "the same statistics from the streaming pass");
        assertTrue(Arrays.equals(ModelFile.load(dir.resolve("memory/model.rnn4j"), null).model().parameters().values(),
                ModelFile.load(dir.resolve("disk/model.rnn4j"), null).model().parameters().values()));
    }

    @Test
    void aStreamedRunStoppedAndResumedEndsWithTheParametersOfAnUninterruptedOne() throws IOException {
        Path data = write("sensors.csv", sensors(50, 13, false));
        Path whole = dir.resolve("whole");
        assertEquals(0, rnn4j(base(data, whole, "--epochs", "2", "--batch", "8", "--streaming", "--val-split", "0.2"))
                .code());
        Path parts = dir.resolve("parts");
        MainTest.Result first = rnn4j(base(data, parts, "--epochs", "2", "--batch", "8", "--streaming", "--val-split",
                "0.2", "--max-steps", "7"));
        assertTrue(first.out().contains("stopped after 7 mini-batches"), first.all());
        MainTest.Result rest = MainTest.rnn4j("train", "--resume", parts.resolve("checkpoint.rnn4j").toString());
        assertEquals(0, rest.code(), rest.all());
        assertTrue(Arrays.equals(ModelFile.load(whole.resolve("model.rnn4j"), null).model().parameters().values(),
                ModelFile.load(parts.resolve("model.rnn4j"), null).model().parameters().values()));
    }

    @Test
    void regressionTargetsAndNoStandardisationAndAConstantFeature() throws IOException {
        StringBuilder csv = new StringBuilder("id,a,flat,y\n");
        SplittableRandom rnd = new SplittableRandom(6);
        for (int i = 0; i < 40; i++) {
            double a = rnd.nextGaussian();
            for (int s = 0; s < 3; s++) {
                csv.append(i).append(',').append(a + s).append(",7,").append(2 * a).append('\n');
            }
        }
        Path data = write("reg.csv", csv.toString());
        Path out = dir.resolve("reg");
        MainTest.Result r = MainTest.rnn4j("train", "--data", data.toString(), "--target-columns", "y", "--hidden", "4",
                "--epochs", "1", "--threads", "1", "--no-progress", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("mse"), r.out());
        assertEquals("MSE", ModelFile.load(out.resolve("model.rnn4j"), null).provenance().extra().get("objective"),
                "real-valued targets are learned with the mean squared error");
        DataSchema schema = ModelFile.load(out.resolve("model.rnn4j"), null).data();
        assertEquals(7f, schema.mean()[1]);
        assertEquals(1f, schema.std()[1], "a constant feature is centred, not divided by zero");
        Path predictions = dir.resolve("p.csv");
        assertEquals(0, MainTest.rnn4j("predict", out.resolve("model.rnn4j").toString(), "--data", data.toString(),
                "-o", predictions.toString()).code());
        assertEquals("id,y", Files.readAllLines(predictions).get(0));
        MainTest.Result convert = MainTest.rnn4j("convert", out.resolve("model.rnn4j").toString(),
                dir.resolve("m.npz").toString());
        assertEquals(0, convert.code(), convert.all());
        assertTrue(convert.out().contains("the model reads standardised inputs"), convert.out());

        Path raw = dir.resolve("raw");
        assertEquals(0, MainTest.rnn4j("train", "--data", data.toString(), "--target-columns", "y", "--hidden", "4",
                "--epochs", "1", "--threads", "1", "--no-progress", "--no-standardize", "--out", raw.toString()).code());
        assertFalse(ModelFile.load(raw.resolve("model.rnn4j"), null).data().standardized());
    }

    @Test
    void npyInputsWithLabelsInAnotherNpyFile() throws IOException {
        int n = 30;
        int t = 4;
        float[] x = new float[n * t];
        int[] labels = new int[n];
        SplittableRandom rnd = new SplittableRandom(8);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian() + 5;
        }
        for (int i = 0; i < n; i++) {
            labels[i] = x[i * t] > 5 ? 1 : 0;
        }
        Npy.write(dir.resolve("x.npy"), NpyArray.ofFloats(x, n, t, 1));
        Npy.write(dir.resolve("labels.npy"), NpyArray.ofInts(labels, n));
        Path out = dir.resolve("npy");
        MainTest.Result r = MainTest.rnn4j("train", "--data", dir.resolve("x.npy").toString(), "--labels",
                dir.resolve("labels.npy").toString(), "--hidden", "4", "--epochs", "1", "--threads", "1",
                "--no-progress", "--val-split", "0.2", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("accuracy"), r.out());
        assertEquals("CROSS_ENTROPY", ModelFile.load(out.resolve("model.rnn4j"), null).provenance().extra()
                .get("objective"), "class labels are learned with cross-entropy");
        DataSchema schema = ModelFile.load(out.resolve("model.rnn4j"), null).data();
        assertEquals(5, schema.mean()[0], 0.3, "arrays are standardised too");
        assertEquals(0, MainTest.rnn4j("eval", out.resolve("model.rnn4j").toString(), "--data",
                dir.resolve("x.npy").toString(), "--labels", dir.resolve("labels.npy").toString()).code());
        // predict -i applies the stored standardisation: the same outputs as the unscaled model on scaled inputs
        Path y = dir.resolve("y.npy");
        assertEquals(0, MainTest.rnn4j("predict", out.resolve("model.rnn4j").toString(), "-i",
                dir.resolve("x.npy").toString(), "-o", y.toString()).code());
        var model = ModelFile.load(out.resolve("model.rnn4j"), null).model();
        var scaled = new org.rnn4j.train.Standardization(schema.mean(), schema.std())
                .apply(org.rnn4j.tensor.Tensor.of(x, n, t, 1));
        assertTrue(Arrays.equals(model.forward(scaled).data(), Npy.read(y).toFloatArray()));

        MainTest.Result missing = MainTest.rnn4j("train", "--data", dir.resolve("x.npy").toString(), "--out",
                dir.resolve("never").toString());
        expectError(missing, "needs --labels FILE.npy (class indices) or --targets FILE.npy");
        Npy.write(dir.resolve("short.npy"), NpyArray.ofInts(new int[]{0, 1}, 2));
        expectError(MainTest.rnn4j("train", "--data", dir.resolve("x.npy").toString(), "--labels",
                dir.resolve("short.npy").toString(), "--out", dir.resolve("never").toString()), "short.npy must have shape (30,)");
        assertFalse(Files.exists(dir.resolve("never")));

        // a model trained on arrays does not know a CSV's columns: predict --data must be told which to read
        Path csv = dir.resolve("one.csv");
        Files.writeString(csv, "id,a,label\ns,1.0,0\ns,2.0,0\n");
        expectError(MainTest.rnn4j("predict", out.resolve("model.rnn4j").toString(), "--data", csv.toString(),
                "-o", dir.resolve("p.csv").toString()), "name them with --feature-columns");
        assertFalse(Files.exists(dir.resolve("p.csv")));
    }

    @Test
    void optionsOfTheOtherKindOfDataAreRefusedBeforeTraining() throws IOException {
        // --no-standardize etc. belong to --data, --val-size etc. to built-in tasks: refused at once, nothing written
        expectError(MainTest.rnn4j("train", "--task", "adding", "--no-standardize", "--out",
                dir.resolve("never").toString()), "are for --data, not for --task adding");
        expectError(MainTest.rnn4j("train", "--task", "adding", "--test-size", "0", "--out",
                dir.resolve("never").toString()), "--test-size must be at least 1");
        Path csv = dir.resolve("two.csv");
        Files.writeString(csv, "id,a,label\ns,1.0,0\ns,2.0,0\nt,1.5,1\n");
        expectError(MainTest.rnn4j("train", "--data", csv.toString(), "--label-column", "label", "--val-size", "5",
                "--out", dir.resolve("never").toString()), "--val-size is for built-in tasks");
        assertFalse(Files.exists(dir.resolve("never")));
    }

    @Test
    void badFilesGiveOneLineNamingFileLineAndColumnAndWriteNothing() throws IOException {
        Path never = dir.resolve("never");
        String header = "id,time,level,temp,label\n";
        String[][] cases = {
                {"ragged.csv", header + "a,0,1,2,up\na,1,1,2\n", "ragged.csv line 3: 4 fields, but the header (line 1) has 5 columns"},
                {"word.csv", header + "a,0,1,2,up\na,1,x1,2,up\n", "word.csv line 3, column 3 ('level'): 'x1' is not a number"},
                {"nan.csv", header + "a,0,NaN,2,up\n", "nan.csv line 2, column 3 ('level'): 'NaN' is not a finite number"},
                {"inf.csv", header + "a,0,1,Infinity,up\n", "inf.csv line 2, column 4 ('temp'): 'Infinity' is not a finite number"},
                {"back.csv", header + "a,5,1,2,up\na,4,1,2,up\n", "back.csv line 3, column 2 ('time'): timestamp 4 is before 5.0 on line 2"},
                {"empty.csv", "", "empty.csv: empty file"},
                {"header.csv", header, "header.csv: the header (line 1) is followed by no data rows"},
                {"nolabel.csv", "id,time,level,temp,class\na,0,1,2,up\n",
                        "nolabel.csv line 1: no label (--label-column) column 'label'; the header has [id, time, level, temp, class]"},
                {"one.csv", header + "a,0,1,2,up\nb,0,1,2,up\n", "every label is 'up'; a classifier needs at least two classes"},
        };
        for (String[] c : cases) {
            Path file = write(c[0], c[1]);
            expectError(rnn4j(base(file, never)), c[2]);
        }
        Path ok = write("ok.csv", header + "a,0,1,2,0\nb,0,1,2,3\n");
        expectError(rnn4j(base(ok, never, "--classes", "3")), "ok.csv line 3, column 5 ('label'): class 3 is outside 0..2 (3 classes)");
        expectError(MainTest.rnn4j("train", "--data", ok.toString(), "--feature-columns", "level,pressure", "--label-column",
                "label", "--out", never.toString()), "no feature (--feature-columns) column 'pressure'; the header has [id, time, level, temp, label]");
        assertFalse(Files.exists(never), "nothing is written for bad data");

        // validation data with a class the training data lacks
        Path train = write("train.csv", sensors(40, 9, false));
        Path val = write("val.csv", header + "z,0,1,2,sideways\n");
        expectError(rnn4j(base(train, never, "--val-data", val.toString())),
                "val.csv line 2, column 5 ('label'): class 'sideways' is not one of the model's 2 classes [down, up]");
        assertFalse(Files.exists(never));
        Path run = dir.resolve("run");
        assertEquals(0, rnn4j(base(train, run, "--epochs", "1")).code());
        expectError(MainTest.rnn4j("eval", run.resolve("model.rnn4j").toString(), "--data", val.toString()),
                "class 'sideways' is not one of the model's 2 classes");
        Path noTemp = write("notemp.csv", "id,time,level,label\na,0,1,up\n");
        expectError(MainTest.rnn4j("predict", run.resolve("model.rnn4j").toString(), "--data", noTemp.toString(), "-o",
                dir.resolve("never.csv").toString()), "notemp.csv line 1: no feature (--feature-columns) column 'temp'");
        assertFalse(Files.exists(dir.resolve("never.csv")));
        expectError(rnn4j(base(train, never, "--val-split", "1.5")), "a validation fraction must be between 0 and 1");
        assertFalse(Files.exists(never));
    }

    @Test
    void helpDescribesTheDataOptions() {
        MainTest.Result h = MainTest.rnn4j("train", "--help");
        for (String option : List.of("--label-column", "--target-columns", "--feature-columns", "--id-column",
                "--time-column", "--val-split", "--no-standardize", "--streaming", "--per-step", "--labels")) {
            assertTrue(h.out().contains(option), option + " in:\n" + h.out());
        }
        assertTrue(MainTest.rnn4j("predict", "--help").out().contains("--data"));
    }

    @Test
    void oldModelsWithoutADataSchemaPredictUnscaled() throws IOException {
        assertNull(ModelFile.load(Path.of("../core/src/test/resources/golden/model-v1-gru.rnn4j"), null).data());
    }

    static void expectError(MainTest.Result r, String fragment) {
        assertEquals(1, r.code(), "exit code; output: " + r.all());
        assertTrue(r.err().contains(fragment), "expected '" + fragment + "' in: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }
}
