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
import java.util.function.BooleanSupplier;

/**
 * One model replica (Downpour's client): a {@link Trainer} over its data shard whose updates go to the parameter
 * server. After an update it pushes the gradients every {@code pushEvery} updates (summed in between) and fetches
 * the parameters every {@code fetchEvery} updates; between fetches the replica keeps the parameters it fetched.
 * Everything else (batch order, dropout, clipping, the schedule, truncated BPTT, the stop on a non-finite loss or
 * gradient, which comes before any push) is the trainer's.
 *
 * <p>It starts from its record in the workers map and writes the record back at a mini-batch whose gradients are
 * all pushed, at most every {@value #SAVE_MILLIS} ms and at every epoch's end, and when it ends; a write is refused
 * once the coordinator has given the worker to another member, and the worker then stops ({@link Exit#moved}). A
 * worker that takes over from an older record repeats the mini-batches since; their pushes are dropped as
 * duplicates where they had been applied.
 */
final class Worker implements Callable<Worker.Exit> {

    /** The longest time between two writes of the worker's record while it trains. */
    static final long SAVE_MILLIS = 200;

    /**
     * How a worker ended. {@code memberLost}: its member died under it; {@code moved}: the coordinator gave it to
     * another member. In both cases another member continues it, and nothing was written.
     */
    record Exit(int worker, byte status, long steps, Throwable failure, boolean memberLost, boolean moved) {
    }

    private final int id;
    private final HazelcastInstance member;
    private final ParameterServer server;
    private final IMap<Integer, WorkerState> states;
    private final SequenceModel model;
    private final TrainConfig config;
    private final Dataset data;
    private final Job job;
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

    // the record in the workers map, and the time split since the start of call()
    private WorkerState state;
    private boolean moved;
    private long started;
    private long serverBase;
    private long computeBase;
    private long lastSave;

    /**
     * @param start the worker's record as its member claimed it (owner set, status RUNNING)
     */
    Worker(WorkerState start, HazelcastInstance member, ParameterServer server, IMap<Integer, WorkerState> states,
           SequenceModel model, TrainConfig config, Dataset data, Job job, DistributedListener listener,
           BooleanSupplier stopRequested) {
        this.id = start.worker;
        this.state = start.copy();
        this.member = member;
        this.server = server;
        this.states = states;
        this.model = model;
        this.config = config;
        this.data = data;
        this.job = job;
        this.listener = listener;
        this.stopRequested = stopRequested;
        int shards = server.plan().count();
        this.fetched = new long[shards];
        this.ownSinceFetch = new long[shards];
        this.accrued = job.pushEvery > 1 ? new float[server.plan().parameterCount()] : null;
    }

    @Override
    public Exit call() {
        Trainer trainer = null;
        started = System.nanoTime();
        lastSave = started - SAVE_MILLIS * 1_000_000L;   // the first mini-batch writes the record
        serverBase = state.serverNanos;
        computeBase = state.computeNanos;
        try {
            seq = state.seq;
            Trainer t = new Trainer(config, (Updater) this::update);
            trainer = t;
            t.resume(state.progress, null);
            fetch(model.parameters());
            t.fit(model, data, null, new TrainListener() {
                @Override
                public void onStep(StepRecord step, Trainer.Progress progress) {
                    if (pending == 0 && System.nanoTime() - lastSave >= SAVE_MILLIS * 1_000_000L) {
                        save(progress, WorkerState.RUNNING);
                    }
                    listener.onStep(id, step);
                    if (moved || (job.maxSteps > 0 && progress.step() >= job.maxSteps) || stopRequested.getAsBoolean()) {
                        t.requestStop();
                    }
                }

                @Override
                public void onEpoch(EpochRecord epoch, Trainer.Progress progress) {
                    state.addEpoch(epoch.epoch(), epoch.trainLoss(), epoch.trainMetric());
                    if (pending == 0) {
                        save(progress, WorkerState.RUNNING);
                    }
                }
            });
            if (pending > 0 && !moved) {
                push(accrued, lastRate, null);
            }
            Trainer.Progress end = t.progress();
            if (moved) {
                return new Exit(id, WorkerState.RUNNING, end.step(), null, false, true);
            }
            byte status = end.epoch() >= config.epochs() ? WorkerState.FINISHED : WorkerState.STOPPED;
            save(end, status);
            return new Exit(id, status, end.step(), null, false, moved);
        } catch (RuntimeException | Error e) {
            long steps = trainer == null ? state.progress.step() : trainer.progress().step();
            if (!member.getLifecycleService().isRunning()) {
                return new Exit(id, WorkerState.FAILED, steps, e, true, false);
            }
            if (!moved) {
                state.status = WorkerState.FAILED;
                state.failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                try {
                    states.executeOnKey(id, StateUpdate.write(state));
                } catch (RuntimeException unwritten) {
                    // the coordinator learns of it when this member leaves, or not at all: report what we can
                    listener.onEvent("worker " + id + " could not record its failure: " + unwritten);
                }
            }
            return new Exit(id, WorkerState.FAILED, steps, e, false, moved);
        }
    }

    /** Writes the record (progress, counters, status) unless the worker was given to another member. */
    private void save(Trainer.Progress progress, byte status) {
        long t0 = System.nanoTime();
        state.progress = progress;
        state.seq = seq;
        state.status = status;
        state.computeNanos = computeBase + (t0 - started) - (state.serverNanos - serverBase);
        if (states.executeOnKey(id, StateUpdate.write(state)) == null) {
            moved = true;
            listener.onEvent(recordGone() ? "worker " + id + " stops after " + progress.step() + " mini-batches: the"
                    + " job's records are gone (its coordinator left)" : "worker " + id + " was given to another"
                    + " member; it stops here after " + progress.step() + " mini-batches");
        }
        lastSave = System.nanoTime();
        state.serverNanos += lastSave - t0;
    }

    /** Whether the worker's record is gone: the job's maps were removed when its coordinator left. */
    private boolean recordGone() {
        try {
            return states.get(id) == null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * The trainer's update: accrue, push every pushEvery, fetch every fetchEvery (or after a stale refusal); a fetch
     * due right after a push comes back with the push.
     */
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
        if (pending >= job.pushEvery) {
            boolean fetchToo = refetch || sinceFetch >= job.fetchEvery;
            push(accrued != null ? accrued : g, lr, fetchToo ? params : null);
        }
        if (refetch || sinceFetch >= job.fetchEvery) {
            fetch(params);
        }
    }

    /** Pushes, and with {@code fetchInto} fetches in the same round trip. */
    private void push(float[] grads, float lr, Parameters fetchInto) {
        long t0 = System.nanoTime();
        seq++;
        long[] basis = new long[fetched.length];
        for (int k = 0; k < basis.length; k++) {
            basis[k] = fetched[k] + ownSinceFetch[k];
        }
        ParameterServer.PushResult r = null;
        long[] now = new long[fetched.length];
        for (int attempt = 0; r == null; attempt++) {
            try {
                r = fetchInto == null ? server.push(id, seq, lr, grads, basis, job.maxStaleness)
                        : server.push(id, seq, lr, grads, basis, job.maxStaleness, fetchInto.values(), now);
            } catch (RuntimeException e) {
                if (attempt >= job.pushRetries || !member.getLifecycleService().isRunning()
                        || stopRequested.getAsBoolean()) {
                    throw e;   // no retry for a job that is ending or a worker given away
                }
                listener.onEvent("worker " + id + ": push " + seq + " failed (" + e.getClass().getSimpleName()
                        + "), retrying with the same sequence number");
            }
        }
        state.record(r);
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
        if (fetchInto != null) {
            System.arraycopy(now, 0, fetched, 0, now.length);
            Arrays.fill(ownSinceFetch, 0);
            sinceFetch = 0;
            refetch = false;
        }
        state.serverNanos += System.nanoTime() - t0;
    }

    private void fetch(Parameters params) {
        long t0 = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            try {
                server.pull(params.values(), fetched);
                break;
            } catch (RuntimeException e) {
                if (attempt >= job.pushRetries || !member.getLifecycleService().isRunning()
                        || stopRequested.getAsBoolean()) {
                    throw e;
                }
                listener.onEvent("worker " + id + ": fetch failed (" + e.getClass().getSimpleName() + "), retrying");
            }
        }
        Arrays.fill(ownSinceFetch, 0);
        sinceFetch = 0;
        refetch = false;
        state.serverNanos += System.nanoTime() - t0;
    }
}
