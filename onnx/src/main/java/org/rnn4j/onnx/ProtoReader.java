package org.rnn4j.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an ONNX ModelProto into {@link Ir} values with protobuf-java's {@link CodedInputStream}. Unknown fields
 * are skipped, as protobuf requires; repeated numbers are accepted packed or not; tensor values from raw_data or
 * from the typed fields end up as little-endian bytes. What rnn4j cannot use at all (external data, sparse
 * initializers, model-local functions) is refused here with the place it was found.
 */
final class ProtoReader {

    private final String source;

    private ProtoReader(String source) {
        this.source = source;
    }

    /**
     * @param source how messages name the input, e.g. the file's path
     */
    static Ir.Model model(byte[] bytes, String source) throws OnnxFormatException {
        ProtoReader r = new ProtoReader(source);
        try {
            return r.model(CodedInputStream.newInstance(bytes));
        } catch (IOException | RuntimeException e) {
            if (e instanceof OnnxFormatException f) {
                throw f;
            }
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            int stop = why.indexOf(". ");
            why = (stop > 0 ? why.substring(0, stop) : why).replaceAll("\\.$", "");
            throw new OnnxFormatException(source + " is not a readable ONNX model (a protobuf ModelProto): "
                    + Character.toLowerCase(why.charAt(0)) + why.substring(1)
                    + (why.contains("ended unexpectedly") ? " (is the file truncated?)" : ""), e);
        }
    }

    private OnnxFormatException refuse(String what) {
        return new OnnxFormatException(source + ": " + what);
    }

    private static CodedInputStream sub(CodedInputStream in) throws IOException {
        return CodedInputStream.newInstance(in.readByteArray());
    }

    private Ir.Model model(CodedInputStream in) throws IOException {
        long ir = 0;
        long version = 0;
        String producer = "";
        String producerVersion = "";
        String domain = "";
        String doc = "";
        Ir.Graph graph = null;
        Map<String, Long> opsets = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        boolean any = false;
        for (int tag; (tag = in.readTag()) != 0; ) {
            any = true;
            switch (WireFormat.getTagFieldNumber(tag)) {
                case Fields.Model.IR_VERSION -> ir = in.readInt64();
                case Fields.Model.PRODUCER_NAME -> producer = in.readString();
                case Fields.Model.PRODUCER_VERSION -> producerVersion = in.readString();
                case Fields.Model.DOMAIN -> domain = in.readString();
                case Fields.Model.MODEL_VERSION -> version = in.readInt64();
                case Fields.Model.DOC_STRING -> doc = in.readString();
                case Fields.Model.GRAPH -> graph = graph(sub(in), "graph");
                case Fields.Model.OPSET_IMPORT -> {
                    CodedInputStream o = sub(in);
                    String d = "";
                    long v = 0;
                    for (int t; (t = o.readTag()) != 0; ) {
                        switch (WireFormat.getTagFieldNumber(t)) {
                            case Fields.OpsetId.DOMAIN -> d = o.readString();
                            case Fields.OpsetId.VERSION -> v = o.readInt64();
                            default -> o.skipField(t);
                        }
                    }
                    opsets.put(d.equals("ai.onnx") ? "" : d, v);
                }
                case Fields.Model.METADATA_PROPS -> {
                    CodedInputStream o = sub(in);
                    String k = "";
                    String v = "";
                    for (int t; (t = o.readTag()) != 0; ) {
                        switch (WireFormat.getTagFieldNumber(t)) {
                            case Fields.Entry.KEY -> k = o.readString();
                            case Fields.Entry.VALUE -> v = o.readString();
                            default -> o.skipField(t);
                        }
                    }
                    meta.put(k, v);
                }
                case Fields.Model.FUNCTIONS -> throw refuse("the model defines its own functions (ModelProto.functions),"
                        + " which rnn4j does not read; export it with standard operators only");
                default -> in.skipField(tag);
            }
        }
        if (!any || graph == null) {
            throw refuse("not an ONNX model: it has no graph" + (any ? "" : " (the file is empty)"));
        }
        return new Ir.Model(ir, producer, producerVersion, domain, version, doc, graph, opsets, meta);
    }

    private Ir.Graph graph(CodedInputStream in, String where) throws IOException {
        String name = "";
        String doc = "";
        List<Ir.Node> nodes = new ArrayList<>();
        List<Ir.TensorValue> inits = new ArrayList<>();
        List<Ir.ValueInfo> inputs = new ArrayList<>();
        List<Ir.ValueInfo> outputs = new ArrayList<>();
        List<Ir.ValueInfo> infos = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case Fields.Graph.NODE -> nodes.add(node(sub(in), where + ".node[" + nodes.size() + "]"));
                case Fields.Graph.NAME -> name = in.readString();
                case Fields.Graph.INITIALIZER -> inits.add(tensor(sub(in), where + ".initializer[" + inits.size() + "]"));
                case Fields.Graph.DOC_STRING -> doc = in.readString();
                case Fields.Graph.INPUT -> inputs.add(valueInfo(sub(in)));
                case Fields.Graph.OUTPUT -> outputs.add(valueInfo(sub(in)));
                case Fields.Graph.VALUE_INFO -> infos.add(valueInfo(sub(in)));
                case Fields.Graph.SPARSE_INITIALIZER -> throw refuse(where + " has a sparse initializer, which rnn4j"
                        + " does not read");
                default -> in.skipField(tag);
            }
        }
        return new Ir.Graph(name, nodes, inits, inputs, outputs, infos, doc);
    }

    private Ir.Node node(CodedInputStream in, String where) throws IOException {
        String name = "";
        String op = "";
        String domain = "";
        String doc = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<Ir.Attr> attrs = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case Fields.Node.INPUT -> inputs.add(in.readString());
                case Fields.Node.OUTPUT -> outputs.add(in.readString());
                case Fields.Node.NAME -> name = in.readString();
                case Fields.Node.OP_TYPE -> op = in.readString();
                case Fields.Node.ATTRIBUTE -> attrs.add(attribute(sub(in), where + ".attribute[" + attrs.size() + "]"));
                case Fields.Node.DOC_STRING -> doc = in.readString();
                case Fields.Node.DOMAIN -> domain = in.readString();
                default -> in.skipField(tag);
            }
        }
        return new Ir.Node(name, op, domain.equals("ai.onnx") ? "" : domain, inputs, outputs, attrs, doc);
    }

    private Ir.Attr attribute(CodedInputStream in, String where) throws IOException {
        String name = "";
        int type = 0;
        float f = 0f;
        long i = 0;
        String s = null;
        Ir.TensorValue t = null;
        Ir.Graph g = null;
        List<Float> floats = new ArrayList<>();
        List<Long> ints = new ArrayList<>();
        List<String> strings = new ArrayList<>();
        List<Ir.Graph> graphs = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            int wire = WireFormat.getTagWireType(tag);
            switch (WireFormat.getTagFieldNumber(tag)) {
                case Fields.Attribute.NAME -> name = in.readString();
                case Fields.Attribute.TYPE -> type = in.readEnum();
                case Fields.Attribute.F -> f = in.readFloat();
                case Fields.Attribute.I -> i = in.readInt64();
                case Fields.Attribute.S -> s = in.readBytes().toStringUtf8();
                case Fields.Attribute.T -> t = tensor(sub(in), where + ".t");
                case Fields.Attribute.G -> g = graph(sub(in), where + ".g");
                case Fields.Attribute.FLOATS -> {
                    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (!in.isAtEnd()) {
                            floats.add(in.readFloat());
                        }
                        in.popLimit(limit);
                    } else {
                        floats.add(in.readFloat());
                    }
                }
                case Fields.Attribute.INTS -> {
                    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (!in.isAtEnd()) {
                            ints.add(in.readInt64());
                        }
                        in.popLimit(limit);
                    } else {
                        ints.add(in.readInt64());
                    }
                }
                case Fields.Attribute.STRINGS -> strings.add(in.readBytes().toStringUtf8());
                case Fields.Attribute.GRAPHS -> graphs.add(graph(sub(in), where + ".graphs[" + graphs.size() + "]"));
                case Fields.Attribute.REF_ATTR_NAME -> throw refuse(where + " (" + name + ") refers to a function"
                        + " attribute, which rnn4j does not read");
                default -> in.skipField(tag);
            }
        }
        if (type == 0) {   // IR version 1 files may leave the type out: infer it from the field that is set
            type = s != null ? Fields.Attribute.TYPE_STRING : t != null ? Fields.Attribute.TYPE_TENSOR
                    : g != null ? Fields.Attribute.TYPE_GRAPH : !ints.isEmpty() ? Fields.Attribute.TYPE_INTS
                    : !floats.isEmpty() ? Fields.Attribute.TYPE_FLOATS : !strings.isEmpty()
                    ? Fields.Attribute.TYPE_STRINGS : f != 0f ? Fields.Attribute.TYPE_FLOAT : Fields.Attribute.TYPE_INT;
        }
        float[] fs = new float[floats.size()];
        for (int k = 0; k < fs.length; k++) {
            fs[k] = floats.get(k);
        }
        long[] is = ints.stream().mapToLong(Long::longValue).toArray();
        return new Ir.Attr(name, type, f, i, s, t, g, fs, is, strings, graphs);
    }

    private Ir.TensorValue tensor(CodedInputStream in, String where) throws IOException {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        String doc = "";
        byte[] raw = null;
        ByteBuffer typed = null;   // values of the typed fields, as little-endian bytes
        for (int tag; (tag = in.readTag()) != 0; ) {
            int wire = WireFormat.getTagWireType(tag);
            int field = WireFormat.getTagFieldNumber(tag);
            switch (field) {
                case Fields.Tensor.DIMS -> {
                    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (!in.isAtEnd()) {
                            dims.add(in.readInt64());
                        }
                        in.popLimit(limit);
                    } else {
                        dims.add(in.readInt64());
                    }
                }
                case Fields.Tensor.DATA_TYPE -> type = in.readInt32();
                case Fields.Tensor.NAME -> name = in.readString();
                case Fields.Tensor.DOC_STRING -> doc = in.readString();
                case Fields.Tensor.RAW_DATA -> raw = in.readByteArray();
                case Fields.Tensor.FLOAT_DATA, Fields.Tensor.INT32_DATA, Fields.Tensor.INT64_DATA,
                     Fields.Tensor.DOUBLE_DATA -> {
                    if (typed == null) {
                        typed = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
                    }
                    boolean packed = wire == WireFormat.WIRETYPE_LENGTH_DELIMITED;
                    int limit = packed ? in.pushLimit(in.readRawVarint32()) : -1;
                    do {
                        typed = switch (field) {
                            case Fields.Tensor.FLOAT_DATA -> Growing.put(typed, in.readFloat());
                            case Fields.Tensor.INT32_DATA -> Growing.putInt32(typed, in.readInt32(), type);
                            case Fields.Tensor.INT64_DATA -> Growing.put(typed, in.readInt64());
                            default -> Growing.put(typed, in.readDouble());
                        };
                    } while (packed && !in.isAtEnd());
                    if (packed) {
                        in.popLimit(limit);
                    }
                }
                case Fields.Tensor.EXTERNAL_DATA, Fields.Tensor.DATA_LOCATION -> throw refuse(where + " ('" + name
                        + "') keeps its values in an external file, which rnn4j does not read; save the model with"
                        + " its weights inside");
                default -> in.skipField(tag);
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        byte[] values = raw != null ? raw : typed != null ? Growing.bytes(typed) : new byte[0];
        Ir.TensorValue t = new Ir.TensorValue(name, type, shape, values, doc);
        int size = Fields.Tensor.elementSize(type);
        if (size != 0 && (long) values.length != t.count() * size) {
            throw refuse(where + " ('" + name + "'): a " + Fields.Tensor.typeName(type) + " tensor of shape "
                    + java.util.Arrays.toString(shape) + " holds " + values.length + " bytes of values, expected "
                    + t.count() * size);
        }
        return t;
    }

    private Ir.ValueInfo valueInfo(CodedInputStream in) throws IOException {
        String name = "";
        String doc = "";
        int elem = 0;
        List<Object> dims = null;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case Fields.ValueInfo.NAME -> name = in.readString();
                case Fields.ValueInfo.DOC_STRING -> doc = in.readString();
                case Fields.ValueInfo.TYPE -> {
                    CodedInputStream type = sub(in);
                    for (int t; (t = type.readTag()) != 0; ) {
                        if (WireFormat.getTagFieldNumber(t) != Fields.ValueInfo.TYPE_TENSOR) {
                            type.skipField(t);
                            continue;
                        }
                        CodedInputStream tensor = sub(type);
                        for (int u; (u = tensor.readTag()) != 0; ) {
                            switch (WireFormat.getTagFieldNumber(u)) {
                                case Fields.ValueInfo.TENSOR_ELEM_TYPE -> elem = tensor.readInt32();
                                case Fields.ValueInfo.TENSOR_SHAPE -> dims = shape(sub(tensor));
                                default -> tensor.skipField(u);
                            }
                        }
                    }
                }
                default -> in.skipField(tag);
            }
        }
        return new Ir.ValueInfo(name, elem, dims, doc);
    }

    private static List<Object> shape(CodedInputStream in) throws IOException {
        List<Object> dims = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (WireFormat.getTagFieldNumber(tag) != Fields.ValueInfo.SHAPE_DIM) {
                in.skipField(tag);
                continue;
            }
            CodedInputStream dim = sub(in);
            Object d = "?";
            for (int t; (t = dim.readTag()) != 0; ) {
                switch (WireFormat.getTagFieldNumber(t)) {
                    case Fields.ValueInfo.DIM_VALUE -> d = dim.readInt64();
                    case Fields.ValueInfo.DIM_PARAM -> d = dim.readString();
                    default -> dim.skipField(t);
                }
            }
            dims.add(d);
        }
        return dims;
    }

    /** A little-endian byte buffer that grows as typed tensor values are appended. */
    private static final class Growing {
        private Growing() {
        }

        static ByteBuffer room(ByteBuffer b, int bytes) {
            if (b.remaining() >= bytes) {
                return b;
            }
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(64, 2 * b.capacity() + bytes)).order(ByteOrder.LITTLE_ENDIAN);
            b.flip();
            bigger.put(b);
            return bigger;
        }

        static ByteBuffer put(ByteBuffer b, float v) {
            return room(b, 4).putFloat(v);
        }

        static ByteBuffer put(ByteBuffer b, long v) {
            return room(b, 8).putLong(v);
        }

        static ByteBuffer put(ByteBuffer b, double v) {
            return room(b, 8).putDouble(v);
        }

        /** int32_data holds int32 values, and also the narrow integer types and bool, one value per element. */
        static ByteBuffer putInt32(ByteBuffer b, int v, int dataType) {
            if (Fields.Tensor.elementSize(dataType) == 1) {
                return room(b, 1).put((byte) v);
            }
            return room(b, 4).putInt(v);
        }

        static byte[] bytes(ByteBuffer b) {
            byte[] out = new byte[b.position()];
            b.flip();
            b.get(out);
            return out;
        }
    }
}
