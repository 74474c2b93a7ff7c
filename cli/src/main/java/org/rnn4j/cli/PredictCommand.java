package org.rnn4j.cli;

import org.rnn4j.io.Csv;
import org.rnn4j.io.FileFormatException;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.tensor.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rnn4j predict}: runs a model on inputs from a file and writes its outputs. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a model on input sequences and writes its outputs.",
                "Input: .npy of shape (B, T, I), or (T, I) for one sequence; or .csv with one row per step and one",
                "column per feature (one sequence). Output: .npy or .csv, shaped (B, T, K) / (B, K), without the",
                "batch axis for a single sequence."})
final class PredictCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file (.rnn4j) or checkpoint.")
    Path modelFile;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "FILE", description = "Inputs, .npy or .csv.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Outputs, .npy or .csv.")
    Path output;

    @Option(names = "--lengths", paramLabel = "FILE.npy", description = "Length of each sequence (B,), for padded inputs.")
    Path lengthsFile;

    @Option(names = "--times", paramLabel = "FILE.npy",
            description = "Timestamp of every step, (B, T) or (T,) for one sequence, for models with a time gate (plstm).")
    Path timesFile;

    @Option(names = "--header", description = "The CSV input has a header row.")
    boolean header;

    @Option(names = "--activation", defaultValue = "none", paramLabel = "NAME",
            description = "Applied to the outputs: none (raw), softmax (class probabilities) or sigmoid. Default: ${DEFAULT-VALUE}.")
    String activation;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        String act = activation.toLowerCase(Locale.ROOT);
        if (!act.equals("none") && !act.equals("softmax") && !act.equals("sigmoid")) {
            throw new IllegalArgumentException("--activation must be none, softmax or sigmoid, got " + activation);
        }
        boolean csvOut = isCsv(output, "--output");
        Tensor x;
        boolean single;
        if (isCsv(input, "--input")) {
            Tensor m = Csv.readMatrix(input, header);
            x = Tensor.of(m.data(), 1, m.dim(0), m.dim(1));
            single = true;
        } else {
            x = Npy.read(input).toTensor();
            single = x.rank() == 2;
            if (single) {
                x = Tensor.of(x.data(), 1, x.dim(0), x.dim(1));
            } else if (x.rank() != 3) {
                throw new FileFormatException(input + ": inputs must have shape (sequences, steps, features) or"
                        + " (steps, features), got " + Tensor.shapeString(x.shape()));
            }
        }
        int[] lengths = lengthsFile == null ? null : Npy.read(lengthsFile).toIntArray();
        double[] times = null;
        if (timesFile != null) {
            NpyArray ta = Npy.read(timesFile);
            times = ta.toDoubleArray();
            if (times.length != x.dim(0) * x.dim(1)) {
                throw new FileFormatException(timesFile + ": " + times.length + " timestamps, but the input has "
                        + x.dim(0) + " sequences of " + x.dim(1) + " steps");
            }
        }
        try (Compute compute = Compute.withThreads(Runtime.getRuntime().availableProcessors())) {
            SequenceModel model = ModelFile.load(modelFile, compute).model();
            int features = model.config().inputSize();
            if (x.dim(2) != features) {
                throw new FileFormatException(input + ": " + x.dim(2) + " features per step, but " + modelFile
                        + " reads " + features);
            }
            Tensor y;
            try {
                y = model.forward(x, lengths, null, times);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException((timesFile != null && e.getMessage().startsWith("times") ? timesFile + ": "
                        : "") + e.getMessage(), e);
            }
            apply(act, y);
            if (single) {
                y = model.head() == Head.EVERY_STEP ? Tensor.of(y.data(), y.dim(1), y.dim(2))
                        : Tensor.of(y.data(), y.dim(1));
            } else if (csvOut) {
                throw new IllegalArgumentException("CSV output holds one sequence; write .npy for " + x.dim(0) + " sequences");
            }
            if (csvOut) {
                Csv.write(output, y, null);
            } else {
                Npy.write(output, NpyArray.of(y));
            }
            out.println("wrote " + output + " " + Tensor.shapeString(y.shape()));
        }
        return 0;
    }

    private static boolean isCsv(Path file, String option) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return true;
        }
        if (name.endsWith(".npy")) {
            return false;
        }
        throw new IllegalArgumentException(option + " " + file + ": expected a .npy or .csv file");
    }

    /** Softmax or sigmoid over the last axis, in place. */
    private static void apply(String act, Tensor y) {
        float[] d = y.data();
        int k = y.dim(y.rank() - 1);
        if (act.equals("sigmoid")) {
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (1 / (1 + Math.exp(-d[i])));
            }
        } else if (act.equals("softmax")) {
            for (int r = 0; r < d.length / k; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    max = Math.max(max, d[r * k + j]);
                }
                double sum = 0;
                for (int j = 0; j < k; j++) {
                    sum += Math.exp(d[r * k + j] - max);
                }
                for (int j = 0; j < k; j++) {
                    d[r * k + j] = (float) (Math.exp(d[r * k + j] - max) / sum);
                }
            }
        }
    }
}
