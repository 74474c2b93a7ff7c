package org.rnn4j.dist;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.rnn4j.optim.OptimizerSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The parameters of one training job as a partitioned Hazelcast map: key k holds {@link Shard} k, range
 * {@code [plan.from(k), plan.to(k))} of the flat parameter array with its optimizer state. A push applies the
 * optimizer update at the shard's owner (an entry processor, repeated on the backup); a pull reads every shard's
 * values. Any member of the cluster can hold a handle; all handles of one name see the same shards.
 */
public final class ParameterServer {

    /**
     * What one push did across the shards.
     *
     * @param status       per shard: 0 applied, 1 duplicate (applied before), 2 refused as stale, 3 refused as not
     *                     finite
     * @param maxStaleness the largest staleness among the shards that applied or refused it
     */
    public record PushResult(int applied, int duplicates, int stale, int notFinite, long maxStaleness, long[] status) {
    }

    private final IMap<Integer, Shard> shards;
    private final ShardPlan plan;
    private final Set<Integer> keys;

    private ParameterServer(IMap<Integer, Shard> shards, ShardPlan plan) {
        this.shards = shards;
        this.plan = plan;
        Set<Integer> k = new LinkedHashSet<>();
        for (int i = 0; i < plan.count(); i++) {
            k.add(i);
        }
        this.keys = Set.copyOf(k);
    }

    /** The name of a job's parameter map. */
    public static String mapName(String job) {
        return Member.MAP_PREFIX + job + ".params";
    }

    /** A handle on the shards of job {@code job}, created by {@link #create} on some member. */
    public static ParameterServer attach(HazelcastInstance member, String job, ShardPlan plan) {
        return new ParameterServer(member.getMap(mapName(job)), plan);
    }

    /** Cuts {@code initial} into shards with fresh optimizer state and stores them, replacing what was there. */
    public static ParameterServer create(HazelcastInstance member, String job, ShardPlan plan, OptimizerSpec spec,
                                         float[] initial) {
        if (initial.length != plan.parameterCount()) {
            throw new IllegalArgumentException("the plan is for " + plan.parameterCount() + " parameters, the model has "
                    + initial.length);
        }
        ParameterServer server = attach(member, job, plan);
        Map<Integer, Shard> all = new HashMap<>();
        for (int k = 0; k < plan.count(); k++) {
            all.put(k, new Shard(k, plan.from(k), plan.trainableIn(k), spec,
                    Arrays.copyOfRange(initial, plan.from(k), plan.to(k))));
        }
        server.shards.clear();
        server.shards.putAll(all);
        return server;
    }

    /** Stores shards as a checkpoint had them (values, optimizer state, counts), replacing what was there. */
    public static ParameterServer restore(HazelcastInstance member, String job, ShardPlan plan, Map<Integer, Shard> saved) {
        if (saved.size() != plan.count()) {
            throw new IllegalArgumentException("the plan has " + plan.count() + " shards, the checkpoint " + saved.size());
        }
        ParameterServer server = attach(member, job, plan);
        server.shards.clear();
        server.shards.putAll(saved);
        return server;
    }

    public ShardPlan plan() {
        return plan;
    }

    /**
     * Reads every shard's values into {@code values} (the whole flat array) and its update count into
     * {@code updates[k]}.
     */
    public void pull(float[] values, long[] updates) {
        Map<Integer, ShardValues> got = shards.executeOnKeys(keys, new Pull());
        for (int k = 0; k < plan.count(); k++) {
            ShardValues v = got.get(k);
            if (v == null) {
                throw new IllegalStateException("shard " + k + " of " + plan.count() + " is missing from the cluster");
            }
            System.arraycopy(v.values, 0, values, plan.from(k), v.values.length);
            updates[k] = v.updates;
        }
    }

    /**
     * Pushes a worker's gradient (the whole flat array) to every shard at once and waits for all of them.
     *
     * @param basis        per shard, the update count the gradient is based on (see {@link Push#basis})
     * @param maxStaleness shards refuse the push past this staleness; -1 for no limit
     */
    public PushResult push(int worker, long seq, float lr, float[] grads, long[] basis, int maxStaleness) {
        List<CompletableFuture<long[]>> pending = new ArrayList<>(plan.count());
        for (int k = 0; k < plan.count(); k++) {
            Push p = new Push(worker, seq, lr, basis[k], maxStaleness,
                    Arrays.copyOfRange(grads, plan.from(k), plan.to(k)));
            CompletionStage<long[]> stage = shards.submitToKey(k, p);
            pending.add(stage.toCompletableFuture());
        }
        int applied = 0;
        int dup = 0;
        int stale = 0;
        int bad = 0;
        long worst = Long.MIN_VALUE;
        long[] status = new long[plan.count()];
        RuntimeException failure = null;
        for (int k = 0; k < plan.count(); k++) {
            long[] r;
            try {
                r = pending.get(k).join();
            } catch (CompletionException e) {
                // wait for the others too, so that no push of this seq is still in flight when the caller retries
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re : e;
                }
                continue;
            }
            switch ((int) r[0]) {
                case (int) Shard.APPLIED -> applied++;
                case (int) Shard.DUPLICATE -> dup++;
                case (int) Shard.STALE -> stale++;
                default -> bad++;
            }
            if (r[0] != Shard.DUPLICATE) {
                worst = Math.max(worst, r[1]);
            }
            status[k] = r[0];
        }
        if (failure != null) {
            throw failure;
        }
        return new PushResult(applied, dup, stale, bad, worst == Long.MIN_VALUE ? 0 : worst, status);
    }

    /** Every shard with its optimizer state and counts (copies), by index: what a checkpoint saves. */
    public Map<Integer, Shard> snapshot() {
        Map<Integer, Shard> all = new TreeMap<>(shards.getAll(keys));
        for (int k = 0; k < plan.count(); k++) {
            if (!all.containsKey(k)) {
                throw new IllegalStateException("shard " + k + " of " + plan.count() + " is missing from the cluster");
            }
        }
        return all;
    }

    /** Number of shards present in the cluster (all of them, unless more members died than there are backups). */
    public int shardsPresent() {
        return shards.size();
    }

    /** Removes the shards. */
    public void destroy() {
        shards.destroy();
    }
}
