package org.rnn4j.cli;

import org.rnn4j.data.audio.Wav;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.FileErrors;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;
import org.rnn4j.io.Npz;
import org.rnn4j.io.Provenance;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.RecurrentConfig;
import org.rnn4j.nn.SequenceModel;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * Malformed inputs for every reader of the command and bad values for every option of every command, each with what
 * the command must do with it.
 *
 * <p>The files are derived from valid ones written here (a model, a checkpoint, .npy and .npz arrays, CSV tables, a
 * series, a text, a WAV recording, an ONNX export): cut at several offsets, magic and version bytes changed, sizes
 * declared far beyond the file, a dtype or shape that cannot be, NaN and infinity among the values, invalid UTF-8, a
 * NUL byte, a name with a carriage return, an empty file, a directory in place of the file, a file that does not
 * exist. Each is given to every command that reads that kind of file. The options come from the commands themselves
 * (picocli's model of {@link Main}): every option that takes a value is given none, every numeric one a word, every
 * command an option it does not have; and a list written by hand gives values out of range (zero, negative, huge,
 * an unknown name) to the options that have a range.
 *
 * <p>A case expects exit code 1 (bad input) or 2 (usage), nothing on stdout, no stack trace, at most three lines on
 * stderr whose first names the file or option, and none of its output paths on disk afterwards.
 */
final class MalformedInputs {

    /**
     * One command line and what must happen.
     *
     * @param id      short unique name, e.g. "npy/truncated-9/predict"
     * @param args    the arguments after {@code rnn4j}
     * @param exits   the acceptable exit codes
     * @param names   the message's first line must contain one of these (a file name, an option)
     * @param outputs paths that must not exist after the run
     * @param reader  the reader or option group, for counting
     */
    record Case(String id, List<String> args, Set<Integer> exits, List<String> names, List<Path> outputs,
                String reader) {
    }

    private final Path in;
    private final Path out;
    private final List<Case> cases = new ArrayList<>();
    private int seq;

    /** Valid fixture files. */
    Path model;
    Path forecaster;
    Path chars;
    Path checkpoint;
    Path xNpy;
    Path labelsNpy;
    Path dataNpz;
    Path dataCsv;
    Path seriesCsv;
    Path text;
    Path wav;
    Path onnx;
    Path stateDict;

    private MalformedInputs(Path dir) throws IOException {
        this.in = Files.createDirectories(dir.resolve("in"));
        this.out = Files.createDirectories(dir.resolve("out"));
    }

    /** Writes the fixtures and the malformed files under {@code dir} and returns every case. */
    static MalformedInputs generate(Path dir) throws IOException {
        MalformedInputs g = new MalformedInputs(dir);
        g.fixtures();
        g.modelFiles();
        g.checkpoints();
        g.npy();
        g.npz();
        g.csv();
        g.series();
        g.texts();
        g.wav();
        g.onnx();
        g.options();
        g.optionValues();
        return g;
    }

    List<Case> cases() {
        return cases;
    }

    Path inputs() {
        return in;
    }

    // ---- fixtures ----

    private void fixtures() throws IOException {
        DataSchema schema = new DataSchema("id", "time", List.of("level", "temp"), "label", List.of(),
                List.of("falling", "rising"), new float[] {0f, 300f}, new float[] {1f, 2f});
        SequenceModel m = SequenceModel.create(new ModelConfig(new RecurrentConfig(CellSpec.lstm(), 2, 4, 1, false, 0f),
                Head.LAST_STEP, 2), 1, Compute.serial());
        model = in.resolve("model.rnn4j");
        ModelFile.save(model, m, Provenance.current(1, "malformed-inputs fixture"), schema);

        SequenceModel f = SequenceModel.builder().cell(CellSpec.gru()).inputSize(1).hiddenSize(4).head(Head.EVERY_STEP)
                .outputSize(1).build();
        forecaster = in.resolve("forecaster.rnn4j");
        ModelFile.write(forecaster, new ModelFile.Contents(ModelFile.KIND_MODEL, f.config(), f.parameters().values(),
                Provenance.current(1, "test"), Map.of(), Map.of("series", Map.of("window", 8L, "held_out", 20L,
                "difference", false)), new DataSchema(null, null, List.of("v"), null, List.of("v"), List.of(),
                new float[] {0}, new float[] {1})));

        SequenceModel c = SequenceModel.builder().cell(CellSpec.lstm()).embedding(3, 4).hiddenSize(5)
                .head(Head.EVERY_STEP).outputSize(3).build();
        chars = in.resolve("chars.rnn4j");
        ModelFile.write(chars, new ModelFile.Contents(ModelFile.KIND_MODEL, c.config(), c.parameters().values(),
                Provenance.current(1, "test"), Map.of(), Map.of("text", Map.of()),
                new DataSchema(null, null, List.of("character"), "next character", List.of(), List.of("\n", "a", "b"),
                        null, null)));

        int n = 6;
        int t = 5;
        float[] x = new float[n * t * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) / 7f;
        }
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
        }
        xNpy = in.resolve("x.npy");
        Npy.write(xNpy, NpyArray.ofFloats(x, n, t, 2));
        labelsNpy = in.resolve("labels.npy");
        Npy.write(labelsNpy, NpyArray.ofLongs(labels, n));
        dataNpz = in.resolve("data.npz");
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("x", NpyArray.ofFloats(x, n, t, 2));
        arrays.put("labels", NpyArray.ofLongs(labels, n));
        Npz.write(dataNpz, arrays, false);

        dataCsv = in.resolve("data.csv");
        Files.writeString(dataCsv, csvText(null, null));
        seriesCsv = in.resolve("series.csv");
        StringBuilder s = new StringBuilder("t,v\n");
        for (int i = 0; i < 60; i++) {
            s.append(i).append(',').append(String.format(java.util.Locale.ROOT, "%.4f", Math.sin(i / 3.0))).append('\n');
        }
        Files.writeString(seriesCsv, s);
        text = in.resolve("text.txt");
        Files.writeString(text, "the quick brown fox jumps over the lazy dog\n".repeat(40));
        wav = in.resolve("audio.wav");
        float[] samples = new float[8000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) (0.3 * Math.sin(i * 0.05));
        }
        Wav.write(wav, new Wav(16000, samples));

        onnx = in.resolve("model.onnx");
        MainTest.Result r = MainTest.rnn4j("export", model.toString(), onnx.toString());
        check(r, "export");
        stateDict = in.resolve("state-dict.npz");
        check(MainTest.rnn4j("convert", model.toString(), stateDict.toString()), "convert to .npz");
        Path run = out.resolve("fixture-run");
        r = MainTest.rnn4j("train", "--task", "adding", "--steps", "5", "--train-size", "64", "--val-size", "32",
                "--hidden", "4", "--epochs", "2", "--batch", "16", "--threads", "1", "--no-progress", "--max-steps", "2",
                "--out", run.toString());
        check(r, "train --max-steps");
        checkpoint = in.resolve("checkpoint.rnn4j");
        Files.copy(run.resolve("checkpoint.rnn4j"), checkpoint);
        deleteTree(run);
    }

    private static void check(MainTest.Result r, String what) {
        if (r.code() != 0) {
            throw new IllegalStateException(what + " failed while writing the fixtures: " + r.all());
        }
    }

    /** The long-format CSV of 6 sequences of 4 steps; {@code row2}, if given, replaces the third data row. */
    private static String csvText(String header, String row2) {
        StringBuilder sb = new StringBuilder(header != null ? header : "id,time,level,temp,label").append('\n');
        int row = 0;
        for (int s = 0; s < 6; s++) {
            for (int k = 0; k < 4; k++) {
                String line = String.format(java.util.Locale.ROOT, "s%d,%.2f,%.3f,%.1f,%s", s, 0.5 * k,
                        (s % 2 == 0 ? -0.1 : 0.1) * k, 300.0 + k, s % 2 == 0 ? "falling" : "rising");
                sb.append(row == 2 && row2 != null ? row2 : line).append('\n');
                row++;
            }
        }
        return sb.toString();
    }

    // ---- the readers ----

    /**
     * How one command reads a file: the arguments with the file in place and a directory of the case's own for its
     * outputs (not created: it must still not exist afterwards).
     */
    private record Use(String name, BiFunction<Path, Path, List<String>> args) {
    }

    private static Use use(String name, BiFunction<Path, Path, List<String>> args) {
        return new Use(name, args);
    }

    /** A directory of its own for the next case's outputs, not created. */
    private Path caseOut() {
        return out.resolve(Integer.toString(seq));
    }

    /**
     * A case's output file in the existing output directory, named after the case's own ({@code out/N-m.EXT}), so
     * that the case's fault is its input and not a missing directory; the check looks for it and its temporary files.
     */
    private static Path outputFile(Path caseOut, String ext) {
        return caseOut.resolveSibling(caseOut.getFileName() + "-m." + ext);
    }

    private Path output(String name) {
        return out.resolve(name);
    }

    /** Small training settings so that a case wrongly accepted ends soon. */
    private static List<String> small(String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--hidden", "4", "--epochs", "1", "--threads", "1",
                "--no-progress"));
        a.addAll(Arrays.asList(more));
        return a;
    }

    private List<Use> modelUses() {
        return List.of(
                use("info", (f, o) -> List.of("info", f.toString())),
                use("predict", (f, o) -> List.of("predict", f.toString(), "-i", xNpy.toString(), "-o",
                        o.resolve("y.npy").toString())),
                use("eval", (f, o) -> List.of("eval", f.toString(), "--size", "20")),
                use("export", (f, o) -> List.of("export", f.toString(), outputFile(o, "onnx").toString())),
                use("convert", (f, o) -> List.of("convert", f.toString(), outputFile(o, "npz").toString())),
                use("sample", (f, o) -> List.of("sample", f.toString(), "--length", "5")),
                use("plot", (f, o) -> List.of("plot", "time-gate", f.toString(), "-o", o.resolve("gate.png").toString())));
    }

    private void modelFiles() throws IOException {
        byte[] valid = Files.readAllBytes(model);
        int header = ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        List<Variant> v = new ArrayList<>(common(valid, 8, 16, 16 + header / 2, 16 + header, 16 + header + 3));
        v.add(new Variant("wrong-magic", set(valid, 0, (byte) 'X')));
        v.add(new Variant("version-99", set(valid, 8, (byte) 99)));
        v.add(new Variant("header-length-huge", putInt(valid, 12, 0x7FFFFFF0)));
        v.add(new Variant("header-byte-flipped", set(valid, 17, (byte) '#')));
        v.add(new Variant("data-byte-flipped", set(valid, valid.length - 9, (byte) (valid[valid.length - 9] ^ 0x40))));
        v.add(new Variant("checksum-flipped", set(valid, valid.length - 1, (byte) (valid[valid.length - 1] ^ 1))));
        v.add(new Variant("json-nested-deep", withHeader("[".repeat(5000))));
        v.add(new Variant("json-not-utf8", withHeader("{\"kind\": \"mod\u00ffl\"}", StandardCharsets.ISO_8859_1)));
        v.add(new Variant("json-empty-object", withHeader("{}")));
        v.add(new Variant("npy-file", Files.readAllBytes(xNpy)));
        readerCases("model", "rnn4j", v, modelUses());
    }

    private void checkpoints() throws IOException {
        byte[] valid = Files.readAllBytes(checkpoint);
        int header = ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        List<Variant> v = new ArrayList<>(common(valid, 8, 16 + header / 2, 16 + header + 5));
        v.add(new Variant("data-byte-flipped", set(valid, valid.length - 9, (byte) (valid[valid.length - 9] ^ 0x40))));
        v.add(new Variant("plain-model", Files.readAllBytes(model)));
        readerCases("checkpoint", "rnn4j", v, List.of(
                use("train-resume", (f, o) -> List.of("train", "--resume", f.toString(), "--no-progress", "--out",
                        o.toString()))));
    }

    private List<Use> npyUses() {
        return List.of(
                use("predict-i", (f, o) -> List.of("predict", model.toString(), "-i", f.toString(), "-o",
                        o.resolve("y.npy").toString())),
                use("predict-lengths", (f, o) -> List.of("predict", model.toString(), "-i", xNpy.toString(),
                        "--lengths", f.toString(), "-o", o.resolve("y.npy").toString())),
                use("train-data", (f, o) -> small("--data", f.toString(), "--labels", labelsNpy.toString(), "--out",
                        o.toString())),
                use("train-labels", (f, o) -> small("--data", xNpy.toString(), "--labels", f.toString(), "--out",
                        o.toString())));
    }

    private void npy() throws IOException {
        byte[] valid = Files.readAllBytes(xNpy);
        int headerEnd = 10 + (valid[8] & 0xFF | (valid[9] & 0xFF) << 8);
        List<Variant> v = new ArrayList<>(common(valid, 3, 6, 9, headerEnd - 1, headerEnd + 3));
        v.add(new Variant("wrong-magic", set(valid, 1, (byte) 'X')));
        v.add(new Variant("version-9", set(valid, 6, (byte) 9)));
        v.add(new Variant("header-length-huge", set(set(valid, 8, (byte) 0xFF), 9, (byte) 0xFF)));
        String h = new String(valid, 10, headerEnd - 10, StandardCharsets.ISO_8859_1);
        v.add(new Variant("dtype-complex", npyHeader(valid, headerEnd, h.replace("'<f4'", "'<c8'"))));
        v.add(new Variant("dtype-text", npyHeader(valid, headerEnd, h.replace("'<f4'", "'<U4'"))));
        v.add(new Variant("shape-huge", npyHeader(valid, headerEnd, h.replace("(6, 5, 2)", "(600000, 500000, 2)"))));
        v.add(new Variant("shape-negative", npyHeader(valid, headerEnd, h.replace("(6, 5, 2)", "(6, -5, 2)"))));
        v.add(new Variant("fortran-order", npyHeader(valid, headerEnd, h.replace("False", "True "))));
        v.add(new Variant("header-not-dict", npyHeader(valid, headerEnd, h.replace("{", "["))));
        v.add(new Variant("header-nested-deep", npyHeader(valid, headerEnd,
                "{'descr': " + "(".repeat(3000) + "}")));
        v.add(new Variant("header-newline", npyHeader(valid, headerEnd, h.replace("'fortran_order'", "'fort\nran'"))));
        v.add(new Variant("nan", floatAt(valid, headerEnd + 4 * 7, Float.NaN)));
        v.add(new Variant("inf", floatAt(valid, headerEnd + 4 * 3, Float.NEGATIVE_INFINITY)));
        v.add(new Variant("npz-file", Files.readAllBytes(dataNpz)));
        readerCases("npy", "npy", v, npyUses());
    }

    private void npz() throws IOException {
        byte[] valid = Files.readAllBytes(dataNpz);
        List<Variant> v = new ArrayList<>(common(false, valid, 4, 30, valid.length / 2));   // zip readers skip what follows
        v.add(new Variant("text", "x,y\n1,2\n".getBytes(StandardCharsets.US_ASCII)));
        v.add(new Variant("npy-file", Files.readAllBytes(xNpy)));
        v.add(new Variant("entry-damaged", set(valid, 120, (byte) (valid[120] ^ 0x10))));
        float[] nanX = new float[60];
        nanX[17] = Float.NaN;
        v.add(new Variant("nan", npzBytes(Map.of("x", NpyArray.ofFloats(nanX, 6, 5, 2),
                "labels", NpyArray.ofLongs(new long[] {0, 1, 0, 1, 0, 1}, 6)))));
        v.add(new Variant("no-x", npzBytes(Map.of("labels", NpyArray.ofLongs(new long[] {0, 1}, 2)))));
        v.add(new Variant("labels-count", npzBytes(Map.of("x", NpyArray.ofFloats(new float[60], 6, 5, 2),
                "labels", NpyArray.ofLongs(new long[] {0, 1, 0}, 3)))));
        v.add(new Variant("labels-negative", npzBytes(Map.of("x", NpyArray.ofFloats(new float[60], 6, 5, 2),
                "labels", NpyArray.ofLongs(new long[] {0, 1, -3, 1, 0, 1}, 6)))));
        v.add(new Variant("x-rank-1", npzBytes(Map.of("x", NpyArray.ofFloats(new float[6], 6),
                "labels", NpyArray.ofLongs(new long[] {0, 1, 0, 1, 0, 1}, 6)))));
        readerCases("npz", "npz", v, List.of(
                use("train-data", (f, o) -> small("--data", f.toString(), "--out", o.toString())),
                use("eval-data", (f, o) -> List.of("eval", model.toString(), "--data", f.toString())),
                use("convert", (f, o) -> List.of("convert", f.toString(), outputFile(o, "rnn4j").toString(), "--hidden",
                        "4"))));
    }

    private void csv() throws IOException {
        List<Variant> v = new ArrayList<>();
        v.add(new Variant("empty", new byte[0]));
        v.add(new Variant("header-only", "id,time,level,temp,label\n".getBytes(StandardCharsets.UTF_8)));
        v.add(new Variant("invalid-utf8", latin1(csvText(null, "s0,1.0,0.1,30\u00e9,falling"))));
        v.add(new Variant("nul-byte", utf8(csvText(null, "s0,1.0,0.1\u0000,300,falling"))));
        v.add(new Variant("too-few-fields", utf8(csvText(null, "s0,1.0,0.1,falling"))));
        v.add(new Variant("too-many-fields", utf8(csvText(null, "s0,1.0,0.1,300,falling,7"))));
        v.add(new Variant("nan", utf8(csvText(null, "s0,1.0,NaN,300,falling"))));
        v.add(new Variant("inf", utf8(csvText(null, "s0,1.0,0.1,Infinity,falling"))));
        v.add(new Variant("not-a-number", utf8(csvText(null, "s0,1.0,abc,300,falling"))));
        v.add(new Variant("time-backwards", utf8(csvText(null, "s0,-9,0.1,300,falling"))));
        v.add(new Variant("sequence-split", utf8(csvText(null, "s5,1.0,0.1,300,rising"))));
        v.add(new Variant("unclosed-quote", utf8(csvText(null, "s0,1.0,\"0.1,300,falling"))));
        v.add(new Variant("no-label-column", utf8(csvText("id,time,level,temp,class", null)), Set.of("predict-data")));
        v.add(new Variant("huge-number", utf8(csvText(null, "s0,1.0,1e999,300,falling"))));
        readerCases("csv", "csv", v, List.of(
                use("train-data", (f, o) -> small("--data", f.toString(), "--label-column", "label", "--time-column",
                        "time", "--out", o.toString())),
                use("predict-data", (f, o) -> List.of("predict", model.toString(), "--data", f.toString(), "-o",
                        o.resolve("predictions.csv").toString())),
                use("eval-data", (f, o) -> List.of("eval", model.toString(), "--data", f.toString()))));
        // a CSV as -i input: one row per step, numbers only
        List<Variant> rows = new ArrayList<>();
        rows.add(new Variant("empty", new byte[0]));
        rows.add(new Variant("ragged", utf8("0.1,0.2\n0.3\n")));
        rows.add(new Variant("word", utf8("0.1,0.2\n0.3,x\n")));
        rows.add(new Variant("nan", utf8("0.1,0.2\n0.3,NaN\n")));
        rows.add(new Variant("three-columns", utf8("0.1,0.2,0.3\n0.3,0.4,0.5\n")));
        readerCases("csv-input", "csv", rows, List.of(use("predict-i", (f, o) -> List.of("predict", model.toString(),
                "-i", f.toString(), "-o", o.resolve("y.npy").toString()))));
    }

    private void series() throws IOException {
        List<Variant> v = new ArrayList<>();
        v.add(new Variant("empty", new byte[0]));
        v.add(new Variant("header-only", utf8("t,v\n")));
        v.add(new Variant("word", utf8("t,v\n1,0.5\n2,abc\n3,0.1\n")));
        v.add(new Variant("no-column", utf8("t,w\n1,0.5\n2,0.3\n")));
        v.add(new Variant("invalid-utf8", latin1("t,v\n1,0.5\n2,0.\u00e93\n")));
        readerCases("series", "csv", v, List.of(
                use("train-series", (f, o) -> small("--series", f.toString(), "--column", "v", "--out", o.toString())),
                use("forecast", (f, o) -> List.of("forecast", forecaster.toString(), "--data", f.toString(), "--column",
                        "v", "--horizon", "2", "--out", o.toString()))));
    }

    private void texts() throws IOException {
        List<Variant> v = new ArrayList<>();
        v.add(new Variant("empty", new byte[0]));
        v.add(new Variant("invalid-utf8", latin1("caf\u00e9 au lait\n")));
        v.add(new Variant("truncated-utf8", Arrays.copyOf("na\u00efve".getBytes(StandardCharsets.UTF_8), 3)));
        readerCases("text", "txt", v, List.of(use("train-text", (f, o) -> small("--text", f.toString(), "--out",
                o.toString()))));
    }

    private void wav() throws IOException {
        byte[] valid = Files.readAllBytes(wav);
        List<Variant> v = new ArrayList<>(common(false, valid, 4, 11, 30, 43, 45));   // RIFF pads chunks: a byte more is fine
        v.add(new Variant("not-riff", set(valid, 0, (byte) 'X')));
        v.add(new Variant("stereo", set(valid, 22, (byte) 2)));
        v.add(new Variant("8-bit", set(valid, 34, (byte) 8)));
        v.add(new Variant("24-bit", set(valid, 34, (byte) 24)));
        v.add(new Variant("adpcm", set(valid, 20, (byte) 2)));
        v.add(new Variant("rate-0", putInt(valid, 24, 0)));
        v.add(new Variant("data-size-huge", putInt(valid, 40, 0x7FFFFFF0)));
        v.add(new Variant("data-size-0", putInt(valid, 40, 0)));
        v.add(new Variant("fmt-size-huge", putInt(valid, 16, 0x7FFFFFF0)));
        v.add(new Variant("chunk-size-max", chunkBeforeData(valid, 0xFFFFFFF0)));
        v.add(new Variant("chunk-size-beyond-int", chunkBeforeData(valid, 0x7FFFFFFF)));
        v.add(new Variant("float-nan", floatWav(Float.NaN)));
        v.add(new Variant("float-inf", floatWav(Float.POSITIVE_INFINITY)));
        readerCases("wav", "wav", v, List.of(
                use("features", (f, o) -> List.of("features", f.toString(), "-o", o.resolve("f.npy").toString()))));
    }

    private void onnx() throws IOException {
        byte[] valid = Files.readAllBytes(onnx);
        List<Variant> v = new ArrayList<>(common(valid, 1, 2, 7, valid.length / 3, valid.length / 2));
        v.add(new Variant("text", utf8("this is not a protobuf message at all\n")));
        v.add(new Variant("first-byte-flipped", set(valid, 0, (byte) 0xFF)));
        v.add(new Variant("length-huge", lengthVarintHuge(valid)));
        v.add(new Variant("npy-file", Files.readAllBytes(xNpy)));
        readerCases("onnx", "onnx", v, List.of(use("convert", (f, o) -> List.of("convert", f.toString(),
                outputFile(o, "rnn4j").toString()))));
    }

    // ---- options ----

    /**
     * From picocli's model of the command: every option that takes a value given none (at the end of the line),
     * every numeric option a word, and every command an option it does not have. All are refused while parsing.
     */
    private void options() {
        CommandLine root = new CommandLine(new Main());
        List<CommandLine> commands = new ArrayList<>();
        collect(root, commands);
        for (CommandLine c : commands) {
            List<String> prefix = commandPath(c);
            List<String> positional = positionals(c);
            String name = String.join("-", prefix.isEmpty() ? List.of("rnn4j") : prefix);
            List<String> unknown = new ArrayList<>(prefix);
            unknown.addAll(positional);
            unknown.add("--no-such-option");
            add("option/" + name + "/unknown", unknown, Set.of(2), List.of("--no-such-option"), List.of(), "options");
            for (CommandLine.Model.OptionSpec o : c.getCommandSpec().options()) {
                if (o.usageHelp() || o.versionHelp() || o.arity().max() == 0) {
                    continue;
                }
                String opt = o.longestName();
                List<String> missing = new ArrayList<>(prefix);
                missing.addAll(positional);
                missing.add(opt);
                add("option/" + name + "/" + opt + "/missing", missing, Set.of(2), List.of(opt), List.of(), "options");
                Class<?> type = o.auxiliaryTypes().length > 0 && o.isMultiValue() ? o.auxiliaryTypes()[0] : o.type();
                if (isNumber(type)) {
                    List<String> word = new ArrayList<>(prefix);
                    word.addAll(positional);
                    word.add(opt);
                    word.add("lots");
                    add("option/" + name + "/" + opt + "/word", word, Set.of(2), List.of(opt), List.of(), "options");
                }
            }
        }
    }

    private static boolean isNumber(Class<?> t) {
        return t == int.class || t == Integer.class || t == long.class || t == Long.class || t == float.class
                || t == Float.class || t == double.class || t == Double.class;
    }

    private static void collect(CommandLine c, List<CommandLine> into) {
        if (!c.getCommandName().equals("help")) {
            into.add(c);
        }
        for (CommandLine sub : c.getSubcommands().values()) {
            if (!into.contains(sub) && !sub.getCommandName().equals("help")) {
                collect(sub, into);
            }
        }
    }

    private static List<String> commandPath(CommandLine c) {
        List<String> path = new ArrayList<>();
        for (CommandLine p = c; p.getParent() != null; p = p.getParent()) {
            path.add(0, p.getCommandName());
        }
        return path;
    }

    /** Valid values for a command's required positional parameters: a model file, an output. */
    private List<String> positionals(CommandLine c) {
        List<String> values = new ArrayList<>();
        for (CommandLine.Model.PositionalParamSpec p : c.getCommandSpec().positionalParameters()) {
            if (p.arity().min() == 0) {
                continue;
            }
            String label = p.paramLabel();
            values.add(label.contains("WAV") ? wav.toString() : label.equals("OUT") ? output("positional.out").toString()
                    : label.equals("IN") ? model.toString() : model.toString());
        }
        return values;
    }

    /**
     * Values out of range, for the options that have a range, with everything else valid: each must be refused
     * naming the option before any work is done.
     */
    private void optionValues() {
        List<List<String>> train = List.of(
                List.of("--epochs", "0"), List.of("--epochs", "-1"), List.of("--batch", "0"),
                List.of("--batch", "-5"), List.of("--hidden", "0"), List.of("--hidden", "-4"),
                List.of("--hidden", "2000000000"), List.of("--layers", "0"), List.of("--lr", "-0.1"),
                List.of("--lr", "NaN"), List.of("--lr", "Infinity"), List.of("--threads", "0"),
                List.of("--threads", "-2"), List.of("--dropout", "1.5"), List.of("--dropout", "-0.1"),
                List.of("--steps", "0"), List.of("--steps", "-3"), List.of("--train-size", "0"),
                List.of("--train-size", "-10"), List.of("--cell", "transformer"), List.of("--optimizer", "lbfgs"),
                List.of("--schedule", "sometimes"), List.of("--task", "chess"), List.of("--clip-norm", "-1"),
                List.of("--clip-value", "-1"), List.of("--tbptt", "0"), List.of("--tbptt", "5,x"),
                List.of("--val-split", "1.5"), List.of("--proj", "-1"), List.of("--patience", "-1"),
                List.of("--max-steps", "0"), List.of("--checkpoint-every", "-1"), List.of("--warmup", "-1"),
                List.of("--workers", "0"), List.of("--init", "magic"), List.of("--embedding", "0"),
                List.of("--window", "0"));
        for (List<String> value : train) {
            valueCase("train", o -> small("--task", "adding", "--steps", "5", "--train-size", "64", "--val-size", "16",
                    "--out", o.toString()), value);
        }
        for (List<String> value : List.of(List.of("--cell", "plstm", "--period", "5"),
                List.of("--cell", "plstm", "--period", "10,1"), List.of("--cell", "plstm", "--r-on", "1.5"))) {
            valueCase("train", o -> small("--task", "adding", "--steps", "5", "--train-size", "64", "--val-size", "16",
                    "--out", o.toString()), value);
        }
        for (List<String> value : List.of(List.of("--batch", "0"), List.of("--activation", "relu6"))) {
            valueCase("predict", o -> List.of("predict", model.toString(), "-i", xNpy.toString(), "-o",
                    o.resolve("y.npy").toString()), value);
        }
        for (List<String> value : List.of(List.of("--horizon", "0"), List.of("--horizon", "-2"),
                List.of("--period", "0"), List.of("--ar-order", "-1"))) {
            valueCase("forecast", o -> List.of("forecast", forecaster.toString(), "--data", seriesCsv.toString(),
                    "--column", "v", "--horizon", "2", "--out", o.toString()), value);
        }
        for (List<String> value : List.of(List.of("--length", "-1"), List.of("--temperature", "-1"),
                List.of("--temperature", "NaN"))) {
            valueCase("sample", o -> List.of("sample", chars.toString()), value);
        }
        valueCase("features", o -> List.of("features", wav.toString(), "-o", o.resolve("f.npy").toString()),
                List.of("--kind", "plp"));
        for (String opset : List.of("3", "99", "-1")) {
            valueCase("export", o -> List.of("export", model.toString(), outputFile(o, "onnx").toString()),
                    List.of("--opset", opset));
        }
        for (List<String> value : List.of(List.of("--hidden", "0"), List.of("--cell", "lstn"),
                List.of("--head", "middle"), List.of("--layers", "-1"))) {
            valueCase("convert", o -> List.of("convert", stateDict.toString(), outputFile(o, "rnn4j").toString(),
                    "--hidden", "4", "--outputs", "2"), value);
        }
        for (List<String> value : List.of(List.of("--size", "0"), List.of("--batch", "0"))) {
            valueCase("eval", o -> List.of("eval", model.toString()), value);
        }
    }

    /** Arguments that are valid, then {@code value} (an option, or options ending in the one out of range). */
    private void valueCase(String command, Function<Path, List<String>> valid, List<String> value) {
        Path o = caseOut();
        List<String> args = new ArrayList<>(valid.apply(o));
        args.addAll(value);
        String option = value.get(value.size() - 2);
        add("value/" + command + "/" + option + "=" + value.get(value.size() - 1), args, Set.of(1, 2),
                List.of(option), List.of(o), "option values");
    }

    // ---- case building ----

    /** A malformed file's name and bytes, and the uses for which it is no fault (a CSV without labels to predict on). */
    private record Variant(String name, byte[] bytes, Set<String> fineFor) {
        Variant(String name, byte[] bytes) {
            this(name, bytes, Set.of());
        }
    }

    /** Empty, cut at each offset, one byte too many, plus (added by readerCases) a directory and a missing file. */
    private static List<Variant> common(byte[] valid, int... cuts) {
        return common(true, valid, cuts);
    }

    /** As {@link #common(byte[], int...)}; {@code trailing}: whether one byte too many is a fault of this format. */
    private static List<Variant> common(boolean trailing, byte[] valid, int... cuts) {
        List<Variant> v = new ArrayList<>();
        v.add(new Variant("empty", new byte[0]));
        for (int c : cuts) {
            if (c > 0 && c < valid.length) {
                v.add(new Variant("truncated-" + c, Arrays.copyOf(valid, c)));
            }
        }
        v.add(new Variant("truncated-last-byte", Arrays.copyOf(valid, valid.length - 1)));
        if (trailing) {
            byte[] longer = Arrays.copyOf(valid, valid.length + 1);
            longer[valid.length] = 0x2A;
            v.add(new Variant("trailing-byte", longer));
        }
        return v;
    }

    /**
     * Writes each variant as {@code in/<reader>-<variant>.<ext>} and adds a case for each use of it; then the same for a
     * directory in place of the file, a file that does not exist, and an empty file whose name holds a carriage return.
     */
    private void readerCases(String reader, String ext, List<Variant> variants, List<Use> uses) throws IOException {
        List<Map.Entry<String, Path>> files = new ArrayList<>();
        Map<String, Set<String>> fine = new java.util.HashMap<>();
        for (Variant v : variants) {
            fine.put(v.name(), v.fineFor());
            Path f = in.resolve(reader + "-" + v.name() + "." + ext);
            Files.write(f, v.bytes());
            files.add(Map.entry(v.name(), f));
        }
        Path dir = Files.createDirectories(in.resolve(reader + "-directory." + ext));
        files.add(Map.entry("directory", dir));
        files.add(Map.entry("missing", in.resolve(reader + "-missing." + ext)));
        Path cr = in.resolve(reader + "-carriage\rreturn." + ext);
        Files.write(cr, new byte[0]);
        files.add(Map.entry("name-with-cr", cr));
        for (Map.Entry<String, Path> f : files) {
            for (Use u : uses) {
                if (fine.getOrDefault(f.getKey(), Set.of()).contains(u.name())) {
                    continue;
                }
                Path o = caseOut();
                add(reader + "/" + f.getKey() + "/" + u.name(), u.args().apply(f.getValue(), o), Set.of(1),
                        List.of(FileErrors.printable(f.getValue().getFileName().toString())), List.of(o), reader);
            }
        }
    }

    private void add(String id, List<String> args, Set<Integer> exits, List<String> names, List<Path> outputs,
                     String reader) {
        cases.add(new Case(String.format("%04d %s", seq++, id), List.copyOf(args), exits, names, outputs, reader));
    }

    // ---- byte surgery ----

    private static byte[] set(byte[] b, int at, byte value) {
        byte[] c = b.clone();
        c[at] = value;
        return c;
    }

    private static byte[] putInt(byte[] b, int at, int value) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return c;
    }

    private static byte[] floatAt(byte[] b, int at, float value) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putFloat(at, value);
        return c;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The .npy bytes with the header replaced by {@code header} (padded to the old length where it fits). */
    private static byte[] npyHeader(byte[] valid, int headerEnd, String header) {
        int oldLength = headerEnd - 10;
        String padded = header.length() < oldLength ? header + " ".repeat(oldLength - header.length() - 1) + "\n" : header;
        byte[] text = padded.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length + valid.length - headerEnd).order(ByteOrder.LITTLE_ENDIAN);
        b.put(valid, 0, 8).putShort((short) text.length).put(text).put(valid, headerEnd, valid.length - headerEnd);
        return b.array();
    }

    /** A model file whose header is {@code json}, with a correct checksum, so that only the header is wrong. */
    private static byte[] withHeader(String json) {
        return withHeader(json, StandardCharsets.UTF_8);
    }

    private static byte[] withHeader(String json, java.nio.charset.Charset charset) {
        byte[] text = json.getBytes(charset);
        ByteBuffer b = ByteBuffer.allocate(16 + text.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RNN4JMDL".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(text.length).put(text);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, 16 + text.length);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    private byte[] npzBytes(Map<String, NpyArray> arrays) throws IOException {
        Path tmp = out.resolve("tmp.npz");
        Npz.write(tmp, new LinkedHashMap<>(arrays), false);
        byte[] b = Files.readAllBytes(tmp);
        Files.delete(tmp);
        return b;
    }

    /** A WAV file whose data chunk comes after an unknown chunk that declares {@code size} bytes. */
    private static byte[] chunkBeforeData(byte[] valid, int size) {
        ByteBuffer b = ByteBuffer.allocate(valid.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(valid, 0, 36).put("LIST".getBytes(StandardCharsets.US_ASCII)).putInt(size).put(valid, 36,
                valid.length - 36);
        return b.array();
    }

    /** A mono 32-bit float WAV of 400 samples with one {@code bad} among them. */
    private static byte[] floatWav(float bad) {
        int n = 400;
        ByteBuffer b = ByteBuffer.allocate(44 + 4 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 4 * n).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 3).putShort((short) 1)
                .putInt(16000).putInt(64000).putShort((short) 4).putShort((short) 32);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(4 * n);
        for (int i = 0; i < n; i++) {
            b.putFloat(i == 123 ? bad : (float) Math.sin(i * 0.1) * 0.2f);
        }
        return b.array();
    }

    /** The ONNX bytes with the first field's length prefix (after its one-byte tag) set to a 5-byte varint near 2^31. */
    private static byte[] lengthVarintHuge(byte[] valid) {
        int tag = valid[0] & 0xFF;
        if ((tag & 7) != 2) {   // the first field is not length-delimited: put one in front
            byte[] b = new byte[valid.length + 6];
            b[0] = 0x12;   // field 2 (producer_name), length-delimited
            System.arraycopy(new byte[] {(byte) 0xF0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07}, 0, b, 1, 5);
            System.arraycopy(valid, 0, b, 6, valid.length);
            return b;
        }
        byte[] b = valid.clone();
        b[1] = (byte) 0xF0;
        return b;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
