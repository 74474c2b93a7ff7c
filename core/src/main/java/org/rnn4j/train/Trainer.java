package org.rnn4j.train;

import org.rnn4j.loss.LossValue;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.SequenceWindows;
import org.rnn4j.nn.Sequences;
import org.rnn4j.nn.State;
import org.rnn4j.optim.GradientClipping;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.param.Parameters;
import org.rnn4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Trains a {@link SequenceModel} on a {@link Dataset}: epochs of shuffled mini-batches, full or truncated
 * backpropagation through time, gradient clipping, a learning-rate schedule, validation after every epoch and
 * early stopping.
 *
 * <p>Reproducible: the order of epoch e is a permutation drawn from (seed, e) and the dropout masks of step s
 * from (seed, s), so the same seed gives the same run, and a run resumed from a {@link Progress} (plus the
 * parameters and the optimizer state) continues exactly as the uninterrupted run would have.
 *
 * <p>Truncated BPTT (k1, k2): each batch is cut into chunks of k1 steps. With per-step targets, after each chunk
 * the model runs over the window of the last k2 steps (from a chunk boundary, so k2 is rounded up to a multiple of
 * k1), starting from the state it had at the window's start, backpropagates the loss of the chunk's steps through
 * the window and the optimizer updates; the state at the chunk's end carries on. A {@link Head#LAST_STEP} model
 * runs forward without gradients in chunks up to a boundary at least k2 steps before the shortest sequence's end
 * and backpropagates its loss through the rest: one update per batch. With k1 = k2 = T this is exactly full BPTT.
 * The learning-rate schedule counts mini-batches, not updates.
 *
 * <p>A non-finite loss or gradient stops training with a {@link TrainingDivergedException} naming the step;
 * the parameters keep their values from before that update.
 */
public final class Trainer {

    /**
     * Where training stands: with the parameters and the optimizer state, everything needed to resume.
     *
     * @param epoch         the current epoch (0-based)
     * @param batchInEpoch  batches of this epoch already done
     * @param step          mini-batches done in total
     * @param lossSum       Σ loss·count over this epoch's batches so far
     * @param lossCount     Σ count
     * @param metricSum     Σ metric items over this epoch so far
     * @param metricCount   number of metric items
     * @param best          best monitored loss so far (NaN before the first epoch ends)
     * @param badEpochs     epochs since the last improvement
     * @param stopped       early stopping triggered
     */
    public record Progress(int epoch, int batchInEpoch, long step, double lossSum, double lossCount,
                           double metricSum, double metricCount, double best, int badEpochs, boolean stopped) {

        /** The start of a run. */
        public static Progress start() {
            return new Progress(0, 0, 0, 0, 0, 0, 0, Double.NaN, 0, false);
        }
    }

    /** Mean loss and metric of a model over a dataset. */
    public record Evaluation(double loss, double metric, long count) {
    }

    private static final long DROPOUT_STREAM = 0x5DEECE66DL;

    private final TrainConfig cfg;
    private final Optimizer optimizer;
    private final Updater updater;
    private float learningRate;
    private Progress progress = Progress.start();
    private float[] bestParameters;
    private volatile boolean stopRequested;

    public Trainer(TrainConfig config, Optimizer optimizer) {
        if (config == null || optimizer == null) {
            throw new IllegalArgumentException("a trainer needs a configuration and an optimizer");
        }
        this.cfg = config;
        this.optimizer = optimizer;
        this.updater = Updater.local(optimizer);
        this.learningRate = optimizer.learningRate();
    }

    /**
     * A trainer whose updates go to {@code updater} instead of a local optimizer (distributed training pushes them
     * to a parameter server); {@link #optimizer()} is then null. Everything else (batch order, dropout, clipping,
     * the schedule, truncated BPTT) is as with an optimizer.
     */
    public Trainer(TrainConfig config, Updater updater) {
        if (config == null || updater == null) {
            throw new IllegalArgumentException("a trainer needs a configuration and an updater");
        }
        this.cfg = config;
        this.optimizer = null;
        this.updater = updater;
        this.learningRate = config.learningRate();
    }

    public TrainConfig config() {
        return cfg;
    }

    /** The optimizer, or null for a trainer made with an {@link Updater}. */
    public Optimizer optimizer() {
        return optimizer;
    }

    public Progress progress() {
        return progress;
    }

    /** The parameters of the best epoch so far, kept for early stopping (null when patience is 0). */
    public float[] bestParameters() {
        return bestParameters;
    }

    /**
     * Continues from a saved progress (and, with early stopping, the saved best parameters). The model's parameters
     * and the optimizer's state must be restored by the caller.
     */
    public void resume(Progress saved, float[] savedBestParameters) {
        this.progress = saved;
        this.bestParameters = savedBestParameters == null ? null : savedBestParameters.clone();
    }

    /**
     * Asks {@link #fit} to return after the current mini-batch (for example from a listener, to time-box a run).
     * The progress then points into the middle of an epoch, and a later {@code fit} (or a run resumed from a
     * checkpoint) continues from there.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Trains until the configured number of epochs is done, early stopping triggers or {@link #requestStop()} is
     * called.
     *
     * @param validation evaluated after every epoch; may be null
     * @param listener   progress callbacks; may be null
     * @return the records of the epochs run by this call
     */
    public List<TrainListener.EpochRecord> fit(SequenceModel model, Dataset train, Dataset validation,
                                               TrainListener listener) {
        if (train.size() < 1) {
            throw new IllegalArgumentException("the training data is empty: " + train.describe());
        }
        if (cfg.tbpttForward() > 0 && model.recurrent().config().bidirectional()) {
            throw new IllegalArgumentException("truncated BPTT needs a unidirectional network: a bidirectional layer"
                    + " reads each sequence from both ends");
        }
        TrainListener events = listener == null ? new TrainListener() { } : listener;
        int n = train.size();
        int batches = (n + cfg.batchSize() - 1) / cfg.batchSize();
        List<TrainListener.EpochRecord> history = new ArrayList<>();
        stopRequested = false;
        while (progress.epoch() < cfg.epochs() && !progress.stopped()) {
            int epoch = progress.epoch();
            int[] order = permutation(n, SeededRandom.forItem(cfg.seed(), epoch));
            Dataset data = train.forEpoch(epoch);
            if (data.size() != n) {
                throw new IllegalStateException("epoch " + epoch + "'s data has " + data.size() + " sequences, not "
                        + n + ": " + data.describe());
            }
            long start = System.nanoTime();
            for (int b = progress.batchInEpoch(); b < batches; b++) {
                int[] indices = Arrays.copyOfRange(order, b * cfg.batchSize(), Math.min(n, (b + 1) * cfg.batchSize()));
                double[] sums = trainBatch(model, data.batch(indices).sortedByLength());
                Progress p = progress;
                progress = new Progress(epoch, b + 1, p.step() + 1, p.lossSum() + sums[0], p.lossCount() + sums[1],
                        p.metricSum() + sums[2], p.metricCount() + sums[3], p.best(), p.badEpochs(), false);
                events.onStep(new TrainListener.StepRecord(progress.step(), epoch, b + 1, batches, sums[0] / sums[1],
                        sums[3] > 0 ? sums[2] / sums[3] : Double.NaN, learningRate), progress);
                if (stopRequested) {
                    model.eval();
                    return history;
                }
            }
            history.add(endEpoch(model, validation, (System.nanoTime() - start) / 1e9, events));
        }
        if (cfg.patience() > 0 && bestParameters != null) {
            System.arraycopy(bestParameters, 0, model.parameters().values(), 0, bestParameters.length);
        }
        model.eval();
        return history;
    }

    private TrainListener.EpochRecord endEpoch(SequenceModel model, Dataset validation, double seconds,
                                               TrainListener events) {
        Progress p = progress;
        double trainLoss = p.lossSum() / p.lossCount();
        double trainMetric = p.metricCount() > 0 ? p.metricSum() / p.metricCount() : Double.NaN;
        Evaluation val = validation == null ? null : evaluate(model, validation, cfg.objective(), cfg.batchSize());
        double monitored = val == null ? trainLoss : val.loss();
        boolean improved = Double.isNaN(p.best()) || monitored < p.best();
        double best = improved ? monitored : p.best();
        int bad = improved ? 0 : p.badEpochs() + 1;
        if (improved && cfg.patience() > 0) {
            bestParameters = model.parameters().values().clone();
        }
        boolean stop = cfg.patience() > 0 && bad >= cfg.patience();
        progress = new Progress(p.epoch() + 1, 0, p.step(), 0, 0, 0, 0, best, bad, stop);
        TrainListener.EpochRecord rec = new TrainListener.EpochRecord(p.epoch(), trainLoss, trainMetric,
                val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.metric(), seconds, improved);
        events.onEpoch(rec, progress);
        return rec;
    }

    /** One mini-batch; returns {Σ loss·count, count, metric sum, metric count}. */
    private double[] trainBatch(SequenceModel model, Batch batch) {
        model.train(SeededRandom.forItem(cfg.seed() ^ DROPOUT_STREAM, progress.step()));
        if (cfg.tbpttForward() == 0) {
            return fullBptt(model, batch);
        }
        return truncatedBptt(model, batch);
    }

    private double[] fullBptt(SequenceModel model, Batch batch) {
        model.parameters().zeroGrad();
        Tensor prediction = model.forward(batch.x(), Sequences.of(batch.lengths(), batch.times()), null);
        double[] metric = cfg.objective().metricSum(prediction, batch, batch.lengths());
        if (metric[1] == 0) {
            return new double[4];   // nothing to learn from (every target ignored): no update
        }
        LossValue loss = cfg.objective().loss(prediction, batch, batch.lengths());
        checkFinite(loss);
        model.backward(loss.gradient(), false);
        update(model.parameters());
        return new double[]{loss.value() * loss.count(), loss.count(), metric[0], metric[1]};
    }

    private double[] truncatedBptt(SequenceModel model, Batch batch) {
        return model.head() == Head.EVERY_STEP ? truncatedPerStep(model, batch) : truncatedLastStep(model, batch);
    }

    /**
     * Per-step targets: after every chunk of k1 steps, the window of the last k2 steps (from a chunk boundary) is run
     * from its saved start state, the chunk's loss is backpropagated through the window and the optimizer updates.
     */
    private double[] truncatedPerStep(SequenceModel model, Batch batch) {
        int t = batch.steps();
        int k1 = cfg.tbpttForward();
        int k2 = cfg.tbpttBackward();
        // state at every chunk boundary j·k1 (index j); index 0 is the zero state
        State[] boundary = new State[(t + k1 - 1) / k1 + 1];
        double[] sums = new double[4];
        for (int chunkStart = 0, j = 0; chunkStart < t; chunkStart += k1, j++) {
            int end = Math.min(t, chunkStart + k1);
            int windowStart = Math.max(0, chunkStart + k1 - k2) / k1 * k1;   // k2 steps back from the chunk's nominal end
            Sequences window = Sequences.of(windowLengths(batch, windowStart, end),
                    sliceTimes(batch, windowStart, end)).window(windowStart);
            Tensor prediction = model.forward(SequenceWindows.steps(batch.x(), windowStart, end), window,
                    boundary[windowStart / k1]);
            boundary[j + 1] = model.finalState();
            int[] scoredLengths = windowLengths(batch, chunkStart, end);
            if (Arrays.stream(scoredLengths).allMatch(l -> l == 0)) {
                continue;   // every sequence ended before this chunk
            }
            Batch target = sliceTargets(batch, chunkStart, end);
            Tensor scored = SequenceWindows.steps(prediction, chunkStart - windowStart, end - windowStart);
            double[] metric = cfg.objective().metricSum(scored, target, scoredLengths);
            if (metric[1] == 0) {
                continue;   // every target of this chunk is ignored (a --delay's first steps, say): no update
            }
            LossValue loss = cfg.objective().loss(scored, target, scoredLengths);
            checkFinite(loss);
            model.parameters().zeroGrad();
            model.backward(placeSteps(loss.gradient(), chunkStart - windowStart, end - windowStart), false);
            update(model.parameters());
            sums[0] += loss.value() * loss.count();
            sums[1] += loss.count();
            sums[2] += metric[0];
            sums[3] += metric[1];
        }
        return sums;
    }

    /**
     * One target per sequence: the batch runs forward without gradients in chunks of k1 steps up to a chunk boundary
     * at least k2 steps before the shortest sequence's end, then one window to the end is backpropagated, so the
     * gradient reaches at least k2 steps into every sequence.
     */
    private double[] truncatedLastStep(SequenceModel model, Batch batch) {
        int t = batch.steps();
        int k1 = cfg.tbpttForward();
        int k2 = cfg.tbpttBackward();
        int shortest = batch.lengths() == null ? t : Arrays.stream(batch.lengths()).min().orElse(t);
        int windowStart = Math.max(0, shortest - k2) / k1 * k1;
        State state = null;
        for (int start = 0; start < windowStart; start += k1) {
            int end = Math.min(windowStart, start + k1);
            Sequences window = Sequences.of(windowLengths(batch, start, end), sliceTimes(batch, start, end))
                    .window(start);
            model.forward(SequenceWindows.steps(batch.x(), start, end), window, state);
            state = model.finalState();
        }
        Sequences window = Sequences.of(windowLengths(batch, windowStart, t), sliceTimes(batch, windowStart, t))
                .window(windowStart);
        Tensor prediction = model.forward(SequenceWindows.steps(batch.x(), windowStart, t), window, state);
        double[] metric = cfg.objective().metricSum(prediction, batch, null);
        if (metric[1] == 0) {
            return new double[4];   // nothing to learn from (every target ignored): no update
        }
        LossValue loss = cfg.objective().loss(prediction, batch, null);
        checkFinite(loss);
        model.parameters().zeroGrad();
        model.backward(loss.gradient(), false);
        update(model.parameters());
        return new double[]{loss.value() * loss.count(), loss.count(), metric[0], metric[1]};
    }

    /** Clipping, the learning rate of this update, and the update itself; refuses non-finite gradients. */
    private void update(Parameters params) {
        if (cfg.clipValue() > 0f) {
            GradientClipping.clipValue(params, cfg.clipValue());
        }
        double norm = cfg.clipNorm() > 0 ? GradientClipping.clipGlobalNorm(params, cfg.clipNorm()) : l2(params.grads());
        checkFinite(norm, "gradient norm");
        // the schedule runs over mini-batches, so it lasts as long with truncated BPTT (several updates a batch)
        learningRate = (float) (cfg.learningRate() * cfg.schedule().factor(progress.step()));
        updater.update(params, learningRate, progress.step());
    }

    private void checkFinite(LossValue loss) {
        checkFinite(loss.value(), "loss");
        double worst = 0;
        for (float g : loss.gradient().data()) {
            worst = Math.max(worst, Math.abs(g));
        }
        checkFinite(worst, "gradient of the loss");
    }

    private void checkFinite(double value, String what) {
        if (!Double.isFinite(value)) {
            long step = progress.step() + 1;
            throw new TrainingDivergedException("training diverged: the " + what + " became " + value + " at step "
                    + step + " (epoch " + (progress.epoch() + 1) + "); the parameters keep their values from before"
                    + " the failing update", step);
        }
    }

    /** Mean loss and metric of the model on a dataset, in batches, without dropout. */
    public static Evaluation evaluate(SequenceModel model, Dataset data, Objective objective, int batchSize) {
        model.eval();
        double lossSum = 0;
        double lossCount = 0;
        double metricSum = 0;
        double metricCount = 0;
        for (int from = 0; from < data.size(); from += batchSize) {
            int[] indices = new int[Math.min(batchSize, data.size() - from)];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = from + i;
            }
            Batch batch = data.batch(indices).sortedByLength();
            Tensor prediction = model.infer(batch.x(), Sequences.of(batch.lengths(), batch.times()), null);
            double[] metric = objective.metricSum(prediction, batch, batch.lengths());
            if (metric[1] == 0) {
                continue;   // every target of these sequences is ignored
            }
            LossValue loss = objective.loss(prediction, batch, batch.lengths());
            lossSum += loss.value() * loss.count();
            lossCount += loss.count();
            metricSum += metric[0];
            metricCount += metric[1];
        }
        return new Evaluation(lossSum / lossCount, metricCount > 0 ? metricSum / metricCount : Double.NaN,
                (long) lossCount);
    }

    /** A permutation of 0..n-1 (Fisher-Yates); see {@link SeededRandom#permutation}. */
    static int[] permutation(int n, SeededRandom rng) {
        return rng.permutation(n);
    }

    private static double l2(float[] g) {
        double s = 0;
        for (float v : g) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    /** Each sequence's number of valid steps within [from, to). */
    private static int[] windowLengths(Batch batch, int from, int to) {
        return SequenceWindows.lengths(batch.lengths(), batch.size(), batch.steps(), from, to);
    }

    /** The timestamps of steps [from, to) of every sequence, or null. */
    private static double[] sliceTimes(Batch batch, int from, int to) {
        return SequenceWindows.times(batch.times(), batch.size(), batch.steps(), from, to);
    }

    /** A (B, len, F) gradient placed at steps [from, from+len) of a zero (B, to, F) tensor. */
    private static Tensor placeSteps(Tensor g, int from, int to) {
        int b = g.dim(0);
        int len = g.dim(1);
        int f = g.dim(2);
        Tensor out = Tensor.zeros(b, to, f);
        for (int i = 0; i < b; i++) {
            System.arraycopy(g.data(), i * len * f, out.data(), (i * to + from) * f, len * f);
        }
        return out;
    }

    /** The per-step targets of steps [from, to). */
    private static Batch sliceTargets(Batch batch, int from, int to) {
        if (batch.classes() == null) {
            return Batch.withTargets(batch.x(), null, SequenceWindows.steps(batch.targets(), from, to));
        }
        int t = batch.steps();
        int len = to - from;
        int[] classes = new int[batch.size() * len];
        for (int i = 0; i < batch.size(); i++) {
            System.arraycopy(batch.classes(), i * t + from, classes, i * len, len);
        }
        return Batch.withClasses(batch.x(), null, classes);
    }
}
