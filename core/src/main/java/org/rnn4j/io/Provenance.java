package org.rnn4j.io;

import org.rnn4j.Version;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a model came from; every model file records one. {@link #current} fills in this library, JVM, machine and
 * time; the caller states the seed and the data.
 *
 * @param libraryVersion the rnn4j version that made the model ({@link Version#VERSION})
 * @param jdk            the Java runtime: version and vendor, e.g. {@code 25.0.1+8-LTS (Eclipse Adoptium)}
 * @param os             operating system name and version, e.g. {@code Linux 6.8.0-51-generic}
 * @param arch           CPU architecture as the JVM names it, e.g. {@code amd64}
 * @param seed           the random seed of the run that made the model
 * @param data           what the model was trained on: a path, a dataset and split, ...; empty when unknown
 * @param createdAt      when, an ISO-8601 instant in UTC such as {@code 2025-03-01T12:00:00Z}
 * @param extra          anything else worth keeping (hyper-parameters, a git commit, ...), in insertion order
 */
public record Provenance(String libraryVersion, String jdk, String os, String arch, long seed, String data,
                         String createdAt, Map<String, String> extra) {

    public Provenance {
        Objects.requireNonNull(libraryVersion, "libraryVersion");
        Objects.requireNonNull(jdk, "jdk");
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(data, "data (use \"\" when there is nothing to say)");
        Objects.requireNonNull(createdAt, "createdAt");
        try {
            Instant.parse(createdAt);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("createdAt must be an ISO-8601 instant in UTC such as"
                    + " 2025-03-01T12:00:00Z, got \"" + createdAt + "\"");
        }
        Objects.requireNonNull(extra, "extra (use Map.of() when there is nothing to add)");
        Map<String, String> copy = new LinkedHashMap<>();
        extra.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "extra key"),
                Objects.requireNonNull(v, "value of extra \"" + k + "\"")));
        extra = Collections.unmodifiableMap(copy);
    }

    /**
     * The provenance of a model made now, by this library on this JVM and machine.
     *
     * @param seed            the random seed of the run
     * @param dataDescription what the model was trained on (a path, a dataset and split, ...), or "" when unknown
     */
    public static Provenance current(long seed, String dataDescription) {
        return new Provenance(Version.VERSION,
                Runtime.version() + " (" + property("java.vendor") + ")",
                property("os.name") + " " + property("os.version"),
                property("os.arch"),
                seed,
                dataDescription,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                Map.of());
    }

    /** This provenance with one more (or a replaced) extra entry. */
    public Provenance withExtra(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(extra);
        more.put(key, value);
        return new Provenance(libraryVersion, jdk, os, arch, seed, data, createdAt, more);
    }

    private static String property(String name) {
        return System.getProperty(name, "unknown");
    }
}
