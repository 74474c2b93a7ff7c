package org.rnn4j.experiments;

import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.Json;
import org.rnn4j.io.OptimizerStateJson;
import org.rnn4j.io.Provenance;
import org.rnn4j.param.Parameters;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.train.Checkpoint;
import org.rnn4j.train.Trainer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The training state of one unfinished run of an experiment ({@link ExperimentDriver}), saved after every epoch to
 * {@code <out>/runs/<run>.checkpoint}: the model, the optimizer's state, the trainer's progress, the learning curve so
 * far and the seconds trained so far. A run stopped in the middle (a crash, Ctrl-C, a machine going away) continues
 * from its last finished epoch with {@code --resume}, and ends with the bits of the uninterrupted run, since the
 * trainer draws every random number from the seed and its progress counters (see {@link Checkpoint}).
 *
 * <p>A run that trains a model of its own with a loop of its own (a {@code Seq2Seq}, not a {@link SequenceModel}
 * with a {@link Trainer}) saves its parameters, its optimizer and the epochs done with
 * {@link #save(Parameters, Optimizer, int, int, List, double)} and takes them back with
 * {@link #restoreInto(Parameters, Optimizer)}; that state is a JSON file with the float arrays as base64 of their
 * little-endian bytes (exact), written atomically. Such a loop must draw its random numbers from the seed and the
 * epoch, so that it too continues exactly.
 */
public final class RunCheckpoint {

    private final Path file;
    private final Map<String, Object> identity;
    private final Checkpoint restored;
    private final Map<String, Object> restoredState;   // a run of its own's saved state, or null
    private PrintWriter epochs;
    private BooleanSupplier stop = () -> false;

    /** Thrown after saving an epoch when the run is asked to stop (see {@link #stopAfterEpochWhen}). */
    public static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped(Path file) {
            super("stopped after an epoch; the run's progress is in " + file, null, false, false);
        }
    }

    private RunCheckpoint(Path file, Map<String, Object> identity, Checkpoint restored,
                          Map<String, Object> restoredState) {
        this.file = file;
        this.identity = identity;
        this.restored = restored;
        this.restoredState = restoredState;
    }

    /** What a run's checkpoint records about the run, so that it is never taken up by another. */
    private static Map<String, Object> identity(String settingsKey, RunId run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("settings_key", settingsKey);
        m.put("model", run.model());
        m.put("condition", run.condition());
        m.put("seed", run.seed());
        return m;
    }

    /** A run that starts from its first epoch and saves its state to {@code file} after every epoch. */
    public static RunCheckpoint fresh(Path file, String settingsKey, RunId run) {
        return new RunCheckpoint(file, identity(settingsKey, run), null, null);
    }

    /**
     * The run saved in {@code file} by an earlier call.
     *
     * @throws IllegalArgumentException naming the file if it is damaged or belongs to another run or other settings
     */
    public static RunCheckpoint resume(Path file, String settingsKey, RunId run) throws IOException {
        if (isStateFile(file)) {
            return resumeState(file, settingsKey, run);
        }
        Checkpoint c;
        try {
            c = Checkpoint.load(file, null);
        } catch (IOException e) {
            throw new IllegalArgumentException("--resume: " + file + " is not a run's checkpoint (" + e.getMessage()
                    + "); delete it to start that run again", e);
        }
        if (!c.run().containsKey("settings_key")) {
            throw new IllegalArgumentException("--resume: " + file + " is not the checkpoint of an experiment's run (it"
                    + " has no run settings; a checkpoint of rnn4j train continues with rnn4j train --resume); delete"
                    + " it to start that run again");
        }
        Map<String, Object> want = identity(settingsKey, run);
        Map<String, Object> got = new LinkedHashMap<>();
        for (String k : want.keySet()) {
            Object v = c.run().get(k);
            got.put(k, v instanceof Number n && !(v instanceof Double) ? n.longValue() : v);
        }
        if (!want.equals(got)) {
            throw new IllegalArgumentException("--resume: " + file + " is the checkpoint of " + got.get("model") + " "
                    + got.get("condition") + " seed " + got.get("seed") + " with settings " + got.get("settings_key")
                    + ", not of " + run.model() + " " + run.condition() + " seed " + run.seed() + " with "
                    + settingsKey + "; use another --out, or delete it to start that run again");
        }
        if (!(c.run().get("curve") instanceof List<?> curve) || !curve.stream().allMatch(v -> v instanceof Number)
                || !(c.run().get("seconds") instanceof Number)) {
            throw new IllegalArgumentException("--resume: " + file + " is not a run's checkpoint (its curve or seconds"
                    + " are missing or not numbers); delete it to start that run again");
        }
        return new RunCheckpoint(file, want, c, null);
    }

    /** Whether the file is the JSON state of a run of its own (it starts with '{'), not a model-file checkpoint. */
    private static boolean isStateFile(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return in.read() == '{';
        }
    }

    private static RunCheckpoint resumeState(Path file, String settingsKey, RunId run) throws IOException {
        Map<String, Object> m;
        try {
            Object parsed = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!(parsed instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("not a JSON object");
            }
            m = new LinkedHashMap<>();
            map.forEach((k, v) -> m.put((String) k, v));
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("--resume: " + file + " is not a run's checkpoint (" + e.getMessage()
                    + "); delete it to start that run again", e);
        }
        Map<String, Object> want = identity(settingsKey, run);
        Map<String, Object> got = new LinkedHashMap<>();
        for (String k : want.keySet()) {
            Object v = m.get(k);
            got.put(k, v instanceof Number n && !(v instanceof Double) ? n.longValue() : v);
        }
        if (!want.equals(got)) {
            throw new IllegalArgumentException("--resume: " + file + " is the checkpoint of " + got.get("model") + " "
                    + got.get("condition") + " seed " + got.get("seed") + " with settings " + got.get("settings_key")
                    + ", not of " + run.model() + " " + run.condition() + " seed " + run.seed() + " with "
                    + settingsKey + "; use another --out, or delete it to start that run again");
        }
        if (!(m.get("curve") instanceof List<?> curve) || !curve.stream().allMatch(v -> v instanceof Number)
                || !(m.get("seconds") instanceof Number) || !(m.get("epochs_done") instanceof Number)
                || !(m.get("parameters") instanceof String) || !(m.get("optimizer") instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("--resume: " + file + " is not a run's checkpoint (its curve, seconds,"
                    + " epochs, parameters or optimizer are missing or malformed); delete it to start that run again");
        }
        return new RunCheckpoint(file, want, null, m);
    }

    /** Where a line is written after every saved epoch; null (the default) for none. */
    public void reportEpochsTo(PrintWriter out) {
        this.epochs = out;
    }

    /** After saving an epoch, {@link #save} throws {@link Stopped} when {@code condition} holds. */
    public void stopAfterEpochWhen(BooleanSupplier condition) {
        this.stop = condition;
    }

    /** What made the saved epochs (library version, JDK, kernels); this process's for a fresh run. */
    public String madeBy() {
        Map<String, Object> saved = restored != null ? restored.run() : restoredState;
        if (saved == null) {
            return ExperimentDriver.madeBy();
        }
        return saved.get("made_by") instanceof String by ? by : "an rnn4j that did not record its version";
    }

    public Path file() {
        return file;
    }

    /** The epochs the saved run has finished; 0 for a fresh run. */
    public int epochsDone() {
        if (restoredState != null) {
            return ((Number) restoredState.get("epochs_done")).intValue();
        }
        return restored == null ? 0 : restored.progress().epoch();
    }

    /**
     * Puts the saved state into a freshly built model, optimizer and trainer of the run's kinds; a fresh run leaves
     * them as they are.
     */
    public void restoreInto(SequenceModel net, Optimizer optimizer, Trainer trainer) {
        if (restoredState != null) {
            throw new IllegalArgumentException(file + " holds the state of a run that trains a model of its own, not"
                    + " a trainer's; delete it to start that run again");
        }
        if (restored != null) {
            try {
                restored.restoreInto(net, optimizer, trainer);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " does not fit this run: " + e.getMessage()
                        + "; delete it to start that run again", e);
            }
        }
    }

    /** The learning curve of the epochs done (empty for a fresh run). */
    public List<Double> curve() {
        List<Double> curve = new ArrayList<>();
        Map<String, Object> saved = restored != null ? restored.run() : restoredState;
        if (saved != null) {
            for (Object v : (List<?>) saved.get("curve")) {
                curve.add(((Number) v).doubleValue());
            }
        }
        return curve;
    }

    /** Seconds trained by the earlier calls (0 for a fresh run). */
    public double seconds() {
        Map<String, Object> saved = restored != null ? restored.run() : restoredState;
        return saved == null ? 0 : ((Number) saved.get("seconds")).doubleValue();
    }

    /**
     * Saves the state after an epoch, atomically.
     *
     * @throws Stopped after saving, when the run is asked to stop
     */
    public void save(SequenceModel net, Trainer trainer, List<Double> curve, double seconds) {
        Map<String, Object> run = new LinkedHashMap<>(identity);
        run.put("curve", new ArrayList<Object>(curve));
        run.put("seconds", seconds);
        run.put("made_by", ExperimentDriver.madeBy());
        try {
            Checkpoint.save(file, net, trainer, Provenance.current((Long) identity.get("seed"),
                    identity.get("model") + " " + identity.get("condition")), run);
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the run's checkpoint " + file, e);
        }
        afterSave(curve, trainer.config().epochs(), seconds);
    }

    /** The --verbose line of the epoch just saved, and the stop when another run failed. */
    private void afterSave(List<Double> curve, int totalEpochs, double seconds) {
        if (epochs != null) {
            synchronized (epochs) {
                epochs.printf(Locale.ROOT, "%s %s seed %d: epoch %d of %d, %.4g, %.0f s%n", identity.get("model"),
                        identity.get("condition"), identity.get("seed"), curve.size(), totalEpochs,
                        curve.get(curve.size() - 1), seconds);
                epochs.flush();
            }
        }
        if (stop.getAsBoolean()) {
            throw new Stopped(file);
        }
    }

    /**
     * Puts the state saved by {@link #save(Parameters, Optimizer, int, int, List, double)} into a freshly built model's
     * parameters and a fresh optimizer of the saved kind; a fresh run leaves them as they are.
     */
    public void restoreInto(Parameters params, Optimizer optimizer) {
        if (restored != null) {
            throw new IllegalArgumentException(file + " holds a trainer's checkpoint, not the state of a run that trains"
                    + " a model of its own; delete it to start that run again");
        }
        if (restoredState == null) {
            return;
        }
        float[] values = OptimizerStateJson.floats((String) restoredState.get("parameters"));
        Map<?, ?> opt = (Map<?, ?>) restoredState.get("optimizer");
        if (values.length != params.size() || !optimizer.name().equals(opt.get("name"))) {
            throw new IllegalArgumentException(file + " does not fit this run: it holds " + values.length
                    + " parameters and a " + opt.get("name") + " optimizer, the run has " + params.size() + " and "
                    + optimizer.name() + "; delete it to start that run again");
        }
        OptimizerStateJson.restore(optimizer, opt);
        System.arraycopy(values, 0, params.values(), 0, values.length);
    }

    /**
     * Saves the state of a run that trains a model of its own after an epoch, atomically: its parameters, its
     * optimizer (kind, steps, state arrays), the epochs done, the curve and the seconds so far.
     *
     * @param totalEpochs the run's epochs in all, for the --verbose line
     * @throws Stopped after saving, when the run is asked to stop
     */
    public void save(Parameters params, Optimizer optimizer, int epochsDone, int totalEpochs, List<Double> curve,
                     double seconds) {
        Map<String, Object> m = new LinkedHashMap<>(identity);
        m.put("curve", new ArrayList<Object>(curve));
        m.put("seconds", seconds);
        m.put("made_by", ExperimentDriver.madeBy());
        m.put("epochs_done", (long) epochsDone);
        m.put("optimizer", OptimizerStateJson.of(optimizer));
        m.put("parameters", OptimizerStateJson.base64(params.values()));
        try {
            AtomicFiles.write(file, os -> os.write(Json.write(m).getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the run's checkpoint " + file, e);
        }
        afterSave(curve, totalEpochs, seconds);
    }

    /** Removes the checkpoint once the run is saved whole. */
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }
}
