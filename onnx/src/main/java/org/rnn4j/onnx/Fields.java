package org.rnn4j.onnx;

/**
 * The protobuf field numbers and enumeration values of the ONNX messages this module reads and writes, taken from
 * the ONNX specification (IR version 10). Only the fields rnn4j uses are listed; a reader skips the others.
 */
final class Fields {

    private Fields() {
    }

    /** ModelProto. */
    static final class Model {
        static final int IR_VERSION = 1;            // int64
        static final int PRODUCER_NAME = 2;         // string
        static final int PRODUCER_VERSION = 3;      // string
        static final int DOMAIN = 4;                // string
        static final int MODEL_VERSION = 5;         // int64
        static final int DOC_STRING = 6;            // string
        static final int GRAPH = 7;                 // GraphProto
        static final int OPSET_IMPORT = 8;          // repeated OperatorSetIdProto
        static final int METADATA_PROPS = 14;       // repeated StringStringEntryProto
        static final int FUNCTIONS = 25;            // repeated FunctionProto (refused)

        private Model() {
        }
    }

    /** OperatorSetIdProto. */
    static final class OpsetId {
        static final int DOMAIN = 1;                // string
        static final int VERSION = 2;               // int64

        private OpsetId() {
        }
    }

    /** StringStringEntryProto. */
    static final class Entry {
        static final int KEY = 1;
        static final int VALUE = 2;

        private Entry() {
        }
    }

    /** GraphProto. */
    static final class Graph {
        static final int NODE = 1;                  // repeated NodeProto
        static final int NAME = 2;                  // string
        static final int INITIALIZER = 5;           // repeated TensorProto
        static final int DOC_STRING = 10;           // string
        static final int INPUT = 11;                // repeated ValueInfoProto
        static final int OUTPUT = 12;               // repeated ValueInfoProto
        static final int VALUE_INFO = 13;           // repeated ValueInfoProto
        static final int SPARSE_INITIALIZER = 15;   // repeated SparseTensorProto (refused)

        private Graph() {
        }
    }

    /** NodeProto. */
    static final class Node {
        static final int INPUT = 1;                 // repeated string
        static final int OUTPUT = 2;                // repeated string
        static final int NAME = 3;                  // string
        static final int OP_TYPE = 4;               // string
        static final int ATTRIBUTE = 5;             // repeated AttributeProto
        static final int DOC_STRING = 6;            // string
        static final int DOMAIN = 7;                // string

        private Node() {
        }
    }

    /** AttributeProto and its AttributeType enumeration. */
    static final class Attribute {
        static final int NAME = 1;
        static final int F = 2;                     // float
        static final int I = 3;                     // int64
        static final int S = 4;                     // bytes
        static final int T = 5;                     // TensorProto
        static final int G = 6;                     // GraphProto
        static final int FLOATS = 7;
        static final int INTS = 8;
        static final int STRINGS = 9;
        static final int TENSORS = 10;
        static final int GRAPHS = 11;
        static final int DOC_STRING = 13;
        static final int TYPE = 20;                 // AttributeType
        static final int REF_ATTR_NAME = 21;

        static final int TYPE_FLOAT = 1;
        static final int TYPE_INT = 2;
        static final int TYPE_STRING = 3;
        static final int TYPE_TENSOR = 4;
        static final int TYPE_GRAPH = 5;
        static final int TYPE_FLOATS = 6;
        static final int TYPE_INTS = 7;
        static final int TYPE_STRINGS = 8;
        static final int TYPE_TENSORS = 9;
        static final int TYPE_GRAPHS = 10;

        private Attribute() {
        }
    }

    /** ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto and its Dimension. */
    static final class ValueInfo {
        static final int NAME = 1;
        static final int TYPE = 2;                  // TypeProto
        static final int DOC_STRING = 3;
        static final int TYPE_TENSOR = 1;           // TypeProto.tensor_type
        static final int TENSOR_ELEM_TYPE = 1;      // TypeProto.Tensor.elem_type
        static final int TENSOR_SHAPE = 2;          // TypeProto.Tensor.shape
        static final int SHAPE_DIM = 1;             // TensorShapeProto.dim
        static final int DIM_VALUE = 1;             // Dimension.dim_value
        static final int DIM_PARAM = 2;             // Dimension.dim_param

        private ValueInfo() {
        }
    }

    /** TensorProto and its DataType enumeration. */
    static final class Tensor {
        static final int DIMS = 1;                  // repeated int64
        static final int DATA_TYPE = 2;             // int32
        static final int FLOAT_DATA = 4;            // repeated float, packed
        static final int INT32_DATA = 5;            // repeated int32, packed (also bool, int8, ...)
        static final int INT64_DATA = 7;            // repeated int64, packed
        static final int NAME = 8;
        static final int RAW_DATA = 9;              // bytes, little-endian
        static final int DOUBLE_DATA = 10;          // repeated double, packed
        static final int DOC_STRING = 12;
        static final int EXTERNAL_DATA = 13;        // refused
        static final int DATA_LOCATION = 14;        // 1 = EXTERNAL, refused

        static final int FLOAT = 1;
        static final int UINT8 = 2;
        static final int INT8 = 3;
        static final int INT32 = 6;
        static final int INT64 = 7;
        static final int BOOL = 9;
        static final int DOUBLE = 11;

        private Tensor() {
        }

        /** Bytes of one element of a type rnn4j reads, or 0 for a type it does not. */
        static int elementSize(int dataType) {
            return switch (dataType) {
                case FLOAT, INT32 -> 4;
                case INT64, DOUBLE -> 8;
                case UINT8, INT8, BOOL -> 1;
                default -> 0;
            };
        }

        static String typeName(int dataType) {
            return switch (dataType) {
                case FLOAT -> "float";
                case UINT8 -> "uint8";
                case INT8 -> "int8";
                case INT32 -> "int32";
                case INT64 -> "int64";
                case BOOL -> "bool";
                case DOUBLE -> "double";
                case 10 -> "float16";
                case 16 -> "bfloat16";
                case 8 -> "string";
                default -> "data type " + dataType;
            };
        }
    }
}
