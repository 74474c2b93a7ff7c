package org.rnn4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Provenance;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamView;
import org.rnn4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The learned input embedding of {@link SequenceModel}: finite differences over every parameter (the embedding
 * table included) and the non-token inputs, equality with one-hot vectors through an equivalent linear input,
 * token validation, initialisation and model files.
 */
class EmbeddingTest {

    static final int V = 6;     // tokens
    static final int D = 3;     // embedding dimension
    static final int F = 2;     // model input features: the token and one more (e.g. a time)
    static final int B = 3;
    static final int T = 5;
    static final int H = 4;
    static final int[] LENGTHS = {5, 2, 4};

    private static SequenceModel model(CellSpec cell, Head head, long seed) {
        return SequenceModel.builder().cell(cell).embedding(V, D).inputSize(F).hiddenSize(H).head(head)
                .outputSize(3).seed(seed).compute(Compute.serial(Kernels.scalar())).build();
    }

    /** (B, T, F): tokens in column 0 (token 5 never appears, so its row's gradient must stay 0), a real in column 1. */
    private static Tensor input(SplittableRandom rnd) {
        Tensor x = Tensor.zeros(B, T, F);
        int[] tokens = {0, 3, 3, 1, 4, 2, 0, 4, 4, 1, 3, 2, 2, 0, 1};
        for (int r = 0; r < B * T; r++) {
            x.data()[r * F] = tokens[r];
            x.data()[r * F + 1] = (float) rnd.nextGaussian();
        }
        return x;
    }

    private static Tensor random(SplittableRandom rnd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) rnd.nextGaussian();
        }
        return t;
    }

    private static double dot(Tensor a, Tensor q) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += (double) a.data()[i] * q.data()[i];
        }
        return s;
    }

    @Test
    void embeddedLstmMatchesFiniteDifferences() {
        checkFiniteDifferences(CellSpec.lstm().withPeepholes(true));
    }

    @Test
    void embeddedGruMatchesFiniteDifferences() {
        checkFiniteDifferences(CellSpec.gru());
    }

    /** The policy of docs/cells/README.md §4: L = Σ y⊙Q, ε = 1e-2, |analytic − numeric| ≤ 1e-3 + 2e-2·|numeric|. */
    private static void checkFiniteDifferences(CellSpec cell) {
        SequenceModel m = model(cell, Head.EVERY_STEP, 3);
        float[] w = m.parameters().values();
        for (int i = 0; i < w.length; i++) {
            w[i] *= 2f;   // out of the gates' linear regime
        }
        SplittableRandom rnd = new SplittableRandom(9);
        Tensor x = input(rnd);
        Tensor q = random(rnd, B, T, 3);
        m.parameters().zeroGrad();
        m.forward(x, Sequences.of(LENGTHS), null);
        Tensor dx = m.backward(q);
        float[] analytic = m.parameters().grads().clone();

        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (ParamView v : m.parameters().layout().views()) {
            for (int i = v.offset(); i < v.offset() + v.size(); i++) {
                double numeric = difference(w, i, () -> dot(m.forward(x, Sequences.of(LENGTHS), null), q));
                checked++;
                if (Math.abs(analytic[i] - numeric) > 1e-3 + 2e-2 * Math.abs(numeric)) {
                    failures.add(String.format("%s[%d] analytic %.6g numeric %.6g", v.name(), i - v.offset(),
                            analytic[i], numeric));
                }
            }
        }
        for (int r = 0; r < B * T; r++) {
            int i = r * F + 1;
            double numeric = difference(x.data(), i, () -> dot(m.forward(x, Sequences.of(LENGTHS), null), q));
            checked++;
            if (Math.abs(dx.data()[i] - numeric) > 1e-3 + 2e-2 * Math.abs(numeric)) {
                failures.add(String.format("x[%d] analytic %.6g numeric %.6g", i, dx.data()[i], numeric));
            }
            assertEquals(0f, dx.data()[r * F], "the token column has no gradient");
        }
        if (!failures.isEmpty()) {
            fail(cell.kind() + ": " + failures.size() + " of " + checked + " entries differ from finite differences; first: "
                    + String.join("; ", failures.subList(0, Math.min(5, failures.size()))));
        }
        ParamView e = m.parameters().layout().view("embedding.weight");
        for (int j = 0; j < D; j++) {
            assertEquals(0f, analytic[e.offset() + 5 * D + j], "token 5 never occurs: its row gets no gradient");
        }
        double rowOne = 0;
        for (int j = 0; j < D; j++) {
            rowOne += Math.abs(analytic[e.offset() + D + j]);
        }
        assertTrue(rowOne > 1e-4, "token 1 occurs: its row has a gradient");
        assertTrue(checked > 150, "checked " + checked);
    }

    private static double difference(float[] values, int i, java.util.function.DoubleSupplier loss) {
        float saved = values[i];
        values[i] = (float) (saved + 1e-2);
        float up = values[i];
        double plus = loss.getAsDouble();
        values[i] = (float) (saved - 1e-2);
        float down = values[i];
        double minus = loss.getAsDouble();
        values[i] = saved;
        return (plus - minus) / ((double) up - down);
    }

    /**
     * An embedding is a linear map of one-hot vectors: a model without embedding fed [onehot(token), x1] through
     * W' = [W_ih[:, :D]·Eᵀ | W_ih[:, D:]] gives the same outputs, and its gradient of W' gives dE = dW'[:, :V]ᵀ W_ih[:, :D].
     */
    @Test
    void embeddedModelEqualsOneHotInputsThroughAnEquivalentLinearLayer() {
        for (CellSpec cell : List.of(CellSpec.lstm(), CellSpec.phasedLstm(), CellSpec.gru())) {
            SequenceModel m = model(cell, Head.LAST_STEP, 5);
            SequenceModel oneHot = SequenceModel.builder().cell(cell).inputSize(V + F - 1).hiddenSize(H)
                    .head(Head.LAST_STEP).outputSize(3).seed(6).compute(Compute.serial(Kernels.scalar())).build();
            float[] w = m.parameters().values();
            float[] w1 = oneHot.parameters().values();
            ParamView e = m.parameters().layout().view("embedding.weight");
            for (ParamView v : oneHot.parameters().layout().views()) {
                if (!v.name().equals("weight_ih_l0")) {
                    ParamView mine = m.parameters().layout().view(v.name());
                    System.arraycopy(w, mine.offset(), w1, v.offset(), v.size());
                }
            }
            ParamView wih = m.parameters().layout().view("weight_ih_l0");     // (G·H, D + F − 1)
            ParamView wih1 = oneHot.parameters().layout().view("weight_ih_l0"); // (G·H, V + F − 1)
            int rows = wih.shape()[0];
            int in = D + F - 1;
            int in1 = V + F - 1;
            for (int r = 0; r < rows; r++) {
                for (int tok = 0; tok < V; tok++) {
                    double s = 0;
                    for (int j = 0; j < D; j++) {
                        s += (double) w[wih.offset() + r * in + j] * w[e.offset() + tok * D + j];
                    }
                    w1[wih1.offset() + r * in1 + tok] = (float) s;
                }
                for (int j = 0; j < F - 1; j++) {
                    w1[wih1.offset() + r * in1 + V + j] = w[wih.offset() + r * in + D + j];
                }
            }
            SplittableRandom rnd = new SplittableRandom(2);
            Tensor x = input(rnd);
            Tensor x1 = Tensor.zeros(B, T, in1);
            double[] times = new double[B * T];
            for (int r = 0; r < B * T; r++) {
                x1.data()[r * in1 + (int) x.data()[r * F]] = 1f;
                x1.data()[r * in1 + V] = x.data()[r * F + 1];
                times[r] = 0.7 * (r % T) + 0.1 * (r / T);
            }
            Tensor y = m.forward(x, Sequences.of(LENGTHS, times), null);
            Tensor y1 = oneHot.forward(x1, Sequences.of(LENGTHS, times), null);
            assertClose(y1.data(), y.data(), 1e-5, cell.kind() + " outputs");

            Tensor q = random(rnd, B, 3);
            m.parameters().zeroGrad();
            oneHot.parameters().zeroGrad();
            m.backward(q);
            oneHot.backward(q);
            float[] g = m.parameters().grads();
            float[] g1 = oneHot.parameters().grads();
            float[] dE = new float[V * D];
            for (int tok = 0; tok < V; tok++) {
                for (int j = 0; j < D; j++) {
                    double s = 0;
                    for (int r = 0; r < rows; r++) {
                        s += (double) g1[wih1.offset() + r * in1 + tok] * w[wih.offset() + r * in + j];
                    }
                    dE[tok * D + j] = (float) s;
                }
            }
            float[] mine = java.util.Arrays.copyOfRange(g, e.offset(), e.offset() + e.size());
            assertClose(dE, mine, 1e-5, cell.kind() + " embedding gradient");
            ParamView whh = m.parameters().layout().view("weight_hh_l0");
            ParamView whh1 = oneHot.parameters().layout().view("weight_hh_l0");
            assertClose(java.util.Arrays.copyOfRange(g1, whh1.offset(), whh1.offset() + whh1.size()),
                    java.util.Arrays.copyOfRange(g, whh.offset(), whh.offset() + whh.size()), 1e-5,
                    cell.kind() + " recurrent weight gradient");
        }
    }

    private static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double max = 0;
        int worst = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]) / Math.max(1.0, Math.abs(expected[i]));
            if (d > max) {
                max = d;
                worst = i;
            }
        }
        if (max > tol) {
            fail(what + ": max difference " + max + " at " + worst + " (expected " + expected[worst] + ", got "
                    + actual[worst] + ")");
        }
    }

    @Test
    void tokenIdsThatAreNotIntegersInRangeAreRefusedWithTheirPlace() {
        SequenceModel m = model(CellSpec.lstm(), Head.LAST_STEP, 1);
        for (float bad : new float[]{1.5f, -1f, V, Float.NaN, 1e9f}) {
            Tensor x = input(new SplittableRandom(1));
            x.data()[(1 * T + 1) * F] = bad;
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> m.forward(x,
                    Sequences.of(LENGTHS), null));
            boolean named = Float.isNaN(bad) ? ex.getMessage().contains("[1, 1, 0]")   // the finite-values check
                    : ex.getMessage().contains("x[1, 1, 0]") && ex.getMessage().contains("[0, " + (V - 1) + "]");
            assertTrue(named, ex.getMessage());
        }
        Tensor padded = input(new SplittableRandom(1));
        padded.data()[(1 * T + 3) * F] = -7f;   // step 3 of sequence 1 is padding (length 2): never looked up
        m.forward(padded, Sequences.of(LENGTHS), null);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> m.forward(Tensor.zeros(B, T, D + F - 1), Sequences.ALL, null));
        assertTrue(shape.getMessage().contains("(batch, steps, " + F + ")"), shape.getMessage());
    }

    @Test
    void embeddingIsNamedLikePyTorchDrawnFromAStandardNormalAndLeavesTheRestAsWithout() {
        SequenceModel big = SequenceModel.builder().cell(CellSpec.lstm()).embedding(2312, 40).inputSize(1).hiddenSize(8)
                .outputSize(10).seed(4).build();
        ParamView e = big.parameters().layout().views().get(0);
        assertEquals("embedding.weight", e.name());
        assertArrayEquals(new int[]{2312, 40}, e.shape());
        assertEquals(40, big.config().network().inputSize());
        assertEquals(1, big.config().inputSize());
        double s = 0;
        double s2 = 0;
        float[] w = big.parameters().values();
        for (int i = e.offset(); i < e.offset() + e.size(); i++) {
            s += w[i];
            s2 += (double) w[i] * w[i];
        }
        double mean = s / e.size();
        double var = s2 / e.size() - mean * mean;
        assertEquals(0, mean, 0.02, "mean of N(0, 1) over 92480 draws");
        assertEquals(1, var, 0.03, "variance of N(0, 1) over 92480 draws");

        SequenceModel plain = SequenceModel.builder().cell(CellSpec.lstm()).inputSize(40).hiddenSize(8).outputSize(10)
                .seed(4).build();
        for (ParamView v : plain.parameters().layout().views()) {
            ParamView mine = big.parameters().layout().view(v.name());
            assertArrayEquals(java.util.Arrays.copyOfRange(plain.parameters().values(), v.offset(), v.offset() + v.size()),
                    java.util.Arrays.copyOfRange(w, mine.offset(), mine.offset() + mine.size()), v.name());
        }
        assertThrows(IllegalArgumentException.class, () -> new EmbeddingSpec(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new EmbeddingSpec((1 << 24) + 1, 4));
        assertThrows(IllegalArgumentException.class, () -> new EmbeddingSpec(10, 0));
    }

    @Test
    void modelFileKeepsTheEmbedding(@TempDir Path dir) throws Exception {
        SequenceModel m = model(CellSpec.phasedLstm(), Head.LAST_STEP, 8);
        Path file = dir.resolve("m.rnn4j");
        ModelFile.save(file, m, Provenance.current(8, "embedding test"));
        SequenceModel loaded = ModelFile.load(file, Compute.serial(Kernels.scalar())).model();
        assertEquals(m.config(), loaded.config());
        assertArrayEquals(m.parameters().values(), loaded.parameters().values());
        Tensor x = input(new SplittableRandom(3));
        assertArrayEquals(m.forward(x, Sequences.of(LENGTHS), null).data(), loaded.forward(x, Sequences.of(LENGTHS),
                null).data());
    }
}
