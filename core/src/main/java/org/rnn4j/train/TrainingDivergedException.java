package org.rnn4j.train;

/**
 * Training produced a non-finite loss or gradient. The parameters keep the values from before the failing
 * update, and whatever checkpoint was written last stays valid.
 */
public final class TrainingDivergedException extends RuntimeException {

    private final long step;

    public TrainingDivergedException(String message, long step) {
        super(message);
        this.step = step;
    }

    /** The 1-based step whose update was refused. */
    public long step() {
        return step;
    }
}
