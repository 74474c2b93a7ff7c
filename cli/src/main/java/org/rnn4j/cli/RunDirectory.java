package org.rnn4j.cli;

import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.Json;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The directory of one {@code rnn4j train} run (local, --text/--series, and --workers alike) and the rules that keep
 * it whole across stops:
 *
 * <ul>
 *   <li>A new run refuses a directory that already holds a run ({@link #OWN_FILES}), unless it is told to
 *       --overwrite (then only those files and the temporary files of {@link AtomicFiles} go; anything else the user
 *       put there stays) or to --resume it.</li>
 *   <li>A run that fails before it wrote anything removes the directories it made, so a rejected run leaves no empty
 *       run directory ({@link #abandon}).</li>
 *   <li>A resumed run deletes the temporary files a killed process left, drops a half-written last line of
 *       {@code metrics.jsonl} with a note, and cuts the file back to the checkpoint's epochs: the epoch lines written
 *       after the checkpoint (a stop between an epoch's line and its checkpoint) and the test line of a finished run
 *       go, since the resumed run writes them again.</li>
 *   <li>{@link #appendMetrics} writes each epoch once: an epoch line whose epoch is not after the last one written is
 *       not written.</li>
 *   <li>One run at a time: a run holds an operating-system lock on {@value #LOCK} in the directory from before it
 *       touches anything there until it ends ({@link #release}); a second run, new or resumed, in the same directory
 *       is refused meanwhile. The lock goes with the process, however it ends; the empty file stays.</li>
 * </ul>
 */
final class RunDirectory {

    static final String MODEL = "model.rnn4j";
    static final String CHECKPOINT = "checkpoint.rnn4j";
    static final String METRICS = "metrics.jsonl";
    static final String CURVE = "learning-curve.png";
    static final String LOCK = ".rnn4j-lock";

    /** The files a run writes; a directory with any of them holds a run. --overwrite removes exactly these. */
    static final List<String> OWN_FILES = List.of(MODEL, CHECKPOINT, METRICS, CURVE);

    private final Path dir;
    private final List<Path> made;   // directories this run created, deepest first
    private final FileChannel lock;  // holds the lock on LOCK until release()
    private long lastEpoch;          // the last epoch with a line in metrics.jsonl, 0 for none

    private RunDirectory(Path dir, List<Path> made, FileChannel lock, long lastEpoch) {
        this.dir = dir;
        this.made = made;
        this.lock = lock;
        this.lastEpoch = lastEpoch;
    }

    /** Takes the directory's lock, or refuses in one sentence when another run holds it. */
    private static FileChannel lock(Path dir) throws IOException {
        Path file = dir.resolve(LOCK);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = channel.tryLock();
        } catch (OverlappingFileLockException inThisProcess) {
            held = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (held == null) {
            channel.close();
            throw new IllegalArgumentException(dir + " is in use by another rnn4j train run (it holds the lock " + file
                    + "); wait for that run to end, or give another --out");
        }
        return channel;
    }

    /** Releases the directory's lock; the run is over. Never throws; calling it again does nothing. */
    void release() {
        try {
            lock.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }

    /**
     * Refuses to start a new run in {@code dir} when it already holds one and {@code overwrite} is false: a usage
     * error naming the directory, what is in it, and the two options. Cheap, so commands call it before reading data.
     */
    static void refuseExisting(Path dir, boolean overwrite) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--out " + dir + " is a file, not a directory");
        }
        List<String> found = ownFiles(dir);
        if (overwrite || found.isEmpty()) {
            return;
        }
        boolean resumable = found.contains(CHECKPOINT);
        throw new AlreadyARun("--out " + dir + " already holds a run (" + String.join(", ", found) + "): "
                + (resumable ? "continue it with --resume " + dir.resolve(CHECKPOINT) + ", or start" : "it has no"
                + " checkpoint to --resume from; start") + " it again with --overwrite (removes "
                + String.join(", ", OWN_FILES) + " only), or choose another --out");
    }

    /** {@link #refuseExisting}'s refusal: the caller turns it into a usage error (exit 2). */
    static final class AlreadyARun extends IllegalArgumentException {
        AlreadyARun(String message) {
            super(message);
        }
    }

    /**
     * Opens {@code dir} for a new run: refuses it as {@link #refuseExisting} does, removes rnn4j's own files and
     * temporary files when {@code overwrite} is given (saying so on {@code err}), and creates the directory.
     */
    static RunDirectory fresh(Path dir, boolean overwrite, PrintWriter err) throws IOException {
        refuseExisting(dir, overwrite);
        List<Path> made = new ArrayList<>();
        for (Path d = dir.toAbsolutePath().normalize(); d != null && !Files.exists(d); d = d.getParent()) {
            made.add(d);
        }
        Files.createDirectories(dir);
        FileChannel lock = lock(dir);
        try {
            refuseExisting(dir, overwrite);   // again, now that no other run can start here
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        note(err, dir, "temporary files left by a stopped run", AtomicFiles.deleteTemporaryFiles(dir));
        if (overwrite) {
            List<String> removed = new ArrayList<>();
            for (String f : OWN_FILES) {
                if (Files.deleteIfExists(dir.resolve(f))) {
                    removed.add(f);
                }
            }
            note(err, dir, "the earlier run's files (--overwrite)", removed);
        }
        return new RunDirectory(dir, made, lock, 0);
    }

    /**
     * Opens {@code dir} to continue the run saved in its checkpoint after {@code epochsDone} complete epochs: deletes
     * temporary files, drops a half-written last line of metrics.jsonl and the lines after the checkpoint's epochs,
     * each with a note on {@code err}.
     *
     * @throws IOException if metrics.jsonl has a line that is not JSON before its last one (named by number)
     */
    static RunDirectory resume(Path dir, long epochsDone, PrintWriter err) throws IOException {
        Files.createDirectories(dir);
        FileChannel lock = lock(dir);
        try {
            return resume(dir, epochsDone, err, lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static RunDirectory resume(Path dir, long epochsDone, PrintWriter err, FileChannel lock)
            throws IOException {
        note(err, dir, "temporary files left by a stopped run", AtomicFiles.deleteTemporaryFiles(dir));
        Path metrics = dir.resolve(METRICS);
        if (!Files.exists(metrics)) {
            return new RunDirectory(dir, List.of(), lock, 0);
        }
        String text = new String(Files.readAllBytes(metrics), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        boolean whole = lines.get(lines.size() - 1).isEmpty();   // the file ends with a complete line
        if (whole) {
            lines.remove(lines.size() - 1);
        }
        List<String> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        long last = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            Map<?, ?> m = object(line);
            if (m == null && i == lines.size() - 1) {
                err.println("note: the last line of " + metrics + " was cut off (a stop in mid-write): dropped it");
                continue;
            }
            if (m == null) {
                throw new IOException(metrics + " line " + (i + 1) + " is not a JSON object; remove that line (or the"
                        + " file, losing the curve's earlier epochs) to resume");
            }
            Object type = m.get("type");
            long epoch = m.get("epoch") instanceof Number n ? n.longValue() : 0;
            if ("epoch".equals(type) && (epoch > epochsDone || epoch <= last)) {
                dropped.add("epoch " + epoch);
            } else if ("epoch".equals(type)) {
                kept.add(line);
                last = epoch;
            }   // any other line closes a finished run (test, distributed): the resumed run writes it again
        }
        if (!dropped.isEmpty()) {
            err.println("note: " + metrics + " went past the checkpoint (" + epochsDone
                    + (epochsDone == 1 ? " epoch" : " epochs") + " done): dropped the lines of "
                    + String.join(", ", dropped) + "; the resumed run writes them again");
        }
        if (kept.size() != lines.size() || !whole) {
            StringBuilder b = new StringBuilder();
            kept.forEach(l -> b.append(l).append('\n'));
            AtomicFiles.write(metrics, os -> os.write(b.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return new RunDirectory(dir, List.of(), lock, last);
    }

    Path dir() {
        return dir;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /** Whether metrics.jsonl has the line of this epoch (1-based) already. */
    synchronized boolean hasEpoch(long epoch) {
        return epoch <= lastEpoch;
    }

    /**
     * Appends one JSON line to metrics.jsonl; a value that is not a finite number (a loss not known) is written as
     * null. An epoch line (type "epoch") is written only if its epoch comes after the last one written.
     *
     * @return whether the line was written
     */
    synchronized boolean appendMetrics(Map<String, ?> line) throws IOException {
        if ("epoch".equals(line.get("type")) && line.get("epoch") instanceof Number n) {
            if (n.longValue() <= lastEpoch) {
                return false;
            }
            lastEpoch = n.longValue();
        }
        Map<String, Object> finite = new LinkedHashMap<>(line);
        finite.replaceAll((k, v) -> v instanceof Double d && !Double.isFinite(d) ? null : v);   // JSON has no NaN
        Files.writeString(file(METRICS), Json.write(finite) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return true;
    }

    /**
     * After a failure: deletes temporary files, then the directories this run created if nothing is left in them (a
     * run that wrote a checkpoint or an epoch keeps them). Never throws; what cannot be removed stays.
     */
    void abandon() {
        release();
        try {
            AtomicFiles.deleteTemporaryFiles(dir);
            if (!made.isEmpty()) {   // a directory this run made goes if nothing else is in it, the lock file too
                Files.deleteIfExists(dir.resolve(LOCK));
            }
            for (Path d : made) {
                Files.deleteIfExists(d);
            }
        } catch (DirectoryNotEmptyException kept) {
            // the run wrote something, or another process put a file there: it stays
        } catch (IOException | RuntimeException ignored) {
            // leaving a directory behind is better than hiding the failure that brought us here
        }
    }

    /** The run files in {@code dir}, in {@link #OWN_FILES}' order; empty for a missing directory. */
    static List<String> ownFiles(Path dir) {
        List<String> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            for (String f : OWN_FILES) {
                if (Files.exists(dir.resolve(f))) {
                    found.add(f);
                }
            }
        }
        return found;
    }

    private static Map<?, ?> object(String line) {
        try {
            return Json.parse(line) instanceof Map<?, ?> m ? m : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void note(PrintWriter err, Path dir, String what, List<String> files) {
        if (!files.isEmpty()) {
            err.println("note: removed " + what + " from " + dir + ": " + String.join(", ", files));
            err.flush();
        }
    }
}
