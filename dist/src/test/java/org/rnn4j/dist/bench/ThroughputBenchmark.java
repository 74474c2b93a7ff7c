package org.rnn4j.dist.bench;

import org.rnn4j.data.synthetic.AddingProblem;
import org.rnn4j.dist.DistConfig;
import org.rnn4j.dist.DistributedTrainer;
import org.rnn4j.dist.Member;
import org.rnn4j.dist.TrainingStats;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.train.TrainConfig;

/**
 * Server updates per second against the number of worker threads, on a small model (LSTM, hidden 16, adding
 * problem T = 10, batch 8: 1 233 parameters, one shard), one embedded member, fetch and push every update, one
 * compute thread per worker. Each worker trains 2 epochs of its share of 4 000 sequences, so every run applies
 * about 1 000 updates in all, timed from the workers' start to the last one's end. A first run with 2 workers warms
 * the JIT up and is not reported.
 *
 * <p>How to run: {@code scripts/bench-dist throughput [WORKERS...]} (default 1 2 4 8).
 */
public final class ThroughputBenchmark {

    public static void main(String[] args) {
        int[] counts = args.length == 0 ? new int[]{1, 2, 4, 8} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        AddingProblem data = new AddingProblem(10, 4000, 1);
        run(2, data);
        System.out.println("workers  updates  seconds  updates/s  mean staleness  staleness 0 / 1 / 2 / 3+");
        for (int workers : counts) {
            TrainingStats s = run(workers, data);
            long[] h = s.stalenessHistogram();
            long rest = 0;
            for (int i = 3; i < h.length; i++) {
                rest += h[i];
            }
            System.out.printf("%7d  %7d  %7.1f  %9.1f  %14.2f  %d / %d / %d / %d%n", workers, s.updates(), s.seconds(),
                    s.updatesPerSecond(), s.meanStaleness(), h[0], h[1], h[2], rest);
        }
    }

    static TrainingStats run(int workers, AddingProblem data) {
        TrainConfig config = TrainConfig.builder().epochs(2).batchSize(8).learningRate(0.01f).seed(1).build();
        DistConfig dist = DistConfig.builder().workers(workers).threads(workers)
                .member(Member.Options.defaults().withLogging("none")).build();
        DistributedTrainer.Result r = new DistributedTrainer(dist, config, new Adam(0.01f)).fit(
                compute -> SequenceModel.builder().cell(CellSpec.lstm()).inputSize(2).hiddenSize(16)
                        .head(Head.LAST_STEP).outputSize(1).seed(1).compute(compute).build(),
                data, null, null);
        return r.stats();
    }
}
