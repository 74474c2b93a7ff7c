package org.rnn4j.data.text;

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

/** {@link CharText}: vocabulary and round trip of any Unicode text, next-character windows, strict UTF-8. */
class CharTextTest {

    @TempDir
    Path dir;

    @Test
    void tokensAreTheSortedVocabularysIndicesAndDecodeBack() {
        CharText t = CharText.of("abcab é😀\n");
        assertArrayEquals(new int[] {'\n', ' ', 'a', 'b', 'c', 'é', 0x1F600}, t.vocabulary());
        assertArrayEquals(new int[] {2, 3, 4, 2, 3, 1, 5, 6, 0}, t.tokens());
        assertEquals("abcab é😀\n", t.decode(t.tokens()));
        String msg = assertThrows(IllegalArgumentException.class, () -> CharText.of("abz", t.vocabulary()))
                .getMessage();
        assertTrue(msg.contains("character 2 ('z')"), msg);
    }

    @Test
    void windowsPredictEachCharactersSuccessor() {
        CharText t = CharText.of("abcdefg");   // tokens 0..6
        ArrayDataset d = t.windows(3, 3, "text");
        assertEquals(2, d.size());   // [a b c] → [b c d], [d e f] → [e f g]
        Batch b = d.batch(new int[] {0, 1});
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, b.x().data());
        ArrayDataset ragged = CharText.of("abcdefgh").windows(3, 3, "text");   // [g] → [h] last, length 1
        assertEquals(3, ragged.size());
        assertEquals(1, ragged.batch(new int[] {2}).lengths()[0]);
    }

    @Test
    void aFileMustBeValidUtf8AndHoldTwoCharacters() throws IOException {
        Path good = dir.resolve("good.txt");
        Files.write(good, "\uFEFFhé".getBytes(StandardCharsets.UTF_8));
        assertEquals("hé", CharText.read(good).decode(CharText.read(good).tokens()), "the BOM is dropped");
        Path bad = dir.resolve("bad.txt");
        Files.write(bad, new byte[] {'o', 'k', '\n', 'a', (byte) 0xC3, '(', 'z'});
        String msg = assertThrows(FileFormatException.class, () -> CharText.read(bad)).getMessage();
        assertTrue(msg.contains("bad.txt") && msg.contains("line 2") && msg.contains("byte offset 4")
                && msg.contains("0xC3"), msg);
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        msg = assertThrows(FileFormatException.class, () -> CharText.read(empty)).getMessage();
        assertTrue(msg.contains("empty.txt: empty"), msg);
    }
}
