package org.rnn4j.io;

import org.rnn4j.param.ParamView;
import org.rnn4j.param.Parameters;
import org.rnn4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's parameters as named arrays, the way PyTorch's {@code state_dict()} names them ({@code weight_ih_l0},
 * {@code weight_hh_l0_reverse}, {@code weight_hr_l0}, {@code bias_ih_l0}, the head as {@code head.weight}), and
 * loading such arrays into a model by name, as {@code load_state_dict} does.
 *
 * <p>Loading checks everything before it writes anything: an array whose shape differs from the parameter's is
 * refused even when it holds as many values (a transposed weight matrix), strict or not, and a refused load
 * leaves the parameters as they were. In PyTorch:
 * <pre>
 * np.savez('m.npz', **{k: v.numpy() for k, v in lstm.state_dict().items()})
 * </pre>
 */
public final class StateDict {

    private StateDict() {
    }

    /**
     * What a load did.
     *
     * @param loaded     the parameters set, in the model's order
     * @param missing    the model's parameters the arrays did not have (left as they were)
     * @param unexpected the arrays no parameter of the model is named after (ignored)
     */
    public record Result(List<String> loaded, List<String> missing, List<String> unexpected) {
        public Result {
            loaded = List.copyOf(loaded);
            missing = List.copyOf(missing);
            unexpected = List.copyOf(unexpected);
        }
    }

    /** A load refused: the arrays do not fit the model. Nothing was loaded. */
    public static final class MismatchException extends IllegalArgumentException {
        private final transient Result result;
        private final List<String> misShaped;

        MismatchException(String message, Result result, List<String> misShaped) {
            super(message);
            this.result = result;
            this.misShaped = List.copyOf(misShaped);
        }

        /** The model's parameters the arrays did not have. */
        public List<String> missing() {
            return result.missing();
        }

        /** The arrays no parameter of the model is named after. */
        public List<String> unexpected() {
            return result.unexpected();
        }

        /** The parameters whose array has another shape, each as "name: the array's shape, the model's shape". */
        public List<String> misShaped() {
            return misShaped;
        }
    }

    /** The parameters as arrays named like PyTorch's, float32, in the model's order. */
    public static Map<String, NpyArray> of(Parameters params) {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        for (ParamView v : params.layout().views()) {
            arrays.put(v.name(), NpyArray.ofFloats(params.get(v.name()), v.shape()));
        }
        return arrays;
    }

    /** Writes the parameters to a .npz file (uncompressed), one array per parameter, atomically. */
    public static void save(Path npz, Parameters params) throws IOException {
        Npz.write(npz, of(params), false);
    }

    /** Loads a .npz file's arrays into the parameters, strictly: see {@link #load(Parameters, Map, boolean)}. */
    public static Result load(Parameters params, Path npz) throws IOException {
        Map<String, NpyArray> arrays = Npz.read(npz);
        try {
            return load(params, arrays, true);
        } catch (MismatchException e) {
            throw new MismatchException(npz + ": " + e.getMessage(), new Result(List.of(), e.missing(),
                    e.unexpected()), e.misShaped());
        }
    }

    /**
     * Sets each parameter from the array of the same name (converted to float32).
     *
     * @param strict with true every parameter must have an array and every array a parameter, as PyTorch's
     *               default; with false the missing parameters keep their values and unexpected arrays are
     *               ignored, both listed in the result
     * @throws MismatchException if an array's shape differs from its parameter's, or, when strict, if a parameter
     *                           has no array or an array no parameter; the message lists all of them, and no
     *                           parameter has been changed
     */
    public static Result load(Parameters params, Map<String, NpyArray> arrays, boolean strict) {
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        for (ParamView v : params.layout().views()) {
            NpyArray a = arrays.get(v.name());
            if (a == null) {
                missing.add(v.name());
            } else if (!Arrays.equals(a.shape(), v.shape())) {
                misShaped.add(v.name() + ": the array has shape " + Tensor.shapeString(a.shape()) + ", the model needs "
                        + Tensor.shapeString(v.shape()));
            } else {
                values.put(v.name(), a.toFloatArray());
                loaded.add(v.name());
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : arrays.keySet()) {
            if (!params.layout().has(name)) {
                unexpected.add(name);
            }
        }
        Result result = new Result(loaded, missing, unexpected);
        List<String> problems = new ArrayList<>();
        if (!misShaped.isEmpty()) {
            problems.add("shapes differ: " + String.join("; ", misShaped));
        }
        if (strict && !missing.isEmpty()) {
            problems.add("missing arrays " + missing + " (the model's parameters " + names(params) + ")");
        }
        if (strict && !unexpected.isEmpty()) {
            problems.add("unexpected arrays the model does not use: " + unexpected);
        }
        if (!problems.isEmpty()) {
            throw new MismatchException("the arrays do not fit the model, nothing was loaded: "
                    + String.join("; ", problems), result, misShaped);
        }
        values.forEach(params::set);
        return result;
    }

    private static List<String> names(Parameters params) {
        return params.layout().views().stream().map(ParamView::name).toList();
    }
}
