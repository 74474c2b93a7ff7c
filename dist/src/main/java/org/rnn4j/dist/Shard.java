package org.rnn4j.dist;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import org.rnn4j.optim.OptimizerSpec;

import java.io.IOException;
import java.util.Arrays;

/**
 * One entry of the parameter map: a contiguous range of the flat parameter array with everything its updates
 * depend on, so that the owner and the backup replica, applying the same pushes, hold the same bits.
 *
 * <pre>
 * values     (to - from)             the parameters of the range
 * state      (stateNames, to - from) the optimizer's state arrays over the range, zeros at first
 * trainable  (2 · ranges)            [a, b) pairs relative to from: the parts the optimizer updates
 * updates                            pushes applied (the optimizer's step number of the last one)
 * lastSeq    (workers)               per worker, the sequence number of the last push it sent here (0: none)
 * </pre>
 */
public final class Shard implements IdentifiedDataSerializable {

    /** What a push did; the first element of {@link #apply}'s result. */
    static final long APPLIED = 0;
    static final long DUPLICATE = 1;
    static final long STALE = 2;
    static final long NOT_FINITE = 3;

    private int index;
    private int from;
    private int[] trainable;
    private String kind;
    private float[] hyper;
    private float[] values;
    private float[][] state;
    private long updates;
    private long[] lastSeq;
    private long duplicates;
    private long stale;
    private long refused;
    private transient OptimizerSpec spec;

    /** For deserialisation. */
    public Shard() {
    }

    Shard(int index, int from, int[][] trainable, OptimizerSpec spec, float[] values) {
        this.index = index;
        this.from = from;
        this.trainable = Arrays.stream(trainable).flatMapToInt(Arrays::stream).toArray();
        this.kind = spec.kind();
        this.hyper = spec.hyperParameters();
        this.values = values;
        this.state = new float[spec.stateNames().size()][values.length];
        this.lastSeq = new long[0];
        this.spec = spec;
    }

    /** A shard restored from a checkpoint. */
    static Shard restored(int index, int from, int[][] trainable, OptimizerSpec spec, float[] values, float[][] state,
                          long updates, long[] lastSeq) {
        Shard s = new Shard(index, from, trainable, spec, values);
        if (state.length != s.state.length) {
            throw new IllegalArgumentException("shard " + index + ": " + spec.name() + " keeps " + s.state.length
                    + " state arrays, the checkpoint has " + state.length);
        }
        s.state = state;
        s.updates = updates;
        s.lastSeq = lastSeq.clone();
        return s;
    }

    /**
     * Applies a push unless it was applied before or is too stale. Deterministic: the same shard and push give the
     * same result and the same new shard on every replica.
     *
     * @return {status, staleness, updates after}; status one of APPLIED, DUPLICATE, STALE, NOT_FINITE
     */
    long[] apply(Push push) {
        if (push.grads.length != values.length) {
            throw new IllegalArgumentException("a push to shard " + index + " carries " + push.grads.length
                    + " gradients for its " + values.length + " parameters");
        }
        if (push.worker >= lastSeq.length) {
            lastSeq = Arrays.copyOf(lastSeq, push.worker + 1);
        }
        long staleness = updates - push.basis;
        if (push.seq <= lastSeq[push.worker]) {
            duplicates++;
            return new long[]{DUPLICATE, staleness, updates};
        }
        lastSeq[push.worker] = push.seq;
        if (push.maxStaleness >= 0 && staleness > push.maxStaleness) {
            stale++;
            return new long[]{STALE, staleness, updates};
        }
        for (float g : push.grads) {
            if (!Float.isFinite(g)) {
                refused++;
                return new long[]{NOT_FINITE, staleness, updates};
            }
        }
        OptimizerSpec rule = spec();
        updates++;
        for (int r = 0; r < trainable.length; r += 2) {
            rule.update(values, push.grads, state, trainable[r], trainable[r + 1], updates, push.lr);
        }
        return new long[]{APPLIED, staleness, updates};
    }

    OptimizerSpec spec() {
        if (spec == null) {
            spec = OptimizerSpec.of(kind, hyper);
        }
        return spec;
    }

    public int index() {
        return index;
    }

    /** The first index of the flat parameter array this shard holds. */
    public int from() {
        return from;
    }

    /** The values (live). */
    public float[] values() {
        return values;
    }

    /** The optimizer's state arrays, in the order of the spec's state names (live). */
    public float[][] state() {
        return state;
    }

    /** Pushes applied so far. */
    public long updates() {
        return updates;
    }

    /** The sequence number of the last push seen from each worker (0: none), indexed by worker id. */
    public long[] lastSeq() {
        return lastSeq.clone();
    }

    /** Pushes dropped because they had been applied before (retries). */
    public long duplicates() {
        return duplicates;
    }

    /** Pushes refused as too stale. */
    public long stale() {
        return stale;
    }

    /** Pushes refused for holding a NaN or an infinite gradient. */
    public long refused() {
        return refused;
    }

    @Override
    public int getFactoryId() {
        return DistSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return DistSerialization.SHARD;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(index);
        out.writeInt(from);
        out.writeIntArray(trainable);
        out.writeString(kind);
        out.writeFloatArray(hyper);
        out.writeFloatArray(values);
        out.writeInt(state.length);
        for (float[] s : state) {
            out.writeFloatArray(s);
        }
        out.writeLong(updates);
        out.writeLongArray(lastSeq);
        out.writeLong(duplicates);
        out.writeLong(stale);
        out.writeLong(refused);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        index = in.readInt();
        from = in.readInt();
        trainable = in.readIntArray();
        kind = in.readString();
        hyper = in.readFloatArray();
        values = in.readFloatArray();
        state = new float[in.readInt()][];
        for (int k = 0; k < state.length; k++) {
            state[k] = in.readFloatArray();
        }
        updates = in.readLong();
        lastSeq = in.readLongArray();
        duplicates = in.readLong();
        stale = in.readLong();
        refused = in.readLong();
    }
}
