package org.rnn4j.cli.bench;

import org.rnn4j.nn.CellSpec;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One network size of the speed anchors in shared/anchors/RESULTS.md, with that file's FLOP model.
 *
 * <p>FLOP model (2 FLOP per multiply-add, matrix products only; elementwise work, the head and the optimizer are
 * not counted): forward per time step per layer = 2·B·(I_l + R)·G·H, plus 2·B·H·P for an LSTM projection, where
 * G = 4 / 3 / 1 for LSTM / GRU / RNN, R = P with a projection and H otherwise, and I_l = I for the first layer and R
 * for the others. A training step counts 3× the forward.
 *
 * @param name        config letter, e.g. "A"
 * @param cell        cell type
 * @param inputSize   I
 * @param hiddenSize  H
 * @param projSize    P, or 0 for no projection (LSTM only)
 * @param layers      stacked layers
 * @param batch       B
 * @param steps       T
 * @param description as bench_configs.py and bench_rnn.py print it
 */
record BenchConfig(String name, Cell cell, int inputSize, int hiddenSize, int projSize, int layers, int batch,
                   int steps, String description) {

    /** The cell types of the anchors, with G, the number of gate blocks of H rows in the weight matrices. */
    enum Cell {
        LSTM(4), GRU(3), RNN_TANH(1);

        final int gates;

        Cell(int gates) {
            this.gates = gates;
        }
    }

    /** A–E exactly as in RESULTS.md, bench_configs.py and bench_rnn.py. */
    static final Map<String, BenchConfig> ANCHORS = anchors();

    BenchConfig {
        if (projSize > 0 && cell != Cell.LSTM) {
            throw new IllegalArgumentException("a projection needs an LSTM, not " + cell);
        }
    }

    private static Map<String, BenchConfig> anchors() {
        Map<String, BenchConfig> m = new LinkedHashMap<>();
        m.put("A", new BenchConfig("A", Cell.LSTM, 64, 256, 0, 1, 32, 100, "LSTM I64 H256 B32 T100"));
        m.put("B", new BenchConfig("B", Cell.GRU, 64, 256, 0, 1, 32, 100, "GRU I64 H256 B32 T100"));
        m.put("C", new BenchConfig("C", Cell.LSTM, 64, 512, 128, 1, 32, 100, "LSTMP I64 H512 P128 B32 T100"));
        m.put("D", new BenchConfig("D", Cell.LSTM, 32, 128, 0, 2, 64, 200, "2-layer LSTM I32 H128 B64 T200"));
        m.put("E", new BenchConfig("E", Cell.RNN_TANH, 64, 256, 0, 1, 32, 100, "RNN-tanh I64 H256 B32 T100"));
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Config A's LSTM with another batch and sequence length (the scaling runs). */
    static BenchConfig lstm(int batch, int steps) {
        return new BenchConfig("A-B" + batch + "-T" + steps, Cell.LSTM, 64, 256, 0, 1, batch, steps,
                String.format(Locale.ROOT, "LSTM I64 H256 B%d T%d", batch, steps));
    }

    CellSpec cellSpec() {
        return switch (cell) {
            case LSTM -> projSize > 0 ? CellSpec.lstm().withProjSize(projSize) : CellSpec.lstm();
            case GRU -> CellSpec.gru();
            case RNN_TANH -> CellSpec.rnnTanh();
        };
    }

    /** R: the size of each layer's output and recurrent state. */
    int outputSize() {
        return projSize > 0 ? projSize : hiddenSize;
    }

    /** FLOP of one forward pass over the whole batch under RESULTS.md's model (see the class comment). */
    long forwardFlops() {
        int r = outputSize();
        long perStep = 0;
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? inputSize : r;
            perStep += 2L * batch * (in + r) * cell.gates * hiddenSize;
            if (projSize > 0) {
                perStep += 2L * batch * hiddenSize * projSize;
            }
        }
        return perStep * steps;
    }

    /** FLOP of one training step: 3× the forward. */
    long trainFlops() {
        return 3 * forwardFlops();
    }

    /** T·B: time steps processed per call. */
    long stepsTimesBatch() {
        return (long) steps * batch;
    }
}
