package org.rnn4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.MainTest.rnn4j;

/**
 * The README's real data, read by the commands the README shows (with short training): statsmodels' yearly sunspots
 * and weekly CO2 (59 empty weeks) from Debian's python3-statsmodels through train --series and forecast, and a
 * fortune file from Debian's fortunes through train --text and sample. Skipped where the packages are not installed;
 * under .ci/run, which installs them, a missing file fails.
 */
class ReadmeDataTest {

    @TempDir
    Path dir;

    @Test
    void sunspotsAndCo2AreForecast() {
        Path sunspots = InstalledData.statsmodels("sunspots/sunspots.csv");
        Path run = dir.resolve("sunspots");
        MainTest.Result t = rnn4j("train", "--series", sunspots.toString(), "--column", "SUNACTIVITY", "--cell", "gru",
                "--hidden", "8", "--epochs", "2", "--threads", "1", "--no-progress", "--out", run.toString());
        assertEquals(0, t.code(), t.all());
        assertTrue(t.out().contains("on the held-out last 62 values of sunspots.csv"), t.out());
        MainTest.Result f = rnn4j("forecast", run.resolve("model.rnn4j").toString(), "--data", sunspots.toString(),
                "--column", "SUNACTIVITY", "--horizon", "10", "--period", "11", "--out", dir.resolve("f1").toString());
        assertEquals(0, f.code(), f.all());
        assertTrue(f.out().contains("309 values; forecasts from 53 origins in the last 62") && f.out().contains("| 10 | "),
                f.out());

        Path co2 = InstalledData.statsmodels("co2/co2.csv");
        run = dir.resolve("co2");
        t = rnn4j("train", "--series", co2.toString(), "--column", "co2", "--fill-gaps", "--difference", "--window",
                "52", "--hidden", "8", "--epochs", "1", "--threads", "1", "--no-progress", "--out", run.toString());
        assertEquals(0, t.code(), t.all());
        assertTrue(t.out().contains("59 gaps filled"), t.out());
        f = rnn4j("forecast", run.resolve("model.rnn4j").toString(), "--data", co2.toString(), "--fill-gaps",
                "--horizon", "52", "--period", "52", "--out", dir.resolve("f2").toString());
        assertEquals(0, f.code(), f.all());
        assertTrue(f.out().contains("2284 values (59 gaps filled)") && f.out().contains("| 52 | "), f.out());
        MainTest.Result gap = rnn4j("forecast", run.resolve("model.rnn4j").toString(), "--data", co2.toString(),
                "--horizon", "4", "--out", dir.resolve("f3").toString());
        assertEquals(1, gap.code());
        assertTrue(gap.err().contains("co2.csv line 8: column 'co2' is empty"), gap.err());
    }

    @Test
    void aFortuneFileTrainsACharacterModelThatSamples() throws Exception {
        Path cookie = InstalledData.debianFile(Path.of("/usr/share/games/fortunes/cookie"), "fortunes");
        Path run = dir.resolve("cookie");
        MainTest.Result t = rnn4j("train", "--text", cookie.toString(), "--hidden", "16", "--window", "64", "--epochs",
                "1", "--threads", "1", "--no-progress", "--out", run.toString());
        assertEquals(0, t.code(), t.all());
        assertTrue(t.out().contains("bits per character on the held-out last 24509 characters of cookie"), t.out());
        MainTest.Result s = rnn4j("sample", run.resolve("model.rnn4j").toString(), "--length", "100", "--prime", "The ",
                "--temperature", "0.8");
        assertEquals(0, s.code(), s.all());
        assertEquals(4 + 100 + 1, s.out().length(), s.out());
        assertTrue(Files.size(run.resolve("learning-curve.png")) > 0);
    }
}
