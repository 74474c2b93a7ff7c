package org.rnn4j.kernel;

/**
 * The cells' elementwise steps written as a sequence of whole-block operations: each activation is one
 * {@link Kernels#activate} pass over its gate block and the state updates are plain loops. This is the reference
 * the row-by-row kernels ({@link Kernels#lstmStep}, {@link Kernels#gruStep}) are checked against, bit for bit,
 * what the scalar kernels run, and what benchmarks compare the kernels with.
 */
public final class CellSteps {

    private CellSteps() {
    }

    /** {@link Kernels#lstmStep} as one pass per activation; the arguments are documented there. */
    public static void lstm(Kernels k, int rows, int n, float[] g, int gOff, int ldg, int colI, int colF, int colG,
                     int colO, float[] peep, int peepI, int peepF, int peepO, float clip,
                     float[] cPrev, int cPrevOff, float[] cOut, int cOutOff, float[] tanhC, int tanhCOff,
                     float[] m, int mOff, int ldh) {
        boolean cifg = colI < 0;
        if (peep != null) {
            for (int b = 0; b < rows; b++) {
                int row = gOff + b * ldg;
                int cb = cPrevOff + b * ldh;
                for (int j = 0; j < n; j++) {
                    if (!cifg) {
                        g[row + colI + j] += peep[peepI + j] * cPrev[cb + j];
                    }
                    g[row + colF + j] += peep[peepF + j] * cPrev[cb + j];
                }
            }
        }
        if (!cifg) {
            k.activate(Activation.SIGMOID, rows, n, g, gOff + colI, ldg);
        }
        k.activate(Activation.SIGMOID, rows, n, g, gOff + colF, ldg);
        k.activate(Activation.TANH, rows, n, g, gOff + colG, ldg);
        for (int b = 0; b < rows; b++) {
            int row = gOff + b * ldg;
            for (int j = 0; j < n; j++) {
                float f = g[row + colF + j];
                float i = cifg ? 1f - f : g[row + colI + j];
                float c = f * cPrev[cPrevOff + b * ldh + j] + i * g[row + colG + j];
                if (clip > 0f) {
                    c = Math.max(-clip, Math.min(clip, c));
                }
                cOut[cOutOff + b * ldh + j] = c;
                if (peep != null) {
                    g[row + colO + j] += peep[peepO + j] * c;
                }
            }
        }
        k.activate(Activation.SIGMOID, rows, n, g, gOff + colO, ldg);
        for (int b = 0; b < rows; b++) {
            System.arraycopy(cOut, cOutOff + b * ldh, tanhC, tanhCOff + b * ldh, n);
        }
        k.activate(Activation.TANH, rows, n, tanhC, tanhCOff, ldh);
        for (int b = 0; b < rows; b++) {
            int row = gOff + b * ldg;
            for (int j = 0; j < n; j++) {
                m[mOff + b * ldh + j] = g[row + colO + j] * tanhC[tanhCOff + b * ldh + j];
            }
        }
    }

    /** {@link Kernels#gruStep} as one pass per activation; the arguments are documented there. */
    public static void gru(Kernels k, int rows, int n, float[] g, int gOff, int ldg, int block, float[] rec,
                           int recOff, int ldRec, float[] aux, int auxOff, float[] hPrev, int hPrevOff,
                           float[] hNext, int hNextOff, int ldh) {
        for (int b = 0; b < rows; b++) {
            int row = gOff + b * ldg;
            int rr = recOff + b * ldRec;
            for (int j = 0; j < n; j++) {
                g[row + j] += rec[rr + j];
                g[row + block + j] += rec[rr + block + j];
            }
        }
        k.activate(Activation.SIGMOID, rows, n, g, gOff, ldg);
        k.activate(Activation.SIGMOID, rows, n, g, gOff + block, ldg);
        for (int b = 0; b < rows; b++) {
            int row = gOff + b * ldg;
            int rr = recOff + b * ldRec;
            for (int j = 0; j < n; j++) {
                float hn = rec[rr + 2 * block + j];
                aux[auxOff + b * ldh + j] = hn;
                g[row + 2 * block + j] += g[row + j] * hn;
            }
        }
        k.activate(Activation.TANH, rows, n, g, gOff + 2 * block, ldg);
        for (int b = 0; b < rows; b++) {
            int row = gOff + b * ldg;
            for (int j = 0; j < n; j++) {
                float z = g[row + block + j];
                float c = g[row + 2 * block + j];
                hNext[hNextOff + b * ldh + j] = (1f - z) * c + z * hPrev[hPrevOff + b * ldh + j];
            }
        }
    }
}
