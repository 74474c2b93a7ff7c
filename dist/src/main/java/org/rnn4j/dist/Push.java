package org.rnn4j.dist;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.Map;

/**
 * A worker's gradient for one shard, applied by the optimizer where the shard lives. Hazelcast runs the same
 * processor on the backup replica ({@link #getBackupProcessor()} is this), and {@link Shard#apply} is
 * deterministic, so both replicas end up equal. A push carries (worker, seq): the shard applies each once, so a
 * retry after a member loss that reaches a replica which already has it changes nothing. A push with {@link #fetch}
 * also returns the shard's values after it: a push and a fetch in one round trip.
 */
final class Push implements EntryProcessor<Integer, Shard, PushAnswer>, IdentifiedDataSerializable {

    // EntryProcessor extends Serializable; Hazelcast uses writeData/readData, never Java serialisation
    private static final long serialVersionUID = 1L;

    int worker;
    long seq;
    float lr;
    /** The shard's update count the gradient is based on: at the worker's fetch, plus its own pushes since. */
    long basis;
    /** Refuse the push when more than this many other updates came in since {@link #basis}; -1 for no limit. */
    int maxStaleness;
    float[] grads;
    /** Return the shard's values after the push (the worker fetches right after it). */
    boolean fetch;

    Push() {
    }

    Push(int worker, long seq, float lr, long basis, int maxStaleness, float[] grads, boolean fetch) {
        if (worker < 0 || seq < 1) {
            throw new IllegalArgumentException("a push needs a worker id ≥ 0 and a sequence number ≥ 1, got worker "
                    + worker + ", seq " + seq);
        }
        this.worker = worker;
        this.seq = seq;
        this.lr = lr;
        this.basis = basis;
        this.maxStaleness = maxStaleness;
        this.grads = grads;
        this.fetch = fetch;
    }

    @Override
    public PushAnswer process(Map.Entry<Integer, Shard> entry) {
        Shard shard = entry.getValue();
        if (shard == null) {
            throw new IllegalStateException("shard " + entry.getKey() + " does not exist: the parameter server was"
                    + " not created, or the shard was lost with more members than its backups");
        }
        long[] result = shard.apply(this);
        entry.setValue(shard);
        // a copy: on the owning member the answer may be handed over without serialisation
        return new PushAnswer(result, fetch ? shard.values().clone() : null);
    }

    @Override
    public int getFactoryId() {
        return DistSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return DistSerialization.PUSH;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(worker);
        out.writeLong(seq);
        out.writeFloat(lr);
        out.writeLong(basis);
        out.writeInt(maxStaleness);
        out.writeFloatArray(grads);
        out.writeBoolean(fetch);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        worker = in.readInt();
        seq = in.readLong();
        lr = in.readFloat();
        basis = in.readLong();
        maxStaleness = in.readInt();
        grads = in.readFloatArray();
        fetch = in.readBoolean();
    }
}
