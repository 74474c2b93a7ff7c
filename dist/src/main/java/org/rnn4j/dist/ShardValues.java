package org.rnn4j.dist;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;

/** What a pull returns for one shard: its values and its update count. */
final class ShardValues implements IdentifiedDataSerializable {

    float[] values;
    long updates;

    ShardValues() {
    }

    ShardValues(float[] values, long updates) {
        this.values = values;
        this.updates = updates;
    }

    @Override
    public int getFactoryId() {
        return DistSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return DistSerialization.SHARD_VALUES;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(updates);
        out.writeFloatArray(values);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        updates = in.readLong();
        values = in.readFloatArray();
    }
}
