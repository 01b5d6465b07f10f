package dev.ntsfarm.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.control.ctl.Ntsctl;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class FarmControlServerTest {

    /**
     * chronyc 4.3's serverstats, captured from chronyd 4.3 on its Unix socket, then our two lines.
     */
    private static final String EXPECTED =
            """
            NTP packets received       : 1001
            NTP packets dropped        : 2
            Command packets received   : 1
            Command packets dropped    : 0
            Client log records dropped : 0
            NTS-KE connections accepted: 37
            NTS-KE connections dropped : 3
            Authenticated NTP packets  : 999
            Interleaved NTP packets    : 0
            NTP timestamps held        : 0
            NTP timestamp span         : 0
            NTS NAKs sent              : 5
            Rate kiss-o'-death sent    : 4
            """;

    private final ServerStats stats = new ServerStats();
    private ControlEndpoint server;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start(Vertx vertx, VertxTestContext ctx) {
        stats.add(ServerCounter.NTP_PACKETS_RECEIVED, 1001);
        stats.add(ServerCounter.NTP_PACKETS_DROPPED, 2);
        stats.add(ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED, 37);
        stats.add(ServerCounter.NTS_KE_CONNECTIONS_DROPPED, 3);
        stats.add(ServerCounter.AUTHENTICATED_NTP_PACKETS, 999);
        stats.add(ServerCounter.NTS_NAKS_SENT, 5);
        stats.add(ServerCounter.KISS_RATE_SENT, 4);
        FarmControl farm =
                new FarmControl() {
                    @Override
                    public Map<ServerCounter, Long> serverStats() {
                        return stats.snapshot();
                    }

                    @Override
                    public void countCommand(boolean refused) {
                        stats.increment(
                                refused
                                        ? ServerCounter.COMMAND_PACKETS_DROPPED
                                        : ServerCounter.COMMAND_PACKETS_RECEIVED);
                    }
                };
        server =
                ControlEndpoint.farm(
                        vertx,
                        ControlOptions.loopback(0),
                        farm,
                        ControlOptions.DEFAULT_AGENT_PORT,
                        line -> {});
        server.start().onComplete(ctx.succeedingThenComplete());
    }

    @AfterEach
    void stop(VertxTestContext ctx) {
        server.stop().onComplete(ctx.succeedingThenComplete());
    }

    private int ctl(String... args) {
        return ctlWithInput("", args);
    }

    private int ctlWithInput(String stdin, String... args) {
        return Ntsctl.run(
                args,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void serverstatsPrintsChronycFormat() {
        assertEquals(0, ctl("-p", String.valueOf(server.actualPort()), "serverstats"), err());
        assertEquals(EXPECTED, out());
        assertEquals("", err());
    }

    @Test
    void serverstatsOverIpv6Loopback() {
        assertEquals(
                0,
                ctl("-h", "::1", "-p", String.valueOf(server.actualPort()), "-n", "serverstats"),
                err());
        assertEquals(EXPECTED, out());
    }

    @Test
    void ipv6LoopbackWithAndWithoutBrackets() {
        String[] hosts = {"::1", "[::1]"};
        for (int i = 0; i < hosts.length; i++) {
            out.reset();
            assertEquals(
                    0,
                    ctl("-h", hosts[i], "-p", String.valueOf(server.actualPort()), "serverstats"),
                    hosts[i] + ": " + err());
            // each call counts as one more command packet
            assertEquals(
                    EXPECTED.replace(
                            "Command packets received   : 1",
                            "Command packets received   : " + (i + 1)),
                    out(),
                    hosts[i]);
        }
    }

    @Test
    void anAgentCommandAtTheFarmPortSaysWhereTheAgentListens() {
        assertEquals(1, ctl("-p", String.valueOf(server.actualPort()), "authdata"));
        assertEquals(
                "505 Not served here (127.0.0.1:"
                        + server.actualPort()
                        + "): this is the farm control endpoint; "
                        + "tracking, sources, sourcestats, authdata, activity, waitsync, makestep, burst, online, offline, "
                        + "add and delete are clock-agent commands: this host's clock agent listens on port 323 "
                        + "(ntsctl -p 323 COMMAND)\n",
                err().replace(System.lineSeparator(), "\n"));
        assertTrue(!err().contains("UNIMPLEMENTED"), err());
    }

    @Test
    void clientsCountsTheControlCallsOfEachCaller() {
        String port = String.valueOf(server.actualPort());
        assertEquals(0, ctl("-p", port, "serverstats"));
        assertEquals(1, ctl("-p", port, "rekey"), "refused: no key");
        out.reset();
        assertEquals(0, ctl("-c", "-p", port, "clients"), err());
        // NTP columns empty (no responder here); commands: serverstats served, rekey refused,
        // clients itself
        String row =
                out().lines()
                        .filter(l -> l.startsWith("127.0.0.1,"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(out()));
        String[] f = row.split(",");
        assertEquals("0", f[1], row);
        assertEquals("2", f[6], "served: serverstats and clients: " + row);
        assertEquals("1", f[7], "refused: rekey: " + row);
        assertEquals("0", f[9], "last call just now: " + row);
    }

    @Test
    void csvIsTheValuesOnOneLine() {
        assertEquals(0, ctl("-c", "-p", String.valueOf(server.actualPort()), "serverstats"), err());
        assertEquals("1001,2,1,0,0,37,3,999,0,0,0,5,4\n", out());
    }

    @Test
    void everyCallCountsAsACommandPacket() {
        String port = String.valueOf(server.actualPort());
        assertEquals(0, ctl("-p", port, "-c", "serverstats"));
        assertEquals(0, ctl("-p", port, "-c", "serverstats"));
        assertEquals("1001,2,1,0,0,37,3,999,0,0,0,5,4\n1001,2,2,0,0,37,3,999,0,0,0,5,4\n", out());
    }

    @Test
    void promptReadsCommandsUntilQuit() {
        String port = String.valueOf(server.actualPort());
        assertEquals(
                0,
                ctlWithInput("serverstats\n\nserverstats\nquit\nserverstats\n", "-c", "-p", port));
        assertEquals("1001,2,1,0,0,37,3,999,0,0,0,5,4\n1001,2,2,0,0,37,3,999,0,0,0,5,4\n", out());
    }

    @Test
    void promptEndsAtEndOfInputAndReportsAFailedCommand() {
        String port = String.valueOf(server.actualPort());
        assertEquals(1, ctlWithInput("srverstats\nserverstats\n", "-c", "-p", port));
        assertEquals("1001,2,1,0,0,37,3,999,0,0,0,5,4\n", out());
        assertEquals("Unrecognized command\n", err().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void unknownCommandIsChronycsError() {
        assertEquals(1, ctl("-p", String.valueOf(server.actualPort()), "srverstats"));
        assertEquals("Unrecognized command\n", err().replace(System.lineSeparator(), "\n"));
        assertEquals("", out());
    }

    @Test
    void refusedConnectionIsSaidPlainly() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertEquals(1, ctl("-p", String.valueOf(closed), "serverstats"));
        assertEquals(
                "506 Cannot talk to daemon: the farm control endpoint at 127.0.0.1:"
                        + closed
                        + ": connection refused\n",
                err().replace(System.lineSeparator(), "\n"));
        assertTrue(!err().contains("Exception") && !err().contains("\tat "), err());
    }

    @Test
    void unknownOptionPrintsUsage() {
        assertEquals(1, ctl("-x", "serverstats"));
        assertTrue(err().contains("unknown option -x") && err().contains("Usage: ntsctl"), err());
    }

    @Test
    void bothLoopbackAddressesListenOnOnePort() {
        assertEquals(
                java.util.List.of(
                        "127.0.0.1:" + server.actualPort(), "[::1]:" + server.actualPort()),
                server.listening());
    }
}
