package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every file error names its file: a directory given as a model or array, a write that fails mid-way (as a full
 * disk does, with the JDK's path-less "No space left on device"), and control characters echoed from a file.
 */
class FileErrorsTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryWhereAFileIsExpectedIsNamed() {
        for (ThrowingRead read : new ThrowingRead[] {ModelFile::load, Npy::read, Npz::read}) {
            IOException e = assertThrows(IOException.class, () -> read.read(dir));
            assertEquals(dir + " is a directory, not a file", e.getMessage());
        }
        assertThrows(NoSuchFileException.class, () -> Npy.read(dir.resolve("missing.npy")));
    }

    @FunctionalInterface
    interface ThrowingRead {
        Object read(Path p) throws IOException;
    }

    @Test
    void aFailedWriteNamesTheFileAndLeavesNothingBehind() throws IOException {
        Path target = dir.resolve("model.rnn4j");
        // the file system fails under the writer, as a full disk does: the JDK's message names no file
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            java.io.OutputStream failing = new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }
            };
            failing.write(new byte[100]);
            throw new IOException("writer's own failure");
        }));
        assertEquals("writer's own failure", e.getMessage(), "a writer's own exception passes through as it is");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "the temporary file is removed");
        }
        assertEquals(target + ": no space left on device",
                FileErrors.about(target, new IOException("No space left on device")).getMessage(),
                "what AtomicFiles throws when the file system fails under a write");
        IOException named = new IOException("bad thing in " + target);
        assertSame(named, FileErrors.about(target, named), "a message that names the file is kept");
    }

    @Test
    void controlCharactersAreShownEscaped() {
        assertEquals("a\\x0Db\\x00c\\x1B[31m", FileErrors.printable("a\rb\0c\u001b[31m"));
        assertTrue(FileErrors.printable("é ok").equals("é ok"));
    }
}
