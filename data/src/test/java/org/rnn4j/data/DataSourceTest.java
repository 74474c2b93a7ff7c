package org.rnn4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.data.csv.CsvColumns;
import org.rnn4j.data.synthetic.AddingProblem;
import org.rnn4j.io.FileFormatException;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;
import org.rnn4j.io.Npz;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.Objective;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data sources a Java user calls to get the datasets the command line trains, validates and tests on. */
class DataSourceTest {

    @TempDir
    Path dir;

    private static Batch all(Dataset d) {
        int[] idx = new int[d.size()];
        java.util.Arrays.setAll(idx, i -> i);
        return d.batch(idx);
    }

    private static void assertSameBatches(Dataset want, Dataset got) {
        assertEquals(want.size(), got.size());
        Batch a = all(want);
        Batch b = all(got);
        assertArrayEquals(a.x().data(), b.x().data(), "inputs");
        assertArrayEquals(a.lengths(), b.lengths(), "lengths");
        if (a.classes() != null) {
            assertArrayEquals(a.classes(), b.classes(), "classes");
        } else {
            assertArrayEquals(a.targets().data(), b.targets().data(), "targets");
        }
    }

    private static ModelConfig classifier(int inputs, int classes) {
        return SequenceModel.builder().cell(CellSpec.gru()).inputSize(inputs).hiddenSize(3).head(Head.LAST_STEP)
                .outputSize(classes).build().config();
    }

    @Test
    void aSyntheticTaskDrawsTrainingValidationAndTestSequencesFromThreeSeeds() throws IOException {
        BuiltInTask task = BuiltInTask.named("Adding").withSteps(8).withSizes(20, 5, 7).withSeed(3);
        assertEquals("adding", task.name());
        TaskData data = task.training();
        assertSameBatches(new AddingProblem(8, 20, 3), data.train());
        assertSameBatches(new AddingProblem(8, 5, 3 + 1_000_003L), data.validation());
        assertEquals(2, data.inputSize());
        assertEquals(Head.LAST_STEP, data.head());
        assertEquals(Objective.MSE, data.objective());
        assertEquals(new AddingProblem(8, 5, 3).baselineLoss(), data.baselineLoss());
        assertNull(data.schema(), "a built-in task has no columns to remember");
        TaskData test = task.test(null, null);
        assertSameBatches(new AddingProblem(8, 7, 3 + 2_000_029L), test.train());
        assertNull(test.validation());

        assertTrue(assertThrows(IllegalArgumentException.class, () -> BuiltInTask.named("tcn")).getMessage()
                .contains("unknown task 'tcn'; choose adding, parity, copy, fashion-rows"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BuiltInTask.named("mnist-rows").withSteps(5))
                .getMessage().contains("does not apply to the image task mnist-rows"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BuiltInTask.named("parity").withDataDir(dir))
                .getMessage().contains("is for the image tasks"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> task.withSizes(0, null, null)).getMessage()
                .contains("the training size must be at least 1, got 0"));
    }

    /** Two features, {@code level} around 0 and {@code temp} around 300; the label says whether the levels sum above 0. */
    private Path sensors(int n) throws IOException {
        SplittableRandom rnd = new SplittableRandom(5);
        StringBuilder csv = new StringBuilder("id,time,level,temp,label\n");
        for (int i = 0; i < n; i++) {
            int steps = 3 + rnd.nextInt(4);
            double[] level = new double[steps];
            double sum = 0;
            for (int s = 0; s < steps; s++) {
                level[s] = rnd.nextGaussian();
                sum += level[s];
            }
            for (int s = 0; s < steps; s++) {
                csv.append(String.format(java.util.Locale.ROOT, "s%02d,%d,%.4f,%.2f,%s%n", i, s, level[s],
                        300 + 10 * rnd.nextGaussian(), sum > 0 ? "up" : "down"));
            }
        }
        return Files.writeString(dir.resolve("sensors.csv"), csv);
    }

    @Test
    void csvDataIsSplitStandardisedOnTheTrainingPartAndTestedAlikeWithTheSchema() throws IOException {
        DataFiles files = DataFiles.of(sensors(40))
                .withColumns(new CsvColumns("id", "time", List.of(), "label", List.of(), null))
                .withValidationSplit(0.25).withSeed(7);
        assertEquals("sensors", files.name());
        TaskData data = files.training();
        assertEquals(30, data.train().size());
        assertEquals(10, data.validation().size());
        assertEquals(Objective.CROSS_ENTROPY, data.objective());
        assertEquals(2, data.outputSize());
        assertEquals(List.of("level", "temp"), data.schema().featureColumns());
        assertEquals(List.of("down", "up"), data.schema().classNames());

        // the statistics are those of the valid steps of the training split, which they turn to mean 0 and std 1
        Batch train = all(data.train());
        double sum = 0;
        double squares = 0;
        int count = 0;
        for (int r = 0; r < train.size(); r++) {
            for (int s = 0; s < train.lengths()[r]; s++) {
                double temp = train.x().data()[(r * train.steps() + s) * 2 + 1];
                sum += temp;
                squares += temp * temp;
                count++;
            }
        }
        assertEquals(0, sum / count, 1e-4, "standardised temp has mean 0 over the training split");
        assertEquals(1, Math.sqrt(squares / count - (sum / count) * (sum / count)), 0.05);
        assertEquals(300, data.schema().mean()[1], 5);

        // a trained model's test data: the same validation split, read and scaled with the stored schema
        TaskData test = files.test(classifier(2, 2), data.schema());
        assertSameBatches(data.validation(), test.train());
        assertEquals(data.schema(), test.schema());

        TaskData raw = files.withStandardize(false).training();
        assertNull(raw.schema().mean(), "not standardised when told");
        assertThrows(IllegalArgumentException.class, () -> DataFiles.of(sensors(4)).training(),
                "a CSV source must name what to learn");
    }

    @Test
    void arraysFromAnNpzFileOrFromNpyFilesGiveTheSameData() throws IOException {
        int n = 6;
        int t = 4;
        float[] x = new float[n * t];
        int[] labels = new int[n];
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            lengths[i] = 1 + i % t;
            for (int s = 0; s < t; s++) {
                x[i * t + s] = i + 0.1f * s;
            }
        }
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("x", NpyArray.ofFloats(x, n, t, 1));
        arrays.put("labels", NpyArray.ofInts(labels, n));
        arrays.put("lengths", NpyArray.ofInts(lengths, n));
        Path npz = dir.resolve("arrays.npz");
        Npz.write(npz, arrays, false);
        TaskData fromNpz = DataFiles.of(npz).withStandardize(false).training();
        assertEquals(Head.LAST_STEP, fromNpz.head());
        assertEquals(3, fromNpz.outputSize());
        assertEquals(Objective.CROSS_ENTROPY, fromNpz.objective());
        Batch b = all(fromNpz.train());
        assertArrayEquals(labels, b.classes());
        assertArrayEquals(lengths, b.lengths());

        Npy.write(dir.resolve("x.npy"), arrays.get("x"));
        Npy.write(dir.resolve("labels.npy"), arrays.get("labels"));
        Npy.write(dir.resolve("lengths.npy"), arrays.get("lengths"));
        TaskData fromNpy = DataFiles.of(dir.resolve("x.npy")).withStandardize(false).withNpyFiles(
                new DataFiles.NpyFiles(dir.resolve("labels.npy"), null, dir.resolve("lengths.npy"), null)).training();
        assertSameBatches(fromNpz.train(), fromNpy.train());

        assertTrue(assertThrows(IllegalArgumentException.class, () -> DataFiles.of(npz).withObjective(Objective.MSE)
                .training()).getMessage().contains("needs real-valued 'y', but " + npz + " has class 'labels'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DataFiles.of(dir.resolve("x.npy")).training())
                .getMessage().contains("need class labels (--labels FILE.npy) or real-valued targets"));
        assertTrue(assertThrows(FileFormatException.class, () -> DataFiles.of(npz).withClasses(2).training())
                .getMessage().contains("has the class 2 at flat index 2, outside 0..1"));
    }
}
