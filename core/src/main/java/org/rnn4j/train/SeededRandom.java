package org.rnn4j.train;

import java.util.random.RandomGenerator;

/**
 * A small, fast generator whose whole state is one {@code long}, so a training checkpoint can save it and a
 * resumed run draws exactly the numbers the uninterrupted run would have drawn. SplitMix64 (Steele, Lea &amp;
 * Flood 2014); gaussians and bounded values come from {@link RandomGenerator}'s default methods.
 */
public final class SeededRandom implements RandomGenerator {

    private long state;

    public SeededRandom(long seed) {
        this.state = seed;
    }

    /** A generator for item {@code index} of a stream seeded with {@code seed}, independent of the others. */
    public static SeededRandom forItem(long seed, long index) {
        return new SeededRandom(mix(seed ^ mix(index + 0x632BE59BD9B4E019L)));
    }

    @Override
    public long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The whole state, for checkpoints. */
    public long state() {
        return state;
    }

    /** Restores a state returned by {@link #state()}. */
    public void setState(long state) {
        this.state = state;
    }

    /** A uniformly random order of 0..n-1 drawn from this generator (Fisher-Yates, from the last item down). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
