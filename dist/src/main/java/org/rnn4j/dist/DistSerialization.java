package org.rnn4j.dist;

import com.hazelcast.config.Config;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * The compact binary forms of everything the parameter server sends between members: each type writes its fields
 * with Hazelcast's {@code writeFloatArray} / {@code writeLong} and is identified by a (factory, class) id pair, so
 * no Java serialisation and no class names travel. Every member of a job registers this factory
 * ({@link Member} does).
 */
public final class DistSerialization implements DataSerializableFactory {

    /** The factory id of rnn4j's types; other factories of an application must use another. */
    public static final int FACTORY_ID = 0x524E4E;   // "RNN"

    static final int SHARD = 1;
    static final int PUSH = 2;
    static final int PULL = 3;
    static final int SHARD_VALUES = 4;
    static final int WORKER_STATE = 5;
    static final int STATE_UPDATE = 6;
    static final int JOB = 7;
    static final int PUSH_ANSWER = 8;

    /** Registers the factory in a member's configuration. */
    public static Config register(Config config) {
        config.getSerializationConfig().addDataSerializableFactory(FACTORY_ID, new DistSerialization());
        return config;
    }

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        return switch (typeId) {
            case SHARD -> new Shard();
            case PUSH -> new Push();
            case PULL -> new Pull();
            case SHARD_VALUES -> new ShardValues();
            case WORKER_STATE -> new WorkerState();
            case STATE_UPDATE -> new StateUpdate();
            case JOB -> new Job();
            case PUSH_ANSWER -> new PushAnswer();
            default -> throw new IllegalArgumentException("rnn4j's serialisation has no type " + typeId
                    + ": the members run different rnn4j versions");
        };
    }
}
