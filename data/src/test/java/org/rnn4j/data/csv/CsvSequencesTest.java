package org.rnn4j.data.csv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.FileFormatException;
import org.rnn4j.train.Batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvSequencesTest {

    @TempDir
    Path dir;

    private static final CsvColumns LABELLED = new CsvColumns("id", "t", List.of(), "label", List.of(), null);

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void longFormatWithConstantNamedLabelsIsManyToOneWithVariableLengthsAndTimes() throws IOException {
        Path file = write("walk.csv", """
                id,t,a,label,b
                s1,0.0,1,dog,10
                s1,0.5,2,dog,20
                # a comment
                s1,2.25,3,dog,30

                s2,7,4,cat,40
                "s 3",1,5,cat,50
                "s 3",1,6,cat,60
                """);
        CsvSequences d = CsvSequences.index(file, LABELLED, null, null);
        assertEquals(3, d.size());
        assertEquals(List.of("a", "b"), d.columns().features(), "every other column, in header order");
        assertFalse(d.perStep());
        assertEquals(List.of("cat", "dog"), d.classNames(), "names numbered in sorted order");
        assertEquals(2, d.classes());
        assertEquals("s 3", d.id(2));
        Batch b = d.batch(new int[]{2, 0});
        assertEquals(3, b.steps());
        assertArrayEquals(new int[]{2, 3}, b.lengths());
        assertArrayEquals(new int[]{0, 1}, b.classes());
        assertArrayEquals(new float[]{5, 50, 6, 60, 0, 0, 1, 10, 2, 20, 3, 30}, b.x().data());
        assertArrayEquals(new double[]{1, 1, 1, 0, 0.5, 2.25}, b.times(), "padding repeats the last timestamp");
        assertEquals(1, d.batch(new int[]{1}).steps());
    }

    @Test
    void labelsThatChangeWithinASequenceArePerStepAndTargetsAreRead() throws IOException {
        Path file = write("steps.csv", "id,x,y\n1,0.5,0\n1,1.5,1\n2,2.5,1\n");
        CsvSequences d = CsvSequences.index(file, new CsvColumns("id", null, List.of(), "y", List.of(), null), null, null);
        assertTrue(d.perStep());
        assertEquals(List.of(), d.classNames());
        assertEquals(2, d.classes());
        Batch b = d.batch(new int[]{0, 1});
        assertArrayEquals(new int[]{0, 1, 1, 0}, b.classes(), "(B·T), padding 0");
        assertNull(b.times());
        assertThrows(FileFormatException.class, () -> d.withPerStep(false));

        Path reg = write("reg.csv", "id,x,y1,y2\na,1,0.5,-1\na,2,0.5,-1\nb,3,2,3\n");
        CsvSequences r = CsvSequences.index(reg, new CsvColumns("id", null, List.of(), null, List.of("y1", "y2"), null),
                null, null);
        assertFalse(r.perStep());
        Batch rb = r.batch(new int[]{0, 1});
        assertArrayEquals(new float[]{0.5f, -1, 2, 3}, rb.targets().data());
        assertArrayEquals(new int[]{2, 2}, rb.targets().shape());
        Batch every = r.withPerStep(true).batch(new int[]{0, 1});
        assertArrayEquals(new int[]{2, 2, 2}, every.targets().shape());
    }

    @Test
    void aDirectoryHoldsOneSequencePerFileNamedByTheFile() throws IOException {
        Path d = Files.createDirectory(dir.resolve("seqs"));
        Files.writeString(d.resolve("b.csv"), "t,a,label\n0,1,1\n1,2,1\n");
        Files.writeString(d.resolve("a.csv"), "a,label,t\n5,0,3\n");   // other column order
        Files.writeString(d.resolve("notes.txt"), "ignored");
        CsvSequences s = CsvSequences.index(d, new CsvColumns("id", "t", List.of(), "label", List.of(), null), null, null);
        assertEquals(2, s.size());
        assertEquals("a", s.id(0));
        assertEquals("b", s.id(1));
        Batch b = s.batch(new int[]{0, 1});
        assertArrayEquals(new float[]{5, 0, 1, 2}, b.x().data());
        assertArrayEquals(new int[]{0, 1}, b.classes());
        assertArrayEquals(new double[]{3, 3, 0, 1}, b.times());
    }

    @Test
    void randomAccessBatchesEqualTheInMemoryArrays() throws IOException {
        SplittableRandom rnd = new SplittableRandom(4);
        StringBuilder text = new StringBuilder("id,t,f1,f2,label\n");
        for (int i = 0; i < 50; i++) {
            int len = 1 + rnd.nextInt(9);
            double t = rnd.nextDouble();
            for (int s = 0; s < len; s++) {
                t += rnd.nextDouble();
                text.append("seq").append(i).append(',').append(t).append(',').append((float) rnd.nextGaussian())
                        .append(',').append(rnd.nextInt(100)).append(',').append(i % 3).append(s % 5 == 4 ? "\r\n" : "\n");
            }
        }
        CsvSequences d = CsvSequences.index(write("many.csv", text.toString()), LABELLED, null, null);
        var arrays = d.toArrays();
        int[] pick = {17, 3, 49, 3, 0};
        Batch a = d.batch(pick);
        Batch m = arrays.batch(pick);
        assertArrayEquals(m.x().data(), a.x().data());
        assertArrayEquals(m.lengths(), a.lengths());
        assertArrayEquals(m.classes(), a.classes());
        assertArrayEquals(m.times(), a.times());
        assertEquals(d.size() * d.maxSteps() * (4L * 2 + 4 + 8), d.paddedBytes());
    }

    @Test
    void knownClassesRefuseLabelsOutsideThemNamingTheLine() throws IOException {
        Path file = write("val.csv", "id,a,label\n1,0,0\n1,0,0\n2,0,3\n");
        CsvColumns cols = new CsvColumns("id", null, List.of(), "label", List.of(), null);
        expect(() -> CsvSequences.index(file, cols, KnownClasses.count(3), null),
                "val.csv line 4, column 3 ('label'): class 3 is outside 0..2 (3 classes)");
        assertEquals(4, CsvSequences.index(file, cols, KnownClasses.count(4), null).classes(), "the known count");
        Path named = write("named.csv", "id,a,label\n1,0,cat\n2,0,bird\n");
        expect(() -> CsvSequences.index(named, cols, new KnownClasses(2, List.of("cat", "dog")), null),
                "named.csv line 3, column 3 ('label'): class 'bird' is not one of the model's 2 classes [cat, dog]");
        Batch b = CsvSequences.index(write("ok.csv", "id,a,label\n1,0,dog\n"), cols,
                new KnownClasses(2, List.of("cat", "dog")), null).batch(new int[]{0});
        assertArrayEquals(new int[]{1}, b.classes(), "the model's numbering, not this file's");
        expect(() -> CsvSequences.index(write("neg.csv", "id,a,label\n1,0,-1\n"), cols, null, null),
                "neg.csv line 2, column 3 ('label'): class -1 is outside");
    }

    @Test
    void badFilesAreRefusedWithFileLineAndColumn() throws IOException {
        CsvColumns cols = new CsvColumns("id", "t", List.of(), "label", List.of(), null);
        expect(() -> CsvSequences.index(write("ragged.csv", "id,t,a,label\n1,0,1,0\n1,1,2\n"), cols, null, null),
                "ragged.csv line 3: 3 fields, but the header (line 1) has 4 columns");
        expect(() -> CsvSequences.index(write("word.csv", "id,t,a,label\n1,0,1,0\n1,1,abc,0\n"), cols, null, null),
                "word.csv line 3, column 3 ('a'): 'abc' is not a number");
        expect(() -> CsvSequences.index(write("nan.csv", "id,t,a,label\n1,0,NaN,0\n"), cols, null, null),
                "nan.csv line 2, column 3 ('a'): 'NaN' is not a finite number");
        expect(() -> CsvSequences.index(write("inf.csv", "id,t,a,label\n1,0,-inf,0\n"), cols, null, null),
                "inf.csv line 2, column 3 ('a'): '-inf' is not a finite number");
        expect(() -> CsvSequences.index(write("big.csv", "id,t,a,label\n1,0,1e39,0\n"), cols, null, null),
                "big.csv line 2, column 3 ('a'): '1e39' is beyond the float32 range");
        expect(() -> CsvSequences.index(write("empty.csv", ""), cols, null, null),
                "empty.csv: empty file, expected a header line naming the columns");
        expect(() -> CsvSequences.index(write("header.csv", "id,t,a,label\n\n"), cols, null, null),
                "header.csv: the header (line 1) is followed by no data rows");
        expect(() -> CsvSequences.index(write("nolabel.csv", "id,t,a,class\n1,0,1,0\n"), cols, null, null),
                "nolabel.csv line 1: no label (--label-column) column 'label'; the header has [id, t, a, class]");
        expect(() -> CsvSequences.index(write("back.csv", "id,t,a,label\n1,0,1,0\n1,2,1,0\n1,1.5,1,0\n2,0,1,0\n"),
                cols, null, null), "back.csv line 4, column 2 ('t'): timestamp 1.5 is before 2.0 on line 3");
        expect(() -> CsvSequences.index(write("apart.csv", "id,t,a,label\n1,0,1,0\n2,0,1,0\n1,1,1,0\n"), cols, null,
                null), "apart.csv line 4: rows of sequence '1' start again after other sequences");
        expect(() -> CsvSequences.index(write("quote.csv", "id,t,a,label\n\"1,0,1,0\n"), cols, null, null),
                "quote.csv line 2, column 1: the quoted field has no closing quote");
        expect(() -> CsvSequences.index(write("onlyid.csv", "id,t,label\n1,0,0\n"), cols, null, null),
                "no feature columns are left");
        expect(() -> CsvSequences.index(write("vary.csv", "id,t,a,label\n1,0,1,0\n1,1,1,1\n"),
                cols.withPerStep(false), null, null), "vary.csv line 3 (sequence '1'): the label changes within");
        expect(() -> CsvSequences.index(write("noid.csv", "id,t,a,label\n1,0,1,0\n ,1,1,0\n"), cols, null, null),
                "noid.csv line 3, column 1 ('id'): empty sequence id");
        expect(() -> CsvSequences.index(write("nantime.csv", "id,t,a,label\n1,nan,1,0\n"), cols, null, null),
                "nantime.csv line 2, column 2 ('t'): 'nan' is not a finite number");
        expect(() -> CsvSequences.index(Files.createDirectory(dir.resolve("none")), cols, null, null),
                "a directory without .csv files");
    }

    @Test
    void progressIsReportedUpToTheFileSize() throws IOException {
        Path file = write("p.csv", "id,a,label\n1,2,0\n");
        List<long[]> calls = new ArrayList<>();
        CsvSequences.index(file, new CsvColumns("id", null, List.of(), "label", List.of(), null), null,
                (done, total) -> calls.add(new long[]{done, total}));
        long size = Files.size(file);
        assertArrayEquals(new long[]{size, size}, calls.get(calls.size() - 1));
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedWithItsLineAndByteOffset() throws IOException {
        Path file = dir.resolve("latin1.csv");
        // "caf\xE9" in Latin-1: a lone 0xE9 is not UTF-8; replaced by U+FFFD it would be a new class
        byte[] head = "id,a,label\n1,0,cat\n2,0,caf".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] bytes = java.util.Arrays.copyOf(head, head.length + 2);
        bytes[head.length] = (byte) 0xE9;
        bytes[head.length + 1] = '\n';
        Files.write(file, bytes);
        CsvColumns cols = new CsvColumns("id", null, List.of(), "label", List.of(), null);
        expect(() -> CsvSequences.index(file, cols, null, null),
                "latin1.csv line 3: not valid UTF-8 at byte offset " + head.length + " (byte 0xE9)");
    }

    private static void expect(org.junit.jupiter.api.function.Executable run, String fragment) {
        FileFormatException e = assertThrows(FileFormatException.class, run);
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }
}
