package org.rnn4j.io.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every binary reader promises for any bytes at all: it returns a value, or it throws an {@link IOException}
 * (the readers' {@code FileFormatException} and {@code ModelFileException} are ones) whose message is one line that
 * names the file. Anything else that escapes (an {@code IndexOutOfBoundsException}, a {@code StackOverflowError}, an
 * {@code OutOfMemoryError} from a declared size, a hang) is a finding of the fuzz tests that use this.
 */
final class ReaderContract {

    /** One scratch directory per JVM; a fuzzing run writes each input to the same few files in it. */
    private static Path scratch;

    private ReaderContract() {
    }

    interface Read {
        Object read(Path file) throws IOException;
    }

    static synchronized Path scratch() throws IOException {
        if (scratch == null) {
            scratch = Files.createTempDirectory("rnn4j-fuzz");
            scratch.toFile().deleteOnExit();
        }
        return scratch;
    }

    /** Writes {@code bytes} to {@code name} in the scratch directory and reads it; checks the contract. */
    static void readFile(String name, byte[] bytes, Read reader) throws IOException {
        Path file = scratch().resolve(name);
        Files.write(file, bytes);
        try {
            reader.read(file);
        } catch (IOException e) {
            refusedWell(e, file.toString());
        }
    }

    /** The message of a refusal: present, one line, naming {@code source}. */
    static void refusedWell(IOException e, String source) {
        String m = e.getMessage();
        assertTrue(m != null && m.contains(source), "the message must name " + source + ": " + e);
        assertFalse(m.contains("\n") || m.contains("\r"), "the message must be one line: " + m);
    }
}
