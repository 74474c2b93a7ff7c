package org.rnn4j.train;

import org.junit.jupiter.api.Test;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.loss.LossValue;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.SequenceWindows;
import org.rnn4j.nn.Sequences;
import org.rnn4j.nn.State;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.Sgd;
import org.rnn4j.tensor.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.testutil.Close.assertClose;

class TrainerTest {

    static final int N = 24;
    static final int T = 9;

    /** Running sum of the first feature, per step (regression), with varied lengths. */
    static ArrayDataset perStepData(long seed) {
        SeededRandom r = new SeededRandom(seed);
        Tensor x = Tensor.zeros(N, T, 2);
        Tensor y = Tensor.zeros(N, T, 1);
        int[] lengths = new int[N];
        for (int i = 0; i < N; i++) {
            lengths[i] = 3 + r.nextInt(T - 2);
            float sum = 0;
            for (int t = 0; t < T; t++) {
                float v = (float) r.nextGaussian();
                x.set(v, i, t, 0);
                x.set(1f, i, t, 1);
                sum += v;
                y.set(sum * 0.3f, i, t, 0);
            }
        }
        return ArrayDataset.withTargets(x, lengths, y, "running sums");
    }

    /** The sign of the sum of the first feature (2 classes), one label per sequence. */
    static ArrayDataset perSequenceData(long seed) {
        SeededRandom r = new SeededRandom(seed);
        Tensor x = Tensor.zeros(N, T, 2);
        int[] classes = new int[N];
        for (int i = 0; i < N; i++) {
            float sum = 0;
            for (int t = 0; t < T; t++) {
                float v = (float) r.nextGaussian();
                x.set(v, i, t, 0);
                sum += v;
            }
            classes[i] = sum > 0 ? 1 : 0;
        }
        return ArrayDataset.withClasses(x, null, classes, "signs");
    }

    static SequenceModel model(Head head, int outputs) {
        return SequenceModel.builder().cell(CellSpec.gru()).inputSize(2).hiddenSize(5).head(head).outputSize(outputs)
                .seed(3).compute(Compute.serial(Kernels.scalar())).build();
    }

    static TrainConfig.Builder config() {
        return TrainConfig.builder().epochs(2).batchSize(8).learningRate(0.05f).seed(9);
    }

    @Test
    void truncatedBpttWithWindowsAsLongAsTheSequenceEqualsFullBptt() {
        SequenceModel full = model(Head.EVERY_STEP, 1);
        new Trainer(config().build(), new Sgd(0.05f)).fit(full, perStepData(1), null, null);
        SequenceModel truncated = model(Head.EVERY_STEP, 1);
        new Trainer(config().tbptt(T).build(), new Sgd(0.05f)).fit(truncated, perStepData(1), null, null);
        assertClose("parameters", full.parameters().values(), truncated.parameters().values(), 1e-6, 1e-5);
        SequenceModel lastStep = model(Head.LAST_STEP, 2);
        new Trainer(config().objective(Objective.CROSS_ENTROPY).build(), new Sgd(0.05f)).fit(lastStep, perSequenceData(2), null, null);
        SequenceModel lastStepTruncated = model(Head.LAST_STEP, 2);
        new Trainer(config().objective(Objective.CROSS_ENTROPY).tbptt(T, T).build(), new Sgd(0.05f))
                .fit(lastStepTruncated, perSequenceData(2), null, null);
        assertClose("many-to-one parameters", lastStep.parameters().values(), lastStepTruncated.parameters().values(), 1e-6, 1e-5);
    }

    /** A dataset that hands out another dataset of the same size for each epoch, and records what it was asked. */
    private static Dataset perEpoch(java.util.List<Integer> asked, java.util.function.IntFunction<Dataset> draw) {
        Dataset first = draw.apply(0);
        return new Dataset() {
            @Override
            public int size() {
                return first.size();
            }

            @Override
            public Batch batch(int[] indices) {
                return first.batch(indices);
            }

            @Override
            public String describe() {
                return "drawn per epoch";
            }

            @Override
            public Dataset forEpoch(int epoch) {
                asked.add(epoch);
                return draw.apply(epoch);
            }
        };
    }

    @Test
    void eachEpochTrainsOnTheDataTheDatasetGivesForIt() {
        java.util.List<Integer> asked = new java.util.ArrayList<>();
        SequenceModel fresh = model(Head.EVERY_STEP, 1);
        TrainConfig cfg = config().epochs(3).build();
        new Trainer(cfg, new Sgd(0.05f)).fit(fresh, perEpoch(asked, e -> perStepData(5 + e)), null, null);
        assertEquals(java.util.List.of(0, 1, 2), asked);

        // the same as training one epoch at a time on each epoch's data, with the trainer's shuffles
        SequenceModel manual = model(Head.EVERY_STEP, 1);
        Sgd sgd = new Sgd(0.05f);
        for (int e = 0; e < 3; e++) {
            ArrayDataset data = perStepData(5 + e);
            int[] order = Trainer.permutation(N, SeededRandom.forItem(9, e));
            for (int from = 0; from < N; from += cfg.batchSize()) {
                int[] indices = java.util.Arrays.copyOfRange(order, from, Math.min(N, from + cfg.batchSize()));
                Batch batch = data.batch(indices).sortedByLength();
                manual.parameters().zeroGrad();
                Tensor prediction = manual.forward(batch.x(), Sequences.of(batch.lengths()), null);
                LossValue loss = Objective.MSE.loss(prediction, batch, batch.lengths());
                manual.backward(loss.gradient());
                sgd.step(manual.parameters());
            }
        }
        assertClose("parameters", manual.parameters().values(), fresh.parameters().values(), 0, 0);

        SequenceModel fixed = model(Head.EVERY_STEP, 1);
        new Trainer(cfg, new Sgd(0.05f)).fit(fixed, perStepData(5), null, null);
        assertFalse(java.util.Arrays.equals(fixed.parameters().values(), fresh.parameters().values()));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Trainer(cfg, new Sgd(0.05f))
                .fit(model(Head.EVERY_STEP, 1), perEpoch(new java.util.ArrayList<>(),
                        ep -> ep == 0 ? perStepData(5) : new Subset(perStepData(6), new int[] {0, 1, 2}, "three")),
                        null, null));
        assertTrue(e.getMessage().contains("epoch 1's data has"), e.getMessage());
    }

    @Test
    void subsetsAndStandardisedViewsPassEachEpochsDataThrough() {
        Dataset drawn = perEpoch(new java.util.ArrayList<>(), e -> perStepData(5 + e));
        int[] one = {1};
        Dataset subset = new Subset(drawn, new int[] {0, 3, 7}, "three");
        assertArrayEquals(perStepData(7).batch(new int[] {3}).x().data(), subset.forEpoch(2).batch(one).x().data());
        assertEquals(3, subset.forEpoch(2).size());
        Dataset fixed = new Subset(perStepData(5), new int[] {0, 3, 7}, "three");
        org.junit.jupiter.api.Assertions.assertSame(fixed, fixed.forEpoch(4));

        Standardization z = Standardization.fit(perStepData(5), 8);
        Dataset view = z.applyTo(drawn);
        assertArrayEquals(z.apply(perStepData(6).batch(one)).x().data(), view.forEpoch(1).batch(one).x().data());
        Dataset fixedView = z.applyTo(perStepData(5));
        org.junit.jupiter.api.Assertions.assertSame(fixedView, fixedView.forEpoch(3));
    }

    @Test
    void truncatedBpttMatchesAHandWrittenChunkLoop() {
        int k = 4;
        ArrayDataset data = perStepData(5);
        SequenceModel trained = model(Head.EVERY_STEP, 1);
        TrainConfig cfg = config().epochs(1).batchSize(N).tbptt(k).build();   // one batch holding every sequence
        new Trainer(cfg, new Sgd(0.05f)).fit(trained, data, null, null);

        SequenceModel manual = model(Head.EVERY_STEP, 1);
        Sgd sgd = new Sgd(0.05f);
        int[] order = Trainer.permutation(N, SeededRandom.forItem(9, 0));
        Batch batch = data.batch(order);
        State state = null;
        for (int start = 0; start < batch.steps(); start += k) {
            int end = Math.min(batch.steps(), start + k);
            int[] lengths = new int[N];
            for (int b = 0; b < N; b++) {
                lengths[b] = Math.max(0, Math.min(batch.lengths()[b], end) - start);
            }
            Tensor prediction = manual.forward(SequenceWindows.steps(batch.x(), start, end),
                    Sequences.of(lengths).window(0), state);
            state = manual.finalState();
            LossValue loss = Objective.MSE.loss(prediction,
                    Batch.withTargets(batch.x(), null, SequenceWindows.steps(batch.targets(), start, end)), lengths);
            manual.parameters().zeroGrad();
            manual.backward(loss.gradient());
            sgd.step(manual.parameters());
        }
        assertClose("parameters", manual.parameters().values(), trained.parameters().values(), 1e-6, 1e-5);
    }

    @Test
    void aChunkOrBatchWhoseTargetsAreAllIgnoredIsSkippedWithoutAnUpdate() {
        // per step, classes from step 4 on (a delay's first steps are ignored): with k = 4 the first chunk has no
        // target; it is run for its state and skipped, as a hand-written loop that scores only the second chunk
        int k = 4;
        Tensor x = Tensor.zeros(6, 8, 2);
        SeededRandom r = new SeededRandom(4);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) r.nextGaussian();
        }
        int[] classes = new int[6 * 8];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = i % 8 < k ? org.rnn4j.loss.Losses.IGNORE : (x.data()[2 * i] > 0 ? 1 : 0);
        }
        ArrayDataset data = ArrayDataset.withClasses(x, null, classes, "delayed");
        TrainConfig cfg = TrainConfig.builder().epochs(1).batchSize(6).objective(Objective.CROSS_ENTROPY).seed(9)
                .learningRate(0.1f).tbptt(k).build();
        SequenceModel trained = model(Head.EVERY_STEP, 2);
        Trainer trainer = new Trainer(cfg, new Sgd(0.1f));
        trainer.fit(trained, data, null, null);

        SequenceModel manual = model(Head.EVERY_STEP, 2);
        Batch batch = data.batch(Trainer.permutation(6, SeededRandom.forItem(9, 0)));
        manual.forward(SequenceWindows.steps(batch.x(), 0, k), Sequences.of(null).window(0), null);
        State state = manual.finalState();
        Tensor prediction = manual.forward(SequenceWindows.steps(batch.x(), k, 8), Sequences.of(null).window(0),
                state);
        int[] scored = new int[6 * k];
        for (int b = 0; b < 6; b++) {
            System.arraycopy(batch.classes(), b * 8 + k, scored, b * k, k);
        }
        LossValue loss = Objective.CROSS_ENTROPY.loss(prediction, Batch.withClasses(batch.x(), null, scored), null);
        manual.parameters().zeroGrad();
        manual.backward(loss.gradient());
        new Sgd(0.1f).step(manual.parameters());
        assertClose("parameters", manual.parameters().values(), trained.parameters().values(), 1e-6, 1e-5);

        // a whole mini-batch without a target (full BPTT and a last-step window): no update, and the run goes on
        int[] none = new int[6];
        java.util.Arrays.fill(none, org.rnn4j.loss.Losses.IGNORE);
        ArrayDataset ignored = ArrayDataset.withClasses(x, null, none, "ignored");
        for (TrainConfig c : List.of(TrainConfig.builder().epochs(2).batchSize(3).objective(Objective.CROSS_ENTROPY)
                        .seed(9).build(),
                TrainConfig.builder().epochs(2).batchSize(3).objective(Objective.CROSS_ENTROPY).seed(9).tbptt(3)
                        .build())) {
            SequenceModel m = model(Head.LAST_STEP, 2);
            float[] before = m.parameters().values().clone();
            new Trainer(c, new Sgd(0.1f)).fit(m, ignored, null, null);
            assertArrayEquals(before, m.parameters().values());
        }
    }

    @Test
    void truncatedBpttOfAManyToOneModelReachesEverySequence() {
        // the classes depend only on the first 3 steps: a sequence of length 3 must still teach the input weights
        Tensor x = Tensor.zeros(2, 10, 2);
        SeededRandom r = new SeededRandom(2);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) r.nextGaussian();
        }
        ArrayDataset data = ArrayDataset.withClasses(x, new int[]{10, 3}, new int[]{1, 0}, "two");
        TrainConfig.Builder one = TrainConfig.builder().epochs(1).batchSize(2).objective(Objective.CROSS_ENTROPY).seed(1);
        SequenceModel full = model(Head.LAST_STEP, 2);
        new Trainer(one.build(), new Sgd(0.1f)).fit(full, data, null, null);
        SequenceModel truncated = model(Head.LAST_STEP, 2);
        new Trainer(one.tbptt(4).build(), new Sgd(0.1f)).fit(truncated, data, null, null);
        // the shortest sequence (3 steps) is shorter than k2 = 4: the window covers everything, as full BPTT does
        assertClose("parameters", full.parameters().values(), truncated.parameters().values(), 1e-6, 1e-5);

        // all sequences long: the window is [4, 10) (a boundary at least k2 = 4 steps before the end), and inputs
        // inside it still move the input weights
        ArrayDataset longOnes = ArrayDataset.withClasses(x, null, new int[]{1, 0}, "two long");
        SequenceModel windowed = model(Head.LAST_STEP, 2);
        float[] before = windowed.parameters().get("weight_ih_l0");
        new Trainer(one.tbptt(4).build(), new Sgd(0.1f)).fit(windowed, longOnes, null, null);
        assertFalse(java.util.Arrays.equals(before, windowed.parameters().get("weight_ih_l0")));
    }

    @Test
    void theScheduleCountsMiniBatchesEvenWhenTruncatedBpttUpdatesSeveralTimesABatch() {
        java.util.List<Float> rates = new java.util.ArrayList<>();
        SequenceModel m = model(Head.EVERY_STEP, 1);
        new Trainer(config().epochs(1).batchSize(8).tbptt(3).schedule(org.rnn4j.optim.Schedule.step(1, 0.5)).build(),
                new Sgd(0.05f)).fit(m, perStepData(1), null, new TrainListener() {
                    @Override
                    public void onStep(StepRecord step, Trainer.Progress progress) {
                        rates.add(step.learningRate());
                    }
                });
        assertEquals(java.util.List.of(0.05f, 0.025f, 0.0125f), rates, "one halving per batch, not per window");
    }

    @Test
    void aResumedRunEndsWithTheSameParametersAsAnUninterruptedOne() {
        ArrayDataset data = perStepData(7);
        TrainConfig cfg = config().epochs(3).tbptt(3, 6).build();
        SequenceModel straight = model(Head.EVERY_STEP, 1);
        new Trainer(cfg, new Adam(0.01f)).fit(straight, data, perStepData(8), null);

        // stop in the middle of the second epoch, keeping what a checkpoint keeps
        SequenceModel first = model(Head.EVERY_STEP, 1);
        Adam firstOpt = new Adam(0.01f);
        Trainer firstTrainer = new Trainer(cfg, firstOpt);
        record Saved(Trainer.Progress progress, float[] params, Map<String, float[]> optim, long optimSteps) {
        }
        Saved[] saved = new Saved[1];
        class Stop extends RuntimeException {
        }
        assertThrows(Stop.class, () -> firstTrainer.fit(first, data, perStepData(8), new TrainListener() {
            @Override
            public void onStep(StepRecord step, Trainer.Progress progress) {
                if (step.step() == 5) {
                    Map<String, float[]> copy = new HashMap<>();
                    firstOpt.state().forEach((key, v) -> copy.put(key, v.clone()));
                    saved[0] = new Saved(progress, first.parameters().values().clone(), copy, firstOpt.steps());
                    throw new Stop();
                }
            }
        }));
        assertEquals(1, saved[0].progress().epoch());

        SequenceModel resumed = model(Head.EVERY_STEP, 1);
        System.arraycopy(saved[0].params(), 0, resumed.parameters().values(), 0, saved[0].params().length);
        Adam opt = new Adam(0.01f);
        opt.restore(saved[0].optimSteps(), saved[0].optim());
        Trainer trainer = new Trainer(cfg, opt);
        trainer.resume(saved[0].progress(), null);
        List<TrainListener.EpochRecord> rest = trainer.fit(resumed, data, perStepData(8), null);
        assertEquals(2, rest.size(), "epochs 2 and 3 remain");
        assertArrayEquals(straight.parameters().values(), resumed.parameters().values());
    }

    @Test
    void theSameSeedGivesTheSameRunAndAnotherSeedADifferentOne() {
        float[][] params = new float[3][];
        long[] seeds = {4, 4, 5};
        for (int i = 0; i < 3; i++) {
            SequenceModel m = SequenceModel.builder().cell(CellSpec.lstm()).inputSize(2).hiddenSize(5).numLayers(2)
                    .dropout(0.3f).head(Head.EVERY_STEP).outputSize(1).seed(3).build();
            new Trainer(config().seed(seeds[i]).build(), new Adam(0.01f)).fit(m, perStepData(1), null, null);
            params[i] = m.parameters().values();
        }
        assertArrayEquals(params[0], params[1]);
        assertFalse(java.util.Arrays.equals(params[0], params[2]));
    }

    @Test
    void aDivergingRunStopsNamingTheStepAndKeepsTheLastGoodParameters() {
        SequenceModel m = model(Head.EVERY_STEP, 1);
        float[][] beforeStep = new float[1][];
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () ->
                new Trainer(config().epochs(5).learningRate(1e30f).build(), new Sgd(1e30f)).fit(m, perStepData(1), null,
                        new TrainListener() {
                            @Override
                            public void onStep(StepRecord step, Trainer.Progress progress) {
                                beforeStep[0] = m.parameters().values().clone();
                            }
                        }));
        assertTrue(e.getMessage().contains("at step " + e.step()), e.getMessage());
        assertTrue(e.step() > 1);
        assertArrayEquals(beforeStep[0], m.parameters().values(), "parameters must be those after the last good step");
    }

    @Test
    void earlyStoppingStopsWhenValidationStopsImprovingAndRestoresTheBestParameters() {
        // validation targets are the negated training targets: fitting the training data makes validation worse
        ArrayDataset train = perStepData(11);
        Tensor negated = Tensor.zeros(N, T, 1);
        Batch all = train.batch(java.util.stream.IntStream.range(0, N).toArray());
        for (int i = 0; i < negated.size(); i++) {
            negated.data()[i] = -all.targets().data()[i];
        }
        ArrayDataset validation = ArrayDataset.withTargets(all.x(), all.lengths(), negated, "negated");
        SequenceModel m = model(Head.EVERY_STEP, 1);
        Trainer trainer = new Trainer(config().epochs(50).patience(2).build(), new Adam(0.02f));
        List<TrainListener.EpochRecord> history = trainer.fit(m, train, validation, null);
        assertTrue(trainer.progress().stopped());
        assertTrue(history.size() < 50, "stopped after " + history.size() + " epochs");
        assertFalse(history.get(history.size() - 1).improved());
        assertArrayEquals(trainer.bestParameters(), m.parameters().values());
    }

    @Test
    void anArrayDatasetCutsTimestampsWithItsBatches() {
        ArrayDataset data = perStepData(1);
        double[] times = new double[N * T];
        for (int i = 0; i < times.length; i++) {
            times[i] = i;   // sequence i, step s at i·T + s
        }
        data.withTimes(times);
        Batch b = data.batch(new int[]{5, 2});
        assertEquals(b.size() * b.steps(), b.times().length);
        for (int r = 0; r < 2; r++) {
            int seq = r == 0 ? 5 : 2;
            for (int s = 0; s < b.steps(); s++) {
                assertEquals(seq * T + s, b.times()[r * b.steps() + s], 0.0);
            }
        }
        times[1] = -1;   // sequence 0 goes backwards at step 1 (every sequence has at least 3 steps)
        String m = assertThrows(IllegalArgumentException.class, () -> perStepData(1).withTimes(times)).getMessage();
        assertTrue(m.contains("sequence 0") && m.contains("backwards"), m);
    }

    @Test
    void badConfigurationsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> config().tbptt(5, 3).build());
        String m = assertThrows(IllegalArgumentException.class, () -> config().batchSize(0).build()).getMessage();
        assertTrue(m.contains("batch size"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new Trainer(config().objective(Objective.CROSS_ENTROPY).build(),
                new Sgd(0.1f)).fit(model(Head.EVERY_STEP, 1), perStepData(1), null, null)).getMessage();
        assertTrue(m.contains("class-index targets"), m);
    }

    @Test
    void trainingLowersTheLoss() {
        SequenceModel m = model(Head.EVERY_STEP, 1);
        List<TrainListener.EpochRecord> h = new Trainer(config().epochs(30).build(), new Adam(0.03f))
                .fit(m, perStepData(1), null, null);
        assertTrue(h.get(h.size() - 1).trainLoss() < 0.5 * h.get(0).trainLoss(),
                "loss " + h.get(0).trainLoss() + " -> " + h.get(h.size() - 1).trainLoss());
    }
}
