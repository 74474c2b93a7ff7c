package org.rnn4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on the Vector API ({@code jdk.incubator.vector}) with the machine's preferred species
 * (16 floats with AVX-512, 8 with AVX2). Same contract and, up to float rounding, same results as
 * {@link ScalarKernels}. Only {@link VectorSupport} loads this class, and only when the module is present.
 *
 * <p>Elementwise kernels are one loop to {@code SPECIES.loopBound(n)} and a scalar tail, llama3.java style.
 *
 * <p>Products. All three go through {@link #gemm}, C (m, n) += A (m, k) · B (k, n) with A and B read through
 * a row and a column stride each, so A·B, Aᵀ·B and A·Bᵀ are one code path:
 * <ol>
 *   <li>B is copied one (KC, NC) block at a time into a contiguous scratch array (a row copy for B, a
 *       transpose for Bᵀ). Without it, rows of B 4 KiB apart (n = 1024) fall into the same L1 sets: A·B for
 *       256×1024×1024 ran at 92 GFLOP/s unpacked, 168 packed.</li>
 *   <li>A register tile of C, 12, 8 or 4 rows × 2 vectors, stays in registers across the k block: each step
 *       loads two vectors of B and broadcasts one element of A per row (24 FMAs, 2 loads, 12 broadcasts for
 *       12 rows). The 12- and 8-row tiles need 32 vector registers and are used with 512-bit vectors only
 *       ({@link #WIDE_TILES}). The order of the additions into an element of C is the same for every tile, so
 *       the tiles give the same bits.</li>
 *   <li>For Aᵀ the tile's columns of A (a stride of lda apart in memory) are first copied to a
 *       small panel, for the same L1 reason: Aᵀ·B for 1024×256×3200 went from 108 to 147 GFLOP/s.</li>
 * </ol>
 * A·Bᵀ with few rows and a long k (the recurrent step h·Wᵀ) does not pay for packing all of B; it uses
 * {@link #dotProducts}, dot products along k blocked 4 rows of A × 3 rows of B. The packing scratch (KC × NC +
 * MR_WIDE × KC floats, 268 KiB) belongs to the instance: it is allocated at the instance's first product and
 * reused by every later one, so a time step allocates nothing. An instance therefore computes on one thread at a
 * time; {@link #forThread()} gives another thread its own ({@link Compute} does this for each of its threads).
 *
 * <p>The numbers above are single-thread, from a quick timing loop on the development machine (AMD EPYC,
 * AVX-512, 16 lanes); {@code bench/MatmulBench} measures them properly.
 *
 * <p>Shape legend: m, n, k as in {@link Kernels}; L = lanes per vector; kc, nc = the current block's depth
 * and width.
 */
final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    /** Rows of C in the smallest register tile; the tile is MR × 2L accumulators. */
    private static final int MR = 4;
    /** Rows of C in the widest register tile, 12 × 2L accumulators. */
    private static final int MR_WIDE = 12;
    /**
     * Whether the 12- and 8-row tiles are used: with 512-bit vectors (AVX-512, 32 vector registers), where their
     * 24 and 16 accumulators fit in registers. One core runs 32×1024×256 packed at about 205 GFLOP/s with the
     * 12-row tile, 180 with the 8-row one and 125 with the 4-row one (more accumulators hide the FMA latency and
     * load fewer B vectors per FMA). With fewer registers they would spill, so only the 4-row tile is used.
     */
    private static final boolean WIDE_TILES = SPECIES.vectorBitSize() >= 512;
    /** Depth of a block of k. */
    private static final int KC = 256;
    /** Width of a block of n: a packed (KC, NC) block of B is 256 KiB and stays in L2. */
    private static final int NC = 256;
    /**
     * Aᵀ·B products with fewer columns than this take {@link #narrowTransA}. Measured at m = 440, k = 24000 on one
     * AVX-512 core (L = 16, the packed product padding n to 32): 1.4 against 16.8 ms at n = 1, 2.9 against 17.9 at
     * n = 4, 12.0 against 17.4 at n = 16, even at n ≈ 22, and 25.1 against 16.2 at n = 32.
     */
    static final int NARROW = L;
    /**
     * Rows of B per block of {@link #dotProducts}, a multiple of 3: they stay in L1/L2 (48 KiB at k = 256) while
     * every row block of A passes over them, instead of B being streamed from L3 once per 4 rows of A. On one
     * thread the speed is the same; on two, 32×1024×256 went from about 110 to 140-200 GFLOP/s (best of runs
     * on a shared, noisy machine).
     */
    private static final int DOT_NB = 48;

    /** Scratch of one instance: a packed (KC, NC) block of B, an (MR_WIDE, KC) panel of Aᵀ and a tile's edge of C. */
    private static final class Scratch {
        /** The columns of a narrow C, transposed ({@link #narrowTransA}); grown on demand. */
        float[] columns = new float[0];
        final float[] bPack = new float[KC * NC];
        final float[] aPanel = new float[KC * MR_WIDE];
        /** A tile's edge columns of C, padded to the tile's width. */
        final float[] edge = new float[MR_WIDE * 2 * L];
    }

    /** This instance's scratch, made at its first product: an instance computes on one thread at a time. */
    private Scratch scratch;

    VectorKernels() {
    }

    /** A new instance: the same arithmetic, with scratch of its own. */
    @Override
    public Kernels forThread() {
        return new VectorKernels();
    }

    private Scratch scratch() {
        if (scratch == null) {
            scratch = new Scratch();
        }
        return scratch;
    }

    @Override
    public String name() {
        return "vector(" + SPECIES.vectorBitSize() + " bits)";
    }

    // ---------------------------------------------------------------- products

    @Override
    public void multAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc) {
        gemm(m, n, k, a, aOff, lda, 1, b, bOff, ldb, 1, c, cOff, ldc);
    }

    @Override
    public void multTransAAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        if (n < NARROW) {
            narrowTransA(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        } else {
            gemmTransA(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }
    }

    /** {@link #multTransAAdd} by the packed product whatever the width (for tests: the narrow path's bits). */
    void gemmTransA(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float[] c, int cOff, int ldc) {
        gemm(m, n, k, a, aOff, 1, lda, b, bOff, ldb, 1, c, cOff, ldc);
    }

    /**
     * C (m, n) += Aᵀ · B with A (k, m) and few columns (n < {@link #NARROW}, the vector length): the weight
     * gradient of a layer with one or a few inputs, whose packed product would pad every row of B to 2L columns
     * and copy all of A for them. Here the columns of C are copied to rows of a scratch (n, m), and each row p of A
     * (contiguous) is read once and added to each of them, scaled by B(p, j). Every element is the chain of FMAs over p from its
     * old value, as in the packed product (which multiplies the same two floats), so both give the same bits.
     */
    void narrowTransA(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        Scratch scratch = scratch();
        if (scratch.columns.length < n * m) {
            scratch.columns = new float[n * m];
        }
        float[] cols = scratch.columns;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                cols[j * m + i] = c[cOff + i * ldc + j];
            }
        }
        int vm = SPECIES.loopBound(m);
        for (int p = 0; p < k; p++) {
            int ap = aOff + p * lda;
            int bp = bOff + p * ldb;
            for (int j = 0; j < n; j++) {
                float bpj = b[bp + j];
                FloatVector bv = FloatVector.broadcast(SPECIES, bpj);
                int cj = j * m;
                int i = 0;
                for (; i < vm; i += L) {
                    FloatVector.fromArray(SPECIES, a, ap + i).fma(bv, FloatVector.fromArray(SPECIES, cols, cj + i))
                            .intoArray(cols, cj + i);
                }
                for (; i < m; i++) {
                    cols[cj + i] = Math.fma(a[ap + i], bpj, cols[cj + i]);
                }
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[cOff + i * ldc + j] = cols[j * m + i];
            }
        }
    }

    @Override
    public void multTransBAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        // Packing Bᵀ costs as much as a few dozen rows of the product. Measured with n = 1024, the dot
        // products win below 64 rows when k > 2m (32×1024×256: 116 against 80 GFLOP/s packed) and lose above
        // (3200×1024×64: 61 against 163).
        if (m < 64 && k > 2 * m) {
            dotProducts(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        } else {
            gemm(m, n, k, a, aOff, lda, 1, b, bOff, 1, ldb, c, cOff, ldc);
        }
    }

    /**
     * C (m, n) += A (m, k) · B (k, n) where A(i, p) = {@code a[aOff + i * ars + p * acs]} and
     * B(p, j) = {@code b[bOff + p * brs + j * bcs]}. A and B not modified, C modified.
     */
    private void gemm(int m, int n, int k, float[] a, int aOff, int ars, int acs,
                             float[] b, int bOff, int brs, int bcs, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        Scratch scratch = scratch();
        float[] bPack = scratch.bPack;                     // (kc, paddedWidth(nc)), row-major
        float[] aPanel = acs == 1 ? null : scratch.aPanel; // (MR_WIDE, kc), row-major
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            for (int j0 = 0; j0 < n; j0 += NC) {
                int nc = Math.min(NC, n - j0);
                int ldp = paddedWidth(nc);   // the rest of each packed row is never read into C
                int b0 = bOff + p0 * brs + j0 * bcs;
                for (int p = 0; p < kc; p++) {
                    if (bcs == 1) {
                        System.arraycopy(b, b0 + p * brs, bPack, p * ldp, nc);
                    } else {
                        for (int j = 0; j < nc; j++) {
                            bPack[p * ldp + j] = b[b0 + p * brs + j * bcs];
                        }
                    }
                }
                block(m, nc, kc, a, aOff + p0 * acs, ars, acs, aPanel, bPack, 0, ldp, c, cOff + j0, ldc,
                        scratch.edge);
            }
        }
    }

    /** A packed block's row stride for nc columns: a multiple of 2L, so that the edge tiles read whole vectors. */
    private static int paddedWidth(int nc) {
        return (nc + 2 * L - 1) / (2 * L) * (2 * L);
    }

    /**
     * C (m, nc) += A (m, kc) · B (kc, nc) for one packed block B = {@code bPack} with row stride ldb, at least
     * {@link #paddedWidth}(nc): the columns past nc are read, never added to C. A as in {@link #gemm}, except that
     * the tiles read A with unit column stride (rows of A are copied to aPanel first when acs is not 1); A and bPack
     * not modified; C modified; aPanel is scratch (null when acs is 1), and so is edge (MR_WIDE × 2L).
     *
     * <p>Columns that do not fill a tile's 2L (or a single row's L) are computed by the same tile on a copy of
     * those columns of C padded to its width, then copied back: every element of C is the same chain of FMAs from
     * its old value, whichever tile or edge computes it.
     */
    private static void block(int m, int nc, int kc, float[] a, int aOff, int ars, int acs, float[] aPanel,
                              float[] bPack, int bOff, int ldb, float[] c, int cOff, int ldc, float[] edge) {
        int full = nc / (2 * L) * (2 * L);   // columns in whole 2L tiles
        int i = 0;
        while (i + MR <= m) {
            int mr = WIDE_TILES && i + MR_WIDE <= m ? MR_WIDE : WIDE_TILES && i + 8 <= m ? 8 : MR;   // rows of this tile
            float[] at = a;          // the tile's rows of A: in place, or copied to aPanel
            int a0 = aOff + i * ars;
            int atRs = ars;
            if (acs != 1) {          // the tiles read rows of A with unit stride: copy them to the panel
                for (int p = 0; p < kc; p++) {      // along A's rows in memory (Aᵀ: its columns), then across
                    for (int r = 0; r < mr; r++) {
                        aPanel[r * kc + p] = a[a0 + r * ars + p * acs];
                    }
                }
                at = aPanel;
                a0 = 0;
                atRs = kc;
            }
            for (int j = 0; j < full; j += 2 * L) {
                tile(mr, kc, at, a0, atRs, bPack, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            int rest = nc - full;
            if (rest > 0) {
                int e = cOff + i * ldc + full;
                for (int r = 0; r < mr; r++) {
                    System.arraycopy(c, e + r * ldc, edge, r * 2 * L, rest);
                }
                tile(mr, kc, at, a0, atRs, bPack, bOff + full, ldb, edge, 0, 2 * L);
                for (int r = 0; r < mr; r++) {
                    System.arraycopy(edge, r * 2 * L, c, e + r * ldc, rest);
                }
            }
            i += mr;
        }
        for (; i < m; i++) {
            int ai = aOff + i * ars;
            int ci = cOff + i * ldc;
            int j = 0;
            for (; j + 4 * L <= nc; j += 4 * L) {
                tile1x4(kc, a, ai, acs, bPack, bOff + j, ldb, c, ci + j);
            }
            for (; j + L <= nc; j += L) {
                tile1x1(kc, a, ai, acs, bPack, bOff + j, ldb, c, ci + j);
            }
            if (j < nc) {
                System.arraycopy(c, ci + j, edge, 0, nc - j);
                tile1x1(kc, a, ai, acs, bPack, bOff + j, ldb, edge, 0);
                System.arraycopy(edge, 0, c, ci + j, nc - j);
            }
        }
    }

    /** The 12-, 8- or 4-row tile. */
    private static void tile(int mr, int kc, float[] a, int a0, int ars, float[] b, int b0, int ldb, float[] c,
                             int c0, int ldc) {
        switch (mr) {
            case MR_WIDE -> tile12x2(kc, a, a0, ars, b, b0, ldb, c, c0, ldc);
            case 8 -> tile8x2(kc, a, a0, ars, b, b0, ldb, c, c0, ldc);
            default -> tile4x2(kc, a, a0, ars, b, b0, ldb, c, c0, ldc);
        }
    }

    /**
     * C (12, 2L) += A (12, kc) · B (kc, 2L), A's rows ars apart with unit column stride, with 24 accumulators held
     * across the k loop (they need 32 vector registers: {@link #WIDE_TILES}). C modified.
     */
    private static void tile12x2(int kc, float[] a, int a0, int ars,
                                 float[] b, int b0, int ldb, float[] c, int c0, int ldc) {
        FloatVector c000 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector c001 = FloatVector.fromArray(SPECIES, c, c0 + L);
        FloatVector c010 = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        FloatVector c011 = FloatVector.fromArray(SPECIES, c, c0 + ldc + L);
        FloatVector c020 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc);
        FloatVector c021 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + L);
        FloatVector c030 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc);
        FloatVector c031 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + L);
        FloatVector c040 = FloatVector.fromArray(SPECIES, c, c0 + 4 * ldc);
        FloatVector c041 = FloatVector.fromArray(SPECIES, c, c0 + 4 * ldc + L);
        FloatVector c050 = FloatVector.fromArray(SPECIES, c, c0 + 5 * ldc);
        FloatVector c051 = FloatVector.fromArray(SPECIES, c, c0 + 5 * ldc + L);
        FloatVector c060 = FloatVector.fromArray(SPECIES, c, c0 + 6 * ldc);
        FloatVector c061 = FloatVector.fromArray(SPECIES, c, c0 + 6 * ldc + L);
        FloatVector c070 = FloatVector.fromArray(SPECIES, c, c0 + 7 * ldc);
        FloatVector c071 = FloatVector.fromArray(SPECIES, c, c0 + 7 * ldc + L);
        FloatVector c080 = FloatVector.fromArray(SPECIES, c, c0 + 8 * ldc);
        FloatVector c081 = FloatVector.fromArray(SPECIES, c, c0 + 8 * ldc + L);
        FloatVector c090 = FloatVector.fromArray(SPECIES, c, c0 + 9 * ldc);
        FloatVector c091 = FloatVector.fromArray(SPECIES, c, c0 + 9 * ldc + L);
        FloatVector c100 = FloatVector.fromArray(SPECIES, c, c0 + 10 * ldc);
        FloatVector c101 = FloatVector.fromArray(SPECIES, c, c0 + 10 * ldc + L);
        FloatVector c110 = FloatVector.fromArray(SPECIES, c, c0 + 11 * ldc);
        FloatVector c111 = FloatVector.fromArray(SPECIES, c, c0 + 11 * ldc + L);
        for (int p = 0; p < kc; p++) {
            int bp = b0 + p * ldb;
            FloatVector b0v = FloatVector.fromArray(SPECIES, b, bp);
            FloatVector b1v = FloatVector.fromArray(SPECIES, b, bp + L);
            int ap = a0 + p;
            FloatVector a00 = FloatVector.broadcast(SPECIES, a[ap]);
            c000 = a00.fma(b0v, c000);
            c001 = a00.fma(b1v, c001);
            FloatVector a01 = FloatVector.broadcast(SPECIES, a[ap + ars]);
            c010 = a01.fma(b0v, c010);
            c011 = a01.fma(b1v, c011);
            FloatVector a02 = FloatVector.broadcast(SPECIES, a[ap + 2 * ars]);
            c020 = a02.fma(b0v, c020);
            c021 = a02.fma(b1v, c021);
            FloatVector a03 = FloatVector.broadcast(SPECIES, a[ap + 3 * ars]);
            c030 = a03.fma(b0v, c030);
            c031 = a03.fma(b1v, c031);
            FloatVector a04 = FloatVector.broadcast(SPECIES, a[ap + 4 * ars]);
            c040 = a04.fma(b0v, c040);
            c041 = a04.fma(b1v, c041);
            FloatVector a05 = FloatVector.broadcast(SPECIES, a[ap + 5 * ars]);
            c050 = a05.fma(b0v, c050);
            c051 = a05.fma(b1v, c051);
            FloatVector a06 = FloatVector.broadcast(SPECIES, a[ap + 6 * ars]);
            c060 = a06.fma(b0v, c060);
            c061 = a06.fma(b1v, c061);
            FloatVector a07 = FloatVector.broadcast(SPECIES, a[ap + 7 * ars]);
            c070 = a07.fma(b0v, c070);
            c071 = a07.fma(b1v, c071);
            FloatVector a08 = FloatVector.broadcast(SPECIES, a[ap + 8 * ars]);
            c080 = a08.fma(b0v, c080);
            c081 = a08.fma(b1v, c081);
            FloatVector a09 = FloatVector.broadcast(SPECIES, a[ap + 9 * ars]);
            c090 = a09.fma(b0v, c090);
            c091 = a09.fma(b1v, c091);
            FloatVector a10 = FloatVector.broadcast(SPECIES, a[ap + 10 * ars]);
            c100 = a10.fma(b0v, c100);
            c101 = a10.fma(b1v, c101);
            FloatVector a11 = FloatVector.broadcast(SPECIES, a[ap + 11 * ars]);
            c110 = a11.fma(b0v, c110);
            c111 = a11.fma(b1v, c111);
        }
        c000.intoArray(c, c0);
        c001.intoArray(c, c0 + L);
        c010.intoArray(c, c0 + ldc);
        c011.intoArray(c, c0 + ldc + L);
        c020.intoArray(c, c0 + 2 * ldc);
        c021.intoArray(c, c0 + 2 * ldc + L);
        c030.intoArray(c, c0 + 3 * ldc);
        c031.intoArray(c, c0 + 3 * ldc + L);
        c040.intoArray(c, c0 + 4 * ldc);
        c041.intoArray(c, c0 + 4 * ldc + L);
        c050.intoArray(c, c0 + 5 * ldc);
        c051.intoArray(c, c0 + 5 * ldc + L);
        c060.intoArray(c, c0 + 6 * ldc);
        c061.intoArray(c, c0 + 6 * ldc + L);
        c070.intoArray(c, c0 + 7 * ldc);
        c071.intoArray(c, c0 + 7 * ldc + L);
        c080.intoArray(c, c0 + 8 * ldc);
        c081.intoArray(c, c0 + 8 * ldc + L);
        c090.intoArray(c, c0 + 9 * ldc);
        c091.intoArray(c, c0 + 9 * ldc + L);
        c100.intoArray(c, c0 + 10 * ldc);
        c101.intoArray(c, c0 + 10 * ldc + L);
        c110.intoArray(c, c0 + 11 * ldc);
        c111.intoArray(c, c0 + 11 * ldc + L);
    }

    /** C (8, 2L) += A (8, kc) · B (kc, 2L) as {@link #tile12x2}, with 16 accumulators. C modified. */
    private static void tile8x2(int kc, float[] a, int a0, int ars,
                                 float[] b, int b0, int ldb, float[] c, int c0, int ldc) {
        FloatVector c000 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector c001 = FloatVector.fromArray(SPECIES, c, c0 + L);
        FloatVector c010 = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        FloatVector c011 = FloatVector.fromArray(SPECIES, c, c0 + ldc + L);
        FloatVector c020 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc);
        FloatVector c021 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + L);
        FloatVector c030 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc);
        FloatVector c031 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + L);
        FloatVector c040 = FloatVector.fromArray(SPECIES, c, c0 + 4 * ldc);
        FloatVector c041 = FloatVector.fromArray(SPECIES, c, c0 + 4 * ldc + L);
        FloatVector c050 = FloatVector.fromArray(SPECIES, c, c0 + 5 * ldc);
        FloatVector c051 = FloatVector.fromArray(SPECIES, c, c0 + 5 * ldc + L);
        FloatVector c060 = FloatVector.fromArray(SPECIES, c, c0 + 6 * ldc);
        FloatVector c061 = FloatVector.fromArray(SPECIES, c, c0 + 6 * ldc + L);
        FloatVector c070 = FloatVector.fromArray(SPECIES, c, c0 + 7 * ldc);
        FloatVector c071 = FloatVector.fromArray(SPECIES, c, c0 + 7 * ldc + L);
        for (int p = 0; p < kc; p++) {
            int bp = b0 + p * ldb;
            FloatVector b0v = FloatVector.fromArray(SPECIES, b, bp);
            FloatVector b1v = FloatVector.fromArray(SPECIES, b, bp + L);
            int ap = a0 + p;
            FloatVector a00 = FloatVector.broadcast(SPECIES, a[ap]);
            c000 = a00.fma(b0v, c000);
            c001 = a00.fma(b1v, c001);
            FloatVector a01 = FloatVector.broadcast(SPECIES, a[ap + ars]);
            c010 = a01.fma(b0v, c010);
            c011 = a01.fma(b1v, c011);
            FloatVector a02 = FloatVector.broadcast(SPECIES, a[ap + 2 * ars]);
            c020 = a02.fma(b0v, c020);
            c021 = a02.fma(b1v, c021);
            FloatVector a03 = FloatVector.broadcast(SPECIES, a[ap + 3 * ars]);
            c030 = a03.fma(b0v, c030);
            c031 = a03.fma(b1v, c031);
            FloatVector a04 = FloatVector.broadcast(SPECIES, a[ap + 4 * ars]);
            c040 = a04.fma(b0v, c040);
            c041 = a04.fma(b1v, c041);
            FloatVector a05 = FloatVector.broadcast(SPECIES, a[ap + 5 * ars]);
            c050 = a05.fma(b0v, c050);
            c051 = a05.fma(b1v, c051);
            FloatVector a06 = FloatVector.broadcast(SPECIES, a[ap + 6 * ars]);
            c060 = a06.fma(b0v, c060);
            c061 = a06.fma(b1v, c061);
            FloatVector a07 = FloatVector.broadcast(SPECIES, a[ap + 7 * ars]);
            c070 = a07.fma(b0v, c070);
            c071 = a07.fma(b1v, c071);
        }
        c000.intoArray(c, c0);
        c001.intoArray(c, c0 + L);
        c010.intoArray(c, c0 + ldc);
        c011.intoArray(c, c0 + ldc + L);
        c020.intoArray(c, c0 + 2 * ldc);
        c021.intoArray(c, c0 + 2 * ldc + L);
        c030.intoArray(c, c0 + 3 * ldc);
        c031.intoArray(c, c0 + 3 * ldc + L);
        c040.intoArray(c, c0 + 4 * ldc);
        c041.intoArray(c, c0 + 4 * ldc + L);
        c050.intoArray(c, c0 + 5 * ldc);
        c051.intoArray(c, c0 + 5 * ldc + L);
        c060.intoArray(c, c0 + 6 * ldc);
        c061.intoArray(c, c0 + 6 * ldc + L);
        c070.intoArray(c, c0 + 7 * ldc);
        c071.intoArray(c, c0 + 7 * ldc + L);
    }

    /** C (4, 2L) += A (4, kc) · B (kc, 2L) as {@link #tile12x2}, with eight accumulators. C modified. */
    private static void tile4x2(int kc, float[] a, int a0, int ars,
                                float[] b, int b0, int ldb, float[] c, int c0, int ldc) {
        FloatVector c00 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector c01 = FloatVector.fromArray(SPECIES, c, c0 + L);
        FloatVector c10 = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        FloatVector c11 = FloatVector.fromArray(SPECIES, c, c0 + ldc + L);
        FloatVector c20 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc);
        FloatVector c21 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc);
        FloatVector c31 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + L);
        for (int p = 0; p < kc; p++) {
            int bp = b0 + p * ldb;
            FloatVector b0v = FloatVector.fromArray(SPECIES, b, bp);
            FloatVector b1v = FloatVector.fromArray(SPECIES, b, bp + L);
            int ap = a0 + p;
            FloatVector a0v = FloatVector.broadcast(SPECIES, a[ap]);
            c00 = a0v.fma(b0v, c00);
            c01 = a0v.fma(b1v, c01);
            FloatVector a1v = FloatVector.broadcast(SPECIES, a[ap + ars]);
            c10 = a1v.fma(b0v, c10);
            c11 = a1v.fma(b1v, c11);
            FloatVector a2v = FloatVector.broadcast(SPECIES, a[ap + 2 * ars]);
            c20 = a2v.fma(b0v, c20);
            c21 = a2v.fma(b1v, c21);
            FloatVector a3v = FloatVector.broadcast(SPECIES, a[ap + 3 * ars]);
            c30 = a3v.fma(b0v, c30);
            c31 = a3v.fma(b1v, c31);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
        c10.intoArray(c, c0 + ldc);
        c11.intoArray(c, c0 + ldc + L);
        c20.intoArray(c, c0 + 2 * ldc);
        c21.intoArray(c, c0 + 2 * ldc + L);
        c30.intoArray(c, c0 + 3 * ldc);
        c31.intoArray(c, c0 + 3 * ldc + L);
    }

    /**
     * C (1, 4L) += A (1, kc) · B (kc, 4L): a single row (batch 1) with four independent accumulators, so that the
     * fused multiply-adds do not wait for each other. C modified.
     */
    private static void tile1x4(int kc, float[] a, int a0, int acs, float[] b, int b0, int ldb,
                                float[] c, int c0) {
        FloatVector c0v = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector c1v = FloatVector.fromArray(SPECIES, c, c0 + L);
        FloatVector c2v = FloatVector.fromArray(SPECIES, c, c0 + 2 * L);
        FloatVector c3v = FloatVector.fromArray(SPECIES, c, c0 + 3 * L);
        for (int p = 0; p < kc; p++) {
            int bp = b0 + p * ldb;
            FloatVector av = FloatVector.broadcast(SPECIES, a[a0 + p * acs]);
            c0v = av.fma(FloatVector.fromArray(SPECIES, b, bp), c0v);
            c1v = av.fma(FloatVector.fromArray(SPECIES, b, bp + L), c1v);
            c2v = av.fma(FloatVector.fromArray(SPECIES, b, bp + 2 * L), c2v);
            c3v = av.fma(FloatVector.fromArray(SPECIES, b, bp + 3 * L), c3v);
        }
        c0v.intoArray(c, c0);
        c1v.intoArray(c, c0 + L);
        c2v.intoArray(c, c0 + 2 * L);
        c3v.intoArray(c, c0 + 3 * L);
    }

    /** C (1, L) += A (1, kc) · B (kc, L), for the edges the 4 × 2L tile does not cover. C modified. */
    private static void tile1x1(int kc, float[] a, int a0, int acs, float[] b, int b0, int ldb,
                                float[] c, int c0) {
        FloatVector acc = FloatVector.fromArray(SPECIES, c, c0);
        for (int p = 0; p < kc; p++) {
            FloatVector bv = FloatVector.fromArray(SPECIES, b, b0 + p * ldb);
            acc = FloatVector.broadcast(SPECIES, a[a0 + p * acs]).fma(bv, acc);
        }
        acc.intoArray(c, c0);
    }

    /**
     * C (m, n) += A (m, k) · Bᵀ with B (n, k), as dot products along k: blocks of 4 rows of A × 3 rows of B
     * with twelve vector accumulators, each reduced to one float at the end, over {@value #DOT_NB} rows of B at
     * a time. A and B not modified, C modified.
     */
    private static void dotProducts(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                                    int ldb, float[] c, int cOff, int ldc) {
        for (int j0 = 0; j0 < n; j0 += DOT_NB) {
            int j1 = Math.min(n, j0 + DOT_NB);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                int j = j0;
                for (; j + 3 <= j1; j += 3) {
                    dot4x3(k, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, c, cOff + i * ldc + j, ldc);
                }
                for (; j < j1; j++) {
                    for (int r = i; r < i + 4; r++) {
                        c[cOff + r * ldc + j] += dotProduct(k, a, aOff + r * lda, b, bOff + j * ldb);
                    }
                }
            }
            for (; i < m; i++) {
                int j = j0;
                for (; j + 4 <= j1; j += 4) {
                    dot1x4(k, a, aOff + i * lda, b, bOff + j * ldb, ldb, c, cOff + i * ldc + j);
                }
                for (; j < j1; j++) {
                    c[cOff + i * ldc + j] += dotProduct(k, a, aOff + i * lda, b, bOff + j * ldb);
                }
            }
        }
    }

    /**
     * C (1, 4) += A (1, k) · Bᵀ with B (4, k): four dot products side by side (batch 1), so that their fused
     * multiply-adds do not wait for each other, each summed exactly as {@link #dotProduct} sums it. C modified.
     */
    private static void dot1x4(int k, float[] a, int a0, float[] b, int b0, int ldb, float[] c, int c0) {
        FloatVector s0 = FloatVector.zero(SPECIES);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int kv = SPECIES.loopBound(k);
        for (int p = 0; p < kv; p += L) {
            FloatVector av = FloatVector.fromArray(SPECIES, a, a0 + p);
            s0 = av.fma(FloatVector.fromArray(SPECIES, b, b0 + p), s0);
            s1 = av.fma(FloatVector.fromArray(SPECIES, b, b0 + ldb + p), s1);
            s2 = av.fma(FloatVector.fromArray(SPECIES, b, b0 + 2 * ldb + p), s2);
            s3 = av.fma(FloatVector.fromArray(SPECIES, b, b0 + 3 * ldb + p), s3);
        }
        float r0 = sum(s0);
        float r1 = sum(s1);
        float r2 = sum(s2);
        float r3 = sum(s3);
        for (int p = kv; p < k; p++) {
            float ap = a[a0 + p];
            r0 += ap * b[b0 + p];
            r1 += ap * b[b0 + ldb + p];
            r2 += ap * b[b0 + 2 * ldb + p];
            r3 += ap * b[b0 + 3 * ldb + p];
        }
        c[c0] += r0;
        c[c0 + 1] += r1;
        c[c0 + 2] += r2;
        c[c0 + 3] += r3;
    }

    /** C (4, 3) += A (4, k) · Bᵀ with B (3, k). A and B not modified, C modified. */
    private static void dot4x3(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb,
                               float[] c, int c0, int ldc) {
        FloatVector s00 = FloatVector.zero(SPECIES), s01 = s00, s02 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00;
        FloatVector s30 = s00, s31 = s00, s32 = s00;
        int kv = SPECIES.loopBound(k);
        for (int p = 0; p < kv; p += L) {
            FloatVector b0v = FloatVector.fromArray(SPECIES, b, b0 + p);
            FloatVector b1v = FloatVector.fromArray(SPECIES, b, b0 + ldb + p);
            FloatVector b2v = FloatVector.fromArray(SPECIES, b, b0 + 2 * ldb + p);
            FloatVector av = FloatVector.fromArray(SPECIES, a, a0 + p);
            s00 = av.fma(b0v, s00);
            s01 = av.fma(b1v, s01);
            s02 = av.fma(b2v, s02);
            av = FloatVector.fromArray(SPECIES, a, a0 + lda + p);
            s10 = av.fma(b0v, s10);
            s11 = av.fma(b1v, s11);
            s12 = av.fma(b2v, s12);
            av = FloatVector.fromArray(SPECIES, a, a0 + 2 * lda + p);
            s20 = av.fma(b0v, s20);
            s21 = av.fma(b1v, s21);
            s22 = av.fma(b2v, s22);
            av = FloatVector.fromArray(SPECIES, a, a0 + 3 * lda + p);
            s30 = av.fma(b0v, s30);
            s31 = av.fma(b1v, s31);
            s32 = av.fma(b2v, s32);
        }
        c[c0] += sum(s00);
        c[c0 + 1] += sum(s01);
        c[c0 + 2] += sum(s02);
        c[c0 + ldc] += sum(s10);
        c[c0 + ldc + 1] += sum(s11);
        c[c0 + ldc + 2] += sum(s12);
        c[c0 + 2 * ldc] += sum(s20);
        c[c0 + 2 * ldc + 1] += sum(s21);
        c[c0 + 2 * ldc + 2] += sum(s22);
        c[c0 + 3 * ldc] += sum(s30);
        c[c0 + 3 * ldc + 1] += sum(s31);
        c[c0 + 3 * ldc + 2] += sum(s32);
        for (int r = 0; r < 4; r++) {   // scalar tail: the last k - kv terms
            for (int q = 0; q < 3; q++) {
                float sum = 0f;
                for (int p = kv; p < k; p++) {
                    sum += a[a0 + r * lda + p] * b[b0 + q * ldb + p];
                }
                c[c0 + r * ldc + q] += sum;
            }
        }
    }

    /**
     * Shuffles that fold a vector onto itself: lane i gets lane i + L/2, then i + L/4, …, then i + 1 (wrapping).
     */
    private static final VectorShuffle<Float>[] FOLDS = folds();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds() {
        int levels = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] f = new VectorShuffle[levels];
        for (int i = 0, half = L / 2; i < levels; i++, half /= 2) {
            f[i] = VectorShuffle.iota(SPECIES, half, 1, true);
        }
        return f;
    }

    /**
     * The sum of the lanes, always added in the same tree order. {@code reduceLanes(ADD)} is not: the JIT-compiled
     * reduction adds in another order than the interpreter, so the same product gave other last bits once
     * compiled (687 of 1024 outputs of a 1×1024×320 product), and "same seed, same numbers" failed.
     */
    private static float sum(FloatVector v) {
        for (VectorShuffle<Float> fold : FOLDS) {
            v = v.add(v.rearrange(fold));
        }
        return v.lane(0);
    }

    // ---------------------------------------------------------------- packed products

    /**
     * Column block of the packed layout: B (k, n) is stored as column blocks of {@value #PACK_NC} columns (the last
     * padded to the full width: the edge tiles read whole vectors), each block (k, PACK_NC) row-major, one after
     * the other, so block j0 starts at j0·k. A block is read
     * as contiguous rows by the same register tiles as {@link #gemm}'s packed blocks, and two threads that take
     * alternate halves of the blocks each touch only their half of B.
     */
    private static final int PACK_NC = 64;

    @Override
    public int packedSize(int k, int n) {
        return k * ((n + PACK_NC - 1) / PACK_NC * PACK_NC);   // the last column block padded to the full width
    }

    @Override
    public void pack(int k, int n, int p0, int rows, float[] src, int off, int ld, boolean transposed,
                     float[] packed) {
        for (int j0 = 0; j0 < n; j0 += PACK_NC) {
            int w = Math.min(PACK_NC, n - j0);   // the last block's rows are padded to PACK_NC
            int base = j0 * k + p0 * PACK_NC;
            if (transposed) {
                for (int j = 0; j < w; j++) {
                    int s0 = off + (j0 + j) * ld;
                    for (int p = 0; p < rows; p++) {
                        packed[base + p * PACK_NC + j] = src[s0 + p];
                    }
                }
            } else {
                for (int p = 0; p < rows; p++) {
                    System.arraycopy(src, off + p * ld + j0, packed, base + p * PACK_NC, w);
                }
            }
        }
    }

    @Override
    public int packedColumnBlock() {
        return PACK_NC;
    }

    @Override
    public void multAddPacked(int m, int n, int k, int p0, int p1, float[] a, int aOff, int lda, float[] packed,
                              int j0, int j1, float[] c, int cOff, int ldc) {
        float[] edge = scratch().edge;
        for (int jb = j0; jb < j1; jb += PACK_NC) {
            int w = Math.min(PACK_NC, n - jb);
            for (int p = p0; p < p1; p += KC) {
                int kc = Math.min(KC, p1 - p);
                block(m, w, kc, a, aOff + p - p0, lda, 1, null, packed, jb * k + p * PACK_NC, PACK_NC, c, cOff + jb,
                        ldc, edge);
            }
        }
    }

    @Override
    public float dot(int n, float[] a, int aOff, float[] b, int bOff) {
        return dotProduct(n, a, aOff, b, bOff);
    }

    /** Σ_p a[a0 + p] · b[b0 + p] over k terms; a and b not modified. */
    private static float dotProduct(int k, float[] a, int a0, float[] b, int b0) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int p = 0;
        for (int upper = SPECIES.loopBound(k); p < upper; p += L) {
            acc = FloatVector.fromArray(SPECIES, a, a0 + p).fma(FloatVector.fromArray(SPECIES, b, b0 + p), acc);
        }
        float sum = sum(acc);
        for (; p < k; p++) {
            sum += a[a0 + p] * b[b0 + p];
        }
        return sum;
    }

    // ---------------------------------------------------------------- vectors and rows

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int upper = SPECIES.loopBound(n); i < upper; i += L) {
            FloatVector yv = FloatVector.fromArray(SPECIES, y, yOff + i);
            FloatVector.fromArray(SPECIES, x, xOff + i).mul(alpha).add(yv).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff) {
        int i = 0;
        for (int upper = SPECIES.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(SPECIES, x, xOff + i).mul(alpha).intoArray(x, xOff + i);
        }
        for (; i < n; i++) {
            x[xOff + i] *= alpha;
        }
    }

    @Override
    public void addRowBias(int m, int n, float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        for (int r = 0; r < m; r++) {
            addInto(n, bias, biasOff, c, cOff + r * ldc);
        }
    }

    @Override
    public void sumRowsAdd(int m, int n, float[] a, int aOff, int lda, float[] out, int outOff) {
        for (int r = 0; r < m; r++) {
            addInto(n, a, aOff + r * lda, out, outOff);
        }
    }

    /** y += x over n contiguous elements; x not modified, y modified. */
    private static void addInto(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int upper = SPECIES.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(SPECIES, y, yOff + i).add(FloatVector.fromArray(SPECIES, x, xOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += x[xOff + i];
        }
    }

    // ---------------------------------------------------------------- activations

    @Override
    public void activate(Activation f, int m, int n, float[] x, int off, int ld) {
        for (int r = 0; r < m; r++) {
            int xr = off + r * ld;
            switch (f) {
                case SIGMOID -> sigmoidRow(n, x, xr);
                case TANH -> tanhRow(n, x, xr);
                case RELU, HARD_SIGMOID -> otherRow(f, n, x, xr);
                case IDENTITY -> { }
            }
        }
    }

    /**
     * Row by row: each row's gates, c, tanh c and m are computed while the row (a few KB) is in L1, where
     * {@link CellSteps#lstm} passes over the whole block (rows × 4n floats, more than L1 holds) once per
     * activation. Each activation is still a loop of its own: a single loop computing all five, tried first,
     * was too large for the JIT to inline exp into, and boxed every vector (300 KB per step at B = 32, H = 256).
     * The lanewise operations and their order are those of the passes, with the same scalar tails, so the bits
     * are the same (tested).
     */
    @Override
    public void lstmStep(int rows, int n, float[] g, int gOff, int ldg, int colI, int colF, int colG, int colO,
                         float[] peep, int peepI, int peepF, int peepO, float clip,
                         float[] cPrev, int cPrevOff, float[] cOut, int cOutOff, float[] tanhC, int tanhCOff,
                         float[] m, int mOff, int ldh) {
        boolean cifg = colI < 0;
        for (int b = 0; b < rows; b++) {
            int gr = gOff + b * ldg;
            int cp = cPrevOff + b * ldh;
            int co = cOutOff + b * ldh;
            int tc = tanhCOff + b * ldh;
            if (peep != null) {
                if (!cifg) {
                    addProduct(n, peep, peepI, cPrev, cp, g, gr + colI);
                }
                addProduct(n, peep, peepF, cPrev, cp, g, gr + colF);
            }
            if (!cifg) {
                sigmoidRow(n, g, gr + colI);
            }
            sigmoidRow(n, g, gr + colF);
            tanhRow(n, g, gr + colG);
            cellState(n, g, gr, colI, colF, colG, clip, cPrev, cp, cOut, co);
            if (peep != null) {
                addProduct(n, peep, peepO, cOut, co, g, gr + colO);
            }
            sigmoidRow(n, g, gr + colO);
            System.arraycopy(cOut, co, tanhC, tc, n);
            tanhRow(n, tanhC, tc);
            multiply(n, g, gr + colO, tanhC, tc, m, mOff + b * ldh);
        }
    }

    /** Row by row, as {@link #lstmStep}; the same bits as {@link CellSteps#gru} (tested). */
    @Override
    public void gruStep(int rows, int n, float[] g, int gOff, int ldg, int block, float[] rec, int recOff,
                        int ldRec, float[] aux, int auxOff, float[] hPrev, int hPrevOff, float[] hNext,
                        int hNextOff, int ldh) {
        for (int b = 0; b < rows; b++) {
            int gr = gOff + b * ldg;
            int rr = recOff + b * ldRec;
            addInto(n, rec, rr, g, gr);
            addInto(n, rec, rr + block, g, gr + block);
            sigmoidRow(n, g, gr);
            sigmoidRow(n, g, gr + block);
            System.arraycopy(rec, rr + 2 * block, aux, auxOff + b * ldh, n);
            addProduct(n, g, gr, rec, rr + 2 * block, g, gr + 2 * block);
            tanhRow(n, g, gr + 2 * block);
            mixRow(n, g, gr + block, g, gr + 2 * block, hPrev, hPrevOff + b * ldh, hNext, hNextOff + b * ldh);
        }
    }

    /** h = (1 − z) ⊙ n + z ⊙ h_prev over n elements. */
    private static void mixRow(int n, float[] z, int zOff, float[] c, int cOff, float[] hPrev, int pOff,
                               float[] hNext, int hOff) {
        int j = 0;
        for (int upper = SPECIES.loopBound(n); j < upper; j += L) {
            FloatVector zv = FloatVector.fromArray(SPECIES, z, zOff + j);
            ONE.sub(zv).mul(FloatVector.fromArray(SPECIES, c, cOff + j))
                    .add(zv.mul(FloatVector.fromArray(SPECIES, hPrev, pOff + j))).intoArray(hNext, hOff + j);
        }
        for (; j < n; j++) {
            float zj = z[zOff + j];
            hNext[hOff + j] = (1f - zj) * c[cOff + j] + zj * hPrev[pOff + j];
        }
    }

    /** y += p ⊙ x over n elements (y + (p·x), rounded as the scalar expression {@code y += p * x}). */
    private static void addProduct(int n, float[] p, int pOff, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int upper = SPECIES.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(SPECIES, y, yOff + i)
                    .add(FloatVector.fromArray(SPECIES, p, pOff + i).mul(FloatVector.fromArray(SPECIES, x, xOff + i)))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += p[pOff + i] * x[xOff + i];
        }
    }

    /** c = clip(f ⊙ c_prev + i ⊙ g) of one row (i = 1 − f when colI &lt; 0), from the activated gates. */
    private static void cellState(int n, float[] g, int gr, int colI, int colF, int colG, float clip,
                                  float[] cPrev, int cp, float[] cOut, int co) {
        boolean cifg = colI < 0;
        boolean clipped = clip > 0f;
        int j = 0;
        for (int upper = SPECIES.loopBound(n); j < upper; j += L) {
            FloatVector f = FloatVector.fromArray(SPECIES, g, gr + colF + j);
            FloatVector i = cifg ? ONE.sub(f) : FloatVector.fromArray(SPECIES, g, gr + colI + j);
            FloatVector c = f.mul(FloatVector.fromArray(SPECIES, cPrev, cp + j))
                    .add(i.mul(FloatVector.fromArray(SPECIES, g, gr + colG + j)));
            if (clipped) {
                c = c.min(clip).max(-clip);
            }
            c.intoArray(cOut, co + j);
        }
        for (; j < n; j++) {
            float f = g[gr + colF + j];
            float i = cifg ? 1f - f : g[gr + colI + j];
            float c = f * cPrev[cp + j] + i * g[gr + colG + j];
            if (clipped) {
                c = Math.max(-clip, Math.min(clip, c));
            }
            cOut[co + j] = c;
        }
    }

    /** z = x ⊙ y over n elements. */
    private static void multiply(int n, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff) {
        int i = 0;
        for (int upper = SPECIES.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(SPECIES, x, xOff + i).mul(FloatVector.fromArray(SPECIES, y, yOff + i))
                    .intoArray(z, zOff + i);
        }
        for (; i < n; i++) {
            z[zOff + i] = x[xOff + i] * y[yOff + i];
        }
    }

    // One loop per function, each calling its own formula: with one loop over a switch of all of them, the JIT
    // did not inline exp into it and boxed every vector passed in and out (about 300 KB per LSTM step at
    // B = 32, H = 256, by JMH -prof gc).

    private static void sigmoidRow(int n, float[] x, int off) {
        int i = 0;
        for (int upper = SPECIES.loopBound(n); i < upper; i += L) {
            sigmoid(FloatVector.fromArray(SPECIES, x, off + i)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] = Activation.SIGMOID.apply(x[off + i]);
        }
    }

    private static void tanhRow(int n, float[] x, int off) {
        int i = 0;
        for (int upper = SPECIES.loopBound(n); i < upper; i += L) {
            tanh(FloatVector.fromArray(SPECIES, x, off + i)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] = Activation.TANH.apply(x[off + i]);
        }
    }

    private static void otherRow(Activation f, int n, float[] x, int off) {
        int i = 0;
        for (int upper = SPECIES.loopBound(n); i < upper; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, off + i);
            (f == Activation.RELU ? FloatVector.zero(SPECIES).blend(v, v.compare(VectorOperators.GT, 0f))
                    : v.mul(0.2f).add(0.5f).min(1f).max(0f)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] = f.apply(x[off + i]);
        }
    }

    private static FloatVector sigmoid(FloatVector x) {
        return ONE.div(exp(x.neg()).add(1f));
    }

    /*
     * Sigmoid and tanh are computed with exp below rather than the JDK's EXP/TANH vector operators: those give
     * different last bits before and after the JIT compiles them, which would break "same seed, same run". Within
     * 2e-7 of the double-precision reference (Activation#apply's formulas).
     */

    private static final FloatVector ONE = FloatVector.broadcast(SPECIES, 1f);

    /**
     * e^x from IEEE add, multiply, fused multiply-add and exponent arithmetic only, so interpreted and compiled code
     * compute the same bits. x = k ln 2 + r with k rounded to nearest (adding and subtracting 1.5·2²³) and
     * |r| ≤ ln2/2 (ln 2 split in two parts), e^r by its Taylor polynomial to degree 7 (truncation below 3e-9),
     * times 2^k built from the exponent bits. x is clamped to [−87, 88], where e^x is a normal float.
     */
    private static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-87f).min(88f);
        FloatVector k = xc.mul(1.44269504f).add(12582912f).sub(12582912f);
        FloatVector r = k.fma(FloatVector.broadcast(SPECIES, -0.693145752f), xc).add(k.mul(-1.42860677e-6f));
        FloatVector p = r.fma(1.98412698e-4f, 1.38888889e-3f);
        p = p.fma(r, FloatVector.broadcast(SPECIES, 8.33333333e-3f));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 4.16666667e-2f));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 1.66666667e-1f));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 0.5f));
        p = p.fma(r, ONE);
        p = p.fma(r, ONE);
        FloatVector twoK = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127)
                .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(twoK);
    }

    /**
     * tanh x: below |x| = 0.625 the odd minimax polynomial of Cephes' tanhf (relative error about 1e-7), above it
     * 1 − 2/(e^{2|x|} + 1) with the sign of x.
     */
    private static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector z = x.mul(x);
        FloatVector small = z.fma(-5.70498872745e-3f, 2.06390887954e-2f);
        small = small.fma(z, FloatVector.broadcast(SPECIES, -5.37397155531e-2f));
        small = small.fma(z, FloatVector.broadcast(SPECIES, 1.33314422036e-1f));
        small = small.fma(z, FloatVector.broadcast(SPECIES, -3.33332819422e-1f));
        small = small.mul(z).fma(x, x);
        FloatVector large = ONE.sub(FloatVector.broadcast(SPECIES, 2f).div(exp(ax.add(ax)).add(1f)));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        return large.blend(small, ax.compare(VectorOperators.LT, 0.625f));
    }

    @Override
    public void activateBackward(Activation f, int m, int n, float[] y, int yOff, int ldy,
                                 float[] d, int dOff, int ldd) {
        if (f == Activation.IDENTITY) {
            return;
        }
        int upper = SPECIES.loopBound(n);
        for (int r = 0; r < m; r++) {
            int yr = yOff + r * ldy;
            int dr = dOff + r * ldd;
            int i = 0;
            for (; i < upper; i += L) {
                FloatVector dv = FloatVector.fromArray(SPECIES, d, dr + i);
                dv.mul(derivative(f, FloatVector.fromArray(SPECIES, y, yr + i))).intoArray(d, dr + i);
            }
            for (; i < n; i++) {
                d[dr + i] *= f.derivativeFromOutput(y[yr + i]);
            }
        }
    }

    /** f'(x) through y = f(x), lane by lane, same formulas as {@link Activation#derivativeFromOutput}. */
    private static FloatVector derivative(Activation f, FloatVector y) {
        return switch (f) {
            case SIGMOID -> y.mul(y.neg().add(1f));
            case TANH -> y.mul(y).neg().add(1f);
            case RELU -> zeroUnless(y.compare(VectorOperators.GT, 0f), 1f);
            case HARD_SIGMOID -> zeroUnless(y.compare(VectorOperators.GT, 0f)
                    .and(y.compare(VectorOperators.LT, 1f)), 0.2f);
            case IDENTITY -> FloatVector.broadcast(SPECIES, 1f);
        };
    }

    /** A vector of {@code value} where the mask is set and 0 elsewhere. */
    private static FloatVector zeroUnless(VectorMask<Float> mask, float value) {
        return FloatVector.zero(SPECIES).blend(value, mask);
    }
}
