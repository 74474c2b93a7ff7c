package org.rnn4j.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects the nodes of one graph (the model's, or a Scan body) in order. Every value has a readable, unique name
 * chosen by the caller; a node is named after its first output. Constants become initializers of the model's graph,
 * shared by every body (a body may read any value of the graph around it), and a constant of the same values is
 * added once.
 */
final class GraphBuilder {

    private final List<Ir.Node> nodes = new ArrayList<>();
    private final Shared shared;

    /** What the model's graph and its bodies share: the initializers and the names in use. */
    private static final class Shared {
        final List<Ir.TensorValue> initializers = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        final Map<String, String> constants = new HashMap<>();
    }

    GraphBuilder() {
        this.shared = new Shared();
    }

    private GraphBuilder(Shared shared) {
        this.shared = shared;
    }

    /** A builder for a body graph whose constants and names are this graph's. */
    GraphBuilder body() {
        return new GraphBuilder(shared);
    }

    private String claim(String name) {
        if (!shared.names.add(name)) {
            throw new IllegalStateException("the value name '" + name + "' is used twice");
        }
        return name;
    }

    /** Declares a name that a graph input or body input will carry. */
    String input(String name) {
        return claim(name);
    }

    /** Adds a node with one output, named {@code out}; returns {@code out}. */
    String op(String opType, String out, List<Ir.Attr> attrs, String... inputs) {
        ops(opType, new String[]{out}, attrs, inputs);
        return out;
    }

    /** Adds a node with one output and no attributes. */
    String op(String opType, String out, String... inputs) {
        return op(opType, out, List.of(), inputs);
    }

    /** Adds a node with several outputs ("" for an output that is not wanted). */
    void ops(String opType, String[] outs, List<Ir.Attr> attrs, String... inputs) {
        for (String o : outs) {
            if (!o.isEmpty()) {
                claim(o);
            }
        }
        String name = outs[0].isEmpty() ? Arrays.stream(outs).filter(o -> !o.isEmpty()).findFirst().orElseThrow()
                : outs[0];
        nodes.add(new Ir.Node(name, opType, "", List.of(inputs), List.of(outs), attrs, ""));
    }

    /** Adds a parameter (or any named tensor) as an initializer. */
    String initializer(Ir.TensorValue t) {
        claim(t.name());
        shared.initializers.add(t);
        return t.name();
    }

    /** A float constant of the given shape, added once per distinct value. */
    String floats(float[] values, long... dims) {
        return constant(Ir.TensorValue.floats("", values, dims), "const_f");
    }

    /** A float scalar constant. */
    String scalar(float value) {
        return floats(new float[]{value});
    }

    /** An int64 constant of the given shape. */
    String longs(long[] values, long... dims) {
        return constant(Ir.TensorValue.longs("", values, dims), "const_i");
    }

    /** A 1-d int64 constant. */
    String longs(long... values) {
        return longs(values, values.length);
    }

    /** An int64 scalar constant. */
    String scalarLong(long value) {
        return longs(new long[]{value}, new long[0]);
    }

    /** A double scalar constant. */
    String scalarDouble(double value) {
        return constant(Ir.TensorValue.doubles("", new double[]{value}), "const_d");
    }

    private String constant(Ir.TensorValue t, String prefix) {
        String key = t.dataType() + Arrays.toString(t.dims()) + Arrays.toString(t.raw());
        String name = shared.constants.get(key);
        if (name == null) {
            name = prefix + shared.constants.size();
            shared.constants.put(key, name);
            initializer(new Ir.TensorValue(name, t.dataType(), t.dims(), t.raw(), ""));
        }
        return name;
    }

    List<Ir.Node> nodes() {
        return nodes;
    }

    List<Ir.TensorValue> initializers() {
        return shared.initializers;
    }

    /** A float tensor's value info; each dim a Long or a String name. */
    static Ir.ValueInfo tensorInfo(String name, int elemType, String doc, Object... dims) {
        List<Object> d = new ArrayList<>();
        for (Object o : dims) {
            d.add(o instanceof Integer i ? Long.valueOf(i) : o);
        }
        return new Ir.ValueInfo(name, elemType, d, doc);
    }
}
