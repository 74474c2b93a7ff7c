package org.rnn4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Provenance;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamView;
import org.rnn4j.param.Parameters;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.testutil.TorchFixture;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.rnn4j.testutil.Close.assertClose;

class PhasedLstmTest {

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    @Test
    void matchesAPyTorchPhasedLstmBuiltFromLstmCellAndTheTimeGate() {
        TorchFixture f = TorchFixture.load("phased_lstm_1layer");
        float rOn = Float.parseFloat(f.config("r_on"));
        float alpha = Float.parseFloat(f.config("alpha"));
        Recurrent net = Recurrent.builder().cell(CellSpec.phasedLstm().withRatioOn(rOn).withLeak(alpha))
                .inputSize(f.configInt("input_size")).hiddenSize(f.configInt("hidden_size"))
                .compute(Compute.serial(Kernels.scalar())).build();
        Parameters p = net.parameters();
        for (String name : List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "tau_l0", "shift_l0")) {
            p.set(name, f.tensor(name));
        }
        net.train(new SplittableRandom(1));   // the leak α applies in training
        Recurrent.Output out = net.forward(Tensor.of(f.tensor("x"), f.shape("x")), Sequences.of(null,
                toDouble(f.tensor("times"))), new State(Tensor.of(f.tensor("h0"), f.shape("h0")),
                Tensor.of(f.tensor("c0"), f.shape("c0"))));
        assertClose("y", f.tensor("y"), out.output().data(), 2e-6, 1e-4);
        assertClose("h_n", f.tensor("h_n"), out.hN().data(), 2e-6, 1e-4);
        assertClose("c_n", f.tensor("c_n"), out.cN().data(), 2e-6, 1e-4);
        Recurrent.InputGrads g = net.backward(Tensor.of(f.tensor("Ry"), f.shape("Ry")),
                Tensor.of(f.tensor("Rh"), f.shape("Rh")), Tensor.of(f.tensor("Rc"), f.shape("Rc")));
        assertClose("grad.x", f.tensor("grad.x"), g.dx().data(), 2e-5, 5e-4);
        assertClose("grad.h0", f.tensor("grad.h0"), g.dh0().data(), 2e-5, 5e-4);
        assertClose("grad.c0", f.tensor("grad.c0"), g.dc0().data(), 2e-5, 5e-4);
        for (String name : List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "tau_l0", "shift_l0")) {
            assertClose("grad." + name, f.tensor("grad." + name), p.grad(name), 2e-5, 5e-4);
        }
    }

    static java.util.stream.Stream<CellSpec> timeGatedCells() {
        return java.util.stream.Stream.of(
                CellSpec.phasedLstm().withPeepholes(true).withPeriodRange(1.5, 6).withRatioOn(0.35f).withLeak(0.05f),
                CellSpec.phasedGru().withPeriodRange(1.5, 6).withRatioOn(0.35f).withLeak(0.05f));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("timeGatedCells")
    void gradientsMatchFiniteDifferencesAwayFromTheGatesKinks(CellSpec spec) {
        // with the recurrent weights where they are (passes under 8 steps) and packed for the pass
        for (int min : new int[] {ScheduleOptions.DEFAULT.packMinSteps(), 1}) {
            checkGradientsAwayFromKinks(spec, ScheduleOptions.DEFAULT.withPackMinSteps(min));
        }
    }

    private static void checkGradientsAwayFromKinks(CellSpec spec, ScheduleOptions options) {
        int b = 3;
        int t = 7;
        int[] lengths = {7, 4, 6};
        Recurrent net = Recurrent.builder().cell(spec)
                .inputSize(3).hiddenSize(4).numLayers(2).seed(5).compute(Compute.serial(Kernels.scalar()))
                .scheduleOptions(options).build();
        GradientCheckTest.scaleParameters(net, 1f);
        SplittableRandom rnd = new SplittableRandom(8);
        double[] times = new double[b * t];
        for (int i = 0; i < b; i++) {
            double now = rnd.nextDouble();
            for (int s = 0; s < t; s++) {
                times[i * t + s] = now;
                now += 0.2 + 1.3 * rnd.nextDouble();
            }
        }
        Tensor x = GradientCheckTest.random(rnd, b, t, 3);
        Tensor h0 = GradientCheckTest.random(rnd, 2, b, 4);
        boolean lstm = spec.hasCellState();
        Tensor c0 = lstm ? GradientCheckTest.random(rnd, 2, b, 4) : null;
        Tensor ry = GradientCheckTest.random(rnd, b, t, 4);
        Tensor rc = lstm ? GradientCheckTest.random(rnd, 2, b, 4) : null;
        Tensor rh = GradientCheckTest.random(rnd, 2, b, 4);
        net.train(new SplittableRandom(1));
        java.util.function.DoubleSupplier loss = () -> {
            Recurrent.Output o = net.forward(x, Sequences.of(lengths, times), new State(h0, c0));
            return GradientCheckTest.dot(o.output(), ry) + GradientCheckTest.dot(o.hN(), rh)
                    + (lstm ? GradientCheckTest.dot(o.cN(), rc) : 0);
        };
        Parameters p = net.parameters();
        p.zeroGrad();
        net.forward(x, Sequences.of(lengths, times), new State(h0, c0));
        net.backward(ry, rh, rc);
        float[] analytic = p.grads().clone();
        double eps = 1e-3;
        float[] w = p.values();
        List<String> failures = new ArrayList<>();
        int timeEntriesChecked = 0;
        for (ParamView v : p.layout().views()) {
            boolean timeParam = v.name().startsWith("tau") || v.name().startsWith("shift") || v.name().startsWith("r_on");
            for (int e = 0; e < v.size(); e++) {
                int i = v.offset() + e;
                if (timeParam && nearAKink(v, e, p, times, lengths, t, eps)) {
                    continue;
                }
                timeEntriesChecked += timeParam ? 1 : 0;
                float saved = w[i];
                w[i] = (float) (saved + eps);
                double plus = loss.getAsDouble();
                w[i] = (float) (saved - eps);
                double minus = loss.getAsDouble();
                w[i] = saved;
                double numeric = (plus - minus) / (2 * eps);
                if (!(Math.abs(analytic[i] - numeric) <= 5e-3 + 2e-2 * Math.abs(numeric))) {
                    failures.add(v.name() + "[" + e + "] analytic " + analytic[i] + " numeric " + numeric);
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(spec.kind() + ": " + failures.size() + " entries differ from finite differences: "
                    + failures.subList(0, Math.min(6, failures.size())));
        }
        assertTrue(timeEntriesChecked >= 12, "only " + timeEntriesChecked + " of 24 τ/s/r_on entries were away from kinks");
    }

    /** Whether perturbing this τ, s or r_on entry by ±eps can move some phase of its unit across a kink of k. */
    private static boolean nearAKink(ParamView v, int unit, Parameters p, double[] times, int[] lengths, int steps, double eps) {
        String suffix = v.name().substring(v.name().indexOf("_l"));
        float tau = Math.abs(p.get("tau" + suffix)[unit]);
        float s = p.get("shift" + suffix)[unit];
        float r = Math.abs(p.get("r_on" + suffix)[unit]);
        for (int b = 0; b < lengths.length; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                double u = times[b * steps + t] - s;
                double phi = (u - tau * Math.floor(u / tau)) / tau;
                double reach = v.name().startsWith("tau") ? 2 * eps * Math.abs(u) / (tau * tau)
                        : v.name().startsWith("shift") ? 2 * eps / tau : 2 * eps;
                for (double kink : new double[]{0, r / 2, r, 1}) {
                    if (Math.abs(phi - kink) <= reach) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    void atInferenceAClosedUnitKeepsItsStateExactly() {
        Recurrent net = Recurrent.builder().cell(CellSpec.phasedLstm().withPeriodRange(2, 20).withRatioOn(0.2f))
                .inputSize(3).hiddenSize(16).seed(3).build();
        SplittableRandom rnd = new SplittableRandom(2);
        int b = 2;
        int t = 30;
        Tensor x = GradientCheckTest.random(rnd, b, t, 3);
        double[] times = new double[b * t];
        for (int i = 0; i < b; i++) {
            for (int s = 1; s < t; s++) {
                times[i * t + s] = times[i * t + s - 1] + rnd.nextDouble();
            }
        }
        Tensor y = net.forward(x, Sequences.of(null, times), null).output();   // inference mode: α = 0
        float[] tau = net.parameters().get("tau_l0");
        float[] shift = net.parameters().get("shift_l0");
        int closed = 0;
        for (int i = 0; i < b; i++) {
            for (int s = 1; s < t; s++) {
                for (int j = 0; j < 16; j++) {
                    double u = times[i * t + s] - shift[j];
                    double phi = (u - tau[j] * Math.floor(u / tau[j])) / tau[j];
                    if (phi >= 0.2 + 1e-6) {
                        closed++;
                        assertEquals(y.get(i, s - 1, j), y.get(i, s, j), 0f, "closed unit " + j + " at step " + s);
                    }
                }
            }
        }
        assertTrue(closed > 400, "most unit-steps are closed with r_on = 0.2: " + closed);
    }

    @Test
    void eventDrivenInferenceEqualsTheDenseComputationAndUpdatesAboutROnOfTheUnits() {
        for (CellSpec spec : List.of(CellSpec.phasedLstm().withPeriodRange(5, 50).withLeak(0f),
                CellSpec.phasedLstm().withPeepholes(true).withPeriodRange(5, 50).withLeak(0f),
                CellSpec.phasedGru().withPeriodRange(5, 50).withLeak(0f))) {
            Recurrent net = Recurrent.builder().cell(spec).inputSize(3).hiddenSize(32).numLayers(2).seed(6)
                    .compute(Compute.serial(Kernels.scalar())).build();
            SplittableRandom rnd = new SplittableRandom(3);
            int b = 3;
            int t = 200;
            Tensor x = GradientCheckTest.random(rnd, b, t, 3);
            double[] times = new double[b * t];
            for (int i = 0; i < b; i++) {
                for (int s = 1; s < t; s++) {
                    times[i * t + s] = times[i * t + s - 1] + 0.1 + rnd.nextDouble();
                }
            }
            int[] lengths = {200, 120, 170};
            net.train(new SplittableRandom(1));   // training mode with α = 0: the dense path
            Recurrent.Output dense = net.forward(x, Sequences.of(lengths, times), null);
            net.eval();                           // inference: the event-driven path
            Recurrent.Output sparse = net.forward(x, Sequences.of(lengths, times), null);
            assertArrayEquals(dense.output().data(), sparse.output().data(), "outputs of " + spec);
            assertArrayEquals(dense.hN().data(), sparse.hN().data());
            if (spec.hasCellState()) {
                assertArrayEquals(dense.cN().data(), sparse.cN().data());
            }
            double fraction = (double) net.unitUpdates() / net.denseUnitUpdates();
            assertTrue(fraction > 0.03 && fraction < 0.08, "with r_on = 0.05 about 5% of unit updates remain: " + fraction);
        }
    }

    /**
     * A stream fed one event at a time skips units it knows to be closed until their period ends (not even their
     * phase is computed); with scalar kernels its outputs still equal the dense computation bit for bit, with
     * timestamps and without, in both cells, and so do those of a bidirectional network (whose reverse scan, running
     * back in time, cannot skip ahead).
     */
    @Test
    void streamedEventDrivenInferenceEqualsTheDenseComputationBitForBit() {
        for (CellSpec spec : List.of(CellSpec.phasedLstm().withPeriodRange(3, 40).withLeak(0f),
                CellSpec.phasedGru().withPeriodRange(3, 40).withLeak(0f))) {
            Recurrent net = Recurrent.builder().cell(spec).inputSize(3).hiddenSize(24).numLayers(2).seed(7)
                    .compute(Compute.serial(Kernels.scalar())).build();
            SplittableRandom rnd = new SplittableRandom(4);
            int t = 300;
            Tensor x = GradientCheckTest.random(rnd, 2, t, 3);
            double[] times = new double[2 * t];
            for (int i = 0; i < 2; i++) {
                for (int s = 1; s < t; s++) {
                    times[i * t + s] = times[i * t + s - 1] + 0.05 + 2 * rnd.nextDouble();
                }
            }
            for (double[] ts : new double[][] {times, null}) {
                net.train(new SplittableRandom(1));   // α = 0: the dense path
                Tensor dense = net.forward(x, Sequences.of(null, ts), null).output();
                net.eval();
                RecurrentStream stream = net.stream(2);
                Tensor out = Tensor.zeros(2, 24);
                for (int s = 0; s < t; s++) {
                    double[] now = ts == null ? null : new double[] {ts[s], ts[t + s]};
                    stream.step(Tensor.of(new float[] {x.data()[s * 3], x.data()[s * 3 + 1], x.data()[s * 3 + 2],
                            x.data()[(t + s) * 3], x.data()[(t + s) * 3 + 1], x.data()[(t + s) * 3 + 2]}, 2, 3), now, out);
                    for (int b = 0; b < 2; b++) {
                        for (int j = 0; j < 24; j++) {
                            assertEquals(dense.data()[(b * t + s) * 24 + j], out.data()[b * 24 + j],
                                    spec + (ts == null ? " without" : " with") + " times, step " + s + " row " + b);
                        }
                    }
                }
            }
            Recurrent bidir = Recurrent.builder().cell(spec).inputSize(3).hiddenSize(24).bidirectional(true).seed(8)
                    .compute(Compute.serial(Kernels.scalar())).build();
            bidir.train(new SplittableRandom(1));
            Tensor dense = bidir.forward(x, Sequences.of(null, times), null).output();
            bidir.eval();
            assertArrayEquals(dense.data(), bidir.forward(x, Sequences.of(null, times), null).output().data(),
                    spec + " bidirectional");
        }
    }

    @Test
    void unitUpdatesAreCountedOverValidStepsOnly() {
        Tensor x = GradientCheckTest.random(new SplittableRandom(4), 2, 10, 3);
        int[] lengths = {10, 4};
        Recurrent lstm = Recurrent.builder().cell(CellSpec.lstm()).inputSize(3).hiddenSize(8).numLayers(2).build();
        lstm.forward(x, Sequences.of(lengths), null);
        assertEquals(14L * 8 * 2, lstm.unitUpdates());
        assertEquals(14L * 8 * 2, lstm.denseUnitUpdates());
        Recurrent phased = Recurrent.builder().cell(CellSpec.phasedLstm()).inputSize(3).hiddenSize(8).build();
        phased.train(new SplittableRandom(1));   // with the leak every gate is non-zero
        phased.forward(x, Sequences.of(lengths), null);
        assertEquals(14L * 8, phased.unitUpdates());
    }

    @Test
    void initialisationFollowsTheSpec() {
        Parameters p = Recurrent.builder().cell(CellSpec.phasedLstm()).inputSize(2).hiddenSize(200).seed(9).build().parameters();
        float[] tau = p.get("tau_l0");
        float[] s = p.get("shift_l0");
        float[] r = p.get("r_on_l0");
        double logSum = 0;
        for (int j = 0; j < 200; j++) {
            assertTrue(tau[j] >= Math.E - 1e-4 && tau[j] <= Math.exp(5) + 1e-3, "tau " + tau[j]);
            assertTrue(s[j] >= 0 && s[j] < tau[j], "shift " + s[j] + " for tau " + tau[j]);
            assertEquals(0.05f, r[j]);
            logSum += Math.log(tau[j]);
        }
        assertEquals(3.0, logSum / 200, 0.25, "log τ uniform in [1, 5] has mean 3");
    }

    @Test
    void aPhasedLstmModelFileLoadsBackWithItsSpecAndOutputs(@TempDir Path dir) throws Exception {
        SequenceModel m = SequenceModel.builder().cell(CellSpec.phasedLstm().withPeepholes(true).withRatioOn(0.1f))
                .inputSize(3).hiddenSize(6).head(Head.LAST_STEP).outputSize(2).seed(4).build();
        Path file = dir.resolve("plstm.rnn4j");
        ModelFile.save(file, m, Provenance.current(4, "test"));
        SequenceModel back = ModelFile.load(file, null).model();
        assertEquals(m.config(), back.config());
        Tensor x = GradientCheckTest.random(new SplittableRandom(1), 2, 5, 3);
        double[] times = {0, 1, 2.5, 3, 7, 0.1, 0.2, 0.3, 9, 12};
        assertArrayEquals(m.forward(x, Sequences.of(null, times), null).data(), back.forward(x, Sequences.of(null,
                times), null).data());
    }
}
