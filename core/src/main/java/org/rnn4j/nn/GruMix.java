package org.rnn4j.nn;

import org.rnn4j.param.ParamLayout;

import java.util.random.RandomGenerator;

/**
 * What both GRU forms share: the gate layout r, z, n (PyTorch's order) and the mix of the candidate with the
 * previous state,
 * <pre>
 * h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
 * backward:  dA^z = dh ⊙ (h_{t−1} − n) ⊙ z(1 − z),   dA^n = dh ⊙ (1 − z) ⊙ (1 − n²),   dh_{t−1} = dh ⊙ z (direct path)
 * </pre>
 * {@link GruCell} and {@link GruOriginalCell} differ in where the reset gate acts. Shapes: B batch, T steps,
 * H hidden (= R), G = 3H.
 */
abstract class GruMix extends Cell<GruTape> {

    GruMix(int inputSize, int hidden, ParamLayout.Builder layout, String suffix) {
        super(inputSize, hidden, hidden, 3, false, layout, suffix);
    }

    @Override
    GruTape newTape(int batch, int steps, boolean reverse) {
        return new GruTape(this, batch, steps, reverse);
    }

    @Override
    void initialize(float[] w, Init init, RandomGenerator rng) {
        weights.initialize(w, init, hidden, rng);
    }

    /** h_t = (1 − z) ⊙ n + z ⊙ h_{t−1} for rows [lo, hi) and units [u0, u1) of step t. */
    final void mix(Tape tp, int t, int lo, int hi, int u0, int u1) {
        int bsz = tp.batch;
        int h = hidden;
        int hPrev = tp.prev(t) * bsz * h;
        int hNext = tp.next(t) * bsz * h;
        for (int b = lo; b < hi; b++) {
            int row = (t * bsz + b) * gw;
            for (int j = u0; j < u1; j++) {
                float z = tp.pre[row + h + j];
                float n = tp.pre[row + 2 * h + j];
                tp.h[hNext + b * h + j] = (1f - z) * n + z * tp.h[hPrev + b * h + j];
            }
        }
    }

    /** Rows [lo, hi) and units [u0, u1) back through the mix from dh: dA^z, dA^n and dhPrev = dh ⊙ z. */
    final void throughMix(Tape tp, int t, float[] dh, float[] dhPrev, int lo, int hi, int u0, int u1) {
        int bsz = tp.batch;
        int h = hidden;
        int pre = t * bsz * gw;
        int hPrev = tp.prev(t) * bsz * h;
        for (int b = lo; b < hi; b++) {
            int row = pre + b * gw;
            for (int j = u0; j < u1; j++) {
                float z = tp.pre[row + h + j];
                float n = tp.pre[row + 2 * h + j];
                float d = dh[b * h + j];
                float hp = tp.h[hPrev + b * h + j];
                tp.dA[row + h + j] = d * (hp - n) * z * (1f - z);
                tp.dA[row + 2 * h + j] = d * (1f - z) * (1f - n * n);
                dhPrev[b * h + j] = d * z;
            }
        }
    }
}
