package org.rnn4j.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gradient through time as rnn4j measures it: {@link Recurrent#stateGradientNorms()} against central
 * differences of the loss with respect to h_t, where h_t is made an input by splitting the sequence after step t
 * and running the rest from it; {@link RecurrentJacobians} against the closed form of a 2 × 2 matrix's largest
 * singular value, and the bound ‖∂L/∂h_{t−1}‖ ≤ σ_max(J_t) ‖∂L/∂h_t‖ that links the two.
 */
class GradientFlowTest {

    static Stream<CellSpec> cells() {
        return Stream.of(CellSpec.rnnTanh(), CellSpec.lstm(), CellSpec.gru());
    }

    private static Recurrent net(CellSpec cell, int hidden) {
        return Recurrent.builder().cell(cell).inputSize(2).hiddenSize(hidden).seed(3)
                .compute(Compute.serial(Kernels.scalar())).build();
    }

    private static Tensor steps(Tensor x, int from, int to) {
        return SequenceWindows.steps(x, from, to);
    }

    /** L = Σ y_{T−1} ⊙ R: the loss at the last step only. */
    private static double loss(Recurrent.Output o, float[] r) {
        int t = o.output().dim(1);
        int h = o.output().dim(2);
        double l = 0;
        for (int b = 0; b < o.output().dim(0); b++) {
            for (int j = 0; j < h; j++) {
                l += (double) o.output().data()[(b * t + t - 1) * h + j] * r[b * h + j];
            }
        }
        return l;
    }

    @ParameterizedTest
    @MethodSource("cells")
    void stateGradientNormsAreTheNormsOfTheLossesDerivativesByTheStates(CellSpec cell) {
        int b = 2;
        int t = 9;
        int h = 3;
        Recurrent net = net(cell, h);
        SplittableRandom rnd = new SplittableRandom(4);
        Tensor x = GradientCheckTest.random(rnd, b, t, 2);
        float[] r = GradientCheckTest.random(rnd, b, h).data();
        Recurrent.Output o = net.forward(x);
        Tensor dy = Tensor.zeros(b, t, h);
        for (int s = 0; s < b; s++) {
            System.arraycopy(r, s * h, dy.data(), (s * t + t - 1) * h, h);
        }
        net.recordStateGradients(true);
        net.backward(dy, null, null);
        double[] norms = net.stateGradientNorms()[0];
        assertEquals(t, norms.length);
        Recurrent part = net.sharingParameters();
        double eps = 1e-2;
        for (int step = 0; step < t - 1; step++) {
            State state = part.forward(steps(x, 0, step + 1)).state();   // h and c after step `step`
            Tensor rest = steps(x, step + 1, t);
            double ss = 0;
            for (int i = 0; i < b * h; i++) {
                float saved = state.h().data()[i];
                state.h().data()[i] = (float) (saved + eps);
                double plus = loss(part.forward(rest, Sequences.ALL, state), r);
                state.h().data()[i] = (float) (saved - eps);
                double minus = loss(part.forward(rest, Sequences.ALL, state), r);
                state.h().data()[i] = saved;
                double g = (plus - minus) / (2 * eps);
                ss += g * g;
            }
            double numeric = Math.sqrt(ss);
            assertEquals(numeric, norms[step], 2e-3 * numeric + 1e-5, cell.kind() + " step " + step);
        }
        double last = 0;
        for (float v : r) {
            last += v * v;
        }
        assertEquals(Math.sqrt(last), norms[t - 1], 1e-6, "at the last step the gradient is R itself");
    }

    @Test
    void theJacobiansLargestSingularValueMatchesTheClosedFormAndBoundsTheGradientsGrowth() {
        Recurrent net = net(CellSpec.rnnTanh(), 2);
        int t = 12;
        Tensor x = GradientCheckTest.random(new SplittableRandom(8), 1, t, 2);
        Recurrent.Output o = net.forward(x);
        double[] sigma = RecurrentJacobians.largestSingularValues(net, o.output(), 0, 500);
        float[] w = net.parameters().get("weight_hh_l0");
        for (int s = 0; s < t; s++) {
            double d0 = 1 - Math.pow(o.output().data()[s * 2], 2);
            double d1 = 1 - Math.pow(o.output().data()[s * 2 + 1], 2);
            double a = d0 * w[0];
            double bb = d0 * w[1];
            double c = d1 * w[2];
            double d = d1 * w[3];
            // σ_max² of [[a, b], [c, d]] is the larger eigenvalue of JᵀJ: (tr + √(tr² − 4 det²)) / 2
            double tr = a * a + bb * bb + c * c + d * d;
            double det = a * d - bb * c;
            double expected = Math.sqrt((tr + Math.sqrt(tr * tr - 4 * det * det)) / 2);
            assertEquals(expected, sigma[s], 1e-6 * expected, "step " + s);
        }
        float[] r = {1f, -0.5f};
        Tensor dy = Tensor.zeros(1, t, 2);
        System.arraycopy(r, 0, dy.data(), (t - 1) * 2, 2);
        net.recordStateGradients(true);
        net.backward(dy, null, null);
        double[] norms = net.stateGradientNorms()[0];
        for (int s = 1; s < t; s++) {   // dh_{s−1} = J_sᵀ dh_s
            assertTrue(norms[s - 1] <= sigma[s] * norms[s] * (1 + 1e-5), "step " + s);
        }
    }

    @Test
    void normsNeedRecordingAndJacobiansNeedAnElmanNetwork() {
        Recurrent lstm = net(CellSpec.lstm(), 3);
        Tensor x = Tensor.zeros(1, 4, 2);
        Recurrent.Output o = lstm.forward(x);
        lstm.backward(Tensor.zeros(1, 4, 3), null, null);
        String msg = assertThrows(IllegalStateException.class, lstm::stateGradientNorms).getMessage();
        assertTrue(msg.contains("recordStateGradients"), msg);
        msg = assertThrows(IllegalArgumentException.class,
                () -> RecurrentJacobians.largestSingularValues(lstm, o.output(), 0, 10)).getMessage();
        assertTrue(msg.contains("Elman") && msg.contains("LSTM"), msg);
    }
}
