package org.rnn4j.dist;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.param.Parameters;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.TrainListener;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.Updater;

import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * One model replica (Downpour's client): a {@link Trainer} over its data shard whose updates go to the parameter
 * server. After an update it pushes the gradients every {@code pushEvery} updates (summed in between) and fetches
 * the parameters every {@code fetchEvery} updates; between fetches the replica keeps the parameters it fetched.
 * Everything else (batch order, dropout, clipping, the schedule, truncated BPTT, the stop on a non-finite loss or
 * gradient, which comes before any push) is the trainer's.
 */
final class Worker implements Callable<Worker.Exit> {

    /** How a worker ended. {@code memberLost}: its member died under it, so another should take its data over. */
    record Exit(int worker, String status, long steps, long pushes, Throwable failure, boolean memberLost) {
    }

    /** Counters shared by the workers of a run. */
    static final class Counters {
        static final int BUCKETS = 65;
        final LongAdder pushes = new LongAdder();
        final LongAdder updates = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder stale = new LongAdder();
        final LongAdder notFinite = new LongAdder();
        final AtomicLongArray staleness = new AtomicLongArray(BUCKETS);

        void record(ParameterServer.PushResult r) {
            pushes.increment();
            if (r.applied() > 0) {
                updates.increment();
            }
            duplicates.add(r.duplicates());
            stale.add(r.stale());
            notFinite.add(r.notFinite());
            if (r.applied() > 0 || r.stale() > 0) {
                staleness.incrementAndGet((int) Math.min(BUCKETS - 1, Math.max(0, r.maxStaleness())));
            }
        }
    }

    private final int id;
    private final HazelcastInstance member;
    private final ParameterServer server;
    private final IMap<Integer, WorkerState> states;
    private final SequenceModel model;
    private final TrainConfig config;
    private final Dataset data;
    private final DistConfig dist;
    private final Counters counters;
    private final DistributedListener listener;
    private final BooleanSupplier stopRequested;

    // the state of the Downpour client
    private final long[] fetched;          // per shard: its update count at the last fetch
    private final long[] ownSinceFetch;    // per shard: this worker's pushes it applied since the last fetch
    private final float[] accrued;         // summed gradients since the last push (pushEvery > 1), else null
    private int pending;                   // updates not yet pushed
    private int sinceFetch;                // updates since the last fetch
    private boolean refetch;               // a shard refused a push as stale
    private long seq;                      // pushes sent: the sequence number of the last one
    private float lastRate;                // the learning rate of the last update, for a final partial push

    Worker(int id, HazelcastInstance member, ParameterServer server, IMap<Integer, WorkerState> states,
           SequenceModel model, TrainConfig config, Dataset data, DistConfig dist, Counters counters,
           DistributedListener listener, BooleanSupplier stopRequested) {
        this.id = id;
        this.member = member;
        this.server = server;
        this.states = states;
        this.model = model;
        this.config = config;
        this.data = data;
        this.dist = dist;
        this.counters = counters;
        this.listener = listener;
        this.stopRequested = stopRequested;
        int shards = server.plan().count();
        this.fetched = new long[shards];
        this.ownSinceFetch = new long[shards];
        this.accrued = dist.pushEvery() > 1 ? new float[server.plan().parameterCount()] : null;
    }

    @Override
    public Exit call() {
        Trainer trainer = null;
        try {
            WorkerState start = states.get(id);
            if (start == null) {
                throw new IllegalStateException("worker " + id + " has no progress record in the cluster");
            }
            if (start.done) {
                return new Exit(id, "finished", start.progress.step(), start.seq, null, false);
            }
            seq = start.seq;
            Trainer t = new Trainer(config, (Updater) this::update);
            trainer = t;
            t.resume(start.progress, null);
            fetch(model.parameters());
            t.fit(model, data, null, new TrainListener() {
                @Override
                public void onStep(StepRecord step, Trainer.Progress progress) {
                    if (pending == 0) {
                        states.set(id, new WorkerState(id, progress, seq, false));
                    }
                    listener.onStep(id, step);
                    if ((dist.maxSteps() > 0 && progress.step() >= dist.maxSteps()) || stopRequested.getAsBoolean()) {
                        t.requestStop();
                    }
                }
            });
            if (pending > 0) {
                push(accrued, lastRate);
            }
            Trainer.Progress end = t.progress();
            boolean finished = end.epoch() >= config.epochs();
            states.set(id, new WorkerState(id, end, seq, finished));
            return new Exit(id, finished ? "finished" : "stopped", end.step(), seq, null, false);
        } catch (RuntimeException | Error e) {
            long steps = trainer == null ? 0 : trainer.progress().step();
            boolean lost = !member.getLifecycleService().isRunning();
            return new Exit(id, "failed", steps, seq, e, lost);
        }
    }

    /** The trainer's update: accrue, push every pushEvery, fetch every fetchEvery (or after a stale refusal). */
    private void update(Parameters params, float lr, long step) {
        float[] g = params.grads();
        lastRate = lr;
        pending++;
        sinceFetch++;
        if (accrued != null) {
            for (int i = 0; i < g.length; i++) {
                accrued[i] += g[i];
            }
        }
        if (pending >= dist.pushEvery()) {
            push(accrued != null ? accrued : g, lr);
        }
        if (refetch || sinceFetch >= dist.fetchEvery()) {
            fetch(params);
        }
    }

    private void push(float[] grads, float lr) {
        seq++;
        long[] basis = new long[fetched.length];
        for (int k = 0; k < basis.length; k++) {
            basis[k] = fetched[k] + ownSinceFetch[k];
        }
        ParameterServer.PushResult r = null;
        for (int attempt = 0; r == null; attempt++) {
            try {
                r = server.push(id, seq, lr, grads, basis, dist.maxStaleness());
            } catch (RuntimeException e) {
                if (attempt >= dist.pushRetries() || !member.getLifecycleService().isRunning()) {
                    throw e;
                }
                listener.onEvent("worker " + id + ": push " + seq + " failed (" + e.getClass().getSimpleName()
                        + "), retrying with the same sequence number");
            }
        }
        counters.record(r);
        for (int k = 0; k < r.status().length; k++) {
            if (r.status()[k] == Shard.APPLIED || r.status()[k] == Shard.DUPLICATE) {
                ownSinceFetch[k]++;
            } else if (r.status()[k] == Shard.STALE) {
                refetch = true;
            }
        }
        pending = 0;
        if (accrued != null) {
            Arrays.fill(accrued, 0f);
        }
    }

    private void fetch(Parameters params) {
        server.pull(params.values(), fetched);
        Arrays.fill(ownSinceFetch, 0);
        sinceFetch = 0;
        refetch = false;
    }
}
