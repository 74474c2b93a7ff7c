package org.rnn4j;

/** The version of this library, as in the Maven coordinates; recorded in the provenance of every model file. */
public final class Version {

    /** Kept equal to the project version in the POMs ({@code VersionTest} checks it). */
    public static final String VERSION = "0.1.0-SNAPSHOT";

    private Version() {
    }
}
