package org.rnn4j.nn;

/** Conversions between the public batch-first layout and the internal time-major one. */
final class Layouts {

    private Layouts() {
    }

    /** src (B, T, F) → dst (T, B, F). */
    static void batchToTime(float[] src, float[] dst, int batch, int steps, int features) {
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                System.arraycopy(src, (b * steps + t) * features, dst, (t * batch + b) * features, features);
            }
        }
    }

    /** src (T, B, F) → dst (B, T, F). */
    static void timeToBatch(float[] src, float[] dst, int batch, int steps, int features) {
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                System.arraycopy(src, (t * batch + b) * features, dst, (b * steps + t) * features, features);
            }
        }
    }
}
