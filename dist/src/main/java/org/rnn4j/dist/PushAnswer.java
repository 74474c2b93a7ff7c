package org.rnn4j.dist;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;

/**
 * What a push returns for one shard: what it did ({@link Shard#APPLIED} and so on), its staleness and the shard's
 * update count after it, and, for a push that fetches too, the shard's values after it (null otherwise).
 */
final class PushAnswer implements IdentifiedDataSerializable {

    long status;
    long staleness;
    long updates;
    float[] values;

    PushAnswer() {
    }

    PushAnswer(long[] result, float[] values) {
        this.status = result[0];
        this.staleness = result[1];
        this.updates = result[2];
        this.values = values;
    }

    @Override
    public int getFactoryId() {
        return DistSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return DistSerialization.PUSH_ANSWER;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(status);
        out.writeLong(staleness);
        out.writeLong(updates);
        out.writeFloatArray(values);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        status = in.readLong();
        staleness = in.readLong();
        updates = in.readLong();
        values = in.readFloatArray();
    }
}
