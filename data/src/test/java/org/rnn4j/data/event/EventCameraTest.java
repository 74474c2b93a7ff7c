package org.rnn4j.data.event;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCameraTest {

    /** A 28 × 28 ring, about the strokes of a "0". */
    static float[] ring() {
        float[] img = new float[28 * 28];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                double r = Math.hypot(x - 13.5, y - 13.5);
                img[y * 28 + x] = (float) Math.max(0, Math.min(1, 2.5 - Math.abs(r - 8) ));
            }
        }
        return img;
    }

    @Test
    void aBlankImageMakesNoEvents() {
        EventCamera cam = new EventCamera(EventCamera.Settings.nmnist());
        assertEquals(0, cam.record(new float[28 * 28], 28, 28, 1).size());
        float[] grey = new float[28 * 28];
        java.util.Arrays.fill(grey, 0.0f);
        assertEquals(0, cam.record(grey, 28, 28, 2).size());
    }

    /**
     * One bright pixel at (14, 14) moved 3 pixels to the right along row 3 of the field: every event is in the row it
     * travels along, between its start and its end; ON events lie at or ahead of its current position (pixels it
     * moves onto brighten), OFF events at or behind it (pixels it leaves darken).
     */
    @Test
    void aMovingBrightPixelMakesOnEventsAtItsLeadingEdgeAndOffEventsAtItsTrailingEdge() {
        float[] img = new float[28 * 28];
        img[14 * 28 + 14] = 1f;
        EventCamera cam = new EventCamera(EventCamera.Settings.nmnist().withPath(new double[][]{{1, 3}, {4, 3}}));
        EventStream s = cam.record(img, 28, 28, 1);
        assertTrue(s.size() > 20, "events: " + s.size());
        int on = 0;
        for (int i = 0; i < s.size(); i++) {
            assertEquals(17, s.y()[i], "event " + i + " off the pixel's row");
            assertTrue(s.x()[i] >= 14 && s.x()[i] <= 19, "event " + i + " at x = " + s.x()[i] + " off the path 15 … 18");
            double centre = 14 + cam.offsetAt(s.timeMicros()[i])[0];   // where the bright pixel is at that time
            double ahead = s.x()[i] - centre;
            if (s.on()[i]) {
                on++;
                assertTrue(ahead >= -0.05, "ON event " + i + " is " + (-ahead) + " px behind the pixel");
            } else {
                assertTrue(ahead <= 0.05, "OFF event " + i + " is " + ahead + " px ahead of the pixel");
            }
        }
        assertTrue(on > 0 && on < s.size(), on + " ON of " + s.size());
    }

    @Test
    void timestampsDoNotDecreaseAndStayWithinTheSaccades() {
        EventCamera.Settings settings = EventCamera.Settings.nmnist();
        EventStream s = new EventCamera(settings).record(ring(), 28, 28, 1);
        assertTrue(s.size() > 500, "a ring should give many events, got " + s.size());
        assertTrue(s.timeMicros()[0] >= 0);
        assertTrue(s.timeMicros()[s.size() - 1] <= 300_000, "last at " + s.timeMicros()[s.size() - 1]);
        for (int i = 1; i < s.size(); i++) {
            assertTrue(s.timeMicros()[i] >= s.timeMicros()[i - 1], "event " + i + " goes back in time");
        }
        // all three saccades produce events
        int[] perSaccade = new int[3];
        for (int t : s.timeMicros()) {
            perSaccade[Math.min(2, t / 100_000)]++;
        }
        for (int k = 0; k < 3; k++) {
            assertTrue(perSaccade[k] > s.size() / 10, "saccade " + k + ": " + perSaccade[k] + " of " + s.size());
        }
        assertEquals(s.vocabulary(), 2312);
        for (int i = 0; i < s.size(); i++) {
            int token = s.token(i);
            assertTrue(token >= 0 && token < 2312);
            assertEquals(s.on()[i], token % 2 == 1);
        }
    }

    @Test
    void theEventCountFallsAsTheThresholdRises() {
        int previous = Integer.MAX_VALUE;
        for (double c : new double[]{0.1, 0.2, 0.4, 0.8}) {
            int n = new EventCamera(EventCamera.Settings.nmnist().withThreshold(c)).record(ring(), 28, 28, 1).size();
            assertTrue(n < previous, "threshold " + c + " gave " + n + " events, not fewer than " + previous);
            previous = n;
        }
    }

    @Test
    void theKeepFractionThinsEventsReproduciblyPerSeed() {
        EventStream all = new EventCamera(EventCamera.Settings.nmnist()).record(ring(), 28, 28, 1);
        EventCamera sparse = new EventCamera(EventCamera.Settings.nmnist().withKeep(0.4));
        EventStream a = sparse.record(ring(), 28, 28, 7);
        EventStream b = sparse.record(ring(), 28, 28, 7);
        EventStream c = sparse.record(ring(), 28, 28, 8);
        assertEquals(a, b, "same seed, same events");
        assertNotEquals(a, c, "another seed, other events");
        assertEquals(0.4, (double) a.size() / all.size(), 0.05, a.size() + " of " + all.size());
        assertEquals(all, new EventCamera(EventCamera.Settings.nmnist()).record(ring(), 28, 28, 99),
                "with every event kept the seed does not matter");
    }

    @Test
    void subsamplingKeepsTimeOrderAndIsSeeded() {
        EventStream all = new EventCamera(EventCamera.Settings.nmnist()).record(ring(), 28, 28, 1);
        EventStream a = all.subsample(100, new org.rnn4j.train.SeededRandom(3));
        assertEquals(100, a.size());
        assertEquals(a, all.subsample(100, new org.rnn4j.train.SeededRandom(3)));
        assertNotEquals(a, all.subsample(100, new org.rnn4j.train.SeededRandom(4)));
        assertTrue(a.timeMicros()[99] - a.timeMicros()[0] > 200_000, "spread over the recording");
        assertEquals(all, all.subsample(all.size(), new org.rnn4j.train.SeededRandom(3)));
    }

    @Test
    void badSettingsAndImagesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> EventCamera.Settings.nmnist().withKeep(0));
        assertThrows(IllegalArgumentException.class, () -> EventCamera.Settings.nmnist().withThreshold(-1));
        assertThrows(IllegalArgumentException.class,
                () -> new EventCamera(EventCamera.Settings.nmnist()).record(new float[10], 28, 28, 1));
    }
}
