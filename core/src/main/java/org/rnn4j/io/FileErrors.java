package org.rnn4j.io;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Errors that name their file. The JDK reports some failures of an open stream without the path ("Is a directory",
 * "No space left on device"); the readers and {@link AtomicFiles} pass such an exception through
 * {@link #about(Path, IOException)} where they opened the file, so that every message says which file it is about.
 */
public final class FileErrors {

    private FileErrors() {
    }

    /** {@code e} itself if its message already names the file, otherwise an IOException that does, with e as cause. */
    public static IOException about(Path file, IOException e) {
        String name = file.toString();
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            return e;   // NoSuchFileException, AccessDeniedException, ...: the CLI prints file and reason
        }
        String message = e.getMessage();
        if (message != null && message.contains(name)) {
            return e;
        }
        return new IOException(name + ": " + (message == null ? e.getClass().getSimpleName() : lowerFirst(message)), e);
    }

    /** Refuses a directory where a file is expected, naming it. */
    public static void checkNotDirectory(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileFormatException(file + " is a directory, not a file");
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
    }

    /** Replaces control characters (CR, NUL, escapes ...) in text echoed from a file by \\xNN, so a message stays one line. */
    public static String printable(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                sb.append(String.format("\\x%02X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() || s.length() > 1 && Character.isUpperCase(s.charAt(1)) ? s
                : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
