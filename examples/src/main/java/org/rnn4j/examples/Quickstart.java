package org.rnn4j.examples;

import org.rnn4j.loss.LossValue;
import org.rnn4j.loss.Losses;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.GradientClipping;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * The README's quickstart: an LSTM learns the adding problem (Hochreiter &amp; Schmidhuber 1997). Each step has
 * two features, a random number in [0, 1) and a marker; exactly two steps are marked and the target is the sum
 * of their numbers. Always predicting the mean scores MSE ≈ 0.167.
 *
 * <p>Run it with {@code scripts/quickstart [steps]}.
 */
public final class Quickstart {

    private Quickstart() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("usage: scripts/quickstart [steps]\n"
                    + "Trains an LSTM (hidden size 32) with Adam on the adding problem, sequences of 25 steps,\n"
                    + "for the given number of mini-batches of 32 (default 1500), and prints the test MSE.");
            return;
        }
        int steps = args.length > 0 ? parsePositive(args[0]) : 1500;
        double mse = train(steps, 25);
        System.out.printf("test MSE on 256 new sequences: %.4f (always predicting the mean gives about 0.167)%n", mse);
    }

    private static int parsePositive(String s) {
        try {
            int n = Integer.parseInt(s);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        System.err.println("usage: scripts/quickstart [steps]   (steps: a positive whole number, got '" + s + "')");
        System.exit(2);
        return -1;
    }

    /**
     * Trains for {@code steps} mini-batches of sequences of length {@code length}; returns the
     * MSE on 256 new sequences.
     */
    static double train(int steps, int length) {
        SplittableRandom data = new SplittableRandom(1);
        // --- README snippet begins ---
        SequenceModel model = SequenceModel.builder()
                .cell(CellSpec.lstm())            // or rnnTanh(), rnnRelu(), gru(), lstm().withProjSize(16) ...
                .inputSize(2).hiddenSize(32).numLayers(1)
                .head(Head.LAST_STEP).outputSize(1)
                .seed(42).build();
        Optimizer adam = new Adam(0.01f);
        for (int step = 1; step <= steps; step++) {
            Tensor[] batch = addingBatch(data, 32, length);         // x (32, T, 2), y (32, 1)
            LossValue loss = Losses.meanSquaredError(model.forward(batch[0]), batch[1]);
            model.parameters().zeroGrad();
            model.backward(loss.gradient());
            GradientClipping.clipGlobalNorm(model.parameters(), 1.0);
            adam.step(model.parameters());
            if (step % 100 == 0) {
                System.out.printf("step %5d  MSE %.4f%n", step, loss.value());
            }
        }
        // --- README snippet ends ---
        Tensor[] test = addingBatch(new SplittableRandom(2), 256, length);
        return Losses.meanSquaredError(model.forward(test[0]), test[1]).value();
    }

    /** A batch of the adding problem: x (b, t, 2) with values and markers, y (b, 1) the marked sum. */
    static Tensor[] addingBatch(SplittableRandom rnd, int b, int t) {
        Tensor x = Tensor.zeros(b, t, 2);
        Tensor y = Tensor.zeros(b, 1);
        for (int i = 0; i < b; i++) {
            int first = rnd.nextInt(t / 2);
            int second = t / 2 + rnd.nextInt(t - t / 2);
            float sum = 0f;
            for (int s = 0; s < t; s++) {
                float v = (float) rnd.nextDouble();
                x.set(v, i, s, 0);
                if (s == first || s == second) {
                    x.set(1f, i, s, 1);
                    sum += v;
                }
            }
            y.set(sum, i, 0);
        }
        return new Tensor[]{x, y};
    }
}
