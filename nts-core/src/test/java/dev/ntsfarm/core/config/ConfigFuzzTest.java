package dev.ntsfarm.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

class ConfigFuzzTest {

    /**
     * Parsing never throws: mistakes come back as errors that point at a line of the text, and the
     * typed readers fail only with a ConfigException for a line of the text. A parsed configuration
     * written out parses to the same directives.
     */
    @FuzzTest(maxDuration = "20s")
    void configParsingSound(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        long lines = text.lines().count() + 1;
        switch (Config.parse("fuzz.conf", text)) {
            case ConfigResult.Parsed(Config config) -> {
                Config again =
                        assertInstanceOf(
                                        ConfigResult.Parsed.class,
                                        Config.parse("again", config.toText()))
                                .config();
                assertEquals(
                        config.directives().stream().map(Directive::toLine).toList(),
                        again.directives().stream().map(Directive::toLine).toList());
                for (Directive d : config.directives()) {
                    try {
                        switch (d.name()) {
                            case "server", "pool", "peer" -> SourceDirective.from(d);
                            case "allow", "deny", "cmdallow", "cmddeny" -> AccessRule.from(d);
                            case "local" -> LocalDirective.from(d);
                            case "makestep" -> MakeStep.from(d);
                            case "ratelimit", "ntsratelimit" -> RateLimit.from(d);
                            case "cluster" -> ClusterDirective.from(d);
                            default -> d.integer(0, 0, 100);
                        }
                    } catch (ConfigException e) {
                        assertEquals(d.line(), e.error().line());
                        assertEquals("fuzz.conf", e.error().file());
                    }
                }
            }
            case ConfigResult.Invalid(var errors) -> {
                for (ConfigError e : errors) {
                    assertEquals("fuzz.conf", e.file());
                    assertFalse(e.line() < 1 || e.line() > lines, e.toString());
                }
            }
        }
    }
}
