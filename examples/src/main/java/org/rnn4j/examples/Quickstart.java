package org.rnn4j.examples;

import org.rnn4j.data.synthetic.AddingProblem;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Provenance;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.Batch;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.TrainListener;
import org.rnn4j.train.Trainer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The README's quickstart: an LSTM learns the adding problem (Hochreiter &amp; Schmidhuber 1997), is saved, loaded
 * back and run. Each step has two features, a random number in [0, 1) and a marker; two steps are marked and the
 * target is the sum of their numbers. Always predicting the mean scores MSE ≈ 0.167.
 *
 * <p>Run it with {@code scripts/quickstart [model-file]}.
 */
public final class Quickstart {

    private Quickstart() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
            System.out.println("usage: scripts/quickstart [model-file]");
            System.out.println("Trains an LSTM on the adding problem (T = 50), saves it (default adding.rnn4j), loads it"
                    + " back and runs it on five new sequences.");
            return;
        }
        Path file = Path.of(args.length == 1 ? args[0] : "adding.rnn4j");
        Tensor[] result = run(file);
        for (int i = 0; i < result[0].dim(0); i++) {
            System.out.printf("sequence %d: target %.3f, prediction %.3f%n", i, result[1].get(i, 0), result[0].get(i, 0));
        }
    }

    /** The README snippet; returns the predictions and the targets of five new sequences. */
    static Tensor[] run(Path file) throws IOException {
        // --- README snippet begins ---
        AddingProblem train = new AddingProblem(50, 10_000, 1);         // T = 50, 10 000 sequences, seed 1
        SequenceModel model = SequenceModel.builder()
                .cell(CellSpec.lstm()).inputSize(2).hiddenSize(64)      // or gru(), rnnTanh(), lstm().withProjSize(16)
                .head(Head.LAST_STEP).outputSize(1).seed(42).build();
        TrainConfig config = TrainConfig.builder().epochs(8).learningRate(0.005f).clipNorm(1.0).build();
        new Trainer(config, new Adam(0.005f))
                .fit(model, train, new AddingProblem(50, 1_000, 2), TrainListener.printEpochs(System.out));
        ModelFile.save(file, model, Provenance.current(42, train.describe()));

        SequenceModel loaded = ModelFile.load(file).model();
        Batch test = new AddingProblem(50, 5, 3).batch(new int[]{0, 1, 2, 3, 4});
        Tensor prediction = loaded.forward(test.x());                   // (5, 1)
        // --- README snippet ends ---
        return new Tensor[]{prediction, test.targets()};
    }
}
