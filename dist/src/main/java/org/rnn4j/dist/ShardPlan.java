package org.rnn4j.dist;

import org.rnn4j.param.ParamLayout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the flat parameter array is cut into shards: shard k holds [from(k), to(k)), contiguous ranges of (nearly)
 * equal size, and the trainable parts of each range (buffers are stored but never updated).
 *
 * @param parameterCount the length of the flat array
 * @param shardSize      floats per shard (the last one may be shorter)
 * @param trainable      [from, to) ranges the optimizer updates, as {@link ParamLayout#trainableRanges()} gives
 */
public record ShardPlan(int parameterCount, int shardSize, int[][] trainable) {

    /** About 64 Ki floats (256 KiB) per shard unless a shard count is given. */
    public static final int DEFAULT_SHARD_SIZE = 1 << 16;

    public ShardPlan {
        if (parameterCount < 1 || shardSize < 1) {
            throw new IllegalArgumentException("a shard plan needs at least one parameter and one float per shard, got "
                    + parameterCount + " parameters and shards of " + shardSize);
        }
    }

    /**
     * The plan for a layout: {@code shards} shards of equal size (rounded up), or, with {@code shards} 0, shards of
     * {@link #DEFAULT_SHARD_SIZE} floats.
     */
    public static ShardPlan of(ParamLayout layout, int shards) {
        if (shards < 0) {
            throw new IllegalArgumentException("the shard count must be ≥ 1 (or 0 for shards of about "
                    + DEFAULT_SHARD_SIZE + " floats), got " + shards);
        }
        int n = layout.size();
        int size = shards == 0 ? DEFAULT_SHARD_SIZE : (int) Math.max(1, ((long) n + shards - 1) / shards);
        // equal shards: spread n over ceil(n / size) pieces
        int count = (int) (((long) n + size - 1) / size);
        size = (int) (((long) n + count - 1) / count);
        return new ShardPlan(n, size, layout.trainableRanges());
    }

    public int count() {
        return (int) (((long) parameterCount + shardSize - 1) / shardSize);
    }

    public int from(int shard) {
        return shard * shardSize;
    }

    public int to(int shard) {
        return (int) Math.min(parameterCount, (long) (shard + 1) * shardSize);
    }

    /** The trainable ranges within shard k, relative to its start. */
    public int[][] trainableIn(int shard) {
        int from = from(shard);
        int to = to(shard);
        List<int[]> out = new ArrayList<>();
        for (int[] r : trainable) {
            int a = Math.max(r[0], from);
            int b = Math.min(r[1], to);
            if (a < b) {
                out.add(new int[]{a - from, b - from});
            }
        }
        return out.toArray(int[][]::new);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardPlan p && p.parameterCount == parameterCount && p.shardSize == shardSize
                && Arrays.deepEquals(p.trainable, trainable);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * parameterCount + shardSize) + Arrays.deepHashCode(trainable);
    }

    @Override
    public String toString() {
        return count() + " shards of " + shardSize + " floats over " + parameterCount + " parameters";
    }
}
