package org.rnn4j.io.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.io.FileFormatException;
import org.rnn4j.io.Npz;
import org.rnn4j.io.NpyArray;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@link Npz#read} on any bytes: the arrays or a one-line {@link FileFormatException} naming the file. The first byte
 * chooses what the rest is: even, the archive itself; odd, the bytes of an entry {@code x.npy} that the test stores in
 * a well-formed zip with the right CRC, so that mutations reach the .npy reader inside the archive rather than stop
 * at the zip's own checks. Seeds: archives as {@link Npz#write} writes them, stored and deflated, and single entries.
 */
class NpzFuzzTest {

    static Stream<Arguments> readsAnyBytes() throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("x", NpyArray.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 1, 3, 2));
        arrays.put("labels", NpyArray.ofLongs(new long[] {2}, 1));
        Path dir = ReaderContract.scratch();
        byte[] stored = archive(dir.resolve("seed-stored.npz"), arrays, false);
        byte[] deflated = archive(dir.resolve("seed-deflated.npz"), arrays, true);
        byte[] entry = archive(dir.resolve("seed-entry.npz"), Map.of("x", arrays.get("x")), false);
        return Stream.of(tagged(0, stored), tagged(0, deflated), tagged(1, npyOf(entry)))
                .map(b -> Arguments.of((Object) b));
    }

    @MethodSource
    @FuzzTest(maxDuration = "5m")
    void readsAnyBytes(byte[] data) throws IOException {
        if (data.length == 0) {
            ReaderContract.readFile("fuzz.npz", data, Npz::read);
            return;
        }
        byte[] rest = Arrays.copyOfRange(data, 1, data.length);
        ReaderContract.readFile("fuzz.npz", (data[0] & 1) == 0 ? rest : storedEntry(rest), Npz::read);
    }

    /** A zip archive holding {@code npy} as the stored entry x.npy, with its true size and CRC. */
    static byte[] storedEntry(byte[] npy) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry e = new ZipEntry("x.npy");
            e.setMethod(ZipEntry.STORED);
            CRC32 crc = new CRC32();
            crc.update(npy);
            e.setSize(npy.length);
            e.setCompressedSize(npy.length);
            e.setCrc(crc.getValue());
            zip.putNextEntry(e);
            zip.write(npy);
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    private static byte[] archive(Path file, Map<String, NpyArray> arrays, boolean compressed) throws IOException {
        Npz.write(file, arrays, compressed);
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        return bytes;
    }

    /** The .npy bytes of the first entry of a stored archive that Npz.write wrote (local header: 30 + name bytes). */
    private static byte[] npyOf(byte[] storedArchive) throws IOException {
        Path file = ReaderContract.scratch().resolve("seed-x.npz");
        Files.write(file, storedArchive);
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            return zip.getInputStream(zip.getEntry("x.npy")).readAllBytes();
        } finally {
            Files.delete(file);
        }
    }

    private static byte[] tagged(int tag, byte[] rest) {
        byte[] b = new byte[rest.length + 1];
        b[0] = (byte) tag;
        System.arraycopy(rest, 0, b, 1, rest.length);
        return b;
    }
}
