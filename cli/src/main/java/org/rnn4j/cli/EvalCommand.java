package org.rnn4j.cli;

import org.rnn4j.cli.options.DataOptions;
import org.rnn4j.cli.options.SpeechOptions;
import org.rnn4j.data.TaskData;
import org.rnn4j.data.speech.FrameFeatures;
import org.rnn4j.io.ModelFile;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rnn4j eval}: loss and metric of a model on a task or data file. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluates a model: its loss and metric on held-out data.",
                "The data is a held-out set of a built-in task (a seed never used in training),",
                "or --val-data, or the --val-split part of --data, or else all of --data.",
                "Files are read with the columns, classes and standardisation stored in the",
                "model; column options given here override the stored columns.",
                "A speech model (train --features) is scored on a split of the speech corpus",
                "given with --data DIR (--split, default test), with its own feature settings.",
                "A multi-stream model is scored on an .npz of its streams (--data FILE.npz):",
                "all of it, or the --val-split part train held out with the same --data-seed."})
final class EvalCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file (.rnn4j) or checkpoint.")
    Path modelFile;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--size", paramLabel = "N",
            description = "Test sequences of a built-in task. Default: 1000 for a synthetic task, the whole test set"
                    + " for an image task.")
    Integer size;

    @Option(names = "--split", paramLabel = "NAME",
            description = "With a speech model and --data DIR holding a speech corpus: the split to score, one of train,"
                    + " valid, test (the held-out voices) and other-synth (Festival). Default: test.")
    String split;

    @Option(names = "--batch", defaultValue = "256", paramLabel = "B", description = "Batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (batch < 1 || (size != null && size < 1)) {
            throw new IllegalArgumentException("--batch and --size must be at least 1");
        }
        if (org.rnn4j.io.MultiStreamModelFile.isMultiStreamModel(modelFile)) {
            if (size != null || split != null) {
                throw new IllegalArgumentException((size != null ? "--size" : "--split") + " is not for a multi-stream"
                        + " model; " + modelFile + " is scored on --data FILE.npz");
            }
            if (data.dataFile() == null) {
                throw new IllegalArgumentException(modelFile + " is a multi-stream model: give its streams with --data"
                        + " FILE.npz (x0, t0, x1, t1, …, y)");
            }
            return MultiStreamUse.eval(modelFile, data.dataFile(), data.valSplit(), data.dataSeed(), batch, out);
        }
        try (Compute compute = Compute.withThreads(Runtime.getRuntime().availableProcessors())) {
            ModelFile.Loaded loaded = ModelFile.load(modelFile, compute);
            SequenceModel model = loaded.model();
            FrameFeatures frames = FrameFeatures.fromMeta(loaded.meta());
            if (frames == null && split != null) {
                throw new IllegalArgumentException("--split is for speech models (trained with --features); "
                        + modelFile + " is not one");
            }
            if (frames != null) {
                if (size != null) {
                    throw new IllegalArgumentException("--size is for built-in tasks; a speech model is scored on every"
                            + " utterance of a corpus split (--split)");
                }
                TaskData test = SpeechOptions.evaluation(data, frames, split != null ? split : "test", modelFile);
                checkCompatible(model.config(), test, modelFile);
                return report(out, model, test);
            }
            if (!data.hasFiles() && loaded.data() != null) {   // a task's sequences would be read unscaled, as the wrong features
                throw new IllegalArgumentException(modelFile + " was trained on data files (" + loaded.provenance().data()
                        + "): give the data to evaluate on with --data");
            }
            java.util.List<String> taken = data.takeTrainingData(loaded.provenance().extra(),
                    spec.commandLine().getParseResult());
            if (!taken.isEmpty()) {
                out.println("as the model was trained: " + String.join(", ", taken));
            }
            TaskData test = data.test(size, model.config(), loaded.data());
            checkCompatible(model.config(), test, modelFile);
            String objective = loaded.provenance().extra().get("objective");
            if (objective != null && !objective.equals(test.objective().name())) {
                throw new IllegalArgumentException(modelFile + " was trained with the " + objective.toLowerCase(
                        java.util.Locale.ROOT).replace('_', ' ') + " objective, but " + test.train().describe()
                        + " is scored with " + test.objective().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                        + (data.hasFiles() ? "; give --objective" : ""));
            }
            return report(out, model, test);
        }
    }

    private int report(PrintWriter out, SequenceModel model, TaskData test) {
        long start = System.nanoTime();
        Trainer.Evaluation e = Trainer.evaluate(model, test.train(), test.objective(), batch);
        out.printf("%s on %s: loss %.6f, %s %.6f (%d items, %.1f s)%n", modelFile, test.train().describe(),
                e.loss(), test.objective().metricName(), e.metric(), e.count(), (System.nanoTime() - start) / 1e9);
        if (!Double.isNaN(test.baselineLoss())) {
            out.printf("best constant prediction: loss %.6f%n", test.baselineLoss());
        }
        return 0;
    }

    static void checkCompatible(ModelConfig config, TaskData data, Path modelFile) {
        boolean classes = data.objective() == org.rnn4j.train.Objective.CROSS_ENTROPY;
        // class labels need only be below the model's class count: a test file may lack some classes
        boolean outputsFit = classes ? data.outputSize() <= config.outputSize() : data.outputSize() == config.outputSize();
        if (config.inputSize() != data.inputSize() || config.head() != data.head() || !outputsFit) {
            throw new IllegalArgumentException(modelFile + " reads " + config.inputSize() + " features and predicts "
                    + config.outputSize() + " outputs per " + (config.head() == org.rnn4j.nn.Head.LAST_STEP ? "sequence" : "step")
                    + ", but the data has " + data.inputSize() + " features and " + data.outputSize() + " outputs per "
                    + (data.head() == org.rnn4j.nn.Head.LAST_STEP ? "sequence" : "step"));
        }
    }
}
