package org.rnn4j.nn;

/**
 * Which recurrent cell a layer uses, with its options. Specs are immutable values validated when built;
 * start from {@link #rnnTanh()}, {@link #rnnRelu()}, {@link #lstm()} or {@link #gru()}.
 */
public sealed interface CellSpec permits RnnSpec, LstmSpec, GruSpec, PhasedLstmSpec, PhasedGruSpec, BnLstmSpec {

    /** Elman RNN with tanh (PyTorch {@code nn.RNN(nonlinearity='tanh')}). */
    static RnnSpec rnnTanh() {
        return new RnnSpec(RnnSpec.Nonlinearity.TANH);
    }

    /** Elman RNN with ReLU; with {@link Init#IDENTITY} this is the IRNN. */
    static RnnSpec rnnRelu() {
        return new RnnSpec(RnnSpec.Nonlinearity.RELU);
    }

    /** LSTM with a forget gate and no options; add them with {@code with...} methods. */
    static LstmSpec lstm() {
        return LstmSpec.PLAIN;
    }

    /** GRU in PyTorch's form (reset applied after the recurrent product). */
    static GruSpec gru() {
        return GruSpec.PYTORCH;
    }

    /** Batch-normalised LSTM (Cooijmans et al.) with statistics for 100 steps and gains 0.1; see {@link BnLstmSpec}. */
    static BnLstmSpec bnLstm() {
        return BnLstmSpec.DEFAULT;
    }

    /** Phased GRU: a GRU through the Phased LSTM's time gate, with the same defaults; see {@link PhasedGruSpec}. */
    static PhasedGruSpec phasedGru() {
        return PhasedGruSpec.DEFAULT;
    }

    /** Phased LSTM with the official implementation's defaults; see {@link PhasedLstmSpec}. */
    static PhasedLstmSpec phasedLstm() {
        return PhasedLstmSpec.DEFAULT;
    }

    /** "RNN", "LSTM" or "GRU": the PyTorch module name. */
    String kind();

    /** R: the size of the output of a layer of hidden size H. */
    int outputSize(int hiddenSize);

    /** Whether the cell carries a cell state c besides h (the LSTMs). */
    default boolean hasCellState() {
        return false;
    }

}
