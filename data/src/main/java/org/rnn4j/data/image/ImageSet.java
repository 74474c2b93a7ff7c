package org.rnn4j.data.image;

import java.util.Arrays;

/**
 * Labelled grey-scale images held in memory: {@code count()} images of {@code rows × cols} pixels with
 * intensities in [0, 1], stored image after image, row after row, and one class label per image.
 *
 * @param name    where the images came from, for logs and provenance (e.g. {@code "fashion-mnist train"})
 * @param rows    pixel rows per image
 * @param cols    pixel columns per image
 * @param pixels  (count, rows·cols) intensities in [0, 1]
 * @param labels  (count) class indices in [0, classes)
 * @param classes number of classes
 */
public record ImageSet(String name, int rows, int cols, float[] pixels, int[] labels, int classes) {

    public ImageSet {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(name + ": images need at least 1×1 pixels, got " + rows + "×" + cols);
        }
        if (pixels.length != (long) labels.length * rows * cols) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixels do not make " + labels.length
                    + " images of " + rows + "×" + cols);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of image " + i
                        + " is outside [0, " + classes + ")");
            }
        }
    }

    /** Number of images. */
    public int count() {
        return labels.length;
    }

    /** Pixels per image. */
    public int size() {
        return rows * cols;
    }

    /** A copy of image {@code i}'s pixels, row after row. */
    public float[] image(int i) {
        int n = size();
        return Arrays.copyOfRange(pixels, i * n, (i + 1) * n);
    }

    /** The images at these indices, in this order, as a new set. */
    public ImageSet subset(String subsetName, int[] indices) {
        int n = size();
        float[] p = new float[indices.length * n];
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(pixels, indices[k] * n, p, k * n, n);
            l[k] = labels[indices[k]];
        }
        return new ImageSet(subsetName, rows, cols, p, l, classes);
    }
}
