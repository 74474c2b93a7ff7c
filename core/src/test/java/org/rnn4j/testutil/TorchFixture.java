package org.rnn4j.testutil;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A PyTorch reference fixture written by {@code scripts/fixtures/make_torch_fixtures.py}, read from the
 * test classpath at {@code /fixtures/torch/<case>.txt}.
 *
 * <p>The file format (see {@code scripts/fixtures/README.md}): lines starting with {@code #} and blank
 * lines are ignored; one {@code config key=value ...} line; then pairs of lines
 * {@code tensor <name> <ndims> <dims...>} followed by all values in C (row-major) order on one line.
 * Tensor names are {@code x, h0, c0, y, h_n, c_n, Ry, Rh, Rc}, every parameter by its PyTorch name
 * (e.g. {@code weight_ih_l0_reverse}) and gradients as {@code grad.<name>}.
 */
public final class TorchFixture {

    private static final String RESOURCE_DIR = "/fixtures/torch/";

    private final String fileName;
    private final Map<String, String> config;
    private final Map<String, int[]> shapes;
    private final Map<String, float[]> values;

    private TorchFixture(String fileName, Map<String, String> config,
                         Map<String, int[]> shapes, Map<String, float[]> values) {
        this.fileName = fileName;
        this.config = config;
        this.shapes = shapes;
        this.values = values;
    }

    /** Loads {@code /fixtures/torch/<caseName>.txt} from the test classpath. */
    public static TorchFixture load(String caseName) {
        String fileName = RESOURCE_DIR + caseName + ".txt";
        InputStream in = TorchFixture.class.getResourceAsStream(fileName);
        if (in == null) {
            throw new IllegalArgumentException("fixture " + fileName + " not found on the test classpath");
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + fileName, e);
        }
        return parse(fileName, lines);
    }

    /** Parses the lines of a fixture file; {@code fileName} is used only in error messages. */
    static TorchFixture parse(String fileName, List<String> lines) {
        Map<String, String> config = null;
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        int i = 0;
        while (i < lines.size()) {
            int lineNo = i + 1;
            String line = lines.get(i).strip();
            i++;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] tokens = line.split("\\s+");
            switch (tokens[0]) {
                case "config" -> {
                    if (config != null) {
                        throw error(fileName, lineNo, "second config line");
                    }
                    config = parseConfig(fileName, lineNo, tokens);
                }
                case "tensor" -> {
                    String name = tokens.length > 1 ? tokens[1] : null;
                    int[] shape = parseHeader(fileName, lineNo, tokens);
                    if (shapes.containsKey(name)) {
                        throw error(fileName, lineNo, "tensor '" + name + "' defined twice");
                    }
                    if (i >= lines.size()) {
                        throw error(fileName, lineNo, "tensor '" + name + "' has no value line after its header");
                    }
                    float[] data = parseValues(fileName, i + 1, name, lines.get(i), product(shape));
                    i++;
                    shapes.put(name, shape);
                    values.put(name, data);
                }
                default -> throw error(fileName, lineNo,
                        "expected 'config', 'tensor', a comment or a blank line but found '"
                                + abbreviate(line) + "'");
            }
        }
        if (config == null) {
            throw new IllegalArgumentException("fixture " + fileName + ": no config line");
        }
        return new TorchFixture(fileName, Collections.unmodifiableMap(config),
                Collections.unmodifiableMap(shapes), Collections.unmodifiableMap(values));
    }

    private static Map<String, String> parseConfig(String fileName, int lineNo, String[] tokens) {
        Map<String, String> config = new LinkedHashMap<>();
        for (int t = 1; t < tokens.length; t++) {
            int eq = tokens[t].indexOf('=');
            if (eq <= 0) {
                throw error(fileName, lineNo, "config entry '" + tokens[t] + "' is not key=value");
            }
            String key = tokens[t].substring(0, eq);
            if (config.put(key, tokens[t].substring(eq + 1)) != null) {
                throw error(fileName, lineNo, "config key '" + key + "' given twice");
            }
        }
        return config;
    }

    private static int[] parseHeader(String fileName, int lineNo, String[] tokens) {
        if (tokens.length < 3) {
            throw error(fileName, lineNo, "tensor header must be 'tensor <name> <ndims> <dims...>'");
        }
        String name = tokens[1];
        int ndims = parseNonNegative(fileName, lineNo, tokens[2], "ndims of tensor '" + name + "'");
        if (tokens.length != 3 + ndims) {
            throw error(fileName, lineNo, "tensor '" + name + "' declares " + ndims + " dims but lists "
                    + (tokens.length - 3));
        }
        int[] shape = new int[ndims];
        for (int d = 0; d < ndims; d++) {
            shape[d] = parseNonNegative(fileName, lineNo, tokens[3 + d], "dim " + d + " of tensor '" + name + "'");
        }
        return shape;
    }

    private static float[] parseValues(String fileName, int lineNo, String name, String line, int expected) {
        String stripped = line.strip();
        String[] tokens = stripped.isEmpty() ? new String[0] : stripped.split("\\s+");
        if (tokens.length != expected) {
            throw error(fileName, lineNo, "tensor '" + name + "' needs " + expected + " values but has "
                    + tokens.length);
        }
        float[] data = new float[expected];
        for (int k = 0; k < expected; k++) {
            try {
                data[k] = Float.parseFloat(tokens[k]);
            } catch (NumberFormatException e) {
                throw error(fileName, lineNo, "value " + k + " of tensor '" + name + "' is not a number: '"
                        + abbreviate(tokens[k]) + "'");
            }
            if (!Float.isFinite(data[k])) {
                throw error(fileName, lineNo, "value " + k + " of tensor '" + name + "' is not finite: "
                        + tokens[k]);
            }
        }
        return data;
    }

    private static int parseNonNegative(String fileName, int lineNo, String token, String what) {
        try {
            int v = Integer.parseInt(token);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(fileName, lineNo, what + " must be a non-negative integer but is '" + abbreviate(token) + "'");
    }

    private static int product(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor shape " + Arrays.toString(shape) + " is too large");
        }
        return (int) n;
    }

    private static IllegalArgumentException error(String fileName, int lineNo, String message) {
        return new IllegalArgumentException("fixture " + fileName + " line " + lineNo + ": " + message);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** The name the fixture was read from, e.g. {@code /fixtures/torch/lstm_1layer.txt}. */
    public String fileName() {
        return fileName;
    }

    /** The value of a config key, e.g. {@code config("kind")} is {@code "LSTM"}. */
    public String config(String key) {
        String v = config.get(key);
        if (v == null) {
            throw new IllegalArgumentException("fixture " + fileName + ": no config key '" + key
                    + "' (has " + config.keySet() + ")");
        }
        return v;
    }

    /** A config value parsed as an int. */
    public int configInt(String key) {
        String v = config(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fixture " + fileName + ": config " + key + "=" + v
                    + " is not an integer");
        }
    }

    /** A config value that must be {@code true} or {@code false}. */
    public boolean configBool(String key) {
        String v = config(key);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("fixture " + fileName + ": config " + key + "=" + v
                    + " is not true or false");
        };
    }

    /** The per-sequence lengths, or {@code null} when every sequence has all {@code steps} steps. */
    public int[] lengths() {
        String v = config.get("lengths");
        if (v == null) {
            return null;
        }
        String[] parts = v.split(",");
        int[] out = new int[parts.length];
        for (int k = 0; k < parts.length; k++) {
            try {
                out[k] = Integer.parseInt(parts[k]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("fixture " + fileName + ": config lengths=" + v
                        + " is not a comma-separated list of integers");
            }
        }
        return out;
    }

    /** True when the fixture contains a tensor of this name. */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** A copy of the tensor's values in C (row-major) order. */
    public float[] tensor(String name) {
        return require(values, name).clone();
    }

    /** A copy of the tensor's shape. */
    public int[] shape(String name) {
        return require(shapes, name).clone();
    }

    /** All tensor names in file order. */
    public Set<String> tensorNames() {
        return values.keySet();
    }

    private <T> T require(Map<String, T> map, String name) {
        T v = map.get(name);
        if (v == null) {
            throw new IllegalArgumentException("fixture " + fileName + ": no tensor '" + name + "' (has "
                    + values.keySet() + ")");
        }
        return v;
    }

    @Override
    public String toString() {
        return "TorchFixture[" + fileName + ", " + config + "]";
    }
}
