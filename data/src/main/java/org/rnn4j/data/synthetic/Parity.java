package org.rnn4j.data.synthetic;

import org.rnn4j.nn.Head;
import org.rnn4j.train.Objective;
import org.rnn4j.train.SeededRandom;
import org.rnn4j.tensor.Tensor;

/**
 * Running parity of a bit stream: at every step the target is whether an odd number of ones has been seen so
 * far (the textbook XOR-over-time task). One input feature (the bit), two classes per step. Guessing scores a
 * cross-entropy of ln 2 and 50% accuracy.
 */
public final class Parity extends SyntheticTask {

    private final int steps;

    public Parity(int steps, int size, long seed) {
        super(size, seed);
        if (steps < 1) {
            throw new IllegalArgumentException("parity needs at least 1 step, got " + steps);
        }
        this.steps = steps;
    }

    @Override
    public int inputSize() {
        return 1;
    }

    @Override
    public int outputSize() {
        return 2;
    }

    @Override
    public Head head() {
        return Head.EVERY_STEP;
    }

    @Override
    public Objective objective() {
        return Objective.CROSS_ENTROPY;
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public double baselineLoss() {
        return Math.log(2);
    }

    @Override
    public String describe() {
        return "running parity, T=" + steps + ", " + size() + " sequences, seed " + seed();
    }

    @Override
    void generate(SeededRandom rng, int row, Tensor x, Tensor targets, int[] classes) {
        int parity = 0;
        for (int t = 0; t < steps; t++) {
            int bit = rng.nextInt(2);
            parity ^= bit;
            x.data()[row * steps + t] = bit;
            classes[row * steps + t] = parity;
        }
    }
}
