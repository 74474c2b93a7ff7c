package org.rnn4j.data.synthetic;

import org.rnn4j.train.SeededRandom;

import java.util.Arrays;
import java.util.Locale;

/**
 * Sequence-to-sequence tasks on digit strings, generated from a seed: pair i comes from its own generator seeded
 * with (seed, i), like every {@link SyntheticTask}, so a set is defined by its task, lengths, size and seed.
 * <ul>
 *   <li>{@code reverse}: a string of n digits, n uniform in [minLength, maxLength] → the same digits backwards
 *       ({@code 3141} → {@code 1413});</li>
 *   <li>{@code sort}: the same strings → their digits in ascending order ({@code 3141} → {@code 1134});</li>
 *   <li>{@code add}: two numbers of n and m digits (each uniform in [minLength, maxLength], no leading zero) written
 *       {@code a+b} → the digits of the sum, most significant first ({@code 57+68} → {@code 125}).</li>
 * </ul>
 * Source tokens are the digits 0–9 and {@link #PLUS} (10); target tokens are the digits, with {@link #BOS} (10) and
 * {@link #EOS} (11) for a decoder ({@code Seq2Seq.Config(SOURCE_VOCAB, TARGET_VOCAB, ..., BOS, EOS)}).
 */
public final class DigitStrings {

    /** The source token of '+' in {@code add}. */
    public static final int PLUS = 10;
    /** Source tokens: 0–9 and '+'. */
    public static final int SOURCE_VOCAB = 11;
    /** The target token that starts decoding. */
    public static final int BOS = 10;
    /** The target token that ends a target. */
    public static final int EOS = 11;
    /** Target tokens: 0–9, BOS and EOS. */
    public static final int TARGET_VOCAB = 12;

    /** The three tasks. */
    public enum Task {
        REVERSE, SORT, ADD;

        /** The task of a name ({@code reverse}, {@code sort}, {@code add}; case ignored). */
        public static Task named(String name) {
            for (Task t : values()) {
                if (t.label().equalsIgnoreCase(name.trim())) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown task '" + name + "'; choose reverse, sort or add");
        }

        /** The task's name in lower case. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One example: source and target token ids. */
    public record Pair(int[] source, int[] target) {
    }

    /**
     * Exact-match and per-token accuracy of decoded targets.
     *
     * @param sequence the fraction of targets decoded exactly (every token, and the length)
     * @param token    correct tokens over Σ max(|decoded|, |target|): a token counts where the decoded one equals the
     *                 target's at its position; a missing or an extra token counts as wrong
     */
    public record Accuracy(double sequence, double token) {
    }

    private final Task task;
    private final int minLength;
    private final int maxLength;
    private final int size;
    private final long seed;

    /**
     * @param minLength the fewest digits of a string (of each number for {@code add}), at least 1
     * @param maxLength the most digits, at least minLength (at most 18 for {@code add}, so that sums fit a long)
     * @param size      number of pairs
     */
    public DigitStrings(Task task, int minLength, int maxLength, int size, long seed) {
        if (task == null) {
            throw new IllegalArgumentException("a task is needed: reverse, sort or add");
        }
        if (minLength < 1 || maxLength < minLength) {
            throw new IllegalArgumentException("lengths must satisfy 1 <= min <= max, got min " + minLength + " and max "
                    + maxLength);
        }
        if (task == Task.ADD && maxLength > 18) {
            throw new IllegalArgumentException("add takes numbers of at most 18 digits, got " + maxLength);
        }
        if (size < 1) {
            throw new IllegalArgumentException("a set needs at least 1 pair, got " + size);
        }
        this.task = task;
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.size = size;
        this.seed = seed;
    }

    public Task task() {
        return task;
    }

    public int size() {
        return size;
    }

    /** The longest target this set can hold: maxLength, or maxLength + 1 for a sum. */
    public int maxTargetLength() {
        return task == Task.ADD ? maxLength + 1 : maxLength;
    }

    /** Pair i, the same for the same (task, lengths, seed) every time. */
    public Pair pair(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("pair " + i + " of a set of " + size);
        }
        SeededRandom rng = SeededRandom.forItem(seed, i);
        return switch (task) {
            case REVERSE, SORT -> {
                int[] s = digits(rng, length(rng), false);
                int[] t = s.clone();
                if (task == Task.SORT) {
                    Arrays.sort(t);
                } else {
                    for (int k = 0; k < t.length; k++) {
                        t[k] = s[s.length - 1 - k];
                    }
                }
                yield new Pair(s, t);
            }
            case ADD -> {
                int[] a = digits(rng, length(rng), true);
                int[] b = digits(rng, length(rng), true);
                int[] s = new int[a.length + 1 + b.length];
                System.arraycopy(a, 0, s, 0, a.length);
                s[a.length] = PLUS;
                System.arraycopy(b, 0, s, a.length + 1, b.length);
                yield new Pair(s, digitsOf(value(a) + value(b)));
            }
        };
    }

    /** The sources of the given pairs. */
    public int[][] sources(int[] indices) {
        int[][] out = new int[indices.length][];
        for (int k = 0; k < indices.length; k++) {
            out[k] = pair(indices[k]).source();
        }
        return out;
    }

    /** The targets of the given pairs. */
    public int[][] targets(int[] indices) {
        int[][] out = new int[indices.length][];
        for (int k = 0; k < indices.length; k++) {
            out[k] = pair(indices[k]).target();
        }
        return out;
    }

    /** A string of source or target tokens as text: digits, '+' for {@link #PLUS}. */
    public static String text(int[] tokens) {
        StringBuilder sb = new StringBuilder();
        for (int t : tokens) {
            sb.append(t == PLUS ? '+' : (char) ('0' + t));
        }
        return sb.toString();
    }

    /** Exact-match and per-token accuracy of {@code decoded} against {@code targets} (see {@link Accuracy}). */
    public static Accuracy score(int[][] decoded, int[][] targets) {
        if (decoded.length != targets.length || targets.length == 0) {
            throw new IllegalArgumentException("need as many decoded strings as targets, at least one, got "
                    + decoded.length + " and " + targets.length);
        }
        long exact = 0;
        long correct = 0;
        long positions = 0;
        for (int i = 0; i < targets.length; i++) {
            int[] d = decoded[i];
            int[] t = targets[i];
            exact += Arrays.equals(d, t) ? 1 : 0;
            for (int k = 0; k < Math.min(d.length, t.length); k++) {
                correct += d[k] == t[k] ? 1 : 0;
            }
            positions += Math.max(d.length, t.length);
        }
        return new Accuracy((double) exact / targets.length, positions == 0 ? 1 : (double) correct / positions);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s digit strings of %d–%d digits, %d pairs, seed %d", task.label(),
                minLength, maxLength, size, seed);
    }

    private int length(SeededRandom rng) {
        return minLength + rng.nextInt(maxLength - minLength + 1);
    }

    /** n random digits; with {@code number} the first is not 0 unless n = 1. */
    private static int[] digits(SeededRandom rng, int n, boolean number) {
        int[] d = new int[n];
        for (int k = 0; k < n; k++) {
            d[k] = number && k == 0 && n > 1 ? 1 + rng.nextInt(9) : rng.nextInt(10);
        }
        return d;
    }

    private static long value(int[] digits) {
        long v = 0;
        for (int d : digits) {
            v = 10 * v + d;
        }
        return v;
    }

    private static int[] digitsOf(long v) {
        return Long.toString(v).chars().map(c -> c - '0').toArray();
    }
}
