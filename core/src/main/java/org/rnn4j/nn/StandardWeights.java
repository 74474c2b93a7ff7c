package org.rnn4j.nn;

import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.PackedMatrix;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.ParamView;

/**
 * The four parameters every cell has, named the PyTorch way, and the whole-sequence products on them:
 * W_ih (G, I), W_hh (G, R), b_ih (G), b_hh (G).
 */
final class StandardWeights {

    final int inputSize;
    final int gateWidth;
    final int recurrentSize;
    final ParamView wih;
    final ParamView whh;
    final ParamView bih;
    final ParamView bhh;

    StandardWeights(ParamLayout.Builder layout, String suffix, int gateWidth, int inputSize, int recurrentSize) {
        this.inputSize = inputSize;
        this.gateWidth = gateWidth;
        this.recurrentSize = recurrentSize;
        this.wih = layout.add("weight_ih" + suffix, gateWidth, inputSize);
        this.whh = layout.add("weight_hh" + suffix, gateWidth, recurrentSize);
        this.bih = layout.add("bias_ih" + suffix, gateWidth);
        this.bhh = layout.add("bias_hh" + suffix, gateWidth);
    }

    /**
     * pre (rows, G) = x (rows, I) · W_ihᵀ + b_ih, plus b_hh when {@code foldRecurrentBias} (cells whose
     * recurrent bias enters the pre-activation additively).
     */
    void project(Compute cx, float[] w, float[] x, int xOff, int rows, float[] pre, boolean foldRecurrentBias) {
        java.util.Arrays.fill(pre, 0, rows * gateWidth, 0f);
        cx.kernels().addRowBias(rows, gateWidth, w, bih.offset(), pre, 0, gateWidth);
        if (foldRecurrentBias) {
            cx.kernels().addRowBias(rows, gateWidth, w, bhh.offset(), pre, 0, gateWidth);
        }
        cx.multTransBAdd(rows, gateWidth, inputSize, x, xOff, inputSize, w, wih.offset(), inputSize, pre, 0, gateWidth);
    }

    /**
     * Passes of at least this many steps pack the recurrent weights once for all their steps; shorter ones (a
     * stream's single steps) multiply the weights where they are, as packing costs a pass over them. Tests set it
     * to 1 to run their short sequences through the packed products too.
     */
    static volatile int packMinSteps = 8;

    /** Whether packed passes fuse the input projection into their steps ({@link #prepareFused}); tests turn it off. */
    static volatile boolean fuseInput = true;

    /** Packs W_hhᵀ for the forward steps of this pass, or marks the pass as unpacked. */
    void prepareForward(Compute cx, float[] w, Tape tp) {
        tp.fusedInput = false;
        tp.usePackedForward = tp.steps >= packMinSteps;
        if (tp.usePackedForward) {
            tp.packedForward = PackedMatrix.reuse(tp.packedForward, cx.kernels(), recurrentSize, gateWidth)
                    .pack(w, whh.offset(), recurrentSize, true);
        }
    }

    /** out (B, G) at outOff (row stride ldOut) += h (B, R) · W_hhᵀ: a step's recurrent product. */
    void recurrentForward(Compute cx, float[] w, Tape tp, float[] h, int hOff, float[] out, int outOff, int ldOut) {
        if (tp.usePackedForward) {
            cx.multAddPacked(tp.rows, h, hOff, recurrentSize, tp.packedForward, out, outOff, ldOut);
        } else {
            // every row: the unpacked kernels pick their summation order by the row count (see Tape.rows)
            cx.multTransBAdd(tp.batch, gateWidth, recurrentSize, h, hOff, recurrentSize, w, whh.offset(), recurrentSize,
                    out, outOff, ldOut);
        }
    }

    /**
     * Prepares a forward pass whose steps compute their own input projection: passes long enough to pack
     * ({@link #prepareForward}) pack [W_ihᵀ; W_hhᵀ] as one matrix and keep x, so that {@link #recurrentStep}
     * computes a step's input part (b_ih, plus b_hh when {@code foldRecurrentBias}, + x_t·W_ihᵀ) in the same
     * product as its recurrent part, its output still in cache, with no projection of the whole sequence written
     * first. The additions run in the order of the projection then the step, so the results have the same bits.
     * Shorter passes project as {@link #project} does. x (T·B, I) is read at xOff until the pass ends.
     */
    void prepareFused(Compute cx, float[] w, Tape tp, float[] x, int xOff, boolean foldRecurrentBias) {
        if (!fuseInput || tp.steps < packMinSteps) {
            project(cx, w, x, xOff, tp.steps * tp.batch, tp.pre, foldRecurrentBias);
            prepareForward(cx, w, tp);
            return;
        }
        tp.usePackedForward = true;
        tp.fusedInput = true;
        tp.packedForward = PackedMatrix.reuse(tp.packedForward, cx.kernels(), inputSize + recurrentSize, gateWidth)
                .packRows(0, inputSize, w, wih.offset(), inputSize, true)
                .packRows(inputSize, recurrentSize, w, whh.offset(), recurrentSize, true);
        if (tp.fusedBias == null) {
            tp.fusedBias = new float[gateWidth];
        }
        for (int j = 0; j < gateWidth; j++) {   // as project: 0 + b_ih (+ b_hh)
            tp.fusedBias[j] = foldRecurrentBias ? w[bih.offset() + j] + w[bhh.offset() + j] : w[bih.offset() + j];
        }
        tp.x = x;
        tp.xOff = xOff;
    }

    /** Ends a pass prepared by {@link #prepareFused}: the tape lets go of the input. */
    static void finishFused(Tape tp) {
        tp.x = null;
        tp.fusedInput = false;
        tp.stepOperands.noInput();
    }

    /**
     * Step t's products, then {@code task}, the step's elementwise work over rows and units of the {@code gates}
     * gate blocks. The recurrent part h · W_hhᵀ is added to out (B, G) at outOff, or with {@code rec} (B, G)
     * given, rec = b_hh + h · W_hhᵀ. A fused pass first sets out = its input part. Packed steps are split by units
     * when the units divide into the packed layout's blocks ({@link Compute#step}), other steps by rows.
     */
    void recurrentStep(Compute cx, float[] w, Tape tp, int t, float[] h, int hOff, float[] out, int outOff,
                       int ldOut, float[] rec, int gates, Compute.StepTask task) {
        if (tp.usePackedForward) {
            Compute.StepOperands s = tp.stepOperands.rows(tp.rows, tp.packedForward, gates);
            if (tp.fusedInput) {
                s.input(tp.x, tp.xOff + t * tp.batch * inputSize, inputSize, inputSize, tp.fusedBias, 0, out, outOff,
                        ldOut);
            } else {
                s.noInput();
            }
            if (rec != null) {
                s.recurrent(h, hOff, recurrentSize, w, bhh.offset(), rec, 0, gateWidth);
            } else {
                s.recurrent(h, hOff, recurrentSize, null, 0, out, outOff, ldOut);
            }
            cx.step(s, task);
            return;
        }
        if (rec != null) {
            java.util.Arrays.fill(rec, 0, tp.batch * gateWidth, 0f);
            cx.kernels().addRowBias(tp.batch, gateWidth, w, bhh.offset(), rec, 0, gateWidth);
            recurrentForward(cx, w, tp, h, hOff, rec, 0, gateWidth);
        } else {
            recurrentForward(cx, w, tp, h, hOff, out, outOff, ldOut);
        }
        cx.forRows(tp.rows, gateWidth / gates, task);
    }

    /** Packs W_hh for the backward steps of this pass, or marks the pass as unpacked. */
    void prepareBackward(Compute cx, float[] w, Tape tp) {
        tp.usePackedBackward = tp.steps >= packMinSteps;
        if (tp.usePackedBackward) {
            tp.packedBackward = PackedMatrix.reuse(tp.packedBackward, cx.kernels(), gateWidth, recurrentSize)
                    .pack(w, whh.offset(), recurrentSize, false);
        }
    }

    /** dh (B, R) += dRec (B, G) at dOff (row stride ldD) · W_hh: a step's gradient through the recurrent product. */
    void recurrentBackward(Compute cx, float[] w, Tape tp, float[] dRec, int dOff, int ldD, float[] dh) {
        if (tp.usePackedBackward) {
            cx.multAddPacked(tp.rows, dRec, dOff, ldD, tp.packedBackward, dh, 0, recurrentSize);
        } else {
            cx.multAdd(tp.batch, recurrentSize, gateWidth, dRec, dOff, ldD, w, whh.offset(), recurrentSize, dh, 0,
                    recurrentSize);
        }
    }

    /**
     * From the gate gradients dA (rows, G): dW_ih += dAᵀ·x, db_ih += Σ_rows dA, and dx += dA·W_ih when dx is
     * not null.
     */
    void inputGrads(Compute cx, float[] w, float[] g, int rows, float[] dA, float[] x, int xOff, float[] dx, int dxOff) {
        cx.multTransAAdd(gateWidth, inputSize, rows, dA, 0, gateWidth, x, xOff, inputSize, g, wih.offset(), inputSize);
        cx.kernels().sumRowsAdd(rows, gateWidth, dA, 0, gateWidth, g, bih.offset());
        if (dx != null) {
            cx.multAdd(rows, inputSize, gateWidth, dA, 0, gateWidth, w, wih.offset(), inputSize, dx, dxOff, inputSize);
        }
    }

    /**
     * From the gradients dRec (T·B, G) of the recurrent product's output: dW_hh += dRecᵀ·hPrev and
     * db_hh += Σ_rows dRec, with hPrev (T·B, R) the states each product read; dW_hh over the rows the steps
     * computed ({@link Tape#multTransAAddComputedRows}).
     */
    void recurrentGrads(Compute cx, float[] g, Tape tp, float[] dRec, float[] hPrev, int hPrevOff) {
        int rows = tp.steps * tp.batch;
        tp.multTransAAddComputedRows(cx, gateWidth, recurrentSize, dRec, 0, gateWidth, hPrev, hPrevOff,
                recurrentSize, g, whh.offset(), recurrentSize);
        cx.kernels().sumRowsAdd(rows, gateWidth, dRec, 0, gateWidth, g, bhh.offset());
    }

    /**
     * Initialises W_ih, W_hh and both biases. Gate blocks are {@code hidden} rows each.
     */
    void initialize(float[] w, Init init, int hidden, java.util.random.RandomGenerator rng) {
        int gates = gateWidth / hidden;
        switch (init) {
            case PYTORCH -> {
                float k = (float) (1.0 / Math.sqrt(hidden));
                Initializers.uniform(w, wih.offset(), wih.size(), k, rng);
                Initializers.uniform(w, whh.offset(), whh.size(), k, rng);
                Initializers.uniform(w, bih.offset(), bih.size(), k, rng);
                Initializers.uniform(w, bhh.offset(), bhh.size(), k, rng);
            }
            case GLOROT_ORTHOGONAL -> {
                // Keras treats the kernel (I, G) as one matrix for the fan; so do we.
                Initializers.glorotUniform(w, wih.offset(), gateWidth, inputSize, rng);
                for (int q = 0; q < gates; q++) {
                    Initializers.orthogonal(w, whh.offset() + q * hidden * recurrentSize, hidden, recurrentSize, rng);
                }
                Initializers.fill(w, bih.offset(), bih.size(), 0f);
                Initializers.fill(w, bhh.offset(), bhh.size(), 0f);
            }
            case IDENTITY -> {
                Initializers.normal(w, wih.offset(), wih.size(), 0.001f, rng);
                for (int q = 0; q < gates; q++) {
                    Initializers.identity(w, whh.offset() + q * hidden * recurrentSize, hidden, recurrentSize);
                }
                Initializers.fill(w, bih.offset(), bih.size(), 0f);
                Initializers.fill(w, bhh.offset(), bhh.size(), 0f);
            }
        }
    }
}
