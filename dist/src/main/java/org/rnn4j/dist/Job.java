package org.rnn4j.dist;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import org.rnn4j.optim.OptimizerSpec;

import java.io.IOException;

/**
 * A training job as the coordinator publishes it in the cluster's jobs map ({@value #MAP}), for the
 * {@link WorkerHost}s on other members: what to build (the application's {@link #description}, which a
 * {@link JobResolver} turns into a model factory, data and training config), how the workers talk to the parameter
 * server, and what to check so that every member trains the same model. The shards and the workers' records live
 * in the job's own maps ({@link ParameterServer#mapName}, {@link DistributedTrainer#statesName}).
 */
public final class Job implements IdentifiedDataSerializable {

    /** The map of running jobs, by name. */
    public static final String MAP = Member.MAP_PREFIX + "jobs";

    String name;
    String description;
    int workers;
    int fetchEvery;
    int pushEvery;
    int maxStaleness;
    long maxSteps;
    int pushRetries;
    int shardSize;
    int parameterCount;
    String optimizerKind;
    float[] optimizerHyper;
    /** The model's configuration and the training settings as text, compared by every member. */
    String modelSummary;
    String trainingSummary;
    String version;
    /** The UUID of the coordinator's member: when it leaves, the job is abandoned. */
    String coordinator;
    boolean stopRequested;

    Job() {
    }

    Job(String name, String description, DistConfig dist, ShardPlan plan, OptimizerSpec spec, String modelSummary,
        String trainingSummary, String coordinator) {
        this.name = name;
        this.description = description;
        this.workers = dist.workers();
        this.fetchEvery = dist.fetchEvery();
        this.pushEvery = dist.pushEvery();
        this.maxStaleness = dist.maxStaleness();
        this.maxSteps = dist.maxSteps();
        this.pushRetries = dist.pushRetries();
        this.shardSize = plan.shardSize();
        this.parameterCount = plan.parameterCount();
        this.optimizerKind = spec.kind();
        this.optimizerHyper = spec.hyperParameters();
        this.modelSummary = modelSummary;
        this.trainingSummary = trainingSummary;
        this.version = org.rnn4j.Version.VERSION;
        this.coordinator = coordinator;
    }

    /** The job's name: its maps are named after it. */
    public String name() {
        return name;
    }

    /** What the application published to rebuild the job on other members (e.g. a command line), or null. */
    public String description() {
        return description;
    }

    /** The number of workers (data shards) of the job. */
    public int workers() {
        return workers;
    }

    Job withStopRequested() {
        Job j = new Job();
        j.name = name;
        j.description = description;
        j.workers = workers;
        j.fetchEvery = fetchEvery;
        j.pushEvery = pushEvery;
        j.maxStaleness = maxStaleness;
        j.maxSteps = maxSteps;
        j.pushRetries = pushRetries;
        j.shardSize = shardSize;
        j.parameterCount = parameterCount;
        j.optimizerKind = optimizerKind;
        j.optimizerHyper = optimizerHyper;
        j.modelSummary = modelSummary;
        j.trainingSummary = trainingSummary;
        j.version = version;
        j.coordinator = coordinator;
        j.stopRequested = true;
        return j;
    }

    @Override
    public int getFactoryId() {
        return DistSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return DistSerialization.JOB;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(name);
        out.writeString(description);
        out.writeInt(workers);
        out.writeInt(fetchEvery);
        out.writeInt(pushEvery);
        out.writeInt(maxStaleness);
        out.writeLong(maxSteps);
        out.writeInt(pushRetries);
        out.writeInt(shardSize);
        out.writeInt(parameterCount);
        out.writeString(optimizerKind);
        out.writeFloatArray(optimizerHyper);
        out.writeString(modelSummary);
        out.writeString(trainingSummary);
        out.writeString(version);
        out.writeString(coordinator);
        out.writeBoolean(stopRequested);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        name = in.readString();
        description = in.readString();
        workers = in.readInt();
        fetchEvery = in.readInt();
        pushEvery = in.readInt();
        maxStaleness = in.readInt();
        maxSteps = in.readLong();
        pushRetries = in.readInt();
        shardSize = in.readInt();
        parameterCount = in.readInt();
        optimizerKind = in.readString();
        optimizerHyper = in.readFloatArray();
        modelSummary = in.readString();
        trainingSummary = in.readString();
        version = in.readString();
        coordinator = in.readString();
        stopRequested = in.readBoolean();
    }
}
