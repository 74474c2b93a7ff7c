package org.rnn4j.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.data.synthetic.AddingProblem;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.TrainListener;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.dist.DistributedTrainerTest.assertSameBits;
import static org.rnn4j.dist.DistributedTrainerTest.lstm;

/** A diverging worker, a checkpoint and its resumption, a member lost in the middle of training. */
class FaultsTest {

    /**
     * From epoch 1 on, every batch holding an odd-numbered sequence has targets of Float.MAX_VALUE: the loss stays
     * finite (it sums in double) but the head's bias gradient, a float sum over the batch, overflows to infinity.
     */
    record PoisonedFromEpochOne(Dataset data, boolean poisoned) implements Dataset {
        @Override
        public int size() {
            return data.size();
        }

        @Override
        public Batch batch(int[] indices) {
            Batch b = data.batch(indices);
            if (!poisoned || Arrays.stream(indices).noneMatch(i -> i % 2 == 1)) {
                return b;
            }
            Tensor huge = Tensor.zeros(b.targets().shape());
            Arrays.fill(huge.data(), Float.MAX_VALUE);
            return Batch.withTargets(b.x(), b.lengths(), huge);
        }

        @Override
        public Dataset forEpoch(int epoch) {
            return new PoisonedFromEpochOne(data, epoch >= 1);
        }

        @Override
        public String describe() {
            return "poisoned " + data.describe();
        }
    }

    @Test
    void aWorkerWhoseGradientOverflowsIsStoppedAndReportedAndNeverPushesIt() {
        Dataset data = new PoisonedFromEpochOne(new AddingProblem(10, 120, 1), false);
        TrainConfig config = TrainConfig.builder().epochs(3).batchSize(20).learningRate(0.01f).seed(1).build();
        DistConfig dist = DistConfig.builder().workers(2).threads(2).build();
        DistributedTrainer.Result r = new DistributedTrainer(dist, config, new Adam(0.01f))
                .fit(lstm(1, 0f), data, null, null);
        TrainingStats.WorkerReport even = r.stats().workers().get(0);
        TrainingStats.WorkerReport odd = r.stats().workers().get(1);
        assertEquals("finished", even.status(), even.toString());
        assertEquals(9, even.steps(), "3 epochs of 3 batches of its 60 sequences");
        assertEquals("failed", odd.status(), odd.toString());
        assertTrue(odd.failure().startsWith("training diverged: the gradient norm became Infinity at step 4"),
                odd.failure());
        assertEquals(3, odd.steps(), "it trained epoch 0 (3 batches) and stopped at the first batch of epoch 1");
        assertEquals(3, odd.pushes(), "one push per good batch, none for the bad one");
        assertEquals(0, r.stats().notFinite(), "no shard ever received a non-finite gradient");
        assertEquals(12, r.stats().updates());
        for (float v : r.model().parameters().values()) {
            assertTrue(Float.isFinite(v));
        }
        assertTrue(r.stats().events().stream().anyMatch(e -> e.startsWith("worker 1 stopped after 3 mini-batches")),
                r.stats().events().toString());
    }

    @Test
    void aRunResumedFromItsCheckpointEndsWithTheBitsOfAnUninterruptedOne(@TempDir Path dir) {
        AddingProblem data = new AddingProblem(10, 100, 3);
        TrainConfig config = TrainConfig.builder().epochs(2).batchSize(16).learningRate(0.01f).clipNorm(1.0).seed(4)
                .build();
        Function<Compute, SequenceModel> factory = lstm(1, 0f);
        DistributedTrainer.Result whole = new DistributedTrainer(DistConfig.builder().threads(1).shards(2).build(),
                config, new Adam(0.01f)).fit(factory, data, null, null);

        Path file = dir.resolve("run.ckpt");
        DistConfig first = DistConfig.builder().threads(1).shards(2).maxSteps(9)
                .checkpoint(file, Duration.ofHours(1)).build();
        DistributedTrainer.Result stopped = new DistributedTrainer(first, config, new Adam(0.01f))
                .fit(factory, data, null, null);
        assertEquals("stopped", stopped.stats().workers().get(0).status());
        DistCheckpoint saved = assertCheckpoint(file);
        assertEquals(9L, saved.workerSteps().get(0), "the first epoch (7 batches) and 2 of the second");
        assertTrue(Arrays.stream(saved.shardUpdates()).allMatch(u -> u == 9), Arrays.toString(saved.shardUpdates()));

        DistConfig second = DistConfig.builder().threads(1).resumeFrom(file).build();
        DistributedTrainer.Result resumed = new DistributedTrainer(second, config, new Adam(0.01f))
                .fit(factory, data, null, null);
        assertEquals(14, resumed.stats().workers().get(0).steps());
        // the checkpoint carries the counters: the resumed run's count the whole run, 9 before and the 5 left
        assertEquals(14, resumed.stats().updates(), resumed.stats().summary());
        assertEquals(14, resumed.stats().pushes(), resumed.stats().summary());
        assertTrue(resumed.stats().seconds() >= saved.seconds() && saved.seconds() > 0, saved.seconds() + " s");
        assertSameBits("resumed against uninterrupted", whole.model().parameters().values(),
                resumed.model().parameters().values());
    }

    static DistCheckpoint assertCheckpoint(Path file) {
        try {
            return DistCheckpoint.load(file);
        } catch (java.io.IOException e) {
            throw new AssertionError("the checkpoint cannot be read: " + e.getMessage(), e);
        }
    }

    @Test
    void trainingOutlivesAMemberTerminatedMidwayAndItsWorkersDataIsTakenOver(@TempDir Path dir) throws Exception {
        AddingProblem data = new AddingProblem(10, 360, 5);
        TrainConfig config = TrainConfig.builder().epochs(3).batchSize(20).learningRate(0.01f).seed(6).build();
        Path file = dir.resolve("run.ckpt");
        DistConfig dist = DistConfig.builder().workers(3).localMembers(3).shards(6).threads(2)
                .checkpoint(file, Duration.ofMillis(300))
                .member(Member.Options.defaults().withMaxNoHeartbeatSeconds(5)).build();
        DistributedTrainer trainer = new DistributedTrainer(dist, config, new Adam(0.01f));
        AtomicBoolean killed = new AtomicBoolean();
        DistributedTrainer.Result r = trainer.fit(lstm(1, 0f), data, null, new DistributedListener() {
            @Override
            public void onStep(int worker, TrainListener.StepRecord step) {
                // on worker 2's own thread, which waits until its member is gone: the worker cannot finish first
                // (a kill timed by another worker's step missed it when worker 2 started a poll earlier)
                if (worker == 2 && step.step() == 4 && killed.compareAndSet(false, true)) {
                    trainer.members().get(2).getLifecycleService().terminate();
                }
            }
        });
        TrainingStats s = r.stats();
        assertTrue(killed.get());
        assertEquals(1, s.membersLost(), s.events().toString());
        assertEquals(0, s.shardsLost());
        for (TrainingStats.WorkerReport w : s.workers()) {
            assertEquals("finished", w.status(), w.toString() + "; events " + s.events());
            assertEquals(18, w.steps(), "3 epochs of 6 batches of 120 sequences: " + w);
        }
        assertTrue(s.events().stream().anyMatch(e -> e.startsWith("worker 2 lost its member")), s.events().toString());
        // every batch of every worker was applied once: the duplicates of a takeover are not counted as updates
        assertTrue(s.updates() <= 54 && s.updates() >= 52, "updates " + s.updates() + "; " + s.summary());
        for (float v : r.model().parameters().values()) {
            assertTrue(Float.isFinite(v));
        }
        assertTrue(s.events().stream().filter(e -> e.startsWith("checkpoint written")).count() >= 2,
                "periodic checkpoints and the final one: " + s.events());
        DistCheckpoint last = assertCheckpoint(file);
        assertEquals(java.util.Map.of(0, 18L, 1, 18L, 2, 18L), last.workerSteps());
        assertSameBits("the final checkpoint holds the trained parameters", r.model().parameters().values(),
                last.parameters());
    }
}
