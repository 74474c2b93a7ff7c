package org.rnn4j.cli;

import org.rnn4j.io.DType;
import org.rnn4j.io.MultiStreamModelFile;
import org.rnn4j.io.NpyArray;
import org.rnn4j.io.OptimizerStateJson;
import org.rnn4j.io.Npz;
import org.rnn4j.io.Provenance;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.MultiStreamModel;
import org.rnn4j.nn.PhasedLstmSpec;
import org.rnn4j.nn.RecurrentConfig;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.MultiStreamTrainer;
import org.rnn4j.train.SeededRandom;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code rnn4j train --data FILE.npz} when the archive holds several input streams, each on its own clock:
 * arrays {@code x0, x1, …} (N, T_k, F_k) float, {@code t0, t1, …} (N, T_k) timestamps, optionally {@code len0,
 * len1, …} (N) valid steps, and {@code y} (N) class indices. A {@link MultiStreamModel} is trained on them: a network
 * per stream (--cell, --hidden or --stream-hidden, --period or --stream-period), a merge network stepping at the
 * union of the streams' times (--hidden, --layers) and a linear head; written as model.rnn4j
 * ({@link MultiStreamModelFile}) with metrics.jsonl.
 */
final class MultiStreamTraining {

    /**
     * The streams' arrays, checked: every stream has as many sequences, times never go backwards; labels null when
     * the archive has no y (for predictions).
     */
    record Data(List<MultiStreamModel.Input> streams, int[] labels, int classes) {

        int size() {
            return streams.get(0).x().dim(0);
        }

        /** The sequences {@code idx} of every stream. */
        List<MultiStreamModel.Input> batch(int[] idx) {
            List<MultiStreamModel.Input> out = new ArrayList<>();
            for (MultiStreamModel.Input in : streams) {
                int t = in.x().dim(1);
                int f = in.x().dim(2);
                float[] x = new float[idx.length * t * f];
                double[] times = new double[idx.length * t];
                int[] lengths = new int[idx.length];
                for (int i = 0; i < idx.length; i++) {
                    System.arraycopy(in.x().data(), idx[i] * t * f, x, i * t * f, t * f);
                    System.arraycopy(in.times(), idx[i] * t, times, i * t, t);
                    lengths[i] = in.lengths() == null ? t : in.lengths()[idx[i]];
                }
                out.add(new MultiStreamModel.Input(Tensor.of(x, idx.length, t, f), lengths, times));
            }
            return out;
        }

        int[] labels(int[] idx) {
            int[] y = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                y[i] = labels[idx[i]];
            }
            return y;
        }

        /** The sequences {@code rows} (in that order) as a trainer's source. */
        MultiStreamTrainer.Source subset(int[] rows) {
            return new MultiStreamTrainer.Source() {
                @Override
                public int size() {
                    return rows.length;
                }

                @Override
                public List<MultiStreamModel.Input> inputs(int[] idx) {
                    return batch(pick(idx));
                }

                @Override
                public int[] labels(int[] idx) {
                    return Data.this.labels(pick(idx));
                }

                private int[] pick(int[] idx) {
                    int[] r = new int[idx.length];
                    for (int i = 0; i < idx.length; i++) {
                        r[i] = rows[idx[i]];
                    }
                    return r;
                }
            };
        }
    }

    /** Whether {@code file} is an .npz archive of several streams (it has x0 and no x). */
    static boolean isMultiStream(Path file) throws IOException {
        if (file == null || !file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz")
                || !Files.isRegularFile(file)) {
            return false;
        }
        Map<String, NpyArray> arrays = Npz.read(file);
        return arrays.containsKey("x0") && !arrays.containsKey("x");
    }

    /**
     * Reads and checks the streams of {@code file}; every problem is one sentence naming the file and the array.
     */
    static Data read(Path file) throws IOException {
        return read(file, true);
    }

    /**
     * Reads and checks the streams of {@code file}; without {@code labelled}, y may be absent (then
     * {@link Data#labels()} is null and classes 0), for predictions.
     */
    static Data read(Path file, boolean labelled) throws IOException {
        Map<String, NpyArray> a = Npz.read(file);
        String f = file.toString();
        int streams = 0;
        while (a.containsKey("x" + streams)) {
            streams++;
        }
        for (String name : a.keySet()) {
            if (!name.matches("(x|t|len)\\d+|y")) {
                throw new IllegalArgumentException(f + ": unknown array '" + name + "'; a multi-stream archive holds"
                        + " x0, t0, len0 (optional), x1, t1, len1, …, and y");
            }
            if (name.matches("(t|len)\\d+") && Integer.parseInt(name.replaceAll("\\D", "")) >= streams
                    || name.matches("x\\d+") && Integer.parseInt(name.substring(1)) >= streams) {
                throw new IllegalArgumentException(f + ": has '" + name + "' but the streams x0 … x" + (streams - 1)
                        + " stop before it; streams are numbered from 0 without gaps");
            }
        }
        if (streams == 0) {
            throw new IllegalArgumentException(f + ": has no stream x0; a multi-stream archive holds x0, t0, len0"
                    + " (optional), x1, t1, len1, …, and y");
        }
        NpyArray y = a.get("y");
        if (y == null && labelled) {
            throw new IllegalArgumentException(f + ": has no array 'y' (the class of each sequence, (N) integers)");
        }
        if (y != null && (y.rank() != 1
                || !(y.dtype() == DType.INT32 || y.dtype() == DType.INT64 || y.dtype() == DType.UINT8))) {
            throw new IllegalArgumentException(f + ": y must be (N) class indices as integers, got "
                    + y.dtype().descr() + " " + Arrays.toString(y.shape()));
        }
        int[] labels = y == null ? null : y.toIntArray();
        int n = labels != null ? labels.length : a.get("x0").rank() == 0 ? 0 : a.get("x0").shape()[0];
        int classes = 0;
        for (int i = 0; labels != null && i < n; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException(f + ": y[" + i + "] is " + labels[i] + "; classes are 0, 1, 2, …");
            }
            classes = Math.max(classes, labels[i] + 1);
        }
        List<MultiStreamModel.Input> inputs = new ArrayList<>();
        for (int k = 0; k < streams; k++) {
            NpyArray x = a.get("x" + k);
            if (x.rank() != 3) {
                throw new IllegalArgumentException(f + ": x" + k + " must be (N, T, F), got shape "
                        + Arrays.toString(x.shape()));
            }
            int[] s = x.shape();
            if (s[0] != n) {
                throw new IllegalArgumentException(f + ": x" + k + " has " + s[0] + " sequences but "
                        + (labels != null ? "y has " + n + (k > 0 ? " and " : "") : "")
                        + (k > 0 ? "x0 has " + inputs.get(0).x().dim(0) : "")
                        + "; every stream needs one row per sequence");
            }
            NpyArray t = a.get("t" + k);
            if (t == null) {
                throw new IllegalArgumentException(f + ": stream " + k + " has x" + k + " but no t" + k
                        + " (its timestamps, (N, T) = (" + s[0] + ", " + s[1] + "))");
            }
            if (t.rank() != 2 || t.shape()[0] != s[0] || t.shape()[1] != s[1]) {
                throw new IllegalArgumentException(f + ": t" + k + " must have shape (" + s[0] + ", " + s[1]
                        + ") like x" + k + ", got " + Arrays.toString(t.shape()));
            }
            int[] lengths = null;
            NpyArray len = a.get("len" + k);
            if (len != null) {
                if (len.rank() != 1 || len.shape()[0] != n) {
                    throw new IllegalArgumentException(f + ": len" + k + " must have shape (" + n + "), got "
                            + Arrays.toString(len.shape()));
                }
                lengths = len.toIntArray();
                for (int i = 0; i < n; i++) {
                    if (lengths[i] < 0 || lengths[i] > s[1]) {
                        throw new IllegalArgumentException(f + ": len" + k + "[" + i + "] is " + lengths[i]
                                + "; it must be in 0.." + s[1]);
                    }
                }
            }
            float[] xs = x.toFloatArray();
            double[] ts = t.toDoubleArray();
            for (int i = 0; i < n; i++) {
                int valid = lengths == null ? s[1] : lengths[i];
                for (int j = 0; j < valid; j++) {
                    double now = ts[i * s[1] + j];
                    if (!Double.isFinite(now)) {
                        throw new IllegalArgumentException(f + ": t" + k + "[" + i + ", " + j + "] is " + now);
                    }
                    if (j > 0 && now < ts[i * s[1] + j - 1]) {
                        throw new IllegalArgumentException(f + ": t" + k + " goes backwards in sequence " + i
                                + " at step " + j + " (" + now + " after " + ts[i * s[1] + j - 1] + ")");
                    }
                    for (int q = 0; q < s[2]; q++) {
                        float v = xs[(i * s[1] + j) * s[2] + q];
                        if (!Float.isFinite(v)) {
                            throw new IllegalArgumentException(f + ": x" + k + "[" + i + ", " + j + ", " + q + "] is "
                                    + v);
                        }
                    }
                }
                for (int j = valid; j < s[1]; j++) {   // padding steps hold the last valid time (0 for none)
                    ts[i * s[1] + j] = valid == 0 ? 0 : ts[i * s[1] + valid - 1];
                }
            }
            inputs.add(new MultiStreamModel.Input(Tensor.of(xs, s[0], s[1], s[2]), lengths, ts));
        }
        for (int i = 0; i < n; i++) {
            boolean any = false;
            for (MultiStreamModel.Input in : inputs) {
                any |= in.lengths() == null ? in.x().dim(1) > 0 : in.lengths()[i] > 0;
            }
            if (!any) {
                throw new IllegalArgumentException(f + ": sequence " + i + " has no step in any stream");
            }
        }
        return new Data(inputs, labels, labels == null ? 0 : Math.max(classes, 2));
    }

    private final TrainCommand cmd;

    MultiStreamTraining(TrainCommand cmd) {
        this.cmd = cmd;
    }

    /** The architecture for the data: a network per stream of --cell, the merge network, the head. */
    MultiStreamModel.Config config(Data data) {
        int k = data.streams().size();
        List<Integer> hidden = cmd.streams.hiddenSizes(k, cmd.model.hiddenSize());
        List<double[]> periods = cmd.streams.periods(k);
        CellSpec cell = cmd.model.cellSpec();
        List<RecurrentConfig> nets = new ArrayList<>();
        int width = 0;
        for (int s = 0; s < k; s++) {
            CellSpec c = cell;
            if (periods != null) {
                if (!(cell instanceof PhasedLstmSpec p)) {
                    throw new IllegalArgumentException("--stream-period applies to --cell plstm only, not to "
                            + cmd.model.cellName());
                }
                c = p.withPeriodRange(periods.get(s)[0], periods.get(s)[1]);
            }
            RecurrentConfig net = new RecurrentConfig(c, data.streams().get(s).x().dim(2), hidden.get(s), 1, false, 0f);
            nets.add(net);
            width += net.outputSize();
        }
        RecurrentConfig merge = new RecurrentConfig(cell, width, cmd.model.hiddenSize(), cmd.model.layers(), false, 0f);
        return new MultiStreamModel.Config(nets, merge, data.classes());
    }

    /** The key of a multi-stream checkpoint's state in its model file's meta. */
    static final String CHECKPOINT_META = "checkpoint";

    /** The command line stored in a multi-stream checkpoint ({@code train --resume}). */
    static List<String> savedArgs(MultiStreamModelFile.Loaded saved, Path file) {
        if (!(saved.meta().get(CHECKPOINT_META) instanceof Map<?, ?> c) || !(c.get("args") instanceof List<?> args)
                || !args.stream().allMatch(a -> a instanceof String)) {
            throw new IllegalArgumentException("--resume " + file + ": a multi-stream model file, not a checkpoint"
                    + " (it has no training state); train writes checkpoint.rnn4j beside model.rnn4j");
        }
        return args.stream().map(a -> (String) a).toList();
    }

    /**
     * Trains on the streams of {@code file} into --out: a new run, or with {@code saved} (a checkpoint read from
     * {@code savedFile}) the run it holds, from the epoch after its last. After each epoch the metrics line and then
     * checkpoint.rnn4j (model, optimizer, epochs done, the command line) are written; at the end model.rnn4j.
     */
    int run(Path file, PrintWriter out, PrintWriter err, MultiStreamModelFile.Loaded saved, Path savedFile)
            throws IOException {
        if (cmd.model.bidirectional()) {
            throw new IllegalArgumentException("--bidirectional: a multi-stream model's networks run forwards, so that"
                    + " each stream's outputs are known as its events arrive");
        }
        for (String[] unused : new String[][] {{"--tbptt", cmd.tbptt != null ? "" : null},
                {"--max-steps", cmd.maxSteps != null ? "" : null}, {"--patience", cmd.patience > 0 ? "" : null},
                {"--clip-value", cmd.clipValue > 0 ? "" : null}}) {
            if (unused[1] != null) {
                throw new IllegalArgumentException(unused[0] + " is not supported with several streams (" + file + ")");
            }
        }
        if (cmd.batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + cmd.batch);
        }
        Data all = read(file);
        MultiStreamModel.Config config = config(all);
        Double split = cmd.data.valSplit();
        int nVal = split == null ? 0 : (int) Math.round(split * all.size());
        if (split != null && !(split > 0 && split < 1 && nVal >= 1 && nVal < all.size())) {
            throw new IllegalArgumentException("--val-split must leave at least one sequence on each side, got " + split);
        }
        int[] order = new SeededRandom(cmd.data.dataSeed()).permutation(all.size());
        int[] val = Arrays.copyOfRange(order, 0, nVal);
        int[] train = Arrays.copyOfRange(order, nVal, order.length);
        Optimizer optimizer = cmd.optim.create(cmd.momentumGiven);
        int done = 0;
        double secondsBefore = 0;
        if (saved != null) {
            Map<?, ?> state = (Map<?, ?>) saved.meta().get(CHECKPOINT_META);
            if (!saved.model().config().equals(config) || !(state.get("epochs_done") instanceof Number e)
                    || !(state.get("seconds") instanceof Number sec)) {
                throw new IllegalArgumentException("--resume " + savedFile + ": the checkpoint's model is not the one"
                        + " its command line builds on " + file + " (was the data file changed?)");
            }
            try {
                OptimizerStateJson.restore(optimizer, state.get("optimizer"));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("--resume " + savedFile + ": " + bad.getMessage(), bad);
            }
            done = e.intValue();
            secondsBefore = sec.doubleValue();
        }
        RunDirectory runDir = saved != null ? RunDirectory.resume(cmd.out, done, err)
                : RunDirectory.fresh(cmd.out, cmd.overwrite, err);
        int threads = cmd.threads != null ? cmd.threads : Runtime.getRuntime().availableProcessors();
        try (Compute compute = Compute.withThreads(threads)) {
            MultiStreamModel model = MultiStreamModel.create(config, cmd.seed, compute);
            if (saved != null) {
                System.arraycopy(saved.model().parameters().values(), 0, model.parameters().values(), 0,
                        model.parameters().size());
                out.println(done >= cmd.epochs ? "resuming " + savedFile + ": the run had finished after " + done
                        + (done == 1 ? " epoch" : " epochs") + "; writing its model and scoring it again"
                        : "resuming " + savedFile + " at epoch " + (done + 1));
            }
            out.printf("training a multi-stream model of %d streams (%s), merge %s x %d, %d classes, %d parameters%n",
                    config.streams().size(), describe(config), cmd.model.cellName(), cmd.model.hiddenSize(),
                    config.outputSize(), model.parameters().size());
            out.printf("on %s: %d training and %d validation sequences; %s lr %s, batch %d, %d epochs%n", file,
                    train.length, val.length, optimizer.name(), cmd.optim.learningRate(), cmd.batch, cmd.epochs);
            out.flush();
            long start = System.nanoTime();
            MultiStreamTrainer trainer = new MultiStreamTrainer(optimizer, cmd.batch, cmd.clipNorm, cmd.seed);
            MultiStreamTrainer.Source trainSet = all.subset(train);
            for (int epoch = done; epoch < cmd.epochs; epoch++) {
                MultiStreamTrainer.Epoch result = trainer.epoch(model, trainSet, epoch);
                if (result.divergedAt() > 0) {
                    throw new IllegalStateException("training diverged at step " + result.divergedAt()
                            + " (the loss was not finite); try a lower --lr or --clip-norm");
                }
                double[] v = val.length == 0 ? null : evaluate(model, all, val);
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("type", "epoch");
                line.put("epoch", epoch + 1);
                line.put("train_loss", result.meanLoss());
                if (v != null) {
                    line.put("val_loss", v[0]);
                    line.put("val_accuracy", v[1]);
                }
                runDir.appendMetrics(line);
                Map<String, Object> state = new LinkedHashMap<>();
                state.put("args", new ArrayList<Object>(cmd.originalArgs));
                state.put("epochs_done", (long) epoch + 1);
                state.put("seconds", secondsBefore + (System.nanoTime() - start) / 1e9);
                state.put("optimizer", OptimizerStateJson.of(optimizer));
                MultiStreamModelFile.save(runDir.file(RunDirectory.CHECKPOINT), model,
                        Provenance.current(cmd.seed, file.getFileName().toString()), Map.of(CHECKPOINT_META, state));
                out.printf(Locale.ROOT, "epoch %d: train loss %.4f%s%n", epoch + 1, result.meanLoss(), v == null ? ""
                        : String.format(Locale.ROOT, ", validation loss %.4f, accuracy %.4f", v[0], v[1]));
                out.flush();
            }
            double[] score = evaluate(model, all, val.length > 0 ? val : train);
            Path modelFile = runDir.file(RunDirectory.MODEL);
            MultiStreamModelFile.save(modelFile, model, Provenance.current(cmd.seed, file.getFileName().toString()));
            out.printf(Locale.ROOT, "done in %.1f s: %s loss %.5f, accuracy %.5f; unit updates at inference %.1f %% of"
                            + " dense%n", secondsBefore + (System.nanoTime() - start) / 1e9,
                    val.length > 0 ? "validation" : "training", score[0], score[1], 100 * score[2]);
            out.println("model: " + modelFile);
        } catch (Throwable failed) {   // out of memory included: a run that wrote nothing leaves no directory
            runDir.abandon();
            throw failed;
        } finally {
            runDir.release();
        }
        return 0;
    }

    private static String describe(MultiStreamModel.Config c) {
        List<String> parts = new ArrayList<>();
        for (RecurrentConfig r : c.streams()) {
            parts.add(r.inputSize() + " -> " + r.hiddenSize());
        }
        return String.join(", ", parts);
    }

    /** Loss, accuracy and the unit-update fraction of inference over the sequences idx. */
    static double[] evaluate(MultiStreamModel model, Data data, int[] idx) {
        MultiStreamTrainer.Score s = MultiStreamTrainer.evaluate(model, data.subset(idx), 256);
        return new double[] {s.loss(), s.accuracy(), s.updateFraction()};
    }
}
