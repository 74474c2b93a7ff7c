package org.rnn4j.nn;

/**
 * LSTM options; every combination is valid.
 *
 * @param peepholes diagonal peepholes: i and f read c_{t-1}, o reads c_t (Gers &amp; Schmidhuber 2000; Sak et al. 2014)
 * @param cifg      coupled input/forget gate, i = 1 - f (Greff et al. 2017; ONNX's {@code input_forget=1} couples the
 *                  other way round, see docs/cells/lstm.md)
 * @param projSize  recurrent projection size P, 0 for none (LSTMP, Sak et al. 2014; PyTorch {@code proj_size})
 * @param cellClip  clip c_t to [-cellClip, cellClip], 0 for none
 */
public record LstmSpec(boolean peepholes, boolean cifg, int projSize, float cellClip) implements CellSpec {

    static final LstmSpec PLAIN = new LstmSpec(false, false, 0, 0f);

    public LstmSpec {
        if (projSize < 0) {
            throw new IllegalArgumentException("projSize must be 0 (no projection) or positive, got " + projSize);
        }
        if (!(cellClip >= 0f) || Float.isInfinite(cellClip)) {
            throw new IllegalArgumentException("cellClip must be 0 (no clipping) or a positive finite number, got " + cellClip);
        }
    }

    public LstmSpec withPeepholes(boolean on) {
        return new LstmSpec(on, cifg, projSize, cellClip);
    }

    public LstmSpec withCifg(boolean on) {
        return new LstmSpec(peepholes, on, projSize, cellClip);
    }

    public LstmSpec withProjSize(int p) {
        return new LstmSpec(peepholes, cifg, p, cellClip);
    }

    public LstmSpec withCellClip(float clip) {
        return new LstmSpec(peepholes, cifg, projSize, clip);
    }

    /** Number of gates with their own weights: 4 (i, f, g, o), or 3 (f, g, o) with CIFG. */
    public int gates() {
        return cifg ? 3 : 4;
    }

    @Override
    public String kind() {
        return "LSTM";
    }

    @Override
    public boolean hasCellState() {
        return true;
    }

    @Override
    public int outputSize(int hiddenSize) {
        return projSize > 0 ? projSize : hiddenSize;
    }

}
