package org.rnn4j.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parser for the small part of Python's literal syntax that .npy headers use: dicts, tuples, lists,
 * quoted strings, integers (with Python 2's {@code L} suffix), {@code True}, {@code False} and {@code None}.
 * A dict becomes a {@code Map<String, Object>} in source order (a repeated key keeps the last value, as in
 * Python), a tuple a {@link Tuple}, a list a {@code List<Object>}, an integer a {@code Long}, None
 * {@link #NONE}.
 * As in Python, {@code (5)} is the integer 5 and {@code (5,)} a tuple; trailing commas are allowed.
 */
final class PythonLiteral {

    /** Python's None. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** A Python tuple, kept apart from a list because NumPy requires the shape to be a tuple. */
    record Tuple(List<Object> items) {
    }

    /** The text is not a literal; {@link #getMessage()} says what was expected at which character. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message);
        }
    }

    /** Brackets nest at most this deep; NumPy's headers nest two or three, and deeper text would exhaust the stack. */
    static final int MAX_DEPTH = 100;

    private final String text;
    private int pos;
    private int depth;

    private PythonLiteral(String text) {
        this.text = text;
    }

    /** Parses {@code text}, which must hold exactly one literal and optional surrounding whitespace. */
    static Object parse(String text) throws SyntaxError {
        PythonLiteral p = new PythonLiteral(text);
        Object value = p.value();
        p.skipSpace();
        if (p.pos < text.length()) {
            throw p.error("end of the literal");
        }
        return value;
    }

    private Object value() throws SyntaxError {
        skipSpace();
        if (pos >= text.length()) {
            throw error("a value");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{', '(', '[' -> nested(c);
            case '\'', '"' -> string();
            default -> {
                if (c == '-' || c == '+' || isDigit(c)) {
                    yield integer();
                }
                if (Character.isLetter(c)) {
                    yield name();
                }
                throw error("a value");
            }
        };
    }

    private Object nested(char open) throws SyntaxError {
        if (++depth > MAX_DEPTH) {
            throw error("at most " + MAX_DEPTH + " nested brackets");
        }
        Object value = open == '{' ? dict() : open == '(' ? tupleOrParenthesised() : list();
        depth--;
        return value;
    }

    private Map<String, Object> dict() throws SyntaxError {
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            if (peek() != '\'' && peek() != '"') {
                throw error("a quoted key or '}'");
            }
            String key = string();
            skipSpace();
            expect(':');
            map.put(key, value());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else if (peek() != '}') {
                throw error("',' or '}'");
            }
        }
    }

    private Object tupleOrParenthesised() throws SyntaxError {
        pos++; // '('
        skipSpace();
        if (peek() == ')') {
            pos++;
            return new Tuple(List.of());
        }
        Object first = value();
        skipSpace();
        if (peek() == ')') {
            pos++;
            return first;
        }
        expect(',');
        List<Object> items = new ArrayList<>();
        items.add(first);
        items.addAll(sequenceRest(')'));
        return new Tuple(items);
    }

    private List<Object> list() throws SyntaxError {
        pos++; // '['
        return sequenceRest(']');
    }

    /** Items after an opening bracket or after "first," up to and including {@code close}. */
    private List<Object> sequenceRest(char close) throws SyntaxError {
        List<Object> items = new ArrayList<>();
        while (true) {
            skipSpace();
            if (peek() == close) {
                pos++;
                return items;
            }
            items.add(value());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else if (peek() != close) {
                throw error("',' or '" + close + "'");
            }
        }
    }

    private String string() throws SyntaxError {
        char quote = text.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c == '\\' && pos < text.length()) {
                char e = text.charAt(pos++);
                sb.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> e;
                });
            } else {
                sb.append(c);
            }
        }
        throw error("the closing " + quote);
    }

    private Long integer() throws SyntaxError {
        int start = pos;
        if (peek() == '-' || peek() == '+') {
            pos++;
        }
        int digits = pos;
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos == digits) {
            throw error("a digit");
        }
        String number = text.substring(start, pos);
        if (peek() == 'L' || peek() == 'l') {
            pos++; // Python 2 long, as written by old NumPy
        }
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            pos = start;
            throw error("an integer that fits in 64 bits");
        }
    }

    private Object name() throws SyntaxError {
        int start = pos;
        while (pos < text.length() && Character.isLetterOrDigit(text.charAt(pos))) {
            pos++;
        }
        return switch (text.substring(start, pos)) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> NONE;
            default -> {
                pos = start;
                throw error("a value");
            }
        };
    }

    private void expect(char c) throws SyntaxError {
        if (peek() != c) {
            throw error("'" + c + "'");
        }
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpace() {
        while (pos < text.length() && " \t\n\r\f".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private SyntaxError error(String expected) {
        String found = pos >= text.length() ? "the end" : "'" + text.charAt(pos) + "' at character " + (pos + 1);
        return new SyntaxError("expected " + expected + " but found " + found);
    }

    /** Python's repr of a parsed value, for messages: {@code (3, -1)}, {@code 'abc'}, {@code True}. */
    static String repr(Object value) {
        if (value instanceof String s) {
            return "'" + s + "'";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Tuple tuple) {
            return items(tuple.items(), "(", tuple.items().size() == 1 ? ",)" : ")");
        }
        if (value instanceof List<?> list) {
            return items(list, "[", "]");
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder sb = new StringBuilder("{");
            map.forEach((k, v) -> sb.append(sb.length() == 1 ? "" : ", ").append(repr(k)).append(": ").append(repr(v)));
            return sb.append('}').toString();
        }
        return String.valueOf(value);
    }

    private static String items(List<?> items, String open, String close) {
        StringBuilder sb = new StringBuilder(open);
        for (int i = 0; i < items.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(repr(items.get(i)));
        }
        return sb.append(close).toString();
    }
}
