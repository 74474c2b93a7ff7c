package org.rnn4j.data.csv;

import org.rnn4j.io.FileFormatException;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Lines of a UTF-8 file with the byte offset where each begins and ends, so that an index can later read a range
 * of lines back by random access. Lines end with {@code \n} or {@code \r\n}; the line terminator is not returned.
 * Decoding is strict: a byte that is not valid UTF-8 is refused with its line and byte offset, never replaced by
 * U+FFFD (which would, for instance, invent a new class name).
 */
final class LineReader implements Closeable {

    private final InputStream in;
    private final String source;   // the file, for messages
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] buffer = new byte[1 << 16];
    private int pos;
    private int limit;
    private long bufferStart;     // file offset of buffer[0]
    private byte[] line = new byte[256];
    private long lineStart;
    private long lineEnd;
    private int lineNumber;

    LineReader(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** The next line, or null at the end of the file. */
    String next() throws IOException {
        lineStart = bufferStart + pos;
        int length = 0;
        boolean any = false;
        while (true) {
            if (pos == limit) {
                bufferStart += limit;
                pos = 0;
                limit = Math.max(0, in.read(buffer));
                if (limit == 0) {
                    if (!any) {
                        return null;
                    }
                    break;
                }
            }
            any = true;
            byte b = buffer[pos++];
            if (b == '\n') {
                break;
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, 2 * length);
            }
            line[length++] = b;
        }
        lineEnd = bufferStart + pos;
        lineNumber++;
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        return decode(length);
    }

    private String decode(int length) throws FileFormatException {
        ByteBuffer bytes = ByteBuffer.wrap(line, 0, length);
        try {
            return decoder.reset().decode(bytes).toString();
        } catch (CharacterCodingException e) {
            int bad = 0;   // find the first byte the decoder refuses, for the message
            CharBuffer out = CharBuffer.allocate(length + 1);
            ByteBuffer in = ByteBuffer.wrap(line, 0, length);
            if (decoder.reset().decode(in, out, true).isError()) {
                bad = in.position();
            }
            throw new FileFormatException(source + " line " + lineNumber + ": not valid UTF-8 at byte offset "
                    + (lineStart + bad) + " (byte 0x" + String.format("%02X", line[bad] & 0xFF)
                    + "); save the file as UTF-8");
        }
    }

    /** Byte offset of the first byte of the last line returned. */
    long lineStart() {
        return lineStart;
    }

    /** Byte offset just after the last line returned and its terminator. */
    long lineEnd() {
        return lineEnd;
    }

    /** Number of the last line returned, from 1. */
    int lineNumber() {
        return lineNumber;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
