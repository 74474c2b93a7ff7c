package org.rnn4j.nn;

/**
 * Batch-normalised LSTM (Cooijmans, Ballas, Laurent, Gülçehre &amp; Courville 2017, "Recurrent Batch
 * Normalization"), the baseline of the Phased LSTM paper:
 * <pre>
 * a_t = BN(W_hh h_{t−1}; γ_h) + BN(W_ih x_t; γ_x) + b        gate order i, f, g, o
 * c_t = σ(a^f) ⊙ c_{t−1} + σ(a^i) ⊙ tanh(a^g)
 * h_t = σ(a^o) ⊙ tanh(BN(c_t; γ_c, β_c))
 * </pre>
 * BN normalises each feature over the batch with the statistics of its own time step (steps past
 * {@code maxSteps − 1} share the last step's), using the batch's statistics in training and running population
 * statistics at inference. When fewer than {@code minRunning} of a batch's sequences are still running at a step
 * (right-padded sequences of different lengths), their statistics would be noise (one sequence has no variance
 * at all), so that step is normalised with the running statistics instead, in training too, and does not update
 * them. With a batch smaller than {@code minRunning}, the batch size is the minimum.
 *
 * @param maxSteps   number of time steps with their own statistics
 * @param minRunning fewest running sequences whose statistics a training step uses (default 4)
 * @param gammaInit initial gains γ_x, γ_h, γ_c (the paper's 0.1)
 * @param momentum  weight of a new batch in the running statistics (PyTorch's 0.1)
 * @param epsilon   added to the variance
 */
public record BnLstmSpec(int maxSteps, float gammaInit, float momentum, float epsilon, int minRunning)
        implements CellSpec {

    /** The default fewest running sequences for batch statistics. */
    public static final int DEFAULT_MIN_RUNNING = 4;

    static final BnLstmSpec DEFAULT = new BnLstmSpec(100, 0.1f, 0.1f, 1e-5f, DEFAULT_MIN_RUNNING);

    public BnLstmSpec {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be at least 1, got " + maxSteps);
        }
        if (minRunning < 1) {
            throw new IllegalArgumentException("minRunning must be at least 1, got " + minRunning);
        }
        if (!(momentum > 0f && momentum <= 1f)) {
            throw new IllegalArgumentException("momentum must be in (0, 1], got " + momentum);
        }
        if (!(epsilon > 0f) || !Float.isFinite(gammaInit)) {
            throw new IllegalArgumentException("epsilon must be > 0 and gammaInit finite, got " + epsilon + ", " + gammaInit);
        }
    }

    /** Statistics of their own for the first {@code steps} time steps. */
    public BnLstmSpec withMaxSteps(int steps) {
        return new BnLstmSpec(steps, gammaInit, momentum, epsilon, minRunning);
    }

    /** Batch statistics only at steps where at least {@code n} sequences (or the whole batch) are running. */
    public BnLstmSpec withMinRunning(int n) {
        return new BnLstmSpec(maxSteps, gammaInit, momentum, epsilon, n);
    }

    /** Whether a training step with {@code running} of {@code batch} sequences running uses their statistics. */
    boolean batchStatistics(int running, int batch) {
        return running >= Math.min(minRunning, batch);
    }

    @Override
    public String kind() {
        return "BNLSTM";
    }

    @Override
    public int outputSize(int hiddenSize) {
        return hiddenSize;
    }

    @Override
    public boolean hasCellState() {
        return true;
    }

}
