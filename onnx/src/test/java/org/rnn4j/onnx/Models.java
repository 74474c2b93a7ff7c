package org.rnn4j.onnx;

import org.rnn4j.io.Provenance;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.param.ParamView;

import java.util.Map;
import java.util.SplittableRandom;

/** Models with random weights and padded batches with asynchronous timestamps, for the export tests. */
final class Models {

    static final int BATCH = 4;
    static final int STEPS = 6;
    static final int FEATURES = 3;
    static final int HIDDEN = 5;
    static final int[] LENGTHS = {6, 3, 1, 5};

    /** A fixed provenance, so that an export gives the same bytes every time. */
    static final Provenance PROVENANCE = new Provenance("0.1.0-SNAPSHOT", "25 (test)", "Linux", "amd64", 7,
            "random weights", "2025-01-01T00:00:00Z", Map.of());

    private Models() {
    }

    /** The cells and options of the export, by name. */
    static final Map<String, CellSpec> CELLS = cells();

    private static Map<String, CellSpec> cells() {
        Map<String, CellSpec> m = new java.util.LinkedHashMap<>();
        m.put("rnn-tanh", CellSpec.rnnTanh());
        m.put("rnn-relu", CellSpec.rnnRelu());
        m.put("lstm", CellSpec.lstm());
        m.put("lstm-peepholes", CellSpec.lstm().withPeepholes(true));
        m.put("lstm-cifg", CellSpec.lstm().withCifg(true));
        m.put("lstm-peepholes-cifg", CellSpec.lstm().withPeepholes(true).withCifg(true));
        m.put("lstm-clip", CellSpec.lstm().withCellClip(0.4f));
        m.put("lstm-peepholes-cifg-clip", CellSpec.lstm().withPeepholes(true).withCifg(true).withCellClip(0.4f));
        m.put("lstmp", CellSpec.lstm().withProjSize(3));
        m.put("lstmp-peepholes-cifg-clip", CellSpec.lstm().withProjSize(3).withPeepholes(true).withCifg(true)
                .withCellClip(0.4f));
        m.put("gru", CellSpec.gru());
        m.put("gru-original", CellSpec.gru().original());
        m.put("bnlstm", CellSpec.bnLstm().withMaxSteps(4));
        m.put("plstm", CellSpec.phasedLstm());
        m.put("plstm-peepholes", CellSpec.phasedLstm().withPeepholes(true));
        m.put("pgru", CellSpec.phasedGru());
        return m;
    }

    /** A model of this cell with every parameter drawn at random (the time gates' and statistics' in their ranges). */
    static SequenceModel random(CellSpec cell, int layers, boolean bidirectional, Head head, long seed) {
        SequenceModel model = SequenceModel.builder().cell(cell).inputSize(FEATURES).hiddenSize(HIDDEN)
                .numLayers(layers).bidirectional(bidirectional).head(head).outputSize(2).seed(seed).build();
        SplittableRandom r = new SplittableRandom(seed * 31 + 5);
        float[] w = model.parameters().values();
        // a ReLU RNN's values grow with its weights: keep them near 1, where float32 resolves 1e-5
        double scale = cell instanceof org.rnn4j.nn.RnnSpec rnn
                && rnn.nonlinearity() == org.rnn4j.nn.RnnSpec.Nonlinearity.RELU ? 0.3 : 0.6;
        for (ParamView v : model.parameters().layout().views()) {
            String n = v.name();
            for (int i = v.offset(); i < v.offset() + v.size(); i++) {
                w[i] = (float) (n.startsWith("tau") ? r.nextDouble(1.0, 3.0)
                        : n.startsWith("shift") ? r.nextDouble(0, 3)
                        : n.startsWith("r_on") ? r.nextDouble(0.3, 0.9)
                        : n.contains("running_var") ? r.nextDouble(0.3, 2.0)
                        : n.contains("gamma") ? r.nextDouble(0.5, 1.5)
                        : scale * r.nextGaussian());
            }
        }
        return model;
    }

    static float[] input(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[BATCH * STEPS * FEATURES];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** Asynchronous timestamps: each sequence starts at its own time and steps by its own random gaps. */
    static double[] times(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] t = new double[BATCH * STEPS];
        for (int b = 0; b < BATCH; b++) {
            double now = r.nextDouble(0, 5);
            for (int s = 0; s < STEPS; s++) {
                t[b * STEPS + s] = now;
                now += r.nextDouble(0.05, 1.5);
            }
        }
        return t;
    }

    static boolean timed(CellSpec cell) {
        return cell instanceof org.rnn4j.nn.PhasedLstmSpec || cell instanceof org.rnn4j.nn.PhasedGruSpec;
    }
}
