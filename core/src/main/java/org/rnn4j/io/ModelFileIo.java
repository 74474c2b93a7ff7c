package org.rnn4j.io;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Atomic file replacement and little-endian numbers for {@link ModelFile}. */
final class ModelFileIo {

    /** Floats converted per chunk when streaming arrays. */
    private static final int CHUNK_FLOATS = 16 * 1024;

    private ModelFileIo() {
    }

    /** Writes the whole content of a file to {@code out} (buffered; not to be closed). */
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} so that readers see either the old file or the complete new one: the body goes to a
     * new temporary file beside the target ({@code .<name>.<unique>.tmp}), which is forced to disk and renamed
     * over the target. If anything fails, the temporary file is deleted and the target is untouched. The new file
     * gets the default permissions of new files in that directory.
     */
    static void writeAtomically(Path target, Body body) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Path temp = null;
        FileChannel channel = null;
        for (int attempt = 0; channel == null; attempt++) {
            Path candidate = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "-"
                    + Long.toHexString(System.nanoTime()) + "-" + attempt + ".tmp");
            try {
                channel = FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                temp = candidate;
            } catch (FileAlreadyExistsException taken) {
                if (attempt == 99) {
                    throw taken;
                }
            }
        }
        try {
            try (FileChannel ch = channel) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                body.writeTo(out);
                out.flush();
                ch.force(true);
            }
            // rename(2) on POSIX, MoveFileEx(REPLACE_EXISTING) on Windows: replaces the target in one step
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
        forceDirectory(dir);
    }

    /** Makes the rename durable where the platform allows it (Linux, macOS; not Windows). */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // the file is complete and in place; only its survival of a power cut in the next seconds is less sure
        }
    }

    static void writeU32(OutputStream out, long value) throws IOException {
        out.write(new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)});
    }

    /** An unsigned 32-bit little-endian number; EOFException at the end of the stream. */
    static long readU32(InputStream in) throws IOException {
        byte[] b = in.readNBytes(4);
        if (b.length < 4) {
            throw new EOFException();
        }
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
    }

    /** Writes {@code a} as float32 little-endian, bit for bit (NaN payloads included). */
    static void writeFloats(OutputStream out, float[] a) throws IOException {
        byte[] bytes = new byte[4 * Math.min(CHUNK_FLOATS, a.length)];
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < a.length; off += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, a.length - off);
            buffer.clear();
            buffer.asFloatBuffer().put(a, off, n);
            out.write(bytes, 0, 4 * n);
        }
    }

    /** Fills {@code a} with float32 little-endian values; EOFException if the stream ends first. */
    static void readFloats(InputStream in, float[] a) throws IOException {
        byte[] bytes = new byte[4 * Math.min(CHUNK_FLOATS, a.length)];
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < a.length; off += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, a.length - off);
            if (in.readNBytes(bytes, 0, 4 * n) < 4 * n) {
                throw new EOFException();
            }
            buffer.clear();
            buffer.asFloatBuffer().get(a, off, n);
        }
    }

    /** Reads and discards n bytes (through any checksum on the way); EOFException if the stream ends first. */
    static void skipFully(InputStream in, long n) throws IOException {
        byte[] bytes = new byte[(int) Math.min(n, 1 << 16)];
        while (n > 0) {
            int r = in.read(bytes, 0, (int) Math.min(n, bytes.length));
            if (r < 0) {
                throw new EOFException();
            }
            n -= r;
        }
    }
}
