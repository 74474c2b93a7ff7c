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
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Asynchronous distributed training, Downpour SGD (Dean et al. 2012) as Sak et al. (2014) used it for LSTMs: model
 * replicas ("workers") train on their own shards of the data, fetch the parameters from a sharded parameter server
 * and push their gradients to it, without waiting for each other. The server is a partitioned Hazelcast map whose
 * entries are {@link Shard}s; a push is applied by the optimizer's {@link OptimizerSpec#update} where the shard
 * lives, so with one worker that fetches and pushes every update, training gives the bits of the single-JVM
 * {@link Trainer} for the same seed.
 *
 * <p>{@link #fit} is the coordinator. It starts {@link DistConfig#localMembers()} embedded members in this JVM
 * (joining the cluster named in the member options, which may have members elsewhere), each with a
 * {@link WorkerHost}, cuts the model's parameters into shards, records every worker in the job's workers map with
 * the member that is to run it, and publishes the {@link Job}. With a {@link DistConfig#description()}, the workers
 * are spread over every member that hosts workers, those of other JVMs included (their {@link JobResolver} rebuilds
 * the job from the description); without one, over the members of this JVM. It then watches the workers map and the
 * cluster, evaluates the server's parameters on the validation data after every epoch, writes checkpoints, and
 * returns the trained model with {@link TrainingStats}.
 *
 * <p>Faults: a worker whose loss or gradient becomes NaN or infinite stops before pushing it (the trainer's check
 * comes first, and a shard refuses a non-finite push besides); a worker that throws stops; both are reported and
 * the others go on. When a member dies, its shards live on in their backups, and its workers are given to the
 * surviving members with the fewest workers, which continue them from their last progress kept in the cluster. A
 * member that joins takes workers from the busiest member until the load is even (to within one).
 *
 * <p>Lifecycle: one {@code fit} per instance at a time; {@link #requestStop()} from any thread makes every worker
 * stop after its current mini-batch.
 */
public final class DistributedTrainer {

    /** The trained model, what the run did, and the validation result (null without validation data). */
    public record Result(SequenceModel model, TrainingStats stats, Trainer.Evaluation validation) {
    }

    private static final long POLL_MILLIS = 100;
    private static final long PROGRESS_NANOS = 1_000_000_000L;

    private final DistConfig dist;
    private final TrainConfig config;
    private final OptimizerSpec spec;
    private final List<HazelcastInstance> members = new CopyOnWriteArrayList<>();
    private volatile boolean stopRequested;
    private volatile String jobName;

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

    /** The name of the job {@link #fit} runs (its maps are named after it), or null outside {@code fit}. */
    public String job() {
        return jobName;
    }

    /** Asks every worker to stop after its current mini-batch; {@link #fit} then returns. */
    public void requestStop() {
        stopRequested = true;
    }

    /** A member that may run workers: a worker host of this JVM or, with a description, of any JVM. */
    private record Host(String uuid, String address) {
    }

    /**
     * Trains a model made by {@code factory} (called with each worker's {@link Compute}; every call must build the
     * same architecture, and the first call's initial parameters are the server's starting point) on {@code train},
     * evaluating {@code validation} (may be null) after every epoch and at the end.
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
        String job = "job-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        jobName = job;
        stopRequested = false;
        BlockingQueue<MembershipEvent> membership = new LinkedBlockingQueue<>();
        List<WorkerHost> hosts = new ArrayList<>();
        JobResolver local = j -> new JobResolver.Resolved(factory, train, config);
        try {
            for (int i = 0; i < dist.localMembers(); i++) {
                HazelcastInstance m = Member.start(dist.member());
                m.getCluster().addMembershipListener(new MembershipListener() {
                    @Override
                    public void memberAdded(MembershipEvent e) {
                        membership.add(e);
                    }

                    @Override
                    public void memberRemoved(MembershipEvent e) {
                        membership.add(e);
                    }
                });
                members.add(m);
            }
            HazelcastInstance first = members.get(0);
            ParameterServer server = resume == null
                    ? ParameterServer.create(first, job, plan, spec, reference.parameters().values())
                    : ParameterServer.restore(first, job, plan, resume.shards());
            IMap<Integer, WorkerState> states = first.getMap(statesName(job));
            int hostThreads = Math.max(1, dist.threads() / dist.localMembers());
            for (HazelcastInstance m : members) {
                hosts.add(WorkerHost.start(m, local, hostThreads, events, false));
            }
            Set<String> localUuids = hosts.stream().map(WorkerHost::uuid).collect(Collectors.toSet());
            List<Host> live = awaitHosts(first, localUuids);
            for (int w = 0; w < workers; w++) {
                WorkerState s = resume == null || resume.workerStates().get(w) == null ? WorkerState.fresh(w)
                        : resume.workerStates().get(w);
                if (!s.terminal()) {
                    Host h = live.get(w % live.size());
                    s.owner = h.uuid();
                    s.host = h.address();
                    s.status = WorkerState.ASSIGNED;
                }
                states.set(w, s);
            }
            Job published = new Job(job, dist.description(), dist, plan, spec, reference.config().toString(),
                    trainingSummary(config), first.getCluster().getLocalMember().getUuid().toString());
            WorkerHost.jobs(first).put(job, published);
            if (live.size() > 1) {
                event.accept(workers + " workers on " + live.size() + " members: " + describeLoad(live,
                        read(states, workers)));
            }
            return coordinate(new Run(job, published, plan, reference, train, validation, states, localUuids,
                    membership, events, event, log, resume == null ? -1 : resume.reportedEpochs(),
                    resume == null ? 0 : resume.seconds()));
        } finally {
            stopRequested = true;
            for (WorkerHost h : hosts) {
                h.close();
            }
            for (HazelcastInstance m : members) {
                m.getLifecycleService().terminate();
            }
            members.clear();
            jobName = null;
        }
    }

    /** What the coordinator's loop works with. */
    private record Run(String job, Job published, ShardPlan plan, SequenceModel reference, Dataset train,
                       Dataset validation, IMap<Integer, WorkerState> states, Set<String> localUuids,
                       BlockingQueue<MembershipEvent> membership, DistributedListener events, Consumer<String> event,
                       List<String> log, int reportedBefore, double secondsBefore) {
    }

    /** Watches the workers and the cluster until every worker has finished, stopped or failed. */
    private Result coordinate(Run run) {
        int workers = dist.workers();
        Set<String> lost = new HashSet<>();
        Set<String> refusing = new HashSet<>();
        Set<String> knownHosts = new HashSet<>(liveHosts(alive(), run.localUuids()).stream().map(Host::uuid).toList());
        Map<Integer, WorkerState> ended = new LinkedHashMap<>();
        WorkerState[] last = new WorkerState[workers];
        long now0 = System.nanoTime();
        long started = now0 - (long) (run.secondsBefore() * 1e9);   // a resumed run's time and rates count it all
        long nextCheckpoint = now0 + dist.checkpointEvery().toNanos();
        long nextProgress = now0 + PROGRESS_NANOS;
        int epochsSeen = run.reportedBefore();   // -1: none yet; a resumed run reports the epochs after its checkpoint's
        boolean stopPublished = false;
        while (ended.size() < workers) {
            MembershipEvent e = poll(run.membership());
            for (; e != null; e = run.membership().poll()) {
                if (e.getEventType() == MembershipEvent.MEMBER_REMOVED) {
                    memberLeft(run, lost, e.getMember().getUuid().toString(), address(e.getMember()));
                } else if (!run.localUuids().contains(e.getMember().getUuid().toString())) {
                    run.event().accept("member " + address(e.getMember()) + " joined the cluster");
                }
            }
            HazelcastInstance alive = alive();
            WorkerState[] now = read(run.states(), workers);
            for (int w = 0; w < workers; w++) {
                last[w] = now[w] != null ? now[w] : last[w];
            }
            List<Host> live = liveHosts(alive, run.localUuids());
            takeOver(run, last, live, alive, refusing, lost);
            rebalance(run, last, live, knownHosts);
            for (int w = 0; w < workers; w++) {
                WorkerState s = last[w];
                if (s != null && s.terminal() && !ended.containsKey(w)) {
                    ended.put(w, s);
                    if (s.status == WorkerState.FAILED) {
                        run.event().accept("worker " + w + " stopped after " + s.progress.step() + " mini-batches: "
                                + s.failure);
                    }
                }
            }
            if (stopRequested && !stopPublished) {
                WorkerHost.jobs(alive).put(run.job(), run.published().withStopRequested());
                stopPublished = true;
            }
            long t = System.nanoTime();
            DistributedProgress progress = progress(last, (t - started) / 1e9, alive);
            int epochs = completedEpochs(last);
            if (epochs > epochsSeen) {
                if (epochsSeen >= 0 || epochs > 0) {
                    reportEpochs(run, last, Math.max(0, epochsSeen), epochs, progress);
                }
                epochsSeen = epochs;
            }
            if (t >= nextProgress) {
                run.events().onProgress(progress);
                nextProgress = t + PROGRESS_NANOS;
            }
            if (t >= nextCheckpoint && ended.size() < workers) {
                if (dist.checkpoint() != null) {
                    try {
                        writeCheckpoint(run, alive, Math.max(0, epochsSeen), (System.nanoTime() - started) / 1e9);
                        run.log().add("checkpoint written to " + dist.checkpoint());   // recorded, not announced
                    } catch (RuntimeException failed) {
                        // the previous checkpoint stays whole (atomic write); training goes on
                        run.event().accept("checkpoint to " + dist.checkpoint() + " failed, the previous one is kept: "
                                + describe(failed));
                    }
                }
                nextCheckpoint = System.nanoTime() + dist.checkpointEvery().toNanos();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        HazelcastInstance alive = alive();
        ParameterServer finalServer = ParameterServer.attach(alive, run.job(), run.plan());
        int shardsLost = run.plan().count() - finalServer.shardsPresent();
        if (shardsLost > 0) {
            throw new IllegalStateException(shardsLost + " of " + run.plan().count() + " parameter shards were lost with"
                    + " their members (more members died at once than the backup count, "
                    + dist.member().backupCount() + ", covers)");
        }
        SequenceModel reference = run.reference();
        finalServer.pull(reference.parameters().values(), new long[run.plan().count()]);
        if (dist.checkpoint() != null) {
            writeCheckpoint(run, alive, Math.max(0, epochsSeen), seconds);
            run.event().accept("checkpoint written to " + dist.checkpoint());
        }
        TrainingStats stats = stats(ended, seconds, lost.size(), shardsLost, run.log());
        WorkerHost.jobs(alive).remove(run.job());
        if (stats.workers().stream().allMatch(r -> "failed".equals(r.status()))) {
            throw new DistributedTrainingException("every worker failed; the first: " + stats.workers().get(0).failure(),
                    stats);
        }
        Trainer.Evaluation val = run.validation() == null ? null
                : Trainer.evaluate(reference, run.validation(), config.objective(), config.batchSize());
        finalServer.destroy();
        alive.getMap(statesName(run.job())).destroy();
        return new Result(reference, stats, val);
    }

    private static MembershipEvent poll(BlockingQueue<MembershipEvent> q) {
        try {
            return q.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training", e);
        }
    }

    /**
     * Gives the unfinished workers of members that left the cluster, and those a member refused (it cannot build
     * the job), to the live hosts with the fewest workers; a worker that no member can take fails.
     */
    private void takeOver(Run run, WorkerState[] states, List<Host> live, HazelcastInstance alive,
                          Set<String> refusing, Set<String> lost) {
        Set<String> members = alive.getCluster().getMembers().stream().map(m -> m.getUuid().toString())
                .collect(Collectors.toSet());
        for (WorkerState s : states) {
            if (s == null || s.terminal() || (members.contains(s.owner) && s.status != WorkerState.REFUSED)) {
                continue;
            }
            boolean refused = s.status == WorkerState.REFUSED;
            if (refused) {
                refusing.add(s.owner);
            } else {
                memberLeft(run, lost, s.owner, s.host);   // reported first, even if its event is still on its way
            }
            List<Host> able = live.stream().filter(h -> !refusing.contains(h.uuid())).toList();
            if (able.isEmpty()) {
                WorkerState failed = s.copy();
                failed.status = WorkerState.FAILED;
                failed.failure = refused ? s.failure + "; no other member can run it"
                        : "its member " + s.host + " left and no member that runs workers is left";
                if (run.states().executeOnKey(s.worker, StateUpdate.write(failed)) != null) {
                    states[s.worker] = failed;
                }
                continue;
            }
            Host to = leastLoaded(able, states);
            WorkerState moved = run.states().executeOnKey(s.worker, StateUpdate.assign(s.owner, to.uuid(), to.address()));
            if (moved != null) {
                run.event().accept(refused ? s.failure + "; worker " + s.worker + " goes to member " + to.address()
                        : "worker " + s.worker + " lost its member " + s.host + " at step " + s.progress.step()
                        + "; its data shard is taken over by member " + to.address());
                states[s.worker] = moved;
            }
        }
    }

    /** Reports a member that left the cluster, once. */
    private void memberLeft(Run run, Set<String> lost, String uuid, String address) {
        if (lost.add(uuid)) {
            run.event().accept("member " + address + " left the cluster; " + (dist.member().backupCount() > 0
                    ? "the backups of its shards take over" : "its shards had no backups"));
        }
    }

    /** A member that newly hosts workers takes some from the busiest one, until no member has 2 more than it. */
    private void rebalance(Run run, WorkerState[] states, List<Host> live, Set<String> knownHosts) {
        for (Host h : live) {
            if (!knownHosts.add(h.uuid())) {
                continue;
            }
            while (true) {
                Map<String, Integer> load = load(live, states);
                Host busiest = live.stream().max(Comparator.comparingInt(x -> load.get(x.uuid()))).orElseThrow();
                if (load.get(busiest.uuid()) - load.get(h.uuid()) < 2) {
                    break;
                }
                WorkerState pick = null;
                for (WorkerState s : states) {
                    if (s != null && !s.terminal() && s.owner.equals(busiest.uuid())) {
                        pick = s;
                    }
                }
                WorkerState moved = pick == null ? null
                        : run.states().executeOnKey(pick.worker, StateUpdate.assign(pick.owner, h.uuid(), h.address()));
                if (moved == null) {
                    break;
                }
                run.event().accept("worker " + pick.worker + " moves from member " + busiest.address() + " to member "
                        + h.address() + " at step " + pick.progress.step());
                states[pick.worker] = moved;
            }
        }
    }

    private static Map<String, Integer> load(List<Host> live, WorkerState[] states) {
        Map<String, Integer> load = new HashMap<>();
        for (Host h : live) {
            load.put(h.uuid(), 0);
        }
        for (WorkerState s : states) {
            if (s != null && !s.terminal()) {
                load.computeIfPresent(s.owner, (k, v) -> v + 1);
            }
        }
        return load;
    }

    private static Host leastLoaded(List<Host> live, WorkerState[] states) {
        Map<String, Integer> load = load(live, states);
        return live.stream().min(Comparator.comparingInt(h -> load.get(h.uuid()))).orElseThrow();
    }

    private static String describeLoad(List<Host> live, WorkerState[] states) {
        List<String> parts = new ArrayList<>();
        for (Host h : live) {
            List<String> ws = new ArrayList<>();
            for (WorkerState s : states) {
                if (s != null && s.owner.equals(h.uuid())) {
                    ws.add(Integer.toString(s.worker));
                }
            }
            parts.add(h.address() + " " + (ws.isEmpty() ? "none" : (ws.size() == 1 ? "worker " : "workers ")
                    + String.join(", ", ws)));
        }
        return String.join("; ", parts);
    }

    /**
     * The members that run workers now: those of this JVM, and with a description the hosts of other JVMs; the
     * others first, in the order of their addresses, so that this JVM's members take what is left over.
     */
    private List<Host> liveHosts(HazelcastInstance alive, Set<String> localUuids) {
        Map<String, String> registered = Map.copyOf(WorkerHost.hosts(alive));
        List<Host> remote = new ArrayList<>();
        List<Host> own = new ArrayList<>();
        for (com.hazelcast.cluster.Member m : alive.getCluster().getMembers()) {
            String uuid = m.getUuid().toString();
            if (localUuids.contains(uuid)) {
                own.add(new Host(uuid, address(m)));
            } else if (dist.description() != null && registered.containsKey(uuid)) {
                remote.add(new Host(uuid, address(m)));
            }
        }
        remote.sort(Comparator.comparing(Host::address));
        remote.addAll(own);
        return remote;
    }

    /** The live hosts, once {@link DistConfig#otherHosts()} of other JVMs are among them (waiting up to 10 s). */
    private List<Host> awaitHosts(HazelcastInstance first, Set<String> localUuids) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            List<Host> live = liveHosts(first, localUuids);
            long others = live.stream().filter(h -> !localUuids.contains(h.uuid())).count();
            if (others >= dist.otherHosts()) {
                return live;
            }
            if (System.nanoTime() > deadline) {
                long members = first.getCluster().getMembers().size() - localUuids.size();
                throw new IllegalStateException((members == 0 ? "no member" : "only " + others + " member"
                        + (others == 1 ? "" : "s") + " taking workers") + " of cluster '" + dist.member().clusterName()
                        + "' answered at " + String.join(", ", dist.member().members()) + " (" + dist.otherHosts()
                        + " needed): start them with 'rnn4j cluster member' and the same cluster name, or check the"
                        + " addresses");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the cluster's members", e);
            }
        }
    }

    /** Completed epochs of the slowest worker that has not failed or stopped (a finished one counts them all). */
    private int completedEpochs(WorkerState[] states) {
        int min = Integer.MAX_VALUE;
        for (WorkerState s : states) {
            if (s == null) {
                return 0;
            }
            if (s.status == WorkerState.FAILED || s.status == WorkerState.STOPPED) {
                continue;
            }
            min = Math.min(min, s.status == WorkerState.FINISHED ? config.epochs() : s.progress.epoch());
        }
        return min == Integer.MAX_VALUE ? -1 : min;
    }

    /**
     * Reports epochs from+1 … to (1-based counts). The server's parameters are evaluated once, now: epochs that ended
     * between two of the coordinator's looks (short epochs) share that evaluation, so every reported epoch has one.
     */
    private void reportEpochs(Run run, WorkerState[] states, int from, int to, DistributedProgress progress) {
        Trainer.Evaluation val = null;
        if (run.validation() != null) {
            SequenceModel reference = run.reference();
            ParameterServer.attach(alive(), run.job(), run.plan()).pull(reference.parameters().values(),
                    new long[run.plan().count()]);
            val = Trainer.evaluate(reference, run.validation(), config.objective(), config.batchSize());
        }
        for (int e = from; e < to; e++) {
            double loss = 0;
            double metric = 0;
            int n = 0;
            for (WorkerState s : states) {
                if (s != null && s.epochLoss.length > e && !Double.isNaN(s.epochLoss[e])) {
                    loss += s.epochLoss[e];
                    metric += s.epochMetric[e];
                    n++;
                }
            }
            run.events().onEpoch(new DistributedProgress.Epoch(e, n == 0 ? Double.NaN : loss / n,
                    n == 0 ? Double.NaN : metric / n, val, progress));
        }
    }

    private DistributedProgress progress(WorkerState[] states, double seconds, HazelcastInstance alive) {
        long updates = 0;
        long pushes = 0;
        long[] histogram = new long[WorkerState.BUCKETS];
        List<DistributedProgress.WorkerProgress> ws = new ArrayList<>();
        for (WorkerState s : states) {
            if (s == null) {
                continue;
            }
            updates += s.updates;
            pushes += s.pushes;
            for (int b = 0; b < histogram.length; b++) {
                histogram[b] += s.staleness[b];
            }
            Trainer.Progress p = s.progress;
            double loss = p.lossCount() > 0 ? p.lossSum() / p.lossCount()
                    : s.epochLoss.length > 0 ? s.epochLoss[s.epochLoss.length - 1] : Double.NaN;
            double metric = p.metricCount() > 0 ? p.metricSum() / p.metricCount()
                    : s.epochMetric.length > 0 ? s.epochMetric[s.epochMetric.length - 1] : Double.NaN;
            ws.add(new DistributedProgress.WorkerProgress(s.worker, WorkerState.statusName(s.status), s.host,
                    p.epoch(), p.step(), loss, metric));
        }
        return new DistributedProgress(seconds, updates, pushes, TrainingStats.meanStaleness(histogram),
                alive.getCluster().getMembers().size(), List.copyOf(ws));
    }

    private static TrainingStats stats(Map<Integer, WorkerState> ended, double seconds, int membersLost,
                                       int shardsLost, List<String> log) {
        long pushes = 0;
        long updates = 0;
        long duplicates = 0;
        long stale = 0;
        long notFinite = 0;
        long serverNanos = 0;
        long computeNanos = 0;
        long[] histogram = new long[WorkerState.BUCKETS];
        List<TrainingStats.WorkerReport> reports = new ArrayList<>();
        for (int w = 0; w < ended.size(); w++) {
            WorkerState s = ended.get(w);
            pushes += s.pushes;
            updates += s.updates;
            duplicates += s.duplicates;
            stale += s.stale;
            notFinite += s.notFinite;
            serverNanos += s.serverNanos;
            computeNanos += s.computeNanos;
            for (int b = 0; b < histogram.length; b++) {
                histogram[b] += s.staleness[b];
            }
            reports.add(new TrainingStats.WorkerReport(w, WorkerState.statusName(s.status), s.progress.step(), s.seq,
                    s.failure, s.host));
        }
        List<String> events;
        synchronized (log) {
            events = List.copyOf(log);
        }
        return new TrainingStats(pushes, updates, duplicates, stale, notFinite, seconds, histogram, membersLost,
                shardsLost, events, List.copyOf(reports), serverNanos / 1e9, computeNanos / 1e9);
    }

    private HazelcastInstance alive() {
        return members().stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("every member in this JVM is gone"));
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

    private void writeCheckpoint(Run run, HazelcastInstance alive, int reportedEpochs, double seconds) {
        Map<Integer, Shard> shards = ParameterServer.attach(alive, run.job(), run.plan()).snapshot();
        Map<Integer, WorkerState> progress = new HashMap<>();
        WorkerState[] states = read(run.states(), dist.workers());
        for (int w = 0; w < states.length; w++) {
            if (states[w] == null) {
                throw new IllegalStateException("worker " + w + "'s record could not be read");
            }
            progress.put(w, states[w]);
        }
        try {
            DistCheckpoint.save(dist.checkpoint(), run.reference().config(), spec, run.plan(), shards, progress,
                    dist.workers(), dist.description(), reportedEpochs, seconds, Provenance.current(config.seed(), run.train().describe()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + dist.checkpoint() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The records of workers 0 … n-1, one asynchronous read per key (an entry that does not answer in time is null):
     * never {@code getAll}, whose partition-iterating operation can wait forever when a member dies during it.
     */
    static WorkerState[] read(IMap<Integer, WorkerState> states, int n) {
        List<CompletableFuture<WorkerState>> pending = new ArrayList<>(n);
        for (int w = 0; w < n; w++) {
            pending.add(states.getAsync(w).toCompletableFuture());
        }
        WorkerState[] out = new WorkerState[n];
        for (int w = 0; w < n; w++) {
            try {
                out[w] = pending.get(w).get(ParameterServer.CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the workers' records", e);
            } catch (Exception e) {
                out[w] = null;
            }
        }
        return out;
    }

    static String statesName(String job) {
        return Member.MAP_PREFIX + job + ".workers";
    }

    /** A member's address as host:port. */
    static String address(com.hazelcast.cluster.Member m) {
        return m.getAddress().getHost() + ":" + m.getAddress().getPort();
    }

    /** The settings every member must derive alike from a job's description (the schedule is not comparable). */
    static String trainingSummary(TrainConfig c) {
        return "epochs " + c.epochs() + ", batch " + c.batchSize() + ", " + c.objective() + ", lr " + c.learningRate()
                + ", clip norm " + c.clipNorm() + ", clip value " + c.clipValue() + ", tbptt " + c.tbpttForward() + "/"
                + c.tbpttBackward() + ", seed " + c.seed();
    }

    static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
