package org.rnn4j.dist;

import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.param.ParamView;

import java.util.List;

/** Distributed training keeps buffers (a BN-LSTM's running statistics) on no server: such models are refused. */
final class ParamLayoutCheck {

    private ParamLayoutCheck() {
    }

    static void requireTrainableOnly(ModelConfig config) {
        List<String> buffers = SequenceModel.layout(config).views().stream().filter(v -> !v.trainable())
                .map(ParamView::name).toList();
        if (!buffers.isEmpty()) {
            throw new IllegalArgumentException("distributed training does not yet share buffers between replicas, and"
                    + " this model has " + buffers.size() + " (" + buffers.get(0) + (buffers.size() > 1 ? ", ..." : "")
                    + ", e.g. a BN-LSTM's running statistics); train it with the single-JVM Trainer");
        }
    }
}
