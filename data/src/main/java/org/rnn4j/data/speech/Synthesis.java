package org.rnn4j.data.speech;

import org.rnn4j.data.audio.Wav;

import java.util.ArrayList;
import java.util.List;

/**
 * What a synthesiser made of one text: its audio, the segments of that audio in the synthesiser's own phoneme
 * names, contiguous from 0 to the end of the audio, and the onset of each word where the synthesiser reports it.
 *
 * @param audio      the samples at the synthesiser's rate
 * @param phonemes   contiguous segments in seconds, in the synthesiser's phoneme names
 * @param wordOnsets the onset of each word in seconds, in order (espeak-ng's word events); empty when unknown
 */
record Synthesis(Wav audio, List<Segment> phonemes, List<Double> wordOnsets) {

    Synthesis {
        wordOnsets = List.copyOf(wordOnsets);
    }

    /** A synthesis without word onsets. */
    Synthesis(Wav audio, List<Segment> phonemes) {
        this(audio, phonemes, List.of());
    }

    /**
     * This synthesis after {@code samples} samples of digital silence, labelled {@code pause} (the synthesiser's own
     * name for a pause, so that its phone map applies).
     */
    Synthesis withLeadingSilence(int samples, String pause) {
        if (samples <= 0) {
            return this;
        }
        float[] x = new float[samples + audio.samples().length];
        System.arraycopy(audio.samples(), 0, x, samples, audio.samples().length);
        double shift = (double) samples / audio.sampleRate();
        List<Segment> shifted = new ArrayList<>();
        shifted.add(new Segment(0, shift, pause));
        for (Segment s : phonemes) {
            shifted.add(new Segment(s.start() + shift, s.end() + shift, s.phone()));
        }
        List<Double> words = new ArrayList<>();
        for (double w : wordOnsets) {
            words.add(w + shift);
        }
        return new Synthesis(new Wav(audio.sampleRate(), x), shifted, words);
    }
}
