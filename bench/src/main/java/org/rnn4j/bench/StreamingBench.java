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
import org.rnn4j.nn.RecurrentStream;
import org.rnn4j.tensor.Tensor;

/**
 * Batch-1 streaming: one step of an LSTM (I = 64, H = 256) per call of {@link RecurrentStream#step}, the state
 * carried from call to call, as a sensor feeding readings one at a time would use it. The peer number is
 * PyTorch's {@code nn.LSTMCell} at batch 1 ({@code bench/pytorch/run_stream.sh}).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar StreamingBench -prof gc
 * </pre>
 * With {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class StreamingBench {

    static final int I = 64;
    static final int H = 256;
    static final int INPUTS = 64;

    @Param({"vector"})
    public String kernels;

    @Param({"1", "2"})
    public int threads;

    private Compute compute;
    private RecurrentStream stream;
    private Tensor[] xs;
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        Kernels k = kernels.equals("scalar") ? Kernels.scalar() : Kernels.select();
        if (threads == 1) {
            compute = Compute.serial(k);
        } else {
            compute = Compute.withThreads(k, threads);
        }
        Recurrent lstm = Recurrent.builder().cell(CellSpec.lstm()).inputSize(I).hiddenSize(H).seed(1)
                .compute(compute).build();
        stream = lstm.stream(1);
        SplittableRandom rnd = new SplittableRandom(2);
        xs = new Tensor[INPUTS];
        for (int i = 0; i < INPUTS; i++) {
            xs[i] = Tensor.zeros(1, I);
            for (int j = 0; j < I; j++) {
                xs[i].data()[j] = (float) rnd.nextGaussian();
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        compute.close();
    }

    /** One step of one stream. */
    @Benchmark
    public Tensor step() {
        return stream.step(xs[next++ & (INPUTS - 1)]);
    }

    private final Tensor out = Tensor.zeros(1, H);

    /** One step written into the caller's output tensor: nothing allocated. */
    @Benchmark
    public Tensor stepInto() {
        stream.step(xs[next++ & (INPUTS - 1)], null, out);
        return out;
    }
}
