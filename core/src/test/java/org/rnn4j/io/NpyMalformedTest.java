package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rnn4j.io.IoFixtures.assertMentions;
import static org.rnn4j.io.IoFixtures.floatRange;
import static org.rnn4j.io.IoFixtures.npy;
import static org.rnn4j.io.IoFixtures.npyFixture;

/** Every malformed .npy file gets one sentence naming the file, what was found and what was expected. */
class NpyMalformedTest {

    static final String F4_3X4 = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }\n";

    @TempDir
    Path dir;

    private String readError(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        String m = assertThrows(FileFormatException.class, () -> Npy.read(file)).getMessage();
        assertMentions(m, file.toString() + ": ");
        return m;
    }

    private String headerError(String header) throws IOException {
        return readError("h.npy", npy(1, header, floatRange(12)));
    }

    @Test
    void fileWithoutMagicBytesIsNotNpy() throws IOException {
        assertMentions(readError("data.npy", "x,y\n1,2\n".getBytes(StandardCharsets.US_ASCII)),
                "data.npy: not a NumPy .npy file (magic bytes missing)");
    }

    @Test
    void npzArchivePassedToNpyReadIsRecognised() throws IOException {
        assertMentions(readError("xyt.npz", Files.readAllBytes(npyFixture("xyt.npz"))),
                "not a NumPy .npy file", "zip archive", "Npz.read");
    }

    @Test
    void emptyFileIsReportedAsEmpty() throws IOException {
        assertMentions(readError("e.npy", new byte[0]), "e.npy: empty file");
    }

    @Test
    void fileEndingInsideTheHeaderIsTruncated() throws IOException {
        byte[] whole = npy(1, F4_3X4, floatRange(12));
        assertMentions(readError("t.npy", Arrays.copyOf(whole, 40)),
                "t.npy: truncated header: it declares " + F4_3X4.length() + " bytes but only 30 follow");
        assertMentions(readError("t.npy", Arrays.copyOf(whole, 7)), "t.npy: truncated header");
        assertMentions(readError("t.npy", Arrays.copyOf(whole, 9)), "t.npy: truncated header");
    }

    @Test
    void unknownFormatVersionIsNamed() throws IOException {
        byte[] b = npy(1, F4_3X4, floatRange(12));
        b[6] = 4;
        assertMentions(readError("v.npy", b), "v.npy: .npy format version 4.0 is not supported");
    }

    @Test
    void truncatedDataStatesDeclaredShapeAndBothByteCounts() throws IOException {
        Path file = dir.resolve("x.npy");
        Files.write(file, npy(1, F4_3X4, floatRange(10)));
        String m = assertThrows(FileFormatException.class, () -> Npy.read(file)).getMessage();
        assertEquals(file + ": header declares shape (3, 4) = 12 values of <f4 but the file holds 40 bytes of data"
                + " (expected 48)", m);
    }

    @Test
    void extraBytesAfterTheDataAreAShapeMismatchToo() throws IOException {
        assertMentions(readError("x.npy", npy(1, F4_3X4, floatRange(14))),
                "x.npy: header declares shape (3, 4) = 12 values of <f4 but the file holds 56 bytes of data (expected 48)");
    }

    @Test
    void truncatedDataInAStreamIsReportedWithTheStreamsName() {
        ByteArrayInputStream in = new ByteArrayInputStream(npy(1, F4_3X4, floatRange(10)));
        String m = assertThrows(FileFormatException.class, () -> Npy.read(in, "stream.npy")).getMessage();
        assertEquals("stream.npy: header declares shape (3, 4) = 12 values of <f4 but the data ends after 40 bytes"
                + " (expected 48)", m);
    }

    @Test
    void streamWhoseHeaderDeclaresBillionsOfValuesFailsWithoutAllocatingThem() {
        String huge = "{'descr': '<f8', 'fortran_order': False, 'shape': (2000000000,), }\n";
        ByteArrayInputStream in = new ByteArrayInputStream(npy(1, huge, new byte[80]));
        assertMentions(assertThrows(FileFormatException.class, () -> Npy.read(in, "s.npy")).getMessage(),
                "s.npy: header declares shape (2000000000,) = 2000000000 values of <f8 but the data ends after 80 bytes");
    }

    @Test
    void fortranOrderWrittenByNumpyIsRejectedWithTheFix() throws IOException {
        Path file = npyFixture("f4_fortran_2x3.npy");
        assertMentions(assertThrows(FileFormatException.class, () -> Npy.read(file)).getMessage(),
                file + ": Fortran-order arrays are not supported; save with np.ascontiguousarray");
    }

    @Test
    void unsupportedDtypeIsNamedWithItsNumpyName() throws IOException {
        Path file = npyFixture("f2_3.npy");
        assertMentions(assertThrows(FileFormatException.class, () -> Npy.read(file)).getMessage(),
                file + ": dtype '<f2' (float16) is not supported", "astype", "float32");
        assertMentions(headerError("{'descr': '<U5', 'fortran_order': False, 'shape': (3, 4), }"),
                "dtype '<U5' (unicode strings) is not supported");
        assertMentions(headerError("{'descr': '|O', 'fortran_order': False, 'shape': (3, 4), }"),
                "dtype '|O' (Python objects) is not supported");
    }

    @Test
    void structuredDtypeIsRejected() throws IOException {
        assertMentions(headerError("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (3,), }"),
                "structured dtypes are not supported", "[('a', '<f4'), ('b', '<i4')]");
    }

    @Test
    void missingOrUnexpectedHeaderKeysAreNamed() throws IOException {
        assertMentions(headerError("{'descr': '<f4', 'fortran_order': False}"), "the header lacks the key 'shape'");
        assertMentions(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), 'extra': 1}"),
                "unexpected key 'extra'");
    }

    @Test
    void invalidShapesAreQuoted() throws IOException {
        assertMentions(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': (3, -4), }"),
                "'shape' in the header is (3, -4), expected a tuple of non-negative integers");
        assertMentions(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': 12, }"),
                "'shape' in the header is 12");
        assertMentions(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': [3, 4], }"),
                "'shape' in the header is [3, 4], expected a tuple");
        assertMentions(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4000000000), }"),
                "'shape' in the header is (3, 4000000000)");
        assertMentions(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }"),
                "shape (100000, 100000) holds more values than one Java array can");
    }

    @Test
    void fortranOrderMustBeABool() throws IOException {
        assertMentions(headerError("{'descr': '<f4', 'fortran_order': 0, 'shape': (3, 4), }"),
                "'fortran_order' in the header is 0, expected True or False");
    }

    @Test
    void headerThatIsNotADictLiteralSaysWhereParsingStopped() throws IOException {
        assertMentions(headerError("{'descr': '<f4' 'fortran_order': False, 'shape': (3, 4)}"),
                "the header is not a Python dict literal", "expected ',' or '}' but found ''' at character 17");
        assertMentions(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4"),
                "not a Python dict literal", "but found the end");
        assertMentions(headerError("['descr', 'shape']"), "the header is not a Python dict literal but ['descr', 'shape']");
    }

    @Test
    void absurdHeaderLengthIsRefusedBeforeAllocating() throws IOException {
        byte[] b = npy(2, F4_3X4, floatRange(12));
        b[8] = (byte) 0xFF;
        b[9] = (byte) 0xFF;
        b[10] = (byte) 0xFF;
        b[11] = (byte) 0x7F;
        assertMentions(readError("big.npy", b), "big.npy: the header declares a length of 2147483647 bytes");
    }

    // Found by NpyFuzzTest (the inputs are under src/test/resources/org/rnn4j/io/fuzz/NpyFuzzTestInputs).

    @Test
    void aNewlineInAMalformedHeaderStaysOutOfTheOneLineMessage() throws IOException {
        String m = headerError("{'descr': '<f4', 'fort\nan_order': False 'shape': (3, 4), }");
        assertMentions(m, "not a Python dict literal", "'fort\\x0Aan_order'");
        assertEquals(1, m.lines().count(), m);
    }

    @Test
    void deeplyNestedBracketsAreRefusedWithoutExhaustingTheStack() throws IOException {
        String deep = "[".repeat(200_000);
        assertMentions(headerError("{'descr': " + deep + "}"), "not a Python dict literal",
                "expected at most 100 nested brackets");
    }

    @Test
    void aTypeCodeWithTooManyDigitsIsNamedNotParsed() throws IOException {
        assertMentions(headerError("{'descr': '<f99999999999', 'fortran_order': False, 'shape': (3, 4), }"),
                "dtype '<f99999999999' (float) is not supported");
    }
}
