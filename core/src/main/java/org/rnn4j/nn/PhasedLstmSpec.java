package org.rnn4j.nn;

/**
 * Phased LSTM (Neil, Pfeiffer &amp; Liu 2016): an LSTM whose cell and hidden updates pass through a time gate
 * k_t that opens once per period τ for a fraction r_on of it, at a phase shift s, all per unit:
 * <pre>
 * φ_t = ((t − s) mod τ) / τ
 * k_t = 2φ/r_on         if φ &lt; r_on/2
 *       2 − 2φ/r_on     if φ &lt; r_on
 *       α φ             otherwise (the leak; α in training, 0 at inference)
 * c_t = k ⊙ c̃_t + (1 − k) ⊙ c_{t−1},   h_t = k ⊙ h̃_t + (1 − k) ⊙ h_{t−1}
 * </pre>
 * where (c̃, h̃) is an ordinary LSTM step. t is the step's timestamp ({@code times} of a batch), or the step
 * index when a batch has none.
 *
 * @param peepholes    diagonal peepholes (i, f on c_{t−1}, o on c̃_t)
 * @param periodMin    τ is initialised log-uniformly in [periodMin, periodMax]
 * @param periodMax    see periodMin
 * @param ratioOn      initial open ratio r_on (the paper's 0.05)
 * @param leak         α, the slope of the closed phase in training (the paper's 1e-3)
 * @param learnPeriod  whether τ is trained (otherwise it is a buffer: saved with the model, never updated)
 * @param learnShift   whether s is trained
 * @param learnRatioOn whether r_on is trained
 */
public record PhasedLstmSpec(boolean peepholes, double periodMin, double periodMax, float ratioOn, float leak,
                             boolean learnPeriod, boolean learnShift, boolean learnRatioOn) implements CellSpec {

    /** The official implementation's README defaults: τ in [e, e⁵] ≈ [2.7, 148], r_on 0.05, α 1e-3, all learned. */
    static final PhasedLstmSpec DEFAULT = new PhasedLstmSpec(false, Math.E, Math.exp(5), 0.05f, 1e-3f, true, true, true);

    public PhasedLstmSpec {
        if (!(periodMin > 0) || !(periodMax >= periodMin) || Double.isInfinite(periodMax)) {
            throw new IllegalArgumentException("the period range must satisfy 0 < periodMin ≤ periodMax < ∞, got ["
                    + periodMin + ", " + periodMax + "]");
        }
        if (!(ratioOn > 0f && ratioOn <= 1f)) {
            throw new IllegalArgumentException("the open ratio r_on must be in (0, 1], got " + ratioOn);
        }
        if (!(leak >= 0f && leak < 1f)) {
            throw new IllegalArgumentException("the leak α must be in [0, 1), got " + leak);
        }
    }

    public PhasedLstmSpec withPeepholes(boolean on) {
        return new PhasedLstmSpec(on, periodMin, periodMax, ratioOn, leak, learnPeriod, learnShift, learnRatioOn);
    }

    /** τ is initialised log-uniformly in [min, max] (in the unit of the timestamps). */
    public PhasedLstmSpec withPeriodRange(double min, double max) {
        return new PhasedLstmSpec(peepholes, min, max, ratioOn, leak, learnPeriod, learnShift, learnRatioOn);
    }

    public PhasedLstmSpec withRatioOn(float r) {
        return new PhasedLstmSpec(peepholes, periodMin, periodMax, r, leak, learnPeriod, learnShift, learnRatioOn);
    }

    public PhasedLstmSpec withLeak(float alpha) {
        return new PhasedLstmSpec(peepholes, periodMin, periodMax, ratioOn, alpha, learnPeriod, learnShift, learnRatioOn);
    }

    /** Which of τ, s and r_on are trained. */
    public PhasedLstmSpec withLearned(boolean period, boolean shift, boolean ratioOn) {
        return new PhasedLstmSpec(peepholes, periodMin, periodMax, this.ratioOn, leak, period, shift, ratioOn);
    }

    @Override
    public String kind() {
        return "PhasedLSTM";
    }

    @Override
    public int outputSize(int hiddenSize) {
        return hiddenSize;
    }

    @Override
    public boolean hasCellState() {
        return true;
    }

}
