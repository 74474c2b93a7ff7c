package org.rnn4j.dist;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.rnn4j.io.Provenance;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.optim.OptimizerSpec;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.Subset;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Asynchronous distributed training, Downpour SGD (Dean et al. 2012) as Sak et al. (2014) used it for LSTMs: model
 * replicas ("workers") train on their own shards of the data, fetch the parameters from a sharded parameter server
 * and push their gradients to it, without waiting for each other. The server is a partitioned Hazelcast map whose
 * entries are {@link Shard}s; a push is applied by the optimizer's {@link OptimizerSpec#update} where the shard
 * lives, so with one worker that fetches and pushes every update, training gives the bits of the single-JVM
 * {@link Trainer} for the same seed.
 *
 * <p>{@link #fit} starts {@link DistConfig#localMembers()} embedded members in this JVM (joining the cluster named in
 * the member options, which may have members elsewhere), cuts the model's parameters into shards, runs the workers
 * on threads of this JVM spread over the local members, and returns the trained model with {@link TrainingStats}.
 *
 * <p>Faults: a worker whose loss or gradient becomes NaN or infinite stops before pushing it (the trainer's check
 * comes first, and a shard refuses a non-finite push besides); a worker that throws stops; both are reported and
 * the others go on. When a local member dies, its shards live on in their backups, and its workers' data shards are
 * taken over by new workers on a surviving member, from their last progress kept in the cluster.
 *
 * <p>Lifecycle: one {@code fit} per instance at a time; {@link #requestStop()} from any thread makes every worker
 * stop after its current mini-batch.
 */
public final class DistributedTrainer {

    /** The trained model, what the run did, and the validation result (null without validation data). */
    public record Result(SequenceModel model, TrainingStats stats, Trainer.Evaluation validation) {
    }

    private static final long WORKER_SEED_STRIDE = 0x9E3779B97F4A7C15L;

    private final DistConfig dist;
    private final TrainConfig config;
    private final OptimizerSpec spec;
    private final List<HazelcastInstance> members = new CopyOnWriteArrayList<>();
    private volatile boolean stopRequested;

    /** Trains with {@code optimizer}'s algorithm and hyper-parameters (its learning rate is the config's). */
    public DistributedTrainer(DistConfig dist, TrainConfig config, Optimizer optimizer) {
        this(dist, config, optimizer.spec());
    }

    public DistributedTrainer(DistConfig dist, TrainConfig config, OptimizerSpec spec) {
        if (dist == null || config == null || spec == null) {
            throw new IllegalArgumentException("a distributed trainer needs a distribution config, a training config"
                    + " and an optimizer");
        }
        if (config.patience() > 0) {
            throw new IllegalArgumentException("early stopping (patience " + config.patience() + ") is not available in"
                    + " distributed training: the workers do not validate; set patience to 0");
        }
        this.dist = dist;
        this.config = config;
        this.spec = spec;
    }

    /** The embedded members this trainer started and that are still running (empty outside {@link #fit}). */
    public List<HazelcastInstance> members() {
        return members.stream().filter(m -> m.getLifecycleService().isRunning()).toList();
    }

    /** Asks every worker to stop after its current mini-batch; {@link #fit} then returns. */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Trains a model made by {@code factory} (called with each worker's {@link Compute}; every call must build the
     * same architecture, and the first call's initial parameters are the server's starting point) on {@code train},
     * evaluating {@code validation} (may be null) at the end.
     */
    public Result fit(Function<Compute, SequenceModel> factory, Dataset train, Dataset validation,
                      DistributedListener listener) {
        DistributedListener events = listener == null ? new DistributedListener() { } : listener;
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Consumer<String> event = msg -> {
            log.add(msg);
            events.onEvent(msg);
        };
        int workers = dist.workers();
        if (train.size() < workers) {
            throw new IllegalArgumentException(workers + " workers need at least as many training sequences, got "
                    + train.size() + ": " + train.describe());
        }
        SequenceModel reference = factory.apply(Compute.serial());
        ParamLayoutCheck.requireTrainableOnly(reference.config());
        if (config.tbpttForward() > 0 && reference.recurrent().config().bidirectional()) {
            throw new IllegalArgumentException("truncated BPTT needs a unidirectional network: a bidirectional layer"
                    + " reads each sequence from both ends");
        }
        DistCheckpoint resume = loadResume(reference);
        ShardPlan plan = resume != null ? resume.plan() : ShardPlan.of(reference.parameters().layout(), dist.shards());
        String job = dist.member().clusterName();
        stopRequested = false;
        Set<UUID> lost = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newCachedThreadPool(daemonThreads());
        long started = 0;
        try {
            for (int i = 0; i < dist.localMembers(); i++) {
                HazelcastInstance m = Member.start(dist.member());
                m.getCluster().addMembershipListener(new MembershipListener() {
                    @Override
                    public void memberAdded(MembershipEvent e) {
                    }

                    @Override
                    public void memberRemoved(MembershipEvent e) {
                        if (lost.add(e.getMember().getUuid())) {
                            event.accept("member " + e.getMember().getAddress() + " left the cluster");
                        }
                    }
                });
                members.add(m);
            }
            HazelcastInstance first = members.get(0);
            ParameterServer server = resume == null
                    ? ParameterServer.create(first, job, plan, spec, reference.parameters().values())
                    : ParameterServer.restore(first, job, plan, resume.shards());
            IMap<Integer, WorkerState> states = first.getMap(statesName(job));
            states.clear();
            for (int w = 0; w < workers; w++) {
                WorkerState s = resume == null ? null : resume.workerStates().get(w);
                states.set(w, s != null ? s : new WorkerState(w, Trainer.Progress.start(), 0, false));
            }
            Worker.Counters counters = new Worker.Counters();
            ExecutorCompletionService<Worker.Exit> exits = new ExecutorCompletionService<>(pool);
            int threadsEach = Math.max(1, dist.threads() / workers);
            started = System.nanoTime();
            for (int w = 0; w < workers; w++) {
                exits.submit(worker(w, members.get(w % members.size()), plan, job, factory, train, threadsEach,
                        counters, events));
            }
            TrainingStats.WorkerReport[] reports = new TrainingStats.WorkerReport[workers];
            int active = workers;
            long nextCheckpoint = System.nanoTime() + dist.checkpointEvery().toNanos();
            while (active > 0) {
                Future<Worker.Exit> f = exits.poll(Math.max(1, nextCheckpoint - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (f == null) {
                    if (dist.checkpoint() != null) {
                        try {
                            writeCheckpoint(reference, plan, job, train);
                            event.accept("checkpoint written to " + dist.checkpoint());
                        } catch (RuntimeException failed) {
                            // the previous checkpoint stays whole (atomic write); training goes on
                            event.accept("checkpoint to " + dist.checkpoint() + " failed, the previous one is kept: "
                                    + describe(failed));
                        }
                    }
                    nextCheckpoint = System.nanoTime() + dist.checkpointEvery().toNanos();
                    continue;
                }
                Worker.Exit e = f.get();
                if (e.memberLost()) {
                    HazelcastInstance alive = members().stream().findFirst().orElseThrow(() -> new IllegalStateException(
                            "every member in this JVM is gone; worker " + e.worker() + " cannot be taken over"));
                    event.accept("worker " + e.worker() + " lost its member at step " + e.steps() + "; its data shard is"
                            + " taken over by a new worker on member " + alive.getCluster().getLocalMember().getAddress());
                    exits.submit(worker(e.worker(), alive, plan, job, factory, train, threadsEach, counters, events));
                    continue;
                }
                active--;
                String failure = e.failure() == null ? null : describe(e.failure());
                reports[e.worker()] = new TrainingStats.WorkerReport(e.worker(), e.status(), e.steps(), e.pushes(), failure);
                if (failure != null) {
                    event.accept("worker " + e.worker() + " stopped after " + e.steps() + " mini-batches: " + failure);
                }
            }
            HazelcastInstance alive = members().stream().findFirst()
                    .orElseThrow(() -> new IllegalStateException("every member in this JVM is gone"));
            ParameterServer finalServer = ParameterServer.attach(alive, job, plan);
            int shardsLost = plan.count() - finalServer.shardsPresent();
            if (shardsLost > 0) {
                throw new IllegalStateException(shardsLost + " of " + plan.count() + " parameter shards were lost with"
                        + " their members (more members died at once than the backup count, "
                        + dist.member().backupCount() + ", covers)");
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            finalServer.pull(reference.parameters().values(), new long[plan.count()]);
            if (dist.checkpoint() != null) {
                writeCheckpoint(reference, plan, job, train);
                event.accept("checkpoint written to " + dist.checkpoint());
            }
            long[] histogram = new long[Worker.Counters.BUCKETS];
            for (int s = 0; s < histogram.length; s++) {
                histogram[s] = counters.staleness.get(s);
            }
            TrainingStats stats = new TrainingStats(counters.pushes.sum(), counters.updates.sum(),
                    counters.duplicates.sum(), counters.stale.sum(), counters.notFinite.sum(), seconds, histogram,
                    lost.size(), shardsLost, List.copyOf(log), List.of(reports));
            if (java.util.Arrays.stream(reports).allMatch(r -> "failed".equals(r.status()))) {
                throw new DistributedTrainingException("every worker failed; the first: " + reports[0].failure(), stats);
            }
            Trainer.Evaluation val = validation == null ? null
                    : Trainer.evaluate(reference, validation, config.objective(), config.batchSize());
            finalServer.destroy();
            alive.getMap(statesName(job)).destroy();
            return new Result(reference, stats, val);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a worker crashed: " + e.getCause(), e.getCause());
        } finally {
            stopRequested = true;
            pool.shutdownNow();
            for (HazelcastInstance m : members) {
                m.getLifecycleService().terminate();
            }
            members.clear();
        }
    }

    private DistCheckpoint loadResume(SequenceModel reference) {
        if (dist.resumeFrom() == null) {
            return null;
        }
        DistCheckpoint c;
        try {
            c = DistCheckpoint.load(dist.resumeFrom());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint " + dist.resumeFrom() + ": " + e.getMessage(), e);
        }
        if (!c.config().equals(reference.config())) {
            throw new IllegalArgumentException("the checkpoint " + dist.resumeFrom() + " holds a model of another"
                    + " architecture");
        }
        if (!c.spec().equals(spec)) {
            throw new IllegalArgumentException("the checkpoint " + dist.resumeFrom() + " was trained with "
                    + c.spec() + ", not " + spec);
        }
        if (c.workerCount() != dist.workers()) {
            throw new IllegalArgumentException("the checkpoint " + dist.resumeFrom() + " was made by " + c.workerCount()
                    + " workers (each with its own data shard); resume it with as many, not " + dist.workers());
        }
        return c;
    }

    private Worker.Exit runWorker(Worker w, Compute compute) {
        try {
            return w.call();
        } finally {
            compute.close();
        }
    }

    private java.util.concurrent.Callable<Worker.Exit> worker(int w, HazelcastInstance member, ShardPlan plan,
                                                              String job, Function<Compute, SequenceModel> factory,
                                                              Dataset train, int threads, Worker.Counters counters,
                                                              DistributedListener events) {
        return () -> {
            Compute compute = threads == 1 ? Compute.serial() : Compute.withThreads(threads);
            SequenceModel replica;
            try {
                replica = factory.apply(compute);
            } catch (RuntimeException e) {
                compute.close();
                throw e;
            }
            Worker worker = new Worker(w, member, ParameterServer.attach(member, job, plan), member.getMap(statesName(job)),
                    replica, workerConfig(w), dataShard(train, w), dist, counters, events, () -> stopRequested);
            return runWorker(worker, compute);
        };
    }

    /** The training config of worker w: the run's, with a seed of its own (worker 0 keeps the run's seed). */
    private TrainConfig workerConfig(int w) {
        TrainConfig c = config;
        return new TrainConfig(c.epochs(), c.batchSize(), c.objective(), c.learningRate(), c.schedule(), c.clipNorm(),
                c.clipValue(), c.tbpttForward(), c.tbpttBackward(), c.patience(), c.seed() + w * WORKER_SEED_STRIDE);
    }

    /** Worker w's data: the sequences whose index mod workers is w (all of them for one worker). */
    private Dataset dataShard(Dataset train, int w) {
        int n = dist.workers();
        if (n == 1) {
            return train;
        }
        int[] indices = new int[(train.size() - w + n - 1) / n];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = w + i * n;
        }
        return new Subset(train, indices, train.describe() + ", worker " + w + " of " + n);
    }

    private void writeCheckpoint(SequenceModel reference, ShardPlan plan, String job, Dataset train) {
        HazelcastInstance alive = members().stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("every member in this JVM is gone"));
        Map<Integer, Shard> shards = ParameterServer.attach(alive, job, plan).snapshot();
        IMap<Integer, WorkerState> states = alive.getMap(statesName(job));
        Map<Integer, WorkerState> progress = new HashMap<>(states.getAll(states.keySet()));
        try {
            DistCheckpoint.save(dist.checkpoint(), reference.config(), spec, plan, shards, progress, dist.workers(),
                    Provenance.current(config.seed(), train.describe()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + dist.checkpoint() + ": " + e.getMessage(), e);
        }
    }

    static String statesName(String job) {
        return Member.MAP_PREFIX + job + ".workers";
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "rnn4j-worker-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }
}
