package org.rnn4j.onnx;

/**
 * How {@link OnnxExport} writes a model.
 *
 * @param opset        the version of the default ONNX operator set, {@value OnnxExport#MIN_OPSET} to
 *                     {@value OnnxExport#MAX_OPSET}; the graph is the same for all of them, only the declared versions
 *                     (and the IR version that goes with them) change
 * @param lengthsInput whether the graph takes a second input {@code lengths} (int32, one per sequence) for
 *                     right-padded batches; without it every sequence has all the steps of the batch
 * @param stateIO      whether the graph takes the initial states as inputs {@code h0} (layers·directions, batch, R)
 *                     and, for the LSTMs, {@code c0} (layers·directions, batch, H), and returns the final states as
 *                     outputs {@code h_n} and {@code c_n} of the same shapes besides {@code y} (rnn4j's
 *                     {@link org.rnn4j.nn.State} layout): a runtime that keeps nothing between calls then runs a model
 *                     step by step, feeding each call one step and the previous call's {@code h_n} and {@code c_n}.
 *                     Not for the BN-LSTM, whose statistics depend on a step's index in the whole sequence
 */
public record ExportOptions(int opset, boolean lengthsInput, boolean stateIO) {

    /** Opset {@value OnnxExport#DEFAULT_OPSET}, with a {@code lengths} input, from zero states. */
    public static final ExportOptions DEFAULT = new ExportOptions(OnnxExport.DEFAULT_OPSET, true, false);

    public ExportOptions {
        if (opset < OnnxExport.MIN_OPSET || opset > OnnxExport.MAX_OPSET) {
            throw new IllegalArgumentException("opset " + opset + " is not supported: rnn4j writes ONNX opsets "
                    + OnnxExport.MIN_OPSET + " to " + OnnxExport.MAX_OPSET + " (default " + OnnxExport.DEFAULT_OPSET
                    + ")");
        }
    }

    public ExportOptions withOpset(int n) {
        return new ExportOptions(n, lengthsInput, stateIO);
    }

    public ExportOptions withLengthsInput(boolean on) {
        return new ExportOptions(opset, on, stateIO);
    }

    /** With the initial states as inputs {@code h0}, {@code c0} and the final states as outputs {@code h_n}, {@code c_n}. */
    public ExportOptions withStateIO(boolean on) {
        return new ExportOptions(opset, lengthsInput, on);
    }

    /** The IR version that goes with the opset (the oldest one that defines it). */
    long irVersion() {
        if (opset <= 14) {
            return 7;
        }
        if (opset <= 18) {
            return 8;
        }
        return opset <= 20 ? 9 : 10;
    }
}
