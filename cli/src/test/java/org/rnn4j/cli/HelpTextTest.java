package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command's --help reads as written: picocli prints each element of a description on lines of its own and
 * wraps an element at the help's width (80), so an element that is not the last must fit on one line or end a
 * sentence; otherwise the text breaks mid-sentence ("LSTM (time = step" / "index), ...").
 */
class HelpTextTest {

    @Test
    void noCommandDescriptionBreaksMidSentence() {
        CommandLine root = new CommandLine(new Main());
        int width = root.getUsageHelpWidth();
        List<String> broken = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        check(root, width, broken, seen);
        assertTrue(seen.size() >= 12, "every command visited: " + seen);
        assertTrue(broken.isEmpty(), "descriptions that break mid-sentence at width " + width + ":\n"
                + String.join("\n", broken));
    }

    /**
     * picocli formats descriptions with String.format: a bare '%' (as in "87.9 %") makes it warn on stderr and
     * print the text raw, with its %n unexpanded. Every command's help renders without a warning.
     */
    @Test
    void everyHelpRendersWithoutAFormatWarning() {
        List<String> warned = new ArrayList<>();
        java.io.PrintStream saved = System.err;
        try {
            render(new CommandLine(new Main()), warned, saved);
        } finally {
            System.setErr(saved);
        }
        assertTrue(warned.isEmpty(), String.join("\n", warned));
    }

    private static void render(CommandLine cmd, List<String> warned, java.io.PrintStream saved) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        String help = cmd.getUsageMessage();
        System.setErr(saved);
        String name = cmd.getCommandSpec().qualifiedName();
        if (err.size() > 0 || help.contains("%n")) {
            warned.add(name + ": " + err.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
        }
        for (CommandLine sub : cmd.getSubcommands().values()) {
            if (!sub.getCommandName().equals("help")) {
                render(sub, warned, saved);
            }
        }
    }

    private static void check(CommandLine cmd, int width, List<String> broken, List<String> seen) {
        String name = cmd.getCommandSpec().qualifiedName();
        seen.add(name);
        String[] lines = cmd.getCommandSpec().usageMessage().description();
        for (int i = 0; i < lines.length - 1; i++) {
            if (lines[i].length() > width && !lines[i].matches(".*[.:?;)]$")) {
                broken.add(name + ": \"" + lines[i] + "\"");
            }
        }
        for (CommandLine sub : cmd.getSubcommands().values()) {
            if (!sub.getCommandName().equals("help")) {
                check(sub, width, broken, seen);
            }
        }
    }
}
