package org.rnn4j.dist;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import org.rnn4j.train.Trainer;

import java.io.IOException;
import java.util.Arrays;

/**
 * Where a worker stands, kept in the job's workers map (with a backup): which member runs it ({@link #owner}), its
 * status, its trainer's progress and the sequence number of its last push, its counters, and the mean loss of each
 * epoch it finished. Written by the worker after every mini-batch whose gradients are all pushed, and by the
 * coordinator when it assigns the worker to a member; always through {@link StateUpdate}, so a worker that was
 * moved to another member cannot overwrite its new owner's record. A worker taking over a lost member's data shard
 * continues from here; pushes it repeats are dropped by the shards that already have them.
 *
 * <pre>
 * staleness   (BUCKETS)  pushes by staleness, the last bucket for that many or more
 * epochLoss   (epochs)   mean training loss of each epoch the worker finished (NaN for those before a resume),
 *                        likewise epochMetric
 * </pre>
 */
final class WorkerState implements IdentifiedDataSerializable {

    /** Waiting for its member to start it. */
    static final byte ASSIGNED = 0;
    static final byte RUNNING = 1;
    static final byte FINISHED = 2;
    /** Stopped early: maxSteps, or a stop request; resumable. */
    static final byte STOPPED = 3;
    static final byte FAILED = 4;
    /** Its member cannot build the job (see {@link #failure}): the coordinator gives it to another member. */
    static final byte REFUSED = 5;

    static final int BUCKETS = 65;

    int worker;
    Trainer.Progress progress;
    long seq;
    byte status;
    /** The UUID of the member that runs it or is to run it; "" for none yet. */
    String owner = "";
    /** That member's address, for messages. */
    String host = "";
    /** Why it failed, or null. */
    String failure;
    long pushes;
    long updates;
    long duplicates;
    long stale;
    long notFinite;
    long[] staleness = new long[BUCKETS];
    /** Time spent in pushes, fetches and progress writes, and time spent computing (forward, backward, clipping). */
    long serverNanos;
    long computeNanos;
    double[] epochLoss = new double[0];
    double[] epochMetric = new double[0];

    WorkerState() {
    }

    WorkerState(int worker, Trainer.Progress progress, long seq, byte status) {
        this.worker = worker;
        this.progress = progress;
        this.seq = seq;
        this.status = status;
    }

    /** A worker that has not started: assigned to no member yet. */
    static WorkerState fresh(int worker) {
        return new WorkerState(worker, Trainer.Progress.start(), 0, ASSIGNED);
    }

    WorkerState copy() {
        WorkerState c = new WorkerState(worker, progress, seq, status);
        c.owner = owner;
        c.host = host;
        c.failure = failure;
        c.pushes = pushes;
        c.updates = updates;
        c.duplicates = duplicates;
        c.stale = stale;
        c.notFinite = notFinite;
        c.staleness = staleness.clone();
        c.serverNanos = serverNanos;
        c.computeNanos = computeNanos;
        c.epochLoss = epochLoss.clone();
        c.epochMetric = epochMetric.clone();
        return c;
    }

    boolean done() {
        return status == FINISHED;
    }

    /** Finished, stopped or failed: its member will not run it again in this job. */
    boolean terminal() {
        return status == FINISHED || status == STOPPED || status == FAILED;
    }

    static String statusName(byte status) {
        return switch (status) {
            case ASSIGNED -> "assigned";
            case RUNNING -> "running";
            case FINISHED -> "finished";
            case STOPPED -> "stopped";
            case REFUSED -> "refused";
            default -> "failed";
        };
    }

    /** Records what one push did. */
    void record(ParameterServer.PushResult r) {
        pushes++;
        // a duplicate was applied once before: by this worker's predecessor after a takeover, or by a first attempt
        // whose answer was lost; its record never counted it
        if (r.applied() > 0 || r.duplicates() > 0) {
            updates++;
        }
        duplicates += r.duplicates();
        stale += r.stale();
        notFinite += r.notFinite();
        if (r.applied() > 0 || r.stale() > 0) {
            staleness[(int) Math.min(BUCKETS - 1, Math.max(0, r.maxStaleness()))]++;
        }
    }

    /** Records the mean loss and metric of a finished epoch (0-based; epochs not seen here stay NaN). */
    void addEpoch(int epoch, double loss, double metric) {
        if (epochLoss.length <= epoch) {
            int n = epochLoss.length;
            epochLoss = Arrays.copyOf(epochLoss, epoch + 1);
            epochMetric = Arrays.copyOf(epochMetric, epoch + 1);
            Arrays.fill(epochLoss, n, epoch + 1, Double.NaN);
            Arrays.fill(epochMetric, n, epoch + 1, Double.NaN);
        }
        epochLoss[epoch] = loss;
        epochMetric[epoch] = metric;
    }

    @Override
    public int getFactoryId() {
        return DistSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return DistSerialization.WORKER_STATE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        Trainer.Progress p = progress;
        out.writeInt(worker);
        out.writeInt(p.epoch());
        out.writeInt(p.batchInEpoch());
        out.writeLong(p.step());
        out.writeDouble(p.lossSum());
        out.writeDouble(p.lossCount());
        out.writeDouble(p.metricSum());
        out.writeDouble(p.metricCount());
        out.writeDouble(p.best());
        out.writeInt(p.badEpochs());
        out.writeBoolean(p.stopped());
        out.writeLong(seq);
        out.writeByte(status);
        out.writeString(owner);
        out.writeString(host);
        out.writeString(failure);
        out.writeLong(pushes);
        out.writeLong(updates);
        out.writeLong(duplicates);
        out.writeLong(stale);
        out.writeLong(notFinite);
        out.writeLongArray(staleness);
        out.writeLong(serverNanos);
        out.writeLong(computeNanos);
        out.writeDoubleArray(epochLoss);
        out.writeDoubleArray(epochMetric);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        worker = in.readInt();
        progress = new Trainer.Progress(in.readInt(), in.readInt(), in.readLong(), in.readDouble(), in.readDouble(),
                in.readDouble(), in.readDouble(), in.readDouble(), in.readInt(), in.readBoolean());
        seq = in.readLong();
        status = in.readByte();
        owner = in.readString();
        host = in.readString();
        failure = in.readString();
        pushes = in.readLong();
        updates = in.readLong();
        duplicates = in.readLong();
        stale = in.readLong();
        notFinite = in.readLong();
        staleness = in.readLongArray();
        serverNanos = in.readLong();
        computeNanos = in.readLong();
        epochLoss = in.readDoubleArray();
        epochMetric = in.readDoubleArray();
    }
}
