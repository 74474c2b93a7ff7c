package org.rnn4j.onnx;

import org.rnn4j.io.FileFormatException;

/**
 * An ONNX file that rnn4j cannot read or cannot map onto one of its models: not a protobuf ModelProto, damaged, or
 * holding an operator, an attribute or a connection that has no rnn4j counterpart. The message is one sentence
 * naming the file and, where there is one, the node, its operator and the attribute.
 */
public final class OnnxFormatException extends FileFormatException {

    private static final long serialVersionUID = 1L;

    public OnnxFormatException(String message) {
        super(message);
    }

    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
