package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rnn4j.io.IoFixtures.assertMentions;

/** Nothing is lost when a write fails: the old file stays, and no temporary file is left behind. */
class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> filesInDir() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writerThatFailsHalfwayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("model.bin");
        Files.writeString(target, "old content");
        IOException failure = new IOException("disk full");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]); // more than the buffer, so part of it reached the temporary file
            throw failure;
        }));
        assertSame(failure, thrown);
        assertEquals("old content", Files.readString(target));
        assertEquals(List.of("model.bin"), filesInDir());
    }

    @Test
    void uncheckedExceptionInTheWriterAlsoCleansUp() throws IOException {
        Path target = dir.resolve("new.npy");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw new IllegalStateException("bug");
        }));
        assertEquals(List.of(), filesInDir());
    }

    @Test
    void successfulWriteReplacesTheFileAndLeavesNothingElse() throws IOException {
        Path target = dir.resolve("a.csv");
        Files.writeString(target, "old");
        AtomicFiles.write(target, out -> {
            out.write("new".getBytes(StandardCharsets.US_ASCII));
            out.close(); // harmless: only flushes
        });
        assertEquals("new", Files.readString(target));
        assertEquals(List.of("a.csv"), filesInDir());
    }

    @Test
    void failedNpyWriteKeepsThePreviousArray() throws IOException {
        Path target = dir.resolve("x.npy");
        NpyArray old = NpyArray.ofInts(new int[]{1, 2, 3}, 3);
        Npy.write(target, old);
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            Npy.write(out, NpyArray.ofFloats(new float[50_000], 50_000));
            throw new IOException("interrupted");
        }));
        assertEquals(old, Npy.read(target));
        assertEquals(List.of("x.npy"), filesInDir());
    }

    @Test
    void missingDirectoryIsNamed() {
        Path target = dir.resolve("no/such/dir/x.npy");
        assertMentions(assertThrows(NoSuchFileException.class, () -> AtomicFiles.write(target, out -> { }))
                .getMessage(), "x.npy", "the directory " + dir.resolve("no/such/dir") + " does not exist");
    }
}
