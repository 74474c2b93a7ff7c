package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.MultiStreamModelFile;
import org.rnn4j.io.NpyArray;
import org.rnn4j.io.Npz;
import org.rnn4j.train.SeededRandom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.MainTest.rnn4j;

/**
 * {@code rnn4j train --data FILE.npz} on an archive of two streams on their own clocks (x0, t0, x1, t1, y): the
 * model learns a class that only the second, slower stream carries, is saved as a multi-stream model file whose
 * accuracy on the data is the printed one; inconsistent archives (streams of different batch sizes, times going
 * backwards in a stream, a stream without times) are refused in one line naming the array.
 */
@SuppressWarnings("unchecked")
class MultiStreamTrainTest {

    @TempDir
    Path dir;

    private static final int N = 160;

    /** Stream 0: 6 steps of noise every 1.0; stream 1: 3 steps every 2.0 from 0.5, whose sign is the class. */
    private static Map<String, NpyArray> arrays() {
        SeededRandom rng = new SeededRandom(3);
        float[] x0 = new float[N * 6 * 2];
        double[] t0 = new double[N * 6];
        float[] x1 = new float[N * 3];
        double[] t1 = new double[N * 3];
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = rng.nextInt(2);
            for (int j = 0; j < 6; j++) {
                t0[i * 6 + j] = j;
                x0[(i * 6 + j) * 2] = (float) rng.nextGaussian();
                x0[(i * 6 + j) * 2 + 1] = (float) rng.nextGaussian();
            }
            for (int j = 0; j < 3; j++) {
                t1[i * 3 + j] = 0.5 + 2 * j;
                x1[i * 3 + j] = (float) ((y[i] == 1 ? 1 : -1) * (0.5 + rng.nextDouble()));
            }
        }
        Map<String, NpyArray> a = new LinkedHashMap<>();
        a.put("x0", NpyArray.ofFloats(x0, N, 6, 2));
        a.put("t0", NpyArray.ofDoubles(t0, N, 6));
        a.put("x1", NpyArray.ofFloats(x1, N, 3, 1));
        a.put("t1", NpyArray.ofDoubles(t1, N, 3));
        a.put("y", NpyArray.ofInts(y, N));
        return a;
    }

    @Test
    void trainsOnTwoStreamsAndSavesAModelThatScoresWhatWasPrinted() throws IOException {
        Path data = dir.resolve("fused.npz");
        Npz.write(data, arrays(), false);
        Path out = dir.resolve("run");
        MainTest.Result r = rnn4j("train", "--data", data.toString(), "--cell", "lstm", "--hidden", "8",
                "--stream-hidden", "6,4", "--epochs", "12", "--batch", "16", "--lr", "0.02", "--threads", "1",
                "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        Matcher m = Pattern.compile("training loss ([0-9.]+), accuracy ([0-9.]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        double printed = Double.parseDouble(m.group(2));
        assertTrue(printed > 0.9, "the class is in stream 1: accuracy " + printed + "\n" + r.out());

        MultiStreamModelFile.Loaded loaded = MultiStreamModelFile.load(out.resolve("model.rnn4j"), null);
        assertEquals(2, loaded.model().config().streams().size());
        assertEquals(6, loaded.model().config().streams().get(0).hiddenSize());
        assertEquals(4, loaded.model().config().streams().get(1).hiddenSize());
        MultiStreamTraining.Data all = MultiStreamTraining.read(data);
        int[] idx = new int[N];
        for (int i = 0; i < N; i++) {
            idx[i] = i;
        }
        double[] again = MultiStreamTraining.evaluate(loaded.model(), all, idx);
        assertEquals(m.group(2), String.format(Locale.ROOT, "%.5f", again[1]));
        assertTrue(r.out().contains("unit updates at inference 100.0 % of dense"), r.out());

        MainTest.Result info = rnn4j("info", out.resolve("model.rnn4j").toString());
        assertEquals(0, info.code(), info.all());
        assertTrue(info.out().contains("stream 1: LSTM, 1 inputs, 4 units"), info.out());
        // an LSTM of 6 units reading 2 features: 4·6 gate rows
        assertTrue(Pattern.compile("stream0\\.weight_ih_l0 +\\(24, 2\\) +48").matcher(info.out()).find(), info.out());
        assertTrue(info.out().contains("total") && info.out().contains(
                String.valueOf(loaded.model().parameters().size())), info.out());
    }

    @Test
    void evalAndPredictReadTheStreamsOfAnArchive() throws IOException {
        Path data = dir.resolve("fused.npz");
        Npz.write(data, arrays(), false);
        Path out = dir.resolve("run");
        MainTest.Result r = rnn4j("train", "--data", data.toString(), "--cell", "plstm", "--hidden", "8",
                "--stream-hidden", "6,4", "--epochs", "4", "--batch", "16", "--lr", "0.02", "--val-split", "0.25",
                "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        Matcher printed = Pattern.compile("validation loss ([0-9.]+), accuracy ([0-9.]+);").matcher(r.out());
        assertTrue(printed.find(), r.out());
        String model = out.resolve("model.rnn4j").toString();

        // the --val-split part of the same --data-seed is the validation set train scored
        MainTest.Result e = rnn4j("eval", model, "--data", data.toString(), "--val-split", "0.25");
        assertEquals(0, e.code(), e.all());
        Matcher m = Pattern.compile("\\(the --val-split part, 40 sequences\\): loss ([0-9.]+), accuracy ([0-9.]+)")
                .matcher(e.out());
        assertTrue(m.find(), e.out());
        assertEquals(Double.parseDouble(printed.group(1)), Double.parseDouble(m.group(1)), 1e-5);
        assertEquals(Double.parseDouble(printed.group(2)), Double.parseDouble(m.group(2)), 1e-5);

        // predict needs no y; its argmax scores as eval does on all sequences
        Map<String, NpyArray> unlabelled = arrays();
        int[] y = unlabelled.remove("y").toIntArray();
        Path streams = dir.resolve("streams.npz");
        Npz.write(streams, unlabelled, false);
        Path npy = dir.resolve("out.npy");
        MainTest.Result p = rnn4j("predict", model, "--data", streams.toString(), "-o", npy.toString(),
                "--activation", "softmax");
        assertEquals(0, p.code(), p.all());
        float[] probs = org.rnn4j.io.Npy.read(npy).toFloatArray();
        assertEquals(N * 2, probs.length);
        int correct = 0;
        for (int i = 0; i < N; i++) {
            assertEquals(1.0, probs[2 * i] + probs[2 * i + 1], 1e-5, "softmax rows sum to 1");
            correct += (probs[2 * i + 1] > probs[2 * i] ? 1 : 0) == y[i] ? 1 : 0;
        }
        MainTest.Result all = rnn4j("eval", model, "--data", data.toString());
        assertEquals(0, all.code(), all.all());
        Matcher a = Pattern.compile("\\(160 sequences\\): loss [0-9.]+, accuracy ([0-9.]+)").matcher(all.out());
        assertTrue(a.find(), all.out());
        assertEquals(Double.parseDouble(a.group(1)), correct / (double) N, 1e-6);

        Map<String, NpyArray> one = arrays();
        one.remove("x1");
        one.remove("t1");
        Path single = dir.resolve("one.npz");
        Npz.write(single, one, false);
        MainTest.Result wrong = rnn4j("eval", model, "--data", single.toString());
        assertEquals(1, wrong.code(), wrong.all());
        assertTrue(wrong.err().contains("reads 2 streams, but " + single + " has 1"), wrong.err());
        MainTest.Result noData = rnn4j("predict", model, "-o", dir.resolve("x.npy").toString());
        assertEquals(1, noData.code(), noData.all());
        assertTrue(noData.err().contains("give its streams with --data FILE.npz"), noData.err());
        assertTrue(!java.nio.file.Files.exists(dir.resolve("x.npy")));
    }

    /**
     * A run stopped after 2 of 4 epochs (its checkpoint's command line says 4) and resumed ends with the parameters and
     * metrics of the uninterrupted run, bit for bit; a run directory is not overwritten without --overwrite.
     */
    @Test
    void resumeFromTheCheckpointOfAnEpochGivesTheUninterruptedRun() throws IOException {
        Path data = dir.resolve("fused.npz");
        Npz.write(data, arrays(), false);
        java.util.function.Function<String, String[]> cmd = epochs -> new String[] {"train", "--data", data.toString(),
                "--cell", "plstm", "--hidden", "8", "--stream-hidden", "6,4", "--epochs", epochs, "--batch", "16",
                "--lr", "0.02", "--val-split", "0.25", "--threads", "1", "--out", null};
        String[] whole = cmd.apply("4");
        whole[whole.length - 1] = dir.resolve("whole").toString();
        assertEquals(0, rnn4j(whole).code());
        String[] half = cmd.apply("2");
        Path stopped = dir.resolve("stopped");
        half[half.length - 1] = stopped.toString();
        assertEquals(0, rnn4j(half).code());

        MainTest.Result again = rnn4j(half);
        assertEquals(2, again.code(), again.all());
        assertTrue(again.err().contains("--overwrite"), again.err());

        // as if that run had been asked for 4 epochs and stopped after 2
        Path checkpoint = stopped.resolve("checkpoint.rnn4j");
        MultiStreamModelFile.Loaded saved = MultiStreamModelFile.load(checkpoint, null);
        Map<String, Object> state = new LinkedHashMap<>((Map<String, Object>) saved.meta().get("checkpoint"));
        java.util.List<Object> args = new java.util.ArrayList<>((java.util.List<?>) state.get("args"));
        args.set(args.indexOf("--epochs") + 1, "4");
        state.put("args", args);
        MultiStreamModelFile.save(checkpoint, saved.model(), saved.provenance(), Map.of("checkpoint", state));
        Files.delete(stopped.resolve("model.rnn4j"));

        MainTest.Result resumed = rnn4j("train", "--resume", stopped.toString());
        assertEquals(0, resumed.code(), resumed.all());
        assertTrue(resumed.out().contains("at epoch 3"), resumed.out());
        assertArrayEquals(MultiStreamModelFile.load(dir.resolve("whole").resolve("model.rnn4j"), null).model()
                        .parameters().values(),
                MultiStreamModelFile.load(stopped.resolve("model.rnn4j"), null).model().parameters().values());
        assertEquals(Files.readString(dir.resolve("whole").resolve("metrics.jsonl")),
                Files.readString(stopped.resolve("metrics.jsonl")));

        MainTest.Result notACheckpoint = rnn4j("train", "--resume", stopped.resolve("model.rnn4j").toString());
        assertEquals(1, notACheckpoint.code(), notACheckpoint.all());
        assertTrue(notACheckpoint.err().contains("not a checkpoint"), notACheckpoint.err());
        MainTest.Result maxSteps = rnn4j("train", "--data", data.toString(), "--max-steps", "3", "--out",
                dir.resolve("m").toString());
        assertEquals(1, maxSteps.code(), maxSteps.all());
        assertTrue(maxSteps.err().contains("--max-steps is not supported with several streams"), maxSteps.err());
        assertTrue(!Files.exists(dir.resolve("m")), "a refused run leaves no directory");
        MainTest.Result workers = rnn4j("train", "--data", data.toString(), "--workers", "2", "--out",
                dir.resolve("w").toString());
        assertEquals(1, workers.code(), workers.all());
        assertTrue(workers.err().contains("holds several streams, and a multi-stream model trains in one JVM only"),
                workers.err());
        assertTrue(!Files.exists(dir.resolve("w")), "a refused run leaves no directory");
    }

    @Test
    void inconsistentStreamsAreRefusedInOneLineNamingTheArray() throws IOException {
        Map<String, NpyArray> a = arrays();
        a.put("x1", NpyArray.ofFloats(new float[(N - 1) * 3], N - 1, 3, 1));
        a.put("t1", NpyArray.ofDoubles(new double[(N - 1) * 3], N - 1, 3));
        assertRefused(a, "x1 has 159 sequences but y has 160 and x0 has 160");

        a = arrays();
        double[] t1 = a.get("t1").toDoubleArray();
        t1[4 * 3 + 2] = t1[4 * 3 + 1] - 0.25;
        a.put("t1", NpyArray.ofDoubles(t1, N, 3));
        assertRefused(a, "t1 goes backwards in sequence 4 at step 2 (2.25 after 2.5)");

        a = arrays();
        a.remove("t1");
        assertRefused(a, "stream 1 has x1 but no t1");

        a = arrays();
        a.put("t2", a.get("t1"));
        assertRefused(a, "has 't2' but the streams x0 … x1 stop before it");
    }

    private void assertRefused(Map<String, NpyArray> arrays, String expected) throws IOException {
        Path data = dir.resolve("bad.npz");
        Npz.write(data, arrays, false);
        MainTest.Result r = rnn4j("train", "--data", data.toString(), "--epochs", "1", "--threads", "1", "--out",
                dir.resolve("bad").toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains(data + ": " + expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
