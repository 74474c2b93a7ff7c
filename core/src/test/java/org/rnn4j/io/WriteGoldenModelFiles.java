package org.rnn4j.io;

import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.RecurrentConfig;
import org.rnn4j.nn.SequenceModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wrote the golden files of model file format version 1 in {@code core/src/test/resources/golden/}, which
 * {@link ModelFileGoldenTest} loads. Not a test and not run by the build: it was run once, when format version 1
 * was current, and its files are committed. Do not run it again to "fix" a failing golden test — the point of
 * those files is that files written by the old code keep loading. When the format changes, add a version, a
 * writer for it here (model-v2-...) and a golden test for the new files, and keep the old ones.
 *
 * <p>Every parameter is set by a formula rather than left random, so that the test can check each value:
 * {@code value[i] = (i % 17 - 8) / 10f} for the parameters, and simple formulas for the extra arrays.
 *
 * <pre>
 * source scripts/java-home.sh &amp;&amp; mvn -q -pl core test-compile
 * java --add-modules jdk.incubator.vector -cp core/target/classes:core/target/test-classes \
 *     org.rnn4j.io.WriteGoldenModelFiles core/src/test/resources/golden
 * </pre>
 */
public final class WriteGoldenModelFiles {

    private WriteGoldenModelFiles() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: WriteGoldenModelFiles <directory>");
            System.exit(2);
        }
        if (ModelFile.FORMAT_VERSION != 1) {
            throw new IllegalStateException("this program writes the golden files of format version 1, but this"
                    + " library writes version " + ModelFile.FORMAT_VERSION);
        }
        Path dir = Path.of(args[0]);

        // LSTM with peepholes, projection and clipping; 2 layers, bidirectional; a prediction per step
        ModelConfig lstm = new ModelConfig(new RecurrentConfig(
                CellSpec.lstm().withPeepholes(true).withProjSize(2).withCellClip(2.5f), 3, 4, 2, true, 0.1f),
                Head.EVERY_STEP, 2);
        ModelFile.save(dir.resolve("model-v1-lstm.rnn4j"), byFormula(lstm),
                Provenance.current(1234, "none: parameters set to (i % 17 - 8) / 10")
                        .withExtra("purpose", "golden file of format version 1"));

        // GRU in Cho et al.'s form, one prediction per sequence, with two extra arrays and meta values
        ModelConfig gru = new ModelConfig(new RecurrentConfig(CellSpec.gru().original(), 2, 3, 1, false, 0f),
                Head.LAST_STEP, 1);
        float[] parameters = byFormula(gru).parameters().values();
        Map<String, float[]> arrays = new LinkedHashMap<>();
        float[] ramp = new float[parameters.length];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i / 100f;
        }
        arrays.put("extra.ramp", ramp);
        arrays.put("extra.five", new float[] {-2f, -1f, 0f, 1f, 2f});
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("step", 42L);
        meta.put("learningRate", 0.001);
        meta.put("rng", "SplittableRandom(99), 42 draws");
        meta.put("nested", Map.of("list", List.of(1L, "two", true)));
        ModelFile.write(dir.resolve("model-v1-gru.rnn4j"), new ModelFile.Contents(ModelFile.KIND_MODEL, gru,
                parameters, Provenance.current(5678, "none: parameters set to (i % 17 - 8) / 10"), arrays, meta));

        // ReLU RNN, one layer
        ModelConfig rnn = new ModelConfig(new RecurrentConfig(CellSpec.rnnRelu(), 2, 3, 1, false, 0f),
                Head.LAST_STEP, 2);
        ModelFile.save(dir.resolve("model-v1-rnn.rnn4j"), byFormula(rnn),
                Provenance.current(99, "none: parameters set to (i % 17 - 8) / 10"));
    }

    private static SequenceModel byFormula(ModelConfig config) {
        SequenceModel model = SequenceModel.create(config, 1234, Compute.serial());
        float[] w = model.parameters().values();
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 17 - 8) / 10f;
        }
        return model;
    }
}
