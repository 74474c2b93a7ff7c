package org.rnn4j.dist;

import java.util.List;

/**
 * What a distributed run did.
 *
 * @param pushes             pushes sent by the workers (each to every shard)
 * @param updates            pushes applied (by at least one shard): the server's optimizer updates, each counted
 *                           once even when a retry or a takeover sent it again
 * @param duplicates         shard-pushes dropped as already applied (retries, takeovers)
 * @param stale              shard-pushes refused as too stale (then the worker fetched again)
 * @param notFinite          shard-pushes refused for holding NaN or Inf (the workers check first; expected 0)
 * @param seconds            wall time from the workers' start to the last one's end (members and shards set up
 *                           before)
 * @param stalenessHistogram pushes by staleness: [s] for s other workers' updates between the pusher's fetch and its
 *                           push (the largest over the shards), the last bucket for that many or more
 * @param membersLost        members that left the cluster during training
 * @param shardsLost         shards missing at the end (0 unless more members died at once than there are backups)
 * @param events             member losses, takeovers, failures, checkpoints, in order
 * @param workers            how each worker ended
 * @param serverSeconds      the workers' time in pushes, fetches and progress records, summed over workers
 * @param computeSeconds     the workers' time computing (batches, forward, backward, clipping), summed over workers
 */
public record TrainingStats(long pushes, long updates, long duplicates, long stale, long notFinite, double seconds,
                            long[] stalenessHistogram, int membersLost, int shardsLost, List<String> events,
                            List<WorkerReport> workers, double serverSeconds, double computeSeconds) {

    /**
     * How one worker ended.
     *
     * @param status  {@code finished}, {@code stopped} (maxSteps or a stop request), {@code failed}
     * @param steps   mini-batches it trained (counting those of a takeover)
     * @param pushes  pushes it sent (its last sequence number)
     * @param failure the reason it failed, or null
     * @param member  the address of the member it ended on
     */
    public record WorkerReport(int worker, String status, long steps, long pushes, String failure, String member) {
    }

    /** Server updates per second. */
    public double updatesPerSecond() {
        return seconds > 0 ? updates / seconds : 0;
    }

    /** The share of the workers' time spent talking to the server (pushes, fetches, progress records). */
    public double serverFraction() {
        double all = serverSeconds + computeSeconds;
        return all > 0 ? serverSeconds / all : 0;
    }

    /** Mean staleness over the pushes (the last histogram bucket counted at its lower edge). */
    public double meanStaleness() {
        return meanStaleness(stalenessHistogram);
    }

    static double meanStaleness(long[] histogram) {
        long n = 0;
        double sum = 0;
        for (int s = 0; s < histogram.length; s++) {
            n += histogram[s];
            sum += (double) s * histogram[s];
        }
        return n == 0 ? 0 : sum / n;
    }

    /** One line: updates, rate, staleness, the server's share of the workers' time, losses. */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "%d updates in %.1f s (%.1f/s), %d pushes, mean staleness %.2f,"
                        + " server %.1f%% of the workers' time, %d duplicates dropped, %d stale refused, %d %s lost, %d"
                        + " %s lost", updates, seconds, updatesPerSecond(), pushes, meanStaleness(),
                100 * serverFraction(), duplicates, stale, membersLost, membersLost == 1 ? "member" : "members",
                shardsLost, shardsLost == 1 ? "shard" : "shards");
    }
}
