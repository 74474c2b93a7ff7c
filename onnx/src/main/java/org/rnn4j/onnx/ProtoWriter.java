package org.rnn4j.onnx;

import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Encodes {@link Ir} values as ONNX protobuf messages with protobuf-java's {@link CodedOutputStream} and the field
 * numbers of {@link Fields}. Tensors are written as raw little-endian data; repeated integers unpacked, as ONNX's
 * proto2 definition declares them. Fields are written in field-number order, empty strings left out, so the same
 * model always gives the same bytes.
 */
final class ProtoWriter {

    private ProtoWriter() {
    }

    @FunctionalInterface
    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Body body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            body.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a ByteArrayOutputStream does not fail
        }
    }

    private static void string(CodedOutputStream out, int field, String s) throws IOException {
        if (s != null && !s.isEmpty()) {
            out.writeString(field, s);
        }
    }

    static byte[] model(Ir.Model m) {
        return message(out -> {
            out.writeInt64(Fields.Model.IR_VERSION, m.irVersion());
            string(out, Fields.Model.PRODUCER_NAME, m.producerName());
            string(out, Fields.Model.PRODUCER_VERSION, m.producerVersion());
            string(out, Fields.Model.DOMAIN, m.domain());
            out.writeInt64(Fields.Model.MODEL_VERSION, m.modelVersion());
            string(out, Fields.Model.DOC_STRING, m.docString());
            out.writeByteArray(Fields.Model.GRAPH, graph(m.graph()));
            for (Map.Entry<String, Long> e : m.opsets().entrySet()) {
                out.writeByteArray(Fields.Model.OPSET_IMPORT, message(o -> {
                    string(o, Fields.OpsetId.DOMAIN, e.getKey());
                    o.writeInt64(Fields.OpsetId.VERSION, e.getValue());
                }));
            }
            for (Map.Entry<String, String> e : m.metadata().entrySet()) {
                out.writeByteArray(Fields.Model.METADATA_PROPS, message(o -> {
                    string(o, Fields.Entry.KEY, e.getKey());
                    string(o, Fields.Entry.VALUE, e.getValue());
                }));
            }
        });
    }

    static byte[] graph(Ir.Graph g) {
        return message(out -> {
            for (Ir.Node n : g.nodes()) {
                out.writeByteArray(Fields.Graph.NODE, node(n));
            }
            string(out, Fields.Graph.NAME, g.name());
            for (Ir.TensorValue t : g.initializers()) {
                out.writeByteArray(Fields.Graph.INITIALIZER, tensor(t));
            }
            string(out, Fields.Graph.DOC_STRING, g.docString());
            for (Ir.ValueInfo v : g.inputs()) {
                out.writeByteArray(Fields.Graph.INPUT, valueInfo(v));
            }
            for (Ir.ValueInfo v : g.outputs()) {
                out.writeByteArray(Fields.Graph.OUTPUT, valueInfo(v));
            }
            for (Ir.ValueInfo v : g.valueInfo()) {
                out.writeByteArray(Fields.Graph.VALUE_INFO, valueInfo(v));
            }
        });
    }

    static byte[] node(Ir.Node n) {
        return message(out -> {
            for (String s : n.inputs()) {
                out.writeString(Fields.Node.INPUT, s);   // "" too: it marks an omitted optional input
            }
            for (String s : n.outputs()) {
                out.writeString(Fields.Node.OUTPUT, s);
            }
            string(out, Fields.Node.NAME, n.name());
            string(out, Fields.Node.OP_TYPE, n.opType());
            for (Ir.Attr a : n.attributes()) {
                out.writeByteArray(Fields.Node.ATTRIBUTE, attribute(a));
            }
            string(out, Fields.Node.DOC_STRING, n.docString());
            string(out, Fields.Node.DOMAIN, n.domain());
        });
    }

    private static byte[] attribute(Ir.Attr a) {
        return message(out -> {
            string(out, Fields.Attribute.NAME, a.name());
            switch (a.type()) {
                case Fields.Attribute.TYPE_FLOAT -> out.writeFloat(Fields.Attribute.F, a.f());
                case Fields.Attribute.TYPE_INT -> out.writeInt64(Fields.Attribute.I, a.i());
                case Fields.Attribute.TYPE_STRING -> out.writeString(Fields.Attribute.S, a.s());
                case Fields.Attribute.TYPE_TENSOR -> out.writeByteArray(Fields.Attribute.T, tensor(a.t()));
                case Fields.Attribute.TYPE_GRAPH -> out.writeByteArray(Fields.Attribute.G, graph(a.g()));
                case Fields.Attribute.TYPE_FLOATS -> {
                    for (float f : a.floats()) {
                        out.writeFloat(Fields.Attribute.FLOATS, f);
                    }
                }
                case Fields.Attribute.TYPE_INTS -> {
                    for (long i : a.ints()) {
                        out.writeInt64(Fields.Attribute.INTS, i);
                    }
                }
                case Fields.Attribute.TYPE_STRINGS -> {
                    for (String s : a.strings()) {
                        out.writeString(Fields.Attribute.STRINGS, s);
                    }
                }
                default -> throw new IllegalArgumentException("attribute " + a.name() + ": type " + a.type()
                        + " is not written by rnn4j");
            }
            out.writeEnum(Fields.Attribute.TYPE, a.type());
        });
    }

    static byte[] tensor(Ir.TensorValue t) {
        return message(out -> {
            for (long d : t.dims()) {
                out.writeInt64(Fields.Tensor.DIMS, d);
            }
            out.writeInt32(Fields.Tensor.DATA_TYPE, t.dataType());
            string(out, Fields.Tensor.NAME, t.name());
            out.writeByteArray(Fields.Tensor.RAW_DATA, t.raw());
            string(out, Fields.Tensor.DOC_STRING, t.docString());
        });
    }

    private static byte[] valueInfo(Ir.ValueInfo v) {
        return message(out -> {
            string(out, Fields.ValueInfo.NAME, v.name());
            byte[] tensorType = message(tt -> {
                tt.writeInt32(Fields.ValueInfo.TENSOR_ELEM_TYPE, v.elemType());
                if (v.dims() != null) {
                    tt.writeByteArray(Fields.ValueInfo.TENSOR_SHAPE, message(shape -> {
                        for (Object d : v.dims()) {
                            shape.writeByteArray(Fields.ValueInfo.SHAPE_DIM, message(dim -> {
                                if (d instanceof Long size) {
                                    dim.writeInt64(Fields.ValueInfo.DIM_VALUE, size);
                                } else {
                                    dim.writeString(Fields.ValueInfo.DIM_PARAM, (String) d);
                                }
                            }));
                        }
                    }));
                }
            });
            out.writeByteArray(Fields.ValueInfo.TYPE, message(type -> type.writeByteArray(Fields.ValueInfo.TYPE_TENSOR,
                    tensorType)));
            string(out, Fields.ValueInfo.DOC_STRING, v.docString());
        });
    }
}
