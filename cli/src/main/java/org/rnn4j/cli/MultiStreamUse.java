package org.rnn4j.cli;

import org.rnn4j.io.MultiStreamModelFile;
import org.rnn4j.io.NpyArray;
import org.rnn4j.io.Npy;
import org.rnn4j.kernel.Compute;
import org.rnn4j.loss.Losses;
import org.rnn4j.nn.MultiStreamModel;
import org.rnn4j.nn.RecurrentConfig;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.MultiStreamTrainer;
import org.rnn4j.train.SeededRandom;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code rnn4j eval} and {@code rnn4j predict} on a multi-stream model file ({@link MultiStreamModelFile}), with the
 * streams in an .npz archive as {@code train --data} reads them (x0, t0, len0, x1, …, and y; y is optional for
 * predict).
 */
final class MultiStreamUse {

    private MultiStreamUse() {
    }

    /**
     * Loss, accuracy and unit updates on the sequences of {@code dataFile}: all of them, or with {@code valSplit} the
     * validation part that {@code train --val-split} with the same {@code dataSeed} held out.
     */
    static int eval(Path modelFile, Path dataFile, Double valSplit, long dataSeed, int batch, PrintWriter out)
            throws IOException {
        checkArchive(dataFile);
        MultiStreamTraining.Data data = MultiStreamTraining.read(dataFile, true);
        int[] rows = rows(data.size(), valSplit, dataSeed);
        try (Compute compute = Compute.withThreads(Runtime.getRuntime().availableProcessors())) {
            MultiStreamModel model = MultiStreamModelFile.load(modelFile, compute).model();
            check(model.config(), data, modelFile, dataFile);
            long start = System.nanoTime();
            MultiStreamTrainer.Score s = MultiStreamTrainer.evaluate(model, data.subset(rows), batch);
            out.printf(Locale.ROOT, "%s on %s (%s%d sequences): loss %.6f, accuracy %.6f (%.1f s); unit updates at"
                            + " inference %.1f %% of dense%n", modelFile, dataFile,
                    valSplit == null ? "" : "the --val-split part, ", rows.length, s.loss(), s.accuracy(),
                    (System.nanoTime() - start) / 1e9, 100 * s.updateFraction());
        }
        return 0;
    }

    /**
     * The head's outputs for every sequence of {@code dataFile} after {@code activation}: .npy of shape (N, K), or
     * CSV with the sequence's index, the predicted class and the K outputs.
     */
    static int predict(Path modelFile, Path dataFile, Path output, String activation, int batch, PrintWriter out)
            throws IOException {
        if (dataFile == null) {
            throw new IllegalArgumentException(modelFile + " is a multi-stream model: give its streams with --data"
                    + " FILE.npz (x0, t0, x1, t1, …)");
        }
        String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean csv = name.endsWith(".csv");
        if (!csv && !name.endsWith(".npy")) {
            throw new IllegalArgumentException("-o " + output + ": a multi-stream model's outputs are written as .npy"
                    + " or .csv");
        }
        checkArchive(dataFile);
        MultiStreamTraining.Data data = MultiStreamTraining.read(dataFile, false);
        int n = data.size();
        try (Compute compute = Compute.withThreads(Runtime.getRuntime().availableProcessors())) {
            MultiStreamModel model = MultiStreamModelFile.load(modelFile, compute).model();
            check(model.config(), data, modelFile, dataFile);
            model.eval();
            int k = model.config().outputSize();
            float[] all = new float[n * k];
            for (int from = 0; from < n; from += batch) {
                int[] idx = new int[Math.min(batch, n - from)];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = from + i;
                }
                Tensor logits = model.forward(data.batch(idx));
                System.arraycopy(logits.data(), 0, all, from * k, idx.length * k);
            }
            Tensor y = Tensor.of(all, n, k);
            int[] predicted = Losses.argmax(y);
            PredictCommand.apply(activation, y);
            Path parent = output.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(parent, "." + output.getFileName(), ".tmp");
            try {
                if (csv) {
                    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                        StringBuilder header = new StringBuilder("sequence,predicted");
                        for (int c = 0; c < k; c++) {
                            header.append(",output_").append(c);
                        }
                        w.write(header.append('\n').toString());
                        for (int i = 0; i < n; i++) {
                            StringBuilder line = new StringBuilder().append(i).append(',').append(predicted[i]);
                            for (int c = 0; c < k; c++) {
                                line.append(',').append(y.data()[i * k + c]);
                            }
                            w.write(line.append('\n').toString());
                        }
                    }
                } else {
                    Npy.write(tmp, NpyArray.of(y));
                }
                Files.move(tmp, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            out.println("wrote " + output + " " + Tensor.shapeString(y.shape()));
        }
        return 0;
    }

    private static void checkArchive(Path dataFile) throws IOException {
        if (!MultiStreamTraining.isMultiStream(dataFile)) {
            throw new IllegalArgumentException("--data " + dataFile + ": a multi-stream model reads an .npz archive"
                    + " of streams x0, t0, x1, t1, … (as train --data does)"
                    + (Files.isRegularFile(dataFile) ? "" : "; there is no such file"));
        }
    }

    /** Rows of all n sequences, or the validation part of a --val-split as train drew it. */
    private static int[] rows(int n, Double valSplit, long dataSeed) {
        if (valSplit == null) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int nVal = (int) Math.round(valSplit * n);
        if (!(valSplit > 0 && valSplit < 1 && nVal >= 1 && nVal < n)) {
            throw new IllegalArgumentException("--val-split must leave at least one sequence on each side, got "
                    + valSplit);
        }
        return Arrays.copyOfRange(new SeededRandom(dataSeed).permutation(n), 0, nVal);
    }

    /** The archive has the model's streams, each with the model's features, and classes the model knows. */
    static void check(MultiStreamModel.Config config, MultiStreamTraining.Data data, Path modelFile, Path dataFile) {
        List<RecurrentConfig> nets = config.streams();
        if (nets.size() != data.streams().size()) {
            throw new IllegalArgumentException(modelFile + " reads " + nets.size() + " streams, but " + dataFile
                    + " has " + data.streams().size());
        }
        for (int s = 0; s < nets.size(); s++) {
            int f = data.streams().get(s).x().dim(2);
            if (f != nets.get(s).inputSize()) {
                throw new IllegalArgumentException(modelFile + " reads " + nets.get(s).inputSize()
                        + " features in stream " + s + ", but x" + s + " of " + dataFile + " has " + f);
            }
        }
        if (data.labels() != null && data.classes() > config.outputSize()) {
            throw new IllegalArgumentException(dataFile + ": y has classes up to " + (data.classes() - 1) + ", but "
                    + modelFile + " predicts " + config.outputSize());
        }
    }
}
