package org.rnn4j.cli;

import org.rnn4j.cli.options.CsvIndexProgress;
import org.rnn4j.data.DataFiles;
import org.rnn4j.data.csv.CsvColumns;
import org.rnn4j.data.csv.CsvSequences;
import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.Csv;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.FileFormatException;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Standardization;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rnn4j predict}: runs a model on inputs from a file and writes its outputs. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a model on input sequences and writes its outputs.",
                "Input -i: .npy of shape (B, T, I), or (T, I) for one sequence; or .csv with",
                "one row per step and one column per feature (one sequence). Output: .npy or",
                ".csv, shaped (B, T, K) / (B, K), without the batch axis for one sequence.",
                "Input --data: CSV in the long format of 'rnn4j train --data' (or a directory",
                "of CSV files), read with the columns stored in the model. Output: CSV with",
                "the sequence id (and step, for a prediction per step), then the predicted",
                "class and each class's probability, or the predicted targets.",
                "A multi-stream model reads --data FILE.npz (its streams x0, t0, x1, t1, …).",
                "It writes (N, K) outputs as .npy, or CSV: sequence, predicted class, outputs.",
                "Inputs are standardised as the model's training data was, if its file says so."})
final class PredictCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file (.rnn4j) or checkpoint.")
    Path modelFile;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Input tensor, .npy or .csv.")
    Path input;

    @Option(names = "--data", paramLabel = "FILE|DIR",
            description = "Input sequences in long-format CSV, or a directory of CSV files (one sequence each).")
    Path data;

    @Option(names = "--id-column", paramLabel = "NAME", description = "With --data: the sequence id column. Default: the model's, else id.")
    String idColumn;

    @Option(names = "--time-column", paramLabel = "NAME", description = "With --data: the timestamp column. Default: the model's.")
    String timeColumn;

    @Option(names = "--feature-columns", split = ",", paramLabel = "NAME",
            description = "With --data: the input columns. Default: the model's, else every column but id and time.")
    List<String> featureColumns;

    @Option(names = "--batch", defaultValue = "256", paramLabel = "B",
            description = "With --data: sequences per forward pass. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--wav", paramLabel = "FILE.wav",
            description = "A recording, for a model trained with 'train --features': prints its phone segments"
                    + " (start and end in seconds, phone), or writes them to -o FILE.tsv.")
    Path wav;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Outputs, .npy or .csv (.csv for --data); required but with --wav.")
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
        if (batch < 1) {   // for every kind of input, before anything is read or written
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        PrintWriter out = spec.commandLine().getOut();
        String act = activation.toLowerCase(Locale.ROOT);
        if (!act.equals("none") && !act.equals("softmax") && !act.equals("sigmoid")) {
            throw new IllegalArgumentException("--activation must be none, softmax or sigmoid, got " + activation);
        }
        if (org.rnn4j.io.MultiStreamModelFile.isMultiStreamModel(modelFile)) {
            if (input != null || wav != null) {
                throw new IllegalArgumentException(modelFile + " is a multi-stream model: give its streams with --data"
                        + " FILE.npz (x0, t0, x1, t1, …), not " + (input != null ? "-i" : "--wav"));
            }
            if (output == null) {
                throw new IllegalArgumentException("give the output file: -o FILE.npy or FILE.csv");
            }
            return MultiStreamUse.predict(modelFile, data, output, act, batch, out);
        }
        if ((input == null ? 0 : 1) + (data == null ? 0 : 1) + (wav == null ? 0 : 1) != 1) {
            throw new IllegalArgumentException("give the inputs as -i FILE (a tensor), --data FILE|DIR (CSV sequences)"
                    + " or --wav FILE.wav (a recording)");
        }
        if (wav != null) {
            return WavPrediction.run(modelFile, wav, output, out);
        }
        if (output == null) {
            throw new IllegalArgumentException("give the output file: -o FILE");
        }
        boolean csvOut = isCsv(output, "--output");
        if (data != null) {
            if (!csvOut) {
                throw new IllegalArgumentException("--data predictions are written as CSV; give -o FILE.csv");
            }
            return predictSequences(out, act);
        }
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
        checkFinite(input, x);
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
            ModelFile.Loaded loaded = ModelFile.load(modelFile, compute);
            SequenceModel model = loaded.model();
            int features = model.config().inputSize();
            if (x.dim(2) != features) {
                throw new FileFormatException(input + ": " + x.dim(2) + " features per step, but " + modelFile
                        + " reads " + features);
            }
            if (loaded.data() != null && loaded.data().standardized()) {
                x = new Standardization(loaded.data().mean(), loaded.data().std()).apply(x);
            }
            Tensor y;
            try {
                y = model.infer(x, Sequences.of(lengths, times), null);
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

    /** Predictions for CSV sequences, written as CSV with the sequence ids, a batch at a time. */
    private int predictSequences(PrintWriter out, String act) throws IOException {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        if (!DataFiles.isCsv(data)) {
            throw new IllegalArgumentException("--data " + data + ": expected a .csv file or a directory of .csv files;"
                    + " give tensors with -i");
        }
        try (Compute compute = Compute.withThreads(Runtime.getRuntime().availableProcessors())) {
            ModelFile.Loaded loaded = ModelFile.load(modelFile, compute);
            SequenceModel model = loaded.model();
            DataSchema schema = loaded.data();
            if (featureColumns == null && (schema == null || schema.featureColumns().isEmpty())) {
                // every other column would be taken as a feature, a label or target column left in the file too
                throw new IllegalArgumentException(modelFile + " does not say which columns it reads (it was not"
                        + " trained on CSV data): name them with --feature-columns");
            }
            CsvSequences seq = DataFiles.of(data).withColumns(new CsvColumns(idColumn, timeColumn, featureColumns, null,
                    null, null)).predictionInputs(schema, CsvIndexProgress::new);
            int features = model.config().inputSize();
            if (seq.features() != features) {
                throw new FileFormatException(data + ": " + seq.features() + " feature columns "
                        + seq.columns().features() + ", but " + modelFile + " reads " + features
                        + (schema == null || schema.featureColumns().isEmpty() ? "" : " " + schema.featureColumns()));
            }
            Standardization scaling = schema != null && schema.standardized()
                    ? new Standardization(schema.mean(), schema.std()) : null;
            boolean classes = schema != null && schema.labelColumn() != null;
            boolean perStep = model.head() == Head.EVERY_STEP;
            int k = model.config().outputSize();
            List<String> header = new ArrayList<>(List.of("id"));
            if (perStep) {
                header.add("step");
                if (seq.hasTimes()) {
                    header.add(seq.columns().time());
                }
            }
            if (classes) {
                header.add(schema.labelColumn());
                for (int c = 0; c < k; c++) {
                    header.add("p_" + className(schema, c));
                }
            } else {
                for (int c = 0; c < k; c++) {
                    header.add(schema != null && schema.targetColumns().size() == k ? schema.targetColumns().get(c)
                            : "y" + c);
                }
            }
            String act2 = classes ? "softmax" : act;
            long[] rows = {0};
            AtomicFiles.write(output, stream -> {
                Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                w.write(csvLine(header));
                for (int from = 0; from < seq.size(); from += batch) {
                    int[] idx = new int[Math.min(batch, seq.size() - from)];
                    for (int i = 0; i < idx.length; i++) {
                        idx[i] = from + i;
                    }
                    Batch b = seq.batch(idx);
                    Tensor x = scaling == null ? b.x() : scaling.apply(b.x());
                    Tensor y = model.infer(x, Sequences.of(b.lengths(), b.times()), null);
                    apply(act2, y);
                    float[] v = y.data();
                    int t = b.steps();
                    for (int r = 0; r < idx.length; r++) {
                        for (int s = perStep ? 0 : b.lengths()[r] - 1; s < b.lengths()[r]; s++) {
                            List<String> row = new ArrayList<>(List.of(seq.id(idx[r])));
                            int base = perStep ? (r * t + s) * k : r * k;
                            if (perStep) {
                                row.add(Integer.toString(s));
                                if (b.times() != null) {
                                    row.add(Double.toString(b.times()[r * t + s]));
                                }
                            }
                            if (classes) {
                                int best = 0;
                                for (int c = 1; c < k; c++) {
                                    best = v[base + c] > v[base + best] ? c : best;
                                }
                                row.add(className(schema, best));
                            }
                            for (int c = 0; c < k; c++) {
                                row.add(Float.toString(v[base + c]));
                            }
                            w.write(csvLine(row));
                            rows[0]++;
                        }
                    }
                }
                w.flush();
            });
            out.println("wrote " + output + ": " + rows[0] + " rows for " + seq.size() + " sequences"
                    + (classes ? ", the predicted " + schema.labelColumn() + " and each class's probability" : ""));
        }
        return 0;
    }

    private static String className(DataSchema schema, int c) {
        return schema.classNames().isEmpty() ? Integer.toString(c) : schema.classNames().get(c);
    }

    /** One CSV line; fields with commas, quotes or surrounding spaces are quoted. */
    private static String csvLine(List<String> fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            String f = fields.get(i);
            boolean quote = f.isEmpty() || f.contains(",") || f.contains("\"") || f.contains("\n")
                    || !f.equals(f.strip()) || (i == 0 && f.startsWith("#"));
            line.append(i == 0 ? "" : ",").append(quote ? "\"" + f.replace("\"", "\"\"") + "\"" : f);
        }
        return line.append('\n').toString();
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
    static void apply(String act, Tensor y) {
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

    /** A NaN or infinity in an input file is named with the file and its index, as train does. */
    private static void checkFinite(Path file, Tensor x) throws FileFormatException {
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                int f = x.dim(2);
                int t = x.dim(1);
                throw new FileFormatException(file + " contains " + d[i] + " at [" + i / (t * f) + ", " + i / f % t
                        + ", " + i % f + "]; inputs must be finite numbers");
            }
        }
    }
}
