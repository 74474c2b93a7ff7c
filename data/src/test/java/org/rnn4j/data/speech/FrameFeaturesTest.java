package org.rnn4j.data.speech;

import org.junit.jupiter.api.Test;
import org.rnn4j.loss.Losses;
import org.rnn4j.tensor.Tensor;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The output delay as inputs, labels and outputs see it, the segments of frame classes, and the meta round trip. */
class FrameFeaturesTest {

    @Test
    void delayedLabelsIgnoreTheFirstStepsAndTheInputIsPaddedWithZeros() {
        FrameFeatures f = new FrameFeatures("fbank", true, 2);
        assertArrayEquals(new int[] {Losses.IGNORE, Losses.IGNORE, 7, 8, 9}, f.stepLabels(new int[] {7, 8, 9}));
        Tensor x = f.input(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        assertArrayEquals(new int[] {1, 5, 2}, x.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 0, 0, 0, 0}, x.data());
    }

    @Test
    void theOutputAtStepSNamesFrameSMinusDelay() {
        FrameFeatures f = new FrameFeatures("mfcc", false, 1);
        // (1, 4, 3): steps 1..3 peak at classes 2, 0, 1; step 0 (before any frame) peaks at 1 and must be skipped
        Tensor y = Tensor.of(new float[] {0, 9, 0, 0, 0, 5, 5, 0, 0, 0, 3, 0}, 1, 4, 3);
        assertArrayEquals(new int[] {2, 0, 1}, f.frameClasses(y, 3));
    }

    @Test
    void runsOfEqualClassesBecomeSegmentsInSeconds() {
        List<Segment> s = FrameFeatures.segments(new int[] {0, 0, 3, 3, 3, 0}, List.of("sil", "a", "b", "c"));
        assertEquals(3, s.size(), s.toString());
        assertEquals(new Segment(0, 0.02, "sil"), s.get(0));
        assertEquals("c", s.get(1).phone());
        assertEquals(0.02, s.get(1).start(), 1e-12);
        assertEquals(0.05, s.get(1).end(), 1e-12);
        assertEquals(0.06, s.get(2).end(), 1e-12);
    }

    @Test
    void settingsSurviveTheModelFilesMeta() {
        FrameFeatures f = new FrameFeatures("MFCC", true, 5);
        assertEquals(f, FrameFeatures.fromMeta(Map.of(FrameFeatures.META_KEY, f.toMeta())));
        assertEquals(39, f.size());
        assertNull(FrameFeatures.fromMeta(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new FrameFeatures("plp", true, 0));
        assertThrows(IllegalArgumentException.class, () -> new FrameFeatures("fbank", true, -1));
    }
}
