package org.rnn4j.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * Writes a file so that readers see either the old content or the complete new one, never a half-written
 * file: the content goes to a temporary file in the same directory, is forced to disk, and is then renamed
 * over the target in one atomic step. If anything fails (the writer throws, the disk is full, the rename is
 * refused) the temporary file is deleted and an existing target is left as it was.
 *
 * <p>Every file rnn4j writes (tensors, model files, checkpoints) goes through {@link #write}.
 *
 * <p>The temporary file is named {@code .<target name>.<random>.tmp} and created with the default
 * permissions of new files, so the result has them too (not the permissions of the file it replaces).
 * If the target is a symbolic link, the link is replaced, not the file it points to.
 */
public final class AtomicFiles {

    /** Code points of the target's name kept in the temporary name, so that it stays under 255 bytes. */
    private static final int MAX_NAME_PREFIX = 64;

    private AtomicFiles() {
    }

    /** Writes content to a stream; may throw {@link IOException}. */
    @FunctionalInterface
    public interface IOConsumer<T> {
        void accept(T t) throws IOException;
    }

    /**
     * Creates or replaces {@code target} with what {@code writer} writes. The stream given to the writer is
     * buffered; the writer need not flush or close it (closing it only flushes).
     *
     * @throws NoSuchFileException if the target's directory does not exist
     * @throws IOException         what the writer or the file system threw; the target is then unchanged
     */
    public static void write(Path target, IOConsumer<? super OutputStream> writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new NoSuchFileException(target.toString(), null, "the directory " + dir + " does not exist");
        }
        Path tmp = dir.resolve(temporaryName(absolute.getFileName().toString()));
        boolean created = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, CREATE_NEW, WRITE)) {
                created = true;
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                // the file system's own failures ("No space left on device") name the file; what the writer
                // itself throws passes through as it is
                writer.accept(new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        try {
                            out.write(b, off, len);
                        } catch (IOException e) {
                            throw FileErrors.about(target, e);
                        }
                    }

                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void close() throws IOException {
                        try {
                            out.flush();
                        } catch (IOException e) {
                            throw FileErrors.about(target, e);
                        }
                    }
                });
                try {
                    out.flush();
                    channel.force(true);
                } catch (IOException e) {
                    throw FileErrors.about(target, e);
                }
            }
            try {
                Files.move(tmp, absolute, ATOMIC_MOVE, REPLACE_EXISTING);
                forceDirectory(dir);
            } catch (IOException e) {
                throw FileErrors.about(target, e);
            }
        } catch (Throwable e) {
            if (created) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException d) {
                    e.addSuppressed(d);
                }
            }
            throw e;
        }
    }

    /**
     * Deletes the temporary files that {@link #write} leaves in {@code dir} when its process is killed between
     * creating and renaming one ({@code .<target name>.<16 hex digits>.tmp}); other files are not touched. Call it
     * only where no other process is writing (a run directory being resumed or started again).
     *
     * @return the names of the files deleted, sorted; empty when {@code dir} does not exist
     */
    public static List<String> deleteTemporaryFiles(Path dir) throws IOException {
        List<String> deleted = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return deleted;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (TEMPORARY_NAME.matcher(name).matches() && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.deleteIfExists(f);
                    } catch (IOException e) {
                        throw FileErrors.about(f, e);
                    }
                    deleted.add(name);
                }
            }
        } catch (UncheckedIOException e) {
            throw FileErrors.about(dir, e.getCause());
        }
        Collections.sort(deleted);
        return deleted;
    }

    /** The names {@link #temporaryName} gives. */
    private static final Pattern TEMPORARY_NAME = Pattern.compile("\\..+\\.[0-9a-f]{16}\\.tmp");

    private static String temporaryName(String targetName) {
        String prefix = targetName.codePointCount(0, targetName.length()) <= MAX_NAME_PREFIX ? targetName
                : targetName.substring(0, targetName.offsetByCodePoints(0, MAX_NAME_PREFIX));
        UUID random = UUID.randomUUID();
        return "." + prefix + "." + HexFormat.of().toHexDigits(random.getLeastSignificantBits()) + ".tmp";
    }

    /** Makes the rename durable where the platform allows it (Linux, macOS; not Windows). */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // the file is complete and in place; only its survival of a power cut in the next seconds is less sure
        }
    }
}
