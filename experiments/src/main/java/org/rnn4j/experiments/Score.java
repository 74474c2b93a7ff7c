package org.rnn4j.experiments;

import org.rnn4j.train.TrainListener;
import org.rnn4j.train.Trainer;

/** What a run is scored by: the loss (lower is better) or the objective's metric (accuracy: higher is better). */
public enum Score {
    LOSS, METRIC;

    /** The validation score of an epoch. */
    public double of(TrainListener.EpochRecord e) {
        return this == LOSS ? e.validationLoss() : e.validationMetric();
    }

    /** The score of an evaluation. */
    public double of(Trainer.Evaluation e) {
        return this == LOSS ? e.loss() : e.metric();
    }
}
