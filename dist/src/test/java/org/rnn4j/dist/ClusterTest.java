package org.rnn4j.dist;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rnn4j.data.synthetic.AddingProblem;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.TrainListener;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.dist.DistributedTrainerTest.lstm;

/**
 * Workers on other members: members with a {@link WorkerHost} (in this JVM here, as they would be in others) take the
 * workers a coordinator assigns them from the published job, report failures through the cluster, refuse a job they
 * cannot build, and a member that joins mid-run receives shards by migration and takes a worker.
 */
class ClusterTest {

    private final List<HazelcastInstance> started = new ArrayList<>();
    private final List<WorkerHost> hosts = new ArrayList<>();

    @AfterEach
    void stop() {
        hosts.forEach(WorkerHost::close);
        started.forEach(m -> m.getLifecycleService().terminate());
    }

    /** A member with a worker host, joined to {@code options}' cluster. */
    private HazelcastInstance host(Member.Options options, JobResolver resolver) {
        HazelcastInstance m = Member.start(options);
        started.add(m);
        hosts.add(WorkerHost.start(m, resolver, 1, null));
        return m;
    }

    /** Options whose members join the first one, wherever its port ended up. */
    private static Member.Options joining(Member.Options o, HazelcastInstance first) {
        return o.withMembers(List.of(DistributedTrainer.address(first.getCluster().getLocalMember())));
    }

    private static String address(HazelcastInstance m) {
        return DistributedTrainer.address(m.getCluster().getLocalMember());
    }

    @Test
    void theWorkersAreSpreadOverTheMembersThatHostWorkersAndAllFinish() {
        AddingProblem data = new AddingProblem(10, 180, 1);
        TrainConfig config = TrainConfig.builder().epochs(2).batchSize(20).learningRate(0.01f).seed(2).build();
        Function<Compute, SequenceModel> factory = lstm(1, 0f);
        List<String> descriptions = java.util.Collections.synchronizedList(new ArrayList<>());   // two hosts add
        JobResolver resolver = job -> {
            descriptions.add(job.description());
            return new JobResolver.Resolved(factory, data, config);
        };
        Member.Options o = Member.Options.defaults();
        HazelcastInstance a = host(o, resolver);
        HazelcastInstance b = host(joining(o, a), resolver);
        DistConfig dist = DistConfig.builder().workers(3).threads(1).shards(4).description("adding, T = 10")
                .otherHosts(2).member(joining(o, a)).build();
        DistributedTrainer.Result r = new DistributedTrainer(dist, config, new Adam(0.01f)).fit(factory, data, null, null);

        assertEquals(List.of("adding, T = 10", "adding, T = 10"), descriptions, "each host resolved the job once");
        Set<String> where = r.stats().workers().stream().map(TrainingStats.WorkerReport::member)
                .collect(Collectors.toSet());
        assertEquals(3, where.size(), "one worker per member: " + r.stats().workers());
        assertTrue(where.containsAll(List.of(address(a), address(b))), where + " against " + address(a) + ", "
                + address(b));
        for (TrainingStats.WorkerReport w : r.stats().workers()) {
            assertEquals("finished", w.status(), w.toString());
            assertEquals(6, w.steps(), "2 epochs of 3 batches of its 60 sequences: " + w);
        }
        assertEquals(18, r.stats().updates(), r.stats().summary());
        assertEquals(0, r.stats().duplicates());
    }

    /** Worker 0's sequences (even indices) throw from the second epoch on. */
    record ThrowingFromEpochOne(Dataset data, boolean throwing) implements Dataset {
        @Override
        public int size() {
            return data.size();
        }

        @Override
        public Batch batch(int[] indices) {
            if (throwing && Arrays.stream(indices).anyMatch(i -> i % 2 == 0)) {
                throw new IllegalStateException("sequence " + indices[0] + " cannot be read");
            }
            return data.batch(indices);
        }

        @Override
        public Dataset forEpoch(int epoch) {
            return new ThrowingFromEpochOne(data, epoch >= 1);
        }

        @Override
        public String describe() {
            return data.describe();
        }
    }

    @Test
    void aWorkerThatThrowsOnAnotherMemberIsReportedAndTheOtherFinishes() {
        Dataset data = new ThrowingFromEpochOne(new AddingProblem(10, 120, 3), false);
        TrainConfig config = TrainConfig.builder().epochs(3).batchSize(20).learningRate(0.01f).seed(1).build();
        Function<Compute, SequenceModel> factory = lstm(1, 0f);
        Member.Options o = Member.Options.defaults();
        HazelcastInstance b = host(o, job -> new JobResolver.Resolved(factory, data, config));
        DistConfig dist = DistConfig.builder().workers(2).threads(1).description("throwing")
                .otherHosts(1).member(joining(o, b)).build();
        DistributedTrainer.Result r = new DistributedTrainer(dist, config, new Adam(0.01f)).fit(factory, data, null, null);

        TrainingStats.WorkerReport thrower = r.stats().workers().get(0);
        TrainingStats.WorkerReport other = r.stats().workers().get(1);
        assertEquals(address(b), thrower.member(), "the other members take workers first: " + r.stats().workers());
        assertEquals("failed", thrower.status(), thrower.toString());
        assertEquals("sequence 0 cannot be read", thrower.failure().replaceAll("sequence \\d+", "sequence 0"));
        assertEquals(3, thrower.steps(), "it trained epoch 0 (3 batches) and failed at the first batch of epoch 1");
        assertEquals("finished", other.status(), other.toString());
        assertEquals(9, other.steps());
        assertEquals(12, r.stats().updates(), r.stats().summary());
        assertTrue(r.stats().events().stream().anyMatch(e -> e.startsWith("worker 0 stopped after 3 mini-batches: ")),
                r.stats().events().toString());
    }

    @Test
    void aMemberThatCannotBuildTheJobRefusesItAndItsWorkerGoesElsewhere() {
        AddingProblem data = new AddingProblem(10, 80, 4);
        TrainConfig config = TrainConfig.builder().epochs(2).batchSize(20).learningRate(0.01f).seed(1).build();
        Function<Compute, SequenceModel> factory = lstm(1, 0f);
        Member.Options o = Member.Options.defaults();
        HazelcastInstance b = host(o, job -> {
            throw new java.nio.file.NoSuchFileException("/nowhere/data.csv");
        });
        DistConfig dist = DistConfig.builder().workers(2).threads(1).description("data at /nowhere")
                .otherHosts(1).member(joining(o, b)).build();
        DistributedTrainer.Result r = new DistributedTrainer(dist, config, new Adam(0.01f)).fit(factory, data, null, null);

        for (TrainingStats.WorkerReport w : r.stats().workers()) {
            assertEquals("finished", w.status(), w.toString());
            assertTrue(!w.member().equals(address(b)), "no worker ran on the member that refused: " + w);
        }
        String refusal = "member " + address(b) + " cannot run job ";
        assertTrue(r.stats().events().stream().anyMatch(e -> e.startsWith(refusal) && e.contains("/nowhere/data.csv")
                && e.endsWith("; worker 0 goes to member " + r.stats().workers().get(0).member())),
                r.stats().events().toString());
    }

    /**
     * Deterministic: the coordinator's member runs both workers, and both are held at their first mini-batch (whose
     * record each has just written). Worker 0's thread starts a new member and waits until it owns shard primaries
     * and runs the worker that the coordinator moved to it; worker 1's old replica stays held until the new member
     * has run worker 1 to its end, so that whatever the old one does when let go is a duplicate. Nothing depends on
     * how fast the join, the migration or the training is; the waits end on conditions (the bound only stops a hang).
     */
    @Test
    void aMemberThatJoinsMidRunReceivesShardsByMigrationAndTakesAWorker() {
        AddingProblem data = new AddingProblem(10, 400, 5);
        TrainConfig config = TrainConfig.builder().epochs(2).batchSize(20).learningRate(0.01f).seed(3).build();
        Function<Compute, SequenceModel> factory = lstm(1, 0f);
        JobResolver resolver = job -> new JobResolver.Resolved(factory, data, config);
        Member.Options o = Member.Options.defaults();
        DistConfig dist = DistConfig.builder().workers(2).threads(2).shards(16).description("joining").member(o)
                .build();
        DistributedTrainer trainer = new DistributedTrainer(dist, config, new Adam(0.01f));
        long bound = TimeUnit.MINUTES.toNanos(3);
        CountDownLatch joined = new CountDownLatch(1);        // the new member owns shards and runs worker 1
        CountDownLatch movedWorkerDone = new CountDownLatch(1);  // the new member ran worker 1's last mini-batch
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicInteger primariesOnNewcomer = new AtomicInteger();
        AtomicInteger shardsInCluster = new AtomicInteger();
        Set<Long> newcomerSteps = ConcurrentHashMap.newKeySet();
        String[] addresses = new String[2];   // the coordinator's member, the new member
        DistributedTrainer.Result r = trainer.fit(factory, data, null, new DistributedListener() {
            @Override
            public void onStep(int worker, TrainListener.StepRecord step) {
                if (step.step() != 1) {
                    return;
                }
                try {
                    if (worker == 0) {
                        join();
                    }
                    CountDownLatch until = worker == 0 ? joined : movedWorkerDone;
                    if (!until.await(bound, TimeUnit.NANOSECONDS)) {
                        failure.compareAndSet(null, "worker " + worker + " was held until the bound");
                    }
                } catch (Exception | Error e) {
                    failure.compareAndSet(null, e.toString());
                    joined.countDown();
                    movedWorkerDone.countDown();
                }
            }

            private void join() throws InterruptedException {
                HazelcastInstance first = trainer.members().get(0);
                addresses[0] = address(first);
                HazelcastInstance c = Member.start(joining(o, first));
                started.add(c);
                addresses[1] = address(c);
                WorkerHost h = WorkerHost.start(c, resolver, 1, new DistributedListener() {
                    @Override
                    public void onStep(int worker, TrainListener.StepRecord step) {
                        if (worker == 1) {
                            newcomerSteps.add(step.step());
                            if (step.step() == 20) {
                                movedWorkerDone.countDown();
                            }
                        }
                    }
                });
                hosts.add(h);
                IMap<Integer, Shard> shards = c.getMap(ParameterServer.mapName(trainer.job()));
                long deadline = System.nanoTime() + bound;
                while (System.nanoTime() < deadline && (primariesOnNewcomer.get() == 0 || h.running() == 0)) {
                    Thread.sleep(50);
                    primariesOnNewcomer.set(shards.localKeySet().size());
                }
                shardsInCluster.set(shards.size());
                joined.countDown();
            }
        });
        assertNull(failure.get());
        assertTrue(primariesOnNewcomer.get() > 0, "the new member owns no shard primary");
        assertEquals(16, shardsInCluster.get(), "shards in the cluster once the new member owned some");
        assertEquals(0, r.stats().shardsLost(), r.stats().summary());
        assertTrue(r.stats().events().contains("worker 1 moves from member " + addresses[0] + " to member "
                + addresses[1] + " at step 1"), r.stats().events().toString());
        assertEquals(addresses[1], r.stats().workers().get(1).member(), r.stats().workers().toString());
        for (TrainingStats.WorkerReport w : r.stats().workers()) {
            assertEquals("finished", w.status(), w.toString());
            assertEquals(20, w.steps(), "2 epochs of 10 batches of its 200 sequences: " + w);
        }
        assertEquals(LongStream.rangeClosed(2, 20).boxed().collect(Collectors.toSet()), newcomerSteps,
                "the new member ran worker 1's mini-batches after the first");
        // each worker wrote its record at step 1 before it was held: every applied push is counted, once
        assertEquals(40, r.stats().updates(), r.stats().summary());
    }
}
