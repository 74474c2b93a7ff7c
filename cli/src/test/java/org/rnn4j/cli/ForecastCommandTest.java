package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.data.timeseries.AutoRegression;
import org.rnn4j.data.timeseries.SeriesScaling;
import org.rnn4j.io.ModelFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.MainTest.rnn4j;

/**
 * {@code rnn4j train --series} and {@code rnn4j forecast}: the model file keeps the column, the scaling and the window;
 * the RMSE per horizon of the model, AR(p) and the seasonal naive forecast equal those computed here from every
 * origin of the test part with the library (rollout from the model's scaling, AR(p) fitted to the values before
 * the test part, the seasonal naive); forecast.csv holds the forecast after the end; a trained model has learned
 * the season of a noisy seasonal series (half the error of repeating the last value).
 */
class ForecastCommandTest {

    @TempDir
    Path dir;

    /** A seasonal series with a trend and noise, period 12, in statsmodels' layout. */
    private Path series(int n) throws IOException {
        SplittableRandom rnd = new SplittableRandom(3);
        StringBuilder sb = new StringBuilder("\"MONTH\",\"LEVEL\"\n");
        for (int t = 0; t < n; t++) {
            double v = 50 + 0.05 * t + 10 * Math.sin(2 * Math.PI * t / 12) + rnd.nextGaussian();
            sb.append(t).append(',').append(v).append('\n');
        }
        Path f = dir.resolve("level.csv");
        Files.writeString(f, sb);
        return f;
    }

    @Test
    void theRmsePerHorizonOfEachMethodIsComputedOverEveryTestOrigin() throws IOException {
        Path csv = series(300);
        Path run = dir.resolve("run");
        MainTest.Result t = rnn4j("train", "--series", csv.toString(), "--column", "LEVEL", "--difference", "--window",
                "24", "--cell", "gru", "--hidden", "16", "--epochs", "10", "--threads", "1", "--no-progress", "--out",
                run.toString());
        assertEquals(0, t.code(), t.all());
        ModelFile.Loaded loaded = ModelFile.load(run.resolve("model.rnn4j"));
        Map<?, ?> meta = (Map<?, ?>) loaded.meta().get("series");
        assertEquals(60L, ((Number) meta.get("held_out")).longValue(), "--holdout 0.2 of 300");
        assertEquals(true, meta.get("difference"));
        assertEquals(List.of("LEVEL"), loaded.data().featureColumns());

        Path out = dir.resolve("forecast");
        MainTest.Result f = rnn4j("forecast", run.resolve("model.rnn4j").toString(), "--data", csv.toString(),
                "--column", "LEVEL", "--horizon", "6", "--period", "12", "--ar-order", "3", "--out", out.toString());
        assertEquals(0, f.code(), f.all());
        assertEquals("", f.err());
        double[] y = new double[300];
        List<String> lines = Files.readAllLines(csv);
        for (int i = 0; i < 300; i++) {
            y[i] = Double.parseDouble(lines.get(i + 1).split(",")[1]);
        }
        SeriesScaling scaling = new SeriesScaling(true, loaded.data().mean()[0], loaded.data().std()[0]);
        AutoRegression ar = AutoRegression.fit(Arrays.copyOf(y, 240), 3);
        int origins = 60 - 6 + 1;
        double[][] truth = new double[origins][];
        double[][] arF = new double[origins][];
        double[][] naive = new double[origins][];
        int[] from = new int[origins];
        for (int i = 0; i < origins; i++) {
            from[i] = 240 + i;
            truth[i] = Arrays.copyOfRange(y, 240 + i, 246 + i);
            arF[i] = ar.forecast(Arrays.copyOf(y, 240 + i), 6);
            naive[i] = AutoRegression.seasonalNaive(Arrays.copyOf(y, 240 + i), 12, 6);
        }
        double[] rnn = AutoRegression.rmsePerHorizon(scaling.forecast(loaded.model(), y, from, 24, 6), truth);
        double[] arRmse = AutoRegression.rmsePerHorizon(arF, truth);
        double[] naiveRmse = AutoRegression.rmsePerHorizon(naive, truth);
        List<String> rmse = Files.readAllLines(out.resolve("rmse.csv"));
        assertEquals("h,rmse_rnn,rmse_ar,rmse_seasonal_naive", rmse.get(0));
        for (int h = 0; h < 6; h++) {
            String[] row = rmse.get(h + 1).split(",");
            assertEquals(rnn[h], Double.parseDouble(row[1]), 1e-9 * rnn[h], "rnn, h = " + (h + 1));
            assertEquals(arRmse[h], Double.parseDouble(row[2]), 1e-9 * arRmse[h], "AR, h = " + (h + 1));
            assertEquals(naiveRmse[h], Double.parseDouble(row[3]), 1e-9 * naiveRmse[h], "naive, h = " + (h + 1));
            assertTrue(f.out().contains(String.format(java.util.Locale.ROOT, "| %d | %.4g | %.4g | %.4g |", h + 1,
                    rnn[h], arRmse[h], naiveRmse[h])), f.out());
        }
        double[] future = scaling.forecast(loaded.model(), y, new int[] {300}, 24, 6)[0];
        List<String> fc = Files.readAllLines(out.resolve("forecast.csv"));
        assertEquals(7, fc.size());
        assertEquals(future[5], Double.parseDouble(fc.get(6).split(",")[1]), 1e-9 * Math.abs(future[5]));
        assertTrue(Files.size(out.resolve("forecast.png")) > 0);
        double[][] last = new double[origins][];
        for (int i = 0; i < origins; i++) {
            last[i] = AutoRegression.seasonalNaive(Arrays.copyOf(y, 240 + i), 1, 6);
        }
        double mean = Arrays.stream(rnn).average().orElseThrow();
        double lastMean = Arrays.stream(AutoRegression.rmsePerHorizon(last, truth)).average().orElseThrow();
        assertTrue(mean < 0.5 * lastMean, "the trained model has learned the season: RMSE " + mean + " against "
                + lastMean + " for repeating the last value");
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path csv = series(120);
        Path run = dir.resolve("run");
        assertEquals(0, rnn4j("train", "--series", csv.toString(), "--column", "LEVEL", "--window", "12", "--hidden",
                "4", "--epochs", "1", "--threads", "1", "--no-progress", "--out", run.toString()).code());
        Path out = dir.resolve("never");
        String model = run.resolve("model.rnn4j").toString();
        for (List<String> bad : List.of(List.of("--horizon", "0"), List.of("--horizon", "3", "--column", "YEAR"),
                List.of("--horizon", "30"), List.of("--horizon", "3", "--period", "0"))) {
            List<String> args = new java.util.ArrayList<>(List.of("forecast", model, "--data", csv.toString(), "--out",
                    out.toString()));
            args.addAll(bad);
            MainTest.Result r = rnn4j(args.toArray(String[]::new));
            assertEquals(1, r.code(), bad + ": " + r.all());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertEquals("", r.out());
        }
        MainTest.Result r = rnn4j("forecast", model, "--data", csv.toString(), "--column", "YEAR", "--horizon", "3",
                "--out", out.toString());
        assertTrue(r.err().contains("level.csv has no column 'YEAR'"), r.err());
        assertFalse(Files.exists(out), "nothing written");
        r = rnn4j("train", "--series", csv.toString(), "--task", "parity", "--column", "LEVEL", "--out",
                out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--task is for --task and --data, not for --series"), r.err());
        r = rnn4j("train", "--series", csv.toString(), "--out", out.toString());
        assertTrue(r.err().contains("needs --column"), r.err());
        assertFalse(Files.exists(out), "nothing written");
    }
}
