package org.rnn4j.dist;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.util.Map;

/** Reads a shard's values and update count, without its optimizer state; read-only, so it has no backup. */
final class Pull implements EntryProcessor<Integer, Shard, ShardValues>, ReadOnly, IdentifiedDataSerializable {

    // EntryProcessor extends Serializable; Hazelcast uses writeData/readData, never Java serialisation
    private static final long serialVersionUID = 1L;

    @Override
    public ShardValues process(Map.Entry<Integer, Shard> entry) {
        Shard shard = entry.getValue();
        if (shard == null) {
            throw new IllegalStateException("shard " + entry.getKey() + " does not exist");
        }
        // a copy: on the owning member the result may be handed over without serialisation
        return new ShardValues(shard.values().clone(), shard.updates());
    }

    @Override
    public EntryProcessor<Integer, Shard, ShardValues> getBackupProcessor() {
        return null;
    }

    @Override
    public int getFactoryId() {
        return DistSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return DistSerialization.PULL;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
    }

    @Override
    public void readData(ObjectDataInput in) {
    }
}
