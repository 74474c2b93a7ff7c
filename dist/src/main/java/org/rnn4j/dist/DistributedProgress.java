package org.rnn4j.dist;

import org.rnn4j.train.Trainer;

import java.util.List;

/**
 * A distributed run as its coordinator sees it, about once a second: the server's updates, the staleness of the
 * pushes, the members alive, and where each worker is.
 *
 * @param seconds       since the workers started
 * @param updates       pushes applied by the server so far
 * @param pushes        pushes sent so far
 * @param meanStaleness over the pushes so far
 * @param members       members of the cluster now
 * @param workers       each worker's status, member and progress
 */
public record DistributedProgress(double seconds, long updates, long pushes, double meanStaleness, int members,
                                  List<WorkerProgress> workers) {

    /**
     * One worker.
     *
     * @param status {@code assigned} (waiting for its member to start it), {@code running}, {@code finished},
     *               {@code stopped}, {@code failed}
     * @param member the address of the member that runs it
     * @param epoch  its epoch (0-based) and its mini-batches in all
     * @param loss   its mean training loss in the current epoch so far (the last epoch's at an epoch's start)
     */
    public record WorkerProgress(int worker, String status, String member, int epoch, long step, double loss,
                                 double metric) {
    }

    /**
     * Every worker has finished epoch {@code epoch} (0-based; those that failed or stopped do not count).
     *
     * @param trainLoss  the mean over the workers of their mean training loss in that epoch, likewise trainMetric
     * @param validation the server's parameters on the validation data when the coordinator saw the epoch end (the
     *                   workers may have gone on a little; epochs that ended between two of its looks share one
     *                   evaluation), or null without validation data
     */
    public record Epoch(int epoch, double trainLoss, double trainMetric, Trainer.Evaluation validation,
                        DistributedProgress progress) {
    }

    /** Mini-batches trained by all workers. */
    public long steps() {
        return workers.stream().mapToLong(WorkerProgress::step).sum();
    }

    public double updatesPerSecond() {
        return seconds > 0 ? updates / seconds : 0;
    }

    /** The mean of the running workers' current losses (NaN when none reports one). */
    public double loss() {
        return workers.stream().filter(w -> !Double.isNaN(w.loss())).mapToDouble(WorkerProgress::loss).average()
                .orElse(Double.NaN);
    }

    /** The number of workers with this status. */
    public long count(String status) {
        return workers.stream().filter(w -> w.status().equals(status)).count();
    }
}
