package org.rnn4j.nn;

/**
 * Phased GRU: a GRU step (PyTorch's form) whose hidden update passes through the time gate of the Phased LSTM
 * (Neil, Pfeiffer &amp; Liu 2016): h_t = k ⊙ h̃_t + (1 − k) ⊙ h_{t−1}, with h̃_t the GRU's new state and k the gate of
 * {@link PhasedLstmSpec}, per unit.
 *
 * @param periodMin    τ is initialised log-uniformly in [periodMin, periodMax]
 * @param periodMax    see periodMin
 * @param ratioOn      initial open ratio r_on
 * @param leak         α, the slope of the closed phase in training; 0 at inference
 * @param learnPeriod  whether τ is trained (otherwise a buffer)
 * @param learnShift   whether s is trained
 * @param learnRatioOn whether r_on is trained
 */
public record PhasedGruSpec(double periodMin, double periodMax, float ratioOn, float leak, boolean learnPeriod,
                            boolean learnShift, boolean learnRatioOn) implements CellSpec {

    static final PhasedGruSpec DEFAULT = new PhasedGruSpec(Math.E, Math.exp(5), 0.05f, 1e-3f, true, true, true);

    public PhasedGruSpec {
        // the same constraints as the Phased LSTM's time gate
        new PhasedLstmSpec(false, periodMin, periodMax, ratioOn, leak, learnPeriod, learnShift, learnRatioOn);
    }

    public PhasedGruSpec withPeriodRange(double min, double max) {
        return new PhasedGruSpec(min, max, ratioOn, leak, learnPeriod, learnShift, learnRatioOn);
    }

    public PhasedGruSpec withRatioOn(float r) {
        return new PhasedGruSpec(periodMin, periodMax, r, leak, learnPeriod, learnShift, learnRatioOn);
    }

    public PhasedGruSpec withLeak(float alpha) {
        return new PhasedGruSpec(periodMin, periodMax, ratioOn, alpha, learnPeriod, learnShift, learnRatioOn);
    }

    public PhasedGruSpec withLearned(boolean period, boolean shift, boolean ratio) {
        return new PhasedGruSpec(periodMin, periodMax, ratioOn, leak, period, shift, ratio);
    }

    @Override
    public String kind() {
        return "PhasedGRU";
    }

    @Override
    public int outputSize(int hiddenSize) {
        return hiddenSize;
    }

}
