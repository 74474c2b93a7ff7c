package org.rnn4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs many command lines one after another in this JVM, each as {@link Main#main} runs one: {@link Main#run} with
 * System.out and System.err as its streams, its return value being the exit code that {@code main} hands to
 * {@code System.exit}. What a case prints is captured apart from the others; an exception or error that escapes
 * {@code run} is printed as the JVM prints an uncaught one, with exit code 1, so that the caller sees the stack trace.
 *
 * <p>Started by {@link MalformedInputsIT} in JVMs of its own, with the launcher's JVM options:
 * {@code CaseRunner CASES RESULTS TIMEOUT_SECONDS}. CASES holds a case a line: an id, then each argument in base64,
 * separated by tabs. Each result is appended to RESULTS as soon as the case ends, a line of id, exit code, stdout and
 * stderr (base64) and milliseconds; a case that runs longer than the timeout is written with exit code -1 and ends
 * this JVM, and a case that ends the JVM itself leaves no line: the caller starts another JVM for the cases after it.
 */
final class CaseRunner {

    private CaseRunner() {
    }

    public static void main(String[] argv) throws IOException, InterruptedException {
        List<String> lines = Files.readAllLines(Path.of(argv[0]), StandardCharsets.UTF_8);
        Path results = Path.of(argv[1]);
        long timeout = Long.parseLong(argv[2]);
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "main");   // the name a real run's thread has, for uncaught-exception output
            t.setDaemon(true);
            return t;
        });
        try (Writer resultWriter = Files.newBufferedWriter(results, StandardCharsets.UTF_8)) {
            for (String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                String id = f[0];
                List<String> args = new ArrayList<>();
                for (int i = 1; i < f.length; i++) {
                    args.add(new String(Base64.getDecoder().decode(f[i]), StandardCharsets.UTF_8));
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                PrintStream caseOut = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream caseErr = new PrintStream(err, true, StandardCharsets.UTF_8);
                System.setOut(caseOut);
                System.setErr(caseErr);
                long start = System.nanoTime();
                int exit;
                Future<Integer> f0 = pool.submit(() -> {
                    try {
                        return Main.run(args.toArray(String[]::new));
                    } catch (Throwable t) {
                        caseErr.print("Exception in thread \"main\" ");
                        t.printStackTrace(caseErr);
                        return 1;
                    }
                });
                boolean timedOut = false;
                try {
                    exit = f0.get(timeout, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    exit = -1;
                    timedOut = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e);
                }
                caseOut.flush();
                caseErr.flush();
                System.setOut(realOut);
                System.setErr(realErr);
                resultWriter.write(id + "\t" + exit + "\t" + b64(out.toByteArray()) + "\t" + b64(err.toByteArray())
                        + "\t" + (System.nanoTime() - start) / 1_000_000 + "\n");
                resultWriter.flush();
                if (timedOut) {
                    Runtime.getRuntime().halt(97);
                }
            }
        }
        realOut.flush();
        Runtime.getRuntime().halt(0);   // a case may have left a non-daemon thread behind; it must not hold the JVM
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** For the caller: a case's line in the CASES file. */
    static String caseLine(String id, List<String> args) {
        StringBuilder sb = new StringBuilder(id);
        for (String a : args) {
            sb.append('\t').append(Base64.getEncoder().encodeToString(a.getBytes(StandardCharsets.UTF_8)));
        }
        return sb.toString();
    }

    /** A result line read back by the caller. */
    record Result(String id, int exit, String out, String err, long millis) {
        static Result parse(String line) {
            String[] f = line.split("\t", -1);
            return new Result(f[0], Integer.parseInt(f[1]), text(f[2]), text(f[3]), Long.parseLong(f[4]));
        }

        private static String text(String b64) {
            return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
        }
    }
}
