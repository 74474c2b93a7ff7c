package org.rnn4j.data.timeseries;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.FileFormatException;
import org.rnn4j.train.ArrayDataset;
import org.rnn4j.train.Batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TimeSeries}: a column read from a CSV file in statsmodels' layouts (quoted header, gaps), gaps refused or
 * interpolated, every malformed file refused naming the file and line; next-value windows.
 */
class TimeSeriesTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void aQuotedColumnIsReadInFileOrder() throws IOException {
        Path f = write("sunspots.csv", "\"YEAR\",\"SUNACTIVITY\"\n1700,5\n1701,11\n\n# a comment\n1702,16.5\n");
        TimeSeries s = TimeSeries.read(f, "SUNACTIVITY", false);
        assertArrayEquals(new double[] {5, 11, 16.5}, s.values());
        assertEquals(0, s.gapsFilled());
        assertArrayEquals(new double[] {1700, 1701, 1702}, TimeSeries.read(f, "YEAR", false).values());
    }

    @Test
    void gapsAreRefusedWithTheirLineOrInterpolated() throws IOException {
        Path f = write("co2.csv", "date,co2\n1,\n2,10\n3,\n4,\n5,16\n6,\n");
        String msg = assertThrows(FileFormatException.class, () -> TimeSeries.read(f, "co2", false)).getMessage();
        assertTrue(msg.contains("co2.csv line 2") && msg.contains("'co2' is empty"), msg);
        TimeSeries s = TimeSeries.read(f, "co2", true);
        assertArrayEquals(new double[] {10, 12, 14, 16}, s.values(), 1e-12);
        assertEquals(4, s.gapsFilled(), "two interior gaps filled, one leading and one trailing dropped");
    }

    @Test
    void malformedFilesAreRefusedNamingFileAndLine() throws IOException {
        Path f = write("s.csv", "t,y\n1,2\n2,abc\n");
        String msg = assertThrows(FileFormatException.class, () -> TimeSeries.read(f, "y", false)).getMessage();
        assertTrue(msg.contains("s.csv line 3") && msg.contains("'abc'"), msg);
        msg = assertThrows(FileFormatException.class, () -> TimeSeries.read(f, "value", false)).getMessage();
        assertTrue(msg.contains("s.csv has no column 'value'") && msg.contains("names t, y"), msg);
        Path nan = write("nan.csv", "y\n1\nNaN\n");
        msg = assertThrows(FileFormatException.class, () -> TimeSeries.read(nan, "y", false)).getMessage();
        assertTrue(msg.contains("nan.csv line 3") && msg.contains("finite"), msg);
        Path wide = write("wide.csv", "a,y\n1,2\n1,2,3\n");
        msg = assertThrows(FileFormatException.class, () -> TimeSeries.read(wide, "y", false)).getMessage();
        assertTrue(msg.contains("wide.csv line 3: 3 fields"), msg);
        Path one = write("one.csv", "y\n1\n");
        msg = assertThrows(FileFormatException.class, () -> TimeSeries.read(one, "y", false)).getMessage();
        assertTrue(msg.contains("one.csv") && msg.contains("at least 2"), msg);
        Path empty = write("empty.csv", "");
        msg = assertThrows(FileFormatException.class, () -> TimeSeries.read(empty, "y", false)).getMessage();
        assertTrue(msg.contains("empty.csv: empty"), msg);
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, new byte[] {'y', '\n', '1', '\n', (byte) 0xE9, '\n'});
        msg = assertThrows(FileFormatException.class, () -> TimeSeries.read(latin1, "y", false)).getMessage();
        assertTrue(msg.contains("latin1.csv") && msg.contains("UTF-8"), msg);
    }

    @Test
    void windowsPairEachValueWithTheNext() {
        double[] z = {0, 1, 2, 3, 4, 5, 6};
        ArrayDataset d = TimeSeries.nextValueWindows(z, 4, 2, "z");
        assertEquals(3, d.size());   // starts 0, 2, 4; the last reads 4, 5 → 5, 6
        Batch b = d.batch(new int[] {0, 1, 2});
        assertArrayEquals(new int[] {4, 4, 2}, b.lengths());
        assertArrayEquals(new float[] {0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 0, 0}, b.x().data());
        assertArrayEquals(new float[] {1, 2, 3, 4, 3, 4, 5, 6, 5, 6, 0, 0}, b.targets().data());
    }
}
