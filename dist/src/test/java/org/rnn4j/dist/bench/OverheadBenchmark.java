package org.rnn4j.dist.bench;

import org.rnn4j.dist.DistConfig;
import org.rnn4j.dist.DistributedTrainer;
import org.rnn4j.dist.Member;
import org.rnn4j.dist.TrainingStats;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.Subset;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The parameter server's cost per training step on config A of the speed anchors (LSTM I64 H256 B32 T100, a linear
 * head to one output: 330 241 parameters in 6 shards), with 2 workers of one compute thread each in one JVM on one
 * member, Adam. Two measures:
 *
 * <ul>
 *   <li>inside the workers, pushing and fetching every update (Downpour's n_push = n_fetch = 1, the default) and
 *       every 4th: time in pushes, fetches and progress records against time computing (batches, forward,
 *       backward, clipping), summed over the workers ({@link TrainingStats#serverFraction()});</li>
 *   <li>from outside: steps per second of the 2 workers against 2 single-JVM trainers of one thread each, side by
 *       side on the same data shards with Adam stepped locally (the baseline: the same work without a server).</li>
 * </ul>
 *
 * and, since waiting is not working on a shared machine (a waiting worker leaves its core to the other threads), the
 * CPU time of Hazelcast's threads (the partition threads apply the optimizer update; the others carry requests and
 * answers) against the CPU time of the worker threads, per mini-batch.
 *
 * Random inputs and targets (the numbers do not matter for the timing). A first run of each warms the JIT up.
 *
 * <p>How to run: {@code scripts/bench-dist overhead [STEPS]} (mini-batches per worker, default 40).
 */
public final class OverheadBenchmark {

    static final int B = 32;
    static final int T = 100;
    static final int I = 64;
    static final int H = 256;

    /** Random sequences and targets, the same for an index every time. */
    record RandomSequences(int size) implements Dataset {
        @Override
        public int size() {
            return size;
        }

        @Override
        public Batch batch(int[] indices) {
            Tensor x = Tensor.zeros(indices.length, T, I);
            Tensor y = Tensor.zeros(indices.length, 1);
            for (int b = 0; b < indices.length; b++) {
                SplittableRandom r = new SplittableRandom(indices[b]);
                for (int j = 0; j < T * I; j++) {
                    x.data()[b * T * I + j] = (float) (r.nextDouble() * 2 - 1);
                }
                y.data()[b] = (float) r.nextDouble();
            }
            int[] lengths = new int[indices.length];
            java.util.Arrays.fill(lengths, T);
            return Batch.withTargets(x, lengths, y);
        }

        @Override
        public String describe() {
            return "random sequences, T=" + T + ", " + I + " features";
        }
    }

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        Dataset data = new RandomSequences(2 * B * steps);
        Function<Compute, SequenceModel> factory = compute -> SequenceModel.builder().cell(CellSpec.lstm())
                .inputSize(I).hiddenSize(H).head(Head.LAST_STEP).outputSize(1).seed(1).compute(compute).build();
        System.out.printf("config A (LSTM I%d H%d B%d T%d), %d parameters, 2 workers of 1 thread, %d mini-batches each%n",
                I, H, B, T, factory.apply(Compute.serial()).parameters().size(), steps);
        local(factory, data, Math.min(steps, 10));
        distributed(factory, data, Math.min(steps, 10), 1);
        System.out.println("run                            steps/s  compute ms/step  server ms/step  server share"
                + "  | CPU ms/step: workers  Hazelcast  share");
        for (int round = 0; round < 3; round++) {
            double localRate = local(factory, data, steps);
            System.out.printf("2 single-JVM trainers          %8.2f%n", localRate);
            for (int every : new int[]{1, 4}) {
                CpuSampler cpu = new CpuSampler();
                TrainingStats s = distributed(factory, data, steps, every);
                cpu.close();
                long total = s.workers().stream().mapToLong(TrainingStats.WorkerReport::steps).sum();
                double workerCpu = cpu.used("rnn4j-worker") / 1e6 / total;
                double hazelcastCpu = cpu.used("hz.") / 1e6 / total;
                System.out.printf("2 workers, push/fetch every %d %8.2f  %15.1f  %14.1f  %11.1f%%  | %18.1f  %9.1f  %4.1f%%"
                                + "   (%+.1f%% steps/s against the trainers)%n", every, total / s.seconds(),
                        1000 * s.computeSeconds() / total, 1000 * s.serverSeconds() / total, 100 * s.serverFraction(),
                        workerCpu, hazelcastCpu, 100 * hazelcastCpu / (workerCpu + hazelcastCpu),
                        100 * (total / s.seconds() / localRate - 1));
            }
        }
        System.exit(0);
    }

    /**
     * Samples every thread's CPU time every 50 ms while it runs, so that threads that end before the run does (its
     * workers and Hazelcast's) are counted; {@link #used} gives the CPU time threads of a name used meanwhile.
     */
    static final class CpuSampler implements AutoCloseable {
        private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        private final Map<Long, String> names = new ConcurrentHashMap<>();
        private final Map<Long, Long> first = new ConcurrentHashMap<>();
        private final Map<Long, Long> last = new ConcurrentHashMap<>();
        private final Thread sampler;
        private volatile boolean done;

        CpuSampler() {
            sample();
            for (Map.Entry<Long, Long> e : last.entrySet()) {
                first.put(e.getKey(), e.getValue());   // threads alive at the start count from here, others from 0
            }
            sampler = new Thread(() -> {
                while (!done) {
                    sample();
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "cpu-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        private void sample() {
            for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
                if (t != null) {
                    long cpu = mx.getThreadCpuTime(t.getThreadId());
                    if (cpu > 0) {
                        names.put(t.getThreadId(), t.getThreadName());
                        last.merge(t.getThreadId(), cpu, Math::max);
                    }
                }
            }
        }

        /** CPU nanoseconds used since the start by the threads whose name starts with {@code prefix}. */
        long used(String prefix) {
            long sum = 0;
            for (Map.Entry<Long, Long> e : last.entrySet()) {
                if (names.get(e.getKey()).startsWith(prefix)) {
                    sum += e.getValue() - first.getOrDefault(e.getKey(), 0L);
                }
            }
            return sum;
        }

        @Override
        public void close() throws InterruptedException {
            done = true;
            sampler.join();
            sample();
        }
    }

    private static TrainConfig config() {
        return TrainConfig.builder().epochs(1).batchSize(B).learningRate(1e-3f).clipNorm(1.0).seed(1).build();
    }

    /** Steps per second of two trainers side by side, each on one thread and its half of the data. */
    static double local(Function<Compute, SequenceModel> factory, Dataset data, int steps) throws Exception {
        Thread[] threads = new Thread[2];
        long start = System.nanoTime();
        for (int w = 0; w < 2; w++) {
            int[] indices = new int[data.size() / 2];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = w + 2 * i;
            }
            Dataset shard = new Subset(data, indices, "half " + w);
            threads[w] = new Thread(() -> {
                SequenceModel model = factory.apply(Compute.serial());
                Trainer t = new Trainer(config(), new Adam(1e-3f));
                t.fit(model, shard, null, new org.rnn4j.train.TrainListener() {
                    @Override
                    public void onStep(StepRecord s, Trainer.Progress p) {
                        if (s.step() >= steps) {
                            t.requestStop();
                        }
                    }
                });
            });
            threads[w].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return 2.0 * steps / ((System.nanoTime() - start) / 1e9);
    }

    /** Two workers pushing and fetching every {@code every} updates (Downpour's n_push = n_fetch). */
    static TrainingStats distributed(Function<Compute, SequenceModel> factory, Dataset data, int steps, int every) {
        DistConfig dist = DistConfig.builder().workers(2).threads(2).pushEvery(every).fetchEvery(every).maxSteps(steps)
                .member(Member.Options.defaults().withLogging("none")).build();
        return new DistributedTrainer(dist, config(), new Adam(1e-3f)).fit(factory, data, null, null).stats();
    }
}
