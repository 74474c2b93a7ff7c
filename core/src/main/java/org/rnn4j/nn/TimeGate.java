package org.rnn4j.nn;

import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.ParamView;

import java.util.random.RandomGenerator;

/**
 * The time gate of the Phased LSTM (Neil, Pfeiffer &amp; Liu 2016), per unit j with period τ_j, shift s_j and open
 * ratio r_j, shared by {@link PhasedLstmCell} and {@link PhasedGruCell}:
 * <pre>
 * φ = ((t − s) mod |τ|) / |τ|
 * k = 2φ/r if φ &lt; r/2;  2 − 2φ/r if φ &lt; r;  α φ otherwise       (r = |r_on|)
 * </pre>
 * τ and r_on enter through their absolute values (floored at 1e-6), which keeps them positive whatever an optimizer
 * does. Away from the jumps of the mod, ∂φ/∂τ = −(t − s)/τ² and ∂φ/∂s = −1/τ (PyTorch's {@code remainder}
 * convention). A parameter that is not learned is a buffer: saved with the model, never updated.
 */
final class TimeGate {

    /**
     * The buffers a cell with a time gate keeps beyond its base cell's: the phase and gate of every unit and step,
     * and the times before which units stay closed in its own event-driven passes.
     */
    static final class Buffers {
        /** H, the units per row. */
        final int hidden;
        /** (T, B, H) the phase φ of each unit. */
        final float[] phase;
        /** (T, B, H) the time gate k. */
        final float[] gate;
        /** (B, H) at inference, outside streams: times before which each unit stays closed. */
        final double[] ownClosedUntil;

        Buffers(int steps, int batch, int hidden, String what) {
            this.hidden = hidden;
            this.phase = new float[Tape.size(what, steps, batch, hidden)];
            this.gate = new float[phase.length];
            this.ownClosedUntil = new double[batch * hidden];
        }
    }

    final ParamView period;     // τ (H)
    final ParamView shift;      // s (H)
    final ParamView ratioOn;    // r_on (H)
    private final double periodMin;
    private final double periodMax;
    private final float ratioOnInit;

    TimeGate(ParamLayout.Builder layout, String suffix, int hidden, double periodMin, double periodMax, float ratioOnInit,
             boolean learnPeriod, boolean learnShift, boolean learnRatioOn) {
        this.period = layout.add("tau" + suffix, learnPeriod, hidden);
        this.shift = layout.add("shift" + suffix, learnShift, hidden);
        this.ratioOn = layout.add("r_on" + suffix, learnRatioOn, hidden);
        this.periodMin = periodMin;
        this.periodMax = periodMax;
        this.ratioOnInit = ratioOnInit;
    }

    /** τ log-uniform in [periodMin, periodMax], s uniform in [0, τ), r_on its initial value. */
    void initialize(float[] w, RandomGenerator rng) {
        double lo = Math.log(periodMin);
        double hi = Math.log(periodMax);
        for (int j = 0; j < period.size(); j++) {
            float tau = (float) Math.exp(lo + (hi - lo) * rng.nextDouble());
            w[period.offset() + j] = tau;
            w[shift.offset() + j] = (float) (rng.nextDouble() * tau);
            w[ratioOn.offset() + j] = ratioOnInit;
        }
    }

    private static float positive(float v) {
        return Math.max(Math.abs(v), 1e-6f);
    }

    /** The phase φ of unit j at time {@code time}. */
    float phase(float[] w, int j, double time) {
        float tau = positive(w[period.offset() + j]);
        double u = time - w[shift.offset() + j];
        return (float) ((u - tau * Math.floor(u / tau)) / tau);
    }

    /**
     * For unit j, closed at {@code time} with phase φ (at or past r_on, so k = 0 at inference): a time before which
     * it stays closed. That is where its period ends, (1 − φ)τ later, less 1e-6 τ: the phase is a float, within
     * 6e-8 of the exact one, so the unit's phase at any earlier time of the same period is past φ and computes as
     * closed too (the phase is non-decreasing in the time within a period, in floating point as well).
     */
    private double closedUntil(float[] w, int j, double time, float phi) {
        double tau = positive(w[period.offset() + j]);
        return time + (1.0 - phi) * tau - 1e-6 * tau;
    }

    /** The leak of a pass: the spec's α in training, 0 at inference. */
    static float leak(Pass p, float alpha) {
        return p.training() ? alpha : 0f;
    }

    /**
     * The times before which the units of an event-driven pass stay closed: a stream's, carried over between its
     * calls, or else the buffers' own, which {@link #startPass} resets for every pass; none for a reverse scan, where
     * time runs backwards.
     */
    static double[] closedUntil(Buffers buf, Tape tp, Pass p) {
        if (tp.reverse) {
            return null;
        }
        return p.closedUntil() != null ? p.closedUntil() : buf.ownClosedUntil;
    }

    /** Before an event-driven pass that keeps its own closed-until times: none is known yet (all −∞). */
    static void startPass(Buffers buf, Tape tp, Pass p) {
        if (!p.training() && !tp.reverse && p.closedUntil() == null) {
            java.util.Arrays.fill(buf.ownClosedUntil, Double.NEGATIVE_INFINITY);
        }
    }

    /** Unit j of row b at {@code time} in a dense step: writes its phase and gate into slot o and returns the gate. */
    float open(float[] w, Buffers buf, int j, int o, double time, float alpha) {
        float phi = phase(w, j, time);
        float k = gate(w, j, phi, alpha);
        buf.phase[o] = phi;
        buf.gate[o] = k;
        return k;
    }

    /** The (sequence, unit, step) updates of the latest pass whose gate was open, over valid steps. */
    static long openUpdates(Buffers buf, Tape tp, Pass p) {
        int h = buf.hidden;
        long n = 0;
        for (int t = 0; t < tp.steps; t++) {
            for (int b = 0; b < tp.batch; b++) {
                if (p.active(b, t)) {
                    int o = (t * tp.batch + b) * h;
                    for (int j = 0; j < h; j++) {
                        n += buf.gate[o + j] != 0f ? 1 : 0;
                    }
                }
            }
        }
        return n;
    }

    /**
     * At inference (α = 0), unit j of row b at {@code time}: writes its phase and gate into slot {@code o} of the
     * tape and returns the gate, 0 for a closed unit. A unit known to stay closed until a later time is not even
     * given a phase (it gets 1, a closed one, so that a backward pass sends it no gradient); a unit found closed
     * records until when it stays so.
     */
    float inferenceGate(float[] w, Buffers buf, double[] closedUntil, int b, int j, int o, double time) {
        int u = b * buf.hidden + j;
        if (closedUntil != null && time < closedUntil[u]) {
            buf.phase[o] = 1f;
            buf.gate[o] = 0f;
            return 0f;
        }
        float phi = phase(w, j, time);
        float k = gate(w, j, phi, 0f);
        buf.phase[o] = phi;
        buf.gate[o] = k;
        if (k == 0f && closedUntil != null) {
            closedUntil[u] = closedUntil(w, j, time, phi);
        }
        return k;
    }

    /** The gate k of unit j at phase φ with leak α. */
    float gate(float[] w, int j, float phi, float alpha) {
        float r = positive(w[ratioOn.offset() + j]);
        return phi < 0.5f * r ? 2f * phi / r : phi < r ? 2f - 2f * phi / r : alpha * phi;
    }

    /** Accumulates into g the gradients of unit j's τ, s and r_on (those that are learned) from dL/dk. */
    void backward(float[] w, float[] g, int j, double time, float phi, float dGate, float alpha) {
        float rawR = w[ratioOn.offset() + j];
        float r = positive(rawR);
        float dPhi;
        float dR;
        if (phi < 0.5f * r) {
            dPhi = dGate * 2f / r;
            dR = -dGate * 2f * phi / (r * r);
        } else if (phi < r) {
            dPhi = -dGate * 2f / r;
            dR = dGate * 2f * phi / (r * r);
        } else {
            dPhi = dGate * alpha;
            dR = 0f;
        }
        float rawTau = w[period.offset() + j];
        float tau = positive(rawTau);
        if (ratioOn.trainable()) {
            g[ratioOn.offset() + j] += dR * Math.signum(rawR);
        }
        if (period.trainable()) {
            double u = time - w[shift.offset() + j];
            g[period.offset() + j] += (float) (dPhi * (-u / ((double) tau * tau))) * Math.signum(rawTau);
        }
        if (shift.trainable()) {
            g[shift.offset() + j] += -dPhi / tau;
        }
    }
}
