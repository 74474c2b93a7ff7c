package org.rnn4j.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON (RFC 8259) reader and writer on plain Java values; it holds the header of model files.
 *
 * <p>Values map as follows: object ↔ {@code Map<String, Object>} (read as a {@link LinkedHashMap} in the order of
 * the text), array ↔ {@code List<Object>}, string ↔ {@link String}, {@code true}/{@code false} ↔ {@link Boolean},
 * {@code null} ↔ {@code null}. A number is read as a {@link Long} when it has no fraction and no exponent and fits
 * in a long, otherwise as a {@link Double}. The writer takes Long, Integer, Short, Byte, Double and Float.
 *
 * <p>Floats are written with {@link Float#toString} (the shortest decimal that identifies the float, e.g.
 * {@code 0.1}, {@code 1.0E-5}) and read back as Doubles; {@link #toFloat} returns exactly the float that was
 * written.
 *
 * <p>The reader is strict: no comments, trailing commas, leading zeros, {@code NaN}/{@code Infinity}, unescaped
 * control characters, unpaired surrogates or duplicate keys, and at most {@value #MAX_DEPTH} levels of nesting.
 * Its errors are {@link MalformedJsonException}s that give the character offset of the problem.
 */
public final class Json {

    /** Deepest nesting of arrays and objects the reader accepts. */
    public static final int MAX_DEPTH = 512;

    /** {@link #writeIndented} puts a container on one line when it fits in this many columns. */
    private static final int LINE_WIDTH = 100;

    private Json() {
    }

    /** Text that is not valid JSON; {@link #offset()} is the index of the offending character. */
    public static final class MalformedJsonException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String problem;
        private final int offset;

        MalformedJsonException(String problem, int offset) {
            super(problem + " at offset " + offset);
            this.problem = problem;
            this.offset = offset;
        }

        /** What is wrong, without the offset. */
        public String problem() {
            return problem;
        }

        /** Index in the text (in chars) where the problem is. */
        public int offset() {
            return offset;
        }
    }

    /** Parses one JSON value, with optional whitespace around it. */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.skipWhitespace();
        Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.found() + " after the JSON value");
        }
        return value;
    }

    /** The value as compact JSON, without whitespace. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, ",", ":");
        return out.toString();
    }

    /**
     * The value as JSON for people to read: a container that fits in {@value #LINE_WIDTH} columns on one line,
     * larger ones with one member per line, indented by two spaces.
     */
    public static String writeIndented(Object value) {
        StringBuilder out = new StringBuilder();
        writeIndented(value, out, 0);
        return out.toString();
    }

    /**
     * The float a number read by {@link #parse} stands for. For a float written by this class this is exactly
     * that float: its shortest decimal D has at most 9 digits, the double nearest D prints as D again, and D
     * rounds to the float. (Casting the double to float could round twice.)
     */
    public static float toFloat(Number n) {
        if (n instanceof Double d) {
            return Float.parseFloat(Double.toString(d));
        }
        return n.floatValue();
    }

    private static void writeIndented(Object value, StringBuilder out, int indent) {
        StringBuilder oneLine = new StringBuilder();
        write(value, oneLine, ", ", ": ");
        if (indent + oneLine.length() <= LINE_WIDTH || !(value instanceof Map || value instanceof List)) {
            out.append(oneLine);
            return;
        }
        String inner = "\n" + " ".repeat(indent + 2);
        if (value instanceof Map<?, ?> map) {
            out.append('{');
            String sep = inner;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(sep);
                quote(key(e.getKey()), out);
                out.append(": ");
                writeIndented(e.getValue(), out, indent + 2);
                sep = "," + inner;
            }
            out.append('\n').append(" ".repeat(indent)).append('}');
        } else {
            out.append('[');
            String sep = inner;
            for (Object element : (List<?>) value) {
                out.append(sep);
                writeIndented(element, out, indent + 2);
                sep = "," + inner;
            }
            out.append('\n').append(" ".repeat(indent)).append(']');
        }
    }

    private static void write(Object value, StringBuilder out, String comma, String colon) {
        if (value == null || value instanceof Boolean || value instanceof Long || value instanceof Integer
                || value instanceof Short || value instanceof Byte) {
            out.append(value);
        } else if (value instanceof String s) {
            quote(s, out);
        } else if (value instanceof Float f) {
            out.append(Float.toString(finite(f, f.isInfinite() || f.isNaN())));
        } else if (value instanceof Double d) {
            out.append(Double.toString(finite(d, d.isInfinite() || d.isNaN())));
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            String sep = "";
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(sep);
                quote(key(e.getKey()), out);
                out.append(colon);
                write(e.getValue(), out, comma, colon);
                sep = comma;
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            String sep = "";
            for (Object element : list) {
                out.append(sep);
                write(element, out, comma, colon);
                sep = comma;
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON; use a Map,"
                    + " List, String, Boolean, Long, Integer, Double, Float or null");
        }
    }

    private static <N extends Number> N finite(N number, boolean notFinite) {
        if (notFinite) {
            throw new IllegalArgumentException("JSON has no NaN or infinity, cannot write " + number);
        }
        return number;
    }

    private static String key(Object key) {
        if (key instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("JSON object keys must be strings, got " + key
                + (key == null ? "" : " (" + key.getClass().getName() + ")"));
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        throw new IllegalArgumentException("string has an unpaired surrogate U+"
                                + Integer.toHexString(c).toUpperCase() + " at index " + i + ", which UTF-8 cannot encode");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Recursive descent over the text; {@code pos} is the next unread char. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Object value(int depth) {
            if (pos >= s.length()) {
                throw error("unexpected end of input, expected a value");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth + 1);
                case '[' -> array(depth + 1);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || isDigit(c)) {
                        yield number();
                    }
                    throw error("expected a value, found " + found());
                }
            };
        }

        private Map<String, Object> object(int depth) {
            checkDepth(depth);
            pos++;
            Map<String, Object> map = new LinkedHashMap<>();
            skipWhitespace();
            if (at('}')) {
                pos++;
                return map;
            }
            while (true) {
                skipWhitespace();
                int keyAt = pos;
                if (!at('"')) {
                    throw error("expected a string key, found " + found());
                }
                String key = string();
                if (map.containsKey(key)) {
                    throw new MalformedJsonException("duplicate key \"" + key + "\"", keyAt);
                }
                skipWhitespace();
                if (!at(':')) {
                    throw error("expected ':' after the key \"" + key + "\", found " + found());
                }
                pos++;
                skipWhitespace();
                map.put(key, value(depth));
                skipWhitespace();
                if (!at(',') && !at('}')) {
                    throw error("expected ',' or '}' after an object member, found " + found());
                }
                if (s.charAt(pos++) == '}') {
                    return map;
                }
            }
        }

        private List<Object> array(int depth) {
            checkDepth(depth);
            pos++;
            List<Object> list = new ArrayList<>();
            skipWhitespace();
            if (at(']')) {
                pos++;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(value(depth));
                skipWhitespace();
                if (!at(',') && !at(']')) {
                    throw error("expected ',' or ']' after an array element, found " + found());
                }
                if (s.charAt(pos++) == ']') {
                    return list;
                }
            }
        }

        private String string() {
            pos++;
            StringBuilder out = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos);
                if (c == '"') {
                    pos++;
                    return out.toString();
                } else if (c < 0x20) {
                    throw error(String.format("control character U+%04X must be escaped in a string", (int) c));
                } else if (c == '\\') {
                    escape(out);
                } else if (Character.isSurrogate(c)) {
                    if (!Character.isHighSurrogate(c) || pos + 1 >= s.length()
                            || !Character.isLowSurrogate(s.charAt(pos + 1))) {
                        throw error(String.format("unpaired surrogate U+%04X", (int) c));
                    }
                    out.append(c).append(s.charAt(pos + 1));
                    pos += 2;
                } else {
                    out.append(c);
                    pos++;
                }
            }
        }

        /** Reads one escape sequence at pos (the backslash); a surrogate pair takes two \\u escapes. */
        private void escape(StringBuilder out) {
            int start = pos;
            if (pos + 1 >= s.length()) {
                throw error("unterminated string");
            }
            char e = s.charAt(pos + 1);
            pos += 2;
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    char u = hex4(start);
                    if (Character.isHighSurrogate(u) && s.startsWith("\\u", pos)) {
                        int lowAt = pos;
                        pos += 2;
                        char low = hex4(lowAt);
                        if (!Character.isLowSurrogate(low)) {
                            throw new MalformedJsonException(String.format("unpaired surrogate \\u%04X (followed by"
                                    + " \\u%04X, not a low surrogate)", (int) u, (int) low), start);
                        }
                        out.append(u).append(low);
                    } else if (Character.isSurrogate(u)) {
                        throw new MalformedJsonException(String.format("unpaired surrogate \\u%04X", (int) u), start);
                    } else {
                        out.append(u);
                    }
                }
                default -> throw new MalformedJsonException("invalid escape \\" + e, start);
            }
        }

        private char hex4(int escapeStart) {
            if (pos + 4 > s.length()) {
                throw new MalformedJsonException("\\u needs 4 hex digits", escapeStart);
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(s.charAt(pos + i), 16);
                if (d < 0 || s.charAt(pos + i) > 'f') {
                    throw new MalformedJsonException("\\u needs 4 hex digits, found \""
                            + s.substring(escapeStart, pos + 4) + "\"", escapeStart);
                }
                v = v * 16 + d;
            }
            pos += 4;
            return (char) v;
        }

        private Object number() {
            int start = pos;
            if (at('-')) {
                pos++;
            }
            if (at('0')) {
                pos++;
                if (pos < s.length() && isDigit(s.charAt(pos))) {
                    throw new MalformedJsonException("numbers must not have leading zeros", start);
                }
            } else {
                digits("a digit");
            }
            boolean integer = true;
            if (at('.')) {
                pos++;
                integer = false;
                digits("a digit after the decimal point");
            }
            if (at('e') || at('E')) {
                pos++;
                integer = false;
                if (at('+') || at('-')) {
                    pos++;
                }
                digits("a digit in the exponent");
            }
            String text = s.substring(start, pos);
            if (integer) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException beyondLong) {
                    // read as a double below
                }
            }
            double d = Double.parseDouble(text);
            if (Double.isInfinite(d)) {
                throw new MalformedJsonException("number " + text + " is beyond the range of a double", start);
            }
            return d;
        }

        private void digits(String expected) {
            if (pos >= s.length() || !isDigit(s.charAt(pos))) {
                throw error("expected " + expected + ", found " + found());
            }
            while (pos < s.length() && isDigit(s.charAt(pos))) {
                pos++;
            }
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, pos)) {
                throw error("expected a value, found " + found());
            }
            pos += word.length();
            return value;
        }

        private void checkDepth(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("arrays and objects nested deeper than " + MAX_DEPTH + " levels");
            }
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private boolean at(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        /** The char at pos, for an error message. */
        String found() {
            if (pos >= s.length()) {
                return "the end of the input";
            }
            char c = s.charAt(pos);
            return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
        }

        MalformedJsonException error(String problem) {
            return new MalformedJsonException(problem, pos);
        }
    }
}
