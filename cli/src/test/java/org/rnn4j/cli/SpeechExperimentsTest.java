package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The speech experiments at a tiny size, end to end: {@code experiment acoustic --workers 2} trains with asynchronous
 * SGD and records the workers and the epochs' wall-clock times; {@code data speech --isolated-digits} makes isolated
 * digits, on which {@code experiment digits} trains a many-to-one classifier and scores Asterisk's ten recordings. Need scripts/install-speech (espeak-ng and
 * Festival) and, for the digits, Debian's asterisk-core-sounds-en(-wav); skipped without them unless
 * RNN4J_REQUIRE_DATA is set.
 */
class SpeechExperimentsTest {

    @TempDir
    Path dir;

    private static void requireMade(MainTest.Result r, String what) {
        if (r.code() != 0 && System.getenv(InstalledData.REQUIRE) == null) {
            assumeTrue(false, what + " (run scripts/install-speech): " + r.err());
        }
        assertEquals(0, r.code(), r.all());
    }

    @Test
    void acousticWithTwoWorkersWritesItsResultsWithTheWorkers() throws IOException {
        Path corpus = dir.resolve("corpus");
        requireMade(MainTest.rnn4j("data", "speech", "--out", corpus.toString(), "--utterances", "40", "--seed", "3",
                "--festival-share", "0.25"), "no speech corpus could be made");
        Path out = dir.resolve("acoustic");
        MainTest.Result r = MainTest.rnn4j("experiment", "acoustic", "--corpus", corpus.toString(), "--workers", "2",
                "--models", "lstm", "--seeds", "1", "--epochs", "2", "--parameters", "5000", "--threads", "2",
                "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("asynchronous SGD: 2 workers (fetch and push every update), in this JVM"), r.out());
        Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(out.resolve("results.json")));
        assertEquals(2L, ((Number) json.get("workers")).longValue(), json.toString());
        List<?> runs = (List<?>) json.get("runs");
        assertEquals(1, runs.size());
        Map<?, ?> run = (Map<?, ?>) runs.get(0);
        assertEquals(2L, ((Number) run.get("workers")).longValue(), run.toString());
        List<?> times = (List<?>) run.get("epoch_seconds");
        assertEquals(2, times.size(), run.toString());
        double first = ((Number) times.get(0)).doubleValue();
        double second = ((Number) times.get(1)).doubleValue();
        assertTrue(first > 0 && second > first && second <= ((Number) run.get("seconds")).doubleValue(), times + " "
                + run.get("seconds"));
        assertTrue(((Number) run.get("updates")).longValue() > 0, run.toString());
        double accuracy = ((Number) run.get("test_frame_accuracy")).doubleValue();
        assertTrue(accuracy > 0 && accuracy <= 1, run.toString());
        assertTrue(Files.readString(out.resolve("results.md")).contains("| lstm | 2 | 2 |"),
                Files.readString(out.resolve("results.md")));

        MainTest.Result alone = MainTest.rnn4j("experiment", "acoustic", "--corpus", corpus.toString(), "--cluster",
                "127.0.0.1:5701", "--out", dir.resolve("x").toString());
        assertEquals(1, alone.code(), alone.all());
        assertTrue(alone.err().contains("add --workers N"), alone.err());
    }

    @Test
    void digitsTrainsOnSyntheticDigitsAndScoresTheTenRecordings() throws IOException {
        Path recorded = Path.of("/usr/share/asterisk/sounds/en/digits/0.wav");
        if (!Files.isRegularFile(recorded) && System.getenv(InstalledData.REQUIRE) == null) {
            assumeTrue(false, recorded + " is missing: apt-get install asterisk-core-sounds-en-wav");
        }
        Path corpus = dir.resolve("corpus");
        requireMade(MainTest.rnn4j("data", "speech", "--isolated-digits", "--out", corpus.toString(), "--utterances",
                "60", "--seed", "1"), "no corpus of isolated digits could be made");
        // every utterance of the corpus is one digit word
        List<String> manifest = Files.readAllLines(corpus.resolve("manifest.tsv"));
        assertEquals(61, manifest.size());
        for (String line : manifest.subList(1, 61)) {
            assertTrue(line.matches(".*\t(zero|one|two|three|four|five|six|seven|eight|nine)\t.*"), line);
        }
        Path out = dir.resolve("digits");
        MainTest.Result r = MainTest.rnn4j("experiment", "digits", "--corpus", corpus.toString(), "--seeds", "1",
                "--epochs", "2", "--parameters", "3000", "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(out.resolve("results.json")));
        assertEquals(10, ((List<?>) json.get("recorded")).size());
        assertEquals(0.1, ((Number) json.get("chance")).doubleValue(), 1e-12);
        Map<?, ?> run = (Map<?, ?>) ((List<?>) json.get("runs")).get(0);
        List<?> said = (List<?>) run.get("recorded_said");
        assertEquals(10, said.size(), run.toString());
        long right = 0;
        for (int d = 0; d < 10; d++) {
            long c = ((Number) said.get(d)).longValue();
            assertTrue(c >= 0 && c < 10, said.toString());
            right += c == d ? 1 : 0;
        }
        assertEquals(right / 10.0, ((Number) run.get("recorded_accuracy")).doubleValue(), 1e-12, run.toString());
        assertTrue(r.out().contains("(" + right + "/10)"), r.out());
    }
}
