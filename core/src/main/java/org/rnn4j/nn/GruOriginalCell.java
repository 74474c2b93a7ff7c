package org.rnn4j.nn;

import org.rnn4j.kernel.Activation;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamLayout;

/**
 * GRU cell in the original form of Cho et al. (2014) ({@code linear_before_reset = 0}): the reset gate acts on
 * the state before the candidate's recurrent product, so a step has two products, the second after r is known.
 * <pre>
 * r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)       (first product: the r and z rows of W_hh)
 * z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
 * n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t−1}) + b_hn)   (second product)
 * h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}                ({@link GruMix})
 * backward:  d(r ⊙ h_{t−1}) = dA^n W_hn;  dA^r = d(r ⊙ h_{t−1}) ⊙ h_{t−1} ⊙ r(1 − r);
 *            dh_{t−1} = dh ⊙ z + d(r ⊙ h_{t−1}) ⊙ r + dA^{r,z} W_hh^{r,z}
 * </pre>
 * Shapes: B batch, T steps, I input, H hidden (= R), G = 3H. Derivation: {@code docs/cells/gru.md}.
 */
final class GruOriginalCell extends GruMix {

    GruOriginalCell(int inputSize, int hidden, ParamLayout.Builder layout, String suffix) {
        super(inputSize, hidden, layout, suffix);
    }

    @Override
    Wiring wiring() {
        return Wiring.RESET_BEFORE;
    }

    /** Between the products, rows [lo, hi): r and z, and r ⊙ h_{t−1}, the second product's input. */
    @Override
    void forwardReset(Kernels k, float[] w, GruTape tp, Pass p, int t, int lo, int hi) {
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;
        int hPrev = tp.prev(t) * bsz * h;
        int aux = t * bsz * h;
        k.activate(Activation.SIGMOID, hi - lo, 2 * h, tp.pre, pre + lo * gw, gw);
        for (int b = lo; b < hi; b++) {
            for (int j = 0; j < h; j++) {
                tp.aux[aux + b * h + j] = tp.pre[pre + b * gw + j] * tp.h[hPrev + b * h + j];
            }
        }
    }

    /** After the second product: n and the mix. */
    @Override
    void forward(Kernels k, float[] w, GruTape tp, Pass p, int t, int lo, int hi, int u0, int u1) {
        int pre = (t * tp.batch + lo) * gw + 2 * hidden + u0;
        k.activate(Activation.TANH, hi - lo, u1 - u0, tp.pre, pre, gw);
        mix(tp, t, lo, hi, u0, u1);
    }

    /** Back through the mix and n: dA^z, dA^n and dh_{t−1} = dh ⊙ z. */
    @Override
    void backward(Kernels k, float[] w, float[] g, GruTape tp, Pass p, int t, Carry d, int lo, int hi, int u0,
                  int u1) {
        throughMix(tp, t, d.dh, d.dhPrev, lo, hi, u0, u1);
    }

    /** Back through r ⊙ h_{t−1}, from its gradient in the tape's dAux: dA^r, and dh_{t−1} += dAux ⊙ r. */
    @Override
    void backwardReset(GruTape tp, Pass p, int t, Carry d, int lo, int hi) {
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;
        int hPrev = tp.prev(t) * bsz * h;
        for (int b = lo; b < hi; b++) {
            int row = pre + b * gw;
            for (int j = 0; j < h; j++) {
                float r = tp.pre[row + j];
                float drh = tp.dAux[b * h + j];
                tp.dA[row + j] = drh * tp.h[hPrev + b * h + j] * r * (1f - r);
                d.dhPrev[b * h + j] += drh * r;
            }
        }
    }
}
