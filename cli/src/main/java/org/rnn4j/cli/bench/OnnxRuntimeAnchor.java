package org.rnn4j.cli.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import org.rnn4j.io.Provenance;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.onnx.ExportOptions;
import org.rnn4j.onnx.OnnxExport;
import org.rnn4j.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime as a speed anchor: a bench model exported with {@link OnnxExport#toBytes} and run by ONNX Runtime's
 * Java API in the same JVM, so that its calls can be timed next to rnn4j's on the same computation.
 *
 * <p>A session runs with {@code threads} intra-op threads (the calling thread among them, as in rnn4j's
 * {@link org.rnn4j.kernel.Compute}), one inter-op thread, sequential execution and every graph optimisation. Inputs
 * live in direct buffers made once; the outputs are pinned to direct buffers made once too (ONNX Runtime writes into
 * them), so that a timed call is the session's run and no copying or allocation of tensors: ONNX Runtime at its best
 * from Java.
 *
 * <p>Lifecycle: make one, call it as often as wanted, close it (the session and the native tensors are freed).
 * Not thread-safe.
 */
final class OnnxRuntimeAnchor {

    private OnnxRuntimeAnchor() {
    }

    /** ONNX Runtime's environment (its one per process), loading the native library on first use; errors only. */
    static OrtEnvironment environment() {
        try {
            return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "rnn4j-bench");
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            throw new IllegalStateException("ONNX Runtime's native library could not be loaded on "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + " (" + e + "); --onnxruntime"
                    + " needs one of the platforms its jar carries (Linux x64 and aarch64, macOS, Windows x64)", e);
        }
    }

    /** The version of the loaded ONNX Runtime, e.g. "1.20.0". */
    static String version() {
        return environment().getVersion();
    }

    /** A session over the model's bytes with {@code threads} intra-op threads, one inter-op thread, sequential. */
    static OrtSession session(byte[] model, int threads) throws OrtException {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return environment().createSession(model, opts);
        }
    }

    /** How the bench exports its models: the opset by default, without the lengths input (every sequence is full). */
    static final ExportOptions EXPORT = ExportOptions.DEFAULT.withLengthsInput(false);

    static byte[] export(SequenceModel model, String what, ExportOptions options) {
        return OnnxExport.toBytes(model, Provenance.current(BenchCommand.SEED, what), null, options);
    }

    /** A direct float buffer of n values in native order, zeros: ONNX Runtime reads and writes it without copying. */
    static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    static long[] dims(int... shape) {
        long[] d = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            d[i] = shape[i];
        }
        return d;
    }

    /** A tensor over a new direct buffer that holds {@code t}'s values. */
    private static OnnxTensor tensor(Tensor t) throws OrtException {
        FloatBuffer b = direct(t.size());
        b.put(t.data()).rewind();
        return OnnxTensor.createTensor(environment(), b, dims(t.shape()));
    }

    /** A pinned output: a tensor over {@code buffer}, which ONNX Runtime fills. */
    private static OnnxTensor pinned(FloatBuffer buffer, int... shape) throws OrtException {
        return OnnxTensor.createTensor(environment(), buffer, dims(shape));
    }

    private static float[] read(FloatBuffer b) {
        float[] v = new float[b.capacity()];
        b.duplicate().rewind().get(v);
        return v;
    }

    /**
     * The inference call of a config: the model's graph (network and head) on the workload's batch x (B, T, I),
     * giving y (B, outputs); what {@link BenchCommand.Workload#infer} computes.
     */
    static final class Inference implements AutoCloseable {
        private final OrtSession session;
        private final Map<String, OnnxTensor> inputs = new HashMap<>();
        private final Map<String, OnnxTensor> outputs = new HashMap<>();
        private final FloatBuffer y;   // (B, outputs)

        Inference(SequenceModel model, Tensor x, String what, int threads) throws OrtException {
            session = session(export(model, what, EXPORT), threads);
            boolean done = false;
            try {
                inputs.put("x", tensor(x));
                int b = x.dim(0);
                y = direct(b * model.outputSize());
                outputs.put("y", pinned(y, b, model.outputSize()));
                done = true;
            } finally {
                if (!done) {
                    close();
                }
            }
        }

        /** One inference call: the timed unit. */
        void run() {
            try (OrtSession.Result ignored = session.run(inputs, outputs)) {
                // the outputs are in y
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed to run the exported model: " + e.getMessage(), e);
            }
        }

        /** y (B, outputs) of the latest call, flattened. */
        float[] output() {
            return read(y);
        }

        @Override
        public void close() throws OrtException {
            inputs.values().forEach(OnnxTensor::close);
            outputs.values().forEach(OnnxTensor::close);
            session.close();
        }
    }

    /**
     * Batch-1 streaming through a graph with state inputs ({@link ExportOptions#withStateIO}): each call feeds one
     * step x (1, 1, I) with the previous call's h_n (and c_n) as h0 (and c0), and writes y and the new states into
     * pinned buffers. Two sets of state buffers take turns, so that a step copies nothing: what
     * {@link org.rnn4j.nn.ModelStream#step} computes with the state it keeps.
     */
    static final class Streaming implements AutoCloseable {
        private final OrtSession session;
        private final List<OnnxTensor> steps = new ArrayList<>();   // each (1, 1, I)
        private final OnnxTensor[] h = new OnnxTensor[2];           // (layers, 1, R) each
        private final OnnxTensor[] c = new OnnxTensor[2];           // (layers, 1, H) each, or null
        private final FloatBuffer[] hBuf = new FloatBuffer[2];
        private final FloatBuffer[] cBuf = new FloatBuffer[2];
        private final FloatBuffer y;                               // (1, outputs)
        private final OnnxTensor yTensor;
        private final Map<String, OnnxTensor>[] inputs;
        private final Map<String, OnnxTensor>[] outputs;
        private int next;       // the step input of the next call
        private int current;    // which state buffers hold the state

        /** @param xs the step inputs (1, I) that the calls cycle through */
        @SuppressWarnings("unchecked")
        Streaming(SequenceModel model, Tensor[] xs, String what, int threads) throws OrtException {
            var net = model.config().network();
            if (net.bidirectional()) {
                throw new IllegalArgumentException("only a unidirectional model can stream");
            }
            session = session(export(model, what, EXPORT.withStateIO(true)), threads);
            int layers = net.numLayers();
            boolean cell = net.cell().hasCellState();
            try {
                for (Tensor x : xs) {
                    steps.add(tensor(Tensor.of(x.data(), 1, 1, x.dim(1))));
                }
                for (int k = 0; k < 2; k++) {
                    hBuf[k] = direct(layers * net.outputSizePerDirection());
                    h[k] = pinned(hBuf[k], layers, 1, net.outputSizePerDirection());
                    if (cell) {
                        cBuf[k] = direct(layers * net.hiddenSize());
                        c[k] = pinned(cBuf[k], layers, 1, net.hiddenSize());
                    }
                }
                y = direct(model.outputSize());
                yTensor = pinned(y, 1, model.outputSize());
            } catch (OrtException | RuntimeException e) {
                close();
                throw e;
            }
            inputs = new Map[2];
            outputs = new Map[2];
            for (int k = 0; k < 2; k++) {   // from state buffers k into 1 − k
                inputs[k] = new HashMap<>(Map.of("h0", h[k]));
                outputs[k] = new HashMap<>(Map.of("y", yTensor, "h_n", h[1 - k]));
                if (cell) {
                    inputs[k].put("c0", c[k]);
                    outputs[k].put("c_n", c[1 - k]);
                }
            }
        }

        /** One step: the timed unit. */
        void step() {
            Map<String, OnnxTensor> in = inputs[current];
            in.put("x", steps.get(next));
            next = (next + 1) % steps.size();
            try (OrtSession.Result ignored = session.run(in, outputs[current])) {
                current = 1 - current;
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed to run the exported step: " + e.getMessage(), e);
            }
        }

        /** y (1, outputs) of the latest step. */
        float[] output() {
            return read(y);
        }

        /** Zero states, and the first step input next. */
        void reset() {
            for (int k = 0; k < 2; k++) {
                hBuf[k].clear();
                hBuf[k].put(new float[hBuf[k].capacity()]).rewind();
                if (cBuf[k] != null) {
                    cBuf[k].clear();
                    cBuf[k].put(new float[cBuf[k].capacity()]).rewind();
                }
            }
            next = 0;
            current = 0;
        }

        @Override
        public void close() throws OrtException {
            steps.forEach(OnnxTensor::close);
            for (OnnxTensor t : h) {
                if (t != null) {
                    t.close();
                }
            }
            for (OnnxTensor t : c) {
                if (t != null) {
                    t.close();
                }
            }
            if (yTensor != null) {
                yTensor.close();
            }
            session.close();
        }
    }
}
