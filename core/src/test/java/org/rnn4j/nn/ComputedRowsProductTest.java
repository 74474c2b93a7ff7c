package org.rnn4j.nn;

import org.junit.jupiter.api.Test;
import org.rnn4j.kernel.Compute;
import org.rnn4j.param.ParamLayout;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The weight-gradient product over the rows a pass computed ({@link StepSchedule#multTransAAddComputedRows}) against the
 * product over every row, bit for bit, on passes long enough to need several gathered chunks, with chunk
 * boundaries inside a step, on scalar and vector kernels and 1 and 2 threads; also when it is computed transposed
 * and over every row.
 */
class ComputedRowsProductTest {

    @Test
    void theProductOverComputedRowsHasTheBitsOfTheProductOverEveryRow() {
        productsHaveTheBitsOfTheProductOverEveryRow(44, 19);
    }

    /** m ≥ 3n: the product is computed as Cᵀ += Bᵀ·A in a transposed copy of C. */
    @Test
    void theTransposedProductHasTheBitsOfTheProductOverEveryRow() {
        assertTrue(70 >= StepSchedule.TRANSPOSE_RATIO * 19);
        productsHaveTheBitsOfTheProductOverEveryRow(70, 19);
    }

    private static void productsHaveTheBitsOfTheProductOverEveryRow(int m, int n) {
        int batch = 24;   // 1024 rows per chunk split steps of 24 rows
        int steps = 250;
        Cell<?> cell = Cell.of(CellSpec.rnnTanh(), 3, 11, ParamLayout.builder(), "");
        SplittableRandom rnd = new SplittableRandom(3);
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = 1 + rnd.nextInt(steps);
        }
        lengths[0] = steps;
        java.util.Arrays.sort(lengths);
        for (int b = 0; b < batch / 2; b++) {   // longest first, as the trainer sorts a batch
            int tmp = lengths[b];
            lengths[b] = lengths[batch - 1 - b];
            lengths[batch - 1 - b] = tmp;
        }
        Pass pass = new Pass(batch, lengths, null, 0, true, null);
        StepSchedule<?> schedule = new StepSchedule<>(cell, ScheduleOptions.DEFAULT);
        long computed = 0;
        int lda = m + 3;
        int ldb = n + 1;
        float[] a = new float[5 + steps * batch * lda];
        float[] b = new float[7 + steps * batch * ldb];
        for (int t = 0; t < steps; t++) {
            computed += pass.runningRows(t);
            for (int r = 0; r < batch; r++) {
                for (int j = 0; j < m; j++) {   // rows a step did not compute hold zero gradients
                    a[5 + (t * batch + r) * lda + j] = r < pass.runningRows(t) ? (float) rnd.nextGaussian() : 0f;
                }
                for (int j = 0; j < n; j++) {
                    b[7 + (t * batch + r) * ldb + j] = (float) rnd.nextGaussian();
                }
            }
        }
        assertTrue(computed > 2 * StepSchedule.GATHER_ROWS && computed < 0.85 * steps * batch, "several chunks: " + computed);
        float[] c0 = new float[2 + m * (n + 2)];
        for (int i = 0; i < c0.length; i++) {
            c0[i] = (float) rnd.nextGaussian();
        }
        for (org.rnn4j.kernel.Kernels k : new org.rnn4j.kernel.Kernels[] {org.rnn4j.kernel.Kernels.scalar(),
                org.rnn4j.kernel.Kernels.select()}) {
            for (int threads = 1; threads <= 2; threads++) {
                try (Compute cx = Compute.withThreads(k, threads)) {
                    float[] every = c0.clone();
                    cx.multTransAAdd(m, n, steps * batch, a, 5, lda, b, 7, ldb, every, 2, n + 2);
                    float[] gathered = c0.clone();
                    schedule.multTransAAddComputedRows(cx, steps, batch, pass, m, n, a, 5, lda, b, 7, ldb, gathered, 2, n + 2);
                    String what = k.name() + ", " + threads + " threads, m " + m + ", n " + n;
                    assertArrayEquals(every, gathered, what);
                    float[] all = c0.clone();
                    schedule.multTransAAddComputedRows(cx, steps, batch, null, m, n, a, 5, lda, b, 7, ldb, all, 2,
                            n + 2);
                    assertArrayEquals(every, all, what + ", every row");
                }
            }
        }
    }
}
