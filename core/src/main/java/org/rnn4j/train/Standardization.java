package org.rnn4j.train;

import org.rnn4j.tensor.Tensor;

import java.util.Arrays;

/**
 * Per-feature standardisation of inputs: every feature f becomes {@code (x - mean[f]) / std[f]}. The statistics
 * come from the valid steps of a training set ({@link #fit}); padded steps count for nothing. A feature that is
 * constant in the training data gets std 1, so it is only centred, never divided by zero.
 *
 * @param mean per-feature mean (F)
 * @param std  per-feature divisor (F), positive
 */
public record Standardization(float[] mean, float[] std) {

    public Standardization {
        if (mean == null || std == null || mean.length != std.length) {
            throw new IllegalArgumentException("standardisation needs a mean and a std per feature");
        }
        for (int f = 0; f < std.length; f++) {
            if (!Float.isFinite(mean[f]) || !Float.isFinite(std[f]) || !(std[f] > 0)) {
                throw new IllegalArgumentException("feature " + f + " has mean " + mean[f] + " and std " + std[f]
                        + "; expected a finite mean and a finite, positive std");
            }
        }
    }

    /**
     * The mean and standard deviation (population, as NumPy's {@code std}) of every feature over the valid steps of
     * all sequences of {@code data}, read {@code batchSize} sequences at a time in index order, so that a dataset
     * read from disk is streamed once and never held whole.
     */
    public static Standardization fit(Dataset data, int batchSize) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("cannot standardise on an empty dataset");
        }
        double[] mean = null;   // (F) running mean
        double[] m2 = null;     // (F) running sum of squared deviations (Welford)
        long count = 0;
        for (int start = 0; start < data.size(); start += batchSize) {
            int[] indices = new int[Math.min(batchSize, data.size() - start)];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = start + i;
            }
            Batch b = data.batch(indices);
            int t = b.steps();
            int features = b.x().dim(2);
            if (mean == null) {
                mean = new double[features];
                m2 = new double[features];
            }
            float[] x = b.x().data();
            for (int r = 0; r < b.size(); r++) {
                int len = b.lengths() == null ? t : b.lengths()[r];
                for (int s = 0; s < len; s++) {
                    count++;
                    int base = (r * t + s) * features;
                    for (int f = 0; f < features; f++) {
                        double delta = x[base + f] - mean[f];
                        mean[f] += delta / count;
                        m2[f] += delta * (x[base + f] - mean[f]);
                    }
                }
            }
        }
        float[] mu = new float[mean.length];
        float[] sd = new float[mean.length];
        for (int f = 0; f < mean.length; f++) {
            mu[f] = (float) mean[f];
            float s = (float) Math.sqrt(m2[f] / count);
            sd[f] = s > 0 && Float.isFinite(s) ? s : 1f;   // a constant feature is centred only
        }
        return new Standardization(mu, sd);
    }

    /** Number of features. */
    public int features() {
        return mean.length;
    }

    /** Standardised copy of inputs x (B, T, F); padded steps are scaled too, and the model ignores them. */
    public Tensor apply(Tensor x) {
        int features = x.dim(x.rank() - 1);
        if (features != mean.length) {
            throw new IllegalArgumentException("inputs have " + features + " features, the standardisation "
                    + mean.length);
        }
        float[] src = x.data();
        float[] dst = new float[src.length];
        for (int i = 0; i < src.length; i++) {
            int f = i % features;
            dst[i] = (src[i] - mean[f]) / std[f];
        }
        return Tensor.of(dst, x.shape());
    }

    /** The batch with standardised inputs. */
    public Batch apply(Batch batch) {
        return batch.withInputs(apply(batch.x()));
    }

    /** A view of {@code data} whose batches have standardised inputs. */
    public Dataset applyTo(Dataset data) {
        Standardization self = this;
        return new Dataset() {
            @Override
            public int size() {
                return data.size();
            }

            @Override
            public Batch batch(int[] indices) {
                return self.apply(data.batch(indices));
            }

            @Override
            public String describe() {
                return data.describe();
            }

            @Override
            public Dataset forEpoch(int epoch) {
                Dataset drawn = data.forEpoch(epoch);
                return drawn == data ? this : self.applyTo(drawn);
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Standardization s && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Standardization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
