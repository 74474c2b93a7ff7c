package org.rnn4j.dist;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.Map;

/**
 * A change to a worker's record in the workers map, applied only if the record is still owned as the writer
 * expects: a worker writes its progress only while its member owns it, a member starts a worker only when it was
 * assigned to it, and the coordinator moves a worker only away from the member it names. Deterministic, so Hazelcast
 * can run it on the backup replica too; returns the record after the change, or null when refused.
 */
final class StateUpdate implements EntryProcessor<Integer, WorkerState, WorkerState>, IdentifiedDataSerializable {

    // EntryProcessor extends Serializable; Hazelcast uses writeData/readData, never Java serialisation
    private static final long serialVersionUID = 1L;

    /** A worker's own record: replaces the entry if it is owned by {@code owner}. */
    static final byte WRITE = 0;
    /** A member starts a worker: ASSIGNED to {@code owner} becomes RUNNING. */
    static final byte CLAIM = 1;
    /** The coordinator gives an unfinished worker owned by {@code owner} to {@code newOwner}, as ASSIGNED. */
    static final byte ASSIGN = 2;

    byte kind;
    String owner;
    String newOwner;
    String newHost;
    WorkerState state;

    StateUpdate() {
    }

    private StateUpdate(byte kind, String owner, String newOwner, String newHost, WorkerState state) {
        this.kind = kind;
        this.owner = owner;
        this.newOwner = newOwner;
        this.newHost = newHost;
        this.state = state;
    }

    static StateUpdate write(WorkerState state) {
        return new StateUpdate(WRITE, state.owner, "", "", state);
    }

    static StateUpdate claim(String owner) {
        return new StateUpdate(CLAIM, owner, "", "", null);
    }

    static StateUpdate assign(String from, String to, String toHost) {
        return new StateUpdate(ASSIGN, from, to, toHost, null);
    }

    @Override
    public WorkerState process(Map.Entry<Integer, WorkerState> entry) {
        WorkerState current = entry.getValue();
        if (current == null || !current.owner.equals(owner)) {
            return null;
        }
        WorkerState next;
        switch (kind) {
            case WRITE -> next = state.copy();   // a local call passes the writer's object itself
            case CLAIM -> {
                if (current.status != WorkerState.ASSIGNED) {
                    return null;
                }
                next = current.copy();
                next.status = WorkerState.RUNNING;
            }
            default -> {
                if (current.terminal()) {
                    return null;
                }
                next = current.copy();
                next.owner = newOwner;
                next.host = newHost;
                next.status = WorkerState.ASSIGNED;
                next.failure = null;
            }
        }
        entry.setValue(next);
        return next.copy();
    }

    @Override
    public int getFactoryId() {
        return DistSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return DistSerialization.STATE_UPDATE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByte(kind);
        out.writeString(owner);
        out.writeString(newOwner);
        out.writeString(newHost);
        out.writeObject(state);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        kind = in.readByte();
        owner = in.readString();
        newOwner = in.readString();
        newHost = in.readString();
        state = in.readObject();
    }
}
