package org.rnn4j.kernel;

/** Placeholder until the Vector API kernels land: delegates to the scalar reference. */
final class VectorKernels {
    static final Kernels INSTANCE = ScalarKernels.INSTANCE;

    private VectorKernels() {
    }
}
