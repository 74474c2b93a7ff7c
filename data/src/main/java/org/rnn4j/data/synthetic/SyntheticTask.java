package org.rnn4j.data.synthetic;

import org.rnn4j.nn.Head;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.Objective;
import org.rnn4j.train.SeededRandom;
import org.rnn4j.tensor.Tensor;

/**
 * A task whose sequences are generated on demand: sequence i comes from its own generator seeded with
 * (seed, i), so a dataset is fully defined by its size and seed, any subset can be drawn in any order, and
 * training and test sets with different seeds never share a sequence by construction.
 */
public abstract class SyntheticTask implements Dataset {

    private final int size;
    private final long seed;

    SyntheticTask(int size, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("a dataset needs at least 1 sequence, got " + size);
        }
        this.size = size;
        this.seed = seed;
    }

    /** Features per step. */
    public abstract int inputSize();

    /** Outputs of the model's head: 1 for a regression target, the number of classes for classification. */
    public abstract int outputSize();

    /** How a model should read the network for this task. */
    public abstract Head head();

    public abstract Objective objective();

    /** Steps of every sequence. */
    public abstract int steps();

    /** The loss of the best constant prediction, the yardstick a trained model must beat. */
    public abstract double baselineLoss();

    /**
     * Writes sequence {@code i} into row {@code row} of the batch arrays.
     *
     * @param x       (B, T, inputSize)
     * @param targets (B, outputs) or (B, T, outputs) for regression tasks, else null
     * @param classes (B) or (B·T) for classification tasks, else null
     */
    abstract void generate(SeededRandom rng, int row, Tensor x, Tensor targets, int[] classes);

    @Override
    public final int size() {
        return size;
    }

    public final long seed() {
        return seed;
    }

    @Override
    public final Batch batch(int[] indices) {
        int b = indices.length;
        int t = steps();
        Tensor x = Tensor.zeros(b, t, inputSize());
        boolean perStep = head() == Head.EVERY_STEP;
        if (objective() == Objective.CROSS_ENTROPY) {
            int[] classes = new int[perStep ? b * t : b];
            for (int r = 0; r < b; r++) {
                generate(rng(indices[r]), r, x, null, classes);
            }
            return Batch.withClasses(x, null, classes);
        }
        Tensor targets = perStep ? Tensor.zeros(b, t, outputSize()) : Tensor.zeros(b, outputSize());
        for (int r = 0; r < b; r++) {
            generate(rng(indices[r]), r, x, targets, null);
        }
        return Batch.withTargets(x, null, targets);
    }

    private SeededRandom rng(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("sequence " + index + " of a dataset of " + size);
        }
        return SeededRandom.forItem(seed, index);
    }
}
