package org.rnn4j.cli;

import org.rnn4j.nn.Head;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.RecurrentConfig;

/** A model's architecture in one line, as train, info and convert print it. */
final class ModelDescription {

    private ModelDescription() {
    }

    /** e.g. "2-layer bidirectional LSTM (peepholes, proj 64), H=256". */
    static String of(ModelConfig config) {
        RecurrentConfig n = config.network();
        StringBuilder sb = new StringBuilder();
        if (n.numLayers() > 1) {
            sb.append(n.numLayers()).append("-layer ");
        }
        if (n.bidirectional()) {
            sb.append("bidirectional ");
        }
        sb.append(switch (n.cell()) {
            case org.rnn4j.nn.LstmSpec l -> "LSTM" + lstmOptions(l);
            case org.rnn4j.nn.GruSpec g -> g.linearBeforeReset() ? "GRU" : "GRU (original form)";
            case org.rnn4j.nn.RnnSpec r -> "RNN-" + r.nonlinearity().name().toLowerCase(java.util.Locale.ROOT);
            case org.rnn4j.nn.PhasedLstmSpec p -> "Phased LSTM" + (p.peepholes() ? " (peepholes)" : "");
            case org.rnn4j.nn.BnLstmSpec bn -> "BN-LSTM";
            case org.rnn4j.nn.PhasedGruSpec p -> "Phased GRU";
        });
        sb.append(", H=").append(n.hiddenSize()).append(", input ").append(config.inputSize());
        if (config.embedding() != null) {
            sb.append(" (token embedded: ").append(config.embedding().numEmbeddings()).append(" x ")
                    .append(config.embedding().embeddingDim()).append(')');
        }
        sb.append(", head ").append(config.head() == Head.LAST_STEP ? "last step" : "every step")
                .append(" -> ").append(config.outputSize());
        return sb.toString();
    }

    private static String lstmOptions(org.rnn4j.nn.LstmSpec l) {
        java.util.List<String> o = new java.util.ArrayList<>();
        if (l.peepholes()) {
            o.add("peepholes");
        }
        if (l.cifg()) {
            o.add("CIFG");
        }
        if (l.projSize() > 0) {
            o.add("proj " + l.projSize());
        }
        if (l.cellClip() > 0) {
            o.add("cell clip " + l.cellClip());
        }
        return o.isEmpty() ? "" : " (" + String.join(", ", o) + ")";
    }
}
