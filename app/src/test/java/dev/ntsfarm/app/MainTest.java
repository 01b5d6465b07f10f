package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void unknownCommandPrintsUsageAndExitsTwo() {
        assertEquals(2, run("srever"));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("unknown command 'srever'"), text);
        assertTrue(text.contains("usage: ntsfarm COMMAND"), text);
    }

    @Test
    void noCommandIsAUsageError() {
        assertEquals(2, run());
    }

    @Test
    void versionNamesTheJavaRuntime() {
        assertEquals(0, run("version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("on Java " + Runtime.version().feature()));
    }
}
