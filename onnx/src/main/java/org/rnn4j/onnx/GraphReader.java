package org.rnn4j.onnx;

import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.LstmSpec;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.RecurrentConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an rnn4j model out of a graph of standard operators (what PyTorch's exporter writes for {@code nn.RNN},
 * {@code nn.LSTM} and {@code nn.GRU} with a {@code Linear} head, and what rnn4j writes for those cells) by following
 * what every value means rather than matching node patterns.
 *
 * <p>Each value the output depends on gets a symbolic meaning: a constant, zeros of a shape known only at run time
 * (PyTorch's initial states), shape arithmetic, the sequence lengths, or an <em>activation</em> whose axes are named
 * (batch, time, features made of pieces of layer outputs, the directions of a recurrent node, ...). Transpose,
 * Reshape, Squeeze, Gather, Slice and Concat move those axes around; an RNN, LSTM or GRU node must read the batch's
 * input or the previous layer's whole output, time-major; the head (Gemm, or MatMul and Add) must read the top layer's
 * output at every step or its final states, batch-first. Anything else is refused with the node, its operator and the
 * attribute or input that does not fit.
 */
final class GraphReader {

    /** Where a slice of a feature axis comes from. */
    enum Kind { INPUT, SEQUENCE, FINAL, AT_LAST_STEP }

    /** A run of features: the model's input (layer −1), or direction {@code dir} of layer {@code layer}. */
    record Piece(int layer, int dir, Kind kind, int width) {
    }

    /** A named axis of an activation. */
    sealed interface Axis permits Batch, Time, LastTime, Feat, Dirs, Units {
    }

    record Batch() implements Axis {
    }

    record Time() implements Axis {
    }

    /** The time axis sliced to its last step (size 1). */
    record LastTime() implements Axis {
    }

    record Feat(List<Piece> pieces) implements Axis {
        int width() {
            return pieces.stream().mapToInt(Piece::width).sum();
        }
    }

    /** The num_directions axis of a recurrent node's outputs (or several of them concatenated): one entry each. */
    record Dirs(List<Piece> entries) implements Axis {
    }

    /** The hidden axis that goes with a {@link Dirs} axis. */
    record Units(int width) implements Axis {
    }

    sealed interface Sym permits Const, Zeros, Dyn, Lengths, Act, Opaque {
    }

    record Const(Ir.TensorValue t) implements Sym {
    }

    record Zeros() implements Sym {
    }

    /** Integers computed at run time from shapes. */
    record Dyn() implements Sym {
    }

    record Lengths() implements Sym {
    }

    /** A value rnn4j's model has no use for (e.g. an LSTM's final cell state); refused where it is read. */
    record Opaque(String what) implements Sym {
    }

    /**
     * @param head null until the head reads this value; then the head's weights
     */
    record Act(List<Axis> axes, Linear head, List<Axis> headInput) implements Sym {
        Act(List<Axis> axes) {
            this(axes, null, null);
        }
    }

    /** The linear head: weight (O, D) as rnn4j stores it, bias (O). */
    record Linear(float[] weight, float[] bias, int outputs, int inputs, String node) {
    }

    /** One recurrent layer as read: the node's attributes and its weights in ONNX's layout. */
    record Layer(Ir.Node node, String op, CellSpec cell, int hidden, int dirs, int inputWidth, float[] w, float[] r,
                 float[] b, float[] p) {
    }

    /**
     * What the graph holds: the architecture, the layers' and the head's weights.
     *
     * @param mean the standardisation x − mean applied to the input first, or null
     * @param std  the division by std that follows it, or null
     */
    record Result(ModelConfig config, List<Layer> layers, Linear head, boolean usesLengths, float[] mean,
                  float[] std) {
    }

    private final String source;
    private final Ir.Graph graph;
    private final Map<String, Sym> values = new HashMap<>();
    private final Map<String, Ir.Node> producer = new HashMap<>();
    private final List<Layer> layers = new ArrayList<>();
    private boolean usesLengths;
    private String lengthsName;
    private float[] mean;   // the input's standardisation, when the graph applies one
    private float[] std;

    private GraphReader(String source, Ir.Graph graph) {
        this.source = source;
        this.graph = graph;
    }

    static Result read(String source, Ir.Graph graph) throws OnnxFormatException {
        return new GraphReader(source, graph).read();
    }

    private OnnxFormatException refuse(String what) {
        return new OnnxFormatException(source + ": " + what);
    }

    private OnnxFormatException refuse(Ir.Node n, String what) {
        return new OnnxFormatException(source + ": " + n.describe() + " " + what);
    }

    private Result read() throws OnnxFormatException {
        for (Ir.TensorValue t : graph.initializers()) {
            values.put(t.name(), new Const(t));
        }
        String x = null;
        for (Ir.ValueInfo in : graph.inputs()) {
            if (values.containsKey(in.name())) {
                continue;   // an input with a default value: a constant here
            }
            int rank = in.dims() == null ? -1 : in.dims().size();
            if (x == null && in.elemType() == Fields.Tensor.FLOAT && rank == 3) {
                x = in.name();
                int f = in.dims().get(2) instanceof Long size ? size.intValue() : -1;
                values.put(x, new Act(List.of(new Batch(), new Time(),
                        new Feat(List.of(new Piece(-1, 0, Kind.INPUT, f))))));
            } else if (lengthsName == null && rank == 1 && (in.elemType() == Fields.Tensor.INT32
                    || in.elemType() == Fields.Tensor.INT64)) {
                lengthsName = in.name();
                values.put(lengthsName, new Lengths());
            } else {
                values.put(in.name(), new Opaque("graph input '" + in.name() + "'"));
            }
        }
        if (x == null) {
            throw refuse("the graph has no float input of rank 3 (batch, steps, features), which an rnn4j model reads");
        }
        if (graph.outputs().size() != 1) {
            throw refuse("the graph has " + graph.outputs().size() + " outputs; an rnn4j model has one, the head's");
        }
        String outName = graph.outputs().get(0).name();
        for (Ir.Node n : graph.nodes()) {
            for (String o : n.outputs()) {
                producer.put(o, n);
            }
        }
        Set<Ir.Node> needed = needed(outName);
        for (Ir.Node n : graph.nodes()) {
            if (needed.contains(n) && (n.opType().equals("Scan") || n.opType().equals("Loop"))) {
                throw refuse(n, "runs a loop body; rnn4j reads a Scan only in a graph it exported itself, unchanged"
                        + " and with its " + Exporter.META_MODEL + " metadata, and otherwise one RNN, LSTM or GRU"
                        + " node per layer");
            }
        }
        for (Ir.Node n : graph.nodes()) {
            if (needed.contains(n)) {
                evaluate(n);
            }
        }
        Sym out = values.get(outName);
        if (!(out instanceof Act act) || act.head() == null) {
            throw refuse("the graph's output '" + outName + "' is not computed by a linear layer on the recurrent"
                    + " network (Gemm, or MatMul and Add), which is how an rnn4j model ends");
        }
        return result(act, outName);
    }

    /** The nodes the output depends on (a valid graph lists them in topological order). */
    private Set<Ir.Node> needed(String output) {
        Set<Ir.Node> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of(output));
        while (!todo.isEmpty()) {
            Ir.Node n = producer.get(todo.remove(todo.size() - 1));
            if (n != null && seen.add(n)) {
                n.inputs().stream().filter(s -> !s.isEmpty()).forEach(todo::add);
            }
        }
        return seen;
    }

    private Sym in(Ir.Node n, int k) throws OnnxFormatException {
        String name = n.input(k);
        if (name.isEmpty()) {
            return null;
        }
        Sym s = values.get(name);
        if (s == null) {
            throw refuse(n, "reads '" + name + "', which no node, input or initializer of the graph defines");
        }
        return s;
    }

    private Const constant(Ir.Node n, int k, String what) throws OnnxFormatException {
        Sym s = in(n, k);
        if (s instanceof Const c) {
            return c;
        }
        throw refuse(n, "needs its " + what + " (input " + k + ", '" + n.input(k) + "') to be a constant, but it is "
                + show(s));
    }

    private static String show(Sym s) {
        return switch (s) {
            case null -> "missing";
            case Const c -> "a constant";
            case Zeros z -> "zeros of a shape known at run time";
            case Dyn d -> "computed at run time from shapes";
            case Lengths l -> "the sequence lengths";
            case Opaque o -> o.what();
            case Act a -> "the network's data " + axesText(a.axes());
        };
    }

    private static String axesText(List<Axis> axes) {
        List<String> s = new ArrayList<>();
        for (Axis a : axes) {
            s.add(switch (a) {
                case Batch b -> "batch";
                case Time t -> "steps";
                case LastTime t -> "last step";
                case Feat f -> "features " + f.width();
                case Dirs d -> "directions " + d.entries().size();
                case Units u -> "units " + u.width();
            });
        }
        return "(" + String.join(", ", s) + ")";
    }

    private void put(Ir.Node n, Sym s) {
        values.put(n.output(0), s);
    }

    private static long attrInt(Ir.Node n, String name, long dflt) {
        Ir.Attr a = n.attr(name);
        return a == null ? dflt : a.i();
    }

    private void evaluate(Ir.Node n) throws OnnxFormatException {
        if (!n.domain().isEmpty()) {
            throw refuse(n, "is an operator of domain '" + n.domain() + "', which rnn4j does not read");
        }
        List<Sym> ins = new ArrayList<>();
        for (int k = 0; k < n.inputs().size(); k++) {
            ins.add(in(n, k));
        }
        boolean anyAct = ins.stream().anyMatch(s -> s instanceof Act);
        switch (n.opType()) {
            case "Constant" -> put(n, constantNode(n));
            case "Identity" -> put(n, ins.get(0));
            case "Shape", "Size" -> put(n, new Dyn());
            case "RNN", "LSTM", "GRU" -> recurrent(n);
            case "Gemm" -> gemm(n);
            case "MatMul" -> matMul(n);
            case "Add" -> add(n);
            case "Sub", "Div" -> standardise(n);
            case "ConstantOfShape" -> {
                Ir.Attr v = n.attr("value");
                if (v != null && !allZero(v.t())) {
                    throw refuse(n, "fills a tensor with a value other than 0; rnn4j's initial states are zeros");
                }
                put(n, new Zeros());
            }
            case "Cast" -> {
                if (ins.get(0) instanceof Lengths) {
                    put(n, ins.get(0));
                } else if (anyAct) {
                    throw refuse(n, "casts the network's data, which rnn4j keeps in float32 throughout");
                } else {
                    put(n, ins.get(0) instanceof Zeros ? new Zeros() : new Dyn());
                }
            }
            default -> {
                if (anyAct) {
                    put(n, move(n, ins));
                } else if (dataInputIsZeros(n, ins)) {
                    put(n, new Zeros());
                } else if (ins.stream().anyMatch(s -> s instanceof Opaque || s instanceof Lengths)) {
                    Sym bad = ins.stream().filter(s -> s instanceof Opaque || s instanceof Lengths).findFirst()
                            .orElseThrow();
                    throw refuse(n, "computes with " + show(bad) + ", which has no place in an rnn4j model");
                } else {
                    for (String o : n.outputs()) {
                        values.put(o, new Dyn());   // shape arithmetic (or constants we need not evaluate)
                    }
                }
            }
        }
    }

    /** Whether the op's result is all zeros: it rearranges or broadcasts zeros (PyTorch's initial states). */
    private static boolean dataInputIsZeros(Ir.Node n, List<Sym> ins) {
        return switch (n.opType()) {
            case "Expand", "Slice", "Gather", "Squeeze", "Unsqueeze", "Reshape", "Transpose" -> zeros(ins.get(0));
            case "Concat" -> ins.stream().allMatch(GraphReader::zeros);
            default -> false;
        };
    }

    private static boolean zeros(Sym s) {
        return s instanceof Zeros || s instanceof Const c && c.t().dataType() == Fields.Tensor.FLOAT && allZero(c.t());
    }

    private static boolean allZero(Ir.TensorValue t) {
        for (byte b : t.raw()) {
            if (b != 0 && b != (byte) 0x80) {   // 0x80 may be the sign byte of −0.0
                return false;
            }
        }
        return true;
    }

    private Sym constantNode(Ir.Node n) throws OnnxFormatException {
        for (Ir.Attr a : n.attributes()) {
            switch (a.name()) {
                case "value" -> {
                    return new Const(a.t());
                }
                case "value_float" -> {
                    return new Const(Ir.TensorValue.floats("", new float[]{a.f()}));
                }
                case "value_floats" -> {
                    return new Const(Ir.TensorValue.floats("", a.floats(), a.floats().length));
                }
                case "value_int" -> {
                    return new Const(Ir.TensorValue.longs("", new long[]{a.i()}));
                }
                case "value_ints" -> {
                    return new Const(Ir.TensorValue.longs("", a.ints(), a.ints().length));
                }
                default -> {
                }
            }
        }
        throw refuse(n, "holds no value rnn4j can read (attribute value, value_float(s) or value_int(s))");
    }

    private static long[] ints(Const c) {
        return c.t().longData();
    }

    /** Ops that move the axes of an activation around. */
    private Sym move(Ir.Node n, List<Sym> ins) throws OnnxFormatException {
        if (!(ins.get(0) instanceof Act a) || a.head() != null) {
            if (ins.get(0) instanceof Act a2 && a2.head() != null) {
                throw refuse(n, "works on the output of the linear head; an rnn4j model ends with the head");
            }
            throw refuse(n, "combines the network's data with " + show(ins.get(0)) + ", which rnn4j does not do");
        }
        List<Axis> axes = new ArrayList<>(a.axes());
        switch (n.opType()) {
            case "Transpose" -> {
                Ir.Attr perm = n.attr("perm");
                List<Axis> out = new ArrayList<>();
                for (int k = 0; k < axes.size(); k++) {
                    out.add(axes.get(perm == null ? axes.size() - 1 - k : (int) perm.ints()[k]));
                }
                return new Act(out);
            }
            case "Squeeze" -> {
                long[] which = n.input(1).isEmpty() ? null : ints(constant(n, 1, "axes"));
                if (which == null) {
                    throw refuse(n, "squeezes without naming its axes; rnn4j needs to know which axis goes");
                }
                return squeeze(n, axes, which);
            }
            case "Reshape" -> {
                return reshape(n, axes, ints(constant(n, 1, "shape")));
            }
            case "Gather" -> {
                long[] idx = ints(constant(n, 1, "indices"));
                if (constant(n, 1, "indices").t().dims().length != 0) {
                    throw refuse(n, "gathers with indices of shape " + Arrays.toString(constant(n, 1, "indices").t()
                            .dims()) + "; rnn4j reads one index (a scalar) along the steps or the directions");
                }
                int axis = axisOf(n, attrInt(n, "axis", 0), axes.size());
                return select(n, axes, axis, idx[0]);
            }
            case "Slice" -> {
                long[] starts = ints(constant(n, 1, "starts"));
                long[] ends = ints(constant(n, 2, "ends"));
                long[] which = n.input(3).isEmpty() ? null : ints(constant(n, 3, "axes"));
                long[] steps = n.input(4).isEmpty() ? null : ints(constant(n, 4, "steps"));
                if (starts.length != 1 || which == null || (steps != null && steps[0] != 1)) {
                    throw refuse(n, "slices in a way rnn4j does not map (it reads the last step: starts -1 on the"
                            + " steps axis)");
                }
                int axis = axisOf(n, which[0], axes.size());
                if (axes.get(axis) instanceof Time && starts[0] == -1 && ends[0] >= Integer.MAX_VALUE) {
                    axes.set(axis, new LastTime());
                    return new Act(axes);
                }
                throw refuse(n, "slices " + axesText(List.of(axes.get(axis))) + " from " + starts[0] + " to " + ends[0]
                        + "; rnn4j reads whole sequences, or their last step");
            }
            case "Concat" -> {
                int axis = axisOf(n, attrInt(n, "axis", 0), axes.size());
                return concat(n, ins, axis);
            }
            default -> throw refuse(n, "has no counterpart in an rnn4j model (operator " + n.opType()
                    + " on the network's data)");
        }
    }

    private int axisOf(Ir.Node n, long axis, int rank) throws OnnxFormatException {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw refuse(n, "names axis " + axis + " of a value with " + rank + " axes");
        }
        return (int) a;
    }

    private Act squeeze(Ir.Node n, List<Axis> axes, long[] which) throws OnnxFormatException {
        List<Axis> out = new ArrayList<>(axes);
        long[] sorted = which.clone();
        for (int k = 0; k < sorted.length; k++) {
            sorted[k] = axisOf(n, sorted[k], axes.size());
        }
        Arrays.sort(sorted);
        for (int k = sorted.length - 1; k >= 0; k--) {
            int a = (int) sorted[k];
            Axis ax = out.get(a);
            if (ax instanceof Dirs d && d.entries().size() == 1) {
                out.remove(a);
                out.replaceAll(x -> x instanceof Units u ? new Feat(List.of(withWidth(d.entries().get(0), u.width())))
                        : x);
            } else if (ax instanceof LastTime) {
                out.remove(a);
                out.replaceAll(GraphReader::atLastStep);
            } else {
                throw refuse(n, "squeezes axis " + a + " (" + axesText(List.of(ax)) + "), which is not of size 1");
            }
        }
        return new Act(out);
    }

    private static Piece withWidth(Piece p, int width) {
        return new Piece(p.layer(), p.dir(), p.kind(), width);
    }

    private static Axis atLastStep(Axis x) {
        if (x instanceof Feat f) {
            List<Piece> ps = new ArrayList<>();
            for (Piece p : f.pieces()) {
                ps.add(p.kind() == Kind.SEQUENCE ? new Piece(p.layer(), p.dir(), Kind.AT_LAST_STEP, p.width()) : p);
            }
            return new Feat(ps);
        }
        return x;
    }

    private Act select(Ir.Node n, List<Axis> axes, int axis, long index) throws OnnxFormatException {
        List<Axis> out = new ArrayList<>(axes);
        Axis ax = out.get(axis);
        if (ax instanceof Time && index == -1) {
            out.remove(axis);
            out.replaceAll(GraphReader::atLastStep);
            return new Act(out);
        }
        if (ax instanceof Dirs d) {
            int k = (int) (index < 0 ? index + d.entries().size() : index);
            if (k < 0 || k >= d.entries().size()) {
                throw refuse(n, "reads entry " + index + " of " + d.entries().size() + " directions");
            }
            Piece p = d.entries().get(k);
            out.remove(axis);
            out.replaceAll(x -> x instanceof Units u ? new Feat(List.of(withWidth(p, u.width()))) : x);
            return new Act(out);
        }
        throw refuse(n, "reads index " + index + " of " + axesText(List.of(ax)) + "; rnn4j reads the last step"
                + " (index -1) or one direction's state");
    }

    private Act reshape(Ir.Node n, List<Axis> axes, long[] shape) throws OnnxFormatException {
        // keep a prefix of axes (0, or −1 standing for a batch or steps axis), merge the rest into one feature axis
        List<Axis> out = new ArrayList<>();
        int k = 0;
        while (k < shape.length - 1) {
            if (k >= axes.size() || !(shape[k] == 0 || shape[k] == -1 && (axes.get(k) instanceof Batch
                    || axes.get(k) instanceof Time))) {
                throw refuse(n, "reshapes " + axesText(axes) + " to " + Arrays.toString(shape) + "; rnn4j maps only"
                        + " reshapes that merge the trailing direction and unit axes into features");
            }
            out.add(axes.get(k));
            k++;
        }
        List<Piece> merged = new ArrayList<>();
        List<Axis> rest = axes.subList(k, axes.size());
        if (rest.size() == 2 && rest.get(0) instanceof Dirs d && rest.get(1) instanceof Units u) {
            d.entries().forEach(p -> merged.add(withWidth(p, u.width())));
        } else if (rest.size() == 1 && rest.get(0) instanceof Feat f) {
            merged.addAll(f.pieces());
        } else {
            throw refuse(n, "reshapes " + axesText(axes) + " to " + Arrays.toString(shape) + "; rnn4j maps only"
                    + " reshapes that merge the trailing direction and unit axes into features");
        }
        int width = merged.stream().mapToInt(Piece::width).sum();
        long last = shape[shape.length - 1];
        if (last != -1 && last != width && !(last == 0 && rest.size() == 1)) {
            throw refuse(n, "reshapes " + width + " features to " + last);
        }
        out.add(new Feat(merged));
        return new Act(out);
    }

    private Act concat(Ir.Node n, List<Sym> ins, int axis) throws OnnxFormatException {
        List<Axis> first = ((Act) ins.get(0)).axes();
        List<Piece> pieces = new ArrayList<>();
        boolean dirs = first.get(axis) instanceof Dirs;
        for (Sym s : ins) {
            if (!(s instanceof Act a) || a.head() != null || a.axes().size() != first.size()) {
                throw refuse(n, "concatenates the network's data with " + show(s));
            }
            for (int k = 0; k < first.size(); k++) {
                if (k != axis && !a.axes().get(k).equals(first.get(k))) {
                    throw refuse(n, "concatenates values whose axis " + k + " differ: " + axesText(first) + " and "
                            + axesText(a.axes()));
                }
            }
            switch (a.axes().get(axis)) {
                case Feat f when !dirs -> pieces.addAll(f.pieces());
                case Dirs d when dirs -> pieces.addAll(d.entries());
                default -> throw refuse(n, "concatenates along " + axesText(List.of(a.axes().get(axis)))
                        + "; rnn4j concatenates features, or the directions' states");
            }
        }
        List<Axis> out = new ArrayList<>(first);
        out.set(axis, dirs ? new Dirs(pieces) : new Feat(pieces));
        return new Act(out);
    }

    // ---- the recurrent layers

    private void recurrent(Ir.Node n) throws OnnxFormatException {
        String op = n.opType();
        int gates = switch (op) {
            case "RNN" -> 1;
            case "GRU" -> 3;
            default -> 4;
        };
        Set<String> known = new HashSet<>(List.of("activations", "direction", "hidden_size", "activation_alpha",
                "activation_beta", "clip", "layout"));
        known.add(op.equals("GRU") ? "linear_before_reset" : op.equals("LSTM") ? "input_forget" : "");
        for (Ir.Attr a : n.attributes()) {
            if (!known.contains(a.name())) {
                throw refuse(n, "has attribute " + a.name() + ", which rnn4j does not know");
            }
        }
        for (String unsupported : List.of("clip", "activation_alpha", "activation_beta")) {
            Ir.Attr a = n.attr(unsupported);
            if (a != null) {
                throw refuse(n, "has attribute " + unsupported + " = " + a.show() + (unsupported.equals("clip")
                        ? ", which clamps the gate pre-activations; rnn4j's cells do not (its LSTM cell clipping"
                        + " clamps the cell state instead)" : ", which rnn4j's activations do not take"));
            }
        }
        if (attrInt(n, "layout", 0) != 0) {
            throw refuse(n, "has attribute layout = 1 (batch-first); rnn4j reads the time-major layout 0");
        }
        Ir.Attr hs = n.attr("hidden_size");
        if (hs == null || hs.i() < 1) {
            throw refuse(n, "has no attribute hidden_size (or one below 1), which rnn4j needs");
        }
        int h = (int) hs.i();
        Ir.Attr dirAttr = n.attr("direction");
        String direction = dirAttr == null ? "forward" : dirAttr.s();
        int dirs = switch (direction) {
            case "forward" -> 1;
            case "bidirectional" -> 2;
            default -> throw refuse(n, "has attribute direction = '" + direction + "'; rnn4j has forward and"
                    + " bidirectional layers, not a layer that only runs backwards");
        };
        CellSpec cell = cellSpec(n, op, dirs);

        int l = layers.size();
        Sym x = in(n, 0);
        List<Piece> expected = new ArrayList<>();
        if (l == 0) {
            expected.add(null);
        } else {
            Layer prev = layers.get(l - 1);
            for (int d = 0; d < prev.dirs(); d++) {
                expected.add(new Piece(l - 1, d, Kind.SEQUENCE, prev.hidden()));
            }
        }
        if (!(x instanceof Act a) || a.head() != null || a.axes().size() != 3 || !(a.axes().get(0) instanceof Time)
                || !(a.axes().get(1) instanceof Batch) || !(a.axes().get(2) instanceof Feat f)
                || !piecesMatch(f.pieces(), expected)) {
            String want = l == 0 ? "the model's input transposed to (steps, batch, features) (rnn4j's input is"
                    + " batch-first: export from PyTorch with batch_first=True)"
                    : "the whole output of the layer below, (steps, batch, directions × hidden)";
            throw refuse(n, "reads input X = " + show(x) + (x instanceof Act xa ? " " + piecesText(xa) : "")
                    + ", but rnn4j's layer " + l + " reads " + want);
        }
        int inWidth = f.width();
        if (inWidth < 1) {
            Const w0 = constant(n, 1, "weights W");
            inWidth = (int) w0.t().dims()[2];
        }
        float[] p = null;
        if (op.equals("LSTM") && !n.input(7).isEmpty()) {
            p = weights(n, 7, "P", dirs, 3 * h, 1, true);
            cell = ((LstmSpec) cell).withPeepholes(true);
        }
        if (l > 0) {
            Layer prev = layers.get(l - 1);
            if (!prev.op().equals(op) || !prev.cell().equals(cell) || prev.hidden() != h || prev.dirs() != dirs) {
                throw refuse(n, "differs from the layer below (" + prev.node().describe() + ") in its operator, cell"
                        + " options, hidden size or directions; the layers of an rnn4j network are alike");
            }
        }
        float[] w = weights(n, 1, "W", dirs, gates * h, inWidth, true);
        float[] r = weights(n, 2, "R", dirs, gates * h, h, true);
        float[] b = weights(n, 3, "B", dirs, 2 * gates * h, 1, false);
        Sym lens = in(n, 4);
        if (lens != null) {
            if (!(lens instanceof Lengths)) {
                throw refuse(n, "reads sequence_lens from " + show(lens) + "; rnn4j takes them from the graph input '"
                        + lengthsName + "'");
            }
            usesLengths = true;
        }
        for (int k : op.equals("LSTM") ? new int[]{5, 6} : new int[]{5}) {
            Sym s = in(n, k);
            if (s != null && !(s instanceof Zeros) && !(s instanceof Const c && allZero(c.t()))) {
                throw refuse(n, "starts from the initial state " + n.input(k) + " = " + show(s) + "; an rnn4j model"
                        + " starts from zeros");
            }
        }
        layers.add(new Layer(n, op, cell, h, dirs, inWidth, w, r, b, p));
        List<Piece> seq = new ArrayList<>();
        List<Piece> fin = new ArrayList<>();
        for (int d = 0; d < dirs; d++) {
            seq.add(new Piece(l, d, Kind.SEQUENCE, h));
            fin.add(new Piece(l, d, Kind.FINAL, h));
        }
        if (!n.output(0).isEmpty()) {
            values.put(n.output(0), new Act(List.of(new Time(), new Dirs(seq), new Batch(), new Units(h))));
        }
        if (!n.output(1).isEmpty()) {
            values.put(n.output(1), new Act(List.of(new Dirs(fin), new Batch(), new Units(h))));
        }
        if (!n.output(2).isEmpty()) {
            values.put(n.output(2), new Opaque("the final cell state of " + n.describe()));
        }
    }

    private static boolean piecesMatch(List<Piece> actual, List<Piece> expected) {
        if (expected.size() == 1 && expected.get(0) == null) {
            return actual.size() == 1 && actual.get(0).kind() == Kind.INPUT;
        }
        return actual.equals(expected);
    }

    private static String piecesText(Act a) {
        for (Axis ax : a.axes()) {
            if (ax instanceof Feat f) {
                List<String> s = new ArrayList<>();
                for (Piece p : f.pieces()) {
                    s.add(p.kind() == Kind.INPUT ? "model input" : "layer " + p.layer() + (p.dir() == 1 ? " reverse"
                            : "") + " " + p.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
                }
                return "[" + String.join(", ", s) + "]";
            }
        }
        return "";
    }

    private CellSpec cellSpec(Ir.Node n, String op, int dirs) throws OnnxFormatException {
        Ir.Attr act = n.attr("activations");
        List<String> acts = act == null ? null : act.strings();
        switch (op) {
            case "RNN" -> {
                String f = acts == null ? "Tanh" : acts.get(0);
                if (acts != null && (acts.size() != dirs || !acts.stream().allMatch(f::equals))) {
                    throw refuse(n, "has attribute activations = " + acts + "; rnn4j's RNN uses one activation,"
                            + " Tanh or Relu, for every direction");
                }
                return switch (f) {
                    case "Tanh" -> CellSpec.rnnTanh();
                    case "Relu" -> CellSpec.rnnRelu();
                    default -> throw refuse(n, "has attribute activations = " + acts + "; rnn4j's RNN uses Tanh or"
                            + " Relu");
                };
            }
            case "GRU" -> {
                checkDefault(n, acts, List.of("Sigmoid", "Tanh"), dirs);
                long lbr = attrInt(n, "linear_before_reset", 0);
                if (lbr != 0 && lbr != 1) {
                    throw refuse(n, "has attribute linear_before_reset = " + lbr + "; ONNX defines 0 and 1");
                }
                return lbr == 1 ? CellSpec.gru() : CellSpec.gru().original();
            }
            default -> {
                checkDefault(n, acts, List.of("Sigmoid", "Tanh", "Tanh"), dirs);
                long forget = attrInt(n, "input_forget", 0);
                if (forget != 0 && forget != 1) {
                    throw refuse(n, "has attribute input_forget = " + forget + "; ONNX defines 0 and 1");
                }
                return CellSpec.lstm().withCifg(forget == 1);
            }
        }
    }

    private void checkDefault(Ir.Node n, List<String> acts, List<String> dflt, int dirs) throws OnnxFormatException {
        if (acts == null) {
            return;
        }
        List<String> expected = new ArrayList<>();
        for (int d = 0; d < dirs; d++) {
            expected.addAll(dflt);
        }
        if (!acts.equals(expected) && !acts.equals(dflt)) {
            throw refuse(n, "has attribute activations = " + acts + "; rnn4j's " + n.opType() + " uses " + dflt);
        }
    }

    /** A weight input of shape (dirs, rows, cols) (cols 1: (dirs, rows)); zeros when optional and absent. */
    private float[] weights(Ir.Node n, int k, String name, int dirs, int rows, int cols, boolean required)
            throws OnnxFormatException {
        if (n.input(k).isEmpty()) {
            if (required && !name.equals("P")) {
                throw refuse(n, "has no input " + name + ", which rnn4j needs");
            }
            return new float[dirs * rows * cols];
        }
        Ir.TensorValue t = constant(n, k, name).t();
        long[] want = cols == 1 ? new long[]{dirs, rows} : new long[]{dirs, rows, cols};
        if (t.dataType() != Fields.Tensor.FLOAT || !Arrays.equals(t.dims(), want)) {
            throw refuse(n, "has input " + name + " ('" + n.input(k) + "') of type " + Fields.Tensor.typeName(
                    t.dataType()) + " and shape " + Arrays.toString(t.dims()) + "; expected float "
                    + Arrays.toString(want));
        }
        return t.floatData();
    }

    /** (x − mean) / std on the model's input, before anything else: rnn4j's standardisation. */
    private void standardise(Ir.Node n) throws OnnxFormatException {
        boolean sub = n.opType().equals("Sub");
        Sym x = in(n, 0);
        boolean raw = x instanceof Act a && a.head() == null && a.axes().size() == 3 && a.axes().get(0) instanceof Batch
                && a.axes().get(1) instanceof Time && a.axes().get(2) instanceof Feat f && f.pieces().size() == 1
                && f.pieces().get(0).kind() == Kind.INPUT && f.pieces().get(0).layer() == -1;
        if (!raw || (sub ? mean != null : std != null || mean == null)) {
            throw refuse(n, "computes with " + show(x) + "; rnn4j subtracts and divides only to standardise its"
                    + " input, (x - mean) / std, before the network");
        }
        Ir.TensorValue c = constant(n, 1, sub ? "mean" : "std").t();
        int features = ((Feat) ((Act) x).axes().get(2)).width();
        if (c.dims().length != 1 || (features > 0 && c.dims()[0] != features)) {
            throw refuse(n, "standardises with a constant of shape " + Arrays.toString(c.dims()) + "; expected one"
                    + " value per input feature (" + features + ")");
        }
        if (sub) {
            mean = c.floatData();
        } else {
            std = c.floatData();
        }
        put(n, x);
    }

    // ---- the head

    private Linear linear(Ir.Node n, float[] weight, long[] dims, boolean transposed, float[] bias, Act in)
            throws OnnxFormatException {
        if (dims.length != 2) {
            throw refuse(n, "has a weight of shape " + Arrays.toString(dims) + "; a linear head's is 2-d");
        }
        int o = (int) (transposed ? dims[0] : dims[1]);
        int d = (int) (transposed ? dims[1] : dims[0]);
        Axis last = in.axes().get(in.axes().size() - 1);
        if (!(last instanceof Feat f) || f.width() != d) {
            throw refuse(n, "multiplies " + show(in) + " by a weight of shape " + Arrays.toString(dims)
                    + "; the head of an rnn4j model reads the network's features");
        }
        float[] w = new float[o * d];   // (O, D) as rnn4j stores it
        for (int i = 0; i < o; i++) {
            for (int j = 0; j < d; j++) {
                w[i * d + j] = transposed ? weight[i * d + j] : weight[j * o + i];
            }
        }
        if (bias != null && bias.length != o) {
            throw refuse(n, "adds a bias of " + bias.length + " values to " + o + " outputs");
        }
        return new Linear(w, bias == null ? new float[o] : bias, o, d, n.describe());
    }

    private Act headOutput(Act in, Linear head) {
        List<Axis> axes = new ArrayList<>(in.axes());
        axes.set(axes.size() - 1, new Feat(List.of(new Piece(-2, 0, Kind.INPUT, head.outputs()))));
        return new Act(axes, head, in.axes());
    }

    private void gemm(Ir.Node n) throws OnnxFormatException {
        if (!(in(n, 0) instanceof Act a) || a.head() != null || a.axes().size() != 2) {
            throw refuse(n, "multiplies " + show(in(n, 0)) + "; rnn4j's head reads (batch, features)");
        }
        if (attrInt(n, "transA", 0) != 0) {
            throw refuse(n, "has attribute transA = 1; rnn4j's head multiplies its input untransposed");
        }
        for (String s : List.of("alpha", "beta")) {
            Ir.Attr v = n.attr(s);
            if (v != null && v.f() != 1f) {
                throw refuse(n, "has attribute " + s + " = " + v.f() + "; rnn4j's linear head has 1");
            }
        }
        Ir.TensorValue w = constant(n, 1, "weight B").t();
        float[] bias = null;
        if (!n.input(2).isEmpty()) {
            Ir.TensorValue c = constant(n, 2, "bias C").t();
            bias = c.floatData();
        }
        put(n, headOutput(a, linear(n, w.floatData(), w.dims(), attrInt(n, "transB", 0) == 1, bias, a)));
    }

    private void matMul(Ir.Node n) throws OnnxFormatException {
        if (!(in(n, 0) instanceof Act a) || a.head() != null) {
            throw refuse(n, "multiplies " + show(in(n, 0)) + "; rnn4j's head reads the network's features");
        }
        Sym ws = in(n, 1);
        float[] w;
        long[] dims;
        boolean transposed = false;
        if (ws instanceof Const c) {
            w = c.t().floatData();
            dims = c.t().dims();
        } else if (producer.get(n.input(1)) instanceof Ir.Node t && t.opType().equals("Transpose")
                && values.get(t.input(0)) instanceof Const c && c.t().dims().length == 2) {
            w = c.t().floatData();   // MatMul(x, Transpose(W)): rnn4j's own every-step head
            dims = c.t().dims();
            transposed = true;
        } else {
            throw refuse(n, "multiplies by " + show(ws) + "; rnn4j's head multiplies by a constant weight");
        }
        put(n, headOutput(a, linear(n, w, dims, transposed, null, a)));
    }

    private void add(Ir.Node n) throws OnnxFormatException {
        Sym x = in(n, 0);
        Sym y = in(n, 1);
        Act a = x instanceof Act ax ? ax : y instanceof Act ay ? ay : null;
        Sym other = a == x ? y : x;
        if (a == null || a.head() == null || !(other instanceof Const c)) {
            throw refuse(n, "adds " + show(x) + " and " + show(y) + "; rnn4j adds only the head's bias");
        }
        Linear h = a.head();
        float[] bias = c.t().floatData();
        if (bias.length != h.outputs() || c.t().dims().length != 1) {
            throw refuse(n, "adds a bias of shape " + Arrays.toString(c.t().dims()) + " to " + h.outputs() + " outputs");
        }
        float[] sum = h.bias().clone();
        for (int k = 0; k < sum.length; k++) {
            sum[k] += bias[k];
        }
        put(n, new Act(a.axes(), new Linear(h.weight(), sum, h.outputs(), h.inputs(), h.node()), a.headInput()));
    }

    // ---- the model

    private Result result(Act out, String outName) throws OnnxFormatException {
        if (layers.isEmpty()) {
            throw refuse("the graph has no RNN, LSTM or GRU node; rnn4j reads recurrent networks");
        }
        Layer top = layers.get(layers.size() - 1);
        int l = layers.size() - 1;
        List<Axis> in = out.headInput();
        List<Piece> seq = new ArrayList<>();
        List<Piece> fin = new ArrayList<>();
        for (int d = 0; d < top.dirs(); d++) {
            seq.add(new Piece(l, d, Kind.SEQUENCE, top.hidden()));
            fin.add(new Piece(l, d, Kind.FINAL, top.hidden()));
        }
        Head head;
        if (in.size() == 3 && in.get(0) instanceof Batch && in.get(1) instanceof Time && in.get(2) instanceof Feat f
                && f.pieces().equals(seq)) {
            head = Head.EVERY_STEP;
        } else if (in.size() == 2 && in.get(0) instanceof Batch && in.get(1) instanceof Feat f
                && (f.pieces().equals(fin) || lastStepOfForward(f.pieces(), top, l))) {
            head = Head.LAST_STEP;
        } else if (in.size() == 2 && in.get(1) instanceof Feat f && f.pieces().stream()
                .anyMatch(p -> p.kind() == Kind.AT_LAST_STEP && p.dir() == 1)) {
            throw refuse(out.head().node() + " reads the reverse direction's output at the last step, where it has read only"
                    + " that step; rnn4j's last-step head reads the reverse direction's final state (h_n), as"
                    + " torch.cat([h_n[-2], h_n[-1]], 1) does");
        } else {
            throw refuse(out.head().node() + " reads " + axesText(in) + " " + piecesText(new Act(in)) + "; rnn4j's head reads the"
                    + " top layer's output at every step (batch, steps, features) or its final states (batch,"
                    + " features), batch-first");
        }
        List<Axis> outAxes = out.axes();
        boolean batchFirst = head == Head.EVERY_STEP ? outAxes.size() == 3 && outAxes.get(0) instanceof Batch
                && outAxes.get(1) instanceof Time : outAxes.size() == 2 && outAxes.get(0) instanceof Batch;
        if (!batchFirst) {
            throw refuse("the graph's output '" + outName + "' is " + axesText(outAxes) + "; rnn4j's predictions are"
                    + " batch-first");
        }
        Layer first = layers.get(0);
        RecurrentConfig net = new RecurrentConfig(top.cell(), first.inputWidth(), top.hidden(), layers.size(),
                top.dirs() == 2, 0f);
        if (out.head().inputs() != net.outputSize()) {
            throw refuse("the head reads " + out.head().inputs() + " features, the network gives " + net.outputSize());
        }
        if ((mean == null) != (std == null)) {
            throw refuse("the graph " + (mean == null ? "divides" : "centres") + " the input without "
                    + (mean == null ? "centring" : "scaling") + " it; rnn4j standardises with both a mean and a std");
        }
        return new Result(new ModelConfig(net, head, out.head().outputs()), layers, out.head(), usesLengths, mean, std);
    }

    /** y[:, -1] of a forward-only network equals its final state when every sequence runs to the last step. */
    private boolean lastStepOfForward(List<Piece> pieces, Layer top, int l) throws OnnxFormatException {
        if (top.dirs() != 1 || !pieces.equals(List.of(new Piece(l, 0, Kind.AT_LAST_STEP, top.hidden())))) {
            return false;
        }
        if (usesLengths) {
            throw refuse("the head reads the output at the last step of a batch whose sequences have lengths; that is"
                    + " 0 for a shorter sequence, while rnn4j's last-step head reads each sequence's final state");
        }
        return true;
    }
}
