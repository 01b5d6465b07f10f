package dev.ntsfarm.core.keyfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ntsfarm.core.config.ConfigError;
import java.nio.charset.StandardCharsets;

class KeyFileFuzzTest {

    /**
     * Parsing never throws; errors point at a line of the text; a parsed file formats to a text
     * that parses to the same keys.
     */
    @FuzzTest(maxDuration = "20s")
    void keyFileParsingSound(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        long lines = text.lines().count() + 1;
        switch (KeyFile.parse("fuzz.keys", text)) {
            case KeyFileResult.Parsed(KeyFile kf) -> {
                KeyFile back =
                        assertInstanceOf(
                                        KeyFileResult.Parsed.class,
                                        KeyFile.parse("again", kf.format()))
                                .keyFile();
                assertEquals(kf.keys(), back.keys());
            }
            case KeyFileResult.Invalid(var errors) -> {
                assertFalse(errors.isEmpty());
                for (ConfigError e : errors) {
                    assertEquals("fuzz.keys", e.file());
                    assertFalse(e.line() < 1 || e.line() > lines, e.toString());
                }
            }
        }
    }
}
