package org.rnn4j.train;

/** Receives the progress of a {@link Trainer}; every method has an empty default. Called on the training thread. */
public interface TrainListener {

    /** A listener that prints one line per epoch (losses, metrics, time) to {@code out}. */
    static TrainListener printEpochs(java.io.PrintStream out) {
        return new TrainListener() {
            @Override
            public void onEpoch(EpochRecord e, Trainer.Progress p) {
                out.printf("epoch %d: train loss %.5f, validation loss %.5f (%.1f s)%n", e.epoch() + 1, e.trainLoss(),
                        e.validationLoss(), e.seconds());
            }
        };
    }

    /** After every optimizer update (several per batch with truncated BPTT are reported once, per batch). */
    default void onStep(StepRecord step, Trainer.Progress progress) {
    }

    /** After every epoch, with the validation results. */
    default void onEpoch(EpochRecord epoch, Trainer.Progress progress) {
    }

    /** One mini-batch: mean loss and metric over it, and the learning rate used. */
    record StepRecord(long step, int epoch, int batchInEpoch, int batchesPerEpoch, double loss, double metric,
                      float learningRate) {
    }

    /**
     * One epoch: training loss and metric averaged over its batches, validation loss and metric (NaN without
     * validation data), and wall time.
     */
    record EpochRecord(int epoch, double trainLoss, double trainMetric, double validationLoss, double validationMetric,
                       double seconds, boolean improved) {
    }
}
