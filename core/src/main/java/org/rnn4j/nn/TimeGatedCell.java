package org.rnn4j.nn;

import org.rnn4j.kernel.Compute;

/**
 * What the Phased LSTM and the Phased GRU share around their base cell's step: the time gate with its leak α,
 * its buffers in the tape, and what a time gate asks of the schedule. Its gradients sum over the rows, so a step's
 * elementwise work splits by units; its inputs are projected for the whole pass first, as they always were
 * (fusing them into each step rounds the sums differently); at inference (α = 0) a closed unit is exactly frozen,
 * so the steps are event-driven: only the open units compute.
 */
abstract class TimeGatedCell<T extends Tape> extends Cell<T> {

    final TimeGate timeGate;
    private final float leak;

    TimeGatedCell(Cell<?> base, TimeGate timeGate, float leak) {
        super(base);
        this.timeGate = timeGate;
        this.leak = leak;
    }

    /** The time gate's buffers in the tape. */
    abstract TimeGate.Buffers gate(T tp);

    /** α of this pass: the spec's leak in training, 0 at inference. */
    final float leak(Pass p) {
        return TimeGate.leak(p, leak);
    }

    @Override
    final boolean fusesInput() {
        return false;
    }

    @Override
    final Compute.Split split() {
        return Compute.Split.UNITS;
    }

    @Override
    final void startForward(float[] w, T tp, Pass p) {
        TimeGate.startPass(gate(tp), tp, p);
    }

    @Override
    final long unitUpdates(T tp, Pass p) {
        return TimeGate.openUpdates(gate(tp), tp, p);
    }

    @Override
    final boolean eventDriven(Pass p) {
        return !p.training();
    }
}
