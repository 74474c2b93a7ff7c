package org.rnn4j.nn;

import org.rnn4j.kernel.Activation;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.ParamView;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Batch-normalised LSTM cell (Cooijmans, Ballas, Laurent, Gülçehre &amp; Courville 2017, "Recurrent Batch
 * Normalization"), the baseline of the Phased LSTM paper; its options are those of {@link BnLstmSpec}.
 * <pre>
 * a_t = γ_h ⊙ BN(W_hh h_{t−1}) + γ_x ⊙ BN(W_ih x_t) + b_ih + b_hh        gate order i, f, g, o
 * c_t = σ(a^f) ⊙ c_{t−1} + σ(a^i) ⊙ tanh(a^g)
 * h_t = σ(a^o) ⊙ tanh(γ_c ⊙ BN(c_t) + β_c)
 * </pre>
 * The two products are the schedule's, each into its own buffer and without biases; the cell normalises them.
 *
 * <p>Batch normalisation of a (B, F) block over its valid rows (the sequences still running at this step):
 * ẑ = (z − μ) / σ with σ = sqrt(var + ε), per feature. Its backward, with dẑ the gradient at ẑ and n valid rows:
 * dz = (dẑ − mean(dẑ) − ẑ · mean(dẑ ⊙ ẑ)) / σ in training (the statistics depend on the batch), dz = dẑ / σ at
 * inference (running statistics are constants). Rows past their sequence's end take no part and get dz = 0.
 *
 * <p>Shapes: B batch, T steps, I input, H hidden, G = 4H; S = maxSteps rows of running statistics (buffers).
 */
final class BnLstmCell extends Cell<BnLstmCell.BnTape> {

    /** The BN-LSTM's extra buffers. */
    static final class BnTape extends Tape {
        /** (T, B, G) W_ih x_t (the input projection), then normalised: x̂. */
        final float[] xHat;
        /** (T, B, G) W_hh h_{t−1} (the recurrent product), then normalised: ĥ. */
        final float[] hHat;
        /** (T, B, H) normalised cell state ĉ. */
        final float[] cHat;
        /** (T, B, H) tanh(γ_c ĉ + β_c). */
        final float[] tanhY;
        /** (T, G), (T, G), (T, H): the σ each step used. */
        final float[] sigmaX;
        final float[] sigmaH;
        final float[] sigmaC;
        /**
         * (T, G), (T, G), (T, H): in training, the batch mean and unbiased variance of each step that used batch
         * statistics, folded into the running statistics after the pass; NaN mean where a step did not.
         */
        final float[] muX;
        final float[] muH;
        final float[] muC;
        final float[] varX;
        final float[] varH;
        final float[] varC;
        /** (T, B, G) gradients at W_ih x and at W_hh h, for the deferred weight products. */
        float[] dXw;
        float[] dHw;
        /** (B, G) scratch of the current backward step. */
        float[] scratch;
        /**
         * (G) per-feature scratch of a normalisation, reused by every step: two double sums, then two floats per
         * feature (μ and σ forward; the means of d and of d ⊙ ẑ backward).
         */
        final double[] statSum;
        final double[] statSumSq;
        final float[] statMu;
        final float[] statSigma;

        private final int gateWidth;

        BnTape(BnLstmCell cell, int batch, int steps, boolean reverse) {
            super(cell, batch, steps, reverse);
            this.xHat = new float[size("BN-LSTM buffer", steps, batch, cell.gw)];
            this.hHat = new float[xHat.length];
            this.cHat = new float[size("BN-LSTM buffer", steps, batch, cell.hidden)];
            this.tanhY = new float[cHat.length];
            this.sigmaX = new float[steps * cell.gw];
            this.sigmaH = new float[steps * cell.gw];
            this.sigmaC = new float[steps * cell.hidden];
            this.muX = new float[sigmaX.length];
            this.muH = new float[sigmaX.length];
            this.muC = new float[sigmaC.length];
            this.varX = new float[sigmaX.length];
            this.varH = new float[sigmaX.length];
            this.varC = new float[sigmaC.length];
            this.statSum = new double[cell.gw];
            this.statSumSq = new double[cell.gw];
            this.statMu = new float[cell.gw];
            this.statSigma = new float[cell.gw];
            this.gateWidth = cell.gw;
        }

        @Override
        float[] inputPart() {
            return xHat;
        }

        @Override
        float[] recurrentPart() {
            return hHat;
        }

        @Override
        float[] dInput() {
            return dXw;
        }

        @Override
        float[] dRecurrent() {
            return dHw;
        }

        @Override
        void ensureBackward() {
            super.ensureBackward();
            if (dXw == null) {
                dXw = new float[xHat.length];
                dHw = new float[xHat.length];
                scratch = new float[batch * gateWidth];
            }
        }
    }

    private final BnLstmSpec spec;
    private final ParamView gammaX;     // (G)
    private final ParamView gammaH;     // (G)
    private final ParamView gammaC;     // (H)
    private final ParamView betaC;      // (H)
    private final ParamView meanX;      // (S, G) buffers: running statistics
    private final ParamView varX;
    private final ParamView meanH;
    private final ParamView varH;
    private final ParamView meanC;      // (S, H)
    private final ParamView varC;

    BnLstmCell(BnLstmSpec spec, int inputSize, int hidden, ParamLayout.Builder layout, String suffix) {
        super(inputSize, hidden, hidden, 4, true, layout, suffix);
        this.spec = spec;
        this.gammaX = layout.add("bn_ih_gamma" + suffix, gw);
        this.gammaH = layout.add("bn_hh_gamma" + suffix, gw);
        this.gammaC = layout.add("bn_c_gamma" + suffix, hidden);
        this.betaC = layout.add("bn_c_beta" + suffix, hidden);
        int s = spec.maxSteps();
        this.meanX = layout.addBuffer("bn_ih_running_mean" + suffix, s, gw);
        this.varX = layout.addBuffer("bn_ih_running_var" + suffix, s, gw);
        this.meanH = layout.addBuffer("bn_hh_running_mean" + suffix, s, gw);
        this.varH = layout.addBuffer("bn_hh_running_var" + suffix, s, gw);
        this.meanC = layout.addBuffer("bn_c_running_mean" + suffix, s, hidden);
        this.varC = layout.addBuffer("bn_c_running_var" + suffix, s, hidden);
    }

    @Override
    Wiring wiring() {
        return Wiring.NORMALISED;
    }

    /** The batch statistics span the rows, and the i and f gates are activated as one block: one thread. */
    @Override
    Compute.Split split() {
        return Compute.Split.NONE;
    }

    @Override
    BnTape newTape(int batch, int steps, boolean reverse) {
        return new BnTape(this, batch, steps, reverse);
    }

    @Override
    void initialize(float[] w, Init init, RandomGenerator rng) {
        weights.initialize(w, init, hidden, rng);
        Initializers.fill(w, gammaX.offset(), gw, spec.gammaInit());
        Initializers.fill(w, gammaH.offset(), gw, spec.gammaInit());
        Initializers.fill(w, gammaC.offset(), hidden, spec.gammaInit());
        Initializers.fill(w, betaC.offset(), hidden, 0f);
        for (ParamView mean : new ParamView[]{meanX, meanH, meanC}) {
            Initializers.fill(w, mean.offset(), mean.size(), 0f);
        }
        for (ParamView var : new ParamView[]{varX, varH, varC}) {
            Initializers.fill(w, var.offset(), var.size(), 1f);
        }
    }

    /**
     * Normalises the (B, f) block z at off (row stride ld) feature by feature over the rows running at step t, in
     * place; writes σ to sigma[sOff..]. Training: the batch's statistics, folded into the running ones, when enough
     * sequences are running (see {@link BnLstmSpec#minRunning()}); inference and too few sequences: the running
     * statistics at row min(t, S − 1) of (mean, var).
     */
    private void normalize(float[] w, BnTape tp, Pass p, int t, int rows, float[] z, int off, int ld, int f,
                           float[] sigma, int sOff, ParamView mean, ParamView var, float[] batchMean, float[] batchVar) {
        int row = Math.min(p.firstStep() + t, spec.maxSteps() - 1) * f;
        int n = 0;
        for (int b = 0; b < rows; b++) {
            n += p.active(b, t) ? 1 : 0;
        }
        boolean batchStats = p.training() && spec.batchStatistics(n, tp.batch);
        float[] mus = tp.statMu;
        float[] sigmas = tp.statSigma;
        if (batchStats) {
            // row by row, each feature's sums in row order (a contiguous inner loop the JIT vectorises)
            double[] sum = tp.statSum;
            double[] sumSq = tp.statSumSq;
            Arrays.fill(sum, 0, f, 0);
            Arrays.fill(sumSq, 0, f, 0);
            for (int b = 0; b < rows; b++) {
                if (p.active(b, t)) {
                    int base = off + b * ld;
                    for (int j = 0; j < f; j++) {
                        double zj = z[base + j];
                        sum[j] += zj;
                        sumSq[j] += zj * zj;
                    }
                }
            }
            for (int j = 0; j < f; j++) {
                float mu = n == 0 ? 0f : (float) (sum[j] / n);
                float v = n == 0 ? 0f : (float) Math.max(0, sumSq[j] / n - (double) mu * mu);
                // one row has no variance to learn from: such a step leaves the running statistics alone
                batchMean[sOff + j] = n > 1 ? mu : Float.NaN;
                batchVar[sOff + j] = n > 1 ? v * n / (n - 1) : Float.NaN;
                mus[j] = mu;
                sigmas[j] = (float) Math.sqrt(v + spec.epsilon());
            }
        } else {
            for (int j = 0; j < f; j++) {
                if (p.training()) {
                    batchMean[sOff + j] = Float.NaN;
                }
                mus[j] = w[mean.offset() + row + j];
                sigmas[j] = (float) Math.sqrt(w[var.offset() + row + j] + spec.epsilon());
            }
        }
        System.arraycopy(sigmas, 0, sigma, sOff, f);
        for (int b = 0; b < rows; b++) {
            int base = off + b * ld;
            if (p.active(b, t)) {
                for (int j = 0; j < f; j++) {
                    z[base + j] = (z[base + j] - mus[j]) / sigmas[j];
                }
            } else {
                Arrays.fill(z, base, base + f, 0f);
            }
        }
    }

    /**
     * Backward of {@link #normalize}: d (B, f) at off holds the gradient at ẑ and is overwritten with the gradient
     * at z.
     */
    private void normalizeBackward(BnTape tp, Pass p, int t, int rows, float[] zHat, int zOff, float[] d, int dOff,
                                   int ld, int f, float[] sigma, int sOff) {
        int n = 0;
        for (int b = 0; b < rows; b++) {
            n += p.active(b, t) ? 1 : 0;
        }
        boolean batchStats = p.training() && spec.batchStatistics(n, tp.batch);
        double[] sum = tp.statSum;
        double[] sumProd = tp.statSumSq;
        Arrays.fill(sum, 0, f, 0);
        Arrays.fill(sumProd, 0, f, 0);
        if (batchStats) {   // with fixed statistics, ẑ = (z − μ)/σ is affine: no terms through μ and σ
            for (int b = 0; b < rows; b++) {
                if (p.active(b, t)) {
                    int db = dOff + b * ld;
                    int zb = zOff + b * ld;
                    for (int j = 0; j < f; j++) {
                        sum[j] += d[db + j];
                        sumProd[j] += (double) d[db + j] * zHat[zb + j];
                    }
                }
            }
        }
        float[] meanD = tp.statMu;
        float[] meanDz = tp.statSigma;
        for (int j = 0; j < f; j++) {
            meanD[j] = n == 0 ? 0f : (float) (sum[j] / n);
            meanDz[j] = n == 0 ? 0f : (float) (sumProd[j] / n);
        }
        for (int b = 0; b < rows; b++) {
            int db = dOff + b * ld;
            if (p.active(b, t)) {
                int zb = zOff + b * ld;
                for (int j = 0; j < f; j++) {
                    d[db + j] = (d[db + j] - meanD[j] - zHat[zb + j] * meanDz[j]) / sigma[sOff + j];
                }
            } else {
                Arrays.fill(d, db, db + f, 0f);
            }
        }
    }

    /** Step t over rows [0, hi) and every unit (the schedule splits it no further), after its two products. */
    @Override
    void forward(Kernels k, float[] w, BnTape tp, Pass p, int t, int lo, int hi, int u0, int u1) {
        int bsz = tp.batch;
        int m = hi;                             // rows past it are finished sequences, frozen by the layer
        int h = hidden;
        int g = t * bsz * gw;                   // (B, G) slices of pre, xHat, hHat
        int prev = tp.prev(t) * bsz * h;        // (B, H) h_{t-1}, c_{t-1}
        int next = tp.next(t) * bsz * h;
        int aux = t * bsz * h;                  // (B, H) slices of cHat, tanhY

        normalize(w, tp, p, t, m, tp.xHat, g, gw, gw, tp.sigmaX, t * gw, meanX, varX, tp.muX, tp.varX);
        normalize(w, tp, p, t, m, tp.hHat, g, gw, gw, tp.sigmaH, t * gw, meanH, varH, tp.muH, tp.varH);
        for (int b = 0; b < m; b++) {
            for (int q = 0; q < gw; q++) {
                int i = g + b * gw + q;
                tp.pre[i] = w[gammaX.offset() + q] * tp.xHat[i] + w[gammaH.offset() + q] * tp.hHat[i]
                        + w[weights.bih.offset() + q] + w[weights.bhh.offset() + q];
            }
        }
        k.activate(Activation.SIGMOID, m, 2 * h, tp.pre, g, gw);
        k.activate(Activation.TANH, m, h, tp.pre, g + 2 * h, gw);
        k.activate(Activation.SIGMOID, m, h, tp.pre, g + 3 * h, gw);
        for (int b = 0; b < m; b++) {
            int row = g + b * gw;
            for (int j = 0; j < h; j++) {
                float c = tp.pre[row + h + j] * tp.c[prev + b * h + j] + tp.pre[row + j] * tp.pre[row + 2 * h + j];
                tp.c[next + b * h + j] = c;
                tp.cHat[aux + b * h + j] = c;
            }
        }
        normalize(w, tp, p, t, m, tp.cHat, aux, h, h, tp.sigmaC, t * h, meanC, varC, tp.muC, tp.varC);
        for (int b = 0; b < m; b++) {
            for (int j = 0; j < h; j++) {
                int o = aux + b * h + j;
                tp.tanhY[o] = w[gammaC.offset() + j] * tp.cHat[o] + w[betaC.offset() + j];
            }
        }
        k.activate(Activation.TANH, m, h, tp.tanhY, aux, h);
        for (int b = 0; b < m; b++) {
            for (int j = 0; j < h; j++) {
                tp.h[next + b * h + j] = tp.pre[g + b * gw + 3 * h + j] * tp.tanhY[aux + b * h + j];
            }
        }
    }

    /** Folds the steps' batch statistics into the running ones, step by step in time order. */
    @Override
    void endForward(float[] w, BnTape tp, Pass p) {
        if (!p.training()) {
            return;
        }
        float m = spec.momentum();
        for (int t = 0; t < tp.steps; t++) {
            int row = Math.min(p.firstStep() + t, spec.maxSteps() - 1);
            fold(w, tp.muX, tp.varX, t * gw, meanX, varX, row * gw, gw, m);
            fold(w, tp.muH, tp.varH, t * gw, meanH, varH, row * gw, gw, m);
            fold(w, tp.muC, tp.varC, t * hidden, meanC, varC, row * hidden, hidden, m);
        }
    }

    private static void fold(float[] w, float[] mu, float[] var, int off, ParamView mean, ParamView runVar, int row,
                             int f, float m) {
        for (int j = 0; j < f; j++) {
            if (!Float.isNaN(mu[off + j])) {
                w[mean.offset() + row + j] = (1 - m) * w[mean.offset() + row + j] + m * mu[off + j];
                w[runVar.offset() + row + j] = (1 - m) * w[runVar.offset() + row + j] + m * var[off + j];
            }
        }
    }

    @Override
    void backward(Kernels k, float[] w, float[] grads, BnTape tp, Pass p, int t, Carry carry, int lo, int hi, int u0,
                  int u1) {
        float[] dh = carry.dh;
        float[] dc = carry.dc;
        float[] dcPrev = carry.dcPrev;
        int bsz = tp.batch;
        int m = hi;               // rows past it are finished sequences: zero gradients
        int h = hidden;
        int g = t * bsz * gw;
        int prev = tp.prev(t) * bsz * h;
        int aux = t * bsz * h;
        float[] d = tp.scratch;   // (B, H) gradient at ĉ, then at c_t through the normalisation

        for (int b = 0; b < m; b++) {
            int row = g + b * gw;
            for (int j = 0; j < h; j++) {
                int o = aux + b * h + j;
                float og = tp.pre[row + 3 * h + j];
                float ty = tp.tanhY[o];
                float dy = dh[b * h + j] * og * (1f - ty * ty);
                tp.dA[row + 3 * h + j] = dh[b * h + j] * ty * og * (1f - og);
                grads[gammaC.offset() + j] += dy * tp.cHat[o];
                grads[betaC.offset() + j] += dy;
                d[b * h + j] = dy * w[gammaC.offset() + j];
            }
        }
        normalizeBackward(tp, p, t, m, tp.cHat, aux, d, 0, h, h, tp.sigmaC, t * h);
        for (int b = 0; b < m; b++) {
            int row = g + b * gw;
            for (int j = 0; j < h; j++) {
                float ig = tp.pre[row + j];
                float fg = tp.pre[row + h + j];
                float gg = tp.pre[row + 2 * h + j];
                float cPrev = tp.c[prev + b * h + j];
                float dct = dc[b * h + j] + d[b * h + j];
                tp.dA[row + j] = dct * gg * ig * (1f - ig);
                tp.dA[row + h + j] = dct * cPrev * fg * (1f - fg);
                tp.dA[row + 2 * h + j] = dct * ig * (1f - gg * gg);
                dcPrev[b * h + j] = dct * fg;
            }
        }
        // through a = γ_x x̂ + γ_h ĥ + b into the two normalisations
        for (int b = 0; b < m; b++) {
            for (int q = 0; q < gw; q++) {
                int i = g + b * gw + q;
                float da = tp.dA[i];
                grads[gammaX.offset() + q] += da * tp.xHat[i];
                grads[gammaH.offset() + q] += da * tp.hHat[i];
                tp.dXw[i] = da * w[gammaX.offset() + q];
                tp.dHw[i] = da * w[gammaH.offset() + q];
            }
        }
        normalizeBackward(tp, p, t, m, tp.xHat, g, tp.dXw, g, gw, gw, tp.sigmaX, t * gw);
        normalizeBackward(tp, p, t, m, tp.hHat, g, tp.dHw, g, gw, gw, tp.sigmaH, t * gw);
    }
}
