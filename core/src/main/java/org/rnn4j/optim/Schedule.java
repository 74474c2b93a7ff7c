package org.rnn4j.optim;

/**
 * A learning-rate schedule: the factor by which the base learning rate is multiplied at a (0-based) step.
 * Apply it with {@code optimizer.setLearningRate(base * schedule.factor(step))} before each step.
 */
@FunctionalInterface
public interface Schedule {

    double factor(long step);

    /** Always 1. */
    static Schedule constant() {
        return step -> 1.0;
    }

    /** Multiplies by {@code gamma} every {@code every} steps (PyTorch's {@code StepLR}). */
    static Schedule step(long every, double gamma) {
        if (every < 1 || !(gamma > 0)) {
            throw new IllegalArgumentException("step schedule needs every ≥ 1 and gamma > 0, got every=" + every
                    + ", gamma=" + gamma);
        }
        return step -> Math.pow(gamma, step / every);
    }

    /**
     * Cosine annealing from 1 to {@code minFactor} over {@code totalSteps} (Loshchilov &amp; Hutter 2017, without
     * restarts); {@code minFactor} after that.
     */
    static Schedule cosine(long totalSteps, double minFactor) {
        if (totalSteps < 1 || !(minFactor >= 0 && minFactor <= 1)) {
            throw new IllegalArgumentException("cosine schedule needs totalSteps ≥ 1 and minFactor in [0, 1], got "
                    + totalSteps + ", " + minFactor);
        }
        return step -> step >= totalSteps ? minFactor
                : minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * step / totalSteps));
    }

    /** Linear warm-up from 1/warmupSteps to 1 over the first {@code warmupSteps} steps, then this schedule. */
    default Schedule withWarmup(long warmupSteps) {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must be ≥ 0, got " + warmupSteps);
        }
        return step -> step < warmupSteps ? (step + 1.0) / warmupSteps : factor(step);
    }
}
