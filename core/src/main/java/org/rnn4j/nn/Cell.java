package org.rnn4j.nn;

import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamLayout;
import org.rnn4j.param.ParamView;

import java.util.random.RandomGenerator;

/**
 * One recurrent cell: the elementwise math of one time step, forward and backward, for a block of rows and units.
 * Everything else about a step (the matrix products with W_ih and W_hh, packing, whether the input projection is
 * fused into the step, which rows are computed, the split over threads) is the layer's {@link StepSchedule}; the
 * masking of padded steps is the {@link RecurrentLayer}'s.
 *
 * <p>Lifecycle of one pass, as driven by the schedule: the input projection (or nothing yet, when fused); for each
 * step in scan order, the step's products and then {@link #forward} over blocks of rows and units; after the last
 * step {@link #endForward}. Backward, in reverse scan order: {@link #backward} over blocks, then the products that
 * carry the gradient to h_{t−1}; after the scan, the weight gradients of all steps at once. Backward passes
 * accumulate into the gradient array {@code g}; they never clear it.
 *
 * <p>A block is rows [lo, hi) and units [u0, u1) of step t; a unit j stands for column j of each gate block
 * (columns q·H + j). How the schedule may split a step into blocks is the cell's {@link #split()}.
 *
 * <p>Parameters live in the model's flat array {@code w} at offsets the cell recorded when it declared them.
 *
 * @param <T> the cell's tape type
 */
abstract class Cell<T extends Tape> {

    /** How a cell's gate pre-activations are formed from the products x·W_ihᵀ and h·W_hhᵀ and the two biases. */
    enum Wiring {
        /** pre = b_ih + b_hh + x·W_ihᵀ + h_{t−1}·W_hhᵀ in one block (RNN, LSTM, Phased LSTM). */
        SUMMED,
        /**
         * pre = b_ih + x·W_ihᵀ and, apart, rec = b_hh + h_{t−1}·W_hhᵀ ({@link Tape#recurrentPart()}): the cell
         * combines them (the GRU in PyTorch's form, whose reset gate multiplies the recurrent part of n).
         */
        RESET_AFTER,
        /**
         * pre = b_ih + b_hh + x·W_ihᵀ, then pre[r, z] += h_{t−1}·W_hh[r, z]ᵀ and, after the reset gate,
         * pre[n] += (r ⊙ h_{t−1})·W_hnᵀ: two recurrent products per step, on every row (the original GRU form).
         */
        RESET_BEFORE,
        /** x·W_ihᵀ and h_{t−1}·W_hhᵀ each in its own buffer without biases, normalised by the cell (BN-LSTM). */
        NORMALISED
    }

    final int inputSize;
    final int hidden;
    /** R: the output and recurrent state size. */
    final int out;
    /** G: gates × H, the width of the products. */
    final int gw;
    final StandardWeights weights;
    private final boolean cellState;

    Cell(int inputSize, int hidden, int outputSize, int gates, boolean cellState, ParamLayout.Builder layout,
         String suffix) {
        this.inputSize = inputSize;
        this.hidden = hidden;
        this.out = outputSize;
        this.gw = gates * hidden;
        this.cellState = cellState;
        this.weights = new StandardWeights(layout, suffix, gw, inputSize, outputSize);
    }

    /** A cell computing with the parameters of {@code base} (a Phased cell with its LSTM's or GRU's). */
    Cell(Cell<?> base) {
        this.inputSize = base.inputSize;
        this.hidden = base.hidden;
        this.out = base.out;
        this.gw = base.gw;
        this.cellState = base.cellState;
        this.weights = base.weights;
    }

    /** The cell a spec describes, its parameters declared in {@code layout} with a suffix such as {@code _l1_reverse}. */
    static Cell<?> of(CellSpec spec, int inputSize, int hidden, ParamLayout.Builder layout, String suffix) {
        return switch (spec) {
            case RnnSpec s -> new RnnCell(s, inputSize, hidden, layout, suffix);
            case LstmSpec s -> new LstmCell(s, inputSize, hidden, layout, suffix);
            case GruSpec s -> s.linearBeforeReset() ? new GruCell(inputSize, hidden, layout, suffix)
                    : new GruOriginalCell(inputSize, hidden, layout, suffix);
            case BnLstmSpec s -> new BnLstmCell(s, inputSize, hidden, layout, suffix);
            case PhasedLstmSpec s -> new PhasedLstmCell(s, inputSize, hidden, layout, suffix);
            case PhasedGruSpec s -> new PhasedGruCell(s, inputSize, hidden, layout, suffix);
        };
    }

    final int inputSize() {
        return inputSize;
    }

    /** H: the number of units. */
    final int hiddenSize() {
        return hidden;
    }

    /** R: the size of the output and recurrent state (H, or the projection size). */
    final int outputSize() {
        return out;
    }

    /** G: columns of the products per batch row (gates × H). */
    final int gateWidth() {
        return gw;
    }

    /** Whether the cell carries a second state c (the LSTMs). */
    final boolean hasCellState() {
        return cellState;
    }

    abstract Wiring wiring();

    /** A tape for B sequences of T steps. */
    abstract T newTape(int batch, int steps, boolean reverse);

    /** Initialises this cell's parameters in {@code w}. */
    abstract void initialize(float[] w, Init init, RandomGenerator rng);

    /** W_hr (P, H) of a recurrent projection r_t = W_hr m_t (LSTMP), or null. */
    ParamView projection() {
        return null;
    }

    /**
     * How a step's elementwise work may be split between threads: by rows when rows are independent (the default);
     * by units when a unit's work sums over the rows ({@link #backward}'s peephole or time-gate gradients), so that
     * each sum stays in row order on one thread; not at all when the whole step must run together.
     */
    Compute.Split split() {
        return Compute.Split.ROWS;
    }

    /**
     * Whether a packed pass may fuse the input projection into each step's product ([x_t, h_{t−1}]·[W_ih; W_hh]ᵀ)
     * instead of projecting all steps first. The time-gated cells project first, as they always have: fusing
     * changes the sums' rounding, and for them it was never measured faster.
     */
    boolean fusesInput() {
        return true;
    }

    /** Before the first step of a pass. */
    void startForward(float[] w, T tp, Pass p) {
    }

    /**
     * Step t's elementwise forward for rows [lo, hi) and units [u0, u1), after its products: from the
     * pre-activations, the gates (kept in place for backward) and the state after the step.
     */
    abstract void forward(Kernels k, float[] w, T tp, Pass p, int t, int lo, int hi, int u0, int u1);

    /**
     * Step t's elementwise backward for rows [lo, hi) and units [u0, u1): from the gradients at the state after
     * the step ({@code d.dh}, or with a projection the tape's dm; {@code d.dc}), the gate gradients (dA and the
     * tape's other gradient buffers), the gradients at the state before it through the cell's direct paths
     * ({@code d.dcPrev}, written; {@code d.dhPrev}, which the schedule zeroed and adds the recurrent product to
     * after), and the cell's own parameter gradients, accumulated into g.
     */
    abstract void backward(Kernels k, float[] w, float[] g, T tp, Pass p, int t, Carry d, int lo, int hi, int u0, int u1);

    /** After the last step of a forward pass: cells that keep running statistics (BN-LSTM) fold the pass's in. */
    void endForward(float[] w, T tp, Pass p) {
    }

    /**
     * Whether the pass's steps are event-driven: computed unit by unit by {@link #forwardEventDriven}, with no
     * products, because most units are known to be closed (the Phased cells at inference).
     */
    boolean eventDriven(Pass p) {
        return false;
    }

    /**
     * An event-driven step t over rows [0, rows): only the open units compute, each its own gate rows from the
     * input x (T·B, I) at xOff and the state.
     */
    void forwardEventDriven(Kernels k, float[] w, T tp, Pass p, int t, int rows, float[] x, int xOff) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no event-driven steps");
    }

    /** {@link Wiring#RESET_BEFORE} only: the first half of a step, between its two products. */
    void forwardReset(Kernels k, float[] w, T tp, Pass p, int t, int lo, int hi) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " resets after its product");
    }

    /** {@link Wiring#RESET_BEFORE} only: the backward of {@link #forwardReset}. */
    void backwardReset(T tp, Pass p, int t, Carry d, int lo, int hi) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " resets after its product");
    }

    /**
     * Number of (sequence, unit, step) state updates the latest forward pass performed over valid steps: every
     * unit of every valid step for a dense cell; cells that skip closed units count the open ones.
     */
    long unitUpdates(T tp, Pass p) {
        long valid = 0;
        for (int t = 0; t < tp.steps; t++) {
            for (int b = 0; b < tp.batch; b++) {
                valid += p.active(b, t) ? 1 : 0;
            }
        }
        return valid * hidden;
    }

    /**
     * The gradients a backward step reads and writes: dh (B, R) and dc (B, H) at the state after the step, dhPrev
     * and dcPrev before it. The layer swaps the pairs from step to step; dh and dc may be used as scratch.
     */
    static final class Carry {
        float[] dh;
        float[] dc;
        float[] dhPrev;
        float[] dcPrev;

        Carry(int batch, int outputSize, int hidden) {
            dh = new float[batch * outputSize];
            dhPrev = new float[batch * outputSize];
            dc = new float[batch * hidden];
            dcPrev = new float[batch * hidden];
        }

        private Carry(float[] dh, float[] dc, float[] dhPrev, float[] dcPrev) {
            this.dh = dh;
            this.dc = dc;
            this.dhPrev = dhPrev;
            this.dcPrev = dcPrev;
        }

        /**
         * Another carry over the same arrays, swapped on its own: a thread of a row scan keeps its rows in them
         * while another thread, at another step, keeps its rows in the same arrays the other way round.
         */
        Carry sameArrays() {
            return new Carry(dh, dc, dhPrev, dcPrev);
        }

        /** The gradients before this step become those after the next one back. */
        void swap() {
            float[] tmp = dh;
            dh = dhPrev;
            dhPrev = tmp;
            tmp = dc;
            dc = dcPrev;
            dcPrev = tmp;
        }
    }
}
