package org.rnn4j.nn;

import org.rnn4j.tensor.Tensor;

import java.util.Arrays;

/**
 * {@link Recurrent#infer} over long sequences: the steps run in windows of at most {@code window} steps, each a
 * forward pass over a window of the whole sequences from the previous window's final states, so that what backward
 * would need is kept for one window only. The outputs are copied into place window by window (or not kept at all
 * when only the final states are wanted). Steps after every sequence's end only pass the states through and output
 * zeros, so they are not run.
 */
final class WindowedInference {

    private WindowedInference() {
    }

    /** Runs x (B, T, I) over whole sequences {@code seqs}; the network is already in inference mode. */
    static Recurrent.Output run(Recurrent net, Tensor x, Sequences seqs, State initial, boolean outputs, int window) {
        RecurrentConfig config = net.config();
        int b = x.dim(0);
        int t = x.dim(1);
        if (config.bidirectional() || t <= window) {
            return net.forward(x, seqs, initial, outputs);
        }
        int[] lengths = seqs.lengths();
        double[] times = seqs.times();
        int longest = lengths == null ? t : Arrays.stream(lengths).max().getAsInt();
        int d = config.outputSize();
        Tensor y = outputs ? Tensor.zeros(b, t, d) : null;
        State state = initial;
        long updates = 0;
        long dense = 0;
        for (int from = 0; from < longest; from += window) {
            int to = Math.min(t, from + window);
            Sequences part = new Sequences(SequenceWindows.lengths(lengths, b, t, from, to),
                    SequenceWindows.times(times, b, t, from, to), from, true);
            Recurrent.Output o = net.forward(SequenceWindows.steps(x, from, to), part, state, outputs);
            updates += net.unitUpdates();
            dense += net.denseUnitUpdates();
            if (y != null) {
                int len = to - from;
                for (int s = 0; s < b; s++) {
                    System.arraycopy(o.output().data(), s * len * d, y.data(), (s * t + from) * d, len * d);
                }
            }
            state = o.state();
        }
        net.setInferredUpdates(updates, dense);
        return new Recurrent.Output(y, state.h(), state.c());
    }
}
