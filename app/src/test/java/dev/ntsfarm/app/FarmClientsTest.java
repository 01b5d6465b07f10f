package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * chronyc's clients at the farm's cmdport: the responder's rate-limiter records, then the control
 * calls.
 */
@Timeout(120)
class FarmClientsTest {

    @TempDir Path dir;
    private Farm farm;

    @AfterEach
    void stop() {
        if (farm != null) {
            farm.close();
        }
    }

    @Test
    void clientsShowsTheNtpRequestsOfEachClient() throws Exception {
        farm = LocalFarm.start(dir, "clients", "ratelimit");
        ClockAgentSyncStateInteropTest.ask(farm.ntpPort());
        ClockAgentSyncStateInteropTest.ask(farm.ntpPort());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc =
                Main.run(
                        new String[] {
                            "ctl", "-c", "-p", Integer.toString(farm.cmdPort()), "clients"
                        },
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        System.err);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, text);
        String row =
                text.lines()
                        .filter(l -> l.startsWith("127.0.0.1,"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(text));
        String[] f = row.split(",");
        assertEquals("2", f[1], "two NTP requests: " + row);
        assertEquals("0", f[2], "none dropped: " + row);
        assertTrue(Long.parseLong(f[6]) >= 1, "this clients call itself is counted: " + row);
    }
}
