package org.rnn4j.data.speech;

import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.FileFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mono 16-bit PCM audio and its RIFF WAVE file: the format of a speech corpus's {@code wav/} files (at 16 kHz) and
 * of what Festival writes.
 *
 * @param sampleRate samples per second
 * @param samples    (N) signed 16-bit samples; not copied
 */
public record Wav(int sampleRate, short[] samples) {

    public Wav {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("a sample rate must be positive, got " + sampleRate);
        }
    }

    /** The length in seconds. */
    public double seconds() {
        return (double) samples.length / sampleRate;
    }

    /** (N) the samples divided by 32768, in [-1, 1). */
    public float[] toFloats() {
        float[] out = new float[samples.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = samples[i] / 32768f;
        }
        return out;
    }

    /** Reads a mono 16-bit PCM WAVE file; any other kind raises a {@link FileFormatException} saying what it is. */
    public static Wav read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {   // "RIFF", "WAVE"
            throw new FileFormatException(file + ": not a WAVE file (no RIFF/WAVE header)");
        }
        int pos = 12;
        int rate = -1;
        while (pos + 8 <= b.limit()) {
            int id = b.getInt(pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            if (id == 0x20746d66) {   // "fmt "
                if (size < 16 || body + 16 > b.limit()) {
                    throw new FileFormatException(file + ": the fmt chunk is " + size + " bytes, expected at least 16");
                }
                int format = b.getShort(body) & 0xffff;
                int channels = b.getShort(body + 2);
                int bits = b.getShort(body + 14);
                if (format != 1 || channels != 1 || bits != 16) {
                    throw new FileFormatException(file + ": format " + format + ", " + channels + " channel(s), "
                            + bits + " bits; expected PCM (1), 1 channel, 16 bits");
                }
                rate = b.getInt(body + 4);
            } else if (id == 0x61746164) {   // "data"
                if (rate < 0) {
                    throw new FileFormatException(file + ": a data chunk before the fmt chunk");
                }
                // writers that stream (Festival among them) may leave a size past the end of the file
                long bytes = Math.min(size, b.limit() - body) & ~1L;
                short[] samples = new short[(int) (bytes / 2)];
                b.position(body);
                b.asShortBuffer().get(samples);
                return new Wav(rate, samples);
            }
            pos = (int) Math.min(b.limit(), body + size + (size & 1));
        }
        throw new FileFormatException(file + ": no " + (rate < 0 ? "fmt" : "data") + " chunk");
    }

    /** Writes this audio as a mono 16-bit PCM WAVE file, atomically. */
    public void write(Path file) throws IOException {
        int dataBytes = 2 * samples.length;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + dataBytes).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 1).putInt(sampleRate)
                .putInt(2 * sampleRate).putShort((short) 2).putShort((short) 16);
        b.putInt(0x61746164).putInt(dataBytes);
        b.asShortBuffer().put(samples);
        byte[] bytes = b.array();
        AtomicFiles.write(file, out -> out.write(bytes));
    }
}
