package org.rnn4j.io;

import java.io.IOException;

/**
 * A file that could be opened but whose content is not what its format requires: a .npy file without the
 * magic bytes, a header that declares more data than the file holds, a CSV row with a missing column. The
 * message is one sentence naming the file (and for text files the line and column), what was found and
 * what was expected.
 *
 * <p>Not to be confused with {@link java.util.zip.DataFormatException}, which is zlib's and not an
 * {@link IOException}.
 */
public class FileFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Control characters in {@code message} (a newline echoed from the file, a CR in its name) become \\xNN: one line. */
    public FileFormatException(String message) {
        super(message == null ? null : FileErrors.printable(message));
    }

    public FileFormatException(String message, Throwable cause) {
        super(message == null ? null : FileErrors.printable(message), cause);
    }
}
