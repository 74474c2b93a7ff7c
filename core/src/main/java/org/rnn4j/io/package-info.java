/**
 * Tensors in and out of files: NumPy {@link org.rnn4j.io.Npy .npy} and {@link org.rnn4j.io.Npz .npz}
 * (arrays as {@link org.rnn4j.io.NpyArray}), numeric {@link org.rnn4j.io.Csv CSV}, and
 * {@link org.rnn4j.io.AtomicFiles atomic writes} for every file rnn4j produces.
 *
 * <p>A malformed file raises a {@link org.rnn4j.io.FileFormatException} whose message is one sentence naming
 * the file (for CSV the line and column), what was found and what was expected.
 */
package org.rnn4j.io;
