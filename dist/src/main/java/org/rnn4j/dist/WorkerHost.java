package org.rnn4j.dist;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.replicatedmap.ReplicatedMap;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.Subset;
import org.rnn4j.train.TrainConfig;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Runs workers on a member: it watches the cluster's jobs ({@link Job#MAP}) and starts every worker the coordinator
 * assigned to this member, on threads of this JVM, with the model, data and training config its
 * {@link JobResolver} builds from the job. It registers the member in {@value #HOSTS} so that coordinators know it
 * takes workers.
 *
 * <p>A worker that the coordinator gives to another member stops at its next mini-batch; the workers of a job stop
 * when the job asks them to, when it is withdrawn, or when its coordinator leaves the cluster (then the oldest member
 * removes the abandoned job's maps). A job this member cannot build (a missing file, another rnn4j version) is
 * refused, with the reason, and the coordinator gives its workers to other members.
 *
 * <p>Lifecycle: {@link #start} on a running member; {@link #close()} stops this member's workers and deregisters it.
 */
public final class WorkerHost implements AutoCloseable {

    /** The members that take workers: member UUID → address. */
    public static final String HOSTS = org.rnn4j.dist.Member.MAP_PREFIX + "hosts";

    private static final long WORKER_SEED_STRIDE = 0x9E3779B97F4A7C15L;
    private static final long POLL_MILLIS = 100;

    private final HazelcastInstance member;
    private final JobResolver resolver;
    private final int threads;
    private final DistributedListener listener;
    private final boolean announce;
    private final String uuid;
    private final String address;
    private final ExecutorService pool;
    private final Thread poller;
    private final Map<String, JobRun> runs = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** One job on this member: its resolution and the workers running here. */
    private final class JobRun {
        final Job job;
        final Future<JobResolver.Resolved> resolving;
        final Map<Integer, AtomicBoolean> running = new ConcurrentHashMap<>();
        final Set<Integer> refused = ConcurrentHashMap.newKeySet();
        final IMap<Integer, WorkerState> states;
        volatile boolean stop;
        /** Its coordinator left: what its workers do now ends with the job. */
        volatile boolean abandoned;

        JobRun(Job job) {
            this.job = job;
            this.states = member.getMap(DistributedTrainer.statesName(job.name));
            this.resolving = pool.submit(() -> check(job, resolver.resolve(job)));
        }
    }

    private WorkerHost(HazelcastInstance member, JobResolver resolver, int threads, DistributedListener listener,
                       boolean announce) {
        if (threads < 1) {
            throw new IllegalArgumentException("a worker host needs at least one compute thread, got " + threads);
        }
        this.member = member;
        this.resolver = resolver;
        this.threads = threads;
        this.listener = listener == null ? new DistributedListener() { } : listener;
        this.announce = announce;
        Member self = member.getCluster().getLocalMember();
        this.uuid = self.getUuid().toString();
        this.address = DistributedTrainer.address(self);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "rnn4j-worker-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        this.poller = new Thread(this::pollLoop, "rnn4j-host-" + address);
        this.poller.setDaemon(true);
    }

    /**
     * Starts taking workers on {@code member}.
     *
     * @param threads  compute threads for this member's workers in all, split evenly between them (at least one
     *                 each)
     * @param listener receives the workers' steps and events and this host's messages (a worker started, finished,
     *                 failed); may be null
     */
    public static WorkerHost start(HazelcastInstance member, JobResolver resolver, int threads,
                                   DistributedListener listener) {
        return start(member, resolver, threads, listener, true);
    }

    static WorkerHost start(HazelcastInstance member, JobResolver resolver, int threads, DistributedListener listener,
                            boolean announce) {
        WorkerHost h = new WorkerHost(member, resolver, threads, listener, announce);
        hosts(member).put(h.uuid, h.address);
        h.poller.start();
        return h;
    }

    static ReplicatedMap<String, String> hosts(HazelcastInstance member) {
        return member.getReplicatedMap(HOSTS);
    }

    static ReplicatedMap<String, Job> jobs(HazelcastInstance member) {
        return member.getReplicatedMap(Job.MAP);
    }

    /** The member's UUID, as the workers map records owners. */
    String uuid() {
        return uuid;
    }

    /** The number of workers running here now. */
    public int running() {
        return runs.values().stream().mapToInt(r -> r.running.size()).sum();
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (JobRun run : runs.values()) {
            run.stop = true;
        }
        if (member.getLifecycleService().isRunning()) {
            try {
                hosts(member).remove(uuid);
            } catch (RuntimeException ignored) {
                // the member is shutting down
            }
        }
        pool.shutdown();
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
    }

    private void pollLoop() {
        while (!closed && member.getLifecycleService().isRunning()) {
            try {
                poll();
            } catch (RuntimeException e) {
                if (!member.getLifecycleService().isRunning() || closed) {
                    return;
                }
                listener.onEvent("member " + address + ": " + DistributedTrainer.describe(e) + "; trying again");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void poll() {
        Set<String> alive = member.getCluster().getMembers().stream().map(m -> m.getUuid().toString())
                .collect(Collectors.toSet());
        Map<String, Job> published = Map.copyOf(jobs(member));
        for (Job job : published.values()) {
            if (!alive.contains(job.coordinator)) {
                abandon(job);
                continue;
            }
            JobRun run = runs.computeIfAbsent(job.name, n -> new JobRun(job));
            run.stop = job.stopRequested;
            if (!run.resolving.isDone() || run.stop) {
                continue;
            }
            WorkerState[] states = DistributedTrainer.read(run.states, job.workers);
            for (WorkerState s : states) {
                if (s == null) {
                    continue;
                }
                AtomicBoolean flag = run.running.get(s.worker);
                if (flag != null && !s.owner.equals(uuid)) {
                    flag.set(true);   // given to another member: stop at the next mini-batch
                } else if (flag == null && s.owner.equals(uuid) && s.status == WorkerState.ASSIGNED) {
                    start(run, s.worker, states);
                }
            }
        }
        for (JobRun run : List.copyOf(runs.values())) {
            if (!published.containsKey(run.job.name)) {
                run.stop = true;
                if (run.running.isEmpty()) {
                    runs.remove(run.job.name);
                }
            }
        }
    }

    /** The coordinator left: stop the job's workers; the oldest member removes its maps. */
    private void abandon(Job job) {
        JobRun run = runs.remove(job.name);
        if (run != null) {
            run.abandoned = true;
            run.stop = true;
            if (announce) {
                listener.onEvent("job " + job.name + ": its coordinator left the cluster; this member's workers stop");
            }
        }
        Member oldest = member.getCluster().getMembers().iterator().next();
        if (oldest.localMember()) {
            jobs(member).remove(job.name);
            member.getMap(ParameterServer.mapName(job.name)).destroy();
            member.getMap(DistributedTrainer.statesName(job.name)).destroy();
        }
    }

    private void start(JobRun run, int w, WorkerState[] states) {
        JobResolver.Resolved resolved;
        try {
            resolved = run.resolving.get();
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            if (run.refused.add(w)) {
                WorkerState refused = states[w].copy();
                refused.status = WorkerState.REFUSED;
                refused.failure = "member " + address + " cannot run job " + run.job.name + ": "
                        + DistributedTrainer.describe(cause);
                run.states.executeOnKey(w, StateUpdate.write(refused));
                if (announce) {
                    listener.onEvent(refused.failure);
                }
            }
            return;
        }
        WorkerState claimed = run.states.executeOnKey(w, StateUpdate.claim(uuid));
        if (claimed == null) {
            return;
        }
        long mine = java.util.Arrays.stream(states)
                .filter(s -> s != null && s.owner.equals(uuid) && !s.terminal()).count();
        int each = (int) Math.max(1, threads / Math.max(1, mine));
        AtomicBoolean moved = new AtomicBoolean();
        run.running.put(w, moved);
        pool.submit(() -> runWorker(run, claimed, resolved, each, moved));
    }

    private void runWorker(JobRun run, WorkerState claimed, JobResolver.Resolved resolved, int each,
                           AtomicBoolean moved) {
        int w = claimed.worker;
        Job job = run.job;
        Compute compute = each == 1 ? Compute.serial() : Compute.withThreads(each);
        try {
            SequenceModel replica = resolved.factory().apply(compute);
            if (replica.parameters().size() != job.parameterCount) {
                throw new IllegalStateException("this member's model has " + replica.parameters().size()
                        + " parameters, the job's " + job.parameterCount);
            }
            ShardPlan plan = new ShardPlan(job.parameterCount, job.shardSize,
                    replica.parameters().layout().trainableRanges());
            if (announce) {
                listener.onEvent("job " + job.name + ": worker " + w + " of " + job.workers + " starts here at step "
                        + claimed.progress.step() + " (" + each + (each == 1 ? " thread)" : " threads)"));
            }
            Worker worker = new Worker(claimed, member, ParameterServer.attach(member, job.name, plan), run.states,
                    replica, workerConfig(resolved.config(), w), dataShard(resolved.train(), w, job.workers), job,
                    listener, () -> run.stop || moved.get() || closed);
            Worker.Exit e = worker.call();
            if (announce && run.abandoned) {
                listener.onEvent("job " + job.name + ": worker " + w + " stopped with its job after " + e.steps()
                        + " mini-batches");
            } else if (announce && !e.memberLost()) {
                listener.onEvent("job " + job.name + ": worker " + w + (e.moved() ? " moved to another member"
                        : " " + WorkerState.statusName(e.status())) + " after " + e.steps() + " mini-batches"
                        + (e.failure() == null || e.moved() ? "" : ": " + DistributedTrainer.describe(e.failure())));
            }
        } catch (RuntimeException | Error e) {
            WorkerState failed = claimed.copy();
            failed.status = WorkerState.FAILED;
            failed.failure = "member " + address + ": " + DistributedTrainer.describe(e);
            if (member.getLifecycleService().isRunning()) {
                try {
                    run.states.executeOnKey(w, StateUpdate.write(failed));
                } catch (RuntimeException ignored) {
                    // reported below
                }
            }
            if (announce) {
                listener.onEvent("job " + job.name + ": worker " + w + " failed: " + failed.failure);
            }
        } finally {
            compute.close();
            run.running.remove(w);
        }
    }

    /** The training config of worker w: the run's, with a seed of its own (worker 0 keeps the run's seed). */
    static TrainConfig workerConfig(TrainConfig c, int w) {
        return new TrainConfig(c.epochs(), c.batchSize(), c.objective(), c.learningRate(), c.schedule(), c.clipNorm(),
                c.clipValue(), c.tbpttForward(), c.tbpttBackward(), c.patience(), c.seed() + w * WORKER_SEED_STRIDE);
    }

    /** Worker w's data: the sequences whose index mod workers is w (all of them for one worker). */
    static Dataset dataShard(Dataset train, int w, int n) {
        if (n == 1) {
            return train;
        }
        int[] indices = new int[(train.size() - w + n - 1) / n];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = w + i * n;
        }
        return new Subset(train, indices, train.describe() + ", worker " + w + " of " + n);
    }

    /** Refuses a resolution that would not train the job's model the job's way. */
    private static JobResolver.Resolved check(Job job, JobResolver.Resolved r) {
        if (!org.rnn4j.Version.VERSION.equals(job.version)) {
            throw new IllegalStateException("the coordinator runs rnn4j " + job.version + ", this member "
                    + org.rnn4j.Version.VERSION);
        }
        SequenceModel probe = r.factory().apply(Compute.serial());
        if (!probe.config().toString().equals(job.modelSummary)) {
            throw new IllegalStateException("the job's description gives another model here: " + probe.config()
                    + ", the coordinator's is " + job.modelSummary);
        }
        String training = DistributedTrainer.trainingSummary(r.config());
        if (!training.equals(job.trainingSummary)) {
            throw new IllegalStateException("the job's description gives other training settings here: " + training
                    + ", the coordinator's are " + job.trainingSummary);
        }
        if (r.train().size() < job.workers) {
            throw new IllegalStateException(job.workers + " workers need at least as many training sequences, this"
                    + " member's data has " + r.train().size());
        }
        return r;
    }

    @Override
    public String toString() {
        return "worker host on " + address + " (" + threads + " threads, " + running() + " workers running)";
    }
}
