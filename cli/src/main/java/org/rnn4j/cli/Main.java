package org.rnn4j.cli;

import org.rnn4j.cli.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * The {@code rnn4j} command. Exit codes: 0 success, 1 an error in the input or environment (a file that cannot
 * be read, a value out of range), 2 a usage error (unknown option, missing value), 3 training diverged.
 */
@Command(name = "rnn4j", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Recurrent neural networks on the JVM: train, evaluate, run, inspect and convert models, generate text and forecasts, and benchmark the library.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, InfoCommand.class,
                ConvertCommand.class, ExportCommand.class, FeaturesCommand.class, DataCommand.class,
                SampleCommand.class, ForecastCommand.class, DiagnoseCommand.class, BenchCommand.class,
                ExperimentCommand.class, PlotCommand.class, ClusterCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 bad input or I/O error, 2 usage error, 3 training diverged.",
                "Run 'rnn4j COMMAND --help' for the options of a command."})
public final class Main implements Runnable {

    static final int EXIT_ERROR = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_DIVERGED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        String note = scalarKernelsNote(args, org.rnn4j.kernel.Kernels.select().name(),
                System.getProperty("rnn4j.kernels", "auto"));
        if (note != null) {
            System.err.println(note);
        }
        System.exit(run(args));
    }

    /**
     * A note for commands that compute (train, eval, predict, bench, experiment) when the JVM was started without
     * the Vector API, so that the scalar kernels run unasked; null otherwise. {@code java -jar rnn4j.jar} alone
     * does that: a jar's manifest cannot add a module.
     */
    static String scalarKernelsNote(String[] args, String kernels, String forced) {
        if (!kernels.equals("scalar") || forced.equalsIgnoreCase("scalar") || args.length == 0
                || !java.util.Set.of("train", "eval", "predict", "bench", "experiment", "diagnose", "sample", "forecast").contains(args[0])
                || java.util.Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"))) {
            return null;
        }
        return "rnn4j: note: this JVM runs without the jdk.incubator.vector module, so rnn4j uses its scalar kernels,"
                + " several times slower; start java with --add-modules jdk.incubator.vector (the ./rnn4j launcher"
                + " does), or set -Drnn4j.kernels=scalar to silence this";
    }

    /** Runs the command line and returns the exit code. */
    static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output and error writers and returns the exit code. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setOverwrittenOptionsAllowed(true);   // the last of a repeated option wins
        cli.setExecutionExceptionHandler(Main::handleFailure);
        cli.setParameterExceptionHandler(Main::handleUsageError);
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("rnn4j: " + outOfMemory(Runtime.getRuntime().maxMemory(), heapLimitGiven()));
            return EXIT_ERROR;
        }
    }

    /**
     * What to do when the Java heap ran out; {@code maxHeap} is the JVM's limit in bytes, {@code given} whether the
     * JVM was started with a limit of its own (-Xmx and the like) rather than Java's default.
     */
    static String outOfMemory(long maxHeap, boolean given) {
        return String.format(java.util.Locale.ROOT, "out of memory: the Java heap's limit is %d MiB (%s). Give the"
                + " JVM more, e.g. JAVA_OPTS=-Xmx16g ./rnn4j ... (java -Xmx16g -jar ...), or use less: a smaller"
                + " --batch, or fewer runs at once (--jobs 1). An experiment keeps its finished runs and epochs (add"
                + " --resume to continue); train keeps its last checkpoint (train --resume)",
                maxHeap / (1024 * 1024),
                given ? "as the JVM's options set it" : "by default a quarter of the machine's memory");
    }

    /** Whether the JVM's options set its heap limit. */
    private static boolean heapLimitGiven() {
        for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-Xmx") || arg.startsWith("-XX:MaxHeapSize") || arg.startsWith("-XX:MaxRAM")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed, e.g. 'rnn4j train'");
    }

    private static int handleUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        java.util.List<String> unmatched = cmd.getUnmatchedArguments();
        if (e instanceof CommandLine.MissingParameterException && !unmatched.isEmpty()) {
            // picocli checks the required options first: a misspelt one would go unmentioned
            String u = unmatched.get(0);
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + (u.startsWith("-") ? "Unknown option: '"
                    : "Unmatched argument: '") + u + "'; and " + lowerFirst(e.getMessage()));
            err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
            return EXIT_USAGE;
        }
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
        return EXIT_USAGE;
    }

    private static int handleFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        if (e instanceof org.rnn4j.train.TrainingDivergedException) {
            err.println(name + ": " + e.getMessage());
            return EXIT_DIVERGED;
        }
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (cause instanceof IOException || cause instanceof IllegalArgumentException
                || cause instanceof IllegalStateException) {
            err.println(name + ": " + message(cause));
        } else {
            err.println(name + ": unexpected " + cause.getClass().getSimpleName() + ": " + message(cause));
        }
        if (System.getenv("RNN4J_DEBUG") != null) {
            cause.printStackTrace(err);
        } else if (!(cause instanceof IOException || cause instanceof IllegalArgumentException)) {
            err.println("(set RNN4J_DEBUG=1 for the stack trace)");
        }
        return EXIT_ERROR;
    }

    private static String lowerFirst(String s) {
        return s == null || s.isEmpty() ? String.valueOf(s) : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static String message(Throwable t) {
        if (t instanceof java.nio.file.NoSuchFileException n) {
            return org.rnn4j.io.FileErrors.printable(n.getFile() + ": no such file");
        }
        if (t instanceof java.nio.file.AccessDeniedException a) {
            return org.rnn4j.io.FileErrors.printable(a.getFile() + ": permission denied");
        }
        // one line whatever the message echoes: a carriage return in a file name, a newline from a file's content
        return org.rnn4j.io.FileErrors.printable(t.getMessage() == null ? t.toString() : t.getMessage());
    }

    /** Prints the library version and the runtime. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"rnn4j " + org.rnn4j.Version.VERSION,
                    "JDK " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                            + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                    "kernels: " + org.rnn4j.kernel.Kernels.select().name()};
        }
    }
}
