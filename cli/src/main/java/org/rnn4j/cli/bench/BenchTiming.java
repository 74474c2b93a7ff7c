package org.rnn4j.cli.bench;

import java.util.Arrays;

/**
 * The times of the timed iterations of one measurement, in nanoseconds, summarised as bench_configs.py does:
 * median (the mean of the two middle values for an even count, like Python's {@code statistics.median}), min
 * and max.
 *
 * @param iters    timed iterations
 * @param warmup   untimed iterations before them
 * @param medianNs median
 * @param minNs    fastest
 * @param maxNs    slowest
 */
record BenchTiming(int iters, int warmup, double medianNs, double minNs, double maxNs) {

    /**
     * Runs {@code call} untimed at least warmup times and, when warmup is not 0, for at least minWarmupNanos (the
     * JIT compiles a cell's step loops only after thousands of iterations, so a few calls of a small config would
     * time the interpreter); then iters times, each timed on its own. The timing records the warm-up calls made.
     */
    static BenchTiming measure(Runnable call, int warmup, long minWarmupNanos, int iters) {
        int made = 0;
        long start = System.nanoTime();
        while (made < warmup || (warmup > 0 && System.nanoTime() - start < minWarmupNanos)) {
            call.run();
            made++;
        }
        System.gc();   // so that the garbage of the warm-up is not collected inside the timed iterations
        long[] ns = new long[iters];
        for (int i = 0; i < iters; i++) {
            long t0 = System.nanoTime();
            call.run();
            ns[i] = System.nanoTime() - t0;
        }
        return of(ns, made);
    }

    static BenchTiming of(long[] ns, int warmup) {
        if (ns.length == 0) {
            throw new IllegalArgumentException("no timed iterations");
        }
        long[] s = ns.clone();
        Arrays.sort(s);
        int n = s.length;
        double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
        return new BenchTiming(n, warmup, median, s[0], s[n - 1]);
    }

    double medianMs() {
        return medianNs / 1e6;
    }

    double minMs() {
        return minNs / 1e6;
    }

    double maxMs() {
        return maxNs / 1e6;
    }

    /** GFLOP/s at the median time for a call of the given FLOP count. */
    double gflops(long flops) {
        return flops / medianNs;
    }

    /** Thousands of time steps × sequences per second at the median time. */
    double kStepsPerSecond(long stepsTimesBatch) {
        return stepsTimesBatch / medianNs * 1e6;
    }
}
