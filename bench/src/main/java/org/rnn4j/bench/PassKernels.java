package org.rnn4j.bench;

import org.rnn4j.kernel.Activation;
import org.rnn4j.kernel.CellSteps;
import org.rnn4j.kernel.Kernels;

/**
 * Kernels that compute every product as {@code inner} does but the cells' elementwise steps as one pass over the
 * block per activation ({@link CellSteps}), as the cells did before the row-by-row kernels: the "before" of a
 * measurement in one process. The bits are the same as {@code inner}'s.
 */
final class PassKernels implements Kernels {

    private final Kernels inner;

    PassKernels(Kernels inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name() + ", elementwise steps by passes";
    }

    @Override
    public Kernels forThread() {
        return new PassKernels(inner.forThread());
    }

    @Override
    public boolean sameArithmetic(Kernels other) {
        return other instanceof PassKernels p && inner.sameArithmetic(p.inner);
    }

    @Override
    public void lstmStep(int rows, int n, float[] g, int gOff, int ldg, int colI, int colF, int colG, int colO,
                         float[] peep, int peepI, int peepF, int peepO, float clip, float[] cPrev, int cPrevOff,
                         float[] cOut, int cOutOff, float[] tanhC, int tanhCOff, float[] m, int mOff, int ldh) {
        CellSteps.lstm(this, rows, n, g, gOff, ldg, colI, colF, colG, colO, peep, peepI, peepF, peepO, clip,
                cPrev, cPrevOff, cOut, cOutOff, tanhC, tanhCOff, m, mOff, ldh);
    }

    @Override
    public void gruStep(int rows, int n, float[] g, int gOff, int ldg, int block, float[] rec, int recOff,
                        int ldRec, float[] aux, int auxOff, float[] hPrev, int hPrevOff, float[] hNext,
                        int hNextOff, int ldh) {
        CellSteps.gru(this, rows, n, g, gOff, ldg, block, rec, recOff, ldRec, aux, auxOff, hPrev, hPrevOff, hNext,
                hNextOff, ldh);
    }

    @Override
    public void multAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c,
                        int cOff, int ldc) {
        inner.multAdd(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    @Override
    public void multTransAAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        inner.multTransAAdd(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    @Override
    public void multTransBAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        inner.multTransBAdd(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    @Override
    public int packedSize(int k, int n) {
        return inner.packedSize(k, n);
    }

    @Override
    public void pack(int k, int n, int p0, int rows, float[] src, int off, int ld, boolean transposed,
                     float[] packed) {
        inner.pack(k, n, p0, rows, src, off, ld, transposed, packed);
    }

    @Override
    public int packedColumnBlock() {
        return inner.packedColumnBlock();
    }

    @Override
    public void multAddPacked(int m, int n, int k, int p0, int p1, float[] a, int aOff, int lda, float[] packed,
                              int j0, int j1, float[] c, int cOff, int ldc) {
        inner.multAddPacked(m, n, k, p0, p1, a, aOff, lda, packed, j0, j1, c, cOff, ldc);
    }

    @Override
    public float dot(int n, float[] a, int aOff, float[] b, int bOff) {
        return inner.dot(n, a, aOff, b, bOff);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        inner.axpy(n, alpha, x, xOff, y, yOff);
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff) {
        inner.scale(n, alpha, x, xOff);
    }

    @Override
    public void addRowBias(int m, int n, float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        inner.addRowBias(m, n, bias, biasOff, c, cOff, ldc);
    }

    @Override
    public void sumRowsAdd(int m, int n, float[] a, int aOff, int lda, float[] out, int outOff) {
        inner.sumRowsAdd(m, n, a, aOff, lda, out, outOff);
    }

    @Override
    public void activate(Activation f, int m, int n, float[] x, int off, int ld) {
        inner.activate(f, m, n, x, off, ld);
    }

    @Override
    public void activateBackward(Activation f, int m, int n, float[] y, int yOff, int ldy, float[] d, int dOff,
                                 int ldd) {
        inner.activateBackward(f, m, n, y, yOff, ldy, d, dOff, ldd);
    }
}
