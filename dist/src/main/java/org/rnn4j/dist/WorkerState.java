package org.rnn4j.dist;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import org.rnn4j.train.Trainer;

import java.io.IOException;

/**
 * Where a worker stands, kept in the cluster (with a backup) after every mini-batch whose gradients are all pushed:
 * its trainer's progress and the sequence number of its last push. A worker taking over a lost member's data shard
 * continues from here; pushes it repeats are dropped by the shards that already have them.
 */
final class WorkerState implements IdentifiedDataSerializable {

    int worker;
    Trainer.Progress progress;
    long seq;
    boolean done;

    WorkerState() {
    }

    WorkerState(int worker, Trainer.Progress progress, long seq, boolean done) {
        this.worker = worker;
        this.progress = progress;
        this.seq = seq;
        this.done = done;
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
        out.writeBoolean(done);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        worker = in.readInt();
        progress = new Trainer.Progress(in.readInt(), in.readInt(), in.readLong(), in.readDouble(), in.readDouble(),
                in.readDouble(), in.readDouble(), in.readDouble(), in.readInt(), in.readBoolean());
        seq = in.readLong();
        done = in.readBoolean();
    }
}
