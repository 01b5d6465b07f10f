package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.agent.AgentConfig;
import dev.ntsfarm.agent.AgentDaemon;
import dev.ntsfarm.app.control.AgentEndpoint;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.testsupport.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clock agent against the all-in-one farm, driven through the jar's own commands: {@code agent
 * -Q} prints chronyd's line, and the agent daemon ({@code -x}) reaches Reach 377 with NTS keys that
 * {@code ctl -N authdata} and {@code ctl sources} show as chronyc would.
 */
@Timeout(120)
class AgentAgainstFarmTest {

    @TempDir Path dir;
    private Farm farm;
    private Path cert;
    private AgentDaemon daemon;

    @BeforeEach
    void startFarm() throws Exception {
        farm = LocalFarm.start(dir, "agent");
        cert = LocalFarm.certificate(dir);
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.stop();
        }
        if (farm != null) {
            farm.close();
        }
    }

    private record Run(int status, String out, String err) {}

    private static Run main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status =
                Main.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String server(String options) {
        return "server 127.0.0.1 port "
                + farm.ntpPort()
                + " ntsport "
                + farm.ntsKePort()
                + " "
                + options;
    }

    @Test
    void oneShotPrintsSystemClockWrongBy() {
        Run r =
                main(
                        "agent",
                        "-Q",
                        "-t",
                        "15",
                        server("iburst nts maxsamples 1"),
                        "ntstrustedcerts " + cert);
        assertEquals(0, r.status(), r.err());
        // chronyd -Q prints this line on standard error; so does the agent
        assertTrue(
                r.err()
                        .matches(
                                "(?s).*System clock wrong by -?\\d+\\.\\d{6} seconds \\(ignored\\).*"),
                r.err());
        assertTrue(
                farm.stats().get(ServerCounter.AUTHENTICATED_NTP_PACKETS) > 0,
                farm.stats().toString());
    }

    @Test
    void daemonReachesReach377AndShowsItsNtsKeys() throws Exception {
        int cmdPort;
        try (ServerSocket s = new ServerSocket(0)) {
            cmdPort = s.getLocalPort();
        }
        Config config =
                ((ConfigResult.Parsed)
                                Config.fromArgs(
                                        List.of(
                                                server("nts iburst minpoll -2 maxpoll -2"),
                                                "ntstrustedcerts " + cert,
                                                "cmdport " + cmdPort,
                                                "bindcmdaddress 127.0.0.1",
                                                "ntsdumpdir " + dir.resolve("agent"))))
                        .config();
        List<String> log = new ArrayList<>();
        java.util.function.Consumer<String> logger =
                line -> {
                    synchronized (log) {
                        log.add(line);
                    }
                };
        AgentEndpoint endpoint = AgentEndpoint.from(config, logger);
        daemon = new AgentDaemon(AgentConfig.from(config), true, logger, endpoint);
        daemon.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        String port = Integer.toString(endpoint.port());

        String sources =
                Await.until(
                        Duration.ofSeconds(60),
                        Duration.ofMillis(250),
                        () -> main("ctl", "-p", port, "sources").out(),
                        s -> s.matches("(?s).*\\^\\S 127\\.0\\.0\\.1 +1 +-2 +377 .*"));
        assertTrue(
                sources.matches("(?s).*\\^\\* 127\\.0\\.0\\.1 +1 +-2 +377 .*"),
                sources + "\n" + log);

        Run auth = main("ctl", "-p", port, "-N", "authdata");
        assertEquals(0, auth.status(), auth.err());
        String row =
                auth.out().lines().filter(l -> l.startsWith("127.0.0.1")).findFirst().orElseThrow();
        String[] cols = row.trim().split(" +"); // Name Mode KeyID Type KLen Last Atmp NAK Cook CLen
        assertEquals("NTS", cols[1], auth.out());
        assertNotEquals("0", cols[2], "KeyID: " + auth.out());
        // both sides prefer AES-128-GCM-SIV (chrony's "30 15"); the key length and cookie follow
        // the AEAD
        AeadAlgorithm aead = AeadAlgorithm.fromId(Integer.parseInt(cols[3]));
        assertEquals(AeadAlgorithm.AES_128_GCM_SIV, aead, "Type: " + auth.out());
        assertEquals(Integer.toString(8 * aead.keyLength()), cols[4], "KLen: " + auth.out());
        assertEquals(
                Integer.toString(CookieCodec.cookieLength(aead)), cols[9], "CLen: " + auth.out());
        assertTrue(
                farm.stats().get(ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED) >= 1,
                farm.stats().toString());
    }

    @Test
    void ctlSaysPlainlyWhenNoAgentListens() throws Exception {
        int unused;
        try (ServerSocket s = new ServerSocket(0)) {
            unused = s.getLocalPort();
        }
        Run r = main("ctl", "-p", Integer.toString(unused), "tracking");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("506 Cannot talk to daemon"), r.err());
        Run bad = main("ctl", "-p", Integer.toString(unused), "waitsync", "many");
        assertEquals(1, bad.status());
        assertEquals("Invalid syntax for waitsync command", bad.err().strip());
    }
}
