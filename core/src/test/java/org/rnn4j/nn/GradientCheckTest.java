package org.rnn4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference gradient checks of every cell and option combination, in a 2-layer bidirectional network
 * over a padded batch (lengths 5, 2, 4 of T = 5), for all parameters, the inputs and the initial states.
 *
 * <p>Tolerance policy (docs/cells/README.md): scalar kernels; loss L = Σ y⊙Ry + Σ h_n⊙Rh (+ Σ c_n⊙Rc) with
 * fixed random R, accumulated in double; central differences with ε = 1e-2 on float32 values; an entry passes
 * when |analytic − numeric| ≤ 1e-3 + 2e-2·|numeric|. Functions with kinks (ReLU, cell clipping) can be crossed
 * by ±ε: for those specs an entry that fails is checked again with ε = 1e-3 (where a crossing is ten times
 * less likely, at the price of more rounding noise, so the absolute tolerance becomes 5e-3), and at most 2% of
 * entries may still fail; for all other specs none may fail.
 */
class GradientCheckTest {

    static final int B = 3;
    static final int T = 5;
    static final int I = 3;
    static final int H = 4;
    static final int[] LENGTHS = {5, 2, 4};
    static final double EPS = 1e-2;

    record Case(String name, CellSpec spec, boolean hasKinks, float initScale) {
        Case(String name, CellSpec spec, boolean hasKinks) {
            this(name, spec, hasKinks, 2.5f);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("rnn-tanh", CellSpec.rnnTanh(), false));
        cases.add(new Case("rnn-relu", CellSpec.rnnRelu(), true, 1f));
        for (int bits = 0; bits < 8; bits++) {
            boolean peep = (bits & 1) != 0;
            boolean cifg = (bits & 2) != 0;
            int proj = (bits & 4) != 0 ? 2 : 0;
            LstmSpec spec = CellSpec.lstm().withPeepholes(peep).withCifg(cifg).withProjSize(proj);
            cases.add(new Case("lstm" + (peep ? "-peep" : "") + (cifg ? "-cifg" : "") + (proj > 0 ? "-proj" : ""), spec, false));
        }
        cases.add(new Case("lstm-peep-cifg-proj-clip", CellSpec.lstm().withPeepholes(true).withCifg(true)
                .withProjSize(2).withCellClip(0.25f), true));
        cases.add(new Case("lstm-clip", CellSpec.lstm().withCellClip(0.25f), true));
        cases.add(new Case("gru", CellSpec.gru(), false));
        cases.add(new Case("gru-original", CellSpec.gru().original(), false));
        cases.add(new Case("bnlstm-inference", CellSpec.bnLstm().withMaxSteps(3), false));
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void stackedBidirectionalMaskedNetworkMatchesFiniteDifferences(Case c) {
        Recurrent net = Recurrent.builder().cell(c.spec()).inputSize(I).hiddenSize(H).numLayers(2)
                .bidirectional(true).seed(11).compute(Compute.serial(Kernels.scalar())).build();
        // PyTorch's default init is small for H = 4; widen it so gates leave their linear regime
        scaleParameters(net, c.initScale());
        check(c, net, LENGTHS, null);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void singleLayerFullLengthMatchesFiniteDifferences(Case c) {
        Recurrent net = Recurrent.builder().cell(c.spec()).inputSize(I).hiddenSize(H)
                .seed(12).compute(Compute.serial(Kernels.scalar())).build();
        scaleParameters(net, c.initScale());
        check(c, net, null, null);
    }

    /** The same with the recurrent weights packed for the steps, as passes of 8 steps or more run them. */
    @ParameterizedTest
    @MethodSource("cases")
    void packedRecurrentWeightsMatchFiniteDifferences(Case c) {
        Recurrent net = Recurrent.builder().cell(c.spec()).inputSize(I).hiddenSize(H).numLayers(2)
                .bidirectional(true).seed(11).compute(Compute.serial(Kernels.scalar()))
                .scheduleOptions(ScheduleOptions.DEFAULT.withPackMinSteps(1)).build();
        scaleParameters(net, c.initScale());
        check(c, net, LENGTHS, null);
    }

    @Test
    void dropoutBetweenLayersMatchesFiniteDifferencesWithAFixedMask() {
        Recurrent net = Recurrent.builder().cell(CellSpec.lstm()).inputSize(I).hiddenSize(H).numLayers(3)
                .dropout(0.4f).seed(13).compute(Compute.serial(Kernels.scalar())).build();
        scaleParameters(net, 2.5f);
        check(new Case("lstm-dropout", CellSpec.lstm(), false), net, LENGTHS, 99L);
    }

    static void scaleParameters(Recurrent net, float factor) {
        float[] w = net.parameters().values();
        for (int i = 0; i < w.length; i++) {
            w[i] *= factor;
        }
    }

    /** Everything the loss depends on, plus the fixed random weights of the loss. */
    static final class Problem {
        final Recurrent net;
        final int[] lengths;
        final Long dropoutSeed;
        final Tensor x;
        final Tensor h0;
        final Tensor c0;
        final Tensor ry;
        final Tensor rh;
        final Tensor rc;

        Problem(Recurrent net, int[] lengths, Long dropoutSeed) {
            this.net = net;
            this.lengths = lengths;
            this.dropoutSeed = dropoutSeed;
            RecurrentConfig cfg = net.config();
            int states = cfg.numLayers() * cfg.directions();
            SplittableRandom rnd = new SplittableRandom(5);
            x = random(rnd, B, T, cfg.inputSize());
            h0 = random(rnd, states, B, cfg.outputSizePerDirection());
            c0 = cfg.hasCellState() ? random(rnd, states, B, cfg.hiddenSize()) : null;
            ry = random(rnd, B, T, cfg.outputSize());
            rh = random(rnd, states, B, cfg.outputSizePerDirection());
            rc = cfg.hasCellState() ? random(rnd, states, B, cfg.hiddenSize()) : null;
        }

        Recurrent.Output forward() {
            if (dropoutSeed != null) {
                net.train(new SplittableRandom(dropoutSeed));
            }
            return net.forward(x, Sequences.of(lengths), new State(h0, c0));
        }

        double loss() {
            Recurrent.Output o = forward();
            return dot(o.output(), ry) + dot(o.hN(), rh) + (rc == null ? 0 : dot(o.cN(), rc));
        }
    }

    static void check(Case c, Recurrent net, int[] lengths, Long dropoutSeed) {
        Problem p = new Problem(net, lengths, dropoutSeed);
        net.parameters().zeroGrad();
        p.forward();
        Recurrent.InputGrads in = net.backward(p.ry, p.rh, p.rc);

        List<String> failures = new ArrayList<>();
        int[] total = {0};
        boolean k = c.hasKinks();
        compareTrainable(net, p, failures, total, k);
        compare("x", p.x.data(), in.dx().data(), 0, p.x.size(), p, failures, total, net, k);
        compare("h0", p.h0.data(), in.dh0().data(), 0, p.h0.size(), p, failures, total, net, k);
        if (p.c0 != null) {
            compare("c0", p.c0.data(), in.dc0().data(), 0, p.c0.size(), p, failures, total, net, k);
        }
        int allowed = c.hasKinks() ? (int) Math.floor(0.02 * total[0]) : 0;
        if (failures.size() > allowed) {
            fail(c + ": " + failures.size() + " of " + total[0] + " gradient entries differ from finite differences"
                    + " (allowed " + allowed + "); first: " + String.join("; ", failures.subList(0, Math.min(5, failures.size()))));
        }
        assertTrue(total[0] > 50, "checked " + total[0] + " entries");
    }

    /** Compares entries [from, to) of {@code values} with their analytic gradients; names them for the report. */
    private static void compare(String what, float[] values, float[] analytic, int from, int to, Problem p,
                                List<String> failures, int[] total, Recurrent net, boolean kinks) {
        for (int i = from; i < to; i++) {
            double numeric = centralDifference(values, i, EPS, p);
            total[0]++;
            boolean ok = Math.abs(analytic[i] - numeric) <= 1e-3 + 2e-2 * Math.abs(numeric);
            if (!ok && kinks) {
                numeric = centralDifference(values, i, 1e-3, p);
                ok = Math.abs(analytic[i] - numeric) <= 5e-3 + 2e-2 * Math.abs(numeric);
            }
            if (!ok) {
                String name = what.equals("param") ? nameOf(net, i) : what + "[" + i + "]";
                failures.add(String.format("%s analytic %.6g numeric %.6g", name, analytic[i], numeric));
            }
        }
    }

    /** Parameters only: buffers (running statistics, fixed time-gate values) are not trained and have no gradient. */
    private static void compareTrainable(Recurrent net, Problem p, List<String> failures, int[] total, boolean kinks) {
        float[] analytic = net.parameters().grads().clone();
        for (int[] range : net.parameters().layout().trainableRanges()) {
            compare("param", net.parameters().values(), analytic, range[0], range[1], p, failures, total, net, kinks);
        }
    }

    private static double centralDifference(float[] values, int i, double eps, Problem p) {
        float saved = values[i];
        values[i] = (float) (saved + eps);
        double plus = p.loss();
        values[i] = (float) (saved - eps);
        double minus = p.loss();
        values[i] = saved;
        return (plus - minus) / (2 * eps);
    }

    private static String nameOf(Recurrent net, int flat) {
        for (var v : net.parameters().layout().views()) {
            if (flat >= v.offset() && flat < v.offset() + v.size()) {
                return v.name() + "[" + (flat - v.offset()) + "]";
            }
        }
        return "param[" + flat + "]";
    }

    static Tensor random(SplittableRandom rnd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) rnd.nextGaussian();
        }
        return t;
    }

    static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += (double) a.data()[i] * b.data()[i];
        }
        return s;
    }
}
