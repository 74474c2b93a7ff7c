package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class JsonTest {

    @Test
    void scalarsParseToLongDoubleStringBooleanAndNull() {
        assertEquals(42L, Json.parse("42"));
        assertEquals(-7L, Json.parse(" -7 "));
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(9.223372036854775808E18, Json.parse("9223372036854775808"), "beyond long: a double");
        assertEquals(0.5, Json.parse("0.5"));
        assertEquals(-1.5e-7, Json.parse("-1.5E-7"));
        assertEquals(100.0, Json.parse("1e2"), "an exponent makes a double");
        assertEquals("hi", Json.parse("\"hi\""));
        assertEquals(Boolean.TRUE, Json.parse("true"));
        assertEquals(Boolean.FALSE, Json.parse("\tfalse\r\n"));
        assertNull(Json.parse("null"));
    }

    @Test
    void nestedValuesRoundTripAndKeepKeyOrder() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", List.of(1L, 2.5, "three", false));
        inner.put("a", new LinkedHashMap<>());
        inner.put("m", new ArrayList<>(Arrays.asList(null, List.of(), List.of(List.of(-1L)))));
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "weight_ih_l0");
        value.put("inner", inner);
        value.put("n", 12L);

        String compact = Json.write(value);
        assertEquals("{\"name\":\"weight_ih_l0\",\"inner\":{\"z\":[1,2.5,\"three\",false],\"a\":{},"
                + "\"m\":[null,[],[[-1]]]},\"n\":12}", compact);
        assertEquals(value, Json.parse(compact));
        assertEquals(value, Json.parse(Json.writeIndented(value)));
        assertEquals(List.of("name", "inner", "n"), new ArrayList<>(((Map<?, ?>) Json.parse(compact)).keySet()));
    }

    @Test
    void indentedOutputPutsShortContainersOnOneLine() {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", "bias_ih_l0");
        entry.put("shape", List.of(16L));
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            many.add(entry);
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("small", entry);
        value.put("many", many);
        String indented = Json.writeIndented(value);
        String start = """
                {
                  "small": {"name": "bias_ih_l0", "shape": [16]},
                  "many": [
                    {"name": "bias_ih_l0", "shape": [16]},
                """;
        assertTrue(indented.startsWith(start), indented);
        assertTrue(indented.endsWith("{\"name\": \"bias_ih_l0\", \"shape\": [16]}\n  ]\n}"), indented);
        assertEquals("[1, 2]", Json.writeIndented(List.of(1, 2)));
    }

    @Test
    void writerTakesIntegerShortByteAndFloat() {
        assertEquals("[1,2,3,0.1,1.0E-5,-0.0,3.4028235E38]",
                Json.write(List.of(1, (short) 2, (byte) 3, 0.1f, 1e-5f, -0f, Float.MAX_VALUE)));
    }

    @Test
    void floatsWrittenAsFloatsReadBackExactly() {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] special = {0f, -0f, 0.1f, 1f / 3, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, 1e-45f, 16777217f,
                Math.nextUp(1f), Math.nextDown(1f), 0.3f};
        List<Float> floats = new ArrayList<>();
        for (float f : special) {
            floats.add(f);
            floats.add(-f);
        }
        for (int i = 0; i < 100_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (Float.isFinite(f)) {
                floats.add(f);
            }
        }
        List<?> back = (List<?>) Json.parse(Json.write(floats));
        for (int i = 0; i < floats.size(); i++) {
            float read = Json.toFloat((Number) back.get(i));
            if (Float.floatToRawIntBits(read) != Float.floatToRawIntBits(floats.get(i))) {
                fail("float " + floats.get(i) + " written as " + Json.write(floats.get(i)) + " came back as " + read);
            }
        }
        assertEquals(2f, Json.toFloat(2L));
    }

    @Test
    void doublesRoundTrip() {
        List<Double> doubles = List.of(0.1, 1.0 / 3, Double.MIN_VALUE, -Double.MAX_VALUE, 1e300, 123456789.125);
        assertEquals(doubles, Json.parse(Json.write(doubles)));
    }

    @Test
    void escapesRoundTrip() {
        String s = "quote \" backslash \\ slash / newline \n cr \r tab \t bs \b ff \f nul \0 us \u001f "
                + "é ∑ 😀 \u2028";
        String written = Json.write(s);
        assertEquals("\"quote \\\" backslash \\\\ slash / newline \\n cr \\r tab \\t bs \\b ff \\f nul \\u0000 us \\u001f "
                + "é ∑ 😀 \u2028\"", written);
        assertEquals(s, Json.parse(written));
    }

    @Test
    void unicodeEscapesIncludingSurrogatePairsAreDecoded() {
        assertEquals("é/\u0000", Json.parse("\"\\u00e9\\/\\u0000\""));
        assertEquals("😀", Json.parse("\"\\uD83D\\uDE00\""));
        assertEquals("😀", Json.parse("\"\\ud83d\\ude00\""));
        assertEquals("A😀B", Json.parse("\"A\\uD83D\\uDE00B\""));
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``                        | 0  | unexpected end of input, expected a value",
            "`[1, 2,]`                 | 6  | expected a value, found ']'",
            "`{\"a\": 1,}`             | 8  | expected a string key, found '}'",
            "`{\"a\" 1}`               | 5  | expected ':' after the key \"a\", found '1'",
            "`{\"a\": 1 \"b\": 2}`     | 8  | expected ',' or '}' after an object member, found '\"'",
            "`[1 2]`                   | 3  | expected ',' or ']' after an array element, found '2'",
            "`{\"a\": 1, \"a\": 2}`    | 9  | duplicate key \"a\"",
            "`01`                      | 0  | numbers must not have leading zeros",
            "`-`                       | 1  | expected a digit, found the end of the input",
            "`+1`                      | 0  | expected a value, found '+'",
            "`.5`                      | 0  | expected a value, found '.'",
            "`1.`                      | 2  | expected a digit after the decimal point, found the end of the input",
            "`1e`                      | 2  | expected a digit in the exponent, found the end of the input",
            "`1e999`                   | 0  | number 1e999 is beyond the range of a double",
            "`NaN`                     | 0  | expected a value, found 'N'",
            "`tru`                     | 0  | expected a value, found 't'",
            "`true false`              | 5  | unexpected 'f' after the JSON value",
            "`\"abc`                   | 4  | unterminated string",
            "`\"a\\x\"`                | 2  | invalid escape \\x",
            "`\"\\u12g4\"`             | 1  | \\u needs 4 hex digits, found \"\\u12g4\"",
            "`\"\\u12`                 | 1  | \\u needs 4 hex digits",
            "`\"\\uD83D\"`             | 1  | unpaired surrogate \\uD83D",
            "`\"\\uDE00\\uD83D\"`      | 1  | unpaired surrogate \\uDE00",
            "`\"\\uD83D\\u0041\"`      | 1  | unpaired surrogate \\uD83D (followed by \\u0041, not a low surrogate)",
            "`[1] // comment`          | 4  | unexpected '/' after the JSON value",
    })
    void malformedInputIsReportedWithItsOffset(String text, int offset, String problem) {
        Json.MalformedJsonException e = assertThrows(Json.MalformedJsonException.class, () -> Json.parse(text));
        assertEquals(problem, e.problem(), "for " + text);
        assertEquals(offset, e.offset(), "for " + text);
        assertEquals(problem + " at offset " + offset, e.getMessage());
    }

    @Test
    void rawControlCharactersAndLoneSurrogatesInStringsAreRejected() {
        Json.MalformedJsonException e = assertThrows(Json.MalformedJsonException.class, () -> Json.parse("\"a\nb\""));
        assertEquals("control character U+000A must be escaped in a string at offset 2", e.getMessage());
        e = assertThrows(Json.MalformedJsonException.class, () -> Json.parse("\"a\uD83Db\""));
        assertEquals("unpaired surrogate U+D83D at offset 2", e.getMessage());
        e = assertThrows(Json.MalformedJsonException.class, () -> Json.parse("[\"x\", \u00a0 1]"));
        assertEquals("expected a value, found U+00A0 at offset 6", e.getMessage());
    }

    @Test
    void nestingBeyondTheLimitIsAnErrorNotAStackOverflow() {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertInstanceOf(List.class, Json.parse(ok));
        String deep = "[".repeat(100_000);
        Json.MalformedJsonException e = assertThrows(Json.MalformedJsonException.class, () -> Json.parse(deep));
        assertEquals(Json.MAX_DEPTH, e.offset());
        assertTrue(e.problem().contains("nested deeper than 512 levels"), e.getMessage());
    }

    @Test
    void writerRejectsWhatJsonCannotHold() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(Float.NaN)));
        assertEquals("JSON has no NaN or infinity, cannot write NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NEGATIVE_INFINITY));
        assertEquals("JSON has no NaN or infinity, cannot write -Infinity", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, "x")));
        assertEquals("JSON object keys must be strings, got 1 (java.lang.Integer)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Json.write(new int[] {1}));
        assertTrue(e.getMessage().startsWith("cannot write a [I as JSON"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Json.write("a\uDE00"));
        assertEquals("string has an unpaired surrogate U+DE00 at index 1, which UTF-8 cannot encode", e.getMessage());
    }
}
