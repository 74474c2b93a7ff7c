package org.rnn4j.data.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;

/** IDX files written byte by byte for the tests. */
final class IdxFixtures {

    private IdxFixtures() {
    }

    /** An IDX file: magic, big-endian dimensions, then the payload as given. */
    static byte[] idx(int type, int[] dims, byte... payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);   // big-endian
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(payload).array();
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
