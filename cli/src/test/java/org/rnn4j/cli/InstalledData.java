package org.rnn4j.cli;

import org.rnn4j.data.image.FashionMnist;
import org.rnn4j.data.image.MnistDigits;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real data sets some tests read, installed outside the repository. {@code .ci/run} installs them and sets
 * {@value #REQUIRE}, and then a missing data set fails the test that needs it; elsewhere (a developer's machine
 * without the data) the test is skipped, and the skip message names the script that installs the data.
 */
final class InstalledData {

    /** Set by .ci/run: the data is installed, so its absence is an error. */
    static final String REQUIRE = "RNN4J_REQUIRE_DATA";

    private InstalledData() {
    }

    /** The Fashion-MNIST directory; fails under .ci/run, else skips the test, when the four files are not there. */
    static Path fashionMnist() {
        Path dir = FashionMnist.defaultDir();
        require(FashionMnist.isPresent(dir), "Fashion-MNIST is not in " + dir + "; run scripts/install-fashion-mnist");
        return dir;
    }

    /**
     * The directory of the full MNIST's four IDX files (scripts/fetch-mnist); fails under .ci/run, else skips the test,
     * when they are not there.
     */
    static Path fullMnist() {
        Path dir = MnistDigits.defaultDir();
        require(MnistDigits.hasFullSet(dir), "the full MNIST (its four IDX files) is not in " + dir
                + "; run scripts/fetch-mnist");
        return dir;
    }

    /** Statsmodels' data set file, e.g. {@code sunspots/sunspots.csv}, from Debian's python3-statsmodels. */
    static Path statsmodels(String file) {
        return debianFile(Path.of("/usr/lib/python3/dist-packages/statsmodels/datasets", file), "python3-statsmodels");
    }

    /** A file a Debian package ships; fails under .ci/run, else skips the test, when it is not there. */
    static Path debianFile(Path file, String debianPackage) {
        require(java.nio.file.Files.isRegularFile(file), file + " is missing; install Debian's " + debianPackage
                + " (apt-get install " + debianPackage + ")");
        return file;
    }

    private static void require(boolean present, String missing) {
        if (!present && System.getenv(REQUIRE) != null) {
            fail(missing + " (" + REQUIRE + " is set, as .ci/run sets it after installing the data)");
        }
        assumeTrue(present, missing + " to include this test");
    }
}
