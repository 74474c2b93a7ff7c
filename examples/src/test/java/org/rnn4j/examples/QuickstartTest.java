package org.rnn4j.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuickstartTest {

    @Test
    void readmeSnippetIsTheCodeTheQuickstartRuns() throws IOException {
        String source = Files.readString(Path.of("src/main/java/org/rnn4j/examples/Quickstart.java"));
        String readme = Files.readString(Path.of("../README.md"));
        String snippet = between(source, "// --- README snippet begins ---\n", "        // --- README snippet ends ---");
        String inReadme = between(readme, "<!-- quickstart begins -->\n```java\n", "```\n<!-- quickstart ends -->");
        assertEquals(strip(snippet), strip(inReadme), "README quickstart differs from Quickstart.java");
    }

    @Test
    void theQuickstartTrainsSavesLoadsAndPredictsTheAddingProblem(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("adding.rnn4j");
        org.rnn4j.tensor.Tensor[] result = Quickstart.run(file);
        assertTrue(Files.size(file) > 0, "the model file is written");
        for (int i = 0; i < 5; i++) {
            float target = result[1].get(i, 0);
            float prediction = result[0].get(i, 0);
            assertTrue(Math.abs(prediction - target) < 0.1, "sequence " + i + ": target " + target + ", prediction " + prediction);
        }
    }

    private static String between(String text, String start, String end) {
        int i = text.indexOf(start);
        int j = text.indexOf(end, i + start.length());
        assertTrue(i >= 0 && j > i, "markers '" + start.strip() + "' … '" + end.strip() + "' not found");
        return text.substring(i + start.length(), j);
    }

    /** Lines without their common indentation and trailing blanks. */
    private static String strip(String block) {
        String[] lines = block.stripTrailing().split("\n");
        int indent = Integer.MAX_VALUE;
        for (String l : lines) {
            if (!l.isBlank()) {
                indent = Math.min(indent, l.length() - l.stripLeading().length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l.isBlank() ? "" : l.substring(indent).stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
