package org.rnn4j.train;

import org.rnn4j.io.DataSchema;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.ModelFileException;
import org.rnn4j.io.Provenance;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Optimizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint: the model, the optimizer's state and step count, the trainer's {@link Trainer.Progress}
 * (and best parameters, with early stopping), and free run information such as the command line. Stored in the
 * model-file container (kind {@value #KIND}), written atomically, so a crash never leaves a damaged checkpoint.
 *
 * <p>There is no random-generator state to save: the trainer draws the order of epoch e from (seed, e) and the
 * dropout masks of step s from (seed, s), so the progress counters determine every later random number. A run
 * resumed from a checkpoint therefore ends with exactly the parameters of the uninterrupted run.
 */
public final class Checkpoint {

    public static final String KIND = "checkpoint";
    private static final String OPTIMIZER_PREFIX = "optimizer.";
    private static final String BEST = "best_parameters";

    private final SequenceModel model;
    private final String optimizerName;
    private final long optimizerSteps;
    private final Map<String, float[]> optimizerState;
    private final Trainer.Progress progress;
    private final float[] bestParameters;
    private final Map<String, Object> run;
    private final Provenance provenance;

    private Checkpoint(SequenceModel model, String optimizerName, long optimizerSteps, Map<String, float[]> optimizerState,
                       Trainer.Progress progress, float[] bestParameters, Map<String, Object> run, Provenance provenance) {
        this.model = model;
        this.optimizerName = optimizerName;
        this.optimizerSteps = optimizerSteps;
        this.optimizerState = optimizerState;
        this.progress = progress;
        this.bestParameters = bestParameters;
        this.run = run;
        this.provenance = provenance;
    }

    /** Writes a checkpoint of a training run, atomically. */
    public static void save(Path file, SequenceModel model, Trainer trainer, Provenance provenance,
                            Map<String, Object> run) throws IOException {
        save(file, model, trainer, provenance, run, null);
    }

    /**
     * Writes a checkpoint of a training run with the schema of its data (null for none), atomically; evaluating or
     * predicting with the checkpoint then scales inputs as the run did.
     */
    public static void save(Path file, SequenceModel model, Trainer trainer, Provenance provenance,
                            Map<String, Object> run, DataSchema data) throws IOException {
        if (trainer.optimizer() == null) {
            throw new IllegalArgumentException("this trainer sends its updates elsewhere (an Updater) and has no"
                    + " optimizer state to save; checkpoint the parameter server instead");
        }
        Map<String, float[]> arrays = new LinkedHashMap<>();
        trainer.optimizer().state().forEach((name, values) -> arrays.put(OPTIMIZER_PREFIX + name, values));
        if (trainer.bestParameters() != null) {
            arrays.put(BEST, trainer.bestParameters());
        }
        Trainer.Progress p = trainer.progress();
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("epoch", (long) p.epoch());
        progress.put("batch_in_epoch", (long) p.batchInEpoch());
        progress.put("step", p.step());
        progress.put("loss_sum", p.lossSum());
        progress.put("loss_count", p.lossCount());
        progress.put("metric_sum", p.metricSum());
        progress.put("metric_count", p.metricCount());
        progress.put("best", Double.isNaN(p.best()) ? null : p.best());
        progress.put("bad_epochs", (long) p.badEpochs());
        progress.put("stopped", p.stopped());
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("optimizer", trainer.optimizer().name());
        meta.put("optimizer_steps", trainer.optimizer().steps());
        meta.put("progress", progress);
        meta.put("run", run == null ? Map.of() : run);
        ModelFile.write(file, new ModelFile.Contents(KIND, model.config(), model.parameters().values(), provenance,
                arrays, meta, data));
    }

    /**
     * Reads a checkpoint; the model is rebuilt on {@code compute} (null for serial).
     *
     * @throws ModelFileException if the file is not a checkpoint this library can read
     */
    public static Checkpoint load(Path file, Compute compute) throws IOException {
        ModelFile.Contents c = ModelFile.read(file);
        if (!KIND.equals(c.kind())) {
            throw new ModelFileException(file, "this is a " + c.kind() + " file, not a training checkpoint");
        }
        try {
            Map<String, Object> meta = c.meta();
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) meta.get("progress");
            Object best = p.get("best");
            Trainer.Progress progress = new Trainer.Progress(num(p, "epoch").intValue(), num(p, "batch_in_epoch").intValue(),
                    num(p, "step").longValue(), num(p, "loss_sum").doubleValue(), num(p, "loss_count").doubleValue(),
                    num(p, "metric_sum").doubleValue(), num(p, "metric_count").doubleValue(),
                    best == null ? Double.NaN : ((Number) best).doubleValue(), num(p, "bad_epochs").intValue(),
                    (Boolean) p.get("stopped"));
            Map<String, float[]> state = new LinkedHashMap<>();
            c.arrays().forEach((name, values) -> {
                if (name.startsWith(OPTIMIZER_PREFIX)) {
                    state.put(name.substring(OPTIMIZER_PREFIX.length()), values);
                }
            });
            SequenceModel model = SequenceModel.create(c.config(), 0, compute);
            System.arraycopy(c.parameters(), 0, model.parameters().values(), 0, c.parameters().length);
            @SuppressWarnings("unchecked")
            Map<String, Object> run = (Map<String, Object>) meta.getOrDefault("run", Map.of());
            return new Checkpoint(model, (String) meta.get("optimizer"), num(meta, "optimizer_steps").longValue(), state,
                    progress, c.arrays().get(BEST), run, c.provenance());
        } catch (ClassCastException | NullPointerException e) {
            throw new ModelFileException(file, "the checkpoint's training state is incomplete or malformed");
        }
    }

    private static Number num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new NullPointerException(key);
        }
        return n;
    }

    /**
     * Puts the saved state into a freshly built model, optimizer and trainer of the same kinds, so that
     * {@link Trainer#fit} continues the run.
     */
    public void restoreInto(SequenceModel target, Optimizer optimizer, Trainer trainer) {
        if (!target.config().equals(model.config())) {
            throw new IllegalArgumentException("the checkpoint holds a model of another architecture");
        }
        if (!optimizer.name().equals(optimizerName)) {
            throw new IllegalArgumentException("the checkpoint was trained with " + optimizerName + ", not "
                    + optimizer.name());
        }
        System.arraycopy(model.parameters().values(), 0, target.parameters().values(), 0, model.parameters().size());
        optimizer.restore(optimizerSteps, optimizerState);
        trainer.resume(progress, bestParameters);
    }

    public SequenceModel model() {
        return model;
    }

    public Trainer.Progress progress() {
        return progress;
    }

    public String optimizerName() {
        return optimizerName;
    }

    /** The run information given to {@link #save}, e.g. the command line. */
    public Map<String, Object> run() {
        return run;
    }

    public Provenance provenance() {
        return provenance;
    }

    /** Names of the saved optimizer state arrays. */
    public List<String> optimizerStateNames() {
        return List.copyOf(optimizerState.keySet());
    }
}
