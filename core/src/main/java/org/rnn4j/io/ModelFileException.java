package org.rnn4j.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that is not a readable rnn4j model file: not one at all, truncated, damaged, from a newer format version,
 * or inconsistent with the architecture it declares. The message is one sentence that starts with the file's path.
 */
public final class ModelFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * @param file    the file
     * @param problem the rest of the sentence after the path, e.g. "is truncated: ..."
     */
    public ModelFileException(Path file, String problem) {
        this(file, problem, null);
    }

    ModelFileException(Path file, String problem, Throwable cause) {
        super(FileErrors.printable(file + " " + problem), cause);   // one line, whatever the name or content
        this.file = file;
    }

    /** The file the problem is in. */
    public Path file() {
        return file;
    }
}
