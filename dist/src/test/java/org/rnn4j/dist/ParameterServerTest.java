package org.rnn4j.dist;

import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.OptimizerSpec;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.Parameters;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pushes and pulls against two embedded members (one backup of every shard). */
class ParameterServerTest {

    static HazelcastInstance a;
    static HazelcastInstance b;
    static final Member.Options OPTIONS = Member.Options.defaults();
    static int jobs;

    @BeforeAll
    static void start() {
        a = Member.start(OPTIONS);
        b = Member.start(OPTIONS);
    }

    @AfterAll
    static void stop() {
        b.getLifecycleService().terminate();
        a.getLifecycleService().terminate();
    }

    static Parameters params() {
        ParamLayout.Builder l = ParamLayout.builder();
        l.add("w", 10, 3);
        l.add("b", 7);
        Parameters p = new Parameters(l.build());
        for (int i = 0; i < p.size(); i++) {
            p.values()[i] = (float) Math.sin(i);
            p.grads()[i] = (float) Math.cos(3 * i);
        }
        return p;
    }

    static ParameterServer server(Parameters p, OptimizerSpec spec) {
        return ParameterServer.create(a, "test" + jobs++, ShardPlan.of(p.layout(), 4), spec, p.values());
    }

    @Test
    void aPushArrivingTwiceIsAppliedOnce() {
        Parameters p = params();
        ParameterServer server = server(p, new Adam(0.1f).spec());
        long[] basis = new long[server.plan().count()];
        ParameterServer.PushResult first = server.push(0, 1, 0.1f, p.grads(), basis, -1);
        ParameterServer.PushResult again = server.push(0, 1, 0.1f, p.grads(), basis, -1);
        assertEquals(4, first.applied());
        assertEquals(0, again.applied(), "the retry must change nothing");
        assertEquals(4, again.duplicates());
        Adam local = new Adam(0.1f);
        local.step(p);
        float[] pulled = new float[p.size()];
        long[] updates = new long[4];
        server.pull(pulled, updates);
        assertArrayEquals(p.values(), pulled, "one Adam step, applied at the shards");
        assertArrayEquals(new long[]{1, 1, 1, 1}, updates);
        // another worker's push with the same number is its own
        assertEquals(4, server.push(1, 1, 0.1f, p.grads(), updates, -1).applied());
    }

    @Test
    void theBackupReplicaAppliesTheSamePushesAndHoldsTheSameBits() {
        Member.Options own = Member.Options.defaults();
        HazelcastInstance x = Member.start(own);
        HazelcastInstance y = Member.start(own);
        try {
            Parameters p = params();
            ShardPlan plan = ShardPlan.of(p.layout(), 16);
            ParameterServer server = ParameterServer.create(x, "backup", plan, new Adam(0.1f).spec(), p.values());
            long[] basis = new long[plan.count()];
            for (int s = 1; s <= 5; s++) {
                server.push(0, s, 0.05f * s, p.grads(), basis, -1);
            }
            Map<Integer, Shard> primary = server.snapshot();
            int ownedByX = 0;
            for (int k = 0; k < plan.count(); k++) {
                if (x.getPartitionService().getPartition(k).getOwner().localMember()) {
                    ownedByX++;
                }
            }
            assertTrue(ownedByX > 0, "some shard must live on the member that is terminated");
            x.getLifecycleService().terminate();
            waitForSafeCluster(y);
            Map<Integer, Shard> fromBackups = ParameterServer.attach(y, "backup", plan).snapshot();
            for (int k = 0; k < plan.count(); k++) {
                assertArrayEquals(primary.get(k).values(), fromBackups.get(k).values(), "shard " + k);
                assertArrayEquals(primary.get(k).state()[0], fromBackups.get(k).state()[0], "shard " + k + " exp_avg");
                assertArrayEquals(primary.get(k).state()[1], fromBackups.get(k).state()[1], "shard " + k + " exp_avg_sq");
                assertEquals(5, fromBackups.get(k).updates());
                assertArrayEquals(new long[]{5}, fromBackups.get(k).lastSeq());
            }
        } finally {
            y.getLifecycleService().terminate();
            x.getLifecycleService().terminate();
        }
    }

    @Test
    void aStalePushIsRefusedAndAFreshOneApplied() {
        Parameters p = params();
        ParameterServer server = server(p, new OptimizerSpec.SgdSpec(0f, false, 0f));
        long[] basis = new long[4];
        server.push(0, 1, 0.1f, p.grads(), basis, -1);
        server.push(1, 1, 0.1f, p.grads(), basis, -1);
        server.push(1, 2, 0.1f, p.grads(), new long[]{1, 1, 1, 1}, -1);
        // worker 0 fetched at 0 updates and pushed once since: 2 updates of worker 1 came in between
        ParameterServer.PushResult r = server.push(0, 2, 0.1f, p.grads(), new long[]{1, 1, 1, 1}, 1);
        assertEquals(4, r.stale());
        assertEquals(2, r.maxStaleness());
        r = server.push(0, 3, 0.1f, p.grads(), new long[]{3, 3, 3, 3}, 1);
        assertEquals(4, r.applied());
        assertEquals(0, r.maxStaleness());
    }

    @Test
    void aPushHoldingNaNIsRefusedAndChangesNothing() {
        Parameters p = params();
        ParameterServer server = server(p, new Adam(0.1f).spec());
        float[] before = new float[p.size()];
        server.pull(before, new long[4]);
        p.grads()[5] = Float.NaN;
        ParameterServer.PushResult r = server.push(0, 1, 0.1f, p.grads(), new long[4], -1);
        assertEquals(1, r.notFinite(), "the shard holding index 5");
        assertEquals(3, r.applied());
        float[] after = new float[p.size()];
        long[] updates = new long[4];
        server.pull(after, updates);
        for (float v : after) {
            assertTrue(Float.isFinite(v));
        }
        assertEquals(0, updates[0], "the refused shard did not count an update");
        assertArrayEquals(java.util.Arrays.copyOfRange(before, 0, 10), java.util.Arrays.copyOfRange(after, 0, 10));
    }

    @Test
    void aSnapshotIsACopyThatLaterPushesDoNotChange() {
        Parameters p = params();
        ParameterServer server = server(p, new Adam(0.1f).spec());
        Map<Integer, Shard> snap = server.snapshot();
        float[] v0 = snap.get(0).values().clone();
        server.push(0, 1, 0.1f, p.grads(), new long[4], -1);
        assertArrayEquals(v0, snap.get(0).values());
        assertNotEquals(v0[0], server.snapshot().get(0).values()[0]);
    }

    @Test
    void aPlanCutsTheArrayIntoNearlyEqualShardsAndKeepsBuffersOut() {
        ParamLayout.Builder l = ParamLayout.builder();
        l.add("w", 100);
        l.addBuffer("running", 20);
        l.add("b", 30);
        ShardPlan plan = ShardPlan.of(l.build(), 4);
        assertEquals(4, plan.count());
        assertEquals(38, plan.shardSize());
        assertEquals(150, plan.to(3));
        assertArrayEquals(new int[][]{{0, 24}}, plan.trainableIn(2), "76..114: 76..100 trainable, then the buffer");
        assertArrayEquals(new int[][]{{6, 36}}, plan.trainableIn(3), "114..150: the buffer up to 120");
        assertEquals(1, ShardPlan.of(l.build(), 0).count(), "one default-size shard for a small model");
    }

    static void waitForSafeCluster(HazelcastInstance m) {
        // migrations after a join are asynchronous; the partition service says when every backup is in place
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!m.getPartitionService().isClusterSafe()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the cluster did not become safe within 20 s");
            }
            Thread.onSpinWait();
        }
    }
}
