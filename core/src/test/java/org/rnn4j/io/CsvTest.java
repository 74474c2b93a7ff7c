package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.tensor.Tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.io.IoFixtures.assertMentions;

/** Numeric CSV in and out; every bad row or field is reported with its file, line and column. */
class CsvTest {

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private String readError(String content, boolean header) throws IOException {
        Path file = file("train.csv", content);
        String m = assertThrows(FileFormatException.class, () -> Csv.readMatrix(file, header)).getMessage();
        assertTrue(m.startsWith(file.toString()), "message should start with the file: " + m);
        return m;
    }

    @Test
    void readsHeaderCommentsBlankLinesAndPaddedNumbers() throws IOException {
        Path file = file("a.csv", "# made by hand\nx,y,z\n1,2,3\n\n  # a comment in between\n4.5, -6e-1 ,7\n\n");
        Tensor t = Csv.readMatrix(file, true);
        assertArrayEquals(new int[]{2, 3}, t.shape());
        assertArrayEquals(new float[]{1, 2, 3, 4.5f, -0.6f, 7}, t.data());
    }

    @Test
    void readsWithoutHeaderWithCrLfAndAByteOrderMark() throws IOException {
        Tensor t = Csv.readMatrix(file("b.csv", "\uFEFF1,2\r\n3,4\r\n"), false);
        assertArrayEquals(new int[]{2, 2}, t.shape());
        assertArrayEquals(new float[]{1, 2, 3, 4}, t.data());
    }

    @Test
    void quotedHeaderNamesMayHoldCommas() throws IOException {
        Tensor t = Csv.readMatrix(file("q.csv", "\"time, s\",\"say \"\"hi\"\"\"\n1,2\n"), true);
        assertArrayEquals(new int[]{1, 2}, t.shape());
    }

    @Test
    void writeThenReadGivesBackEveryFloatExactly() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        float[] values = new float[50 * 3];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-30, 30)));
        }
        values[0] = Float.MIN_VALUE;
        values[1] = -Float.MAX_VALUE;
        values[2] = -0f;
        Tensor t = Tensor.of(values, 50, 3);
        Path file = dir.resolve("out.csv");
        Csv.write(file, t, new String[]{"a", "b, with comma", "#c"});
        Tensor back = Csv.readMatrix(file, true);
        assertArrayEquals(t.shape(), back.shape());
        assertArrayEquals(t.data(), back.data());
    }

    @Test
    void writtenTextIsPlainCsvAndAVectorIsOneColumn() throws IOException {
        Path matrix = dir.resolve("m.csv");
        Csv.write(matrix, Tensor.of(new float[]{1, 2.5f, -3, 4e-5f}, 2, 2), new String[]{"a", "b"});
        assertEquals("a,b\n1.0,2.5\n-3.0,4.0E-5\n", Files.readString(matrix));
        Path vector = dir.resolve("v.csv");
        Csv.write(vector, Tensor.of(new float[]{1, 2, 3}, 3), null);
        assertEquals("1.0\n2.0\n3.0\n", Files.readString(vector));
        assertArrayEquals(new int[]{3, 1}, Csv.readMatrix(vector, false).shape());
    }

    @Test
    void raggedRowNamesItsLineAndTheFirstRow() throws IOException {
        assertMentions(readError("a,b,c\n1,2,3\n4,5,6\n7,8\n", true),
                "train.csv line 4: 2 columns, but the first data row (line 2) has 3");
    }

    @Test
    void headerWithAnotherNumberOfColumnsIsReported() throws IOException {
        assertMentions(readError("a,b\n1,2,3\n", true),
                "train.csv line 1: the header has 2 names, but the first data row (line 2) has 3 columns");
    }

    @Test
    void nonNumberNamesLineAndColumn() throws IOException {
        assertMentions(readError("1,2,3\n4,5,6\n7,8,9\n1,2,3\n5,6,7\n1,1,1\n0,0,abc\n", false),
                "train.csv line 7, column 3: 'abc' is not a number");
        assertMentions(readError("1,2\n3,1.5f\n", false), "line 2, column 2: '1.5f' is not a number");
        assertMentions(readError("1;2\n", false), "line 1, column 1: '1;2' is not a number");
    }

    @Test
    void nanInfinityAndOverflowAreRejected() throws IOException {
        assertMentions(readError("1,NaN\n", false), "line 1, column 2: 'NaN' is not a finite number");
        assertMentions(readError("1,2\n-inf,3\n", false), "line 2, column 1: '-inf' is not a finite number");
        assertMentions(readError("1,2\nInfinity,3\n", false), "'Infinity' is not a finite number");
        assertMentions(readError("1e39\n", false), "line 1, column 1: '1e39' is beyond the float32 range");
    }

    @Test
    void emptyFieldIsReported() throws IOException {
        assertMentions(readError("1,2\n3,\n", false), "train.csv line 2, column 2: empty field, expected a number");
    }

    @Test
    void fileWithoutDataRowsIsReported() throws IOException {
        assertMentions(readError("", false), "train.csv: empty file");
        assertMentions(readError("\n# nothing\n\n", false), "train.csv: no data rows");
        assertMentions(readError("a,b\n\n", true), "train.csv: the header (line 1) is followed by no data rows");
    }

    @Test
    void unterminatedQuoteIsReported() throws IOException {
        assertMentions(readError("\"a,b\n1,2\n", true), "train.csv line 1, column 1: the quoted field has no closing quote");
    }

    @Test
    void writeRejectsWhatCouldNotBeReadBack() {
        Path file = dir.resolve("w.csv");
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> Csv.write(file, Tensor.zeros(2, 3, 4), null)).getMessage(), "w.csv", "1-D or 2-D", "(2, 3, 4)");
        Tensor nan = Tensor.zeros(2, 3);
        nan.set(Float.NaN, 1, 2);
        assertMentions(assertThrows(IllegalArgumentException.class, () -> Csv.write(file, nan, null)).getMessage(),
                "w.csv", "NaN at [1, 2]", "finite");
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> Csv.write(file, Tensor.zeros(2, 3), new String[]{"a", "b"})).getMessage(),
                "the header has 2 names but the tensor has 3 columns");
        assertTrue(Files.notExists(file));
    }
}
