package org.rnn4j.data.synthetic;

import org.rnn4j.nn.Head;
import org.rnn4j.train.Objective;
import org.rnn4j.train.SeededRandom;
import org.rnn4j.tensor.Tensor;

/**
 * The copy-memory task (Hochreiter &amp; Schmidhuber 1997; in the form of Arjovsky, Shah &amp; Bengio 2016):
 * ten symbols drawn from {1, …, 8}, then {@code delay − 1} blanks (0), a delimiter (9) and ten more blanks; the
 * network must output blanks until the delimiter's ten followers, where it must reproduce the ten symbols.
 * Sequences have T = delay + 20 steps, inputs are one-hot over 10 symbols, and there are 10 classes per step.
 * The baseline that outputs blanks and then guesses uniformly among the 8 symbols scores a cross-entropy of
 * 10·ln 8 / (delay + 20).
 */
public final class CopyMemory extends SyntheticTask {

    static final int SYMBOLS = 10;
    static final int BLANK = 0;
    static final int DELIMITER = 9;
    static final int REMEMBER = 10;

    private final int delay;

    public CopyMemory(int delay, int size, long seed) {
        super(size, seed);
        if (delay < 1) {
            throw new IllegalArgumentException("the copy delay must be at least 1 step, got " + delay);
        }
        this.delay = delay;
    }

    @Override
    public int inputSize() {
        return SYMBOLS;
    }

    @Override
    public int outputSize() {
        return SYMBOLS;
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
        return delay + 2 * REMEMBER;
    }

    @Override
    public double baselineLoss() {
        return REMEMBER * Math.log(8) / steps();
    }

    @Override
    public String describe() {
        return "copy memory, delay " + delay + " (T=" + steps() + "), " + size() + " sequences, seed " + seed();
    }

    @Override
    void generate(SeededRandom rng, int row, Tensor x, Tensor targets, int[] classes) {
        int t = steps();
        float[] d = x.data();
        int[] input = new int[t];
        for (int i = 0; i < REMEMBER; i++) {
            input[i] = 1 + rng.nextInt(8);
            classes[row * t + t - REMEMBER + i] = input[i];
        }
        input[REMEMBER + delay - 1] = DELIMITER;
        for (int s = 0; s < t; s++) {
            d[(row * t + s) * SYMBOLS + input[s]] = 1f;
        }
    }
}
