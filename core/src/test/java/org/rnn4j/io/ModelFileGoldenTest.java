package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.GruSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.LstmSpec;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.RecurrentConfig;
import org.rnn4j.nn.RnnSpec;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.ParamView;
import org.rnn4j.tensor.Tensor;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Model files of format version 1, committed in src/test/resources/golden/ (written once by
 * {@link WriteGoldenModelFiles}), keep loading with the same architecture, provenance and values. The expected
 * values are stated here independently of the files: every parameter is {@code (i % 17 - 8) / 10f}.
 */
class ModelFileGoldenTest {

    private static final String DATA = "none: parameters set to (i % 17 - 8) / 10";
    private static final String JDK = "25.0.3+9-LTS (Eclipse Adoptium)";
    private static final String OS = "Linux 6.18.44-fc-v657";
    private static final String CREATED = "2026-11-22T05:11:22Z";

    @TempDir
    Path dir;

    @Test
    void lstmFileOfVersion1Loads() throws Exception {
        ModelFile.Loaded loaded = ModelFile.load(golden("model-v1-lstm.rnn4j"), Compute.serial());

        assertEquals(1, loaded.formatVersion());
        ModelConfig expected = new ModelConfig(new RecurrentConfig(new LstmSpec(true, false, 2, 2.5f), 3, 4, 2, true,
                0.1f), Head.EVERY_STEP, 2);
        assertEquals(expected, loaded.model().config());
        assertEquals(new Provenance("0.1.0-SNAPSHOT", JDK, OS, "amd64", 1234, DATA, CREATED,
                Map.of("purpose", "golden file of format version 1")), loaded.provenance());
        assertEquals(Map.of(), loaded.meta());
        assertEquals(null, loaded.data(), "a file without a data schema reads its inputs unscaled");
        assertEquals(570, loaded.model().parameters().size());
        // per layer and direction: W_ih (16, in), W_hh (16, 2), two biases (16), W_hr (2, 4), peepholes (3, 4)
        ParamLayout layout = loaded.model().parameters().layout();
        assertEquals(new ParamView("weight_hr_l0", 112, new int[] {2, 4}), layout.view("weight_hr_l0"));
        assertEquals(new ParamView("weight_ih_l1", 264, new int[] {16, 4}), layout.view("weight_ih_l1"));
        assertEquals(new ParamView("weight_peephole_l1_reverse", 548, new int[] {3, 4}),
                layout.view("weight_peephole_l1_reverse"));
        assertEquals(new ParamView("head.weight", 560, new int[] {2, 4}), layout.view("head.weight"));
        assertFormula(loaded.model().parameters().values());
        assertRunsLikeAModelBuiltByFormula(loaded.model(), 5, new int[] {2, 5, 2});
    }

    @Test
    void gruFileOfVersion1WithExtraArraysAndMetaLoads() throws Exception {
        ModelFile.Contents contents = ModelFile.read(golden("model-v1-gru.rnn4j"));

        assertEquals("model", contents.kind());
        ModelConfig expected = new ModelConfig(new RecurrentConfig(new GruSpec(false), 2, 3, 1, false, 0f),
                Head.LAST_STEP, 1);
        assertEquals(expected, contents.config());
        assertEquals(new Provenance("0.1.0-SNAPSHOT", JDK, OS, "amd64", 5678, DATA, CREATED, Map.of()),
                contents.provenance());
        assertEquals(Map.of("step", 42L, "learningRate", 0.001, "rng", "SplittableRandom(99), 42 draws",
                "nested", Map.of("list", List.of(1L, "two", true))), contents.meta());
        assertFormula(contents.parameters());
        assertEquals(List.of("extra.ramp", "extra.five"), List.copyOf(contents.arrays().keySet()));
        float[] ramp = contents.arrays().get("extra.ramp");
        assertEquals(67, ramp.length);
        for (int i = 0; i < ramp.length; i++) {
            assertEquals(i / 100f, ramp[i], "extra.ramp[" + i + "]");
        }
        assertArrayEquals(new float[] {-2, -1, 0, 1, 2}, contents.arrays().get("extra.five"));

        ModelFile.Loaded loaded = ModelFile.load(golden("model-v1-gru.rnn4j"), Compute.serial());
        assertRunsLikeAModelBuiltByFormula(loaded.model(), 4, new int[] {2, 1});
    }

    @Test
    void reluRnnFileOfVersion1Loads() throws Exception {
        ModelFile.Loaded loaded = ModelFile.load(golden("model-v1-rnn.rnn4j"), Compute.serial());

        ModelConfig expected = new ModelConfig(new RecurrentConfig(new RnnSpec(RnnSpec.Nonlinearity.RELU), 2, 3, 1,
                false, 0f), Head.LAST_STEP, 2);
        assertEquals(expected, loaded.model().config());
        assertEquals(new Provenance("0.1.0-SNAPSHOT", JDK, OS, "amd64", 99, DATA, CREATED, Map.of()),
                loaded.provenance());
        assertFormula(loaded.model().parameters().values());
        assertRunsLikeAModelBuiltByFormula(loaded.model(), 3, new int[] {2, 2});
    }

    /**
     * While this library writes version 1, writing what it read from a golden file gives the same bytes: the
     * format has not changed without a new version number.
     */
    @Test
    void rewritingAGoldenFileGivesItsBytesWhileTheFormatIsVersion1() throws Exception {
        assumeTrue(ModelFile.FORMAT_VERSION == 1, "this library writes a later format version");
        for (String name : List.of("model-v1-lstm.rnn4j", "model-v1-gru.rnn4j", "model-v1-rnn.rnn4j")) {
            Path copy = dir.resolve(name);
            ModelFile.write(copy, ModelFile.read(golden(name)));
            assertArrayEquals(Files.readAllBytes(golden(name)), Files.readAllBytes(copy), name);
        }
    }

    private static Path golden(String name) throws URISyntaxException {
        var url = ModelFileGoldenTest.class.getResource("/golden/" + name);
        if (url == null) {
            fail("golden file " + name + " is not on the test class path (core/src/test/resources/golden)");
        }
        return Path.of(url.toURI());
    }

    private static void assertFormula(float[] values) {
        for (int i = 0; i < values.length; i++) {
            float expected = (i % 17 - 8) / 10f;
            if (Float.floatToRawIntBits(values[i]) != Float.floatToRawIntBits(expected)) {
                fail("parameter [" + i + "] is " + values[i] + ", expected (" + i + " % 17 - 8) / 10 = " + expected);
            }
        }
    }

    /**
     * A forward pass on a fixed input gives finite outputs of the right shape, equal to those of a model of the
     * expected architecture whose parameters are set by the formula here.
     */
    private static void assertRunsLikeAModelBuiltByFormula(SequenceModel loaded, int steps, int[] outputShape) {
        int inputs = loaded.config().network().inputSize();
        Tensor x = Tensor.zeros(2, steps, inputs);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < steps; t++) {
                for (int f = 0; f < inputs; f++) {
                    x.set(((b * 7 + t * 3 + f) % 11 - 5) / 5f, b, t, f);
                }
            }
        }
        Tensor y = loaded.forward(x);
        assertArrayEquals(outputShape, y.shape());
        for (float v : y.data()) {
            assertTrue(Float.isFinite(v), "output " + v);
        }
        SequenceModel byFormula = SequenceModel.create(loaded.config(), 1, Compute.serial());
        float[] w = byFormula.parameters().values();
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 17 - 8) / 10f;
        }
        assertArrayEquals(byFormula.forward(x).data(), y.data());
    }
}
