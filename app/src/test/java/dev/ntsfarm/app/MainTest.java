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
        return Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
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
        assertTrue(
                out.toString(StandardCharsets.UTF_8)
                        .contains("on Java " + Runtime.version().feature()));
    }

    @Test
    void aConfigurationMistakeNamesFileAndLineWithoutAStackTrace() {
        assertEquals(1, run("up", "port 11123", "sever 127.0.0.1"));
        assertEquals(
                "command line:2: unknown directive 'sever'\n",
                err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }

    @Test
    void aServiceOfASeparateFarmNeedsItsConfiguration() {
        assertEquals(1, run("ntp"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("expected -f FILE or directives"));
    }

    @Test
    void helpListsEverySubcommand() {
        assertEquals(0, run("help"));
        String text = out.toString(StandardCharsets.UTF_8);
        for (String c : new String[] {"up ", "nts-ke ", "ntp ", "ctl ", "bench ", "version "}) {
            assertTrue(text.contains("  " + c), c + " in\n" + text);
        }
    }

    @Test
    void ctlSaysPlainlyWhenTheFarmIsNotThere() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertEquals(1, run("ctl", "-p", String.valueOf(closed), "serverstats"));
        assertEquals(
                "506 Cannot talk to daemon: the farm control endpoint at 127.0.0.1:"
                        + closed
                        + ": connection refused\n",
                err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }

    private static dev.ntsfarm.core.config.Config config(String text) {
        return ((dev.ntsfarm.core.config.ConfigResult.Parsed)
                        dev.ntsfarm.core.config.Config.parse("x.conf", text))
                .config();
    }

    @Test
    void aConfigurationIsReadAsItsServiceReadsItAndOnlyThat() throws Exception {
        // ntsrotate means nothing to the agent, and a responder reads no makestep
        Main.readConfigAs(
                "agent", config("server a.example nts iburst\nntsrotate 10\ncmdport 323\n"));
        Main.readConfigAs("ntp", config("port 123\nmakestep 1 3\n"));
        var agent =
                org.junit.jupiter.api.Assertions.assertThrows(
                        dev.ntsfarm.core.config.ConfigException.class,
                        () -> Main.readConfigAs("agent", config("cmdport 323\nmakestep 1\n")));
        assertTrue(agent.getMessage().startsWith("x.conf:2: "), agent.getMessage());
        var ntp =
                org.junit.jupiter.api.Assertions.assertThrows(
                        dev.ntsfarm.core.config.ConfigException.class,
                        () -> Main.readConfigAs("ntp", config("port 123456\n")));
        assertTrue(ntp.getMessage().startsWith("x.conf:1: "), ntp.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> Main.readConfigAs("ctl", config("")));
    }
}
