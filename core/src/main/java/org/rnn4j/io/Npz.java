package org.rnn4j.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy's .npz archives: a zip file with one .npy file per array, as written by
 * {@code np.savez} (entries stored) and {@code np.savez_compressed} (entries deflated).
 *
 * <p>Arrays are named as {@code np.load} names them: the entry name without its {@code .npy} suffix. The
 * map keeps the order of the archive. Every entry must be a .npy array; each is checked against the CRC-32
 * the archive records for it, so a damaged archive is reported rather than read as wrong numbers.
 */
public final class Npz {

    /** NumPy (Python's zipfile) dates every entry 1980-01-01 00:00, the zip epoch; so do we. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
    private static final String SUFFIX = ".npy";

    private Npz() {
    }

    /** Reads every array of the archive, by name in archive order. */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        FileErrors.checkNotDirectory(file);
        String source = file.toString();
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException | EOFException e) {   // the JDK's reader throws either for a damaged archive
            throw notAnArchive(file, e);
        }
        try (zip) {
            Map<String, NpyArray> arrays = new LinkedHashMap<>();
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName().endsWith(SUFFIX)
                        ? entry.getName().substring(0, entry.getName().length() - SUFFIX.length()) : entry.getName();
                if (arrays.containsKey(name)) {
                    throw new FileFormatException(source + ": the array '" + name + "' appears twice in the archive");
                }
                arrays.put(name, readEntry(zip, entry, source + "['" + name + "']"));
            }
            return arrays;
        }
    }

    private static NpyArray readEntry(ZipFile zip, ZipEntry entry, String source) throws IOException {
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(zip.getInputStream(entry), crc)) {
            NpyArray array;
            try {
                array = Npy.read(in, source, entry.getSize());
            } catch (FileFormatException e) {
                // Garbage from a damaged entry looks like a malformed .npy; say which it is.
                in.transferTo(OutputStream.nullOutputStream());
                checkCrc(entry, crc, source);
                throw e;
            }
            checkCrc(entry, crc, source);
            return array;
        } catch (ZipException | EOFException e) {
            throw new FileFormatException(source + ": the archive entry " + entry.getName()
                    + " is damaged (" + reason(e) + ")", e);
        }
    }

    /** Compares the CRC-32 of all bytes read from an entry with the one the archive records. */
    private static void checkCrc(ZipEntry entry, CRC32 crc, String source) throws FileFormatException {
        if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
            throw new FileFormatException(source + ": the archive entry " + entry.getName()
                    + " is damaged (its CRC-32 is " + String.format("%08x", crc.getValue())
                    + " but the archive records " + String.format("%08x", entry.getCrc()) + ")");
        }
    }

    /** The JDK's words for a zip problem; an EOFException has none. */
    private static String reason(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e instanceof EOFException ? "it ends early" : e.toString();
    }

    private static FileFormatException notAnArchive(Path file, IOException e) throws IOException {
        byte[] start;
        try (InputStream in = Files.newInputStream(file)) {
            start = in.readNBytes(6);
        }
        if (start.length == 0) {
            return new FileFormatException(file + ": empty file, expected a NumPy .npz archive");
        }
        if (start.length == 6 && (start[0] & 0xFF) == 0x93 && new String(start, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
            return new FileFormatException(file + ": not a NumPy .npz archive but a single-array .npy file; "
                    + "read it with Npy.read");
        }
        return new FileFormatException(file + ": not a NumPy .npz archive (not a readable zip file: "
                + reason(e) + ")", e);
    }

    /**
     * Writes the arrays to {@code file} atomically (see {@link AtomicFiles}), each as the entry
     * {@code <name>.npy}, in the map's iteration order, deflated if {@code compressed}
     * ({@code np.savez_compressed}) or stored ({@code np.savez}).
     *
     * @throws IllegalArgumentException if a name is empty
     */
    public static void write(Path file, Map<String, NpyArray> arrays, boolean compressed) throws IOException {
        for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null) {
                throw new IllegalArgumentException("cannot write " + file + ": every array needs a non-empty name "
                        + "and a value, found " + e.getKey() + " = " + e.getValue());
            }
        }
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.setMethod(compressed ? ZipOutputStream.DEFLATED : ZipOutputStream.STORED);
            for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey() + SUFFIX);
                entry.setTimeLocal(ENTRY_TIME);
                if (!compressed) {
                    // A stored entry's size and CRC go before its data: a first pass computes them.
                    CRC32 crc = new CRC32();
                    CountingStream counter = new CountingStream();
                    Npy.write(new CheckedOutputStream(counter, crc), e.getValue());
                    entry.setSize(counter.count);
                    entry.setCompressedSize(counter.count);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                Npy.write(zip, e.getValue());
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    /** Discards bytes and counts them. */
    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
