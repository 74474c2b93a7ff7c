package org.rnn4j.experiments;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.data.speech.GridWords;
import org.rnn4j.data.speech.Visemes;
import org.rnn4j.io.Json;
import org.rnn4j.nn.MultiStreamModel;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link AvFusionExperiment} with tiny settings: every network and input runs, clean and noisy (video once), and the
 * table holds their mean accuracies; the Phased LSTM's event-driven inference performs fewer unit updates than a
 * dense network, the LSTM's exactly as many; the LSTM's one-clock input holds each video frame until the next. Skipped
 * without espeak-ng's library unless RNN4J_REQUIRE_DATA is set.
 */
class AvFusionExperimentTest {

    @TempDir
    static Path dir;
    private static AvFusionExperiment experiment;
    private static String missing;

    private static AvFusionExperiment.Settings tiny() {
        return new AvFusionExperiment.Settings(AvFusionExperiment.MODELS, AvFusionExperiment.INPUTS, 1, 8, 3, 0, 0.05,
                6, 4, 6, 1, new AvFusionExperiment.Periods(10, 100, 40, 400), 0.05f, 2, 16, 1e-2f);
    }

    @BeforeAll
    static void synthesise() {
        try {
            experiment = new AvFusionExperiment(tiny());
        } catch (IOException e) {
            missing = e.getMessage();
            if (System.getenv("RNN4J_REQUIRE_DATA") != null) {
                throw new AssertionError(missing, e);
            }
        }
    }

    @Test
    void everyNetworkAndInputRunsAndTheTableHoldsTheirMeans() throws IOException {
        assumeTrue(missing == null, () -> missing + "; run scripts/install-speech to include this test");
        assertEquals(10, experiment.runs().size(), "2 networks x (audio, fused) x 2 conditions + 2 video");
        StringWriter text = new StringWriter();
        List<RunResult> runs = ExperimentDriver.run(experiment, new ExperimentDriver.Options(dir, false, 2, 1, false),
                new PrintWriter(text, true));
        assertEquals(10, runs.size());
        for (RunResult r : runs) {
            double updates = r.extra("unit_updates_per_word");
            double dense = r.extra("dense_unit_updates_per_word");
            assertTrue(dense > 0, r.id().toString());
            if (r.model().startsWith("plstm/")) {
                assertTrue(updates < 0.8 * dense, r.id() + ": " + updates + " of " + dense);
            } else {
                assertEquals(dense, updates, 1e-9, r.id().toString());
            }
            assertTrue(r.score() >= 0 && r.score() <= 1);
        }
        for (String model : List.of("plstm/fused", "lstm/audio")) {
            double clean = runs.stream().filter(r -> r.model().equals(model) && r.condition().equals("clean"))
                    .mapToDouble(RunResult::score).findFirst().orElseThrow();
            double noisy = runs.stream().filter(r -> r.model().equals(model) && r.condition().equals("snr=0dB"))
                    .mapToDouble(RunResult::score).findFirst().orElseThrow();
            String[] net = model.split("/");
            String row = String.format(Locale.ROOT, "| %s | %s | %.2f ± 0.00 %% | %.2f ± 0.00 %% |", net[0], net[1],
                    100 * clean, 100 * noisy);
            assertTrue(text.toString().contains(row), row + " in:\n" + text);
        }
        assertEquals(Files.readString(dir.resolve("results.md")), experiment.table(runs));
        Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("results.json")));
        assertEquals(10, ((List<?>) json.get("runs")).size());
        assertTrue(Files.size(dir.resolve("learning-curves-clean.png")) > 0);
    }

    @Test
    void theOneClockInputHoldsEachVideoFrameUntilTheNext() throws IOException {
        assumeTrue(missing == null, () -> missing + "; run scripts/install-speech to include this test");
        List<GridWords.Word> words = GridWords.words(GridWords.synthesise(2, 7, n -> { }), Double.NaN, 0.05);
        int[] idx = {0, 3, 5};
        MultiStreamModel.Input in = AvFusionExperiment.audio(words, idx, true);
        int fa = GridWords.AUDIO_FEATURES;
        int f = fa + Visemes.FEATURES;
        int t = in.x().dim(1);
        assertEquals(f, in.x().dim(2));
        for (int s = 0; s < idx.length; s++) {
            GridWords.Word w = words.get(idx[s]);
            assertEquals(w.audioTimes().length, in.lengths()[s]);
            for (int j = 0; j < w.audioTimes().length; j++) {
                double now = w.audioTimes()[j];
                int v = 0;   // the latest video frame at or before now, by a plain search
                for (int k = 0; k < w.videoTimes().length; k++) {
                    if (w.videoTimes()[k] <= now) {
                        v = k;
                    }
                }
                assertEquals(now, in.times()[s * t + j]);
                for (int q = 0; q < fa; q++) {
                    assertEquals(w.audio()[j * fa + q], in.x().data()[(s * t + j) * f + q]);
                }
                for (int q = 0; q < Visemes.FEATURES; q++) {
                    assertEquals(w.video()[v * Visemes.FEATURES + q], in.x().data()[(s * t + j) * f + fa + q],
                            "sequence " + s + " frame " + j + " feature " + q);
                }
            }
        }
    }
}
