package org.rnn4j.dist;

/** Distributed training ended without a usable result (every worker failed); {@link #stats()} says what happened. */
public final class DistributedTrainingException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient TrainingStats stats;

    public DistributedTrainingException(String message, TrainingStats stats) {
        super(message);
        this.stats = stats;
    }

    public TrainingStats stats() {
        return stats;
    }
}
