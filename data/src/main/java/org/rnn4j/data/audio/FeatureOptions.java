package org.rnn4j.data.audio;

/**
 * How {@link AudioFeatures} cuts a recording into frames and what it computes of each, in Kaldi's terms (the
 * defaults of Sak et al. 2014 for the filterbank, and Kaldi's MFCC defaults with a Hamming window and no
 * energy in place of c0).
 *
 * @param sampleRate    samples per second of the recordings
 * @param frameSeconds  frame (window) length, 0.025 s
 * @param shiftSeconds  hop between frames, 0.010 s
 * @param preemphasis   x[i] −= preemphasis · x[i − 1] within each frame (x[0] −= preemphasis · x[0]), 0.97
 * @param melBins       triangular mel filters (40 for the filterbank, 23 for the MFCC)
 * @param lowHz         the lowest filter's lower edge, 20 Hz
 * @param highHz        the highest filter's upper edge; 0 or negative counts back from the Nyquist frequency
 * @param ceps          MFCC coefficients kept (13)
 * @param lifter        cepstral lifter Q: c_i ·= 1 + Q/2 · sin(π i / Q), 22; 0 for none
 */
public record FeatureOptions(int sampleRate, double frameSeconds, double shiftSeconds, double preemphasis,
                             int melBins, double lowHz, double highHz, int ceps, double lifter) {

    public FeatureOptions {
        if (sampleRate < 1) {
            throw new IllegalArgumentException("sampleRate must be positive, got " + sampleRate);
        }
        if (!(frameSeconds > 0) || !(shiftSeconds > 0)) {
            throw new IllegalArgumentException("frame and shift must be positive, got " + frameSeconds + " s and "
                    + shiftSeconds + " s");
        }
        if (melBins < 3) {
            throw new IllegalArgumentException("melBins must be at least 3, got " + melBins);
        }
        if (ceps < 1 || ceps > melBins) {
            throw new IllegalArgumentException("ceps must be in [1, melBins = " + melBins + "], got " + ceps);
        }
        double nyquist = sampleRate / 2.0;
        double high = highHz > 0 ? highHz : nyquist + highHz;
        if (!(lowHz >= 0 && lowHz < high && high <= nyquist)) {
            throw new IllegalArgumentException("the filters' band [" + lowHz + ", " + high + "] Hz must lie within [0, "
                    + nyquist + "] Hz");
        }
    }

    /** 40 log-mel energies every 10 ms from 25 ms Hamming windows, as Sak et al. (2014) fed their LSTMs. */
    public static FeatureOptions fbank(int sampleRate) {
        return new FeatureOptions(sampleRate, 0.025, 0.010, 0.97, 40, 20, 0, 13, 22);
    }

    /** 13 MFCCs every 10 ms from 23 mel filters over 25 ms Hamming windows, liftered with Q = 22. */
    public static FeatureOptions mfcc(int sampleRate) {
        return new FeatureOptions(sampleRate, 0.025, 0.010, 0.97, 23, 20, 0, 13, 22);
    }

    /** Samples per frame, rounded down as Kaldi does (551 at 22 050 Hz). */
    public int frameLength() {
        return (int) (sampleRate * frameSeconds + 1e-9);
    }

    /** Samples between frame starts, rounded down as Kaldi does (220 at 22 050 Hz). */
    public int frameShift() {
        return (int) (sampleRate * shiftSeconds + 1e-9);
    }

    /** The filters' upper edge in Hz. */
    double highEdge() {
        return highHz > 0 ? highHz : sampleRate / 2.0 + highHz;
    }
}
