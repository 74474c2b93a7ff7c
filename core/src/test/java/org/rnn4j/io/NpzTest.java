package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.io.IoFixtures.assertMentions;
import static org.rnn4j.io.IoFixtures.npyFixture;

/** .npz archives from np.savez and np.savez_compressed read in archive order; ours read back and are valid zips. */
class NpzTest {

    @TempDir
    Path dir;

    /** What the fixture script saved: x = arange(6) * 0.5 as float32 (2, 3), y = arange(4) * 10 as int64, t = 2.5. */
    private static void assertHoldsXyt(Map<String, NpyArray> arrays) {
        assertEquals(List.of("x", "y", "t"), new ArrayList<>(arrays.keySet()));
        NpyArray x = arrays.get("x");
        assertEquals(DType.FLOAT32, x.dtype());
        assertArrayEquals(new int[]{2, 3}, x.shape());
        assertArrayEquals(new float[]{0, 0.5f, 1, 1.5f, 2, 2.5f}, x.toFloatArray());
        NpyArray y = arrays.get("y");
        assertEquals(DType.INT64, y.dtype());
        assertArrayEquals(new long[]{0, 10, 20, 30}, y.toLongArray());
        NpyArray t = arrays.get("t");
        assertEquals(DType.FLOAT64, t.dtype());
        assertEquals(0, t.rank());
        assertArrayEquals(new double[]{2.5}, t.toDoubleArray());
    }

    @Test
    void readsNumpySavezInArchiveOrderWithoutTheNpySuffix() throws IOException {
        assertHoldsXyt(Npz.read(npyFixture("xyt.npz")));
    }

    @Test
    void readsNumpySavezCompressed() throws IOException {
        assertHoldsXyt(Npz.read(npyFixture("xyt_compressed.npz")));
    }

    @Test
    void entriesAreNamedByArchiveAndKeyInMessages() throws IOException {
        Path file = npyFixture("xyt.npz");
        NpyArray x = Npz.read(file).get("x");
        assertEquals(file + "['x']", x.source());
        assertMentions(assertThrows(IllegalArgumentException.class, x::toIntArray).getMessage(),
                file + "['x']: value 0.5 at [0, 1] is not a whole number");
    }

    static Map<String, NpyArray> severalArrays() {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("weights", NpyArray.ofFloats(new float[]{1.5f, -2, 3.25f, 0, 1e-7f, 7}, 3, 2));
        arrays.put("timestamps", NpyArray.ofDoubles(new double[]{0.001, 1e9 + 0.5}, 2));
        arrays.put("labels", NpyArray.ofInts(new int[]{3, 1, 4, 1, 5}, 5));
        arrays.put("step", NpyArray.ofLongs(new long[]{1L << 40}));
        arrays.put("empty", NpyArray.ofFloats(new float[0], 0, 4));
        return arrays;
    }

    @Test
    void writeThenReadKeepsNamesOrderAndValuesStoredAndDeflated() throws IOException {
        for (boolean compressed : new boolean[]{false, true}) {
            Path file = dir.resolve(compressed ? "c.npz" : "s.npz");
            Npz.write(file, severalArrays(), compressed);
            Map<String, NpyArray> back = Npz.read(file);
            assertEquals(new ArrayList<>(severalArrays().keySet()), new ArrayList<>(back.keySet()));
            assertEquals(severalArrays(), back, "compressed=" + compressed);
        }
    }

    @Test
    void writtenArchiveHoldsOneNpyEntryPerArrayAsNumpyExpects() throws IOException {
        for (boolean compressed : new boolean[]{false, true}) {
            Path file = dir.resolve("a.npz");
            Npz.write(file, severalArrays(), compressed);
            try (ZipFile zip = new ZipFile(file.toFile())) {
                List<? extends ZipEntry> entries = zip.stream().toList();
                assertEquals(List.of("weights.npy", "timestamps.npy", "labels.npy", "step.npy", "empty.npy"),
                        entries.stream().map(ZipEntry::getName).toList());
                for (ZipEntry e : entries) {
                    assertEquals(compressed ? ZipEntry.DEFLATED : ZipEntry.STORED, e.getMethod(), e.getName());
                    ByteArrayOutputStream npy = new ByteArrayOutputStream();
                    Npy.write(npy, severalArrays().get(e.getName().replace(".npy", "")));
                    try (var in = zip.getInputStream(e)) {
                        assertArrayEquals(npy.toByteArray(), in.readAllBytes(), e.getName() + " is the .npy file");
                    }
                }
            }
        }
    }

    @Test
    void emptyNamesAreRejectedBeforeAnythingIsWritten() {
        Map<String, NpyArray> arrays = Map.of("", NpyArray.ofInts(new int[]{1}, 1));
        Path file = dir.resolve("bad.npz");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> Npz.write(file, arrays, false)).getMessage(),
                "bad.npz", "non-empty name");
        assertTrue(Files.notExists(file));
    }

    private String readError(Path file) {
        String m = assertThrows(FileFormatException.class, () -> Npz.read(file)).getMessage();
        assertMentions(m, file.toString());
        return m;
    }

    @Test
    void fileThatIsNotAZipIsNotAnNpz() throws IOException {
        Path file = dir.resolve("text.npz");
        Files.writeString(file, "hello\n");
        assertMentions(readError(file), "text.npz: not a NumPy .npz archive (not a readable zip file");
        Path empty = dir.resolve("empty.npz");
        Files.write(empty, new byte[0]);
        assertMentions(readError(empty), "empty.npz: empty file");
    }

    @Test
    void npyFilePassedToNpzReadIsRecognised() {
        assertMentions(readError(npyFixture("i4_2x3.npy")), "not a NumPy .npz archive but a single-array .npy file");
    }

    @Test
    void zipWhoseEntryIsNotAnArrayNamesTheEntry() throws IOException {
        Path file = dir.resolve("notes.npz");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write("not an array".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        assertMentions(readError(file), "notes.npz['readme.txt']: not a NumPy .npy file (magic bytes missing)");
    }

    @Test
    void truncatedArrayInsideAnArchiveIsReportedForItsEntry() throws IOException {
        byte[] whole = IoFixtures.npy(1, NpyMalformedTest.F4_3X4, IoFixtures.floatRange(10));
        Path file = dir.resolve("short.npz");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(whole);
            zip.closeEntry();
        }
        assertMentions(readError(file), "short.npz['x']: header declares shape (3, 4) = 12 values of <f4",
                "holds 40 bytes of data (expected 48)");
    }

    /** Offset of the first entry's data: after the 30-byte local header, its name and its extra field. */
    private static int firstEntryData(byte[] zip) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        return 30 + Short.toUnsignedInt(b.getShort(26)) + Short.toUnsignedInt(b.getShort(28));
    }

    @Test
    void damagedValuesInAStoredEntryFailTheCrcCheck() throws IOException {
        byte[] zip = Files.readAllBytes(npyFixture("xyt.npz"));
        zip[firstEntryData(zip) + 128 + 5] ^= 0x40; // x.npy: 128 header bytes, then 6 float32 values
        Path file = dir.resolve("damaged.npz");
        Files.write(file, zip);
        assertMentions(readError(file), "damaged.npz['x']: the archive entry x.npy is damaged (its CRC-32 is");
    }

    @Test
    void damagedDeflatedEntryIsReportedForItsEntry() throws IOException {
        byte[] zip = Files.readAllBytes(npyFixture("xyt_compressed.npz"));
        int start = firstEntryData(zip);
        for (int i = 2; i < 40; i++) {
            zip[start + i] = (byte) 0xA5;
        }
        Path file = dir.resolve("damaged.npz");
        Files.write(file, zip);
        assertMentions(readError(file), "damaged.npz['x']: the archive entry x.npy is damaged");
    }

    /** Found by NpzFuzzTest: the JDK's zip reader threw an EOFException without a message, which named no file. */
    @Test
    void anArchiveTheZipReaderRunsOffTheEndOfIsNamed() throws Exception {
        byte[] input = Files.readAllBytes(Path.of(NpzTest.class.getResource(
                "/org/rnn4j/io/fuzz/NpzFuzzTestInputs/readsAnyBytes/zip-eof-without-message").toURI()));
        Path file = dir.resolve("eof.npz");
        Files.write(file, java.util.Arrays.copyOfRange(input, 1, input.length));   // the first byte is the test's tag
        assertMentions(readError(file), "eof.npz: not a NumPy .npz archive (not a readable zip file: it ends early)");
    }
}
