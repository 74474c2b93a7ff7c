package org.rnn4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Provenance;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.Parameters;
import org.rnn4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.rnn4j.testutil.Close.assertClose;

/**
 * BN-LSTM beyond the shared gradient checks (which cover its inference mode): training mode with batch
 * statistics, running statistics, buffers, and model files.
 */
class BnLstmTest {

    /**
     * Training mode, 2-layer bidirectional over a padded batch of 8: all trainable parameters and the inputs against
     * central differences. A batch of 8 keeps the per-step statistics well-conditioned (with 2 or 3 rows a step's
     * normalisation is so sharply nonlinear that finite differences stop meaning anything). The normalisations amplify
     * float32 rounding in the loss (at ε = 3e-4 a third of the entries drown in noise) while their curvature makes
     * the plain central difference at ε = 3e-3 a few percent off on the largest gradients, so the numeric value is
     * Richardson-extrapolated from ε = 4e-3 and 2e-3.
     */
    @Test
    void trainingModeGradientsMatchFiniteDifferences() {
        // with the recurrent weights where they are (passes under 8 steps) and packed for the pass
        for (int min : new int[] {ScheduleOptions.DEFAULT.packMinSteps(), 1}) {
            checkTrainingModeGradients(ScheduleOptions.DEFAULT.withPackMinSteps(min));
        }
    }

    private static void checkTrainingModeGradients(ScheduleOptions options) {
        int b = 8;
        int t = 5;
        Recurrent net = Recurrent.builder().cell(CellSpec.bnLstm().withMaxSteps(3)).inputSize(3).hiddenSize(4)
                .numLayers(2).bidirectional(true).seed(2).compute(Compute.serial(Kernels.scalar()))
                .scheduleOptions(options).build();
        SplittableRandom rnd = new SplittableRandom(3);
        Tensor x = GradientCheckTest.random(rnd, b, t, 3);
        Tensor ry = GradientCheckTest.random(rnd, b, t, 8);
        Tensor rc = GradientCheckTest.random(rnd, 4, b, 4);
        int[] lengths = {5, 5, 3, 4, 2, 5, 3, 4};
        net.train(new SplittableRandom(1));
        Parameters p = net.parameters();
        // each training pass moves the running statistics, which steps with fewer than 4 running sequences
        // (t = 4 here) normalise with: every pass starts from the same ones
        float[] running = p.values().clone();
        Runnable restoreRunning = () -> {
            for (org.rnn4j.param.ParamView v : p.layout().views()) {
                if (!v.trainable()) {
                    System.arraycopy(running, v.offset(), p.values(), v.offset(), v.size());
                }
            }
        };
        p.zeroGrad();
        net.forward(x, Sequences.of(lengths), null);
        Tensor dx = net.backward(ry, null, rc).dx();
        float[] analytic = p.grads().clone();
        java.util.function.DoubleSupplier loss = () -> {
            restoreRunning.run();
            Recurrent.Output o = net.forward(x, Sequences.of(lengths), null);
            return GradientCheckTest.dot(o.output(), ry) + GradientCheckTest.dot(o.cN(), rc);
        };
        List<String> failures = new ArrayList<>();
        for (int[] range : p.layout().trainableRanges()) {
            for (int i = range[0]; i < range[1]; i++) {
                check(p.values(), i, analytic[i], loss, "param " + i, failures);
            }
        }
        for (int i = 0; i < x.size(); i++) {
            check(x.data(), i, dx.data()[i], loss, "x " + i, failures);
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " entries differ: " + failures.subList(0, Math.min(8, failures.size())));
        }
    }

    /** Richardson-extrapolated central difference: (4 D(ε/2) − D(ε)) / 3 cancels the ε² error term. */
    private static void check(float[] values, int i, float analytic, java.util.function.DoubleSupplier loss, String name,
                              List<String> failures) {
        double eps = 4e-3;
        double numeric = (4 * difference(values, i, eps / 2, loss) - difference(values, i, eps, loss)) / 3;
        if (!(Math.abs(analytic - numeric) <= 3e-3 + 2e-2 * Math.abs(numeric))) {
            failures.add(name + " analytic " + analytic + " numeric " + numeric);
        }
    }

    private static double difference(float[] values, int i, double eps, java.util.function.DoubleSupplier loss) {
        float saved = values[i];
        values[i] = (float) (saved + eps);
        double plus = loss.getAsDouble();
        values[i] = (float) (saved - eps);
        double minus = loss.getAsDouble();
        values[i] = saved;
        return (plus - minus) / (2 * eps);
    }

    @Test
    void stepsWithTooFewRunningSequencesUseTheRunningStatistics() {
        // one sequence of 6 steps among three of 2: from step 2 on it runs alone, and with batch statistics its
        // normalised pre-activations are exactly 0 (a single row has no variance), so its input is ignored
        int b = 4;
        int t = 6;
        int[] lengths = {6, 2, 2, 2};
        SplittableRandom rnd = new SplittableRandom(8);
        Tensor x = GradientCheckTest.random(rnd, b, t, 2);
        Tensor changed = Tensor.of(x.data().clone(), b, t, 2);
        changed.data()[(0 * t + 4) * 2] += 1f;   // sequence 0, step 4
        for (int min : new int[] {1, BnLstmSpec.DEFAULT_MIN_RUNNING}) {
            Recurrent net = Recurrent.builder().cell(CellSpec.bnLstm().withMaxSteps(t).withMinRunning(min))
                    .inputSize(2).hiddenSize(3).seed(4).compute(Compute.serial(Kernels.scalar())).build();
            float[] start = net.parameters().values().clone();
            net.train(new SplittableRandom(1));
            float[] a = net.forward(x, Sequences.of(lengths), null).output().data();
            System.arraycopy(start, 0, net.parameters().values(), 0, start.length);   // same running statistics
            float[] c = net.forward(changed, Sequences.of(lengths), null).output().data();
            float diff = 0;
            for (int s = 4; s < t; s++) {
                for (int j = 0; j < 3; j++) {
                    diff = Math.max(diff, Math.abs(a[s * 3 + j] - c[s * 3 + j]));
                }
            }
            if (min == 1) {
                org.junit.jupiter.api.Assertions.assertEquals(0f, diff, "batch statistics of one sequence erase its input");
            } else {
                org.junit.jupiter.api.Assertions.assertTrue(diff > 1e-5, "the running statistics keep the input: " + diff);
            }
        }
        String msg = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CellSpec.bnLstm().withMinRunning(0)).getMessage();
        org.junit.jupiter.api.Assertions.assertTrue(msg.contains("minRunning"), msg);
    }

    @Test
    void trainingFoldsBatchStatisticsIntoRunningOnesThatInferenceUses() {
        Recurrent net = Recurrent.builder().cell(CellSpec.bnLstm().withMaxSteps(2)).inputSize(2).hiddenSize(3).seed(5).build();
        Tensor x = GradientCheckTest.random(new SplittableRandom(6), 16, 4, 2);
        Tensor before = net.forward(x).output();
        float[] mean0 = net.parameters().get("bn_ih_running_mean_l0");
        net.train(new SplittableRandom(1));
        for (int i = 0; i < 50; i++) {
            net.forward(x);
        }
        net.eval();
        float[] mean = net.parameters().get("bn_ih_running_mean_l0");
        assertFalse(java.util.Arrays.equals(mean0, mean), "training updates the running statistics");
        // after many identical batches, the running mean of step 0 is that batch's mean (momentum 0.1: 0.9^50 ≈ 0.005)
        Recurrent fresh = Recurrent.builder().cell(CellSpec.bnLstm().withMaxSteps(2)).inputSize(2).hiddenSize(3).seed(5).build();
        float[] wih = fresh.parameters().get("weight_ih_l0");
        for (int q = 0; q < 12; q++) {
            double m = 0;
            for (int b = 0; b < 16; b++) {
                m += wih[q * 2] * x.get(b, 0, 0) + wih[q * 2 + 1] * x.get(b, 0, 1);
            }
            assertEquals(m / 16, mean[q], 0.01 + 0.01 * Math.abs(m / 16), "running mean of feature " + q);
        }
        assertFalse(java.util.Arrays.equals(before.data(), net.forward(x).output().data()), "inference uses them");
    }

    @Test
    void optimizersNeverTouchTheRunningStatistics() {
        SequenceModel m = SequenceModel.builder().cell(CellSpec.bnLstm()).inputSize(2).hiddenSize(3)
                .head(Head.LAST_STEP).outputSize(1).seed(1).build();
        Parameters p = m.parameters();
        float[] var = p.get("bn_hh_running_var_l0");
        java.util.Arrays.fill(p.grads(), 1f);   // even with a gradient everywhere
        org.rnn4j.optim.Adam adamw = org.rnn4j.optim.Adam.adamW(0.1f, 0.5f);
        adamw.step(p);
        assertArrayEquals(var, p.get("bn_hh_running_var_l0"));
        assertTrue(p.get("weight_hh_l0")[0] != 0f);
    }

    @Test
    void aBnLstmModelFileKeepsItsRunningStatistics(@TempDir Path dir) throws Exception {
        SequenceModel m = SequenceModel.builder().cell(CellSpec.bnLstm().withMaxSteps(5)).inputSize(2).hiddenSize(3)
                .head(Head.EVERY_STEP).outputSize(2).seed(1).build();
        Tensor x = GradientCheckTest.random(new SplittableRandom(2), 4, 6, 2);
        m.train(new SplittableRandom(1));
        m.forward(x, Sequences.ALL, null);
        m.eval();
        Path file = dir.resolve("bn.rnn4j");
        ModelFile.save(file, m, Provenance.current(1, "test"));
        SequenceModel back = ModelFile.load(file, null).model();
        assertEquals(m.config(), back.config());
        assertClose("outputs", m.forward(x, Sequences.ALL, null).data(), back.forward(x, Sequences.ALL, null).data(),
                0, 0);
    }
}
