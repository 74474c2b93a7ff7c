package org.rnn4j.data.speech;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * What the utterances say: random "sentences" of words from a word list, or digit strings spoken as words.
 */
final class Texts {

    /** Debian's wamerican word list. */
    static final Path DEFAULT_WORDS = Path.of("/usr/share/dict/american-english");
    static final int MIN_WORDS = 3;
    static final int MAX_WORDS = 7;
    static final int MIN_DIGITS = 3;
    static final int MAX_DIGITS = 8;
    private static final String[] DIGITS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
        "nine"};

    private final List<String> words;

    private Texts(List<String> words) {
        this.words = words;
    }

    /** The lower-case words of a word list, one a line (names, abbreviations and possessives left out). */
    static Texts load(Path wordList) throws IOException {
        if (!Files.isRegularFile(wordList)) {
            throw new NoSuchFileException(wordList.toString(), null, "no word list; install Debian's wamerican"
                    + " (scripts/install-speech) or name another list of words, one a line");
        }
        List<String> words;
        try (Stream<String> lines = Files.lines(wordList, StandardCharsets.UTF_8)) {
            words = lines.map(String::strip).filter(w -> w.matches("[a-z]{2,14}")).distinct().toList();
        }
        if (words.size() < 100) {
            throw new IOException(wordList + ": " + words.size() + " lower-case words (a-z, 2 to 14 letters);"
                    + " expected a word list of at least 100");
        }
        return new Texts(words);
    }

    int wordCount() {
        return words.size();
    }

    /** {@value #MIN_WORDS} to {@value #MAX_WORDS} words drawn uniformly from the list. */
    String sentence(RandomGenerator rng) {
        int n = MIN_WORDS + rng.nextInt(MAX_WORDS - MIN_WORDS + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(words.get(rng.nextInt(words.size())));
        }
        return sb.toString();
    }

    /** The ten digits as words, "zero" to "nine": digit d is element d. */
    static List<String> digitWords() {
        return List.of(DIGITS);
    }

    /** One digit drawn uniformly, as a word: "seven". */
    static String digit(RandomGenerator rng) {
        return DIGITS[rng.nextInt(10)];
    }

    /** {@value #MIN_DIGITS} to {@value #MAX_DIGITS} digits, as words: "four seven zero one". */
    static String digits(RandomGenerator rng) {
        int n = MIN_DIGITS + rng.nextInt(MAX_DIGITS - MIN_DIGITS + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(DIGITS[rng.nextInt(10)]);
        }
        return sb.toString();
    }
}
