package org.rnn4j.cli.bench;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

/**
 * Whether ONNX Runtime's Java API is on the class path. rnn4j.jar does not carry it (its native libraries would double
 * the jar's size for one bench option): the build writes it to {@code lib/} beside the jar, and the jar's manifest
 * names it in its {@code Class-Path}. This class refers to no ONNX Runtime type, so it loads without it.
 */
final class OnnxRuntimeJar {

    private OnnxRuntimeJar() {
    }

    /**
     * @throws UncheckedIOException of a {@link FileNotFoundException} naming where the jar is looked for, if ONNX
     *                              Runtime's classes are missing (the command prints its message, one line)
     */
    static void require() {
        try {
            Class.forName("ai.onnxruntime.OrtEnvironment", false, OnnxRuntimeJar.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new UncheckedIOException(new FileNotFoundException("--onnxruntime needs ONNX Runtime's Java API, which is not on the class"
                    + " path: " + where() + " (com.microsoft.onnxruntime:onnxruntime from Maven Central; ./rnn4j in"
                    + " the source tree builds it there)"));
        }
    }

    /** Where the running jar's manifest looks for ONNX Runtime, as a sentence. */
    static String where() {
        try {
            Path self = Path.of(OnnxRuntimeJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self)) {
                try (JarFile jar = new JarFile(self.toFile())) {
                    String classPath = jar.getManifest() == null ? null
                            : jar.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
                    if (classPath != null && classPath.contains("onnxruntime")) {
                        for (String entry : classPath.trim().split("\\s+")) {
                            if (entry.contains("onnxruntime")) {
                                return self.getFileName() + " looks for it at "
                                        + self.resolveSibling(entry).normalize() + ", which does not exist";
                            }
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // fall through to the general advice
        }
        return "put its jar on the class path";
    }
}
