package org.rnn4j.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Learning rate, step counter and named state arrays shared by the optimizers. */
abstract class BaseOptimizer implements Optimizer {

    private final String name;
    private final String[] stateNames;
    private final Map<String, float[]> state = new LinkedHashMap<>();
    private float lr;
    private long steps;

    BaseOptimizer(String name, float lr, String... stateNames) {
        if (!(lr >= 0f) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException(name + ": learning rate must be a finite number ≥ 0, got " + lr);
        }
        this.name = name;
        this.lr = lr;
        this.stateNames = stateNames;
    }

    static void checkRange(String what, float value, float lo, float hi) {
        if (!(value >= lo && value <= hi)) {
            throw new IllegalArgumentException(what + " must be in [" + lo + ", " + hi + "], got " + value);
        }
    }

    /** The state array of this name, allocated with {@code size} zeros on first use. */
    final float[] buffer(String key, int size) {
        float[] b = state.computeIfAbsent(key, k -> new float[size]);
        if (b.length != size) {
            throw new IllegalStateException(name + " was used with " + b.length + " parameters and now gets " + size);
        }
        return b;
    }

    /** Counts a step and returns its 1-based number. */
    final long nextStep() {
        return ++steps;
    }

    @Override
    public final float learningRate() {
        return lr;
    }

    @Override
    public final void setLearningRate(float lr) {
        if (!(lr >= 0f) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException(name + ": learning rate must be a finite number ≥ 0, got " + lr);
        }
        this.lr = lr;
    }

    @Override
    public final long steps() {
        return steps;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Map<String, float[]> state() {
        return Collections.unmodifiableMap(state);
    }

    @Override
    public final void restore(long steps, Map<String, float[]> saved) {
        if (steps < 0) {
            throw new IllegalArgumentException("step count must be ≥ 0, got " + steps);
        }
        for (String key : saved.keySet()) {
            if (!java.util.Arrays.asList(stateNames).contains(key)) {
                throw new IllegalArgumentException(name + " has no state '" + key + "'; it keeps "
                        + java.util.Arrays.toString(stateNames));
            }
        }
        state.clear();
        saved.forEach((k, v) -> state.put(k, v.clone()));
        this.steps = steps;
    }
}
