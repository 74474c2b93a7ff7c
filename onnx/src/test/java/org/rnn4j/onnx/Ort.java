package org.rnn4j.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs an ONNX model's bytes in ONNX Runtime (the independent implementation the tests compare with). */
final class Ort {

    private Ort() {
    }

    /**
     * Runs the model on one batch and returns its first output, flattened.
     *
     * @param lengths null to leave the input out
     * @param times   null to leave the input out
     */
    static float[] run(byte[] model, float[] x, int b, int t, int f, int[] lengths, double[] times) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(model, opts)) {
                Map<String, OnnxTensor> inputs = new HashMap<>();
                try {
                    inputs.put("x", OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[]{b, t, f}));
                    if (lengths != null) {
                        inputs.put("lengths", OnnxTensor.createTensor(env, IntBuffer.wrap(lengths), new long[]{b}));
                    }
                    if (times != null) {
                        inputs.put("times", OnnxTensor.createTensor(env, DoubleBuffer.wrap(times), new long[]{b, t}));
                    }
                    try (OrtSession.Result result = session.run(inputs)) {
                        OnnxTensor y = (OnnxTensor) result.get(0);
                        FloatBuffer buf = y.getFloatBuffer();
                        float[] out = new float[buf.remaining()];
                        buf.get(out);
                        return out;
                    }
                } finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    /** A named input: float, int or double values and their shape. */
    record Input(String name, Object values, long... shape) {
    }

    /** Runs the model once on the given inputs and returns every float output by name, flattened. */
    static Map<String, float[]> runAll(byte[] model, List<Input> in) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(model, opts)) {
                Map<String, OnnxTensor> inputs = new HashMap<>();
                try {
                    for (Input i : in) {
                        inputs.put(i.name(), switch (i.values()) {
                            case float[] v -> OnnxTensor.createTensor(env, FloatBuffer.wrap(v), i.shape());
                            case int[] v -> OnnxTensor.createTensor(env, IntBuffer.wrap(v), i.shape());
                            case double[] v -> OnnxTensor.createTensor(env, DoubleBuffer.wrap(v), i.shape());
                            default -> throw new IllegalArgumentException("input " + i.name() + ": " + i.values());
                        });
                    }
                    try (OrtSession.Result result = session.run(inputs)) {
                        Map<String, float[]> out = new LinkedHashMap<>();
                        result.forEach(e -> {
                            FloatBuffer buf = ((OnnxTensor) e.getValue()).getFloatBuffer();
                            float[] v = new float[buf.remaining()];
                            buf.get(v);
                            out.put(e.getKey(), v);
                        });
                        return out;
                    }
                } finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
            }
        }
    }
}
