package org.rnn4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The fused elementwise steps of the vector kernels give the bits of the reference's passes. */
class CellStepsTest {

    private static final Kernels VECTOR = new VectorKernels();
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    /**
     * One LSTM step's operands: a block of rows × n units placed inside larger arrays, at offsets and strides
     * that are not multiples of the vector length.
     */
    private static final class LstmCase {
        final int rows;
        final int n;
        final int ldg;
        final int ldh;
        final int colI;
        final int colF;
        final int colG;
        final int colO;
        final float clip;
        final float[] g;
        final float[] peep;
        final float[] cPrev;
        final float[] cOut;
        final float[] tanhC;
        final float[] m;

        LstmCase(Random rnd, int rows, int n, boolean cifg, boolean peepholes, float clip) {
            this.rows = rows;
            this.n = n;
            this.clip = clip;
            int gates = cifg ? 3 : 4;
            this.ldg = gates * n + 5;
            this.ldh = n + 3;
            this.colI = cifg ? -1 : 0;
            this.colF = cifg ? 0 : n;
            this.colG = colF + n;
            this.colO = colG + n;
            this.g = new float[2 + rows * ldg];
            for (int i = 0; i < g.length; i++) {
                // mostly where the activations bend, some where exp saturates or tanh takes its polynomial
                g[i] = switch (rnd.nextInt(8)) {
                    case 0 -> (rnd.nextFloat() - 0.5f) * 200f;
                    case 1 -> (rnd.nextFloat() - 0.5f) * 1.2f;
                    default -> (float) rnd.nextGaussian() * 4f;
                };
            }
            this.peep = peepholes ? random(rnd, 7 + 3 * n, 1f) : null;
            this.cPrev = random(rnd, 1 + rows * ldh, 3f);
            this.cOut = random(rnd, 4 + rows * ldh, 1f);
            this.tanhC = random(rnd, 2 + rows * ldh, 1f);
            this.m = random(rnd, 6 + rows * ldh, 1f);
        }

        LstmCase(LstmCase other) {
            rows = other.rows;
            n = other.n;
            ldg = other.ldg;
            ldh = other.ldh;
            colI = other.colI;
            colF = other.colF;
            colG = other.colG;
            colO = other.colO;
            clip = other.clip;
            g = other.g.clone();
            peep = other.peep == null ? null : other.peep.clone();
            cPrev = other.cPrev.clone();
            cOut = other.cOut.clone();
            tanhC = other.tanhC.clone();
            m = other.m.clone();
        }

        private static float[] random(Random rnd, int length, float scale) {
            float[] a = new float[length];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextGaussian() * scale;
            }
            return a;
        }

        void reference() {
            CellSteps.lstm(VECTOR, rows, n, g, 2, ldg, colI, colF, colG, colO, peep, 7, 7 + n, 7 + 2 * n, clip,
                    cPrev, 1, cOut, 4, tanhC, 2, m, 6, ldh);
        }

        void fused() {
            VECTOR.lstmStep(rows, n, g, 2, ldg, colI, colF, colG, colO, peep, 7, 7 + n, 7 + 2 * n, clip,
                    cPrev, 1, cOut, 4, tanhC, 2, m, 6, ldh);
        }
    }

    @Test
    void fusedLstmStepGivesTheBitsOfOnePassPerActivation() {
        int cases = 0;
        for (boolean cifg : new boolean[] {false, true}) {
            for (boolean peepholes : new boolean[] {false, true}) {
                for (float clip : new float[] {0f, 1.5f}) {
                    for (int rows : new int[] {1, 3}) {
                        for (int n : new int[] {1, L - 1, L, L + 3, 2 * L + 5, 64}) {
                            String where = "cifg=" + cifg + " peepholes=" + peepholes + " clip=" + clip
                                    + " rows=" + rows + " n=" + n;
                            LstmCase before = new LstmCase(new Random(cases), rows, n, cifg, peepholes, clip);
                            LstmCase expected = new LstmCase(before);
                            LstmCase actual = new LstmCase(before);
                            expected.reference();
                            actual.fused();
                            assertFalse(Arrays.equals(before.cOut, expected.cOut), "the step wrote c, " + where);
                            assertArrayEquals(expected.g, actual.g, "gates, " + where);
                            assertArrayEquals(expected.cOut, actual.cOut, "c, " + where);
                            assertArrayEquals(expected.tanhC, actual.tanhC, "tanh c, " + where);
                            assertArrayEquals(expected.m, actual.m, "m, " + where);
                            assertArrayEquals(before.cPrev, actual.cPrev, "c_prev unchanged, " + where);
                            cases++;
                        }
                    }
                }
            }
        }
        assertEquals(96, cases);
    }

    @Test
    void rowByRowGruStepGivesTheBitsOfOnePassPerActivation() {
        int cases = 0;
        for (int rows : new int[] {1, 3}) {
            for (int n : new int[] {1, L - 1, L, L + 3, 2 * L + 5, 64}) {
                String where = "rows=" + rows + " n=" + n;
                Random rnd = new Random(100 + cases);
                int block = n + 2;
                int ldg = 3 * block + 5;
                int ldRec = 3 * block + 1;
                int ldh = n + 3;
                float[] g = LstmCase.random(rnd, 2 + rows * ldg, 3f);
                float[] rec = LstmCase.random(rnd, 3 + rows * ldRec, 3f);
                float[] aux = LstmCase.random(rnd, 1 + rows * ldh, 1f);
                float[] hPrev = LstmCase.random(rnd, 4 + rows * ldh, 1f);
                float[] hNext = LstmCase.random(rnd, 5 + rows * ldh, 1f);
                float[][] expected = {g.clone(), rec.clone(), aux.clone(), hPrev.clone(), hNext.clone()};
                float[][] actual = {g.clone(), rec.clone(), aux.clone(), hPrev.clone(), hNext.clone()};
                CellSteps.gru(VECTOR, rows, n, expected[0], 2, ldg, block, expected[1], 3, ldRec, expected[2], 1,
                        expected[3], 4, expected[4], 5, ldh);
                VECTOR.gruStep(rows, n, actual[0], 2, ldg, block, actual[1], 3, ldRec, actual[2], 1,
                        actual[3], 4, actual[4], 5, ldh);
                assertFalse(Arrays.equals(hNext, expected[4]), "the step wrote h, " + where);
                String[] names = {"gates", "rec", "aux", "h_prev", "h"};
                for (int a = 0; a < names.length; a++) {
                    assertArrayEquals(expected[a], actual[a], names[a] + ", " + where);
                }
                assertArrayEquals(rec, actual[1], "rec unchanged, " + where);
                cases++;
            }
        }
        assertEquals(12, cases);
    }
}
