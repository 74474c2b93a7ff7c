package org.rnn4j.cli;

import org.rnn4j.data.synthetic.AddingProblem;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.train.Objective;
import org.rnn4j.train.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The long adding problem of the Phased LSTM paper (Neil, Pfeiffer &amp; Liu 2016): LSTM against Phased LSTM on
 * sequences of T steps (the paper's 500), how fast each converges. The Phased LSTM takes the step index as its time.
 */
@Command(name = "plstm-adding", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The adding problem at long T (Neil, Pfeiffer & Liu 2016): LSTM against Phased LSTM.",
                "The Phased LSTM's time is the step index. Adam and gradient clipping (norm 1), over several"
                        + " seeds. Writes a table of test MSE (mean ± std; always predicting the mean scores 0.167), the"
                        + " unit updates at inference, a learning-curve PNG (mean and min-max band over seeds) and JSON."
                        + " The default is a short run; --full uses T = 500 and more training."})
final class PlstmAddingExperiment implements Callable<Integer> {

    @Option(names = "--full", description = "A long run: T = 500, 110 units, 30 epochs of 10000 sequences, 5 seeds.")
    boolean full;

    @Option(names = "--steps", paramLabel = "T", description = "Sequence length. Default: 100 (500 with --full).")
    Integer steps;

    @Option(names = "--hidden", paramLabel = "H", description = "Units per model. Default: 32 (110 with --full).")
    Integer hidden;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs. Default: 20 (30 with --full).")
    Integer epochs;

    @Option(names = "--train-size", paramLabel = "N", description = "Training sequences. Default: 5000 (10000 with --full).")
    Integer trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "Test sequences. Default: 500.")
    Integer testSize;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per model. Default: 2 (5 with --full).")
    Integer seeds;

    @Option(names = "--models", defaultValue = "lstm,plstm", paramLabel = "LIST",
            description = "Which of lstm, plstm. Default: ${DEFAULT-VALUE}.")
    String models;

    @Option(names = "--lr", defaultValue = "0.003", paramLabel = "RATE", description = "Adam's learning rate. Default: ${DEFAULT-VALUE}.")
    float lr;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads. Default: the number of cores.")
    Integer threads;

    @CommandLine.Mixin
    RunGridOptions grid;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/plstm-adding",
            description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter pw = spec.commandLine().getOut();
        int t = pick(steps, 100, 500, "--steps");
        int h = pick(hidden, 32, 110, "--hidden");
        int nEpochs = pick(epochs, 20, 30, "--epochs");
        int nTrain = pick(trainSize, 5000, 10000, "--train-size");
        int nTest = pick(testSize, 500, 500, "--test-size");
        int nSeeds = pick(seeds, 2, 5, "--seeds");
        if (t < 2) {
            throw new IllegalArgumentException("--steps must be at least 2, got " + t);
        }
        if (!(lr > 0f)) {
            throw new IllegalArgumentException("--lr must be positive, got " + lr);
        }
        List<String> modelList = ExperimentReport.parseList(models, List.of("lstm", "plstm"), "--models");
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (nThreads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + nThreads);
        }
        int jobs = grid.jobs(nThreads);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file, not a directory");
        }
        Files.createDirectories(out);
        String condition = "T=" + t;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("experiment", "plstm-adding");
        settings.put("steps", t);
        settings.put("hidden", h);
        settings.put("epochs", nEpochs);
        settings.put("train_size", nTrain);
        settings.put("test_size", nTest);
        settings.put("lr", lr);
        pw.printf("adding problem, T = %d: %s; %d units, %d epochs of %d sequences, %d test sequences, %d seeds, Adam %s,"
                + " %d threads, %d job%s%n", t, modelList, h, nEpochs, nTrain, nTest, nSeeds, lr, nThreads, jobs,
                jobs == 1 ? "" : "s");
        pw.flush();
        List<RunGrid.Cell> cells = new ArrayList<>();
        for (String model : modelList) {
            for (int s = 1; s <= nSeeds; s++) {
                cells.add(new RunGrid.Cell(model, condition, s));
            }
        }
        List<ExperimentReport.Run> runs = RunGrid.run(cells, out, settings, grid.resume, jobs, nThreads,
                grid.verbose, pw,
                r -> String.format("%-6s seed %d: test MSE %.5f, unit updates %.1f%% of dense, %.1f s%s", r.model(),
                        r.seed(), r.score(), 100 * r.updateFraction(), r.seconds(),
                        r.divergedAtStep() > 0 ? " (diverged at step " + r.divergedAtStep() + ", stopped there)" : ""),
                (c, compute, checkpoint) -> runOne(c.model(), condition, c.seed(), t, h, nEpochs, nTrain, nTest, compute,
                        checkpoint));
        ExperimentReport.chart(out.resolve("learning-curves.png"), "rnn4j: adding problem, T = " + t,
                "validation MSE (0.167: predicting the mean)", runs, nEpochs, true, null, null);
        String table = ExperimentReport.table(runs, modelList, List.of(condition), "MSE", false);
        pw.println();
        pw.print(table);
        Files.writeString(out.resolve("results.md"), table, StandardCharsets.UTF_8);
        ExperimentReport.json(out.resolve("results.json"), settings, runs, "mse");
        pw.println("wrote " + out.resolve("results.md") + ", results.json and learning-curves.png");
        return 0;
    }

    private ExperimentReport.Run runOne(String model, String condition, long seed, int t, int h, int nEpochs, int nTrain,
                                        int nTest, Compute compute, RunCheckpoint checkpoint) {
        AddingProblem train = new AddingProblem(t, nTrain, 1000 * seed + 1);
        AddingProblem test = new AddingProblem(t, nTest, 1000 * seed + 2);
        CellSpec cell = model.equals("plstm") ? CellSpec.phasedLstm() : CellSpec.lstm();
        SequenceModel net = SequenceModel.builder().cell(cell).inputSize(2).hiddenSize(h).head(Head.LAST_STEP)
                .outputSize(1).seed(seed).compute(compute).build();
        TrainConfig cfg = TrainConfig.builder().epochs(nEpochs).batchSize(32).objective(Objective.MSE).learningRate(lr)
                .clipNorm(1.0).seed(seed).build();
        return ExperimentReport.train(model, condition, seed, net, train, test, test, cfg, new Adam(lr),
                ExperimentReport.Score.LOSS, checkpoint);
    }

    private int pick(Integer given, int shortDefault, int fullDefault, String option) {
        int v = given != null ? given : full ? fullDefault : shortDefault;
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + v);
        }
        return v;
    }
}
