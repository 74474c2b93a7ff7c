package org.rnn4j.experiments;

import org.rnn4j.io.Provenance;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.train.Checkpoint;
import org.rnn4j.train.Trainer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
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
 */
public final class RunCheckpoint {

    private final Path file;
    private final Map<String, Object> identity;
    private final Checkpoint restored;
    private PrintWriter epochs;
    private BooleanSupplier stop = () -> false;

    /** Thrown after saving an epoch when the run is asked to stop (see {@link #stopAfterEpochWhen}). */
    public static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped(Path file) {
            super("stopped after an epoch; the run's progress is in " + file, null, false, false);
        }
    }

    private RunCheckpoint(Path file, Map<String, Object> identity, Checkpoint restored) {
        this.file = file;
        this.identity = identity;
        this.restored = restored;
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
        return new RunCheckpoint(file, identity(settingsKey, run), null);
    }

    /**
     * The run saved in {@code file} by an earlier call.
     *
     * @throws IllegalArgumentException naming the file if it is damaged or belongs to another run or other settings
     */
    public static RunCheckpoint resume(Path file, String settingsKey, RunId run) throws IOException {
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
        return new RunCheckpoint(file, want, c);
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
        if (restored == null) {
            return ExperimentDriver.madeBy();
        }
        return restored.run().get("made_by") instanceof String by ? by : "an rnn4j that did not record its version";
    }

    public Path file() {
        return file;
    }

    /** The epochs the saved run has finished; 0 for a fresh run. */
    public int epochsDone() {
        return restored == null ? 0 : restored.progress().epoch();
    }

    /**
     * Puts the saved state into a freshly built model, optimizer and trainer of the run's kinds; a fresh run leaves
     * them as they are.
     */
    public void restoreInto(SequenceModel net, Optimizer optimizer, Trainer trainer) {
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
        if (restored != null) {
            for (Object v : (List<?>) restored.run().get("curve")) {
                curve.add(((Number) v).doubleValue());
            }
        }
        return curve;
    }

    /** Seconds trained by the earlier calls (0 for a fresh run). */
    public double seconds() {
        return restored == null ? 0 : ((Number) restored.run().get("seconds")).doubleValue();
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
        if (epochs != null) {
            synchronized (epochs) {
                epochs.printf(Locale.ROOT, "%s %s seed %d: epoch %d of %d, %.4g, %.0f s%n", identity.get("model"),
                        identity.get("condition"), identity.get("seed"), curve.size(), trainer.config().epochs(),
                        curve.get(curve.size() - 1), seconds);
                epochs.flush();
            }
        }
        if (stop.getAsBoolean()) {
            throw new Stopped(file);
        }
    }

    /** Removes the checkpoint once the run is saved whole. */
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }
}
