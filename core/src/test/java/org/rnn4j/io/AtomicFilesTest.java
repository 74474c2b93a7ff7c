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

    @Test
    void deleteTemporaryFilesRemovesWhatAKilledWriteLeavesAndNothingElse() throws IOException {
        // the name a write really gives its temporary file, seen while the write is under way
        String[] seen = new String[1];
        AtomicFiles.write(dir.resolve("checkpoint.rnn4j"), out -> {
            out.write(1);
            seen[0] = filesInDir().stream().filter(n -> n.endsWith(".tmp")).findFirst().orElseThrow();
        });
        Files.writeString(dir.resolve(seen[0]), "left by a kill");   // as a kill before the rename leaves it
        for (String keep : List.of("notes.tmp", ".hidden", ".checkpoint.rnn4j.xyz.tmp", "model.rnn4j.0123456789abcdef.tmp")) {
            Files.writeString(dir.resolve(keep), "not ours");
        }
        assertEquals(List.of(seen[0]), AtomicFiles.deleteTemporaryFiles(dir));
        assertEquals(List.of(".checkpoint.rnn4j.xyz.tmp", ".hidden", "checkpoint.rnn4j",
                "model.rnn4j.0123456789abcdef.tmp", "notes.tmp"), filesInDir());
        assertEquals(List.of(), AtomicFiles.deleteTemporaryFiles(dir.resolve("missing")));
    }
}
