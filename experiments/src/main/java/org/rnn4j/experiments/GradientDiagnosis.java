package org.rnn4j.experiments;

import org.rnn4j.data.synthetic.AddingProblem;
import org.rnn4j.data.synthetic.CopyMemory;
import org.rnn4j.data.synthetic.SyntheticTask;
import org.rnn4j.kernel.Compute;
import org.rnn4j.loss.LossValue;
import org.rnn4j.loss.Losses;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.RecurrentJacobians;
import org.rnn4j.nn.RnnSpec;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.nn.Sequences;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.GradientClipping;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.optim.Sgd;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.Batch;
import org.rnn4j.train.SeededRandom;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How the gradient flows back through time, measured: for fresh models of every cell on a long-range task (the
 * adding problem, or copy memory), ‖∂L/∂h_t‖ against t for the loss at the last step, at initialisation and after
 * some training ({@code Recurrent.recordStateGradients}); the largest singular value of the step Jacobian
 * diag(φ') W_hh over time for the tanh RNNs ({@link RecurrentJacobians}); and the global gradient norm at every
 * training step of one model trained with and without clipping (plain SGD), with the steps where clipping acted.
 * The tanh RNN
 * is measured at several scales g of its recurrent weights, W_hh ~ N(0, g²/H), whose spectral radius is about g:
 * below 1 the gradient vanishes, above 1 the network turns chaotic and gradients explode (Pascanu, Mikolov &amp;
 * Bengio 2013). {@link GradientReport} draws and writes the result.
 */
public final class GradientDiagnosis {

    /** The cells a diagnosis can build. */
    public static final List<String> CELLS = List.of("rnn-tanh", "irnn", "lstm", "gru", "plstm");

    /** The tasks. */
    public static final List<String> TASKS = List.of("adding", "copy");

    /**
     * @param task           {@code adding} (T steps, loss at the last step) or {@code copy} (copy memory with a delay of
     *                       T − 20 steps; the loss measured is the last step's)
     * @param steps          T
     * @param hidden         units per model
     * @param cells          which of {@link #CELLS}
     * @param scales         the recurrent weight scales g of the tanh RNN, one model each
     * @param batch          sequences per mini-batch, and in the batch the gradient is measured on
     * @param trainSteps     mini-batches of training between the two measurements (Adam, clipped at clipNorm)
     * @param lr             Adam's learning rate
     * @param clipNorm       the global norm gradients are clipped to in training, and in the clipped run of the
     *                       clipping picture
     * @param clippingScale  the scale g of the tanh RNN trained with and without clipping
     * @param clippingLr     the learning rate of plain SGD in the clipping picture (Adam divides every step by the
     *                       gradient's running scale, which hides most of what clipping does)
     * @param seed           seed of the models, the data and the measured batch
     */
    public record Settings(String task, int steps, int hidden, List<String> cells, List<Double> scales, int batch,
                           int trainSteps, float lr, double clipNorm, double clippingScale, float clippingLr,
                           long seed) {
        public Settings {
            if (!TASKS.contains(task)) {
                throw new IllegalArgumentException("unknown task '" + task + "'; choose " + String.join(" or ", TASKS));
            }
            Checks.atLeast(steps, task.equals("copy") ? 21 : 2, "steps");
            Checks.atLeast(hidden, 1, "hidden");
            cells = Checks.names(cells, CELLS, "cell");
            scales = List.copyOf(scales);
            for (double g : scales) {
                Checks.positive(g, "a weight scale");
            }
            if (cells.contains("rnn-tanh") && scales.isEmpty()) {
                throw new IllegalArgumentException("rnn-tanh needs at least one weight scale");
            }
            Checks.atLeast(batch, 1, "batch");
            Checks.atLeast(trainSteps, 1, "trainSteps");
            Checks.positive(lr, "lr");
            Checks.positive(clipNorm, "clipNorm");
            Checks.positive(clippingScale, "clippingScale");
            Checks.positive(clippingLr, "clippingLr");
        }

        /**
         * The short default: the adding problem at T = 200, 64 units, tanh RNNs at g = 0.5, 1 and 1.5 and the other
         * four cells, 300 mini-batches of 32 (Adam 0.001, clipped at norm 1), the clipping picture for g = 1.5
         * with SGD at 0.05; {@code full}: T = 1000 and 1000 mini-batches.
         */
        public static Settings defaults(boolean full) {
            return new Settings("adding", full ? 1000 : 200, 64, CELLS, List.of(0.5, 1.0, 1.5), 32,
                    full ? 1000 : 300, 1e-3f, 1.0, 1.5, 0.05f, 1);
        }
    }

    /**
     * What one model gave.
     *
     * @param name         the model, e.g. {@code rnn-tanh g=0.5} or {@code lstm}
     * @param initial      ‖∂L/∂h_t‖ for t = 1 … T at initialisation (first layer; Frobenius norm over the batch)
     * @param trained      the same after training, or null when the model was not trained here
     * @param losses       the training loss of every mini-batch (empty when not trained here)
     * @param sigmaInitial σ_max(J_t) for t = 1 … T of the first measured sequence at initialisation, or null (not
     *                     an Elman RNN)
     * @param sigmaTrained the same after training, or null
     */
    public record Curve(String name, double[] initial, double[] trained, double[] losses, double[] sigmaInitial,
                        double[] sigmaTrained) {
    }

    /**
     * The clipping picture: one model trained twice from the same initialisation on the same batches.
     *
     * @param name           the model
     * @param clipNorm       the threshold of the clipped run
     * @param normsUnclipped the global gradient norm at every step of the run without clipping (until it diverged)
     * @param lossesUnclipped its losses
     * @param divergedAt     the step (from 1) at which the loss or the gradient of the unclipped run stopped being
     *                       finite and it stopped, or 0
     * @param normsClipped   the global gradient norm before clipping at every step of the clipped run
     * @param clipped        whether clipping acted (norm &gt; clipNorm) at each step of the clipped run
     * @param lossesClipped  its losses
     */
    public record Clipping(String name, double clipNorm, double[] normsUnclipped, double[] lossesUnclipped,
                           int divergedAt, double[] normsClipped, boolean[] clipped, double[] lossesClipped) {

        /** Steps at which clipping acted. */
        public int clippedSteps() {
            int n = 0;
            for (boolean c : clipped) {
                n += c ? 1 : 0;
            }
            return n;
        }
    }

    /** Everything measured; {@code clipping} is null for a given model. */
    public record Result(String task, int steps, int trainSteps, List<Curve> curves, Clipping clipping) {
    }

    private GradientDiagnosis() {
    }

    /** The model names of the settings, in order: one per tanh scale, then the other cells. */
    public static List<String> modelNames(Settings s) {
        List<String> names = new ArrayList<>();
        for (String cell : s.cells()) {
            if (cell.equals("rnn-tanh")) {
                for (double g : s.scales()) {
                    names.add(tanhName(g));
                }
            } else {
                names.add(cell);
            }
        }
        return names;
    }

    private static String tanhName(double g) {
        return "rnn-tanh g=" + new java.math.BigDecimal(Double.toString(g)).stripTrailingZeros().toPlainString();
    }

    /**
     * Builds, measures, trains and measures again every model of the settings, then makes the clipping picture.
     *
     * @param progress a line per model as it finishes; may be null
     */
    public static Result run(Settings s, Compute compute, PrintWriter progress) {
        List<Curve> curves = new ArrayList<>();
        for (String cell : s.cells()) {
            List<Double> scales = cell.equals("rnn-tanh") ? s.scales() : java.util.Collections.singletonList(null);
            for (Double g : scales) {
                SequenceModel model = build(s, cell, g, compute);
                String name = g == null ? cell : tanhName(g);
                long start = System.nanoTime();
                Curve c = measureAndTrain(s, model, name);
                curves.add(c);
                if (progress != null) {
                    progress.printf(Locale.ROOT, "%-16s ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ = %s at initialisation, %s after %d"
                                    + " mini-batches (loss %.4f → %.4f), %.1f s%n", name, ratio(c.initial()),
                            ratio(c.trained()), c.losses().length, c.losses()[0], c.losses()[c.losses().length - 1],
                            (System.nanoTime() - start) / 1e9);
                    progress.flush();
                }
            }
        }
        Clipping clipping = clipping(s, compute);
        return new Result(s.task(), s.steps(), s.trainSteps(), curves, clipping);
    }

    /** Measures a given model (not trained here) on the task of the settings. */
    public static Result measure(Settings s, SequenceModel model, String name) {
        checkFits(model, s);
        Measured m = measureGradient(s, model, measuredBatch(s));
        Curve c = new Curve(name, m.norms(), null, new double[0], m.sigma(), null);
        return new Result(s.task(), s.steps(), 0, List.of(c), null);
    }

    /** ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ as "1.2e-05", "0 (underflow)" when float32 ran out of range, "n/a" for no curve. */
    public static String ratio(double[] norms) {
        if (norms == null) {
            return "n/a";
        }
        if (norms[0] == 0) {
            return "0 (underflow)";
        }
        return String.format(Locale.ROOT, "%.2g", norms[0] / norms[norms.length - 1]);
    }

    private static SyntheticTask task(Settings s, int size, long seed) {
        return s.task().equals("adding") ? new AddingProblem(s.steps(), size, seed)
                : new CopyMemory(s.steps() - 20, size, seed);
    }

    private static Batch measuredBatch(Settings s) {
        int[] idx = new int[s.batch()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return task(s, s.batch(), 1000 * s.seed() + 7).batch(idx);
    }

    /** A fresh model of a cell; for rnn-tanh with W_hh ~ N(0, g²/H). */
    static SequenceModel build(Settings s, String cell, Double scale, Compute compute) {
        SyntheticTask t = task(s, 1, 0);
        CellSpec spec = switch (cell) {
            case "rnn-tanh" -> CellSpec.rnnTanh();
            case "irnn" -> CellSpec.rnnRelu();
            case "lstm" -> CellSpec.lstm();
            case "gru" -> CellSpec.gru();
            case "plstm" -> CellSpec.phasedLstm();
            default -> throw new IllegalArgumentException("unknown cell '" + cell + "'; choose " + CELLS);
        };
        SequenceModel model = SequenceModel.builder().cell(spec).inputSize(t.inputSize()).hiddenSize(s.hidden())
                .head(t.head()).outputSize(t.outputSize()).init(cell.equals("irnn") ? Init.IDENTITY : Init.PYTORCH)
                .seed(s.seed()).compute(compute).build();
        if (scale != null) {
            int h = s.hidden();
            float[] w = new float[h * h];
            SplittableRandom rnd = new SplittableRandom(s.seed() * 31 + 5);
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (rnd.nextGaussian() * scale / Math.sqrt(h));
            }
            model.parameters().set("weight_hh_l0", w);
        }
        return model;
    }

    private static void checkFits(SequenceModel model, Settings s) {
        SyntheticTask t = task(s, 1, 0);
        var cfg = model.config();
        if (cfg.embedding() != null || cfg.inputSize() != t.inputSize() || cfg.head() != t.head()
                || model.outputSize() != t.outputSize()) {
            throw new IllegalArgumentException("the model (" + cfg.inputSize() + " inputs, " + cfg.head() + " head, "
                    + model.outputSize() + " outputs" + (cfg.embedding() != null ? ", an embedding" : "") + ") does not"
                    + " fit the " + s.task() + " task, which has " + t.inputSize() + " inputs, a " + t.head()
                    + " head and " + t.outputSize() + " outputs");
        }
    }

    private record Measured(double[] norms, double[] sigma) {
    }

    /** ‖∂L/∂h_t‖ of the loss at the last step over the batch, and σ_max(J_t) of sequence 0 for an Elman RNN. */
    private static Measured measureGradient(Settings s, SequenceModel model, Batch b) {
        model.eval();
        model.parameters().zeroGrad();
        Tensor prediction = model.forward(b.x(), Sequences.of(b.lengths(), b.times()), null);
        LossValue loss = lastStepLoss(s, prediction, b);
        model.recurrent().recordStateGradients(true);
        model.backward(loss.gradient(), false);
        double[] norms = model.recurrent().stateGradientNorms()[0];
        model.recurrent().recordStateGradients(false);
        model.parameters().zeroGrad();
        double[] sigma = null;
        if (model.config().network().cell() instanceof RnnSpec && !model.config().network().bidirectional()) {
            Tensor states = model.recurrent().forward(b.x()).output();   // a one-layer network's h_t
            sigma = RecurrentJacobians.largestSingularValues(model.recurrent(), states, 0, 100);
        }
        return new Measured(norms, sigma);
    }

    /** The adding problem's MSE, or for copy memory the cross-entropy of the last step alone. */
    private static LossValue lastStepLoss(Settings s, Tensor prediction, Batch b) {
        if (s.task().equals("adding")) {
            return Losses.meanSquaredError(prediction, b.targets());
        }
        int t = s.steps();
        int[] classes = new int[b.size() * t];
        java.util.Arrays.fill(classes, Losses.IGNORE);
        for (int i = 0; i < b.size(); i++) {
            classes[i * t + t - 1] = b.classes()[i * t + t - 1];
        }
        return Losses.softmaxCrossEntropy(prediction, classes);
    }

    private static Curve measureAndTrain(Settings s, SequenceModel model, String name) {
        Batch measured = measuredBatch(s);
        Measured before = measureGradient(s, model, measured);
        Trained run = train(s, model, new Adam(s.lr()), s.clipNorm());
        Measured after = measureGradient(s, model, measured);
        return new Curve(name, before.norms(), after.norms(), run.losses(), before.sigma(), after.sigma());
    }

    /** The steps done; divergedAt is the step (from 1) whose loss or gradient was not finite, or 0. */
    private record Trained(double[] losses, double[] norms, boolean[] clipped, int divergedAt) {
    }

    /**
     * Trains on the task's mini-batches, clipping at {@code clipNorm} (0: never). Stops early at a loss or gradient
     * that is not finite, returning the steps done.
     */
    private static Trained train(Settings s, SequenceModel model, Optimizer optimizer, double clipNorm) {
        SyntheticTask data = task(s, s.trainSteps() * s.batch(), 1000 * s.seed() + 1);
        double[] losses = new double[s.trainSteps()];
        double[] norms = new double[s.trainSteps()];
        boolean[] clipped = new boolean[s.trainSteps()];
        int done = 0;
        int diverged = 0;
        for (int step = 0; step < s.trainSteps(); step++) {
            int[] idx = new int[s.batch()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = step * s.batch() + i;
            }
            Batch b = data.batch(idx);
            model.train(SeededRandom.forItem(s.seed(), step));
            model.parameters().zeroGrad();
            Tensor prediction = model.forward(b.x(), Sequences.of(b.lengths(), b.times()), null);
            LossValue loss = s.task().equals("adding") ? Losses.meanSquaredError(prediction, b.targets())
                    : Losses.softmaxCrossEntropy(prediction, b.classes());
            if (!Double.isFinite(loss.value())) {
                diverged = step + 1;
                break;
            }
            model.backward(loss.gradient(), false);
            double norm = clipNorm > 0 ? GradientClipping.clipGlobalNorm(model.parameters(), clipNorm)
                    : l2(model.parameters().grads());
            losses[step] = loss.value();
            norms[step] = norm;
            if (!Double.isFinite(norm)) {
                diverged = step + 1;
                break;
            }
            clipped[step] = clipNorm > 0 && norm > clipNorm;
            optimizer.step(model.parameters());
            done = step + 1;
        }
        model.eval();
        return new Trained(java.util.Arrays.copyOf(losses, done), java.util.Arrays.copyOf(norms, done),
                java.util.Arrays.copyOf(clipped, done), diverged);
    }

    private static Clipping clipping(Settings s, Compute compute) {
        SequenceModel free = build(s, "rnn-tanh", s.clippingScale(), compute);
        SequenceModel clippedModel = build(s, "rnn-tanh", s.clippingScale(), compute);
        Trained without = train(s, free, new Sgd(s.clippingLr()), 0);
        Trained with = train(s, clippedModel, new Sgd(s.clippingLr()), s.clipNorm());
        if (with.divergedAt() > 0) {
            throw new IllegalStateException("the clipped run diverged too, at step " + with.divergedAt() + "; give a"
                    + " smaller --clipping-lr or --clip-norm");
        }
        return new Clipping(tanhName(s.clippingScale()), s.clipNorm(), without.norms(), without.losses(),
                without.divergedAt(), with.norms(), with.clipped(), with.losses());
    }

    private static double l2(float[] g) {
        double sum = 0;
        for (float v : g) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }
}
