package org.rnn4j.dist;

import org.junit.jupiter.api.Test;
import org.rnn4j.data.synthetic.AddingProblem;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.optim.Schedule;
import org.rnn4j.optim.Sgd;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/** One worker that fetches and pushes every update trains exactly as the single-JVM Trainer. */
class DistributedTrainerTest {

    static Function<Compute, SequenceModel> lstm(int layers, float dropout) {
        return compute -> SequenceModel.builder().cell(CellSpec.lstm()).inputSize(2).hiddenSize(8).numLayers(layers)
                .dropout(dropout).head(Head.LAST_STEP).outputSize(1).seed(42).compute(compute).build();
    }

    static void assertSameBits(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": lengths");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                double worst = 0;
                for (int j = 0; j < expected.length; j++) {
                    worst = Math.max(worst, Math.abs(expected[j] - actual[j]));
                }
                fail(what + ": first difference at parameter " + i + ": expected " + expected[i] + ", got "
                        + actual[i] + "; max difference " + worst);
            }
        }
    }

    static float[] trainLocally(Function<Compute, SequenceModel> factory, TrainConfig config, Optimizer opt,
                                AddingProblem data) {
        SequenceModel model = factory.apply(Compute.serial());
        new Trainer(config, opt).fit(model, data, null, null);
        return model.parameters().values();
    }

    @Test
    void oneWorkerFetchingAndPushingEveryUpdateGivesTheTrainersBits() {
        AddingProblem data = new AddingProblem(12, 150, 1);
        TrainConfig config = TrainConfig.builder().epochs(2).batchSize(16).learningRate(0.01f).clipNorm(0.5)
                .schedule(Schedule.cosine(15, 0.1).withWarmup(3)).seed(5).build();
        Function<Compute, SequenceModel> factory = lstm(2, 0.25f);
        float[] expected = trainLocally(factory, config, new Adam(0.01f), data);
        DistConfig dist = DistConfig.builder().workers(1).shards(3).threads(1).build();
        DistributedTrainer.Result r = new DistributedTrainer(dist, config, new Adam(0.01f)).fit(factory, data, null, null);
        assertSameBits("adam, 2 layers with dropout, 3 shards", expected, r.model().parameters().values());
        assertEquals(20, r.stats().updates(), "one update per mini-batch: 2 epochs of 10");
        assertEquals(20, r.stats().stalenessHistogram()[0], "alone, every push has staleness 0");
    }

    @Test
    void oneWorkerWithTruncatedBpttAndMomentumGivesTheTrainersBits() {
        AddingProblem data = new AddingProblem(12, 60, 2);
        TrainConfig config = TrainConfig.builder().epochs(2).batchSize(16).learningRate(0.05f).clipValue(0.1f)
                .tbptt(4, 8).seed(9).build();
        Function<Compute, SequenceModel> factory = lstm(1, 0f);
        float[] expected = trainLocally(factory, config, new Sgd(0.05f, 0.9f, true, 1e-4f), data);
        DistConfig dist = DistConfig.builder().workers(1).threads(1).build();
        DistributedTrainer.Result r = new DistributedTrainer(dist, config, new Sgd(0.05f, 0.9f, true, 1e-4f))
                .fit(factory, data, null, null);
        assertSameBits("nesterov, truncated BPTT, 1 shard", expected, r.model().parameters().values());
    }

    /**
     * Epochs far shorter than the coordinator's look (100 ms) end several at a time: each is still reported once, in
     * order, with the validation of the parameters at that look (an experiment's learning curve has every epoch).
     */
    @Test
    void epochsEndingBetweenTwoLooksAreEachReportedWithAValidation() {
        AddingProblem data = new AddingProblem(6, 8, 1);
        AddingProblem validation = new AddingProblem(6, 8, 2);
        TrainConfig config = TrainConfig.builder().epochs(30).batchSize(8).learningRate(0.01f).seed(5).build();
        DistConfig dist = DistConfig.builder().workers(2).threads(1).build();
        List<DistributedProgress.Epoch> epochs = new ArrayList<>();
        DistributedTrainer.Result r = new DistributedTrainer(dist, config, new Adam(0.01f)).fit(lstm(1, 0), data,
                validation, new DistributedListener() {
                    @Override
                    public void onEpoch(DistributedProgress.Epoch e) {
                        epochs.add(e);
                    }
                });
        assertEquals(30, epochs.size(), "one report per epoch");
        for (int e = 0; e < epochs.size(); e++) {
            assertEquals(e, epochs.get(e).epoch(), "epochs in order");
            assertNotNull(epochs.get(e).validation(), "epoch " + e + " has no validation");
        }
        assertNotNull(r.validation());
    }
}
