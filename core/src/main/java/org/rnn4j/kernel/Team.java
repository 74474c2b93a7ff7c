package org.rnn4j.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Worker threads of one {@link Compute} that take the parts of a product without an executor's hand-off costs. A
 * worker that has just finished a part spins for {@value #SPIN_NANOS} ns waiting for the next one before it parks,
 * so the products of consecutive time steps (tens to hundreds of microseconds apart) reach a running thread
 * instead of waking a parked one (several microseconds each way). Nothing is allocated per product: the caller
 * writes the work into the shared {@link Job} and publishes it with one volatile write per worker.
 *
 * <p>A part no worker has started when the caller has finished its own is run by the caller: a worker that is
 * not on a core (more busy threads than cores) costs at most the serial time, never a wait for the scheduler.
 *
 * <p>One product at a time: {@link #tryAcquire()} fails while another thread is using the team (or a product
 * is called from inside a part), and the caller then computes everything alone.
 */
final class Team {

    /** How long an idle worker spins before parking. */
    static final long SPIN_NANOS = 200_000;

    /** A part of the current product; run by worker {@code part - 1} or, for part 0, by the caller. */
    interface Job {
        void run(int part);
    }

    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean closed;
    private Job job;   // written by the holder of busy before publishing, read by workers after
    private long generation;   // also the number of runs so far; written by the holder of busy

    Team(int size, String name) {
        workers = new Worker[size];
        for (int i = 0; i < size; i++) {
            workers[i] = new Worker(this, i + 1, name + "-" + (i + 1));
            workers[i].start();
        }
    }

    /** Runs so far (read by the thread that makes them). */
    long runs() {
        return generation;
    }

    /** Workers besides the caller. */
    int size() {
        return workers.length;
    }

    /** Claims the team for one product; false if it is in use or closed. */
    boolean tryAcquire() {
        return !closed && busy.compareAndSet(false, true);
    }

    /**
     * Runs parts 1 … {@code parts - 1} of {@code job} on the workers and part 0 on the calling thread, and returns
     * when all are done; rethrows the first failure. Needs {@link #tryAcquire()} first, and releases the team.
     */
    void run(Job job, int parts) {
        try {
            this.job = job;
            long g = ++generation;
            int helpers = Math.min(parts - 1, workers.length);
            for (int i = 0; i < helpers; i++) {
                workers[i].failure = null;
                workers[i].publish(g);
            }
            Throwable failure = null;
            try {
                job.run(0);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            for (int i = 0; i < helpers; i++) {
                Worker w = workers[i];
                if (w.claim(g)) {   // not started: do it here
                    try {
                        job.run(w.part);
                    } catch (RuntimeException | Error e) {
                        if (failure == null) {
                            failure = e;
                        }
                    }
                    continue;
                }
                int spins = 0;
                while (w.done != g) {
                    if (++spins < 1 << 16) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield();   // the worker has been descheduled (more threads than cores)
                    }
                }
                if (failure == null) {
                    failure = w.failure;
                }
            }
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            if (failure instanceof Error err) {
                throw err;
            }
        } finally {
            this.job = null;
            busy.set(false);
        }
    }

    /** Stops the workers; later products run on the caller alone. */
    void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    private static final class Worker extends Thread {
        private final Team team;
        private final int part;
        private volatile long published;
        private final AtomicLong claimed = new AtomicLong();   // the latest generation someone took to run
        private volatile long done;
        private volatile boolean parked;
        private volatile Throwable failure;

        Worker(Team team, int part, String name) {
            super(name);
            this.team = team;
            this.part = part;
            setDaemon(true);
        }

        /** Takes part g for the calling thread; false if it was taken already. */
        boolean claim(long g) {
            long c = claimed.get();
            return c < g && claimed.compareAndSet(c, g);
        }

        void publish(long g) {
            published = g;
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            long seen = 0;
            long idleSince = System.nanoTime();
            int spins = 0;
            while (!team.closed) {
                long g = published;
                if (g == seen) {
                    if ((++spins & 63) != 0 || System.nanoTime() - idleSince < SPIN_NANOS) {
                        Thread.onSpinWait();
                        continue;
                    }
                    // publish() writes `published` then reads `parked`; we write `parked` then read `published`:
                    // one of the two sees the other's write, so a published part is never slept through
                    parked = true;
                    if (published == seen && !team.closed) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                    continue;
                }
                seen = g;
                if (claim(g)) {
                    try {
                        team.job.run(part);
                    } catch (Throwable t) {
                        failure = t;
                    }
                    done = g;
                }
                idleSince = System.nanoTime();
                spins = 0;
            }
        }
    }
}
