package org.rnn4j.io;

import org.rnn4j.optim.Optimizer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimizer's state as a JSON object, for checkpoints kept as JSON: {@code {"name", "steps", "state": {array name:
 * base64}}}, each float array as base64 of its little-endian bytes (exact, and a third the size of decimal text).
 */
public final class OptimizerStateJson {

    private OptimizerStateJson() {
    }

    /** The optimizer's name, steps and state arrays. */
    public static Map<String, Object> of(Optimizer optimizer) {
        Map<String, Object> opt = new LinkedHashMap<>();
        opt.put("name", optimizer.name());
        opt.put("steps", optimizer.steps());
        Map<String, Object> state = new LinkedHashMap<>();
        optimizer.state().forEach((k, v) -> state.put(k, base64(v)));
        opt.put("state", state);
        return opt;
    }

    /** The name saved by {@link #of}, or null when {@code json} is not such an object. */
    public static String name(Object json) {
        return json instanceof Map<?, ?> m && m.get("name") instanceof String s ? s : null;
    }

    /**
     * Restores {@code optimizer} (a fresh one of the saved kind) from {@code json}.
     *
     * @throws IllegalArgumentException when json is not such an object or names another optimizer
     */
    public static void restore(Optimizer optimizer, Object json) {
        if (!(json instanceof Map<?, ?> m) || !(m.get("steps") instanceof Number steps)
                || !(m.get("state") instanceof Map<?, ?> saved)) {
            throw new IllegalArgumentException("the optimizer's state is missing or damaged");
        }
        if (!optimizer.name().equals(m.get("name"))) {
            throw new IllegalArgumentException("the state is of a " + m.get("name") + " optimizer, not "
                    + optimizer.name());
        }
        Map<String, float[]> state = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : saved.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new IllegalArgumentException("the optimizer's state array " + e.getKey() + " is not base64");
            }
            state.put((String) e.getKey(), floats(s));
        }
        optimizer.restore(steps.longValue(), state);
    }

    /** The floats' little-endian bytes in base64. */
    public static String base64(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return Base64.getEncoder().encodeToString(b.array());
    }

    /** The floats of {@link #base64}'s text. */
    public static float[] floats(String base64) {
        ByteBuffer b;
        try {
            b = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a float array is not valid base64: " + e.getMessage(), e);
        }
        if (b.remaining() % 4 != 0) {
            throw new IllegalArgumentException("a float array's base64 holds " + b.remaining()
                    + " bytes, not a multiple of 4");
        }
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }
}
