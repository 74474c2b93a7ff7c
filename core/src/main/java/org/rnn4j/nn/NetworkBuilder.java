package org.rnn4j.nn;

import org.rnn4j.kernel.Compute;

/**
 * The settings shared by {@link Recurrent.Builder} and {@link SequenceModel.Builder}, named like the arguments
 * of PyTorch's {@code nn.LSTM}.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class NetworkBuilder<B extends NetworkBuilder<B>> {

    CellSpec cell = CellSpec.lstm();
    int inputSize = -1;
    int hiddenSize = -1;
    int numLayers = 1;
    boolean bidirectional;
    float dropout;
    Init init = Init.PYTORCH;
    long seed;
    Compute compute;
    float forgetBias = Float.NaN;
    ScheduleOptions scheduleOptions = ScheduleOptions.DEFAULT;

    NetworkBuilder() {
    }

    abstract B self();

    /** Takes every network setting (cell, sizes, layers, directions, dropout) from a configuration. */
    public B network(RecurrentConfig config) {
        this.cell = config.cell();
        this.inputSize = config.inputSize();
        this.hiddenSize = config.hiddenSize();
        this.numLayers = config.numLayers();
        this.bidirectional = config.bidirectional();
        this.dropout = config.dropout();
        return self();
    }

    /** The cell type and its options; default a plain LSTM. */
    public B cell(CellSpec cell) {
        this.cell = cell;
        return self();
    }

    /** I: features per step (required). */
    public B inputSize(int n) {
        this.inputSize = n;
        return self();
    }

    /** H: units per layer and direction (required). */
    public B hiddenSize(int n) {
        this.hiddenSize = n;
        return self();
    }

    /** Stacked layers; default 1. */
    public B numLayers(int n) {
        this.numLayers = n;
        return self();
    }

    /** Adds a reverse direction to every layer, outputs concatenated; default false. */
    public B bidirectional(boolean on) {
        this.bidirectional = on;
        return self();
    }

    /**
     * Dropout on the outputs of every layer but the last; default 0. Unlike a PyTorch module, a network starts in
     * inference mode: dropout is applied only after {@code train(rng)} (which the {@code Trainer} calls) and until
     * {@code eval()}. Needs numLayers ≥ 2.
     */
    public B dropout(float p) {
        this.dropout = p;
        return self();
    }

    /** Weight initialisation; default {@link Init#PYTORCH}. */
    public B init(Init init) {
        this.init = init;
        return self();
    }

    /**
     * Sets the LSTM forget-gate bias after initialisation (b_ih rows of f to {@code value}, b_hh rows to 0), as
     * Gers et al. (2000) and Jozefowicz et al. (2015) recommend with 1. Default: whatever the {@link Init} gives
     * (1 for {@link Init#GLOROT_ORTHOGONAL}, random for {@link Init#PYTORCH}). Only valid for LSTM cells.
     */
    public B forgetBias(float value) {
        if (!Float.isFinite(value)) {
            throw new IllegalArgumentException("forgetBias must be a finite number, got " + value);
        }
        this.forgetBias = value;
        return self();
    }

    /** Seed of the initialisation; default 0. */
    public B seed(long seed) {
        this.seed = seed;
        return self();
    }

    /** Kernels and threads; default {@link Compute#serial()}. */
    public B compute(Compute compute) {
        this.compute = compute;
        return self();
    }

    /** How the layers schedule their steps (packing, fused input, skipping finished rows); default the fastest. */
    public B scheduleOptions(ScheduleOptions options) {
        this.scheduleOptions = java.util.Objects.requireNonNull(options, "options");
        return self();
    }

    RecurrentConfig config() {
        return config(inputSize);
    }

    /** The network's configuration with the given input size (a model with an embedding computes its own). */
    RecurrentConfig config(int networkInputSize) {
        RecurrentConfig cfg = new RecurrentConfig(cell, networkInputSize, hiddenSize, numLayers, bidirectional, dropout);
        if (!Float.isNaN(forgetBias) && !(cell instanceof LstmSpec)) {
            throw new IllegalArgumentException("forgetBias applies to LSTM cells only, not to a " + cell.kind());
        }
        return cfg;
    }

    Init initOrDefault() {
        return init == null ? Init.PYTORCH : init;
    }

    Compute computeOrDefault() {
        return compute == null ? Compute.serial() : compute;
    }
}
