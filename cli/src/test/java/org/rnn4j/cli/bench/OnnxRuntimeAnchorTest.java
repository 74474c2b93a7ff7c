package org.rnn4j.cli.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.ModelStream;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.tensor.Tensor;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What {@code rnn4j bench --onnxruntime} times in ONNX Runtime is the computation it times in rnn4j: the timed call
 * of each config gives rnn4j's inference outputs, and the timed streaming step gives ModelStream's, step by step.
 */
class OnnxRuntimeAnchorTest {

    /**
     * Float32 over 100-200 steps of sums of up to 640 products, added in another order by each: the outputs (about
     * 0.1 in size) agree to a few 1e-7 here; 1e-5 leaves room and still catches a wrong weight or gate order.
     */
    static final double TOLERANCE = 1e-5;

    @ParameterizedTest(name = "config {0}")
    @ValueSource(strings = {"A", "B", "C", "D", "E"})
    void theTimedOnnxRuntimeCallGivesRnn4jsInferenceOutputs(String name) throws Exception {
        BenchConfig c = BenchConfig.ANCHORS.get(name);
        BenchCommand.Workload w = new BenchCommand.Workload(c, Compute.serial());
        try (OnnxRuntimeAnchor.Inference ort = new OnnxRuntimeAnchor.Inference(w.model, w.x, "test " + name, 1)) {
            ort.run();
            float[] actual = ort.output();
            float[] expected = w.model.forward(w.x).data();   // what Workload.infer computes
            assertEquals(c.batch(), expected.length);
            double max = compare("config " + name, expected, actual);
            System.out.printf("config %s: ONNX Runtime vs rnn4j, max |difference| %.3g%n", name, max);
            // not a trivial agreement: the sequences' predictions differ from each other
            double spread = 0;
            for (float v : expected) {
                spread = Math.max(spread, Math.abs(v - expected[0]));
            }
            assertTrue(spread > 100 * TOLERANCE, "config " + name + ": the predictions hardly differ: " + spread);
            ort.run();
            compare("config " + name + ", second call", expected, ort.output());
        }
    }

    @Test
    void theTimedOnnxRuntimeStreamingStepGivesModelStreamsSteps() throws Exception {
        BenchConfig c = BenchConfig.lstm(1, 1);
        SequenceModel model = BenchCommand.model(c, Compute.serial());
        SplittableRandom rng = new SplittableRandom(3);
        Tensor[] xs = new Tensor[5];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = BenchCommand.gaussian(rng, 1, c.inputSize());
        }
        int steps = 40;   // the inputs cycle, the state does not
        ModelStream stream = model.stream(1);
        float[][] expected = new float[steps][];
        for (int s = 0; s < steps; s++) {
            expected[s] = stream.step(xs[s % xs.length]).data();
        }
        try (OnnxRuntimeAnchor.Streaming ort = new OnnxRuntimeAnchor.Streaming(model, xs, "test streaming", 1)) {
            for (int pass = 0; pass < 2; pass++) {
                for (int s = 0; s < steps; s++) {
                    ort.step();
                    compare("pass " + pass + ", step " + s, expected[s], ort.output());
                }
                ort.reset();   // the second pass starts from zero states again
            }
        }
        // the state is carried: step 5 reads step 0's input, after other steps
        assertTrue(Math.abs(expected[5][0] - expected[0][0]) > 100 * TOLERANCE,
                expected[0][0] + " " + expected[5][0]);
    }

    /** Fails naming the first mismatches unless within TOLERANCE everywhere; returns the largest difference. */
    static double compare(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": number of outputs");
        double max = 0;
        StringBuilder first = new StringBuilder();
        int bad = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            if (!(d <= TOLERANCE) && bad++ < 5) {
                first.append(String.format(" [%d] rnn4j %.8g, ONNX Runtime %.8g;", i, expected[i], actual[i]));
            }
            max = Double.isNaN(d) ? Double.NaN : Math.max(max, d);
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + expected.length + " outputs differ by more than " + TOLERANCE + " (max "
                    + max + "):" + first);
        }
        return max;
    }
}
