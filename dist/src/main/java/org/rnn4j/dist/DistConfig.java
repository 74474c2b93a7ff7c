package org.rnn4j.dist;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link DistributedTrainer} distributes training; what it trains is a {@link org.rnn4j.train.TrainConfig}.
 *
 * @param workers         model replicas, each training on its own data shard (sequence index mod workers)
 * @param fetchEvery      a worker fetches the parameters every this many updates (Downpour's n_fetch)
 * @param pushEvery       a worker pushes its gradients, summed, every this many updates (Downpour's n_push)
 * @param maxStaleness    a shard refuses a push when more than this many updates of other workers came in since
 *                        the worker's fetch, and the worker fetches again instead; -1 for no limit
 * @param shards          parameter shards; 0 for shards of about {@link ShardPlan#DEFAULT_SHARD_SIZE} floats
 * @param localMembers    Hazelcast members to start in this JVM (workers are spread over them round robin)
 * @param member          how those members start: cluster name, bind address, port, other members, backups
 * @param threads         compute threads in all, split evenly between the workers (at least one each)
 * @param checkpoint      where to write a checkpoint of every shard and every worker's progress; null for none
 * @param checkpointEvery how often to write it (it is also written when training ends)
 * @param resumeFrom      a checkpoint to continue from; null to start afresh
 * @param maxSteps        each worker stops after this many mini-batches in all (0: no limit), at a batch boundary,
 *                        so a checkpoint written then resumes exactly
 * @param pushRetries     how often a worker repeats a push that failed while its member is alive (the same
 *                        sequence number, so no shard applies it twice)
 * @param description     what members in other JVMs need to rebuild the job (their {@link JobResolver} reads it),
 *                        published with it; null to run every worker in this JVM
 * @param otherHosts      members of other JVMs that host workers to wait for (up to 10 s) before the workers are
 *                        assigned; fewer is an error naming the members asked for. 0 to start with whoever is there
 */
public record DistConfig(int workers, int fetchEvery, int pushEvery, int maxStaleness, int shards, int localMembers,
                         Member.Options member, int threads, Path checkpoint, Duration checkpointEvery,
                         Path resumeFrom, long maxSteps, int pushRetries, String description,
                         int otherHosts) {

    public DistConfig {
        if (workers < 1) {
            throw new IllegalArgumentException("at least one worker is needed, got " + workers);
        }
        if (fetchEvery < 1 || pushEvery < 1) {
            throw new IllegalArgumentException("fetchEvery and pushEvery must be ≥ 1, got " + fetchEvery + " and "
                    + pushEvery);
        }
        if (maxStaleness < -1) {
            throw new IllegalArgumentException("maxStaleness must be ≥ 0, or -1 for no limit, got " + maxStaleness);
        }
        if (shards < 0) {
            throw new IllegalArgumentException("the shard count must be ≥ 1, or 0 for the default size, got " + shards);
        }
        if (localMembers < 1) {
            throw new IllegalArgumentException("at least one local member is needed, got " + localMembers);
        }
        if (member == null) {
            member = Member.Options.defaults();
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        }
        if (checkpointEvery == null || checkpointEvery.isNegative() || checkpointEvery.isZero()) {
            throw new IllegalArgumentException("the checkpoint interval must be positive, got " + checkpointEvery);
        }
        if (otherHosts < 0) {
            throw new IllegalArgumentException("the number of other hosts to wait for must be ≥ 0, got " + otherHosts);
        }
        if (otherHosts > 0 && description == null) {
            throw new IllegalArgumentException("members of other JVMs can only take workers of a job with a description");
        }
        if (maxSteps < 0 || pushRetries < 0) {
            throw new IllegalArgumentException("maxSteps and pushRetries must be ≥ 0, got " + maxSteps + " and "
                    + pushRetries);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Defaults: 1 worker, fetch and push every update, no staleness limit, default shards, one local member with
     * {@link Member.Options#defaults()}, all available processors, no checkpoint (every 60 s when set), 5 retries,
     * no description (all workers in this JVM).
     */
    public static final class Builder {
        private int workers = 1;
        private int fetchEvery = 1;
        private int pushEvery = 1;
        private int maxStaleness = -1;
        private int shards;
        private int localMembers = 1;
        private Member.Options member;
        private int threads = Runtime.getRuntime().availableProcessors();
        private Path checkpoint;
        private Duration checkpointEvery = Duration.ofSeconds(60);
        private Path resumeFrom;
        private long maxSteps;
        private int pushRetries = 5;
        private String description;
        private int otherHosts;

        private Builder() {
        }

        public Builder workers(int n) {
            workers = n;
            return this;
        }

        public Builder fetchEvery(int n) {
            fetchEvery = n;
            return this;
        }

        public Builder pushEvery(int n) {
            pushEvery = n;
            return this;
        }

        public Builder maxStaleness(int k) {
            maxStaleness = k;
            return this;
        }

        public Builder shards(int n) {
            shards = n;
            return this;
        }

        public Builder localMembers(int n) {
            localMembers = n;
            return this;
        }

        public Builder member(Member.Options o) {
            member = o;
            return this;
        }

        public Builder threads(int n) {
            threads = n;
            return this;
        }

        public Builder checkpoint(Path file, Duration every) {
            checkpoint = file;
            checkpointEvery = every;
            return this;
        }

        public Builder resumeFrom(Path file) {
            resumeFrom = file;
            return this;
        }

        public Builder maxSteps(long n) {
            maxSteps = n;
            return this;
        }

        public Builder pushRetries(int n) {
            pushRetries = n;
            return this;
        }

        /**
         * Publishes the job with this description, so that the {@link WorkerHost}s of other members (their
         * {@link JobResolver}) can rebuild it and take workers; without one, every worker runs in this JVM.
         */
        public Builder description(String d) {
            description = d;
            return this;
        }

        /** Waits for {@code n} members of other JVMs that host workers before assigning the workers (see above). */
        public Builder otherHosts(int n) {
            otherHosts = n;
            return this;
        }

        public DistConfig build() {
            return new DistConfig(workers, fetchEvery, pushEvery, maxStaleness, shards, localMembers, member, threads,
                    checkpoint, checkpointEvery, resumeFrom, maxSteps, pushRetries, description, otherHosts);
        }
    }
}
