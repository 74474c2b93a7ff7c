package org.rnn4j.io;

import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.param.ParamLayout;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * rnn4j's model file: the architecture, every parameter and where the model came from, in one file that this and
 * every later version of the library can read.
 *
 * <pre>{@code
 * ModelFile.save(Path.of("adding.rnn4j"), model, Provenance.current(42, "adding problem, T = 25"));
 * ModelFile.Loaded loaded = ModelFile.load(Path.of("adding.rnn4j"), Compute.serial());
 * Tensor y = loaded.model().forward(x);
 * }</pre>
 *
 * <p>Layout (format version {@value #FORMAT_VERSION}; docs/model-file.md has every key of the header):
 * <pre>
 * offset      size   content
 * 0           8      magic "RNN4JMDL" (ASCII)
 * 8           4      format version, u32 little-endian
 * 12          4      header length N, u32 little-endian
 * 16          N      header: UTF-8 JSON object (kind, config, parameterCount, manifest, arrays, provenance, meta),
 *                    padded with spaces and a newline so that the data starts at a multiple of 8
 * 16+N        4·P    the P parameters, float32 little-endian, in layout order
 * ...         4·Lk   each extra array k, float32 little-endian, in the order of the header's "arrays"
 * end-4       4      CRC-32 of all bytes before it, u32 little-endian
 * </pre>
 *
 * <p>Writing is atomic: the file is written beside the target under a temporary name, forced to disk and renamed
 * over the target, so a crash or an error never leaves a partial file and never damages an existing one. Reading
 * checks everything it can (magic, version, sizes, header keys, manifest against the architecture, checksum) and
 * reports a problem as a {@link ModelFileException} whose message names the file and what was expected.
 *
 * <p>The extra arrays and {@code meta} let a training checkpoint use the same container: optimizer state in
 * arrays, step counters and generator states in meta. Plain model files have neither.
 */
public final class ModelFile {

    /** The format version this library writes; it reads this one and every earlier one. */
    public static final int FORMAT_VERSION = 1;

    /** The {@code kind} of files written by {@link #save}. */
    public static final String KIND_MODEL = "model";

    private static final byte[] MAGIC = "RNN4JMDL".getBytes(StandardCharsets.US_ASCII);
    /** Magic, version, header length. */
    private static final int PREAMBLE = 16;
    private static final int CHECKSUM = 4;
    /** The data starts at a multiple of this, for readers that map the file. */
    private static final int ALIGN = 8;

    private ModelFile() {
    }

    /**
     * Everything a model file holds, for {@link #write} and from {@link #read}.
     *
     * @param kind       what the file is: {@value #KIND_MODEL}, or e.g. "checkpoint" for a container with more in it
     * @param config     the architecture; it determines the parameter layout
     * @param parameters all parameter values in layout order ({@code model.parameters().values()}; not copied)
     * @param provenance where the model came from
     * @param arrays     extra named float arrays (optimizer state, ...), stored in iteration order; not copied
     * @param meta       free JSON values (see {@link Json}): step counters, generator states as strings, ...
     * @param data       the columns, classes and standardisation of the training data, or null (header key
     *                   {@code data}, absent from files without it)
     */
    public record Contents(String kind, ModelConfig config, float[] parameters, Provenance provenance,
                           Map<String, float[]> arrays, Map<String, Object> meta, DataSchema data) {

        public Contents {
            if (kind == null || kind.isEmpty()) {
                throw new IllegalArgumentException("a model file needs a kind, such as \"" + KIND_MODEL + "\"");
            }
            if (config == null || parameters == null || provenance == null) {
                throw new IllegalArgumentException("a model file needs a config, the parameters and a provenance");
            }
            if (arrays == null || meta == null) {
                throw new IllegalArgumentException("arrays and meta may be empty but not null");
            }
            int expected = SequenceModel.layout(config).size();
            if (parameters.length != expected) {
                throw new IllegalArgumentException("parameters has " + parameters.length + " values, but the"
                        + " architecture in config has " + expected);
            }
            Map<String, float[]> arraysCopy = new LinkedHashMap<>();
            arrays.forEach((name, values) -> {
                if (name == null || name.isEmpty() || values == null) {
                    throw new IllegalArgumentException("every extra array needs a non-empty name and values, got "
                            + name + " = " + Arrays.toString(values));
                }
                arraysCopy.put(name, values);
            });
            arrays = Collections.unmodifiableMap(arraysCopy);
            meta = Collections.unmodifiableMap(new LinkedHashMap<>(meta));
        }

        /** Contents without a data schema. */
        public Contents(String kind, ModelConfig config, float[] parameters, Provenance provenance,
                        Map<String, float[]> arrays, Map<String, Object> meta) {
            this(kind, config, parameters, provenance, arrays, meta, null);
        }

        /** Contents without extra arrays, meta and data schema. */
        public Contents(String kind, ModelConfig config, float[] parameters, Provenance provenance) {
            this(kind, config, parameters, provenance, Map.of(), Map.of());
        }
    }

    /**
     * A model read by {@link #load}.
     *
     * @param model         the model, with the file's parameter values
     * @param provenance    where it came from
     * @param formatVersion the format version of the file
     * @param meta          the file's free JSON values (empty for files written by {@link #save})
     * @param data          the columns, classes and standardisation of the training data, or null when the file
     *                      has none (then the model reads its inputs unscaled)
     */
    public record Loaded(SequenceModel model, Provenance provenance, int formatVersion, Map<String, Object> meta,
                         DataSchema data) {
    }

    /**
     * What a model file says about a model besides its values, for other formats that carry an rnn4j model (the ONNX
     * export keeps it in its metadata, so that the import gives back the same model file).
     *
     * @param data the schema of the training data, or null
     */
    public record Description(ModelConfig config, Provenance provenance, DataSchema data) {
    }

    /** A description as JSON text: the header keys {@code config}, {@code provenance} and {@code data} of a model file. */
    public static String describe(ModelConfig config, Provenance provenance, DataSchema data) {
        return Json.write(ModelFileHeader.description(config, provenance, data));
    }

    /**
     * Reads {@link #describe}'s text back, with every key checked as in a model file's header.
     *
     * @param source where the text came from, named at the start of an error message
     * @throws ModelFileException if the text is not such a description
     */
    public static Description readDescription(Path source, String json) throws ModelFileException {
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(source, "has a model description that is not valid JSON: " + e.getMessage());
        }
        return ModelFileHeader.description(source, parsed);
    }

    /** Writes the model's architecture and parameters to {@code file}, atomically. */
    public static void save(Path file, SequenceModel model, Provenance provenance) throws IOException {
        save(file, model, provenance, null);
    }

    /** Writes the model with the schema of its training data (null for none) to {@code file}, atomically. */
    public static void save(Path file, SequenceModel model, Provenance provenance, DataSchema data) throws IOException {
        write(file, new Contents(KIND_MODEL, model.config(), model.parameters().values(), provenance, Map.of(),
                Map.of(), data));
    }

    /** Reads a model file and rebuilds the model on one thread: {@link #load(Path, Compute)} with {@link Compute#serial()}. */
    public static Loaded load(Path file) throws IOException {
        return load(file, null);
    }

    /**
     * Reads a model file and rebuilds the model on {@code compute} (null for {@link Compute#serial()}) with the
     * file's parameter values. Any kind of file is accepted; its extra arrays are ignored.
     *
     * @throws ModelFileException if the file is not a model file this library can read
     */
    public static Loaded load(Path file, Compute compute) throws IOException {
        Read read = readFile(file);
        Contents contents = read.contents();
        SequenceModel model = SequenceModel.create(contents.config(), 0, compute);
        float[] values = model.parameters().values();
        System.arraycopy(contents.parameters(), 0, values, 0, values.length);
        return new Loaded(model, contents.provenance(), read.version(), contents.meta(), contents.data());
    }

    /**
     * Writes {@code contents} to {@code file} atomically: an existing file is replaced only by the complete new
     * one. Meta values that JSON cannot hold are refused before the file system is touched.
     */
    public static void write(Path file, Contents contents) throws IOException {
        ParamLayout layout = SequenceModel.layout(contents.config());
        byte[] header = headerBytes(Json.writeIndented(ModelFileHeader.toJson(contents, layout)));
        AtomicFiles.write(file, out -> {
            CheckedOutputStream checked = new CheckedOutputStream(out, new CRC32());
            checked.write(MAGIC);
            ModelFileIo.writeU32(checked, FORMAT_VERSION);
            ModelFileIo.writeU32(checked, header.length);
            checked.write(header);
            ModelFileIo.writeFloats(checked, contents.parameters());
            for (float[] array : contents.arrays().values()) {
                ModelFileIo.writeFloats(checked, array);
            }
            ModelFileIo.writeU32(out, checked.getChecksum().getValue());
        });
    }

    /**
     * Reads everything in a model file, of any kind and format version up to {@link #FORMAT_VERSION}.
     *
     * @throws ModelFileException if the file is not a model file this library can read
     */
    public static Contents read(Path file) throws IOException {
        return readFile(file).contents();
    }

    /** The JSON text in UTF-8, padded with spaces and a newline so that the preamble and header fill 8k bytes. */
    private static byte[] headerBytes(String json) {
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        int length = text.length + 1;
        int padded = length + Math.floorMod(-(PREAMBLE + length), ALIGN);
        byte[] header = Arrays.copyOf(text, padded);
        Arrays.fill(header, text.length, padded - 1, (byte) ' ');
        header[padded - 1] = '\n';
        return header;
    }

    private record Read(int version, Contents contents) {
    }

    private static Read readFile(Path file) throws IOException {
        FileErrors.checkNotDirectory(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            CheckedInputStream in = new CheckedInputStream(
                    new BufferedInputStream(Channels.newInputStream(channel), 1 << 16), new CRC32());
            try {
                return readFrom(file, in, size);
            } catch (EOFException e) {
                throw new ModelFileException(file, "ended before the end that its header describes; was it being"
                        + " written or truncated while being read?", e);
            }
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw FileErrors.about(file, e);
        }
    }

    private static Read readFrom(Path file, CheckedInputStream in, long size) throws IOException {
        byte[] start = in.readNBytes(MAGIC.length);
        if (Arrays.equals(start, MultiStreamModelFile.MAGIC)) {
            throw new ModelFileException(file, "is a multi-stream model file; load it with MultiStreamModelFile.load");
        }
        if (!Arrays.equals(start, Arrays.copyOf(MAGIC, start.length))) {
            throw new ModelFileException(file, "is not an rnn4j model file: it starts with " + printable(start)
                    + ", not \"RNN4JMDL\"");
        }
        if (size == 0) {
            throw new ModelFileException(file, "is empty (0 bytes), not an rnn4j model file");
        }
        if (size < MAGIC.length + 4) {
            throw new ModelFileException(file, "is truncated: it has " + size + " bytes, too few for even the"
                    + " magic and the format version");
        }
        long version = ModelFileIo.readU32(in);
        if (version > FORMAT_VERSION) {
            throw new ModelFileException(file, "has format version " + version + ", which is newer than this library"
                    + " reads (" + FORMAT_VERSION + "); load it with a newer rnn4j");
        }
        if (version < 1) {
            throw new ModelFileException(file, "has format version 0, which does not exist (versions start at 1);"
                    + " the file is damaged");
        }
        if (size < PREAMBLE + CHECKSUM) {
            throw new ModelFileException(file, "is truncated: it has " + size + " bytes; a model file has at least "
                    + (PREAMBLE + CHECKSUM));
        }
        long headerLength = ModelFileIo.readU32(in);
        if (headerLength > size - PREAMBLE - CHECKSUM) {
            throw new ModelFileException(file, "is truncated or damaged: its header length is " + headerLength
                    + " bytes, but only " + (size - PREAMBLE - CHECKSUM) + " bytes follow the " + PREAMBLE
                    + "-byte preamble before the checksum");
        }
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length < headerLength) {
            throw new EOFException();
        }
        ModelFileHeader.Parsed header;
        try {
            header = ModelFileHeader.fromJson(file, parseJson(file, headerBytes));
        } catch (ModelFileException headerProblem) {
            // a damaged file often shows first as a header problem; the checksum tells damage from a bad writer
            ModelFileIo.skipFully(in, size - PREAMBLE - headerLength - CHECKSUM);
            checkChecksum(file, in, headerProblem);
            throw headerProblem;
        }
        long expectedData = 4 * header.floats() + CHECKSUM;
        long found = size - PREAMBLE - headerLength;
        if (found < expectedData) {
            throw new ModelFileException(file, "is truncated: expected " + expectedData + " bytes after the header ("
                    + header.layout().size() + " parameters and " + header.arrays().size() + " extra arrays as float32,"
                    + " and a 4-byte checksum), found " + found);
        }
        if (found > expectedData) {
            throw new ModelFileException(file, "is damaged: it has " + (found - expectedData) + " bytes more than its"
                    + " header describes (expected " + (size - found + expectedData) + " bytes in all, found " + size
                    + ")");
        }
        float[] parameters = new float[header.layout().size()];
        ModelFileIo.readFloats(in, parameters);
        Map<String, float[]> arrays = new LinkedHashMap<>();
        for (ModelFileHeader.ArraySpec spec : header.arrays()) {
            float[] values = new float[spec.length()];
            ModelFileIo.readFloats(in, values);
            arrays.put(spec.name(), values);
        }
        checkChecksum(file, in, null);
        checkDataAgainstModel(file, header.config(), header.data());
        return new Read((int) version, new Contents(header.kind(), header.config(), parameters,
                header.provenance(), arrays, header.meta(), header.data()));
    }

    /**
     * A stored data description must fit the architecture it came with: as many feature columns and standardised
     * features as inputs, as many class names or target columns as outputs. A file where they differ was written
     * by something else or edited, and is refused rather than read with a name or a scale silently dropped.
     */
    private static void checkDataAgainstModel(Path file, ModelConfig config, DataSchema data) throws ModelFileException {
        if (data == null) {
            return;
        }
        int in = config.inputSize();
        int out = config.outputSize();
        if (!data.featureColumns().isEmpty() && data.featureColumns().size() != in) {
            throw new ModelFileException(file, "is inconsistent: its data description names "
                    + data.featureColumns().size() + " feature columns but the model reads " + in + " features");
        }
        if (data.mean() != null && data.mean().length != in) {
            throw new ModelFileException(file, "is inconsistent: it standardises " + data.mean().length
                    + " features but the model reads " + in);
        }
        if (!data.classNames().isEmpty() && data.classNames().size() != out) {
            throw new ModelFileException(file, "is inconsistent: it names " + data.classNames().size() + " classes "
                    + data.classNames() + " but the model has " + out + " outputs");
        }
        if (!data.targetColumns().isEmpty() && data.targetColumns().size() != out) {
            throw new ModelFileException(file, "is inconsistent: it names " + data.targetColumns().size()
                    + " target columns but the model has " + out + " outputs");
        }
    }

    /** Reads the stored CRC-32 (the next 4 bytes) and compares it with that of everything read so far. */
    private static void checkChecksum(Path file, CheckedInputStream in, ModelFileException alsoFound)
            throws IOException {
        long computed = in.getChecksum().getValue();
        long stored = ModelFileIo.readU32(in);
        if (computed != stored) {
            throw new ModelFileException(file, String.format("is damaged: its checksum does not match its contents"
                            + " (CRC-32 stored 0x%08x, computed 0x%08x)%s", stored, computed,
                    alsoFound == null ? "" : "; its header is unreadable too"), alsoFound);
        }
    }

    /** Strict UTF-8, then JSON; errors give the byte offset in the file. */
    private static Object parseJson(Path file, byte[] bytes) throws ModelFileException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new ModelFileException(file, "has a header that is not valid UTF-8 at byte offset "
                    + (PREAMBLE + in.position()));
        }
        decoder.flush(out);
        String text = out.flip().toString();
        try {
            return Json.parse(text);
        } catch (Json.MalformedJsonException e) {
            int byteOffset = PREAMBLE + text.substring(0, e.offset()).getBytes(StandardCharsets.UTF_8).length;
            throw new ModelFileException(file, "has a malformed JSON header at byte offset " + byteOffset + ": "
                    + e.problem(), e);
        }
    }

    /** Bytes as ASCII text with other bytes in \xNN form, for saying what a file starts with. */
    private static String printable(byte[] bytes) {
        StringBuilder s = new StringBuilder("\"");
        for (byte b : bytes) {
            if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
                s.append((char) b);
            } else {
                s.append(String.format("\\x%02X", b & 0xFF));
            }
        }
        return s.append('"').toString();
    }
}
