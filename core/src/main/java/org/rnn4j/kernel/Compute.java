package org.rnn4j.kernel;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The kernels a model computes with, and the threads it may use.
 *
 * <p>Matrix products large enough to pay for a hand-off are split by rows of the output C into {@code threads}
 * contiguous chunks: the calling thread computes the first chunk and the executor the others. Each output
 * element is computed by exactly one kernel call, so the numbers depend on the thread count only through the
 * chunk boundaries: the same seed and the same thread count always give the same results.
 *
 * <p>Calling from inside the executor's own threads is safe: chunks no pool thread has started are run by the
 * caller. A closed Compute keeps working on the calling thread alone.
 *
 * <p>Lifecycle: a Compute made by {@link #withThreads(int)} owns its pool and must be {@link #close() closed};
 * one made by {@link #using(Kernels, ExecutorService, int)} borrows the caller's executor and never shuts it
 * down. {@link #serial()} needs no closing.
 */
public final class Compute implements AutoCloseable {

    /** Products below this many multiply-adds run on the calling thread alone. */
    private static final long PARALLEL_MIN_MACS = 1L << 16;

    private final Kernels kernels;
    private final ExecutorService executor;
    private final int threads;
    private final boolean ownsExecutor;

    private Compute(Kernels kernels, ExecutorService executor, int threads, boolean ownsExecutor) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (threads > 1 && executor == null) {
            throw new IllegalArgumentException("an executor is needed for " + threads + " threads");
        }
        this.kernels = kernels;
        this.executor = executor;
        this.threads = threads;
        this.ownsExecutor = ownsExecutor;
    }

    /** One thread, the best available kernels ({@link Kernels#select()}). */
    public static Compute serial() {
        return new Compute(Kernels.select(), null, 1, false);
    }

    /** One thread, the given kernels. */
    public static Compute serial(Kernels kernels) {
        return new Compute(kernels, null, 1, false);
    }

    /** The best available kernels on {@code threads} threads of a pool this Compute owns (close it). */
    public static Compute withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (threads == 1) {
            return serial();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "rnn4j-compute");
            t.setDaemon(true);
            return t;
        });
        return new Compute(Kernels.select(), pool, threads, true);
    }

    /** The given kernels on {@code threads} threads: the caller's plus {@code threads - 1} tasks on the executor. */
    public static Compute using(Kernels kernels, ExecutorService executor, int threads) {
        return new Compute(kernels, executor, threads, false);
    }

    public Kernels kernels() {
        return kernels;
    }

    public int threads() {
        return threads;
    }

    /** C (m, n) += A (m, k) · B (k, n), split over rows of C. */
    public void multAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc) {
        splitRows(m, (long) m * n * k, (lo, hi) -> kernels.multAdd(hi - lo, n, k,
                a, aOff + lo * lda, lda, b, bOff, ldb, c, cOff + lo * ldc, ldc));
    }

    /** C (m, n) += Aᵀ · B with A (k, m), B (k, n), split over rows of C (columns of A). */
    public void multTransAAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        splitRows(m, (long) m * n * k, (lo, hi) -> kernels.multTransAAdd(hi - lo, n, k,
                a, aOff + lo, lda, b, bOff, ldb, c, cOff + lo * ldc, ldc));
    }

    /** C (m, n) += A (m, k) · Bᵀ with B (n, k), split over rows of C. */
    public void multTransBAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        splitRows(m, (long) m * n * k, (lo, hi) -> kernels.multTransBAdd(hi - lo, n, k,
                a, aOff + lo * lda, lda, b, bOff, ldb, c, cOff + lo * ldc, ldc));
    }

    @FunctionalInterface
    private interface RowRange {
        void run(int lo, int hi);
    }

    private void splitRows(int m, long macs, RowRange body) {
        int parts = Math.min(threads, m);
        if (parts <= 1 || macs < PARALLEL_MIN_MACS) {
            if (m > 0) {
                body.run(0, m);
            }
            return;
        }
        // Chunks 1.. are offered to the executor; the caller computes chunk 0 and then runs every offered chunk
        // no pool thread has started yet. So a call made from inside the executor's own threads cannot deadlock,
        // and a refused or shut-down executor just means the caller does all the work.
        java.util.concurrent.FutureTask<?>[] tasks = new java.util.concurrent.FutureTask<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            int lo = chunkStart(m, parts, p);
            int hi = chunkStart(m, parts, p + 1);
            tasks[p - 1] = new java.util.concurrent.FutureTask<>(() -> body.run(lo, hi), null);
            try {
                executor.execute(tasks[p - 1]);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the caller runs it below
            }
        }
        Throwable failure = null;
        try {
            body.run(0, chunkStart(m, parts, 1));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        boolean interrupted = false;
        for (java.util.concurrent.FutureTask<?> task : tasks) {
            task.run();   // does nothing if a pool thread has started or finished it
            while (true) {
                try {
                    task.get();
                    break;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause();
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;   // every chunk must finish before C is handed back
                } catch (java.util.concurrent.CancellationException e) {
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("a compute task failed", failure);
        }
    }

    /** Start row of chunk p of m rows split into parts nearly equal chunks, aligned to 8 rows where possible. */
    private static int chunkStart(int m, int parts, int p) {
        if (p >= parts) {
            return m;
        }
        int start = (int) ((long) m * p / parts);
        int aligned = (start + 4) & ~7;
        return (aligned > 0 && aligned < m) ? aligned : start;
    }

    @Override
    public void close() {
        if (ownsExecutor) {
            executor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "Compute[" + kernels.name() + ", threads=" + threads + "]";
    }
}
