package org.rnn4j.dist;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.rnn4j.optim.OptimizerSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

    private ParameterServer(IMap<Integer, Shard> shards, ShardPlan plan) {
        this.shards = shards;
        this.plan = plan;
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
     * {@code updates[k]}. One read-only entry processor per shard, all sent at once (not {@code executeOnKeys}: its
     * partition-iterating operation was seen to wait forever when a member died during it).
     */
    public void pull(float[] values, long[] updates) {
        List<CompletableFuture<ShardValues>> pending = new ArrayList<>(plan.count());
        for (int k = 0; k < plan.count(); k++) {
            pending.add(shards.submitToKey(k, new Pull()).toCompletableFuture());
        }
        RuntimeException failure = null;
        for (int k = 0; k < plan.count(); k++) {
            ShardValues v;
            try {
                v = await(pending.get(k), k);
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
                continue;
            }
            if (v == null) {
                throw new IllegalStateException("shard " + k + " of " + plan.count() + " is missing from the cluster");
            }
            System.arraycopy(v.values, 0, values, plan.from(k), v.values.length);
            updates[k] = v.updates;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** How long a push or pull of one shard may take before the caller gives up on it (and may retry). */
    static final long CALL_TIMEOUT_SECONDS = 60;

    private static <T> T await(CompletableFuture<T> f, int shard) {
        try {
            return f.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new IllegalStateException("shard " + shard + " did not answer within " + CALL_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for shard " + shard, e);
        }
    }

    /**
     * Pushes a worker's gradient (the whole flat array) to every shard at once and waits for all of them.
     *
     * @param basis        per shard, the update count the gradient is based on (see {@link Push#basis})
     * @param maxStaleness shards refuse the push past this staleness; -1 for no limit
     */
    public PushResult push(int worker, long seq, float lr, float[] grads, long[] basis, int maxStaleness) {
        return push(worker, seq, lr, grads, basis, maxStaleness, null, null);
    }

    /**
     * A push that also fetches: every shard answers with its values after the push (applied, refused or a
     * duplicate), written into {@code values} (the whole flat array, modified), and its update count into
     * {@code updates[k]} (modified); one round trip instead of a push and a {@link #pull}. With {@code values} null
     * it is a plain push and {@code updates} is not touched.
     */
    public PushResult push(int worker, long seq, float lr, float[] grads, long[] basis, int maxStaleness,
                           float[] values, long[] updates) {
        boolean fetch = values != null;
        List<CompletableFuture<PushAnswer>> pending = new ArrayList<>(plan.count());
        for (int k = 0; k < plan.count(); k++) {
            Push p = new Push(worker, seq, lr, basis[k], maxStaleness,
                    Arrays.copyOfRange(grads, plan.from(k), plan.to(k)), fetch);
            CompletionStage<PushAnswer> stage = shards.submitToKey(k, p);
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
            PushAnswer r;
            try {
                r = await(pending.get(k), k);
            } catch (RuntimeException e) {
                // wait for the others too, so that no push of this seq is still in flight when the caller retries
                failure = failure == null ? e : failure;
                continue;
            }
            switch ((int) r.status) {
                case (int) Shard.APPLIED -> applied++;
                case (int) Shard.DUPLICATE -> dup++;
                case (int) Shard.STALE -> stale++;
                default -> bad++;
            }
            if (r.status != Shard.DUPLICATE) {
                worst = Math.max(worst, r.staleness);
            }
            status[k] = r.status;
            if (fetch) {
                System.arraycopy(r.values, 0, values, plan.from(k), r.values.length);
                updates[k] = r.updates;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return new PushResult(applied, dup, stale, bad, worst == Long.MIN_VALUE ? 0 : worst, status);
    }

    /** Every shard with its optimizer state and counts (copies), by index: what a checkpoint saves. */
    public Map<Integer, Shard> snapshot() {
        Map<Integer, Shard> all = read();
        for (int k = 0; k < plan.count(); k++) {
            if (!all.containsKey(k)) {
                throw new IllegalStateException("shard " + k + " of " + plan.count() + " is missing from the cluster");
            }
        }
        return all;
    }

    /** Number of shards present in the cluster (all of them, unless more members died than there are backups). */
    public int shardsPresent() {
        return read().size();
    }

    /** The shards present, one asynchronous read per key (not {@code getAll}; see {@link #pull}). */
    private Map<Integer, Shard> read() {
        List<CompletableFuture<Shard>> pending = new ArrayList<>(plan.count());
        for (int k = 0; k < plan.count(); k++) {
            pending.add(shards.getAsync(k).toCompletableFuture());
        }
        Map<Integer, Shard> all = new TreeMap<>();
        for (int k = 0; k < plan.count(); k++) {
            Shard s = await(pending.get(k), k);
            if (s != null) {
                all.put(k, s);
            }
        }
        return all;
    }

    /** Removes the shards. */
    public void destroy() {
        shards.destroy();
    }
}
