package org.rnn4j.data.synthetic;

import org.junit.jupiter.api.Test;
import org.rnn4j.train.Batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrequencyDiscriminationTest {

    @Test
    void wavesFollowTheirPeriodAndClassAndTimesAreSortedInsideTheWindow() {
        for (FrequencyDiscrimination.Sampling mode : new FrequencyDiscrimination.Sampling[]{
                FrequencyDiscrimination.Sampling.REGULAR, FrequencyDiscrimination.Sampling.HIGH_RESOLUTION,
                FrequencyDiscrimination.Sampling.ASYNCHRONOUS}) {
            FrequencyDiscrimination task = new FrequencyDiscrimination(mode, 400, 3, false);
            int special = 0;
            for (int i = 0; i < 400; i++) {
                FrequencyDiscrimination.Wave w = task.wave(i);
                assertEquals(w.period() >= 5 && w.period() <= 6 ? 1 : 0, w.label());
                special += w.label();
                if (i % 2 == 0) {
                    assertEquals(1, w.label(), "even sequences are forced into the class");
                }
                double[] t = w.times();
                assertTrue(t[0] >= 0 && t[t.length - 1] <= 125, mode + ": times inside [0, 125] ms");
                for (int s = 1; s < t.length; s++) {
                    assertTrue(t[s] >= t[s - 1], "sorted");
                }
                int n = t.length;
                switch (mode) {
                    case REGULAR -> assertTrue(n >= 15 && n <= 125, "1 ms sampling of 15-125 ms: " + n);
                    case HIGH_RESOLUTION -> assertTrue(n >= 150 && n <= 1250, "0.1 ms sampling: " + n);
                    case ASYNCHRONOUS -> assertTrue(n >= 15 && n <= 125, "15-125 random points: " + n);
                }
            }
            assertTrue(special >= 200 && special < 240, mode + ": about half are special, plus the random ones: " + special);
        }
    }

    @Test
    void superimposedWavesAreSumsOfTwoSinesAtRandomTimesLabelledByBothPeriods() {
        FrequencyDiscrimination task = new FrequencyDiscrimination(FrequencyDiscrimination.Sampling.SUPERIMPOSED, 200, 5, false);
        int positive = 0;
        for (int i = 0; i < 200; i++) {
            FrequencyDiscrimination.Wave w = task.wave(i);
            int n = w.times().length;
            assertTrue(n >= 100 && n <= 1000, "100-1000 points: " + n);
            assertTrue(w.times()[0] >= 0 && w.times()[n - 1] <= 100);
            for (float v : w.values()) {
                assertTrue(Math.abs(v) <= 2f + 1e-6f, "a sum of two sines");
            }
            if (i % 2 == 0) {
                assertEquals(1, w.label(), "even sequences have both periods in their ranges");
            }
            positive += w.label();
        }
        assertTrue(positive >= 100 && positive < 110, "about half, plus rare random hits: " + positive);
    }

    @Test
    void aBatchCarriesValuesLengthsLabelsAndTimestamps() {
        FrequencyDiscrimination task = new FrequencyDiscrimination(FrequencyDiscrimination.Sampling.ASYNCHRONOUS, 10, 1, true);
        Batch b = task.batch(new int[]{3, 4, 7});
        assertEquals(2, b.x().dim(2));
        for (int r = 0; r < 3; r++) {
            FrequencyDiscrimination.Wave w = task.wave(new int[]{3, 4, 7}[r]);
            assertEquals(w.times().length, b.lengths()[r]);
            assertEquals(w.label(), b.classes()[r]);
            for (int s = 0; s < b.lengths()[r]; s++) {
                assertEquals(w.values()[s], b.x().get(r, s, 0));
                assertEquals((float) w.times()[s], b.x().get(r, s, 1));
                assertEquals(w.times()[s], b.times()[r * b.steps() + s]);
            }
        }
    }

    @Test
    void freshEachEpochDrawsNewWavesEveryEpochAndTheSameOnesForTheSameEpoch() {
        FrequencyDiscrimination base = new FrequencyDiscrimination(FrequencyDiscrimination.Sampling.ASYNCHRONOUS, 50, 7, false);
        FrequencyDiscrimination fresh = base.freshEachEpoch();
        org.junit.jupiter.api.Assertions.assertSame(base, base.forEpoch(3), "a fixed dataset is the same every epoch");
        assertEquals(base.wave(4).period(), fresh.forEpoch(0).wave(4).period(), "epoch 0 is the dataset itself");
        double[] periods = new double[4];
        for (int e = 0; e < 4; e++) {
            FrequencyDiscrimination epoch = fresh.forEpoch(e);
            assertEquals(50, epoch.size());
            periods[e] = epoch.wave(5).period();   // an odd index: a log-uniform period
            assertEquals(periods[e], fresh.forEpoch(e).wave(5).period(), "the same epoch, the same waves");
            for (int p = 0; p < e; p++) {
                assertTrue(periods[p] != periods[e], "epochs " + p + " and " + e + " draw different waves");
            }
        }
        assertTrue(fresh.describe().contains("afresh every epoch"), fresh.describe());
    }
}
