package org.rnn4j.cli;

import org.rnn4j.cli.options.ExperimentOptions;
import org.rnn4j.experiments.GradientDiagnosis;
import org.rnn4j.experiments.GradientReport;
import org.rnn4j.io.ModelFile;
import org.rnn4j.kernel.Compute;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code rnn4j diagnose gradients}: the options of {@link GradientDiagnosis}. */
@Command(name = "gradients", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"How the gradient flows back through time: ‖∂L/∂h_t‖ against t for the loss at the last step"
                + " of a long-range task, for fresh models of every cell at initialisation and after some training"
                + " (or for --model FILE as it is); σ_max of the tanh RNN's step Jacobian over time; the gradient norm"
                + " per SGD step with and without --clip-norm, the clipped steps marked.",
                "Writes gradient-norms.png, jacobian.png, clipping.png and gradients.json into --out and prints a"
                        + " table. The default is a short run (T = 200, 300 mini-batches); --full uses T = 1000 and"
                        + " 1000 mini-batches."})
final class DiagnoseGradientsCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "FILE", description = "Measure this model as it is (no training), on"
            + " --task; its inputs and head must fit the task.")
    Path modelFile;

    @Option(names = "--full", description = "A longer run: T = 1000 and 1000 mini-batches of training.")
    boolean full;

    @Option(names = "--task", defaultValue = "adding", paramLabel = "NAME",
            description = "adding (the adding problem) or copy (copy memory, delay T - 20). Default: ${DEFAULT-VALUE}.")
    String task;

    @Option(names = "--steps", paramLabel = "T", description = "Sequence length. Default: 200 (1000 with --full).")
    Integer steps;

    @Option(names = "--cells", defaultValue = "rnn-tanh,irnn,lstm,gru,plstm", paramLabel = "LIST",
            description = "Which of rnn-tanh, irnn, lstm, gru, plstm. Default: ${DEFAULT-VALUE}.")
    String cells;

    @Option(names = "--scales", defaultValue = "0.5,1,1.5", paramLabel = "LIST",
            description = "The tanh RNN's recurrent weight scales g, W_hh ~ N(0, g²/H), one model each. Default:"
                    + " ${DEFAULT-VALUE}.")
    String scales;

    @Option(names = "--hidden", defaultValue = "64", paramLabel = "H", description = "Units per model. Default: ${DEFAULT-VALUE}.")
    int hidden;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "B",
            description = "Sequences per mini-batch and in the measured batch. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--train-steps", paramLabel = "N",
            description = "Mini-batches of training before the second measurement. Default: 300 (1000 with --full).")
    Integer trainSteps;

    @Option(names = "--lr", defaultValue = "0.001", paramLabel = "RATE", description = "Adam's learning rate. Default: ${DEFAULT-VALUE}.")
    float lr;

    @Option(names = "--clip-norm", defaultValue = "1.0", paramLabel = "N",
            description = "Clip gradients to this global norm in training, and in the clipped run of the clipping"
                    + " picture. Default: ${DEFAULT-VALUE}.")
    double clipNorm;

    @Option(names = "--clipping-scale", defaultValue = "1.5", paramLabel = "G",
            description = "The scale g of the tanh RNN trained with and without clipping. Default: ${DEFAULT-VALUE}.")
    double clippingScale;

    @Option(names = "--clipping-lr", defaultValue = "0.05", paramLabel = "RATE",
            description = "The learning rate of plain SGD in the clipping picture (Adam rescales every step by the"
                    + " gradient's running size, which hides most of what clipping does). Default: ${DEFAULT-VALUE}.")
    float clippingLr;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of models and data. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads. Default: the number of cores.")
    Integer threads;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory. Default: runs/diagnose-gradients.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        GradientDiagnosis.Settings d = GradientDiagnosis.Settings.defaults(full);
        GradientDiagnosis.Settings settings = new GradientDiagnosis.Settings(task.toLowerCase(java.util.Locale.ROOT),
                ExperimentOptions.count(steps, d.steps(), "--steps"), ExperimentOptions.count(hidden, 1, "--hidden"),
                ExperimentOptions.names(cells, GradientDiagnosis.CELLS, "--cells"), parseScales(),
                ExperimentOptions.count(batch, 1, "--batch"), ExperimentOptions.count(trainSteps, d.trainSteps(),
                "--train-steps"), ExperimentOptions.rate(lr), positive(clipNorm, "--clip-norm"),
                positive(clippingScale, "--clipping-scale"),
                (float) positive(clippingLr, "--clipping-lr"), seed);
        int nThreads = ExperimentOptions.count(threads, Runtime.getRuntime().availableProcessors(), "--threads");
        ModelFile.Loaded given = modelFile == null ? null : ModelFile.load(modelFile);
        Path dir = out != null ? out : Path.of("runs", "diagnose-gradients");
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--out " + dir + " is a file, not a directory");
        }
        PrintWriter pw = spec.commandLine().getOut();
        try (Compute compute = Compute.withThreads(nThreads)) {
            GradientDiagnosis.Result result;
            if (given != null) {
                try {
                    result = GradientDiagnosis.measure(settings, given.model(), modelFile.getFileName().toString());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--model " + modelFile + ": " + e.getMessage(), e);
                }
            } else {
                pw.printf("%s, T = %d: %s; %d units, %d mini-batches of %d (Adam %s, clip norm %s), %d threads%n",
                        settings.task(), settings.steps(), GradientDiagnosis.modelNames(settings), settings.hidden(),
                        settings.trainSteps(), settings.batch(), settings.lr(), settings.clipNorm(), nThreads);
                pw.flush();
                result = GradientDiagnosis.run(settings, compute, pw);
            }
            Files.createDirectories(dir);
            GradientReport.write(result, dir, pw);
        }
        return 0;
    }

    private List<Double> parseScales() {
        List<Double> out = new ArrayList<>();
        for (String s : scales.split(",")) {
            try {
                out.add(positive(Double.parseDouble(s.trim()), "--scales"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--scales takes positive numbers separated by commas, got '" + scales
                        + "'");
            }
        }
        return out;
    }

    private static double positive(double v, String option) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(option + " must be a positive number, got " + v);
        }
        return v;
    }
}
