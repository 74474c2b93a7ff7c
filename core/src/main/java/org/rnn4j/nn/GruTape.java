package org.rnn4j.nn;

/**
 * The buffers of a GRU layer, in either form; the Phased GRU adds its time gate's. Shapes: B batch, T steps,
 * H hidden, G = 3H.
 */
class GruTape extends Tape {
    /** (T, B, H) per step: W_hn h_{t−1} + b_hn in PyTorch's form, r_t ⊙ h_{t−1} in the original form. */
    final float[] aux;
    /** (B, G) b_hh + h_{t−1}·W_hhᵀ of the current step (PyTorch's form). */
    final float[] rec;
    /** (T, B, G) gradient at the recurrent product's output (PyTorch's form; it differs from dA in the n rows). */
    float[] dRec;
    /** (B, H) gradient at r_t ⊙ h_{t−1} of the current step (original form). */
    float[] dAux;
    private final boolean resetAfter;
    private final int hidden;

    GruTape(Cell<?> cell, int batch, int steps, boolean reverse) {
        super(cell, batch, steps, reverse);
        this.resetAfter = cell.wiring() == Cell.Wiring.RESET_AFTER;
        this.hidden = cell.hidden;
        this.aux = new float[size("GRU buffer", steps, batch, cell.hidden)];
        this.rec = resetAfter ? new float[batch * cell.gw] : new float[0];
    }

    @Override
    float[] recurrentPart() {
        return resetAfter ? rec : pre;
    }

    @Override
    int recurrentOffset(int t) {
        return resetAfter ? 0 : super.recurrentOffset(t);
    }

    @Override
    float[] dRecurrent() {
        return resetAfter ? dRec : dA;
    }

    @Override
    void ensureBackward() {
        super.ensureBackward();
        if (dRec == null) {
            dRec = resetAfter ? new float[pre.length] : dA;
            dAux = resetAfter ? new float[0] : new float[batch * hidden];
        }
    }
}
