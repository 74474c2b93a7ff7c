package org.rnn4j.optim;

import org.rnn4j.param.Parameters;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learning rate, step counter and named state arrays shared by the optimizers, and the step itself: the spec's
 * {@link OptimizerSpec#update} over every trainable range.
 */
abstract class BaseOptimizer implements Optimizer {

    private final OptimizerSpec spec;
    private final String name;
    private final String[] stateNames;
    private final Map<String, float[]> state = new LinkedHashMap<>();
    private float lr;
    private long steps;

    /** {@code stateNames}: every name {@link #restore} accepts (a superset of what the spec uses). */
    BaseOptimizer(OptimizerSpec spec, float lr, String... stateNames) {
        String name = spec.name();
        if (!(lr >= 0f) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException(name + ": learning rate must be a finite number ≥ 0, got " + lr);
        }
        this.spec = spec;
        this.name = name;
        this.lr = lr;
        this.stateNames = stateNames;
    }

    @Override
    public final OptimizerSpec spec() {
        return spec;
    }

    @Override
    public final void step(Parameters params) {
        long t = nextStep();
        float[] w = params.values();
        float[] g = params.grads();
        List<String> names = spec.stateNames();
        boolean fresh = !names.isEmpty() && !state.containsKey(names.get(0));
        float[][] arrays = new float[names.size()][];
        for (int k = 0; k < arrays.length; k++) {
            arrays[k] = buffer(names.get(k), w.length);
        }
        long update = updateNumber(t, fresh);
        float lr = learningRate();
        for (int[] range : params.layout().trainableRanges()) {
            spec.update(w, g, arrays, range[0], range[1], update, lr);
        }
    }

    /**
     * The update number given to the spec at step {@code t}; {@code fresh} when the state arrays were just
     * allocated (before the first step, or after a restore without them).
     */
    long updateNumber(long t, boolean fresh) {
        return t;
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
