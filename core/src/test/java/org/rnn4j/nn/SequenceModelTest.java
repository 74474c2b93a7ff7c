package org.rnn4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.loss.LossValue;
import org.rnn4j.loss.Losses;
import org.rnn4j.tensor.Tensor;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rnn4j.testutil.Close.assertClose;

/** The model (network + head + loss) is differentiated correctly end to end, for both heads. */
class SequenceModelTest {

    @ParameterizedTest(name = "{0} head, bidirectional={1}")
    @CsvSource({"LAST_STEP,false", "LAST_STEP,true", "EVERY_STEP,false", "EVERY_STEP,true"})
    void modelGradientsMatchFiniteDifferences(Head head, boolean bidirectional) {
        int b = 3;
        int t = 4;
        int[] lengths = {4, 2, 3};
        SequenceModel model = SequenceModel.builder().cell(CellSpec.lstm().withPeepholes(true))
                .inputSize(2).hiddenSize(5).numLayers(2).bidirectional(bidirectional)
                .head(head).outputSize(3).seed(21).compute(Compute.serial(Kernels.scalar())).build();
        SplittableRandom rnd = new SplittableRandom(4);
        Tensor x = GradientCheckTest.random(rnd, b, t, 2);
        int[] classes = new int[head == Head.EVERY_STEP ? b * t : b];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = rnd.nextInt(3);
        }
        int[] lossLengths = head == Head.EVERY_STEP ? lengths : null;

        model.parameters().zeroGrad();
        LossValue loss = Losses.softmaxCrossEntropy(model.forward(x, lengths), classes, lossLengths);
        Tensor dx = model.backward(loss.gradient());
        float[] analytic = model.parameters().grads().clone();

        float[] w = model.parameters().values();
        float[] numeric = new float[w.length];
        double eps = 1e-2;
        for (int i = 0; i < w.length; i++) {
            float saved = w[i];
            w[i] = (float) (saved + eps);
            double plus = Losses.softmaxCrossEntropy(model.forward(x, lengths), classes, lossLengths).value();
            w[i] = (float) (saved - eps);
            double minus = Losses.softmaxCrossEntropy(model.forward(x, lengths), classes, lossLengths).value();
            w[i] = saved;
            numeric[i] = (float) ((plus - minus) / (2 * eps));
        }
        assertClose(head + " parameter gradients", numeric, analytic, 1e-4, 2e-2);

        float[] numericX = new float[x.size()];
        for (int i = 0; i < x.size(); i++) {
            float saved = x.data()[i];
            x.data()[i] = (float) (saved + eps);
            double plus = Losses.softmaxCrossEntropy(model.forward(x, lengths), classes, lossLengths).value();
            x.data()[i] = (float) (saved - eps);
            double minus = Losses.softmaxCrossEntropy(model.forward(x, lengths), classes, lossLengths).value();
            x.data()[i] = saved;
            numericX[i] = (float) ((plus - minus) / (2 * eps));
        }
        assertClose(head + " input gradient", numericX, dx.data(), 1e-4, 2e-2);

        // without the input gradient: no dx, the same parameter gradients bit for bit, whatever came before
        model.forward(x, lengths);
        model.parameters().zeroGrad();
        Tensor none = model.backward(loss.gradient(), false);
        assertEquals(null, none);
        org.junit.jupiter.api.Assertions.assertArrayEquals(analytic, model.parameters().grads(),
                head + " parameter gradients without the input gradient");
    }

    @Test
    void layoutOfAConfigIsTheLayoutOfTheModelItCreates() {
        CellSpec[] cells = {CellSpec.rnnRelu(), CellSpec.gru().original(),
                CellSpec.lstm().withPeepholes(true).withCifg(true).withProjSize(2)};
        for (CellSpec cell : cells) {
            ModelConfig config = new ModelConfig(new RecurrentConfig(cell, 3, 4, 2, true, 0f), Head.EVERY_STEP, 5);
            SequenceModel model = SequenceModel.create(config, 1, Compute.serial());
            assertEquals(model.parameters().layout().views(), SequenceModel.layout(config).views(), cell.toString());
            assertEquals(model.parameters().size(), SequenceModel.layout(config).size(), cell.toString());
        }
    }

    /**
     * A Compute's team of two threads splits products by columns at block boundaries, the hoisted products by
     * rows, and a step's elementwise work by rows: every number is computed exactly as on one thread, so a
     * training step gives the same bits on both (vector kernels, packed weights, T ≥ 8).
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"lstm", "lstm-peep-proj", "gru", "rnn"})
    void twoThreadsGiveTheBitsOfOne(String which) {
        CellSpec cell = switch (which) {
            case "lstm" -> CellSpec.lstm();
            case "lstm-peep-proj" -> CellSpec.lstm().withPeepholes(true).withProjSize(24);
            case "gru" -> CellSpec.gru();
            default -> CellSpec.rnnTanh();
        };
        float[][] results = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            try (Compute cx = Compute.withThreads(Kernels.select(), threads)) {
                SequenceModel m = SequenceModel.builder().cell(cell).inputSize(16).hiddenSize(96).numLayers(2)
                        .head(Head.LAST_STEP).outputSize(3).seed(9).compute(cx).build();
                SplittableRandom rnd = new SplittableRandom(2);
                Tensor x = GradientCheckTest.random(rnd, 32, 12, 16);
                int[] classes = new int[32];
                for (int i = 0; i < classes.length; i++) {
                    classes[i] = rnd.nextInt(3);
                }
                m.parameters().zeroGrad();
                LossValue loss = Losses.softmaxCrossEntropy(m.forward(x), classes, null);
                m.backward(loss.gradient(), false);
                float[] out = m.forward(x).data();
                float[] grads = m.parameters().grads();
                results[threads - 1] = java.util.Arrays.copyOf(out, out.length + grads.length);
                System.arraycopy(grads, 0, results[threads - 1], out.length, grads.length);
            }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[1], which + ": outputs and gradients");
    }
}
