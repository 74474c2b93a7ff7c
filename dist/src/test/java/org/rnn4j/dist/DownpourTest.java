package org.rnn4j.dist;

import org.junit.jupiter.api.Test;
import org.rnn4j.data.synthetic.AddingProblem;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.param.Parameters;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.TrainListener;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.Updater;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rnn4j.dist.DistributedTrainerTest.assertSameBits;
import static org.rnn4j.dist.DistributedTrainerTest.lstm;

/** The fetch and push periods and the staleness limit do what Downpour's client does, step for step. */
class DownpourTest {

    /**
     * Downpour's client written out on one JVM: the gradients summed over pushEvery updates go to a server copy of the
     * parameters and its optimizer; the replica takes the server's parameters every fetchEvery updates.
     */
    static final class LocalDownpour implements Updater {
        final float[] server;
        final Optimizer optimizer;
        final Parameters serverParams;
        final int fetchEvery;
        final int pushEvery;
        final float[] accrued;
        int pending;
        int sinceFetch;
        int pushes;

        LocalDownpour(SequenceModel model, Optimizer optimizer, int fetchEvery, int pushEvery) {
            this.serverParams = new Parameters(model.parameters().layout());
            this.server = serverParams.values();
            System.arraycopy(model.parameters().values(), 0, server, 0, server.length);
            this.optimizer = optimizer;
            this.fetchEvery = fetchEvery;
            this.pushEvery = pushEvery;
            this.accrued = new float[server.length];
        }

        @Override
        public void update(Parameters params, float lr, long step) {
            for (int i = 0; i < accrued.length; i++) {
                accrued[i] += params.grads()[i];
            }
            pending++;
            sinceFetch++;
            if (pending == pushEvery) {
                push(lr);
            }
            if (sinceFetch == fetchEvery) {
                System.arraycopy(server, 0, params.values(), 0, server.length);
                sinceFetch = 0;
            }
        }

        void push(float lr) {
            System.arraycopy(accrued, 0, serverParams.grads(), 0, accrued.length);
            optimizer.setLearningRate(lr);
            optimizer.step(serverParams);
            java.util.Arrays.fill(accrued, 0f);
            pending = 0;
            pushes++;
        }
    }

    @Test
    void fetchingEveryThirdAndPushingEverySecondUpdateIsDownpoursClient() {
        AddingProblem data = new AddingProblem(10, 90, 4);
        TrainConfig config = TrainConfig.builder().epochs(1).batchSize(10).learningRate(0.02f).clipNorm(1.0).seed(2)
                .build();
        Function<Compute, SequenceModel> factory = lstm(1, 0f);
        SequenceModel model = factory.apply(Compute.serial());
        LocalDownpour local = new LocalDownpour(model, new Adam(0.02f), 3, 2);
        new Trainer(config, local).fit(model, data, null, null);
        if (local.pending > 0) {
            local.push(config.learningRate());
        }

        DistConfig dist = DistConfig.builder().threads(1).fetchEvery(3).pushEvery(2).shards(2).build();
        DistributedTrainer.Result r = new DistributedTrainer(dist, config, new Adam(0.02f)).fit(factory, data, null, null);
        assertEquals(5, local.pushes, "9 updates: 4 pushes of two and the last one alone at the end");
        assertEquals(5, r.stats().pushes());
        assertSameBits("the server's parameters", local.server, r.model().parameters().values());
    }

    /** After every mini-batch of worker 0, another "worker" (id 7) pushes: worker 0's next push is one update stale. */
    static DistributedTrainer.Result withInterference(int maxStaleness) {
        AddingProblem data = new AddingProblem(10, 60, 5);
        TrainConfig config = TrainConfig.builder().epochs(1).batchSize(10).learningRate(0.01f).seed(3).build();
        Function<Compute, SequenceModel> factory = lstm(1, 0f);
        Member.Options options = Member.Options.defaults();
        DistConfig dist = DistConfig.builder().threads(1).maxStaleness(maxStaleness).member(options).build();
        DistributedTrainer trainer = new DistributedTrainer(dist, config, new Adam(0.01f));
        ShardPlan plan = ShardPlan.of(factory.apply(Compute.serial()).parameters().layout(), 0);
        float[] small = new float[plan.parameterCount()];
        java.util.Arrays.fill(small, 1e-3f);
        long[] seq = {0};
        return trainer.fit(factory, data, null, new DistributedListener() {
            @Override
            public void onStep(int worker, TrainListener.StepRecord step) {
                ParameterServer other = ParameterServer.attach(trainer.members().get(0), trainer.job(), plan);
                float[] ignored = new float[plan.parameterCount()];
                long[] now = new long[plan.count()];
                other.pull(ignored, now);
                other.push(7, ++seq[0], 0.01f, small, now, -1);
            }
        });
    }

    @Test
    void aPushMoreStaleThanTheLimitIsRefusedAndTheWorkerFetchesAgain() {
        DistributedTrainer.Result limited = withInterference(0);
        // the first push is fresh; every later one comes after another update and is refused
        assertEquals(6, limited.stats().pushes());
        assertEquals(1, limited.stats().updates());
        assertEquals(5, limited.stats().stale());
        assertEquals(1, limited.stats().stalenessHistogram()[0]);
        assertEquals(5, limited.stats().stalenessHistogram()[1]);

        DistributedTrainer.Result unlimited = withInterference(-1);
        assertEquals(6, unlimited.stats().updates());
        assertEquals(0, unlimited.stats().stale());
        assertEquals(5, unlimited.stats().stalenessHistogram()[1], "staleness measured: one update of worker 7");
    }
}
