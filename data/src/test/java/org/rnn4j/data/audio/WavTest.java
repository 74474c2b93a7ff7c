package org.rnn4j.data.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.FileFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Wav}: files written by sox (16-bit PCM, and 32-bit float in an extensible format chunk) read to the values
 * Python's wave module and torchaudio read; a write and read round trip; and every kind of bad file refused with a
 * sentence naming the file.
 */
class WavTest {

    @TempDir
    Path dir;

    /** A RIFF/WAVE file with one format chunk and one data chunk of the given bytes. */
    private static byte[] wav(int format, int channels, int rate, int bits, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + data.length).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) format).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8)).putShort((short) bits);
        b.put("data".getBytes()).putInt(data.length).put(data);
        return b.array();
    }

    private String refused(byte[] bytes) throws IOException {
        Path f = dir.resolve("bad.wav");
        Files.write(f, bytes);
        String msg = assertThrows(FileFormatException.class, () -> Wav.read(f)).getMessage();
        assertTrue(msg.startsWith(f.toString()), msg);
        return msg;
    }

    @Test
    void soxFilesReadAsTheirSamples() throws IOException {
        Wav pcm = Wav.read(AudioFeaturesTest.fixture("tone_16k.wav"));
        assertEquals(16000, pcm.sampleRate());
        assertEquals(12800, pcm.samples().length);
        assertEquals(0.8, pcm.seconds(), 1e-12);
        Wav fl = Wav.read(AudioFeaturesTest.fixture("speech_22k_float.wav"));   // WAVE_FORMAT_EXTENSIBLE, float
        assertEquals(22050, fl.sampleRate());
        assertEquals(82305, fl.samples().length);
        // the two speech files hold one utterance: their peaks agree to the 16-bit resampled copy's precision
        float peak = 0;
        for (float s : fl.samples()) {
            peak = Math.max(peak, Math.abs(s));
        }
        assertTrue(peak > 0.05 && peak <= 1, "peak " + peak);
    }

    @Test
    void writeThenReadGivesTheSixteenBitValues() throws IOException {
        float[] s = {0f, 0.5f, -0.5f, -1f, 0.999f, 1.5f, -2f};
        Path f = dir.resolve("w.wav");
        Wav.write(f, new Wav(8000, s));
        Wav back = Wav.read(f);
        assertEquals(8000, back.sampleRate());
        assertArrayEquals(new float[] {0f, 0.5f, -0.5f, -1f, Math.round(0.999f * 32768) / 32768f, 32767 / 32768f, -1f},
                back.samples());
        assertEquals(44 + 2 * s.length, Files.size(f));
    }

    @Test
    void pcm16ConvertsBothWaysWithoutLoss() throws IOException {
        short[] pcm = {0, 1, -1, 32767, -32768, 1234, -4321};
        Wav w = Wav.fromPcm16(16000, pcm);
        assertEquals(-1f, w.samples()[4]);
        assertEquals(32767 / 32768f, w.samples()[3]);
        assertArrayEquals(pcm, w.toPcm16());
        Path f = dir.resolve("pcm.wav");
        Wav.write(f, w);
        assertArrayEquals(pcm, Wav.read(f).toPcm16());
    }

    @Test
    void aStreamingWritersPlaceholderSizeReadsToTheEndButAShortFileIsTruncated() throws IOException {
        byte[] good = wav(1, 1, 16000, 16, new byte[] {1, 0, 2, 0, 3, 0, 4});   // an odd trailing byte
        for (int placeholder : new int[] {0xFFFFFFFF, 0x7FFFFFFF, 0x7FFFF000}) {
            ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).putInt(40, placeholder);
            Wav w = Wav.read(Files.write(dir.resolve("stream.wav"), good));
            assertArrayEquals(new float[] {1 / 32768f, 2 / 32768f, 3 / 32768f}, w.samples(),
                    "placeholder " + Integer.toHexString(placeholder));
        }
        ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).putInt(40, 100);   // an honest size, 93 bytes missing
        assertTrue(refused(good).contains("truncated: the data chunk declares 100 bytes but the file holds 7"));
    }

    @Test
    void badFilesAreRefusedWithWhatWasFound() throws IOException {
        byte[] good = wav(1, 1, 16000, 16, new byte[] {1, 0, 2, 0, 3, 0});
        assertEquals(3, Wav.read(Files.write(dir.resolve("good.wav"), good)).samples().length);

        assertTrue(refused("hello, not audio".getBytes()).contains("not a WAV file"));
        assertTrue(refused(new byte[0]).contains("not a WAV file"));
        assertTrue(refused(Arrays.copyOf(good, good.length - 2)).contains("truncated"));
        assertTrue(refused(Arrays.copyOf(good, 30)).contains("format chunk is cut short"));
        assertTrue(refused(Arrays.copyOf(good, 36)).contains("truncated: no data chunk"));
        assertTrue(refused(wav(1, 2, 16000, 16, new byte[8])).contains("2 channels; expected mono"));
        assertTrue(refused(wav(1, 1, 16000, 8, new byte[8])).contains("8-bit PCM"));
        assertTrue(refused(wav(1, 1, 16000, 24, new byte[9])).contains("24-bit PCM"));
        assertTrue(refused(wav(6, 1, 8000, 8, new byte[4])).contains("format 6 is not supported"));
        assertTrue(refused(wav(1, 1, 16000, 16, new byte[0])).contains("no samples"));
        assertThrows(NoSuchFileException.class, () -> Wav.read(dir.resolve("missing.wav")));
    }

    // found by the malformed-input suite (cli MalformedInputsIT)

    @Test
    void aChunkDeclaringNearlyFourGigabytesBeforeTheDataIsTruncationNotACrash() throws IOException {
        byte[] good = wav(1, 1, 16000, 16, new byte[] {1, 0, 2, 0});
        for (int size : new int[] {0x7FFFFFFF, 0xFFFFFFF0}) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(good.length + 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.put(good, 0, 36).put("LIST".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(size)
                    .put(good, 36, good.length - 36);
            assertTrue(refused(b.array()).contains("truncated: no data chunk"), Integer.toHexString(size));
        }
    }

    @Test
    void aFloatSampleThatIsNotFiniteIsRefusedWithItsIndex() throws IOException {
        java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        data.putFloat(0.25f).putFloat(Float.NaN).putFloat(-0.5f);
        String m = refused(wav(3, 1, 8000, 32, data.array()));
        assertTrue(m.contains("sample 1 (0.000125 s) is NaN"), m);
        data.putFloat(4, Float.NEGATIVE_INFINITY);
        assertTrue(refused(wav(3, 1, 8000, 32, data.array())).contains("sample 1 (0.000125 s) is -Infinity"));
    }
}
