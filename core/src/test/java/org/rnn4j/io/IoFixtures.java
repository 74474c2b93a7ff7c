package org.rnn4j.io;

import java.io.ByteArrayOutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fixture files, hand-made .npy bytes and message checks shared by the io tests. */
final class IoFixtures {

    private IoFixtures() {
    }

    /** A file under /fixtures/npy/ on the test classpath, made by scripts/fixtures/make_npy_fixtures.py. */
    static Path npyFixture(String name) {
        URL url = IoFixtures.class.getResource("/fixtures/npy/" + name);
        if (url == null) {
            throw new IllegalArgumentException("fixture /fixtures/npy/" + name + " not found on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A .npy file built by hand, independently of {@link Npy}: magic, version {@code major}.0, the header
     * length field (2 bytes for version 1, else 4) and {@code header} as given (no padding added), then
     * {@code data}.
     */
    static byte[] npy(int major, String header, byte[] data) {
        byte[] text = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        ByteBuffer length = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            length.putShort((short) text.length);
        } else {
            length.putInt(text.length);
        }
        out.writeBytes(length.array());
        out.writeBytes(text);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** Little-endian float32 bytes of 0, 1, 2, ... (n values). */
    static byte[] floatRange(int n) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(i);
        }
        return b.array();
    }

    static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message != null && message.contains(p), "message should mention '" + p + "': " + message);
        }
    }
}
