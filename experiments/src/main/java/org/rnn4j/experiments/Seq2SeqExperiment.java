package org.rnn4j.experiments;

import org.rnn4j.data.synthetic.DigitStrings;
import org.rnn4j.kernel.Compute;
import org.rnn4j.loss.LossValue;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Seq2Seq;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.GradientClipping;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.SeededRandom;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reversing the source in sequence to sequence (Sutskever, Vinyals &amp; Le 2014, §3.3): an encoder-decoder
 * ({@link Seq2Seq}) reads each source as it is written or backwards, on three digit-string tasks
 * ({@link DigitStrings}: reverse, sort, add), over several seeds. Scored by greedy decoding on held-out strings:
 * exact-match sequence accuracy (the learning curve, on validation strings after every epoch, and the final
 * score) and per-token accuracy. Adam with gradient clipping at norm 1, teacher forcing in training.
 */
public final class Seq2SeqExperiment implements Experiment<Seq2SeqExperiment.Run> {

    /** The input orders compared: the source reversed (Sutskever et al.'s trick) and as written. */
    public static final List<String> INPUTS = List.of("reversed", "in-order");

    /** The tasks. */
    public static final List<String> TASKS = List.of("reverse", "sort", "add");

    /** The cells the encoder and decoder may have. */
    public static final List<String> CELLS = List.of("lstm", "gru");

    /**
     * The experiment's settings.
     *
     * @param tasks          which of {@link #TASKS}
     * @param inputs         which of {@link #INPUTS}
     * @param seeds          seeds per task and input order (seeds 1..n)
     * @param cell           the cell of encoder and decoder, one of {@link #CELLS}
     * @param hidden         units of encoder and decoder
     * @param embedding      the dimension of both embeddings
     * @param minLength      the fewest digits of a string (of each number for add)
     * @param maxLength      the most digits
     * @param epochs         epochs
     * @param trainSize      training pairs, the same in every epoch
     * @param validationSize the pairs decoded after every epoch for the learning curve
     * @param testSize       the pairs of the final scores
     * @param batch          pairs per mini-batch
     * @param lr             Adam's learning rate
     */
    public record Settings(List<String> tasks, List<String> inputs, int seeds, String cell, int hidden, int embedding,
                           int minLength, int maxLength, int epochs, int trainSize, int validationSize, int testSize,
                           int batch, float lr) {
        public Settings {
            tasks = Checks.names(tasks, TASKS, "task");
            inputs = Checks.names(inputs, INPUTS, "input order");
            Checks.names(List.of(cell), CELLS, "cell");
            Checks.atLeast(seeds, 1, "seeds");
            Checks.atLeast(hidden, 1, "hidden");
            Checks.atLeast(embedding, 1, "embedding");
            Checks.atLeast(minLength, 1, "minLength");
            Checks.atLeast(maxLength, minLength, "maxLength");
            if (tasks.contains("add") && maxLength > 18) {
                throw new IllegalArgumentException("add takes numbers of at most 18 digits, got maxLength " + maxLength);
            }
            Checks.atLeast(epochs, 1, "epochs");
            Checks.atLeast(trainSize, 1, "trainSize");
            Checks.atLeast(validationSize, 1, "validationSize");
            Checks.atLeast(testSize, 1, "testSize");
            Checks.atLeast(batch, 1, "batch");
            Checks.positive(lr, "lr");
        }

        /**
         * The short run: all three tasks, both input orders, 2 seeds, an LSTM of 64 units with embeddings of 16,
         * strings (numbers) of 1–5 digits, 10 epochs of 5000 pairs in batches of 32, Adam 0.005; 500 validation and
         * 1000 test pairs. With {@code full}: 5 seeds, 128 units, 1–10 digits, 20 epochs of 20 000 pairs.
         */
        public static Settings defaults(boolean full) {
            return full ? new Settings(TASKS, INPUTS, 5, "lstm", 128, 16, 1, 10, 20, 20_000, 500, 1000, 32, 5e-3f)
                    : new Settings(TASKS, INPUTS, 2, "lstm", 64, 16, 1, 5, 10, 5000, 500, 1000, 32, 5e-3f);
        }
    }

    /** One run: an input order on a task with a seed. */
    public record Run(String input, String task, long seed) implements RunSpec {
        @Override
        public RunId id() {
            return new RunId(input, task, seed);
        }
    }

    private final Settings settings;

    public Seq2SeqExperiment(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "seq2seq";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", name());
        m.put("cell", settings.cell());
        m.put("hidden", settings.hidden());
        m.put("embedding", settings.embedding());
        m.put("min_length", settings.minLength());
        m.put("max_length", settings.maxLength());
        m.put("epochs", settings.epochs());
        m.put("train_size", settings.trainSize());
        m.put("validation_size", settings.validationSize());
        m.put("test_size", settings.testSize());
        m.put("batch", settings.batch());
        m.put("lr", settings.lr());
        return m;
    }

    @Override
    public List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        for (String task : settings.tasks()) {
            for (String input : settings.inputs()) {
                for (int s = 1; s <= settings.seeds(); s++) {
                    runs.add(new Run(input, task, s));
                }
            }
        }
        return runs;
    }

    @Override
    public String describe(ExperimentDriver.Options options) {
        return String.format(Locale.ROOT, "sequence to sequence on digit strings of %d–%d digits: %s, source %s; %s"
                        + " encoder and decoder of %d units, embeddings of %d, %d epochs of %d pairs, %d validation and"
                        + " %d test pairs, %d seeds, Adam %s, %d threads, %s", settings.minLength(),
                settings.maxLength(), settings.tasks(), String.join(" or ", settings.inputs()), settings.cell(),
                settings.hidden(), settings.embedding(), settings.epochs(), settings.trainSize(),
                settings.validationSize(), settings.testSize(), settings.seeds(), settings.lr(), options.threads(),
                Checks.jobs(options.jobs()));
    }

    private DigitStrings strings(String task, int size, long seed) {
        return new DigitStrings(DigitStrings.Task.named(task), settings.minLength(), settings.maxLength(), size, seed);
    }

    /** The test pairs, the same for every seed and input order of a task. */
    private DigitStrings test(String task) {
        return strings(task, settings.testSize(), 999_983);
    }

    @Override
    public RunResult run(Run run, Compute compute, RunCheckpoint checkpoint) {
        DigitStrings train = strings(run.task(), settings.trainSize(), 1000 * run.seed() + 1);
        DigitStrings validation = strings(run.task(), settings.validationSize(), 1000 * run.seed() + 2);
        CellSpec cell = settings.cell().equals("gru") ? CellSpec.gru() : CellSpec.lstm();
        Seq2Seq model = new Seq2Seq(new Seq2Seq.Config(DigitStrings.SOURCE_VOCAB, DigitStrings.TARGET_VOCAB,
                settings.embedding(), cell, settings.hidden(), 1, run.input().equals("reversed"), DigitStrings.BOS,
                DigitStrings.EOS), run.seed(), compute);
        Adam adam = new Adam(settings.lr());
        List<Double> curve = new ArrayList<>();
        double secondsBefore = 0;
        int first = 0;
        if (checkpoint != null) {
            checkpoint.restoreInto(model.parameters(), adam);
            curve.addAll(checkpoint.curve());
            secondsBefore = checkpoint.seconds();
            first = checkpoint.epochsDone();
        }
        long start = System.nanoTime();
        long diverged = 0;
        int maxTarget = train.maxTargetLength() + 2;
        epochs:
        for (int epoch = first; epoch < settings.epochs(); epoch++) {
            int[] order = SeededRandom.forItem(run.seed(), epoch).permutation(settings.trainSize());
            model.train(SeededRandom.forItem(run.seed() ^ 0x5EED, epoch));
            for (int b = 0; b * settings.batch() < order.length; b++) {
                int[] idx = Arrays.copyOfRange(order, b * settings.batch(),
                        Math.min(order.length, (b + 1) * settings.batch()));
                model.parameters().zeroGrad();
                Tensor logits = model.forward(train.sources(idx), train.targets(idx));
                LossValue loss = model.loss(logits);
                if (!Double.isFinite(loss.value())) {
                    diverged = (long) epoch * ((order.length + settings.batch() - 1) / settings.batch()) + b + 1;
                    break epochs;
                }
                model.backward(loss.gradient());
                GradientClipping.clipGlobalNorm(model.parameters(), 1.0);
                adam.step(model.parameters());
            }
            curve.add(accuracy(model, validation, maxTarget).sequence());
            if (checkpoint != null) {
                checkpoint.save(model.parameters(), adam, epoch + 1, settings.epochs(), curve,
                        secondsBefore + (System.nanoTime() - start) / 1e9);
            }
        }
        double seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
        DigitStrings.Accuracy score = accuracy(model, test(run.task()), maxTarget);
        while (curve.size() < settings.epochs()) {
            curve.add(score.sequence());
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("token_accuracy", score.token());
        return new RunResult(run.id(), curve, score.sequence(), 1.0, seconds, diverged, extras);
    }

    /** Greedy decoding of every source of the set, scored against its targets. */
    static DigitStrings.Accuracy accuracy(Seq2Seq model, DigitStrings set, int maxLength) {
        int[] all = new int[set.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return DigitStrings.score(model.greedy(set.sources(all), maxLength), set.targets(all));
    }

    @Override
    public String line(RunResult r) {
        return String.format(Locale.ROOT, "%-8s %-7s seed %d: sequence accuracy %.2f%%, per-token %.2f%%, %.1f s%s",
                r.model(), r.condition(), r.seed(), 100 * r.score(), 100 * r.extra("token_accuracy"), r.seconds(),
                r.divergedNote());
    }

    @Override
    public void report(List<RunResult> runs, Path out, PrintWriter pw) throws IOException {
        List<String> charts = new ArrayList<>();
        for (String task : settings.tasks()) {
            List<RunResult> mine = runs.stream().filter(r -> r.condition().equals(task)).toList();
            String png = "learning-curves-" + task + ".png";
            ExperimentReport.chart(out.resolve(png), "rnn4j seq2seq: " + task + " digit strings of "
                            + settings.minLength() + "–" + settings.maxLength() + " digits",
                    "validation sequence accuracy (greedy)", mine, settings.epochs(), false, 0.0, 1.0);
            charts.add(png);
        }
        String table = table(runs);
        pw.println();
        pw.print(table);
        ExperimentReport.writeResults(out, table, settings(), runs, "sequence_accuracy", String.join(", ", charts), pw);
    }

    /** A row per task and input order: sequence and per-token accuracy (mean ± std over seeds), time per run. */
    String table(List<RunResult> runs) {
        StringBuilder sb = new StringBuilder("| task | source | sequence accuracy | per-token accuracy | training time"
                + " per run |\n|---|---|---|---|---|\n");
        for (String task : settings.tasks()) {
            for (String input : settings.inputs()) {
                List<RunResult> mine = runs.stream().filter(r -> r.condition().equals(task) && r.model().equals(input))
                        .toList();
                double[] seq = mine.stream().mapToDouble(RunResult::score).toArray();
                double[] tok = mine.stream().mapToDouble(r -> r.extra("token_accuracy")).toArray();
                double[] sec = mine.stream().mapToDouble(RunResult::seconds).toArray();
                long diverged = mine.stream().filter(r -> r.divergedAtStep() > 0).count();
                sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f ± %.2f %%%s | %.2f ± %.2f %% | %.0f ± %.0f s |%n",
                        task, input, 100 * ExperimentReport.mean(seq), 100 * ExperimentReport.std(seq),
                        diverged > 0 ? " (" + diverged + " diverged)" : "", 100 * ExperimentReport.mean(tok),
                        100 * ExperimentReport.std(tok), ExperimentReport.mean(sec), ExperimentReport.std(sec)));
            }
        }
        return sb.toString();
    }
}
