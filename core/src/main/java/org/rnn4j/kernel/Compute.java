package org.rnn4j.kernel;

/**
 * The kernels a model computes with, and the threads it may use.
 *
 * <p>Matrix products large enough to pay for a hand-off are split by rows of the output C into {@code threads}
 * contiguous chunks: the calling thread computes the first chunk and the Compute's own worker threads the others. Each output
 * element is computed by exactly one kernel call, so the numbers depend on the thread count only through the
 * chunk boundaries: the same seed and the same thread count always give the same results.
 *
 * <p>Each thread computes with kernels of its own ({@link Kernels#forThread()}), so no kernel scratch is shared
 * and none is kept in static or thread-local fields: a Compute may be driven from any thread, virtual ones and
 * another engine's included. It serves one calling thread at a time, as the model that holds it does. A closed
 * Compute keeps working on the calling thread alone.
 *
 * <p>A product with few rows and many columns (a recurrent step's h·W_hhᵀ: B rows, 4H columns) is split by
 * columns instead, so that each thread reads only its part of the weights, which then stays in that core's L2
 * cache from step to step; column chunks start at multiples of 48 so that each output element goes through the
 * same kernel path as on one thread.
 *
 * <p>{@link #withThreads(int)} runs the chunks on a {@link Team} of its own spinning worker threads: no task
 * objects, queues or wake-ups per product, which matter when a product takes tens of microseconds (one time
 * step). A thread pool was measured against it and removed: a recurrent step's product ran 1.6–2.1× slower
 * handed to a pool (see {@code docs/performance.md}).
 *
 * <p>Lifecycle: a Compute made by {@link #withThreads(int)} owns its threads and must be {@link #close() closed};
 * {@link #serial()} needs no closing.
 */
public final class Compute implements AutoCloseable {

    /** Products below this many multiply-adds run on the calling thread alone. */
    private static final long PARALLEL_MIN_MACS = 1L << 16;

    /** Products with fewer rows than this (and more columns than rows) are split by columns. */
    private static final int COLUMN_SPLIT_MAX_ROWS = 64;
    /** Column chunks start at multiples of this: the row block of VectorKernels' dot products. */
    private static final int COLUMN_ALIGN = 48;

    private final Kernels kernels;          // for direct use by the thread driving the model (kernels())
    // the products' kernels: a calling thread borrows the spare for the time of one call (a second thread calling
    // at the same time gets an instance of its own), and in a team run part p > 0 computes with partKernels[p]
    private final java.util.concurrent.atomic.AtomicReference<Kernels> spare;
    private final Kernels[] partKernels;    // [0] set to the holder's borrowed kernels for the time of a team run
    private final int threads;
    private final Team team;
    private final Product product;   // the team's current product; guarded by the team's claim
    private final Rows rows;         // the team's current row task; guarded by the team's claim
    private final Step step;         // the team's current recurrent step; guarded by the team's claim
    private final WholeUnits wholeUnits = new WholeUnits();   // guarded by the team's claim
    private final UnitChunks unitChunks = new UnitChunks();   // guarded by the team's claim

    private Compute(Kernels kernels, int threads, Team team) {
        this.kernels = java.util.Objects.requireNonNull(kernels, "kernels");
        this.spare = new java.util.concurrent.atomic.AtomicReference<>(kernels.forThread());
        this.partKernels = new Kernels[threads];
        for (int p = 1; p < threads; p++) {
            partKernels[p] = kernels.forThread();
        }
        this.threads = threads;
        this.team = team;
        this.product = team == null ? null : new Product();
        this.rows = team == null ? null : new Rows();
        this.step = team == null ? null : new Step();
    }

    /** One thread, the best available kernels ({@link Kernels#select()}). */
    public static Compute serial() {
        return new Compute(Kernels.select(), 1, null);
    }

    /** One thread, the given kernels (used by this Compute's calling thread only from now on). */
    public static Compute serial(Kernels kernels) {
        return new Compute(kernels, 1, null);
    }

    /** The best available kernels on {@code threads} threads, {@code threads - 1} of them its own (close it). */
    public static Compute withThreads(int threads) {
        return withThreads(Kernels.select(), threads);
    }

    /**
     * The given kernels on {@code threads} threads, {@code threads - 1} of them its own (close it): the calling
     * thread computes with {@code kernels}, each worker with its own {@link Kernels#forThread() instance}.
     */
    public static Compute withThreads(Kernels kernels, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (threads == 1) {
            return serial(kernels);
        }
        return new Compute(kernels, threads, new Team(threads - 1, "rnn4j-compute"));
    }

    /**
     * The kernels for direct calls (elementwise work, small products) by the one thread driving the model that holds
     * this Compute. The Compute's own products compute with other instances.
     */
    public Kernels kernels() {
        return kernels;
    }

    public int threads() {
        return threads;
    }

    /**
     * How many times this Compute has handed work to its threads so far (each product, step or row task split
     * between them counts once; work done by the caller alone does not): how often the cores met. Read it from the
     * thread that drives the computation.
     */
    public long handOffs() {
        return team == null ? 0 : team.runs();
    }

    /** C (m, n) += A (m, k) · B (k, n), split over rows of C. */
    public void multAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc) {
        if (alone(m, n, k)) {
            Kernels own = borrow();
            try {
                own.multAdd(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            } finally {
                giveBack(own);
            }
        } else {
            run(Op.MULT, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, Math.min(threads, m), 0);
        }
    }

    /** C (m, n) += Aᵀ · B with A (k, m), B (k, n), split over rows of C (columns of A). */
    public void multTransAAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        if (alone(m, n, k)) {
            Kernels own = borrow();
            try {
                own.multTransAAdd(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            } finally {
                giveBack(own);
            }
        } else {
            run(Op.TRANS_A, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, Math.min(threads, m), 0);
        }
    }

    /** C (m, n) += A (m, k) · Bᵀ with B (n, k), split over rows of C, or over columns when it has few rows. */
    public void multTransBAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        if (alone(m, n, k)) {
            Kernels own = borrow();
            try {
                own.multTransBAdd(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            } finally {
                giveBack(own);
            }
        } else if (m < COLUMN_SPLIT_MAX_ROWS && n > m) {
            run(Op.TRANS_B_COLUMNS, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc,
                    Math.min(threads, (n + COLUMN_ALIGN - 1) / COLUMN_ALIGN), COLUMN_ALIGN);
        } else {
            run(Op.TRANS_B, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, Math.min(threads, m), 0);
        }
    }

    /**
     * C (m, n) += A (m, k) · B (k, n) for B packed ({@link PackedMatrix}, packed with these kernels), split by
     * column blocks of the packed layout, so that each thread reads only its part of B.
     */
    public void multAddPacked(int m, float[] a, int aOff, int lda, PackedMatrix b, float[] c, int cOff, int ldc) {
        multAddPacked(m, a, aOff, lda, b, 0, b.rows(), c, cOff, ldc);
    }

    /** C (m, n) += A (m, p1 − p0) · B (p0:p1, :), rows [p0, p1) of a packed B, split as the whole product. */
    public void multAddPacked(int m, float[] a, int aOff, int lda, PackedMatrix b, int p0, int p1, float[] c,
                              int cOff, int ldc) {
        checkPacked(b, p0, p1);
        int k = b.rows();
        int n = b.columns();
        if (alone(m, n, p1 - p0)) {
            Kernels own = borrow();
            try {
                own.multAddPacked(m, n, k, p0, p1, a, aOff, lda, b.data(), 0, n, c, cOff, ldc);
            } finally {
                giveBack(own);
            }
        } else {
            int align = kernels.packedColumnBlock();
            run(Op.PACKED, m, n, k, a, aOff, lda, b.data(), p0, p1, c, cOff, ldc,
                    Math.min(threads, (n + align - 1) / align), align);
        }
    }

    private void checkPacked(PackedMatrix b, int p0, int p1) {
        if (!b.kernels().sameArithmetic(kernels)) {
            throw new IllegalArgumentException("the matrix was packed for " + b.kernels().name() + " kernels, not "
                    + kernels.name());
        }
        if (p0 < 0 || p1 < p0 || p1 > b.rows()) {
            throw new IllegalArgumentException("rows [" + p0 + ", " + p1 + ") outside a packed matrix of " + b.rows()
                    + " rows");
        }
    }

    /**
     * Whether a product runs on the calling thread alone: one thread, or too small to pay for a hand-off. Called
     * first, so that such a product goes straight to the kernel (nothing allocated).
     */
    private boolean alone(int m, int n, int k) {
        return threads == 1 || (long) m * n * k < PARALLEL_MIN_MACS || m == 0;
    }

    /**
     * Runs a product in {@code parts} chunks: on the team (its one {@link Product}, nothing allocated), or on the
     * calling thread alone when there is one part or the team is busy.
     */
    private void run(Op op, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, int parts, int align) {
        Kernels own = borrow();
        try {
            if (parts > 1 && acquireTeam(own)) {
                product.set(op, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, parts, align);
                team.run(product, parts);
                return;
            }
            // alone: one part, or the team is in use
            compute(own, op, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, 0,
                    op == Op.TRANS_B_COLUMNS || op == Op.PACKED ? n : m);
        } finally {
            giveBack(own);
        }
    }

    /** The spare kernels for one call of the calling thread, or an instance of its own if another thread has them. */
    private Kernels borrow() {
        Kernels k = spare.getAndSet(null);
        return k != null ? k : kernels.forThread();
    }

    private void giveBack(Kernels k) {
        spare.compareAndSet(null, k);
    }

    /** Claims the team for one run whose part 0 the caller computes with {@code own}; false if it is in use. */
    private boolean acquireTeam(Kernels own) {
        if (team == null || !team.tryAcquire()) {
            return false;
        }
        partKernels[0] = own;
        return true;
    }

    /** Work over rows [lo, hi) of something with m rows, rows independent of each other, on kernels k. */
    @FunctionalInterface
    public interface RowTask {
        void run(Kernels k, int lo, int hi);
    }

    /**
     * Runs {@code task} over [0, m) in contiguous row chunks, one per thread, and returns when all are done: the
     * elementwise work of a time step, on the team that did its product. With one thread, or when the team is busy,
     * the caller runs all rows. Rows must be independent, so the results do not depend on the split.
     */
    public void forRows(int m, RowTask task) {
        forRows(m, null, task);
    }

    /**
     * Runs {@code task} over the row ranges [bounds[p], bounds[p + 1]), one per thread (bounds[0] = 0, ascending,
     * at most {@link #threads()} ranges), and returns when all are done: a split chosen by the caller, e.g. to give
     * each thread as much work when rows cost differently (a row scan over sequences of different lengths). With
     * one thread, or when the team is busy, the caller runs all rows.
     */
    public void forRowRanges(int[] bounds, RowTask task) {
        int parts = bounds.length - 1;
        if (parts < 1 || bounds[0] != 0 || parts > threads) {
            throw new IllegalArgumentException("row ranges " + java.util.Arrays.toString(bounds) + " for " + threads
                    + " threads");
        }
        for (int i = 0; i < parts; i++) {
            if (bounds[i + 1] < bounds[i]) {
                throw new IllegalArgumentException("row ranges must ascend: " + java.util.Arrays.toString(bounds));
            }
        }
        forRows(bounds[parts], bounds, task);
    }

    private void forRows(int m, int[] bounds, RowTask task) {
        int parts = bounds != null ? bounds.length - 1 : Math.min(threads, m);
        Kernels own = borrow();
        try {
            if (parts > 1 && acquireTeam(own)) {
                rows.set(task, m, parts, bounds);
                team.run(rows, parts);   // the task stays referenced until the next: clearing it after the team is
                return;                  // released could wipe another thread's task
            }
            if (m > 0) {
                task.run(own, 0, m);
            }
        } finally {
            giveBack(own);
        }
    }

    /**
     * Elementwise work over rows [rowLo, rowHi) and units [unitLo, unitHi) of a recurrent step, computed with k:
     * the kernels of the thread that runs it.
     */
    @FunctionalInterface
    public interface StepTask {
        void run(Kernels k, int rowLo, int rowHi, int unitLo, int unitHi);
    }

    /**
     * The operands of a recurrent step's product, {@link #step}: a packed B = [W_ihᵀ; W_hhᵀ] (or W_hhᵀ alone) whose
     * columns form {@code gates} gate blocks of u units, the step's input x_t and state h_{t−1}, and where their
     * products go. A cell keeps one per pass and sets it at every step, so a step allocates nothing.
     */
    public static final class StepOperands {
        int m;
        PackedMatrix weights;
        int gates;
        float[] x, xBias, xOut, h, hBias, hOut;
        int xOff, ldx, kx, xBiasOff, xOutOff, ldxOut, hOff, ldh, hBiasOff, hOutOff, ldhOut;

        /** m rows; B packed, (kx + R, gates·u) with an input part, (R, gates·u) without. */
        public StepOperands rows(int m, PackedMatrix weights, int gates) {
            this.m = m;
            this.weights = weights;
            this.gates = gates;
            return this;
        }

        /**
         * The input part: out (m, G) = bias + x (m, kx) · B (0:kx, :). Without it ({@link #noInput}) the
         * projection of the inputs is already in the recurrent part's output.
         */
        public StepOperands input(float[] x, int xOff, int ldx, int kx, float[] bias, int biasOff, float[] out,
                                  int outOff, int ldOut) {
            this.x = x;
            this.xOff = xOff;
            this.ldx = ldx;
            this.kx = kx;
            this.xBias = bias;
            this.xBiasOff = biasOff;
            this.xOut = out;
            this.xOutOff = outOff;
            this.ldxOut = ldOut;
            return this;
        }

        public StepOperands noInput() {
            this.x = null;
            this.xBias = null;
            this.xOut = null;
            this.kx = 0;
            return this;
        }

        /**
         * The recurrent part: out (m, G) = bias + h (m, R) · B (kx:, :), or with a null bias out += h · B (kx:, :)
         * (out may be the input part's output, added to after it).
         */
        public StepOperands recurrent(float[] h, int hOff, int ldh, float[] bias, int biasOff, float[] out,
                                      int outOff, int ldOut) {
            this.h = h;
            this.hOff = hOff;
            this.ldh = ldh;
            this.hBias = bias;
            this.hBiasOff = biasOff;
            this.hOut = out;
            this.hOutOff = outOff;
            this.ldhOut = ldOut;
            return this;
        }

        /**
         * Rows [r0, r1) of the step's products, every column, with kernels k, on the calling thread: a thread
         * scanning its own rows through all steps ({@link #forRows(int, RowTask)}) computes its steps with this.
         */
        public void computeRows(Kernels k, int r0, int r1) {
            compute(k, r0, r1, 0, weights.columns());
        }

        /** Columns [j0, j1) of the step's products, for every row: the input part, then the recurrent part. */
        void compute(Kernels kernels, int j0, int j1) {
            compute(kernels, 0, m, j0, j1);
        }

        /**
         * Rows [r0, r1) and columns [j0, j1) of the step's products. An element's chain of multiply-adds does not
         * depend on which rows or columns are computed with it, so any split gives the bits of the whole.
         */
        void compute(Kernels kernels, int r0, int r1, int j0, int j1) {
            int n = weights.columns();
            int k = weights.rows();
            float[] packed = weights.data();
            int rows = r1 - r0;
            if (x != null) {
                initialize(xBias, xBiasOff, xOut, xOutOff, ldxOut, r0, r1, j0, j1);
                kernels.multAddPacked(rows, n, k, 0, kx, x, xOff + r0 * ldx, ldx, packed, j0, j1, xOut,
                        xOutOff + r0 * ldxOut, ldxOut);
            }
            if (hBias != null) {
                initialize(hBias, hBiasOff, hOut, hOutOff, ldhOut, r0, r1, j0, j1);
            }
            kernels.multAddPacked(rows, n, k, kx, k, h, hOff + r0 * ldh, ldh, packed, j0, j1, hOut,
                    hOutOff + r0 * ldhOut, ldhOut);
        }

        private void initialize(float[] bias, int biasOff, float[] out, int outOff, int ldOut, int j0, int j1) {
            initialize(bias, biasOff, out, outOff, ldOut, 0, m, j0, j1);
        }

        private void initialize(float[] bias, int biasOff, float[] out, int outOff, int ldOut, int r0, int r1,
                                int j0, int j1) {
            for (int i = r0; i < r1; i++) {
                System.arraycopy(bias, biasOff + j0, out, outOff + i * ldOut + j0, j1 - j0);
            }
        }
    }

    /** How the elementwise work of a step may be split between threads. */
    public enum Split {
        /** Rows are independent: chunks of rows (every unit), or of units. */
        ROWS,
        /** A unit's work sums over the rows: chunks of units, each with every row, so each sum stays on one thread. */
        UNITS,
        /** The whole step on one thread. */
        NONE
    }

    /**
     * A recurrent step: the products of {@code s}, then {@code task} over every row and unit. Each thread takes a
     * range of units: it computes all gates' columns of its units and runs the task on them at once, so a step
     * needs one hand-off and a unit's gates never leave the core that computed them. A step with small weights
     * ({@value #ROW_STEP_MAX_WEIGHT_BYTES} bytes packed or less) whose rows are independent ({@link Split#ROWS}) and
     * that has at least 2 × {@value #ROW_STEP_MIN_ROWS} rows is split by rows instead: each thread computes all
     * columns of its rows and runs the task on them, so it reads only the rows of h_{t−1} it wrote itself and the
     * cores share no line of the step's buffers but at the chunk boundary. When u cannot be split at the
     * packed layout's column blocks (or there is one thread, or the team is busy, or {@code split} is NONE), the
     * products run as {@link #multAddPacked} and the task as {@link #forBlocks}. The task must treat rows and units
     * as {@code split} says, so that the results do not depend on the split.
     *
     * <p>With an input part, a step computes its own input projection: its gates are computed where they are
     * used, and no projection of the whole sequence is written first. The additions into an element run in the
     * order of a projection then a step (bias, the input terms, the recurrent terms), so the bits are the same.
     */
    public void step(StepOperands s, StepTask task, Split split) {
        step(s, task, split, true);
    }

    /**
     * As {@link #step(StepOperands, StepTask, Split)}; with {@code smallByRows} false, a step is never split by rows
     * (to compare the two splits: they give the same bits).
     */
    public void step(StepOperands s, StepTask task, Split split, boolean smallByRows) {
        PackedMatrix b = s.weights;
        checkPacked(b, s.kx, b.rows());
        int n = b.columns();
        if (s.gates < 1 || n % s.gates != 0) {
            throw new IllegalArgumentException(n + " columns do not make " + s.gates + " gate blocks");
        }
        int units = n / s.gates;
        int m = s.m;
        int align = kernels.packedColumnBlock();
        boolean byRows = smallByRows && split == Split.ROWS && threads > 1 && m >= 2 * ROW_STEP_MIN_ROWS
                && 4L * b.rows() * n <= ROW_STEP_MAX_WEIGHT_BYTES;
        int parts = byRows ? Math.min(threads, m / ROW_STEP_MIN_ROWS)
                : split != Split.NONE && units % align == 0 ? Math.min(threads, units / align) : 1;
        Kernels own = borrow();
        try {
            if (parts > 1 && m > 0 && acquireTeam(own)) {
                step.set(s, units, parts, align, task, byRows);
                team.run(step, parts);
                return;
            }
        } finally {
            giveBack(own);
        }
        if (s.x != null) {
            s.initialize(s.xBias, s.xBiasOff, s.xOut, s.xOutOff, s.ldxOut, 0, n);
            multAddPacked(m, s.x, s.xOff, s.ldx, b, 0, s.kx, s.xOut, s.xOutOff, s.ldxOut);
        }
        if (s.hBias != null) {
            s.initialize(s.hBias, s.hBiasOff, s.hOut, s.hOutOff, s.ldhOut, 0, n);
        }
        multAddPacked(m, s.h, s.hOff, s.ldh, b, s.kx, b.rows(), s.hOut, s.hOutOff, s.ldhOut);
        forBlocks(m, units, task, split);
    }

    /**
     * Runs {@code task} over rows [0, m) and units [0, units), split between the threads as {@code split} allows:
     * {@link #forRows(int, int, StepTask)}, {@link #forUnits}, or on the calling thread.
     */
    public void forBlocks(int m, int units, StepTask task, Split split) {
        switch (split) {
            case ROWS -> forRows(m, units, task);
            case UNITS -> forUnits(m, units, task);
            case NONE -> {
                if (m > 0 && units > 0) {
                    Kernels own = borrow();
                    try {
                        task.run(own, 0, m, 0, units);
                    } finally {
                        giveBack(own);
                    }
                }
            }
        }
    }

    /**
     * Runs {@code task} over every unit of [0, m) rows in contiguous row chunks, as {@link #forRows(int, RowTask)}:
     * the elementwise work of a step whose product was not split by units.
     */
    public void forRows(int m, int units, StepTask task) {
        int rowParts = Math.min(threads, m);
        Kernels own = borrow();
        try {
            if (rowParts > 1 && acquireTeam(own)) {
                wholeUnits.task = task;
                wholeUnits.units = units;
                rows.set(wholeUnits, m, rowParts, null);
                team.run(rows, rowParts);
            } else if (m > 0) {
                task.run(own, 0, m, 0, units);
            }
        } finally {
            giveBack(own);
        }
    }

    /**
     * A step whose packed weights take at most this many bytes, and whose task allows it ({@link Split#ROWS}), is split
     * by rows: each thread reads all the weights (they fit in one core's L2 cache here) but only the rows of h it
     * wrote itself at the step before, and the threads share one cache line per buffer, where a unit split shares one
     * per row (a boundary inside a line: Java does not align arrays). Measured on configs A-E (docs/performance.md,
     * "Issue 22, item 2"): by rows B (0.98 MB) 1.44×, D (0.33 and 0.52 MB) 1.59× and E (0.33 MB) 1.21× faster
     * forwards than by units on two threads; A (1.31 MB) 6% slower, C (1.57 MB) 1.11× faster.
     */
    private static final long ROW_STEP_MAX_WEIGHT_BYTES = 1024 * 1024;
    /** A step split by rows gives each thread at least about this many rows. */
    private static final int ROW_STEP_MIN_ROWS = 8;

    /**
     * Units are split at multiples of this for {@link #forUnits}: a multiple of the lanes of any vector kernels (16
     * floats in 512 bits), so that vector loops and their scalar tails take the same elements whatever the split.
     */
    private static final int UNIT_ALIGN = 16;

    /**
     * Runs {@code task} over all m rows in contiguous chunks of [0, units), one per thread (at multiples of 16),
     * and returns when all are done: elementwise work whose per-unit results, such as a unit's parameter gradients
     * summed over the rows, must each stay with one thread. With one thread, or when the team is busy, the caller
     * runs all units.
     */
    public void forUnits(int m, int units, StepTask task) {
        int parts = Math.min(threads, units / UNIT_ALIGN);
        Kernels own = borrow();
        try {
            if (parts > 1 && m > 0 && acquireTeam(own)) {
                unitChunks.task = task;
                unitChunks.m = m;
                unitChunks.units = units;
                unitChunks.parts = parts;
                team.run(unitChunks, parts);
            } else if (m > 0 && units > 0) {
                task.run(own, 0, m, 0, units);
            }
        } finally {
            giveBack(own);
        }
    }

    /** The team's current {@link #forUnits} task; guarded by the team's claim. */
    private final class UnitChunks implements Team.Job {
        StepTask task;
        int m;
        int units;
        int parts;

        @Override
        public void run(int part) {
            int lo = alignedStart(units, parts, part, UNIT_ALIGN);
            int hi = alignedStart(units, parts, part + 1, UNIT_ALIGN);
            if (hi > lo) {
                task.run(partKernels[part], 0, m, lo, hi);
            }
        }
    }

    /** A step task over whole rows, for {@link #forRows}. */
    private static final class WholeUnits implements RowTask {
        StepTask task;
        int units;

        @Override
        public void run(Kernels k, int lo, int hi) {
            task.run(k, lo, hi, 0, units);
        }
    }

    /**
     * The team's current step: each part a range of units, all gates' columns of them, then the task; or, by rows,
     * a range of rows, all their columns, then the task on those rows.
     */
    private final class Step implements Team.Job {
        StepOperands s;
        StepTask task;
        int units, parts, align;
        boolean byRows;

        void set(StepOperands s, int units, int parts, int align, StepTask task, boolean byRows) {
            this.s = s;
            this.units = units;
            this.parts = parts;
            this.align = align;
            this.task = task;
            this.byRows = byRows;
        }

        @Override
        public void run(int part) {
            if (byRows) {
                int lo = chunkStart(s.m, parts, part);
                int hi = chunkStart(s.m, parts, part + 1);
                if (hi > lo) {
                    Kernels k = partKernels[part];
                    s.compute(k, lo, hi, 0, s.weights.columns());
                    task.run(k, lo, hi, 0, units);
                }
                return;
            }
            int lo = alignedStart(units, parts, part, align);
            int hi = alignedStart(units, parts, part + 1, align);
            if (hi <= lo) {
                return;
            }
            Kernels k = partKernels[part];
            for (int g = 0; g < s.gates; g++) {
                s.compute(k, g * units + lo, g * units + hi);
            }
            task.run(k, 0, s.m, lo, hi);
        }
    }

    /** The team's current row task; guarded by the team's claim. */
    private final class Rows implements Team.Job {
        RowTask task;
        int m;
        int parts;
        int[] bounds;   // the caller's ranges, or null for equal chunks

        /** Every field at once, so that no run sees a field of the one before. */
        void set(RowTask task, int m, int parts, int[] bounds) {
            this.task = task;
            this.m = m;
            this.parts = parts;
            this.bounds = bounds;
        }

        @Override
        public void run(int part) {
            int lo = bounds != null ? bounds[part] : chunkStart(m, parts, part);
            int hi = bounds != null ? bounds[part + 1] : chunkStart(m, parts, part + 1);
            if (hi > lo) {
                task.run(partKernels[part], lo, hi);
            }
        }
    }

    /** The products: which kernel, and whether chunks are rows or columns of C. */
    private enum Op { MULT, TRANS_A, TRANS_B, TRANS_B_COLUMNS, PACKED }

    /** One product's operands and split; the team's is shared with its workers for the time of the product. */
    private final class Product implements Team.Job {
        Op op;
        int m, n, k, lda, ldb, ldc, aOff, bOff, cOff, parts, align;
        float[] a, b, c;

        void set(Op op, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                 float[] c, int cOff, int ldc, int parts, int align) {
            this.op = op;
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.parts = parts;
            this.align = align;
        }

        /** Part p: a chunk of rows of C, or of columns (at multiples of align) for the column-split products. */
        @Override
        public void run(int part) {
            boolean columns = op == Op.TRANS_B_COLUMNS || op == Op.PACKED;
            int lo = columns ? alignedStart(n, parts, part, align) : chunkStart(m, parts, part);
            int hi = columns ? alignedStart(n, parts, part + 1, align) : chunkStart(m, parts, part + 1);
            if (hi > lo) {
                compute(partKernels[part], op, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, lo, hi);
            }
        }
    }

    /** Rows [lo, hi) of C, or columns for the column-split products; for PACKED, bOff and ldb are B's rows p0, p1. */
    private static void compute(Kernels kernels, Op op, int m, int n, int k, float[] a, int aOff, int lda, float[] b,
                                int bOff, int ldb, float[] c, int cOff, int ldc, int lo, int hi) {
        switch (op) {
            case MULT -> kernels.multAdd(hi - lo, n, k, a, aOff + lo * lda, lda, b, bOff, ldb,
                    c, cOff + lo * ldc, ldc);
            case TRANS_A -> kernels.multTransAAdd(hi - lo, n, k, a, aOff + lo, lda, b, bOff, ldb,
                    c, cOff + lo * ldc, ldc);
            case TRANS_B -> kernels.multTransBAdd(hi - lo, n, k, a, aOff + lo * lda, lda, b, bOff, ldb,
                    c, cOff + lo * ldc, ldc);
            case TRANS_B_COLUMNS -> kernels.multTransBAdd(m, hi - lo, k, a, aOff, lda, b, bOff + lo * ldb, ldb,
                    c, cOff + lo, ldc);
            case PACKED -> kernels.multAddPacked(m, n, k, bOff, ldb, a, aOff, lda, b, lo, hi, c, cOff, ldc);
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

    /** Start of chunk p of [0, n) split into parts chunks starting at multiples of align. */
    private static int alignedStart(int n, int parts, int p, int align) {
        if (p >= parts) {
            return n;
        }
        int start = (int) Math.round((double) n * p / parts / align) * align;
        return Math.max(0, Math.min(n, start));
    }

    @Override
    public void close() {
        if (team != null) {
            team.close();
        }
    }

    @Override
    public String toString() {
        return "Compute[" + kernels.name() + ", threads=" + threads + "]";
    }
}
