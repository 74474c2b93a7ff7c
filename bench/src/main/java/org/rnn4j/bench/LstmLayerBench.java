package org.rnn4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.tensor.Tensor;

/**
 * One LSTM layer at config A of shared/anchors/RESULTS.md (I = 64, H = 256, B = 32, T = 100): a forward pass
 * (inference) and a forward plus full BPTT backward pass (the training step minus the head and the optimizer),
 * scalar reference kernels (the baseline) against the Vector API kernels, on one and two threads.
 *
 * <p>How to run (build first with {@code scripts/test}, or {@code mvn -pl bench -am package -DskipTests}):
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar LstmLayerBench
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar LstmLayerBench -p kernels=vector
 * </pre>
 *
 * <p>Scores are milliseconds per call. RESULTS.md's FLOP model counts the matrix products only: a forward pass
 * is 2·B·T·(I + H)·4H = 2.097 GFLOP and forward plus backward 3× that, so
 * {@code GFLOP/s = 2.097 / (ms / 1000)} for {@code forward} and {@code 6.291 / (ms / 1000)} for
 * {@code forwardBackward}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class LstmLayerBench {

    static final int I = 64;
    static final int H = 256;
    static final int B = 32;
    /** Steps T; other values (e.g. {@code -p steps=100,1000 -prof gc}) show that bytes allocated per call do not grow with T. */
    @Param({"100"})
    public int steps;

    @Param({"scalar", "vector"})
    public String kernels;

    @Param({"1", "2"})
    public int threads;

    private Compute compute;
    private Recurrent lstm;
    private Tensor x;
    private Tensor dy;

    @Setup(Level.Trial)
    public void setup() {
        Kernels k = kernels.equals("scalar") ? Kernels.scalar() : Kernels.select();
        if (kernels.equals("vector") && k == Kernels.scalar()) {
            throw new IllegalStateException("the Vector API is not available: run with --add-modules jdk.incubator.vector");
        }
        if (threads == 1) {
            compute = Compute.serial(k);
        } else {
            compute = Compute.withThreads(k, threads);
        }
        lstm = Recurrent.builder().cell(CellSpec.lstm()).inputSize(I).hiddenSize(H).seed(1).compute(compute).build();
        SplittableRandom rnd = new SplittableRandom(2);
        x = Tensor.zeros(B, steps, I);
        dy = Tensor.zeros(B, steps, H);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < dy.size(); i++) {
            dy.data()[i] = (float) rnd.nextGaussian() * 0.01f;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        compute.close();
    }

    /** Inference: forward over all 100 steps. */
    @Benchmark
    public Tensor forward() {
        return lstm.forward(x).output();
    }

    /** Forward and full backpropagation through time, gradients of all parameters and of the input. */
    @Benchmark
    public Tensor forwardBackward() {
        lstm.forward(x);
        lstm.parameters().zeroGrad();
        return lstm.backward(dy, null, null).dx();
    }
}
