package dev.ntsfarm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.testsupport.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent in a child JVM whose capability bounding set lacks CAP_SYS_TIME (setpriv, from
 * util-linux): without {@code -x} it refuses to start and says why; with {@code -x} it runs. The
 * machine's clock is never touched: the child cannot adjust it, and the check writes back what it
 * read.
 */
class PrivilegeTest {
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    @BeforeAll
    static void needsSetpriv() {
        Requirements.program(SETPRIV, "util-linux");
    }

    private static Process agent(String... args) throws IOException {
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                SETPRIV.toString(),
                                "--bounding-set=-sys_time",
                                "--inh-caps=-sys_time",
                                "--",
                                ProcessHandle.current().info().command().orElse("java"),
                                "--enable-native-access=ALL-UNNAMED",
                                "-cp",
                                System.getProperty("java.class.path"),
                                AgentCommand.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withoutCapSysTimeAndWithoutMinusXItExitsWithAClearError() throws Exception {
        Process p = agent("server 127.0.0.1 port 9 iburst", "cmdport 0");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor(), out);
        assertTrue(
                out.contains(
                        "Fatal error : Not allowed to adjust the system clock (clock_adjtime: EPERM"),
                out);
        assertTrue(out.contains("or with -x to leave the clock alone"), out);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withoutCapSysTimeMinusXRuns() throws Exception {
        Process p = agent("-x", "server 127.0.0.1 port 9 iburst", "cmdport 0");
        try {
            var in =
                    new java.io.BufferedReader(
                            new java.io.InputStreamReader(
                                    p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = in.readLine()) != null
                    && !line.contains("Disabled control of system clock")) {
                seen.append(line).append('\n');
            }
            assertTrue(line != null, "the -x agent did not start: " + seen);
            assertTrue(p.isAlive(), "the -x agent stopped: " + seen);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }
}
