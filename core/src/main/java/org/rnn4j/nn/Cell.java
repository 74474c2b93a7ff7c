package org.rnn4j.nn;

import org.rnn4j.kernel.Compute;

import java.util.random.RandomGenerator;

/**
 * One recurrent cell: the computation of one time step, forward and backward, for a whole batch.
 * A {@link RecurrentLayer} scans a cell over time; cells know nothing about masks or directions beyond the
 * state indices the {@link Tape} gives them.
 *
 * <p>Lifecycle, as driven by the layer for one batch:
 * <ol>
 *   <li>{@link #projectInput} once: the input projection x·W_ihᵀ + biases for all T·B rows in one product;</li>
 *   <li>{@link #forwardStep} for each t in scan order: adds the recurrent product and writes the next state;</li>
 *   <li>{@link #backwardStep} for each t in reverse scan order: from the gradient arriving at the state after
 *       step t, writes the gate gradients of step t and the gradient at the state before it;</li>
 *   <li>{@link #backwardSequence} once: the deferred weight-gradient products over all steps and the input
 *       gradient.</li>
 * </ol>
 * Backward passes accumulate into the gradient array {@code g}; they never clear it.
 *
 * <p>Parameters live in the model's flat array {@code w} at offsets the cell recorded when it declared them.
 *
 * @param <T> the cell's tape type
 */
public interface Cell<T extends Tape> {

    int inputSize();

    /** H: the number of units. */
    int hiddenSize();

    /** R: the size of the output and recurrent state (H, or the projection size). */
    int outputSize();

    /** Whether the cell carries a second state c (LSTM). */
    boolean hasCellState();

    /**
     * Whether the steps compute only rows [0, {@link Tape#rows}) (the sequences up to the last one still running)
     * and write zero gate gradients for the rows past it. A batch sorted by length, longest first, then costs the
     * sum of its lengths instead of B times the longest. Cells whose rows interact (statistics over the
     * whole batch) must leave it false.
     */
    default boolean skipsFinishedRows() {
        return false;
    }

    /** G: columns of the input projection per batch row (gates × H). */
    int gateWidth();

    /** A tape for B sequences of T steps. */
    T newTape(int batch, int steps, boolean reverse);

    /** Initialises this cell's parameters in {@code w}. */
    void initialize(float[] w, Init init, RandomGenerator rng);

    /**
     * pre (T·B, G) = x (T·B, I) · W_ihᵀ + biases.
     *
     * @param x time-major input, rows of I floats, not modified
     */
    void projectInput(Compute cx, float[] w, T tape, float[] x, int xOff);

    /** Step t: completes the gates in {@code tape.pre} and writes the state after step t. */
    void forwardStep(Compute cx, float[] w, T tape, int t);

    /**
     * After the last step of a forward pass: cells that keep running statistics (BN-LSTM) fold the pass's batch
     * statistics into them here, so that every step of one pass read the same running statistics; cells whose
     * steps read the layer input let go of it.
     */
    default void finishForward(float[] w, T tape) {
    }

    /** Before the first backward step of a pass: cells that pack their recurrent weights for the steps do it here. */
    default void startBackward(Compute cx, float[] w, T tape) {
    }

    /**
     * Step t backward.
     *
     * @param dh     (B, R) gradient at the output/state after step t; may be used as scratch
     * @param dc     (B, H) gradient at the cell state after step t (ignored without cell state); may be used as scratch
     * @param dhPrev (B, R) overwritten with the gradient at the state before step t
     * @param dcPrev (B, H) overwritten with the gradient at the cell state before step t
     */
    void backwardStep(Compute cx, float[] w, float[] g, T tape, int t,
                      float[] dh, float[] dc, float[] dhPrev, float[] dcPrev);

    /**
     * Number of (sequence, unit, step) state updates the latest forward pass performed over valid steps. A dense cell
     * updates every unit of every valid step; an event-driven one (the Phased LSTM at inference) skips closed units.
     */
    default long unitUpdates(T tape) {
        long valid = 0;
        for (int t = 0; t < tape.steps; t++) {
            for (int b = 0; b < tape.batch; b++) {
                valid += tape.active(b, t) ? 1 : 0;
            }
        }
        return valid * hiddenSize();
    }

    /**
     * After the backward scan: weight and bias gradients from all steps at once, and dx += dA · W_ih.
     *
     * @param x  the same input as in {@link #projectInput}, not modified
     * @param dx (T·B, I) input gradient, accumulated into, or null when not needed
     */
    void backwardSequence(Compute cx, float[] w, float[] g, T tape, float[] x, int xOff, float[] dx, int dxOff);
}
