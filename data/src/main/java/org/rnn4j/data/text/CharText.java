package org.rnn4j.data.text;

import org.rnn4j.io.FileErrors;
import org.rnn4j.io.FileFormatException;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.ArrayDataset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * A text for a character language model: its characters (Unicode code points) as token ids over the vocabulary of
 * the characters it contains, sorted by code point. Read strictly as UTF-8: a malformed byte is refused with its
 * line and byte offset, never replaced. {@link #windows} cuts it into next-character prediction examples: the
 * input is a character (column 0 of x, for a model with an embedding), the target the character after it.
 */
public final class CharText {

    private final int[] vocabulary;   // code point of each token id, ascending
    private final int[] tokens;       // the text as token ids

    private CharText(int[] vocabulary, int[] tokens) {
        this.vocabulary = vocabulary;
        this.tokens = tokens;
    }

    /** Reads a UTF-8 text file; at least two characters. */
    public static CharText read(Path file) throws IOException {
        FileErrors.checkNotDirectory(file);   // a missing file or a directory, named
        byte[] bytes = Files.readAllBytes(file);
        String text = decode(file, bytes);
        if (text.codePointCount(0, text.length()) < 2) {
            throw new FileFormatException(file + ": " + (text.isEmpty() ? "empty" : "one character")
                    + "; a character model needs a text of at least two characters");
        }
        return of(text);
    }

    /** The characters of a string. */
    public static CharText of(String text) {
        int[] cps = text.codePoints().toArray();
        TreeSet<Integer> set = new TreeSet<>();
        for (int c : cps) {
            set.add(c);
        }
        int[] vocab = set.stream().mapToInt(Integer::intValue).toArray();
        int[] tokens = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            tokens[i] = Arrays.binarySearch(vocab, cps[i]);
        }
        return new CharText(vocab, tokens);
    }

    /** A text over a given vocabulary (a trained model's): characters outside it are refused. */
    public static CharText of(String text, int[] vocabulary) {
        int[] vocab = vocabulary.clone();
        for (int i = 1; i < vocab.length; i++) {
            if (vocab[i] <= vocab[i - 1]) {
                throw new IllegalArgumentException("a vocabulary lists distinct code points in ascending order");
            }
        }
        int[] cps = text.codePoints().toArray();
        int[] tokens = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            tokens[i] = Arrays.binarySearch(vocab, cps[i]);
            if (tokens[i] < 0) {
                throw new IllegalArgumentException("character " + i + " (" + describe(cps[i]) + ") is not in the"
                        + " model's vocabulary of " + vocab.length + " characters");
            }
        }
        return new CharText(vocab, tokens);
    }

    private static String decode(Path file, byte[] bytes) throws FileFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        var result = decoder.decode(in, out, true);
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new FileFormatException(file + ": not valid UTF-8 at line " + line + ", byte offset " + offset
                    + " (byte 0x" + String.format("%02X", bytes[offset] & 0xFF) + ")");
        }
        decoder.flush(out);
        out.flip();
        String s = out.toString();
        return s.startsWith("\uFEFF") ? s.substring(1) : s;   // a byte-order mark is not text
    }

    private static String describe(int cp) {
        return Character.isISOControl(cp) || Character.isWhitespace(cp) ? String.format("U+%04X", cp)
                : "'" + new String(Character.toChars(cp)) + "'";
    }

    /** V, the number of distinct characters. */
    public int vocabularySize() {
        return vocabulary.length;
    }

    /** The code point of each token id, ascending. */
    public int[] vocabulary() {
        return vocabulary.clone();
    }

    /** The text as token ids. */
    public int[] tokens() {
        return tokens.clone();
    }

    public int length() {
        return tokens.length;
    }

    /** The characters of token ids, as a string. */
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.appendCodePoint(vocabulary[id]);
        }
        return sb.toString();
    }

    /** Characters [from, to) as a text over the same vocabulary. */
    public CharText slice(int from, int to) {
        if (from < 0 || to > tokens.length || to - from < 2) {
            throw new IllegalArgumentException("a slice needs [from, to) within [0, " + tokens.length
                    + "] and at least 2 characters, got [" + from + ", " + to + ")");
        }
        return new CharText(vocabulary, Arrays.copyOfRange(tokens, from, to));
    }

    /**
     * Next-character examples in windows of {@code steps}: window i reads characters [i·stride, i·stride + steps)
     * and predicts each one's successor. x (N, steps, 1) holds token ids; the classes (N·steps) their successors.
     * The last window may be shorter (its length says so).
     */
    public ArrayDataset windows(int steps, int stride, String description) {
        if (steps < 1 || stride < 1) {
            throw new IllegalArgumentException("steps and stride must be at least 1, got " + steps + " and " + stride);
        }
        int usable = tokens.length - 1;   // the last character has no successor
        int n = (usable + stride - 1) / stride;
        if (n > 0 && (n - 1) * stride >= usable) {
            n--;
        }
        n = Math.max(n, 1);
        Tensor x = Tensor.zeros(n, steps, 1);
        int[] classes = new int[n * steps];
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            int start = i * stride;
            int len = Math.min(steps, usable - start);
            lengths[i] = len;
            for (int t = 0; t < len; t++) {
                x.data()[i * steps + t] = tokens[start + t];
                classes[i * steps + t] = tokens[start + t + 1];
            }
        }
        return ArrayDataset.withClasses(x, lengths, classes, description);
    }
}
