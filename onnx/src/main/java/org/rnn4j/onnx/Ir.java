package org.rnn4j.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * The subset of the ONNX intermediate representation that rnn4j writes and reads, as immutable values: what
 * {@link ProtoWriter} encodes and {@link ProtoReader} decodes. Field meanings follow the ONNX specification; the
 * numbers are in {@link Fields}.
 */
final class Ir {

    private Ir() {
    }

    /**
     * ModelProto.
     *
     * @param opsets   operator set versions by domain ("" is the default domain, ai.onnx)
     * @param metadata metadata_props, in file order
     */
    record Model(long irVersion, String producerName, String producerVersion, String domain, long modelVersion,
                 String docString, Graph graph, Map<String, Long> opsets, Map<String, String> metadata) {
    }

    /** GraphProto; a Scan or Loop body is a graph too. */
    record Graph(String name, List<Node> nodes, List<TensorValue> initializers, List<ValueInfo> inputs,
                 List<ValueInfo> outputs, List<ValueInfo> valueInfo, String docString) {
    }

    /** NodeProto; an empty input name is an omitted optional input. */
    record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                List<Attr> attributes, String docString) {

        Attr attr(String attrName) {
            for (Attr a : attributes) {
                if (a.name().equals(attrName)) {
                    return a;
                }
            }
            return null;
        }

        /** Input k, or "" when the node has fewer inputs (an omitted optional input). */
        String input(int k) {
            return k < inputs.size() ? inputs.get(k) : "";
        }

        /** Output k, or "" when the node has fewer outputs. */
        String output(int k) {
            return k < outputs.size() ? outputs.get(k) : "";
        }

        /** "node 'name' (OpType)", how an error message names the node. */
        String describe() {
            return "node '" + (name.isEmpty() ? "(unnamed, output " + output(0) + ")" : name) + "' (" + opType + ")";
        }
    }

    /** AttributeProto: one of the value fields is set, according to {@code type} ({@link Fields.Attribute}). */
    record Attr(String name, int type, float f, long i, String s, TensorValue t, Graph g, float[] floats, long[] ints,
                List<String> strings, List<Graph> graphs) {

        static Attr of(String name, long value) {
            return new Attr(name, Fields.Attribute.TYPE_INT, 0f, value, null, null, null, null, null, null, null);
        }

        static Attr of(String name, float value) {
            return new Attr(name, Fields.Attribute.TYPE_FLOAT, value, 0, null, null, null, null, null, null, null);
        }

        static Attr of(String name, String value) {
            return new Attr(name, Fields.Attribute.TYPE_STRING, 0f, 0, value, null, null, null, null, null, null);
        }

        static Attr of(String name, TensorValue value) {
            return new Attr(name, Fields.Attribute.TYPE_TENSOR, 0f, 0, null, value, null, null, null, null, null);
        }

        static Attr of(String name, Graph value) {
            return new Attr(name, Fields.Attribute.TYPE_GRAPH, 0f, 0, null, null, value, null, null, null, null);
        }

        static Attr ints(String name, long... values) {
            return new Attr(name, Fields.Attribute.TYPE_INTS, 0f, 0, null, null, null, null, values, null, null);
        }

        static Attr strings(String name, String... values) {
            return new Attr(name, Fields.Attribute.TYPE_STRINGS, 0f, 0, null, null, null, null, null, List.of(values),
                    null);
        }

        /** The value as a short text for error messages. */
        String show() {
            return switch (type) {
                case Fields.Attribute.TYPE_FLOAT -> Float.toString(f);
                case Fields.Attribute.TYPE_INT -> Long.toString(i);
                case Fields.Attribute.TYPE_STRING -> "'" + s + "'";
                case Fields.Attribute.TYPE_INTS -> java.util.Arrays.toString(ints);
                case Fields.Attribute.TYPE_FLOATS -> java.util.Arrays.toString(floats);
                case Fields.Attribute.TYPE_STRINGS -> strings.toString();
                case Fields.Attribute.TYPE_TENSOR -> "a tensor";
                case Fields.Attribute.TYPE_GRAPH -> "a graph";
                default -> "a value of attribute type " + type;
            };
        }
    }

    /**
     * TensorProto, its values kept as little-endian bytes whatever field of the file held them.
     *
     * @param dims the shape; empty for a scalar
     */
    record TensorValue(String name, int dataType, long[] dims, byte[] raw, String docString) {

        static TensorValue floats(String name, float[] values, long... dims) {
            ByteBuffer b = buffer(values.length * 4);
            for (float v : values) {
                b.putFloat(v);
            }
            return new TensorValue(name, Fields.Tensor.FLOAT, dims, b.array(), "");
        }

        static TensorValue longs(String name, long[] values, long... dims) {
            ByteBuffer b = buffer(values.length * 8);
            for (long v : values) {
                b.putLong(v);
            }
            return new TensorValue(name, Fields.Tensor.INT64, dims, b.array(), "");
        }

        static TensorValue doubles(String name, double[] values, long... dims) {
            ByteBuffer b = buffer(values.length * 8);
            for (double v : values) {
                b.putDouble(v);
            }
            return new TensorValue(name, Fields.Tensor.DOUBLE, dims, b.array(), "");
        }

        TensorValue withDoc(String doc) {
            return new TensorValue(name, dataType, dims, raw, doc);
        }

        /** Number of elements. */
        long count() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        float[] floatData() {
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[raw.length / 4];
            b.asFloatBuffer().get(v);
            return v;
        }

        double[] doubleData() {
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            double[] v = new double[raw.length / 8];
            b.asDoubleBuffer().get(v);
            return v;
        }

        /** Integer values of an int64, int32, int8, uint8 or bool tensor. */
        long[] longData() {
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            int size = Fields.Tensor.elementSize(dataType);
            long[] v = new long[size == 0 ? 0 : raw.length / size];
            for (int k = 0; k < v.length; k++) {
                v[k] = switch (dataType) {
                    case Fields.Tensor.INT64 -> b.getLong();
                    case Fields.Tensor.INT32 -> b.getInt();
                    case Fields.Tensor.INT8 -> b.get();
                    case Fields.Tensor.UINT8, Fields.Tensor.BOOL -> b.get() & 0xff;
                    default -> throw new IllegalStateException("not an integer tensor: " + dataType);
                };
            }
            return v;
        }

        private static ByteBuffer buffer(int bytes) {
            return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /**
     * ValueInfoProto of a tensor.
     *
     * @param elemType the element type ({@link Fields.Tensor}), 0 when the file gives none
     * @param dims     each dimension a {@link Long} size or a {@link String} name; null when the shape is unknown
     */
    record ValueInfo(String name, int elemType, List<Object> dims, String docString) {
    }
}
