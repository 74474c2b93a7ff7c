package org.rnn4j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core library keeps no hidden global state: no {@code ThreadLocal}, no static field that is not final, and
 * no static final field of a type whose contents change (atomics, growable collections). Kernels, threads and
 * schedules are objects that a model is given, so that any thread (an engine's, a virtual one) may drive a model
 * and two models never share scratch.
 */
class NoGlobalStateTest {

    /** A static field declaration: modifiers including static, then a type and a name, then = or ;. */
    private static final Pattern STATIC_FIELD = Pattern.compile(
            "^\\s*((?:(?:public|protected|private|static|final|volatile|transient)\\s+)*)static\\s+"
                    + "((?:(?:final|volatile|transient)\\s+)*)([\\w.<>?,\\[\\] ]+?)\\s+(\\w+)\\s*(=|;)");
    private static final Pattern MUTABLE_TYPE = Pattern.compile(
            "\\b(Atomic\\w*|ArrayList|HashMap|LinkedList|HashSet|ConcurrentHashMap|StringBuilder|Random)\\b");

    static List<String> violations(Path root) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    String where = root.relativize(f) + ":" + (i + 1) + ": " + line.strip();
                    if (line.contains("ThreadLocal")) {
                        found.add(where);
                        continue;
                    }
                    Matcher m = STATIC_FIELD.matcher(line);
                    if (!m.find() || line.contains("(") && line.indexOf('(') < line.indexOf(m.group(4))) {
                        continue;   // not a field (a method, or a call in an initialiser)
                    }
                    boolean isFinal = (m.group(1) + m.group(2)).contains("final");
                    if (!isFinal || MUTABLE_TYPE.matcher(m.group(3)).find()) {
                        found.add(where);
                    }
                }
            }
        }
        return found;
    }

    @Test
    void coreHasNoStaticMutableFieldsOrThreadLocals() throws IOException {
        Path main = Path.of("src/main/java");
        assertTrue(Files.isDirectory(main), "run from the core module: " + main.toAbsolutePath());
        List<String> found = violations(main);
        assertEquals(List.of(), found, "static mutable state or ThreadLocal in core");
    }

    @Test
    void theCheckFindsWhatItLooksFor(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path f = dir.resolve("Bad.java");
        Files.writeString(f, String.join("\n",
                "class Bad {",
                "    static int counter;",
                "    private static boolean enabled = true;",
                "    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[1]);",
                "    static final java.util.concurrent.atomic.AtomicLong CALLS = new java.util.concurrent.atomic.AtomicLong();",
                "    private static final int FINE = 3;",
                "    static final float[] TABLE = {1f};",
                "    static int method() { return 1; }",
                "}"));
        List<String> found = violations(dir);
        assertEquals(4, found.size(), String.join("\n", found));
        assertTrue(found.get(0).contains("counter") && found.get(1).contains("enabled")
                && found.get(2).contains("SCRATCH") && found.get(3).contains("CALLS"), String.join("\n", found));
    }
}
