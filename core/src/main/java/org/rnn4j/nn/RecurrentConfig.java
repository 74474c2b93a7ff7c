package org.rnn4j.nn;

/**
 * The architecture of a {@link Recurrent} network, named like PyTorch's {@code nn.LSTM} arguments.
 *
 * @param cell          cell type and options
 * @param inputSize     I, features per step
 * @param hiddenSize    H, units per layer and direction
 * @param numLayers     stacked layers
 * @param bidirectional a reverse direction per layer, outputs concatenated
 * @param dropout       dropout on the outputs of every layer but the last, in training only
 */
public record RecurrentConfig(CellSpec cell, int inputSize, int hiddenSize, int numLayers,
                              boolean bidirectional, float dropout) {

    public RecurrentConfig {
        if (cell == null) {
            throw new IllegalArgumentException("a cell type is required");
        }
        if (inputSize < 1) {
            throw new IllegalArgumentException("inputSize must be at least 1, got " + inputSize);
        }
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize must be at least 1, got " + hiddenSize);
        }
        if (numLayers < 1) {
            throw new IllegalArgumentException("numLayers must be at least 1, got " + numLayers);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (dropout > 0f && numLayers == 1) {
            throw new IllegalArgumentException("dropout applies between stacked layers; with numLayers = 1 it would"
                    + " do nothing (as in PyTorch), so set numLayers ≥ 2 or dropout 0");
        }
        if (cell instanceof LstmSpec l && l.projSize() >= hiddenSize) {
            throw new IllegalArgumentException("projSize (" + l.projSize() + ") must be smaller than hiddenSize ("
                    + hiddenSize + "), as in PyTorch");
        }
    }

    /** 2 when bidirectional, else 1. */
    public int directions() {
        return bidirectional ? 2 : 1;
    }

    /** R: size of one direction's output and state. */
    public int outputSizePerDirection() {
        return cell.outputSize(hiddenSize);
    }

    /** Size of the network's output per step: R · directions. */
    public int outputSize() {
        return outputSizePerDirection() * directions();
    }

    /** Whether states include a cell state c (LSTM). */
    public boolean hasCellState() {
        return cell.hasCellState();
    }
}
