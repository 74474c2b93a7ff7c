package org.rnn4j.data.csv;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Lines of a UTF-8 file with the byte offset where each begins and ends, so that an index can later read a range
 * of lines back by random access. Lines end with {@code \n} or {@code \r\n}; the line terminator is not returned.
 */
final class LineReader implements Closeable {

    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int pos;
    private int limit;
    private long bufferStart;     // file offset of buffer[0]
    private byte[] line = new byte[256];
    private long lineStart;
    private long lineEnd;
    private int lineNumber;

    LineReader(InputStream in) {
        this.in = in;
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
        return new String(line, 0, length, StandardCharsets.UTF_8);
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
