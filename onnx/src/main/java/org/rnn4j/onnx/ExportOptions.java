package org.rnn4j.onnx;

/**
 * How {@link OnnxExport} writes a model.
 *
 * @param opset        the version of the default ONNX operator set, {@value OnnxExport#MIN_OPSET} to
 *                     {@value OnnxExport#MAX_OPSET}; the graph is the same for all of them, only the declared versions
 *                     (and the IR version that goes with them) change
 * @param lengthsInput whether the graph takes a second input {@code lengths} (int32, one per sequence) for
 *                     right-padded batches; without it every sequence has all the steps of the batch
 */
public record ExportOptions(int opset, boolean lengthsInput) {

    /** Opset {@value OnnxExport#DEFAULT_OPSET}, with a {@code lengths} input. */
    public static final ExportOptions DEFAULT = new ExportOptions(OnnxExport.DEFAULT_OPSET, true);

    public ExportOptions {
        if (opset < OnnxExport.MIN_OPSET || opset > OnnxExport.MAX_OPSET) {
            throw new IllegalArgumentException("opset " + opset + " is not supported: rnn4j writes ONNX opsets "
                    + OnnxExport.MIN_OPSET + " to " + OnnxExport.MAX_OPSET + " (default " + OnnxExport.DEFAULT_OPSET
                    + ")");
        }
    }

    public ExportOptions withOpset(int n) {
        return new ExportOptions(n, lengthsInput);
    }

    public ExportOptions withLengthsInput(boolean on) {
        return new ExportOptions(opset, on);
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
