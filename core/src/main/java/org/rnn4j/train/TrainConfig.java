package org.rnn4j.train;

import org.rnn4j.optim.Schedule;

/**
 * How a {@link Trainer} trains.
 *
 * @param epochs        passes over the training data
 * @param batchSize     sequences per mini-batch (the last batch of an epoch may be smaller)
 * @param objective     loss and metric
 * @param learningRate  base learning rate, multiplied by {@code schedule.factor(step)} before every update
 * @param schedule      learning-rate schedule over optimizer steps
 * @param clipNorm      clip gradients to this global L2 norm before each update; 0 for none
 * @param clipValue     clamp each gradient to ±clipValue; 0 for none
 * @param tbpttForward  truncated BPTT: update every k1 steps (0 for full BPTT over whole sequences)
 * @param tbpttBackward truncated BPTT: backpropagate over the last k2 ≥ k1 steps (rounded up to a multiple of k1)
 * @param patience      early stopping: stop after this many epochs without improvement of the validation loss
 *                      (the training loss without validation data) and restore the best parameters; 0 for none
 * @param seed          seed of shuffling and dropout
 */
public record TrainConfig(int epochs, int batchSize, Objective objective, float learningRate, Schedule schedule,
                          double clipNorm, float clipValue, int tbpttForward, int tbpttBackward, int patience,
                          long seed) {

    public TrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (objective == null) {
            throw new IllegalArgumentException("an objective (MSE, CROSS_ENTROPY or BINARY_CROSS_ENTROPY) is required");
        }
        if (!(learningRate > 0f) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        }
        if (schedule == null) {
            schedule = Schedule.constant();
        }
        if (!(clipNorm >= 0) || !(clipValue >= 0f)) {
            throw new IllegalArgumentException("clipping thresholds must be ≥ 0 (0 = off), got norm " + clipNorm
                    + " and value " + clipValue);
        }
        if (tbpttForward < 0 || (tbpttForward == 0 && tbpttBackward != 0)
                || (tbpttForward > 0 && tbpttBackward < tbpttForward)) {
            throw new IllegalArgumentException("truncated BPTT needs k1 ≥ 1 and k2 ≥ k1 (or both 0 for full BPTT), got k1="
                    + tbpttForward + ", k2=" + tbpttBackward);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be ≥ 0, got " + patience);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: 10 epochs, batch 32, MSE, learning rate 1e-3, constant schedule, no clipping, full BPTT. */
    public static final class Builder {
        private int epochs = 10;
        private int batchSize = 32;
        private Objective objective = Objective.MSE;
        private float learningRate = 1e-3f;
        private Schedule schedule = Schedule.constant();
        private double clipNorm;
        private float clipValue;
        private int k1;
        private int k2;
        private int patience;
        private long seed;

        private Builder() {
        }

        public Builder epochs(int n) {
            epochs = n;
            return this;
        }

        public Builder batchSize(int n) {
            batchSize = n;
            return this;
        }

        public Builder objective(Objective o) {
            objective = o;
            return this;
        }

        public Builder learningRate(float lr) {
            learningRate = lr;
            return this;
        }

        public Builder schedule(Schedule s) {
            schedule = s;
            return this;
        }

        public Builder clipNorm(double n) {
            clipNorm = n;
            return this;
        }

        public Builder clipValue(float v) {
            clipValue = v;
            return this;
        }

        /** Truncated BPTT with k1 = k2 = k. */
        public Builder tbptt(int k) {
            return tbptt(k, k);
        }

        /** Truncated BPTT: an update every k1 steps, backpropagating over k2 steps. */
        public Builder tbptt(int k1, int k2) {
            this.k1 = k1;
            this.k2 = k2;
            return this;
        }

        public Builder patience(int epochs) {
            patience = epochs;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public TrainConfig build() {
            return new TrainConfig(epochs, batchSize, objective, learningRate, schedule, clipNorm, clipValue, k1, k2,
                    patience, seed);
        }
    }
}
