package org.rnn4j.nn;

import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamLayout;

/**
 * GRU cell (Cho et al. 2014) in PyTorch's and ONNX's form ({@code linear_before_reset = 1}): the reset gate
 * multiplies the recurrent product of the candidate, so one product h_{t−1}·W_hhᵀ serves all three gates.
 * <pre>
 * rec_t = W_hh h_{t−1} + b_hh                          (the schedule's product, apart from the input part)
 * r_t = σ(W_ir x_t + b_ir + rec^r)
 * z_t = σ(W_iz x_t + b_iz + rec^z)
 * n_t = tanh(W_in x_t + b_in + r_t ⊙ rec^n)
 * h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}                ({@link GruMix})
 * backward, after the mix:  dA^r = dA^n ⊙ rec^n ⊙ r(1 − r);  dRec = (dA^r, dA^z, dA^n ⊙ r)
 * </pre>
 * Shapes: B batch, T steps, I input, H hidden (= R), G = 3H. Derivation: {@code docs/cells/gru.md}.
 */
final class GruCell extends GruMix {

    GruCell(int inputSize, int hidden, ParamLayout.Builder layout, String suffix) {
        super(inputSize, hidden, layout, suffix);
    }

    @Override
    Wiring wiring() {
        return Wiring.RESET_AFTER;
    }

    /** r, z, n and the candidate mixed into h_t, for rows [lo, hi) and units [u0, u1) after the products. */
    @Override
    void forward(Kernels k, float[] w, GruTape tp, Pass p, int t, int lo, int hi, int u0, int u1) {
        int bsz = tp.batch;
        int h = hidden;
        int rows = hi - lo;
        int n = u1 - u0;
        int pre = (t * bsz + lo) * gw + u0;   // (rows, G) from unit u0 of each gate block
        int aux = (t * bsz + lo) * h + u0;    // (rows, H) rec^n kept for backward
        k.gruStep(rows, n, tp.pre, pre, gw, h, tp.rec, lo * gw + u0, gw, tp.aux, aux,
                tp.h, (tp.prev(t) * bsz + lo) * h + u0, tp.h, (tp.next(t) * bsz + lo) * h + u0, h);
    }

    @Override
    void backward(Kernels k, float[] w, float[] g, GruTape tp, Pass p, int t, Carry d, int lo, int hi, int u0,
                  int u1) {
        throughMix(tp, t, d.dh, d.dhPrev, lo, hi, u0, u1);
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;
        int aux = t * bsz * h;
        for (int b = lo; b < hi; b++) {
            int row = pre + b * gw;
            for (int j = u0; j < u1; j++) {
                float r = tp.pre[row + j];
                float dAn = tp.dA[row + 2 * h + j];
                float dAr = dAn * tp.aux[aux + b * h + j] * r * (1f - r);
                tp.dA[row + j] = dAr;
                tp.dRec[row + j] = dAr;
                tp.dRec[row + h + j] = tp.dA[row + h + j];
                tp.dRec[row + 2 * h + j] = dAn * r;
            }
        }
    }
}
