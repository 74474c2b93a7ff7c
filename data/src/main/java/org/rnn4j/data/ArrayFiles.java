package org.rnn4j.data;

import org.rnn4j.io.FileFormatException;
import org.rnn4j.io.NpyArray;
import org.rnn4j.io.Npz;
import org.rnn4j.loss.Losses;
import org.rnn4j.nn.Head;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.train.ArrayDataset;
import org.rnn4j.train.Objective;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;

/**
 * Sequences as arrays: {@code x} (N, T, I) float inputs, and {@code y} (N, K) or (N, T, K) targets or {@code labels}
 * (N) or (N, T) class indices, optionally {@code lengths} (N) and {@code times} (N, T), from one {@code .npz} file or
 * from {@code .npy} files. Every array is checked: shapes against each other, values finite, lengths within T,
 * labels not negative and below the known class count.
 */
final class ArrayFiles {

    private ArrayFiles() {
    }

    private static void requireFinite(String name, Tensor t) throws FileFormatException {
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                int[] shape = t.shape();
                int[] idx = new int[shape.length];
                for (int a = shape.length - 1, rest = i; a >= 0; a--) {
                    idx[a] = rest % shape[a];
                    rest /= shape[a];
                }
                throw new FileFormatException(name + " contains " + d[i] + " at "
                        + Arrays.toString(idx) + "; values must be finite");
            }
        }
    }

    /** Adds the optional (N, T) timestamps of an .npz file to its dataset. */
    private static ArrayDataset withTimes(ArrayDataset d, Function<String, String> where,
                                          Map<String, NpyArray> arrays, int n, int t) throws FileFormatException {
        NpyArray times = arrays.get("times");
        if (times == null) {
            return d;
        }
        if (times.rank() != 2 || times.shape()[0] != n || times.shape()[1] != t) {
            throw new FileFormatException(where.apply("times") + " must have shape (" + n + ", " + t + "), one timestamp per"
                    + " sequence and step, got " + Tensor.shapeString(times.shape()));
        }
        try {
            return d.withTimes(times.toDoubleArray());
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(where.apply("times") + ": " + e.getMessage());
        }
    }

    /** Arrays of an .npz file, or of .npy files, as a dataset. */
    record Read(ArrayDataset dataset, Tensor x, Head head, int outputs, Objective objective) {

        int inputSize() {
            return x.dim(2);
        }
    }

    /** The arrays of an .npz file. */
    static Read read(Path file, Objective objective, Integer classCount) throws IOException {
        return read(file, Npz.read(file), name -> file + "['" + name + "']", objective, classCount);
    }

    /**
     * Arrays named x, y or labels, lengths and times, from one .npz file or from .npy files; {@code where} names
     * an array in messages.
     */
    static Read read(Path file, Map<String, NpyArray> arrays, Function<String, String> where,
                     Objective objective, Integer classCount) throws IOException {
        NpyArray xa = arrays.get("x");
        if (xa == null) {
            throw new FileFormatException(file + ": no array named 'x' (inputs of shape (sequences, steps, features));"
                    + " it has " + arrays.keySet());
        }
        Tensor x = xa.toTensor();
        if (x.rank() != 3) {
            throw new FileFormatException(where.apply("x") + " must have shape (sequences, steps, features), got "
                    + Tensor.shapeString(x.shape()));
        }
        int n = x.dim(0);
        int t = x.dim(1);
        if (n == 0 || t == 0) {
            throw new FileFormatException(where.apply("x") + " is empty: shape " + Tensor.shapeString(x.shape()));
        }
        requireFinite(where.apply("x"), x);
        int[] lengths = arrays.containsKey("lengths") ? arrays.get("lengths").toIntArray() : null;
        if (lengths != null) {
            if (lengths.length != n) {
                throw new FileFormatException(where.apply("lengths") + " has " + lengths.length + " entries for " + n
                        + " sequences in 'x'");
            }
            for (int i = 0; i < n; i++) {
                if (lengths[i] < 1 || lengths[i] > t) {
                    throw new FileFormatException(where.apply("lengths") + "[" + i + "] = " + lengths[i]
                            + " is outside [1, " + t + "]");
                }
            }
        }
        NpyArray y = arrays.get("y");
        NpyArray labels = arrays.get("labels");
        if ((y == null) == (labels == null)) {
            throw new FileFormatException(file + ": needs exactly one of 'y' (real-valued targets) and 'labels'"
                    + " (class indices); it has " + arrays.keySet());
        }
        String what = file.getFileName().toString();
        if (labels != null) {
            if (objective != null && objective != Objective.CROSS_ENTROPY) {
                throw new IllegalArgumentException("the objective " + DataFiles.objectiveName(objective)
                        + " (--objective) needs real-valued 'y', but " + file + " has class 'labels'");
            }
            int[] shape = labels.shape();
            boolean perStep = shape.length == 2;
            if (!(shape.length == 1 && shape[0] == n) && !(perStep && shape[0] == n && shape[1] == t)) {
                throw new FileFormatException(where.apply("labels") + " must have shape (" + n + ",) or (" + n + ", " + t
                        + "), got " + Tensor.shapeString(shape));
            }
            int[] classes = labels.toIntArray();
            int max = -1;
            for (int i = 0; i < classes.length; i++) {
                if (classes[i] == Losses.IGNORE) {
                    continue;   // a label to skip, as in PyTorch's ignore_index
                }
                if (classes[i] < 0) {
                    throw new FileFormatException(where.apply("labels") + " has the negative class " + classes[i]
                            + " at flat index " + i);
                }
                if (classCount != null && classes[i] >= classCount) {
                    throw new FileFormatException(where.apply("labels") + " has the class " + classes[i]
                            + " at flat index " + i + ", outside 0.." + (classCount - 1) + " (" + classCount
                            + " classes)");
                }
                max = Math.max(max, classes[i]);
            }
            if (max < 0 && classes.length > 0) {   // refused here, not at the first mini-batch
                throw new FileFormatException(where.apply("labels") + " has no label to learn from: all "
                        + classes.length + " are " + Losses.IGNORE + " (ignored)");
            }
            if (classCount != null) {
                max = classCount - 1;
            }
            return new Read(withTimes(ArrayDataset.withClasses(x, lengths, classes, what), where, arrays, n, t), x,
                    perStep ? Head.EVERY_STEP : Head.LAST_STEP, Math.max(2, max + 1), Objective.CROSS_ENTROPY);
        }
        if (objective == Objective.CROSS_ENTROPY) {
            throw new IllegalArgumentException("the objective ce (--objective) needs class 'labels', but " + file
                    + " has real-valued 'y'; use mse or bce");
        }
        Objective obj = objective != null ? objective : Objective.MSE;
        Tensor targets = y.toTensor();
        requireFinite(where.apply("y"), targets);
        if (targets.rank() == 1) {
            targets = Tensor.of(targets.data(), targets.dim(0), 1);
        }
        boolean perStep = targets.rank() == 3;
        if (targets.dim(0) != n || (perStep && targets.dim(1) != t) || targets.rank() > 3) {
            throw new FileFormatException(where.apply("y") + " must have shape (" + n + ", K) or (" + n + ", " + t
                    + ", K), got " + Tensor.shapeString(targets.shape()));
        }
        return new Read(withTimes(ArrayDataset.withTargets(x, lengths, targets, what), where, arrays, n, t), x,
                perStep ? Head.EVERY_STEP : Head.LAST_STEP, targets.dim(targets.rank() - 1), obj);
    }
}
