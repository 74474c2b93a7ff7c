package org.rnn4j.data.image;

import java.util.Arrays;

/**
 * Deterministic subsets of an {@link ImageSet}: a validation split and a smaller sample, each drawn from a seed,
 * so that the same seed always picks the same images.
 */
public final class ImageSets {

    private ImageSets() {
    }

    /**
     * A set cut in two: images for training and held-out images for validation.
     *
     * @param train      the images not held out, in the original order
     * @param validation the held-out images, in the original order
     */
    public record Split(ImageSet train, ImageSet validation) {
    }

    /**
     * Holds out {@code validationSize} images picked at random from {@code seed}; the rest are for training.
     *
     * @throws IllegalArgumentException when fewer than one image would be left for training
     */
    public static Split split(ImageSet set, int validationSize, long seed) {
        if (validationSize < 0 || validationSize >= set.count()) {
            throw new IllegalArgumentException("cannot hold out " + validationSize + " of the " + set.count()
                    + " images of " + set.name() + " for validation: at least 1 must remain for training");
        }
        int[] shuffled = SequentialImages.permutation(set.count(), seed);
        int[] val = Arrays.copyOf(shuffled, validationSize);
        int[] train = Arrays.copyOfRange(shuffled, validationSize, shuffled.length);
        Arrays.sort(val);
        Arrays.sort(train);
        return new Split(set.subset(set.name() + ", training part", train),
                set.subset(set.name() + ", validation part", val));
    }

    /**
     * {@code n} images picked at random from {@code seed}, in the original order; the set itself when it has
     * {@code n} images or fewer.
     */
    public static ImageSet sample(ImageSet set, int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("a sample of " + set.name() + " needs at least 1 image, got " + n);
        }
        if (n >= set.count()) {
            return set;
        }
        int[] picked = Arrays.copyOf(SequentialImages.permutation(set.count(), seed), n);
        Arrays.sort(picked);
        return set.subset(set.name() + ", sample", picked);
    }
}
