package org.rnn4j.data.synthetic;

import org.rnn4j.nn.Head;
import org.rnn4j.train.Objective;
import org.rnn4j.train.SeededRandom;
import org.rnn4j.tensor.Tensor;

/**
 * The adding problem (Hochreiter &amp; Schmidhuber 1997, in the form of Le, Jaitly &amp; Hinton 2015): every
 * step carries a number drawn from U(0, 1) and a marker; one step in the first half and one in the second half
 * are marked, and the target is the sum of their numbers. Two features per step, one regression output from
 * the last step. Predicting the mean (1) always scores MSE = Var(U + U) = 1/6 ≈ 0.167.
 */
public final class AddingProblem extends SyntheticTask {

    private final int steps;

    public AddingProblem(int steps, int size, long seed) {
        super(size, seed);
        if (steps < 2) {
            throw new IllegalArgumentException("the adding problem needs at least 2 steps, got " + steps);
        }
        this.steps = steps;
    }

    @Override
    public int inputSize() {
        return 2;
    }

    @Override
    public int outputSize() {
        return 1;
    }

    @Override
    public Head head() {
        return Head.LAST_STEP;
    }

    @Override
    public Objective objective() {
        return Objective.MSE;
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public double baselineLoss() {
        return 1.0 / 6.0;
    }

    @Override
    public String describe() {
        return "adding problem, T=" + steps + ", " + size() + " sequences, seed " + seed();
    }

    @Override
    void generate(SeededRandom rng, int row, Tensor x, Tensor targets, int[] classes) {
        int half = steps / 2;
        int first = rng.nextInt(half);
        int second = half + rng.nextInt(steps - half);
        float[] d = x.data();
        int base = row * steps * 2;
        float sum = 0f;
        for (int t = 0; t < steps; t++) {
            float v = rng.nextFloat();
            d[base + 2 * t] = v;
            if (t == first || t == second) {
                d[base + 2 * t + 1] = 1f;
                sum += v;
            }
        }
        targets.data()[row] = sum;
    }
}
