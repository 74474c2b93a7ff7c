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
