package org.rnn4j.nn;

/**
 * The sizes every cell reports; the computation is the subclass's.
 *
 * @param <T> the cell's tape type
 */
abstract class AbstractCell<T extends Tape> implements Cell<T> {

    final int inputSize;
    final int hidden;
    final int out;          // R
    final int gw;           // G
    private final boolean cellState;

    AbstractCell(int inputSize, int hidden, int outputSize, int gateWidth, boolean cellState) {
        this.inputSize = inputSize;
        this.hidden = hidden;
        this.out = outputSize;
        this.gw = gateWidth;
        this.cellState = cellState;
    }

    @Override
    public final int inputSize() {
        return inputSize;
    }

    @Override
    public final int hiddenSize() {
        return hidden;
    }

    @Override
    public final int outputSize() {
        return out;
    }

    @Override
    public final boolean hasCellState() {
        return cellState;
    }

    @Override
    public final int gateWidth() {
        return gw;
    }
}
