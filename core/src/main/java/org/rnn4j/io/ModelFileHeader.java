package org.rnn4j.io;

import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.BnLstmSpec;
import org.rnn4j.nn.EmbeddingSpec;
import org.rnn4j.nn.GruSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.LstmSpec;
import org.rnn4j.nn.PhasedGruSpec;
import org.rnn4j.nn.PhasedLstmSpec;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.MultiStreamModel;
import org.rnn4j.nn.RecurrentConfig;
import org.rnn4j.nn.RnnSpec;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.ParamView;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON header of a model file, format version 1: written from {@link ModelFile.Contents}, and read back with
 * every key checked, so that a file is either understood completely or refused with the key that is wrong.
 * Every key listed in docs/model-file.md is required and no other is allowed, except inside {@code meta}.
 */
final class ModelFileHeader {

    /** Differences listed in one manifest error at most. */
    private static final int MAX_LISTED = 5;

    private ModelFileHeader() {
    }

    /** A named float array stored after the parameters. */
    record ArraySpec(String name, int length) {
    }

    /** What a header says; the parameters and then the arrays follow it in this order. */
    record Parsed(String kind, ModelConfig config, ParamLayout layout, Provenance provenance, List<ArraySpec> arrays,
                  Map<String, Object> meta, DataSchema data) {

        /** Parameters and array elements: the floats after the header. */
        long floats() {
            long n = layout.size();
            for (ArraySpec a : arrays) {
                n += a.length();
            }
            return n;
        }
    }

    // ---- writing

    static Map<String, Object> toJson(ModelFile.Contents contents, ParamLayout layout) {
        List<Object> manifest = new ArrayList<>();
        for (ParamView v : layout.views()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", v.name());
            entry.put("offset", v.offset());
            entry.put("shape", Arrays.stream(v.shape()).boxed().toList());
            manifest.add(entry);
        }
        List<Object> arrays = new ArrayList<>();
        contents.arrays().forEach((name, values) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", name);
            entry.put("length", values.length);
            arrays.add(entry);
        });
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("kind", contents.kind());
        header.put("config", config(contents.config()));
        header.put("parameterCount", layout.size());
        header.put("manifest", manifest);
        header.put("arrays", arrays);
        header.put("provenance", provenance(contents.provenance()));
        header.put("meta", contents.meta());
        if (contents.data() != null) {
            header.put("data", data(contents.data()));
        }
        return header;
    }

    private static Map<String, Object> data(DataSchema d) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("idColumn", d.idColumn());
        json.put("timeColumn", d.timeColumn());
        json.put("featureColumns", d.featureColumns());
        json.put("labelColumn", d.labelColumn());
        json.put("targetColumns", d.targetColumns());
        json.put("classNames", d.classNames());
        json.put("mean", floats(d.mean()));
        json.put("std", floats(d.std()));
        return json;
    }

    private static List<Object> floats(float[] values) {
        if (values == null) {
            return null;
        }
        List<Object> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    private static Map<String, Object> config(ModelConfig config) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("network", network(config.network()));
        json.put("head", config.head().name());
        json.put("outputSize", config.outputSize());
        if (config.embedding() != null) {
            // only when there is one, so files of models without an embedding keep their version-1 bytes
            Map<String, Object> embedding = new LinkedHashMap<>();
            embedding.put("numEmbeddings", config.embedding().numEmbeddings());
            embedding.put("embeddingDim", config.embedding().embeddingDim());
            json.put("embedding", embedding);
        }
        return json;
    }

    /** A recurrent network's keys: cell, inputSize, hiddenSize, numLayers, bidirectional, dropout. */
    static Map<String, Object> network(RecurrentConfig net) {
        Map<String, Object> network = new LinkedHashMap<>();
        network.put("cell", cell(net.cell()));
        network.put("inputSize", net.inputSize());
        network.put("hiddenSize", net.hiddenSize());
        network.put("numLayers", net.numLayers());
        network.put("bidirectional", net.bidirectional());
        network.put("dropout", net.dropout());
        return network;
    }

    /** The time gate's options, the same keys for the Phased LSTM and GRU. */
    private static void putTimeGate(Map<String, Object> json, double periodMin, double periodMax, float ratioOn,
                                    float leak, boolean learnPeriod, boolean learnShift, boolean learnRatioOn) {
        json.put("periodMin", periodMin);
        json.put("periodMax", periodMax);
        json.put("ratioOn", ratioOn);
        json.put("leak", leak);
        json.put("learnPeriod", learnPeriod);
        json.put("learnShift", learnShift);
        json.put("learnRatioOn", learnRatioOn);
    }

    private static Map<String, Object> cell(CellSpec spec) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", spec.kind());
        switch (spec) {
            case RnnSpec rnn -> json.put("nonlinearity", rnn.nonlinearity().name());
            case LstmSpec lstm -> {
                json.put("peepholes", lstm.peepholes());
                json.put("cifg", lstm.cifg());
                json.put("projSize", lstm.projSize());
                json.put("cellClip", lstm.cellClip());
            }
            case GruSpec gru -> json.put("linearBeforeReset", gru.linearBeforeReset());
            case PhasedGruSpec p -> putTimeGate(json, p.periodMin(), p.periodMax(), p.ratioOn(), p.leak(),
                    p.learnPeriod(), p.learnShift(), p.learnRatioOn());
            case BnLstmSpec bn -> {
                json.put("maxSteps", bn.maxSteps());
                json.put("gammaInit", bn.gammaInit());
                json.put("momentum", bn.momentum());
                json.put("epsilon", bn.epsilon());
                json.put("minRunning", bn.minRunning());
            }
            case PhasedLstmSpec p -> {
                json.put("peepholes", p.peepholes());
                putTimeGate(json, p.periodMin(), p.periodMax(), p.ratioOn(), p.leak(), p.learnPeriod(),
                        p.learnShift(), p.learnRatioOn());
            }
        }
        return json;
    }

    private static Map<String, Object> provenance(Provenance p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("libraryVersion", p.libraryVersion());
        json.put("jdk", p.jdk());
        json.put("os", p.os());
        json.put("arch", p.arch());
        json.put("seed", p.seed());
        json.put("data", p.data());
        json.put("createdAt", p.createdAt());
        json.put("extra", p.extra());
        return json;
    }

    /** The description a model file keeps besides the values: config, provenance and (when there is one) data. */
    static Map<String, Object> description(ModelConfig config, Provenance provenance, DataSchema data) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("config", config(config));
        json.put("provenance", provenance(provenance));
        if (data != null) {
            json.put("data", data(data));
        }
        return json;
    }

    // ---- reading

    /** Reads a parsed header and checks its manifest against the architecture its config describes. */
    static Parsed fromJson(Path file, Object json) throws ModelFileException {
        Obj header = new Obj(file, "", json);
        // "data" came later within format version 1 and is optional: files without it read their inputs unscaled
        header.requireKeys(List.of("kind", "config", "parameterCount", "manifest", "arrays", "provenance", "meta"),
                List.of("data"));
        String kind = header.string("kind");
        if (kind.isEmpty()) {
            throw header.invalid("\"kind\" is empty");
        }
        ModelConfig config = config(header.object("config"));
        ParamLayout layout;
        try {
            layout = SequenceModel.layout(config);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "has a config that describes no valid model: " + e.getMessage());
        }
        long count = header.int64("parameterCount");
        if (count != layout.size()) {
            throw new ModelFileException(file, "declares " + count + " parameters, but the architecture in its config"
                    + " has " + layout.size());
        }
        checkManifest(file, header.list("manifest"), layout);
        List<ArraySpec> arrays = arrays(header);
        Provenance provenance = provenance(header.object("provenance"));
        Obj meta = header.object("meta");
        DataSchema data = header.map.containsKey("data") ? data(header.object("data")) : null;
        return new Parsed(kind, config, layout, provenance, arrays, Collections.unmodifiableMap(meta.map), data);
    }

    /** Reads {@link #description} back, every key checked; {@code file} names the source in errors. */
    static ModelFile.Description description(Path file, Object json) throws ModelFileException {
        Obj d = new Obj(file, "", json);
        d.requireKeys(List.of("config", "provenance"), List.of("data"));
        ModelConfig config = config(d.object("config"));
        try {
            SequenceModel.layout(config);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "has a config that describes no valid model: " + e.getMessage());
        }
        DataSchema data = d.map.containsKey("data") ? data(d.object("data")) : null;
        return new ModelFile.Description(config, provenance(d.object("provenance")), data);
    }

    private static DataSchema data(Obj json) throws ModelFileException {
        json.requireKeys("idColumn", "timeColumn", "featureColumns", "labelColumn", "targetColumns", "classNames",
                "mean", "std");
        try {
            return new DataSchema(json.optionalString("idColumn"), json.optionalString("timeColumn"),
                    json.strings("featureColumns"), json.optionalString("labelColumn"), json.strings("targetColumns"),
                    json.strings("classNames"), json.optionalFloats("mean"), json.optionalFloats("std"));
        } catch (IllegalArgumentException e) {
            throw json.invalid("data: " + e.getMessage());
        }
    }

    private static ModelConfig config(Obj json) throws ModelFileException {
        boolean embedded = json.map.containsKey("embedding");
        if (embedded) {
            json.requireKeys("network", "head", "outputSize", "embedding");
        } else {
            json.requireKeys("network", "head", "outputSize");
        }
        RecurrentConfig network = network(json.object("network"));
        String headName = json.string("head");
        Head head;
        try {
            head = Head.valueOf(headName);
        } catch (IllegalArgumentException e) {
            throw json.invalid("config.head is \"" + headName + "\"; expected one of " + Arrays.toString(Head.values()));
        }
        try {
            EmbeddingSpec embedding = null;
            if (embedded) {
                Obj e = json.object("embedding");
                e.requireKeys("numEmbeddings", "embeddingDim");
                embedding = new EmbeddingSpec(e.integer("numEmbeddings"), e.integer("embeddingDim"));
            }
            return new ModelConfig(network, head, json.integer("outputSize"), embedding);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(json.file, "has an invalid config: " + e.getMessage());
        }
    }

    private static RecurrentConfig network(Obj net) throws ModelFileException {
        net.requireKeys("cell", "inputSize", "hiddenSize", "numLayers", "bidirectional", "dropout");
        CellSpec cell = cell(net.object("cell"));
        try {
            return new RecurrentConfig(cell, net.integer("inputSize"), net.integer("hiddenSize"),
                    net.integer("numLayers"), net.bool("bidirectional"), net.float32("dropout"));
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(net.file, "has an invalid config" + (net.path.equals("config.network") ? ""
                    : " at " + net.path) + ": " + e.getMessage());
        }
    }

    // ---- multi-stream models

    /** A multi-stream model file's header: kind, config (streams, merge, outputSize), manifest, provenance, meta. */
    static Map<String, Object> multiStreamToJson(MultiStreamModel.Config config, ParamLayout layout,
                                                 Provenance provenance, Map<String, Object> meta) {
        List<Object> streams = new ArrayList<>();
        for (RecurrentConfig c : config.streams()) {
            streams.add(network(c));
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("streams", streams);
        cfg.put("merge", network(config.merge()));
        cfg.put("outputSize", config.outputSize());
        List<Object> manifest = new ArrayList<>();
        for (ParamView v : layout.views()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", v.name());
            entry.put("offset", v.offset());
            entry.put("shape", Arrays.stream(v.shape()).boxed().toList());
            manifest.add(entry);
        }
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("kind", MultiStreamModelFile.KIND);
        header.put("config", cfg);
        header.put("parameterCount", layout.size());
        header.put("manifest", manifest);
        header.put("provenance", provenance(provenance));
        header.put("meta", meta);
        return header;
    }

    /** What a multi-stream model file's header says. */
    record MultiStreamParsed(MultiStreamModel.Config config, ParamLayout layout, Provenance provenance,
                             Map<String, Object> meta) {
    }

    /** Reads a multi-stream model file's header and checks its manifest against its architecture. */
    static MultiStreamParsed multiStreamFromJson(Path file, Object json) throws ModelFileException {
        Obj header = new Obj(file, "", json);
        header.requireKeys("kind", "config", "parameterCount", "manifest", "provenance", "meta");
        String kind = header.string("kind");
        if (!kind.equals(MultiStreamModelFile.KIND)) {
            throw header.invalid("\"kind\" is \"" + kind + "\"; expected \"" + MultiStreamModelFile.KIND + "\"");
        }
        Obj cfg = header.object("config");
        cfg.requireKeys("streams", "merge", "outputSize");
        List<?> streamsJson = cfg.list("streams");
        List<RecurrentConfig> streams = new ArrayList<>();
        for (int k = 0; k < streamsJson.size(); k++) {
            streams.add(network(new Obj(file, "config.streams[" + k + "]", streamsJson.get(k))));
        }
        MultiStreamModel.Config config;
        ParamLayout layout;
        try {
            config = new MultiStreamModel.Config(streams, network(cfg.object("merge")), cfg.integer("outputSize"));
            layout = MultiStreamModel.layout(config);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "has a config that describes no valid multi-stream model: "
                    + e.getMessage());
        }
        long count = header.int64("parameterCount");
        if (count != layout.size()) {
            throw new ModelFileException(file, "declares " + count + " parameters, but the architecture in its config"
                    + " has " + layout.size());
        }
        checkManifest(file, header.list("manifest"), layout);
        Provenance provenance = provenance(header.object("provenance"));
        return new MultiStreamParsed(config, layout, provenance,
                Collections.unmodifiableMap(header.object("meta").map));
    }

    private static CellSpec cell(Obj json) throws ModelFileException {
        String kind = json.string("kind");
        try {
            switch (kind) {
                case "RNN" -> {
                    json.requireKeys("kind", "nonlinearity");
                    String name = json.string("nonlinearity");
                    try {
                        return new RnnSpec(RnnSpec.Nonlinearity.valueOf(name));
                    } catch (IllegalArgumentException e) {
                        throw json.invalid("config.network.cell.nonlinearity is \"" + name + "\"; expected one of "
                                + Arrays.toString(RnnSpec.Nonlinearity.values()));
                    }
                }
                case "LSTM" -> {
                    json.requireKeys("kind", "peepholes", "cifg", "projSize", "cellClip");
                    return new LstmSpec(json.bool("peepholes"), json.bool("cifg"), json.integer("projSize"),
                            json.float32("cellClip"));
                }
                case "GRU" -> {
                    json.requireKeys("kind", "linearBeforeReset");
                    return new GruSpec(json.bool("linearBeforeReset"));
                }
                case "PhasedGRU" -> {
                    json.requireKeys("kind", "periodMin", "periodMax", "ratioOn", "leak", "learnPeriod", "learnShift",
                            "learnRatioOn");
                    return new PhasedGruSpec(json.float64("periodMin"), json.float64("periodMax"), json.float32("ratioOn"),
                            json.float32("leak"), json.bool("learnPeriod"), json.bool("learnShift"), json.bool("learnRatioOn"));
                }
                case "BNLSTM" -> {
                    json.requireKeys(List.of("kind", "maxSteps", "gammaInit", "momentum", "epsilon"), List.of("minRunning"));
                    // files written before minRunning existed normalised every step with the batch's statistics
                    int minRunning = json.has("minRunning") ? json.integer("minRunning") : 1;
                    return new BnLstmSpec(json.integer("maxSteps"), json.float32("gammaInit"), json.float32("momentum"),
                            json.float32("epsilon"), minRunning);
                }
                case "PhasedLSTM" -> {
                    json.requireKeys("kind", "peepholes", "periodMin", "periodMax", "ratioOn", "leak", "learnPeriod",
                            "learnShift", "learnRatioOn");
                    return new PhasedLstmSpec(json.bool("peepholes"), json.float64("periodMin"),
                            json.float64("periodMax"), json.float32("ratioOn"), json.float32("leak"),
                            json.bool("learnPeriod"), json.bool("learnShift"), json.bool("learnRatioOn"));
                }
                default -> throw new ModelFileException(json.file, "has an unknown cell kind \"" + kind
                        + "\" in config.network.cell.kind; this library knows RNN, LSTM, GRU, BNLSTM, PhasedLSTM and PhasedGRU");
            }
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(json.file, "has an invalid config: " + e.getMessage());
        }
    }

    /** The manifest must list exactly the layout's views, with their offsets and shapes. */
    private static void checkManifest(Path file, List<?> manifest, ParamLayout layout) throws ModelFileException {
        List<String> problems = new ArrayList<>();
        Set<String> listed = new LinkedHashSet<>();
        for (int i = 0; i < manifest.size(); i++) {
            Obj entry = new Obj(file, "manifest[" + i + "]", manifest.get(i));
            entry.requireKeys("name", "offset", "shape");
            String name = entry.string("name");
            long offset = entry.int64("offset");
            List<?> shapeJson = entry.list("shape");
            long[] shape = new long[shapeJson.size()];
            for (int d = 0; d < shape.length; d++) {
                if (!(shapeJson.get(d) instanceof Long dim)) {
                    throw entry.invalid("manifest[" + i + "].shape must hold integers, found "
                            + Obj.show(shapeJson.get(d)));
                }
                shape[d] = dim;
            }
            if (!listed.add(name)) {
                problems.add("the manifest lists \"" + name + "\" twice");
            } else if (!layout.has(name)) {
                problems.add("the manifest lists \"" + name + "\", which the architecture does not have");
            } else {
                ParamView v = layout.view(name);
                if (offset != v.offset() || !Arrays.equals(shape, Arrays.stream(v.shape()).asLongStream().toArray())) {
                    problems.add("\"" + name + "\" is " + Arrays.toString(shape) + " at offset " + offset
                            + " in the manifest but " + Arrays.toString(v.shape()) + " at offset " + v.offset()
                            + " in the architecture");
                }
            }
        }
        for (ParamView v : layout.views()) {
            if (!listed.contains(v.name())) {
                problems.add("the architecture has \"" + v.name() + "\" " + Arrays.toString(v.shape())
                        + ", which the manifest does not list");
            }
        }
        if (!problems.isEmpty()) {
            String listedProblems = String.join("; ", problems.subList(0, Math.min(MAX_LISTED, problems.size())));
            int more = problems.size() - MAX_LISTED;
            throw new ModelFileException(file, "does not match the architecture in its config: " + listedProblems
                    + (more > 0 ? "; and " + more + " more differences" : ""));
        }
    }

    private static List<ArraySpec> arrays(Obj header) throws ModelFileException {
        List<?> json = header.list("arrays");
        List<ArraySpec> arrays = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < json.size(); i++) {
            Obj entry = new Obj(header.file, "arrays[" + i + "]", json.get(i));
            entry.requireKeys("name", "length");
            String name = entry.string("name");
            if (name.isEmpty() || !names.add(name)) {
                throw entry.invalid("arrays[" + i + "].name is " + (name.isEmpty() ? "empty" : "\"" + name
                        + "\", which an earlier array already has"));
            }
            arrays.add(new ArraySpec(name, entry.integer("length")));
        }
        return List.copyOf(arrays);
    }

    private static Provenance provenance(Obj json) throws ModelFileException {
        json.requireKeys("libraryVersion", "jdk", "os", "arch", "seed", "data", "createdAt", "extra");
        Obj extraJson = json.object("extra");
        Map<String, String> extra = new LinkedHashMap<>();
        for (String key : extraJson.map.keySet()) {
            extra.put(key, extraJson.string(key));
        }
        try {
            return new Provenance(json.string("libraryVersion"), json.string("jdk"), json.string("os"),
                    json.string("arch"), json.int64("seed"), json.string("data"), json.string("createdAt"), extra);
        } catch (IllegalArgumentException e) {
            throw json.invalid("provenance: " + e.getMessage());
        }
    }

    /** One JSON object of the header, known by its path ("config.network") for messages. */
    private static final class Obj {
        final Path file;
        final String path;
        final Map<String, Object> map;

        @SuppressWarnings("unchecked")
        Obj(Path file, String path, Object json) throws ModelFileException {
            this.file = file;
            this.path = path;
            if (!(json instanceof Map<?, ?>)) {
                throw invalid((path.isEmpty() ? "the header" : path) + " must be a JSON object, found " + show(json));
            }
            this.map = (Map<String, Object>) json;
        }

        /** Exactly these keys: each must be there, and no other. */
        void requireKeys(String... keys) throws ModelFileException {
            requireKeys(List.of(keys), List.of());
        }

        /** All of {@code required}, any of {@code optional}, nothing else. */
        void requireKeys(List<String> required, List<String> optional) throws ModelFileException {
            List<String> expected = new ArrayList<>(required);
            expected.addAll(optional);
            for (String key : required) {
                if (!map.containsKey(key)) {
                    throw invalid((path.isEmpty() ? "it" : path) + " has no \"" + key + "\"");
                }
            }
            for (String key : map.keySet()) {
                if (!expected.contains(key)) {
                    throw invalid((path.isEmpty() ? "it" : path) + " has the key \"" + key
                            + "\", which format version 1 does not have there (expected " + expected + ")");
                }
            }
        }

        Obj object(String key) throws ModelFileException {
            return new Obj(file, name(key), get(key));
        }

        List<?> list(String key) throws ModelFileException {
            return get(key) instanceof List<?> list ? list : throw0(key, "an array");
        }

        String optionalString(String key) throws ModelFileException {
            return get(key) == null ? null : string(key);
        }

        List<String> strings(String key) throws ModelFileException {
            List<String> strings = new ArrayList<>();
            for (Object o : list(key)) {
                if (!(o instanceof String s)) {
                    throw invalid(name(key) + " must hold strings, found " + show(o));
                }
                strings.add(s);
            }
            return strings;
        }

        float[] optionalFloats(String key) throws ModelFileException {
            if (get(key) == null) {
                return null;
            }
            List<?> list = list(key);
            float[] values = new float[list.size()];
            for (int i = 0; i < values.length; i++) {
                if (!(list.get(i) instanceof Number n)) {
                    throw invalid(name(key) + " must hold numbers, found " + show(list.get(i)));
                }
                values[i] = Json.toFloat(n);
            }
            return values;
        }

        String string(String key) throws ModelFileException {
            return get(key) instanceof String s ? s : throw0(key, "a string");
        }

        boolean bool(String key) throws ModelFileException {
            return get(key) instanceof Boolean b ? b : throw0(key, "true or false");
        }

        long int64(String key) throws ModelFileException {
            return get(key) instanceof Long n ? n : throw0(key, "an integer");
        }

        boolean has(String key) {
            return map.containsKey(key);
        }

        int integer(String key) throws ModelFileException {
            long n = int64(key);
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw invalid(name(key) + " must be an integer from 0 to " + Integer.MAX_VALUE + ", found " + n);
            }
            return (int) n;
        }

        double float64(String key) throws ModelFileException {
            return get(key) instanceof Number n ? n.doubleValue() : throw0(key, "a number");
        }

        float float32(String key) throws ModelFileException {
            return get(key) instanceof Number n ? Json.toFloat(n) : throw0(key, "a number");
        }

        private Object get(String key) throws ModelFileException {
            if (!map.containsKey(key)) {
                throw invalid((path.isEmpty() ? "it" : path) + " has no \"" + key + "\"");
            }
            return map.get(key);
        }

        private <T> T throw0(String key, String expected) throws ModelFileException {
            throw invalid(name(key) + " must be " + expected + ", found " + show(map.get(key)));
        }

        private String name(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        ModelFileException invalid(String what) {
            return new ModelFileException(file, "has an invalid header: " + what);
        }

        static String show(Object json) {
            String s = Json.write(json);
            return s.length() <= 40 ? s : s.substring(0, 37) + "...";
        }
    }
}
