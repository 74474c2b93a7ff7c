package org.rnn4j.nn;

import org.rnn4j.tensor.Tensor;

import java.util.Arrays;

/**
 * Step-by-step inference with state carried between calls. Created by {@link Recurrent#stream(int)}. It
 * uses the network's buffers: do not interleave it with forward/backward calls on the same network.
 */
public final class RecurrentStream {
    private final Recurrent net;
    private final int batch;
    private final float[] h;   // (layers, B, R)
    private final float[] c;   // (layers, B, H) or empty
    private final double[] lastTime;   // (B) timestamp of the latest step fed, -∞ before the first
    private final double[][] closedUntil;   // per layer (B, H): event-driven cells' closed-until times
    private Boolean timed;   // whether the latest call had timestamps (null before the first)
    private int stepsFed;

    RecurrentStream(Recurrent net, int batch) {
        this.net = net;
        this.batch = batch;
        RecurrentConfig cfg = net.config();
        this.h = new float[cfg.numLayers() * batch * cfg.outputSizePerDirection()];
        this.c = new float[cfg.hasCellState() ? cfg.numLayers() * batch * cfg.hiddenSize() : 0];
        this.lastTime = new double[batch];
        Arrays.fill(lastTime, Double.NEGATIVE_INFINITY);
        this.closedUntil = new double[cfg.numLayers()][batch * cfg.hiddenSize()];
        forgetClosedUntil();
    }

    /** Feeds one step x (B, I) and returns the top layer's output (B, R). */
    public Tensor step(Tensor x) {
        return step(x, null);
    }

    /** Feeds one step x (B, I) that happened at {@code times} (B, seconds; null for none). */
    public Tensor step(Tensor x, double[] times) {
        Tensor y = Tensor.zeros(batch, net.config().outputSize());
        step(x, times, y);
        return y;
    }

    /**
     * As {@link #step(Tensor, double[])}, writing the output into {@code out} (B, R) instead of a new tensor:
     * a step then allocates nothing.
     */
    public void step(Tensor x, double[] times, Tensor out) {
        // the shapes compared dimension by dimension: a step allocates nothing, not even varargs arrays
        int in = net.config().inputSize();
        if (x == null || x.rank() != 2 || x.dim(0) != batch || x.dim(1) != in) {
            throw new IllegalArgumentException("x must have shape " + Tensor.shapeString(batch, in) + ", got "
                    + (x == null ? "none" : Tensor.shapeString(x.shape())));
        }
        Inputs.checkFinite("x", x);
        if (out == null || out.rank() != 2 || out.dim(0) != batch || out.dim(1) != net.config().outputSize()) {
            throw new IllegalArgumentException("out must have shape " + Tensor.shapeString(batch,
                    net.config().outputSize()) + ", got " + (out == null ? "none" : Tensor.shapeString(out.shape())));
        }
        run(x.data(), 1, times, out.data());
    }

    /** Feeds a chunk x (B, T, I) and returns the top layer's outputs (B, T, R). */
    public Tensor chunk(Tensor x) {
        return chunk(x, null);
    }

    /**
     * Feeds a chunk x (B, T, I) with timestamps (B·T, batch-first; null for none) and returns the top layer's
     * outputs (B, T, R). Timestamps must not go backwards within a chunk, nor from one call to the next.
     */
    public Tensor chunk(Tensor x, double[] times) {
        Inputs.checkSequenceInput("x", x, net.config().inputSize());
        if (x.dim(0) != batch) {
            throw new IllegalArgumentException("this stream has batch " + batch + " but x has shape "
                    + Tensor.shapeString(x.shape()));
        }
        int t = x.dim(1);
        Tensor y = Tensor.zeros(batch, t, net.config().outputSize());
        run(x.data(), t, times, y.data());
        return y;
    }

    /** Feeds x (B, t, I) batch-first with its timestamps and writes the outputs (B, t, R) into y. */
    private void run(float[] x, int t, double[] times, float[] y) {
        Inputs.checkTimes(times, batch, t, null);
        if (times != null) {
            for (int b = 0; b < batch; b++) {
                if (times[b * t] < lastTime[b]) {
                    throw new IllegalArgumentException("times go backwards in stream " + b + ": " + times[b * t]
                            + " comes after " + lastTime[b]);
                }
            }
        }
        if (timed != null && timed != (times != null)) {   // the clock changed: what was known is void
            forgetClosedUntil();
        }
        timed = times != null;
        net.streamForward(x, batch, t, times, h, c.length == 0 ? null : c, stepsFed, closedUntil, y);
        if (times != null) {
            for (int b = 0; b < batch; b++) {
                lastTime[b] = times[b * t + t - 1];
            }
        }
        stepsFed += t;
    }

    /** No unit is known to stay closed: event-driven cells compute every phase again. */
    private void forgetClosedUntil() {
        for (double[] cu : closedUntil) {
            Arrays.fill(cu, Double.NEGATIVE_INFINITY);
        }
    }

    /** Sets every state back to zero. */
    public void reset() {
        Arrays.fill(h, 0f);
        Arrays.fill(c, 0f);
        Arrays.fill(lastTime, Double.NEGATIVE_INFINITY);
        forgetClosedUntil();
        timed = null;
        stepsFed = 0;
    }
}
