package org.rnn4j.io;

import java.util.Locale;

/**
 * The element types of NumPy arrays that rnn4j reads and writes, with their NumPy type strings as written
 * in a .npy header (little-endian; {@code |} marks the one-byte types, which have no byte order).
 *
 * <p>{@link #UINT8} and {@link #BOOL} exist so that image bytes and masks saved with NumPy can be read;
 * {@link NpyArray} has no factory for them, but an array read from a file is written back unchanged.
 */
public enum DType {
    FLOAT32("<f4", 4),
    FLOAT64("<f8", 8),
    INT32("<i4", 4),
    INT64("<i8", 8),
    UINT8("|u1", 1),
    BOOL("|b1", 1);

    private final String descr;
    private final int itemSize;

    DType(String descr, int itemSize) {
        this.descr = descr;
        this.itemSize = itemSize;
    }

    /** The NumPy type string rnn4j writes, e.g. {@code <f4}. */
    public String descr() {
        return descr;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** The NumPy name, e.g. {@code float32}. */
    public String numpyName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
