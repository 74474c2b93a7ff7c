package org.rnn4j.data.audio;

import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.FileErrors;
import org.rnn4j.io.FileFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A mono WAV recording: its sample rate and its samples in [−1, 1).
 *
 * <p>{@link #read} takes RIFF/WAVE files holding one channel of 16-bit PCM or of 32-bit IEEE float, with a plain
 * or an extensible format chunk; anything else (stereo, 8- or 24-bit, compressed formats, a file cut short, no
 * samples, a float sample that is NaN or infinite) is refused with a sentence naming the file and what was found.
 * 16-bit samples s become s / 32768, so {@link #fromPcm16} and {@link #toPcm16} convert both ways without loss. A
 * data chunk whose size is one of the placeholders that streaming writers leave when they cannot seek back
 * (0xFFFFFFFF, 0x7FFFFFFF or 0x7FFFF000) is read to the end of the file; any other size past the end is a truncated
 * file. {@link #write} writes 16-bit PCM, atomically. This is the one WAV class of rnn4j: the speech corpus's files,
 * Festival's output, the recorded digits and {@code predict --wav} all go through it.
 *
 * @param sampleRate samples per second
 * @param samples    the samples, in [−1, 1) for PCM
 */
public record Wav(int sampleRate, float[] samples) {

    private static final int PCM = 1;
    private static final int IEEE_FLOAT = 3;
    private static final int EXTENSIBLE = 0xFFFE;

    public Wav {
        if (sampleRate < 1) {
            throw new IllegalArgumentException("the sample rate must be positive, got " + sampleRate);
        }
        java.util.Objects.requireNonNull(samples, "samples");
    }

    /** Seconds of audio. */
    public double seconds() {
        return samples.length / (double) sampleRate;
    }

    /** 16-bit PCM samples as a recording: sample s becomes s / 32768. */
    public static Wav fromPcm16(int sampleRate, short[] pcm) {
        float[] x = new float[pcm.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = pcm[i] / 32768f;
        }
        return new Wav(sampleRate, x);
    }

    /** The samples as 16-bit PCM, as {@link #write} stores them: round(s · 32768), clipped to [−32768, 32767]. */
    public short[] toPcm16() {
        short[] out = new short[samples.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = pcm16(samples[i]);
        }
        return out;
    }

    private static short pcm16(float s) {
        return (short) Math.max(-32768, Math.min(32767, Math.round(s * 32768f)));
    }

    /** Reads a mono 16-bit PCM or 32-bit float WAV file. */
    public static Wav read(Path file) throws IOException {
        FileErrors.checkNotDirectory(file);   // a missing file or a directory, named
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || in.getInt(0) != fourCc("RIFF") || in.getInt(8) != fourCc("WAVE")) {
            throw new FileFormatException(file + ": not a WAV file (no RIFF/WAVE header)");
        }
        int format = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        long pos = 12;   // long: a chunk may declare up to 4 GiB, far past the end of the file
        while (pos + 8 <= bytes.length) {
            int id = in.getInt((int) pos);
            long size = Integer.toUnsignedLong(in.getInt((int) pos + 4));
            int body = (int) pos + 8;
            if (id == fourCc("fmt ")) {
                if (size < 16 || body + size > bytes.length) {
                    throw new FileFormatException(file + ": the format chunk is cut short");
                }
                format = Short.toUnsignedInt(in.getShort(body));
                channels = Short.toUnsignedInt(in.getShort(body + 2));
                rate = in.getInt(body + 4);
                bits = Short.toUnsignedInt(in.getShort(body + 14));
                if (format == EXTENSIBLE && size >= 26) {
                    format = Short.toUnsignedInt(in.getShort(body + 24));   // the sub-format GUID's first two bytes
                }
            } else if (id == fourCc("data")) {
                if (format < 0) {
                    throw new FileFormatException(file + ": the data chunk comes before any format chunk");
                }
                check(file, format, channels, rate, bits);
                long available = Math.min(size, bytes.length - body);
                if (available < size && isStreamingPlaceholder(size)) {
                    size = (bytes.length - body) / (bits / 8) * (bits / 8);   // to the end, whole samples
                    available = size;
                }
                if (available < size) {
                    throw new FileFormatException(file + ": truncated: the data chunk declares " + size
                            + " bytes but the file holds " + available);
                }
                int width = bits / 8;
                int n = (int) (size / width);
                if (n == 0) {
                    throw new FileFormatException(file + ": no samples (an empty data chunk)");
                }
                float[] samples = new float[n];
                for (int i = 0; i < n; i++) {
                    samples[i] = format == PCM ? in.getShort(body + 2 * i) / 32768f : in.getFloat(body + 4 * i);
                    if (!Float.isFinite(samples[i])) {
                        throw new FileFormatException(file + ": sample " + i + " (" + String.format(java.util.Locale.ROOT,
                                "%.6f", i / (double) rate) + " s) is " + samples[i] + "; samples must be finite numbers");
                    }
                }
                return new Wav(rate, samples);
            }
            pos = body + size + (size & 1);   // chunks are padded to even sizes
        }
        throw new FileFormatException(file + (format < 0 ? ": truncated: no format chunk" : ": truncated: no data chunk"));
    }

    /** Sizes that writers streaming to a pipe put in a header they cannot go back to. */
    private static boolean isStreamingPlaceholder(long size) {
        return size == 0xFFFFFFFFL || size == 0x7FFFFFFFL || size == 0x7FFFF000L;
    }

    private static void check(Path file, int format, int channels, int rate, int bits) throws FileFormatException {
        if (format != PCM && format != IEEE_FLOAT) {
            throw new FileFormatException(file + ": format " + format + " is not supported; expected PCM (1) or IEEE"
                    + " float (3), e.g. convert with: sox in.wav -b 16 out.wav");
        }
        if (channels != 1) {
            throw new FileFormatException(file + ": " + channels + " channels; expected mono, e.g. convert with:"
                    + " sox in.wav -c 1 out.wav");
        }
        if (format == PCM && bits != 16 || format == IEEE_FLOAT && bits != 32) {
            throw new FileFormatException(file + ": " + bits + "-bit " + (format == PCM ? "PCM" : "float")
                    + " samples; expected 16-bit PCM or 32-bit float");
        }
        if (rate < 1) {
            throw new FileFormatException(file + ": sample rate " + rate);
        }
    }

    /** Writes 16-bit mono PCM (samples clipped to [−1, 1)), atomically. */
    public static void write(Path file, Wav wav) throws IOException {
        int n = wav.samples.length;
        ByteBuffer out = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(fourCc("RIFF")).putInt(36 + 2 * n).putInt(fourCc("WAVE"));
        out.putInt(fourCc("fmt ")).putInt(16).putShort((short) PCM).putShort((short) 1).putInt(wav.sampleRate)
                .putInt(2 * wav.sampleRate).putShort((short) 2).putShort((short) 16);
        out.putInt(fourCc("data")).putInt(2 * n);
        for (float s : wav.samples) {
            out.putShort(pcm16(s));
        }
        AtomicFiles.write(file, stream -> stream.write(out.array()));
    }

    private static int fourCc(String s) {
        return (s.charAt(0) & 0xFF) | (s.charAt(1) & 0xFF) << 8 | (s.charAt(2) & 0xFF) << 16 | (s.charAt(3) & 0xFF) << 24;
    }
}
