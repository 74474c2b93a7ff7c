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
import org.rnn4j.loss.LossValue;
import org.rnn4j.loss.Losses;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.tensor.Tensor;

/**
 * The anchors' training step and inference call on config A's model (LSTM I = 64, H = 256, B = 32, a Linear(H→1)
 * head on the last step): inference is the forward pass; a training step is zeroing the gradients, forward, MSE,
 * backward and an Adam step. What {@code rnn4j bench} times, here for JMH's profilers. With
 * {@code -p steps=100,1000 -prof gc}, {@code gc.alloc.rate.norm} (bytes per call) shows that nothing is allocated
 * per time step at steady state: the bytes per call do not grow with T.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar TrainStepBench -p steps=100,1000 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class TrainStepBench {

    static final int I = 64;
    static final int H = 256;
    static final int B = 32;

    @Param({"100"})
    public int steps;

    @Param({"2"})
    public int threads;

    private Compute compute;
    private SequenceModel model;
    private Tensor x;
    private Tensor target;
    private final Adam adam = new Adam(1e-3f);

    @Setup(Level.Trial)
    public void setup() {
        if (threads == 1) {
            compute = Compute.serial(Kernels.select());
        } else {
            compute = Compute.withThreads(Kernels.select(), threads);
        }
        model = SequenceModel.builder().cell(CellSpec.lstm()).inputSize(I).hiddenSize(H).head(Head.LAST_STEP)
                .outputSize(1).seed(1).compute(compute).build();
        SplittableRandom rnd = new SplittableRandom(2);
        x = Tensor.zeros(B, steps, I);
        target = Tensor.zeros(B, 1);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < target.size(); i++) {
            target.data()[i] = (float) rnd.nextGaussian();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        compute.close();
    }

    @Benchmark
    public Tensor infer() {
        return model.forward(x);
    }

    @Benchmark
    public double trainStep() {
        model.parameters().zeroGrad();
        LossValue loss = Losses.meanSquaredError(model.forward(x), target);
        model.backward(loss.gradient(), false);
        adam.step(model.parameters());
        return loss.value();
    }
}
