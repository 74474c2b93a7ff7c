package org.rnn4j.nn;

/**
 * The buffers a cell with a {@link TimeGate} keeps beyond the plain tape's, shared by the Phased LSTM and GRU: the
 * phase and gate of every unit and step, the pass's leak and unit-update count, and what event-driven inference
 * needs (the times before which units stay closed; the input, whose rows each open unit projects itself, is the
 * tape's {@link Tape#x}, set at inference only).
 */
abstract class TimeGatedTape extends Tape {
    /** (T, B, H) the phase φ of each unit. */
    final float[] phase;
    /** (T, B, H) the time gate k. */
    final float[] gate;
    /** H, the units per row. */
    final int hidden;
    /** α of the latest forward: the spec's leak in training, 0 at inference. */
    float leak;
    /** (sequence, unit, step) updates with an open gate in the latest forward, over valid steps. */
    long updates;
    /** At inference: (B, H) times before which each unit stays closed (a stream's, or this pass's own); null in a reverse scan. */
    double[] closedUntil;
    double[] ownClosedUntil;

    TimeGatedTape(Cell<?> cell, int batch, int steps, boolean reverse, String what) {
        super(cell, batch, steps, reverse);
        this.hidden = cell.hiddenSize();
        this.phase = new float[size(what, steps, batch, hidden)];
        this.gate = new float[phase.length];
    }
}
