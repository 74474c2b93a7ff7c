package org.rnn4j.kernel;

/**
 * Finds out whether the Vector API can be used. The vector kernels' class is only loaded when the
 * {@code jdk.incubator.vector} module is in the boot layer, so the library still runs (on the scalar path)
 * when a user starts the JVM without {@code --add-modules jdk.incubator.vector}.
 */
final class VectorSupport {

    private VectorSupport() {
    }

    static boolean available() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** A new instance of the vector kernels, with scratch of its own. */
    static Kernels kernels() {
        return new VectorKernels();
    }
}
