package org.rnn4j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VersionTest {

    /** Surefire runs in the module directory, so the module's POM is ./pom.xml; its parent version is ours. */
    @Test
    void versionConstantEqualsThePomVersion() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher parent = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL).matcher(pom);
        assertTrue(parent.find(), "no <parent><version> in core/pom.xml");
        assertEquals(parent.group(1), Version.VERSION,
                "org.rnn4j.Version.VERSION must be updated together with the version in the POMs");
    }
}
