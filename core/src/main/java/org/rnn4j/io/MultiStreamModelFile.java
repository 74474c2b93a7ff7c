package org.rnn4j.io;

import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.MultiStreamModel;
import org.rnn4j.param.ParamLayout;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The model file of a {@link MultiStreamModel}: the container of {@link ModelFile} (magic, format version, a JSON
 * header, the parameters as float32 little-endian in layout order, a CRC-32), with its own magic
 * {@code RNN4JMSM} and a header whose {@code config} lists every stream's network, the merge network and the
 * outputs (docs/model-file.md). Written atomically; read with every check of a model file.
 * <pre>{@code
 * MultiStreamModelFile.save(Path.of("fused.rnn4j"), model, Provenance.current(1, "fused.npz"));
 * MultiStreamModel same = MultiStreamModelFile.load(Path.of("fused.rnn4j"), Compute.serial()).model();
 * }</pre>
 */
public final class MultiStreamModelFile {

    /** The header's kind. */
    public static final String KIND = "multi-stream-model";

    /** The format version this library writes and reads. */
    public static final int FORMAT_VERSION = 1;

    static final byte[] MAGIC = "RNN4JMSM".getBytes(StandardCharsets.US_ASCII);
    private static final int PREAMBLE = 16;
    private static final int CHECKSUM = 4;

    private MultiStreamModelFile() {
    }

    /** A model read back, with where it came from and the file's free JSON values. */
    public record Loaded(MultiStreamModel model, Provenance provenance, Map<String, Object> meta) {
    }

    /** Writes the model's architecture and parameters to {@code file}, atomically. */
    public static void save(Path file, MultiStreamModel model, Provenance provenance) throws IOException {
        save(file, model, provenance, Map.of());
    }

    /** As {@link #save(Path, MultiStreamModel, Provenance)}, with free JSON values ({@link Json}) in the header. */
    public static void save(Path file, MultiStreamModel model, Provenance provenance, Map<String, Object> meta)
            throws IOException {
        ParamLayout layout = model.parameters().layout();
        String json = Json.writeIndented(ModelFileHeader.multiStreamToJson(model.config(), layout, provenance, meta));
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        int padded = text.length + 1 + Math.floorMod(-(PREAMBLE + text.length + 1), 8);
        byte[] header = Arrays.copyOf(text, padded);
        Arrays.fill(header, text.length, padded - 1, (byte) ' ');
        header[padded - 1] = '\n';
        float[] values = model.parameters().values();
        AtomicFiles.write(file, out -> {
            CheckedOutputStream checked = new CheckedOutputStream(out, new CRC32());
            checked.write(MAGIC);
            ModelFileIo.writeU32(checked, FORMAT_VERSION);
            ModelFileIo.writeU32(checked, header.length);
            checked.write(header);
            ModelFileIo.writeFloats(checked, values);
            ModelFileIo.writeU32(out, checked.getChecksum().getValue());
        });
    }

    /** Whether {@code file} is a regular file that starts as a multi-stream model file does. */
    public static boolean isMultiStreamModel(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
        } catch (IOException e) {
            throw FileErrors.about(file, e);
        }
    }

    /**
     * Reads a multi-stream model file and rebuilds the model on {@code compute} (null for one thread).
     *
     * @throws ModelFileException naming the file and what was wrong, if it is not such a file or is damaged
     */
    public static Loaded load(Path file, Compute compute) throws IOException {
        FileErrors.checkNotDirectory(file);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw FileErrors.about(file, e);
        }
        try (InputStream raw = Files.newInputStream(file)) {
            CheckedInputStream in = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), new CRC32());
            byte[] start = in.readNBytes(MAGIC.length);
            if (Arrays.equals(start, "RNN4JMDL".getBytes(StandardCharsets.US_ASCII))) {
                throw new ModelFileException(file, "is a single-stream model file; load it with ModelFile.load"
                        + " (rnn4j predict and eval read it)");
            }
            if (!Arrays.equals(start, MAGIC)) {
                throw new ModelFileException(file, "is not an rnn4j multi-stream model file: it does not start with"
                        + " \"RNN4JMSM\"");
            }
            long version = ModelFileIo.readU32(in);
            if (version != FORMAT_VERSION) {
                throw new ModelFileException(file, "has multi-stream format version " + version + "; this library"
                        + " reads version " + FORMAT_VERSION);
            }
            long headerLength = ModelFileIo.readU32(in);
            if (headerLength > size - PREAMBLE - CHECKSUM) {
                throw new ModelFileException(file, "is truncated or damaged: its header length is " + headerLength
                        + " bytes, but the file has " + size);
            }
            byte[] headerBytes = in.readNBytes((int) headerLength);
            if (headerBytes.length < headerLength) {
                throw new EOFException();
            }
            Object json;
            try {
                json = Json.parse(new String(headerBytes, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(file, "has a header that is not valid JSON: " + e.getMessage());
            }
            ModelFileHeader.MultiStreamParsed header = ModelFileHeader.multiStreamFromJson(file, json);
            long expected = PREAMBLE + headerLength + 4L * header.layout().size() + CHECKSUM;
            if (size != expected) {
                throw new ModelFileException(file, (size < expected ? "is truncated" : "is damaged") + ": expected "
                        + expected + " bytes for " + header.layout().size() + " parameters, found " + size);
            }
            MultiStreamModel model = MultiStreamModel.create(header.config(), 0, compute);
            ModelFileIo.readFloats(in, model.parameters().values());
            long computed = in.getChecksum().getValue();
            long stored = ModelFileIo.readU32(in);
            if (computed != stored) {
                throw new ModelFileException(file, String.format("is damaged: its checksum does not match its contents"
                        + " (CRC-32 stored 0x%08x, computed 0x%08x)", stored, computed));
            }
            return new Loaded(model, header.provenance(), header.meta());
        } catch (EOFException e) {
            throw new ModelFileException(file, "ended before the end that its header describes", e);
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw FileErrors.about(file, e);
        }
    }
}
