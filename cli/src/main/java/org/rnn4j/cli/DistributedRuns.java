package org.rnn4j.cli;

import org.rnn4j.cli.options.ClusterOptions;
import org.rnn4j.dist.DistConfig;
import org.rnn4j.dist.DistributedListener;
import org.rnn4j.dist.DistributedProgress;
import org.rnn4j.dist.DistributedTrainer;
import org.rnn4j.dist.DistributedTrainingException;
import org.rnn4j.dist.TrainingStats;
import org.rnn4j.experiments.RunId;
import org.rnn4j.experiments.RunTrainer;
import org.rnn4j.experiments.Score;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.TrainConfig;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * An experiment's runs trained with {@code --workers N} (and {@code --cluster}): each run is a
 * {@link DistributedTrainer} job with the distribution of train's cluster options ({@link DistributedTrain#distConfig}),
 * its validation score and wall-clock time kept after every epoch. With --cluster the job carries the experiment's
 * description of the run, which members rebuild through {@link DistributedTrain#resolver()}.
 */
final class DistributedRuns implements RunTrainer {

    private final ClusterOptions cluster;
    private final PrintWriter out;

    DistributedRuns(ClusterOptions cluster, PrintWriter out) {
        this.cluster = cluster;
        this.out = out;
        cluster.workers();   // checked now, before any run
    }

    @Override
    public int workers() {
        return cluster.workers();
    }

    @Override
    public String describe() {
        return "asynchronous SGD: " + DistributedTrain.where(DistributedTrain.distConfig(cluster, 1).otherHosts(0).build(), cluster)
                + ", the runs one after another";
    }

    @Override
    public Trained train(RunId id, String description, Function<Compute, SequenceModel> factory, Dataset train,
                         Dataset validation, TrainConfig config, Optimizer optimizer, Score score, int threads) {
        Logger hazelcastLog = ClusterOptions.quietHazelcast();
        DistConfig dist = DistributedTrain.distConfig(cluster, threads)
                .description(cluster.hasCluster() ? description : null).build();
        List<Double> curve = new ArrayList<>();
        List<Double> epochSeconds = new ArrayList<>();
        String name = id.model() + " seed " + id.seed();
        long start = System.nanoTime();
        DistributedTrainer.Result r;
        try {
            r = new DistributedTrainer(dist, config, optimizer).fit(factory, train, validation,
                    new DistributedListener() {
                        @Override
                        public void onEpoch(DistributedProgress.Epoch e) {
                            curve.add(score.of(e.validation()));
                            epochSeconds.add((System.nanoTime() - start) / 1e9);
                        }

                        @Override
                        public void onEvent(String message) {
                            synchronized (out) {
                                out.println("  " + name + ": " + message);
                                out.flush();
                            }
                        }
                    });
        } catch (DistributedTrainingException e) {
            throw new IllegalStateException(name + ": " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        TrainingStats stats = r.stats();
        List<String> unfinished = stats.workers().stream().filter(w -> !w.status().equals("finished"))
                .map(w -> "worker " + w.worker() + " " + w.status() + (w.failure() == null ? "" : " (" + w.failure()
                        + ")")).toList();
        if (!unfinished.isEmpty()) {
            throw new IllegalStateException(name + " did not train to the end: " + String.join(", ", unfinished)
                    + "; " + stats.summary());
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("updates", stats.updates());
        extras.put("updates_per_second", stats.updatesPerSecond());
        extras.put("mean_staleness", stats.meanStaleness());
        extras.put("members_lost", (long) stats.membersLost());
        java.lang.ref.Reference.reachabilityFence(hazelcastLog);   // JUL keeps loggers weakly: the level must hold
        return new Trained(r.model(), curve, epochSeconds, seconds, extras);
    }
}
