package org.rnn4j.experiments;

import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.TrainListener;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingDivergedException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training of one run: a freshly built model, its data and how it is trained and scored.
 *
 * @param model      the model, built with the run's seed and compute
 * @param train      training data
 * @param validation the data of the learning curve (the test data itself where an experiment has no other)
 * @param test       the data of the final score
 * @param config     epochs, batch size, objective, clipping, seed
 * @param optimizer  a fresh optimizer
 * @param score      what the curve and the final score measure
 */
public record Training(SequenceModel model, Dataset train, Dataset validation, Dataset test, TrainConfig config,
                       Optimizer optimizer, Score score) {

    /**
     * Trains the model, recording the validation score after each epoch, then scores it on the test data and counts
     * the unit updates of that inference pass. A run that diverges stops there and is scored with its last good
     * parameters, its curve held at that value, so that one run cannot end an experiment.
     *
     * @param checkpoint the run's saved state: training continues after its saved epochs and saves the state there
     *                   after every epoch; null to train from the start without saving
     */
    public RunResult run(RunId id, RunCheckpoint checkpoint) {
        Trainer trainer = new Trainer(config, optimizer);
        List<Double> curve = new ArrayList<>();
        List<Object> epochSeconds = new ArrayList<>();
        double secondsBefore = checkpoint == null ? 0 : checkpoint.seconds();
        if (checkpoint != null) {
            checkpoint.restoreInto(model, optimizer, trainer);
            curve.addAll(checkpoint.curve());
        }
        boolean fromStart = curve.isEmpty();   // the times of epochs made by an earlier sitting are not kept
        long start = System.nanoTime();
        long diverged = 0;
        try {
            trainer.fit(model, train, validation, new TrainListener() {
                @Override
                public void onEpoch(EpochRecord e, Trainer.Progress p) {
                    curve.add(score.of(e));
                    epochSeconds.add(secondsBefore + (System.nanoTime() - start) / 1e9);
                    if (checkpoint != null) {
                        checkpoint.save(model, trainer, curve, secondsBefore + (System.nanoTime() - start) / 1e9);
                    }
                }
            });
        } catch (TrainingDivergedException e) {
            diverged = e.step();
        }
        double seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
        // at the training batch size, like the curve's per-epoch evaluation, so the score is the curve's last point
        double result = score.of(Trainer.evaluate(model, test, config.objective(), config.batchSize()));
        while (curve.size() < config.epochs()) {
            curve.add(result);
        }
        double fraction = (double) model.recurrent().unitUpdates() / model.recurrent().denseUnitUpdates();
        // wall-clock seconds at the end of each epoch, for accuracy against time (only for a run made in one sitting)
        Map<String, Object> extras = fromStart && diverged == 0 ? Map.of("epoch_seconds", epochSeconds) : Map.of();
        return new RunResult(id, curve, result, fraction, seconds, diverged, extras);
    }
}
