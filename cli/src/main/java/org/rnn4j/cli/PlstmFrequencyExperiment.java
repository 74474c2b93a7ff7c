package org.rnn4j.cli;

import org.rnn4j.data.synthetic.FrequencyDiscrimination;
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
 * The frequency discrimination experiment of the Phased LSTM paper (Neil, Pfeiffer &amp; Liu 2016, §4.1, Fig. 3):
 * LSTM, BN-LSTM and Phased LSTM, trained as the official code trains them, on regularly sampled (1 ms), high
 * resolution (0.1 ms) and asynchronously sampled sine waves, over several seeds.
 */
@Command(name = "plstm-frequency", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Frequency discrimination (Neil, Pfeiffer & Liu 2016, section 4.1): is a sine's period in [5, 6] ms?",
                "Trains LSTM, BN-LSTM (both given the time as an extra input, as the official code does) and Phased LSTM"
                        + " (given the timestamps) with Adam (3e-3; the paper's 1e-3 with --full), batch 32 and gradient"
                        + " clipping (norm 10) on three sampling modes over several seeds, on fresh waves every epoch."
                        + " Writes a table of test accuracy (mean ± std over seeds) and of the unit updates per step of"
                        + " each model at inference, a learning-curve PNG per mode (mean and min-max band over seeds)"
                        + " and JSON; each run is also saved to DIR/runs as it finishes (see --resume).",
                "The default is a short run (about six minutes on 2 cores); --full is the paper's setting (hours)."})
final class PlstmFrequencyExperiment implements Callable<Integer> {

    @Option(names = "--full", description = "The paper's setting: 110 units, 70 epochs of 5000 sequences, 500 test sequences, 5 seeds.")
    boolean full;

    @Option(names = "--hidden", paramLabel = "H", description = "Units per model. Default: 32 (110 with --full).")
    Integer hidden;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs. Default: 15 (70 with --full).")
    Integer epochs;

    @Option(names = "--train-size", paramLabel = "N",
            description = "Training sequences per epoch, drawn afresh every epoch. Default: 3000 (5000 with --full).")
    Integer trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "Test sequences. Default: 300 (500 with --full).")
    Integer testSize;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per model and mode. Default: 2 (5 with --full).")
    Integer seeds;

    @Option(names = "--models", defaultValue = "lstm,bnlstm,plstm", paramLabel = "LIST",
            description = "Which of lstm, bnlstm, plstm. Default: ${DEFAULT-VALUE}.")
    String models;

    @Option(names = "--modes", defaultValue = "regular,high-res,async", paramLabel = "LIST",
            description = "Which of regular (1 ms), high-res (0.1 ms), async, and superimposed (task 2: two sines, 100-1000"
                    + " random times). Default: ${DEFAULT-VALUE}.")
    String modes;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Adam's learning rate. Default: 0.003, so that the short run converges in its 15 epochs"
                    + " (0.001, the paper's, with --full).")
    Float lr;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads. Default: the number of cores.")
    Integer threads;

    @CommandLine.Mixin
    RunGridOptions grid;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/plstm-frequency",
            description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter pw = spec.commandLine().getOut();
        int h = pick(hidden, 32, 110, "--hidden");
        int nEpochs = pick(epochs, 15, 70, "--epochs");
        int nTrain = pick(trainSize, 3000, 5000, "--train-size");
        int nTest = pick(testSize, 300, 500, "--test-size");
        int nSeeds = pick(seeds, 2, 5, "--seeds");
        float rate = lr != null ? lr : full ? 1e-3f : 3e-3f;
        List<String> modelList = ExperimentReport.parseList(models, List.of("lstm", "bnlstm", "plstm"), "--models");
        List<String> modeList = ExperimentReport.parseList(modes, List.of("regular", "high-res", "async", "superimposed"), "--modes");
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (nThreads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + nThreads);
        }
        int jobs = grid.jobs(nThreads);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file, not a directory");
        }
        Files.createDirectories(out);
        if (!(rate > 0f)) {
            throw new IllegalArgumentException("--lr must be positive, got " + rate);
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("experiment", "plstm-frequency");
        settings.put("hidden", h);
        settings.put("epochs", nEpochs);
        settings.put("train_size", nTrain);
        settings.put("test_size", nTest);
        settings.put("lr", rate);
        settings.put("training_waves", "drawn afresh every epoch");
        pw.printf("frequency discrimination: %s on %s; %d units, %d epochs of %d sequences, %d test sequences, %d seeds, "
                + "Adam %s, %d threads, %d job%s%n", modelList, modeList, h, nEpochs, nTrain, nTest, nSeeds, rate, nThreads,
                jobs, jobs == 1 ? "" : "s");
        pw.flush();
        List<RunGrid.Cell> cells = new ArrayList<>();
        for (String mode : modeList) {
            for (String model : modelList) {
                for (int s = 1; s <= nSeeds; s++) {
                    cells.add(new RunGrid.Cell(model, mode, s));
                }
            }
        }
        List<ExperimentReport.Run> runs = RunGrid.run(cells, out, settings, grid.resume, jobs, nThreads,
                grid.verbose, pw,
                r -> String.format("%-8s %-8s seed %d: test accuracy %.4f, unit updates %.1f%% of dense, %.1f s%s",
                        r.condition(), r.model(), r.seed(), r.score(), 100 * r.updateFraction(), r.seconds(),
                        r.divergedAtStep() > 0 ? " (diverged at step " + r.divergedAtStep() + ", stopped there)" : ""),
                (c, compute, checkpoint) -> runOne(c.model(), c.condition(), c.seed(), h, nEpochs, nTrain, nTest, rate,
                        compute, checkpoint));
        for (String mode : modeList) {
            List<ExperimentReport.Run> ofMode = runs.stream().filter(r -> r.condition().equals(mode)).toList();
            ExperimentReport.chart(out.resolve("learning-curves-" + mode + ".png"),
                    "rnn4j: frequency discrimination, " + mode + " sampling", "test accuracy", ofMode, nEpochs,
                    false, 0.4, 1.0);
        }
        String table = ExperimentReport.table(runs, modelList, modeList, "accuracy", true);
        pw.println();
        pw.print(table);
        Files.writeString(out.resolve("results.md"), table, StandardCharsets.UTF_8);
        ExperimentReport.json(out.resolve("results.json"), settings, runs, "accuracy");
        pw.println("wrote " + out.resolve("results.md") + ", results.json and learning-curves-<mode>.png");
        return 0;
    }

    private ExperimentReport.Run runOne(String model, String mode, long seed, int h, int nEpochs, int nTrain, int nTest,
                                        float lr, Compute compute, RunCheckpoint checkpoint) {
        FrequencyDiscrimination.Sampling sampling = switch (mode) {
            case "regular" -> FrequencyDiscrimination.Sampling.REGULAR;
            case "high-res" -> FrequencyDiscrimination.Sampling.HIGH_RESOLUTION;
            case "superimposed" -> FrequencyDiscrimination.Sampling.SUPERIMPOSED;
            default -> FrequencyDiscrimination.Sampling.ASYNCHRONOUS;
        };
        boolean phased = model.equals("plstm");
        // the data seed depends on the seed too, as each of the paper's runs drew its own waves
        // and, as in the paper's code, every epoch trains on freshly drawn waves
        FrequencyDiscrimination train = new FrequencyDiscrimination(sampling, nTrain, 1000 * seed + 1, !phased)
                .freshEachEpoch();
        FrequencyDiscrimination test = new FrequencyDiscrimination(sampling, nTest, 1000 * seed + 2, !phased);
        int maxSteps = switch (sampling) {
            case HIGH_RESOLUTION, SUPERIMPOSED -> 1250;
            default -> 125;
        };
        CellSpec cell = switch (model) {
            case "lstm" -> CellSpec.lstm();
            case "bnlstm" -> CellSpec.bnLstm().withMaxSteps(maxSteps);
            default -> CellSpec.phasedLstm().withPeepholes(true).withPeriodRange(Math.E, Math.exp(3));
        };
        SequenceModel net = SequenceModel.builder().cell(cell).inputSize(train.inputSize()).hiddenSize(h)
                .head(Head.LAST_STEP).outputSize(2).seed(seed).compute(compute).build();
        TrainConfig cfg = TrainConfig.builder().epochs(nEpochs).batchSize(32).objective(Objective.CROSS_ENTROPY)
                .learningRate(lr).clipNorm(10.0).seed(seed).build();
        return ExperimentReport.train(model, mode, seed, net, train, test, test, cfg, new Adam(lr),
                ExperimentReport.Score.METRIC, checkpoint);
    }

    private int pick(Integer given, int shortDefault, int fullDefault, String option) {
        int v = given != null ? given : full ? fullDefault : shortDefault;
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + v);
        }
        return v;
    }

}
