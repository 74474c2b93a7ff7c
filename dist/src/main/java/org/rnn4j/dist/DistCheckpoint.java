package org.rnn4j.dist;

import org.rnn4j.io.Json;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.ModelFileException;
import org.rnn4j.io.Provenance;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.OptimizerSpec;
import org.rnn4j.train.Trainer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A checkpoint of a distributed run, written by the coordinator: every shard (values, optimizer state, update
 * count, last push per worker) and every worker's progress. Stored in the model-file container (kind
 * {@value #KIND}) through {@link ModelFile#write}, so it is checksummed and written atomically: the parameters as
 * the model's, the optimizer state as full-length arrays {@code optimizer.<name>}, the counters in the header.
 * {@code rnn4j info} and {@link ModelFile#read} can open it.
 *
 * <p>The shards are read one by one while the workers go on, so with several workers the checkpoint is not one
 * instant of the run; each worker's progress is the last point at which all its gradients had been pushed, and the
 * shards remember the last push of every worker, so a resumed worker's repeated pushes are dropped where they had
 * already been applied. With one worker the checkpoint resumes exactly.
 */
public final class DistCheckpoint {

    public static final String KIND = "distributed-checkpoint";
    private static final String OPTIMIZER_PREFIX = "optimizer.";

    private final ModelConfig config;
    private final OptimizerSpec spec;
    private final ShardPlan plan;
    private final float[] parameters;
    private final Map<String, float[]> state;
    private final long[] updates;
    private final long[][] lastSeq;
    private final Map<Integer, WorkerState> workers;
    private final int workerCount;
    private final String description;
    private final int reportedEpochs;
    private final double seconds;

    private DistCheckpoint(ModelConfig config, OptimizerSpec spec, ShardPlan plan, float[] parameters,
                           Map<String, float[]> state, long[] updates, long[][] lastSeq,
                           Map<Integer, WorkerState> workers, int workerCount, String description,
                           int reportedEpochs, double seconds) {
        this.config = config;
        this.spec = spec;
        this.plan = plan;
        this.parameters = parameters;
        this.state = state;
        this.updates = updates;
        this.lastSeq = lastSeq;
        this.workers = workers;
        this.workerCount = workerCount;
        this.description = description;
        this.reportedEpochs = reportedEpochs;
        this.seconds = seconds;
    }

    /**
     * Writes the shards and worker states (progress, counters, per-epoch losses), the job's description (may be
     * null), the number of epochs the coordinator had reported and the run's training time so far, atomically.
     */
    static void save(Path file, ModelConfig config, OptimizerSpec spec, ShardPlan plan, Map<Integer, Shard> shards,
                     Map<Integer, WorkerState> workers, int workerCount, String description, int reportedEpochs,
                     double seconds, Provenance provenance) throws IOException {
        float[] values = new float[plan.parameterCount()];
        List<String> names = spec.stateNames();
        Map<String, float[]> arrays = new LinkedHashMap<>();
        for (String n : names) {
            arrays.put(OPTIMIZER_PREFIX + n, new float[plan.parameterCount()]);
        }
        List<Object> counts = new ArrayList<>();
        List<Object> seqs = new ArrayList<>();
        for (int k = 0; k < plan.count(); k++) {
            Shard s = shards.get(k);
            System.arraycopy(s.values(), 0, values, plan.from(k), s.values().length);
            for (int j = 0; j < names.size(); j++) {
                System.arraycopy(s.state()[j], 0, arrays.get(OPTIMIZER_PREFIX + names.get(j)), plan.from(k),
                        s.values().length);
            }
            counts.add(s.updates());
            List<Object> last = new ArrayList<>();
            for (long v : s.lastSeq()) {
                last.add(v);
            }
            seqs.add(last);
        }
        List<Object> hyper = new ArrayList<>();
        for (float h : spec.hyperParameters()) {
            hyper.add(h);
        }
        List<Object> progress = new ArrayList<>();
        for (WorkerState w : new TreeMap<>(workers).values()) {
            Trainer.Progress p = w.progress;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("worker", (long) w.worker);
            m.put("epoch", (long) p.epoch());
            m.put("batch_in_epoch", (long) p.batchInEpoch());
            m.put("step", p.step());
            m.put("loss_sum", p.lossSum());
            m.put("loss_count", p.lossCount());
            m.put("metric_sum", p.metricSum());
            m.put("metric_count", p.metricCount());
            m.put("seq", w.seq);
            m.put("done", w.done());
            m.put("pushes", w.pushes);
            m.put("updates", w.updates);
            m.put("duplicates", w.duplicates);
            m.put("stale", w.stale);
            m.put("not_finite", w.notFinite);
            m.put("staleness", longs(w.staleness));
            m.put("server_nanos", w.serverNanos);
            m.put("compute_nanos", w.computeNanos);
            m.put("epoch_loss", doubles(w.epochLoss));
            m.put("epoch_metric", doubles(w.epochMetric));
            progress.add(m);
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("optimizer_kind", spec.kind());
        meta.put("optimizer_hyper", hyper);
        meta.put("shard_size", (long) plan.shardSize());
        meta.put("workers", (long) workerCount);
        meta.put("shard_updates", counts);
        meta.put("shard_last_seq", seqs);
        meta.put("worker_progress", progress);
        meta.put("reported_epochs", (long) reportedEpochs);
        meta.put("seconds", seconds);
        if (description != null) {
            meta.put("description", description);
        }
        ModelFile.write(file, new ModelFile.Contents(KIND, config, values, provenance, arrays, meta));
    }

    /** Reads a checkpoint written by {@link #save}. */
    public static DistCheckpoint load(Path file) throws IOException {
        ModelFile.Contents c = ModelFile.read(file);
        if (!KIND.equals(c.kind())) {
            throw new ModelFileException(file, "this is a " + c.kind() + " file, not a distributed training checkpoint");
        }
        try {
            Map<String, Object> meta = c.meta();
            List<?> hyperList = (List<?>) meta.get("optimizer_hyper");
            float[] hyper = new float[hyperList.size()];
            for (int i = 0; i < hyper.length; i++) {
                hyper[i] = Json.toFloat((Number) hyperList.get(i));
            }
            OptimizerSpec spec = OptimizerSpec.of((String) meta.get("optimizer_kind"), hyper);
            ParamLayoutCheck.requireTrainableOnly(c.config());
            ShardPlan plan = new ShardPlan(c.parameters().length, num(meta, "shard_size").intValue(),
                    SequenceModel.layout(c.config()).trainableRanges());
            List<?> counts = (List<?>) meta.get("shard_updates");
            List<?> seqs = (List<?>) meta.get("shard_last_seq");
            if (counts.size() != plan.count() || seqs.size() != plan.count()) {
                throw new ModelFileException(file, "the checkpoint has counters for " + counts.size()
                        + " shards, its shard size gives " + plan.count());
            }
            long[] updates = new long[plan.count()];
            long[][] last = new long[plan.count()][];
            for (int k = 0; k < plan.count(); k++) {
                updates[k] = ((Number) counts.get(k)).longValue();
                last[k] = ((List<?>) seqs.get(k)).stream().mapToLong(o -> ((Number) o).longValue()).toArray();
            }
            Map<String, float[]> state = new LinkedHashMap<>();
            for (String n : spec.stateNames()) {
                float[] a = c.arrays().get(OPTIMIZER_PREFIX + n);
                if (a == null) {
                    throw new ModelFileException(file, "the checkpoint has no optimizer state '" + n + "'");
                }
                state.put(n, a);
            }
            Map<Integer, WorkerState> workers = new TreeMap<>();
            for (Object o : (List<?>) meta.get("worker_progress")) {
                Map<?, ?> m = (Map<?, ?>) o;
                int w = ((Number) m.get("worker")).intValue();
                Trainer.Progress p = new Trainer.Progress(((Number) m.get("epoch")).intValue(),
                        ((Number) m.get("batch_in_epoch")).intValue(), ((Number) m.get("step")).longValue(),
                        ((Number) m.get("loss_sum")).doubleValue(), ((Number) m.get("loss_count")).doubleValue(),
                        ((Number) m.get("metric_sum")).doubleValue(), ((Number) m.get("metric_count")).doubleValue(),
                        Double.NaN, 0, false);
                WorkerState ws = new WorkerState(w, p, ((Number) m.get("seq")).longValue(),
                        (Boolean) m.get("done") ? WorkerState.FINISHED : WorkerState.ASSIGNED);
                if (m.containsKey("updates")) {   // written since the counters are saved; before, they start at 0
                    ws.pushes = ((Number) m.get("pushes")).longValue();
                    ws.updates = ((Number) m.get("updates")).longValue();
                    ws.duplicates = ((Number) m.get("duplicates")).longValue();
                    ws.stale = ((Number) m.get("stale")).longValue();
                    ws.notFinite = ((Number) m.get("not_finite")).longValue();
                    long[] h = ((List<?>) m.get("staleness")).stream().mapToLong(x -> ((Number) x).longValue())
                            .toArray();
                    System.arraycopy(h, 0, ws.staleness, 0, Math.min(h.length, ws.staleness.length));
                    ws.serverNanos = ((Number) m.get("server_nanos")).longValue();
                    ws.computeNanos = ((Number) m.get("compute_nanos")).longValue();
                    ws.epochLoss = toDoubles((List<?>) m.get("epoch_loss"));
                    ws.epochMetric = toDoubles((List<?>) m.get("epoch_metric"));
                }
                workers.put(w, ws);
            }
            int reported = meta.get("reported_epochs") instanceof Number n ? n.intValue() : -1;
            double seconds = meta.get("seconds") instanceof Number n ? n.doubleValue() : 0;
            return new DistCheckpoint(c.config(), spec, plan, c.parameters(), state, updates, last, workers,
                    num(meta, "workers").intValue(), (String) meta.get("description"), reported, seconds);
        } catch (ClassCastException | NullPointerException e) {
            throw new ModelFileException(file, "the distributed checkpoint's training state is incomplete or malformed");
        }
    }

    private static List<Object> longs(long[] a) {
        List<Object> out = new ArrayList<>(a.length);
        for (long v : a) {
            out.add(v);
        }
        return out;
    }

    /** JSON has no NaN: an epoch without a loss (before an older resume) is null. */
    private static List<Object> doubles(double[] a) {
        List<Object> out = new ArrayList<>(a.length);
        for (double v : a) {
            out.add(Double.isFinite(v) ? v : null);
        }
        return out;
    }

    private static double[] toDoubles(List<?> list) {
        return list.stream().mapToDouble(o -> o == null ? Double.NaN : ((Number) o).doubleValue()).toArray();
    }

    private static Number num(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Number n)) {
            throw new NullPointerException(key);
        }
        return n;
    }

    /** The shards as they were saved. */
    Map<Integer, Shard> shards() {
        Map<Integer, Shard> out = new TreeMap<>();
        List<String> names = spec.stateNames();
        for (int k = 0; k < plan.count(); k++) {
            int from = plan.from(k);
            int to = plan.to(k);
            float[][] st = new float[names.size()][];
            for (int j = 0; j < st.length; j++) {
                st[j] = Arrays.copyOfRange(state.get(names.get(j)), from, to);
            }
            out.put(k, Shard.restored(k, from, plan.trainableIn(k), spec, Arrays.copyOfRange(parameters, from, to),
                    st, updates[k], lastSeq[k]));
        }
        return out;
    }

    Map<Integer, WorkerState> workerStates() {
        return workers;
    }

    public ModelConfig config() {
        return config;
    }

    public OptimizerSpec spec() {
        return spec;
    }

    public ShardPlan plan() {
        return plan;
    }

    /** The parameters (all shards' values, in layout order). */
    public float[] parameters() {
        return parameters;
    }

    /** What the run published to rebuild the job on other members ({@link DistConfig#description()}), or null. */
    public String description() {
        return description;
    }

    /** Number of workers of the run (their data shards depend on it). */
    public int workerCount() {
        return workerCount;
    }

    /** Mini-batches each worker had done, by worker id. */
    public Map<Integer, Long> workerSteps() {
        Map<Integer, Long> out = new TreeMap<>();
        workers.forEach((w, s) -> out.put(w, s.progress.step()));
        return out;
    }

    /**
     * The epochs the coordinator had reported (its epoch lines, one per epoch that every worker had finished) when
     * it wrote this checkpoint: a resumed run reports the epochs after them. For a checkpoint written before this
     * was recorded: the epochs every worker had finished.
     */
    public int reportedEpochs() {
        if (reportedEpochs >= 0) {
            return reportedEpochs;
        }
        return workers.values().stream().mapToInt(w -> w.progress.epoch()).min().orElse(0);
    }

    /** The run's training time until this checkpoint, in seconds (0 for a checkpoint that did not record it). */
    public double seconds() {
        return seconds;
    }

    /** Each shard's update count. */
    public long[] shardUpdates() {
        return updates.clone();
    }
}
