package org.rnn4j.data.image;

import org.rnn4j.nn.Head;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Dataset;
import org.rnn4j.train.Objective;
import org.rnn4j.train.SeededRandom;

/**
 * Images read as sequences, for many-to-one classification (the network's last step predicts the class):
 * <ul>
 *   <li>{@link Mode#ROWS}: one row per step, T = rows and F = cols (row-by-row MNIST);</li>
 *   <li>{@link Mode#PIXELS}: one pixel per step in reading order, T = rows·cols and F = 1 (sequential MNIST,
 *       Le et al. 2015);</li>
 *   <li>{@link Mode#PERMUTED}: one pixel per step in a fixed random order drawn from a seed, T = rows·cols and
 *       F = 1 (permuted MNIST). The order depends only on the seed and the image size, so a training and a test
 *       set built with the same seed are read in the same order.</li>
 * </ul>
 * Sequence i is image i of the set; every sequence has all T steps.
 */
public final class SequentialImages implements Dataset {

    /** How an image becomes a sequence. */
    public enum Mode {
        ROWS, PIXELS, PERMUTED
    }

    private final ImageSet images;
    private final Mode mode;
    private final long permutationSeed;
    private final int[] order;   // (rows·cols): the pixel read at step t, for PERMUTED; else null

    /**
     * @param permutationSeed the seed of the pixel order for {@link Mode#PERMUTED}; ignored by the other modes
     */
    public SequentialImages(ImageSet images, Mode mode, long permutationSeed) {
        if (images.count() < 1) {
            throw new IllegalArgumentException(images.name() + " has no images");
        }
        this.images = images;
        this.mode = mode;
        this.permutationSeed = permutationSeed;
        this.order = mode == Mode.PERMUTED ? permutation(images.size(), permutationSeed) : null;
    }

    public static SequentialImages rows(ImageSet images) {
        return new SequentialImages(images, Mode.ROWS, 0);
    }

    public static SequentialImages pixels(ImageSet images) {
        return new SequentialImages(images, Mode.PIXELS, 0);
    }

    public static SequentialImages permuted(ImageSet images, long permutationSeed) {
        return new SequentialImages(images, Mode.PERMUTED, permutationSeed);
    }

    /**
     * A uniformly random order of {@code n} items drawn from {@code seed} (Fisher–Yates over a
     * {@link SeededRandom}): entry t is the item at position t.
     */
    public static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SeededRandom rng = new SeededRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    public ImageSet images() {
        return images;
    }

    public Mode mode() {
        return mode;
    }

    /** The pixel (row·cols + col) read at each step for {@link Mode#PERMUTED}, a copy; null for the other modes. */
    public int[] pixelOrder() {
        return order == null ? null : order.clone();
    }

    /** Features per step: the columns for ROWS, 1 for PIXELS and PERMUTED. */
    public int inputSize() {
        return mode == Mode.ROWS ? images.cols() : 1;
    }

    /** Classes of the images. */
    public int outputSize() {
        return images.classes();
    }

    public Head head() {
        return Head.LAST_STEP;
    }

    public Objective objective() {
        return Objective.CROSS_ENTROPY;
    }

    /** Steps of every sequence: the rows for ROWS, all pixels for PIXELS and PERMUTED. */
    public int steps() {
        return mode == Mode.ROWS ? images.rows() : images.size();
    }

    /** The cross-entropy of always predicting the class frequencies of this set: the entropy of its labels. */
    public double baselineLoss() {
        long[] counts = new long[images.classes()];
        for (int l : images.labels()) {
            counts[l]++;
        }
        double h = 0;
        for (long c : counts) {
            if (c > 0) {
                double p = (double) c / images.count();
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    @Override
    public int size() {
        return images.count();
    }

    @Override
    public String describe() {
        String how = switch (mode) {
            case ROWS -> "row by row";
            case PIXELS -> "pixel by pixel";
            case PERMUTED -> "pixel by pixel, permuted (seed " + permutationSeed + ")";
        };
        return images.name() + ": " + how + ", T=" + steps() + ", " + size() + " images";
    }

    @Override
    public Batch batch(int[] indices) {
        int n = images.size();
        float[] pixels = images.pixels();
        Tensor x = Tensor.zeros(indices.length, steps(), inputSize());   // (B, T, F)
        float[] xd = x.data();
        int[] classes = new int[indices.length];
        for (int r = 0; r < indices.length; r++) {
            int i = indices[r];
            if (i < 0 || i >= images.count()) {
                throw new IndexOutOfBoundsException("image " + i + " of a set of " + images.count());
            }
            // ROWS and PIXELS read the image in its own row-major order; only the shape of x differs
            if (order == null) {
                System.arraycopy(pixels, i * n, xd, r * n, n);
            } else {
                for (int t = 0; t < n; t++) {
                    xd[r * n + t] = pixels[i * n + order[t]];
                }
            }
            classes[r] = images.labels()[i];
        }
        return Batch.withClasses(x, null, classes);
    }
}
