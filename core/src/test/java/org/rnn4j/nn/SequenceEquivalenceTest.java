package org.rnn4j.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamView;
import org.rnn4j.param.Parameters;
import org.rnn4j.tensor.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rnn4j.testutil.Close.assertClose;

/**
 * Different ways of running the same computation give the same numbers: step by step and whole, in chunks and
 * whole, bidirectional and two unidirectional runs, a padded batch and each sequence alone.
 */
class SequenceEquivalenceTest {

    static final double ATOL = 1e-5;
    static final double RTOL = 1e-4;

    static Stream<CellSpec> specs() {
        return Stream.of(CellSpec.rnnTanh(), CellSpec.rnnRelu(),
                CellSpec.lstm(), CellSpec.lstm().withPeepholes(true).withCifg(true).withProjSize(3).withCellClip(0.5f),
                CellSpec.gru(), CellSpec.gru().original());
    }

    static Recurrent net(CellSpec spec, int layers, boolean bidir, long seed) {
        return Recurrent.builder().cell(spec).inputSize(4).hiddenSize(6).numLayers(layers).bidirectional(bidir)
                .seed(seed).compute(Compute.serial(Kernels.select())).build();
    }

    static Tensor random(long seed, int... shape) {
        return GradientCheckTest.random(new SplittableRandom(seed), shape);
    }

    /** x[b, from .. from+len) as a (B, len, F) tensor. */
    static Tensor slice(Tensor x, int from, int len) {
        return SequenceWindows.steps(x, from, from + len);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void stepByStepEqualsWholeSequenceForwardAndParameterGradients(CellSpec spec) {
        int b = 2;
        int t = 9;   // ≥ 8: the whole pass multiplies packed recurrent weights, the single steps the weights in place
        Recurrent whole = net(spec, 2, false, 3);
        Tensor x = random(1, b, t, 4);
        int d = whole.config().outputSize();
        Tensor ry = random(2, b, t, d);
        Recurrent.Output full = whole.forward(x);
        whole.parameters().zeroGrad();
        Recurrent.InputGrads fullIn = whole.backward(ry, null, null);
        float[] fullGrads = whole.parameters().grads().clone();

        // one twin per step, chained through the states, sharing the parameter and gradient arrays
        Recurrent[] step = new Recurrent[t];
        Recurrent.Output[] outs = new Recurrent.Output[t];
        Tensor h = null;
        Tensor c = null;
        for (int s = 0; s < t; s++) {
            step[s] = whole.sharingParameters();
            outs[s] = step[s].forward(slice(x, s, 1), Sequences.ALL, new State(h, c));
            h = outs[s].hN();
            c = outs[s].cN();
            assertClose(spec + " output at step " + s, slice(full.output(), s, 1).data(), outs[s].output().data(), ATOL, RTOL);
        }
        assertClose(spec + " final state", full.hN().data(), h.data(), ATOL, RTOL);
        whole.parameters().zeroGrad();
        Tensor dh = null;
        Tensor dc = null;
        Tensor dx = Tensor.zeros(b, t, 4);
        for (int s = t - 1; s >= 0; s--) {
            Recurrent.InputGrads g = step[s].backward(slice(ry, s, 1), dh, dc);
            dh = g.dh0();
            dc = g.dc0();
            for (int i = 0; i < b; i++) {
                System.arraycopy(g.dx().data(), i * 4, dx.data(), (i * t + s) * 4, 4);
            }
        }
        assertClose(spec + " parameter gradients", fullGrads, whole.parameters().grads(), ATOL, RTOL);
        assertClose(spec + " input gradient", fullIn.dx().data(), dx.data(), ATOL, RTOL);
        assertClose(spec + " initial-state gradient", fullIn.dh0().data(), dh.data(), ATOL, RTOL);
    }

    static Stream<CellSpec> streamableSpecs() {
        return Stream.concat(specs(), Stream.of(CellSpec.phasedLstm().withPeriodRange(1.5, 4).withRatioOn(0.3f),
                CellSpec.phasedGru().withPeriodRange(1.5, 4).withRatioOn(0.3f), CellSpec.bnLstm().withMaxSteps(5)));
    }

    /** Also the cells whose step depends on its position in the sequence (time gates without timestamps, BN rows). */
    @ParameterizedTest
    @MethodSource("streamableSpecs")
    void chunkedStreamingEqualsWholeForward(CellSpec spec) {
        Recurrent net = net(spec, 2, false, 4);
        Tensor x = random(5, 3, 7, 4);
        Tensor full = net.forward(x).output();
        RecurrentStream stream = net.stream(3);
        int[] chunks = {2, 1, 3, 1};
        int from = 0;
        for (int len : chunks) {
            Tensor y = stream.chunk(slice(x, from, len));
            assertClose(spec + " chunk at " + from, slice(full, from, len).data(), y.data(), ATOL, RTOL);
            from += len;
        }
        stream.reset();
        Tensor first = stream.step(Tensor.of(slice(x, 0, 1).data(), 3, 4));
        assertClose(spec + " step after reset", slice(full, 0, 1).data(), first.data(), ATOL, RTOL);
        // the same steps written into the caller's tensor
        stream.reset();
        Tensor out = Tensor.zeros(3, full.dim(2));
        for (int s = 0; s < 7; s++) {
            stream.step(Tensor.of(slice(x, s, 1).data(), 3, 4), null, out);
            assertClose(spec + " step into at " + s, slice(full, s, 1).data(), out.data(), ATOL, RTOL);
        }
        Tensor wrong = Tensor.zeros(3, full.dim(2) + 1);
        String msg = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> stream.step(Tensor.of(slice(x, 0, 1).data(), 3, 4), null, wrong)).getMessage();
        org.junit.jupiter.api.Assertions.assertTrue(msg.contains("out must have shape"), msg);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void cellsWithoutATimeGateIgnoreTimestamps(CellSpec spec) {
        Recurrent net = net(spec, 2, true, 12);
        Tensor x = random(13, 2, 5, 4);
        double[] times = {0, 0.5, 0.7, 3, 9, 1e6, 1e6 + 1, 1e6 + 1, 1e6 + 2, 1e6 + 30};
        assertClose(spec + " outputs", net.forward(x).output().data(),
                net.forward(x, Sequences.of(null, times), null).output().data(), 0, 0);
    }

    @org.junit.jupiter.api.Test
    void streamingNeverAppliesDropoutEvenInTrainingMode() {
        Recurrent net = Recurrent.builder().cell(CellSpec.lstm()).inputSize(4).hiddenSize(6).numLayers(2)
                .dropout(0.5f).seed(4).build();
        Tensor x = random(5, 3, 7, 4);
        Tensor inference = net.forward(x).output();
        net.train(new SplittableRandom(1));
        Tensor streamed = net.stream(3).chunk(x);
        assertClose("stream in training mode", inference.data(), streamed.data(), 0, 0);
        Tensor dropped = net.forward(x).output();
        org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(inference.data(), dropped.data()),
                "a training-mode forward applies dropout");
    }

    @ParameterizedTest
    @MethodSource("specs")
    void bidirectionalEqualsForwardRunConcatenatedWithReversedRun(CellSpec spec) {
        int b = 3;
        int t = 5;
        int[] lengths = {5, 2, 4};
        Recurrent bi = net(spec, 1, true, 6);
        Recurrent fwd = net(spec, 1, false, 0);
        Recurrent bwd = net(spec, 1, false, 0);
        copyDirection(bi.parameters(), "_l0", fwd.parameters());
        copyDirection(bi.parameters(), "_l0_reverse", bwd.parameters());
        Tensor x = random(7, b, t, 4);
        Recurrent.Output both = bi.forward(x, Sequences.of(lengths), null);
        Recurrent.Output f = fwd.forward(x, Sequences.of(lengths), null);
        Recurrent.Output r = bwd.forward(reverseEach(x, lengths), Sequences.of(lengths), null);
        Tensor rBack = reverseEach(r.output(), lengths);
        int rsz = bi.config().outputSizePerDirection();
        Tensor expected = Tensor.zeros(b, t, 2 * rsz);
        for (int i = 0; i < b * t; i++) {
            System.arraycopy(f.output().data(), i * rsz, expected.data(), i * 2 * rsz, rsz);
            System.arraycopy(rBack.data(), i * rsz, expected.data(), i * 2 * rsz + rsz, rsz);
        }
        assertClose(spec + " outputs", expected.data(), both.output().data(), ATOL, RTOL);
        float[] states = new float[2 * b * rsz];
        System.arraycopy(f.hN().data(), 0, states, 0, b * rsz);
        System.arraycopy(r.hN().data(), 0, states, b * rsz, b * rsz);
        assertClose(spec + " final states", states, both.hN().data(), ATOL, RTOL);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void paddedBatchGivesEachSequenceWhatItGetsAlone(CellSpec spec) {
        int b = 3;
        int t = 6;
        int[] lengths = {6, 1, 4};
        Recurrent batched = net(spec, 2, true, 8);
        int d = batched.config().outputSize();
        int rsz = batched.config().outputSizePerDirection();
        Tensor x = random(9, b, t, 4);
        // padding holds arbitrary finite values: it must not matter
        Tensor ry = random(10, b, t, d);
        Recurrent.Output out = batched.forward(x, Sequences.of(lengths), null);
        batched.parameters().zeroGrad();
        Recurrent.InputGrads in = batched.backward(ry, null, null);
        float[] batchGrads = batched.parameters().grads().clone();

        float[] sumGrads = new float[batchGrads.length];
        for (int i = 0; i < b; i++) {
            int len = lengths[i];
            Recurrent alone = batched.sharingParameters();
            Tensor xi = Tensor.of(Arrays.copyOfRange(x.data(), i * t * 4, (i * t + len) * 4), 1, len, 4);
            Recurrent.Output o = alone.forward(xi);
            float[] expectedOut = new float[t * d];
            System.arraycopy(o.output().data(), 0, expectedOut, 0, len * d);   // zeros past the length
            assertClose(spec + " outputs of sequence " + i, expectedOut,
                    Arrays.copyOfRange(out.output().data(), i * t * d, (i + 1) * t * d), ATOL, RTOL);
            for (int s = 0; s < 4; s++) {
                assertClose(spec + " final state " + s + " of sequence " + i,
                        Arrays.copyOfRange(o.hN().data(), s * rsz, (s + 1) * rsz),
                        Arrays.copyOfRange(out.hN().data(), (s * b + i) * rsz, (s * b + i + 1) * rsz), ATOL, RTOL);
            }
            alone.parameters().zeroGrad();
            Tensor ryi = Tensor.of(Arrays.copyOfRange(ry.data(), i * t * d, (i * t + len) * d), 1, len, d);
            Recurrent.InputGrads gi = alone.backward(ryi, null, null);
            float[] expectedDx = new float[t * 4];
            System.arraycopy(gi.dx().data(), 0, expectedDx, 0, len * 4);
            assertClose(spec + " input gradient of sequence " + i, expectedDx,
                    Arrays.copyOfRange(in.dx().data(), i * t * 4, (i + 1) * t * 4), ATOL, RTOL);
            float[] g = alone.parameters().grads();
            for (int k = 0; k < g.length; k++) {
                sumGrads[k] += g[k];
            }
        }
        assertClose(spec + " parameter gradients (batch = sum of sequences)", sumGrads, batchGrads, ATOL, RTOL);
    }

    /** Copies every parameter whose name ends with suffix into dst under the name with suffix "_l0". */
    static void copyDirection(Parameters src, String suffix, Parameters dst) {
        int copied = 0;
        for (ParamView v : src.layout().views()) {
            if (v.name().endsWith(suffix)) {
                String base = v.name().substring(0, v.name().length() - suffix.length());
                dst.set(base + "_l0", src.get(v.name()));
                copied++;
            }
        }
        assertEquals(dst.layout().views().size(), copied, "parameters copied for " + suffix);
    }

    /** Reverses each sequence within its length; padding stays where it is. */
    static Tensor reverseEach(Tensor x, int[] lengths) {
        int b = x.dim(0);
        int t = x.dim(1);
        int f = x.dim(2);
        Tensor out = x.copy();
        for (int i = 0; i < b; i++) {
            for (int s = 0; s < lengths[i]; s++) {
                System.arraycopy(x.data(), (i * t + s) * f, out.data(), (i * t + lengths[i] - 1 - s) * f, f);
            }
        }
        return out;
    }
}
