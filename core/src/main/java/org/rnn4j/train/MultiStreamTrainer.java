package org.rnn4j.train;

import org.rnn4j.loss.LossValue;
import org.rnn4j.loss.Losses;
import org.rnn4j.nn.MultiStreamModel;
import org.rnn4j.optim.GradientClipping;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Trains a {@link MultiStreamModel} to classify sequences, one epoch at a time: the sequences in a seeded order per
 * epoch ({@link SeededRandom#forItem}{@code (seed, epoch)}), dropout drawn from {@code forItem(seed ^ 0x5EED, epoch)},
 * softmax cross-entropy on the head's logits, optional clipping of the global gradient norm, then the optimizer's step.
 * The {@code train} command's multi-stream runs and {@code experiment av-fusion} both train this way, so that the same
 * seed gives the same model through either.
 */
public final class MultiStreamTrainer {

    /** Labelled sequences, addressed by index 0 … size − 1. */
    public interface Source {

        int size();

        /** Every stream's input for the sequences {@code idx}, in that order. */
        List<MultiStreamModel.Input> inputs(int[] idx);

        /** The classes of the sequences {@code idx}. */
        int[] labels(int[] idx);
    }

    /**
     * One epoch's outcome.
     *
     * @param meanLoss  the mean of the mini-batches' losses (of those before a divergence)
     * @param divergedAt 0, or the 1-based step of the run (counting every epoch's mini-batches) whose loss was not
     *                  finite: the epoch stopped there, before that step changed anything
     */
    public record Epoch(double meanLoss, long divergedAt) {
    }

    /**
     * A model's score on sequences, from inference ({@link MultiStreamModel#eval()}: a Phased LSTM's closed units
     * idle).
     *
     * @param loss             the mean softmax cross-entropy
     * @param accuracy         the fraction classified correctly
     * @param unitUpdates      the unit updates of the event-driven inference, over all the networks
     * @param denseUnitUpdates those of dense networks of the same shapes on the same steps
     */
    public record Score(double loss, double accuracy, long unitUpdates, long denseUnitUpdates) {

        /** Unit updates as a fraction of the dense ones. */
        public double updateFraction() {
            return (double) unitUpdates / Math.max(1, denseUnitUpdates);
        }
    }

    private final Optimizer optimizer;
    private final int batchSize;
    private final double clipNorm;
    private final long seed;

    /**
     * @param clipNorm the global gradient norm to clip to, or 0 for none
     * @param seed     the seed of the epochs' orders and dropout
     */
    public MultiStreamTrainer(Optimizer optimizer, int batchSize, double clipNorm, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("the clipping norm must be finite and at least 0, got " + clipNorm);
        }
        this.optimizer = optimizer;
        this.batchSize = batchSize;
        this.clipNorm = clipNorm;
        this.seed = seed;
    }

    /** Mini-batches per epoch over {@code n} sequences (the last one may be smaller). */
    public int batchesPerEpoch(int n) {
        return (n + batchSize - 1) / batchSize;
    }

    /** Trains epoch {@code epoch} (0-based) over all of {@code train}. */
    public Epoch epoch(MultiStreamModel model, Source train, int epoch) {
        int n = train.size();
        if (n == 0) {
            throw new IllegalArgumentException("no training sequences");
        }
        int[] order = SeededRandom.forItem(seed, epoch).permutation(n);
        model.train(SeededRandom.forItem(seed ^ 0x5EED, epoch));
        int steps = batchesPerEpoch(n);
        double lossSum = 0;
        for (int k = 0; k < steps; k++) {
            int[] idx = Arrays.copyOfRange(order, k * batchSize, Math.min(n, (k + 1) * batchSize));
            model.parameters().zeroGrad();
            LossValue loss = Losses.softmaxCrossEntropy(model.forward(train.inputs(idx)), train.labels(idx));
            if (!Double.isFinite(loss.value())) {
                return new Epoch(k == 0 ? Double.NaN : lossSum / k, (long) epoch * steps + k + 1);
            }
            model.backward(loss.gradient());
            if (clipNorm > 0) {
                GradientClipping.clipGlobalNorm(model.parameters(), clipNorm);
            }
            optimizer.step(model.parameters());
            lossSum += loss.value();
        }
        return new Epoch(lossSum / steps, 0);
    }

    /** Scores {@code model} on every sequence of {@code data}, {@code batchSize} at a time; leaves it in eval mode. */
    public static Score evaluate(MultiStreamModel model, Source data, int batchSize) {
        int n = data.size();
        if (n == 0) {
            throw new IllegalArgumentException("no sequences to score");
        }
        model.eval();
        double loss = 0;
        int correct = 0;
        long updates = 0;
        long dense = 0;
        for (int from = 0; from < n; from += batchSize) {
            int[] idx = new int[Math.min(batchSize, n - from)];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = from + i;
            }
            Tensor logits = model.forward(data.inputs(idx));
            int[] y = data.labels(idx);
            loss += Losses.softmaxCrossEntropy(logits, y).value() * idx.length;
            int[] p = Losses.argmax(logits);
            for (int i = 0; i < idx.length; i++) {
                correct += p[i] == y[i] ? 1 : 0;
            }
            updates += model.unitUpdates();
            dense += model.denseUnitUpdates();
        }
        return new Score(loss / n, (double) correct / n, updates, dense);
    }
}
