package org.rnn4j.train;

import java.util.Arrays;

/**
 * Some sequences of another dataset, by index: a training or validation split. Index {@code i} of the subset is
 * sequence {@code indices[i]} of the whole.
 */
public final class Subset implements Dataset {

    private final Dataset whole;
    private final int[] indices;
    private final String description;

    public Subset(Dataset whole, int[] indices, String description) {
        for (int i : indices) {
            if (i < 0 || i >= whole.size()) {
                throw new IllegalArgumentException("index " + i + " is outside a dataset of " + whole.size()
                        + " sequences");
            }
        }
        this.whole = whole;
        this.indices = indices.clone();
        this.description = description;
    }

    /**
     * Splits sequence indices 0..n-1 at random into a training part and a validation part of {@code fraction}·n
     * sequences (rounded, and at least one of each when 0 &lt; fraction &lt; 1 and n &ge; 2). The same (n, fraction,
     * seed) always gives the same split; each part is in increasing order, which keeps reads from a file sequential.
     *
     * @return {training indices, validation indices}
     */
    public static int[][] split(int n, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("a validation fraction must be between 0 and 1 (exclusive), got "
                    + fraction);
        }
        if (n < 2) {
            throw new IllegalArgumentException("splitting off validation sequences needs at least 2 sequences, got "
                    + n);
        }
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        SeededRandom random = new SeededRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        int validation = (int) Math.min(n - 1, Math.max(1, Math.round(fraction * n)));
        int[] val = Arrays.copyOf(order, validation);
        int[] train = Arrays.copyOfRange(order, validation, n);
        Arrays.sort(val);
        Arrays.sort(train);
        return new int[][]{train, val};
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public Batch batch(int[] which) {
        int[] mapped = new int[which.length];
        for (int i = 0; i < which.length; i++) {
            mapped[i] = indices[which[i]];
        }
        return whole.batch(mapped);
    }

    @Override
    public String describe() {
        return description;
    }

    /** The same indices of the whole dataset's data for that epoch. */
    @Override
    public Dataset forEpoch(int epoch) {
        Dataset drawn = whole.forEpoch(epoch);
        return drawn == whole ? this : new Subset(drawn, indices, description);
    }
}
