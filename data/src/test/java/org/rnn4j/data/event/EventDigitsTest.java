package org.rnn4j.data.event;

import org.junit.jupiter.api.Test;
import org.rnn4j.data.image.ImageSet;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.train.Batch;
import org.rnn4j.train.Objective;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventDigitsTest {

    /** Three shapes, jittered: a ring (class 0), a vertical bar (1), a horizontal bar (2). */
    static ImageSet shapes(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] pixels = new float[count * 784];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int label = i % 3;
            labels[i] = label;
            double dx = rnd.nextDouble(-3, 3);
            double dy = rnd.nextDouble(-3, 3);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    double u = x - 13.5 - dx;
                    double v = y - 13.5 - dy;
                    double d = switch (label) {
                        case 0 -> Math.abs(Math.hypot(u, v) - 7);
                        case 1 -> Math.abs(u) + Math.max(0, Math.abs(v) - 8);
                        default -> Math.abs(v) + Math.max(0, Math.abs(u) - 8);
                    };
                    pixels[i * 784 + y * 28 + x] = (float) Math.max(0, Math.min(1, 2 - d));
                }
            }
        }
        return new ImageSet("shapes", 28, 28, pixels, labels, 3);
    }

    @Test
    void batchesHoldTokensTimesAndLengthsOfTheCappedRecordings() {
        EventDigits data = new EventDigits(shapes(6, 1), new EventCamera(EventCamera.Settings.nmnist()), 150, 3, true);
        assertEquals(2312, data.vocabulary());
        assertEquals(2, data.inputSize());
        assertTrue(data.meanEvents() > 150, "mean events " + data.meanEvents());
        assertEquals(150, data.meanLength(), 1e-9);
        Batch b = data.batch(new int[]{4, 0, 2});
        assertArrayEquals(new int[]{1, 0, 2}, b.classes());
        assertEquals(150, b.steps());
        int steps = b.steps();
        for (int r = 0; r < 3; r++) {
            assertEquals(150, b.lengths()[r]);
            for (int s = 0; s < steps; s++) {
                float token = b.x().data()[(r * steps + s) * 2];
                assertTrue(token >= 0 && token < 2312 && token == Math.rint(token));
                double t = b.times()[r * steps + s];
                assertTrue(t >= 0 && t <= 0.3, "time " + t);
                assertEquals((float) (t * 10), b.x().data()[(r * steps + s) * 2 + 1], 1e-6);
                if (s > 0) {
                    assertTrue(t >= b.times()[r * steps + s - 1], "times go back");
                }
            }
        }
        EventDigits untimed = data.withTimeAsInput(false);
        assertEquals(1, untimed.inputSize());
        assertTrue(!untimed.describe().contains("time as input") && data.describe().contains("time as input"));
        assertEquals(b.x().data()[(2 * steps + 7) * 2], untimed.batch(new int[]{4, 0, 2}).x().data()[2 * steps + 7]);
        double[] ms = data.withTimestampsInMilliseconds().batch(new int[]{4, 0, 2}).times();
        for (int i = 0; i < ms.length; i++) {
            assertEquals(1000 * b.times()[i], ms[i], 1e-9);
        }
        EventDigits again = new EventDigits(shapes(6, 1), new EventCamera(EventCamera.Settings.nmnist()), 150, 3, true);
        assertArrayEquals(b.x().data(), again.batch(new int[]{4, 0, 2}).x().data(), "same seed, same data");
        EventDigits other = new EventDigits(shapes(6, 1), new EventCamera(EventCamera.Settings.nmnist()), 150, 4, true);
        assertTrue(!java.util.Arrays.equals(b.x().data(), other.batch(new int[]{4, 0, 2}).x().data()),
                "another seed thins differently");
    }

    @Test
    void shortRecordingsArePaddedAndABlankImageBecomesOneEvent() {
        float[] pixels = new float[2 * 784];
        System.arraycopy(shapes(1, 2).pixels(), 0, pixels, 0, 784);
        ImageSet set = new ImageSet("ring and blank", 28, 28, pixels, new int[]{0, 1}, 2);
        EventDigits data = new EventDigits(set, new EventCamera(EventCamera.Settings.nmnist()), 100_000, 1, false);
        assertEquals(1, data.emptyRecordings());
        Batch b = data.batch(new int[]{0, 1});
        assertEquals(1, data.inputSize());
        assertEquals(1, b.lengths()[1]);
        assertEquals(b.steps(), b.lengths()[0]);
        int steps = b.steps();
        for (int s = 1; s < steps; s++) {
            assertEquals(0f, b.x().data()[steps + s], "padding is 0");
            assertEquals(0.0, b.times()[steps + s], "padding repeats the last time");
        }
    }

    /** End to end: an LSTM reading the events through an embedding tells the three shapes apart. */
    @Test
    void anEmbeddedLstmLearnsTheShapesFromTheirEvents() {
        EventCamera cam = new EventCamera(EventCamera.Settings.nmnist());
        EventDigits train = new EventDigits(shapes(120, 5), cam, 48, 1, true);
        EventDigits test = new EventDigits(shapes(60, 6), cam, 48, 2, true);
        SequenceModel model = SequenceModel.builder().cell(CellSpec.lstm()).embedding(train.vocabulary(), 8)
                .inputSize(train.inputSize()).hiddenSize(16).head(Head.LAST_STEP).outputSize(3).seed(1).build();
        TrainConfig cfg = TrainConfig.builder().epochs(12).batchSize(16).objective(Objective.CROSS_ENTROPY)
                .learningRate(0.01f).seed(1).build();
        new Trainer(cfg, new Adam(0.01f)).fit(model, train, null, null);
        double accuracy = Trainer.evaluate(model, test, Objective.CROSS_ENTROPY, 60).metric();
        assertTrue(accuracy > 0.8, "test accuracy " + accuracy + " (chance 0.33)");
    }
}
