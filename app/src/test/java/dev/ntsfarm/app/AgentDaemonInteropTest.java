package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ntsfarm.agent.AgentConfig;
import dev.ntsfarm.agent.AgentDaemon;
import dev.ntsfarm.app.control.AgentEndpoint;
import dev.ntsfarm.control.ctl.Ntsctl;
import dev.ntsfarm.core.clock.NtpSource;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.testsupport.Chronyd;
import dev.ntsfarm.testsupport.Ports;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent daemon ({@code -x}) against chronyd 4.3: over NTS, with a symmetric key, and as
 * chronyd's symmetric peer; read back through the control endpoint and {@link Ntsctl}, as chronyc
 * users would, the operational commands authenticated with the command key ({@code ntsctl -a -f
 * CONF}).
 */
class AgentDaemonInteropTest {

    @TempDir Path dir;
    private Chronyd chronyd;
    private final List<AgentDaemon> daemons = new ArrayList<>();
    private final java.util.Map<AgentDaemon, AgentEndpoint> endpoints = new java.util.HashMap<>();
    private Path conf;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @AfterEach
    void stopAll() throws Exception {
        for (AgentDaemon d : daemons) {
            d.stop();
        }
        if (chronyd != null) {
            chronyd.close();
        }
    }

    private AgentDaemon startAgent(String... directives) throws Exception {
        List<String> all = new ArrayList<>(List.of(directives));
        if (all.stream().noneMatch(d -> d.startsWith("keyfile "))) {
            all.add("keyfile " + dir.resolve("command.keys"));
        }
        // what ntsctl -a -f reads: the agent's own configuration
        conf = dir.resolve("agent.conf");
        Files.writeString(conf, String.join("\n", all) + "\n");
        ConfigResult r = Config.fromArgs(all);
        if (!(r instanceof ConfigResult.Parsed p)) {
            throw new AssertionError(r.toString());
        }
        PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        AgentEndpoint endpoint = AgentEndpoint.from(p.config(), ps::println);
        AgentDaemon d = new AgentDaemon(AgentConfig.from(p.config()), true, ps::println, endpoint);
        daemons.add(d);
        endpoints.put(d, endpoint);
        d.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        return d;
    }

    private static void await(String what, Duration timeout, BooleanSupplier done)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                fail("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private String ctl(AgentDaemon d, String... command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "-h",
                                "127.0.0.1",
                                "-p",
                                Integer.toString(endpoints.get(d).port()),
                                "-a",
                                "-f",
                                conf.toString()));
        args.addAll(List.of(command));
        int rc =
                Ntsctl.run(
                        args.toArray(String[]::new),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, () -> String.join(" ", command) + " failed: " + err);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String line(String report, String start) {
        return report.lines()
                .filter(l -> l.startsWith(start) && !l.startsWith("===="))
                .findFirst()
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        "no line starting '" + start + "' in:\n" + report));
    }

    private String[] ntsAgentDirectives(int cmdPort) {
        return new String[] {
            "server 127.0.0.1 port "
                    + chronyd.ntpPort()
                    + " ntsport "
                    + chronyd.ntsPort()
                    + " nts iburst minpoll -2 maxpoll -2",
            "ntstrustedcerts " + chronyd.certificate().cert(),
            "ntsdumpdir " + dir.resolve("agent-nts"),
            "cmdport " + cmdPort,
            "bindcmdaddress 127.0.0.1"
        };
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void ntsReachesFullReachShowsAuthdataAndRestartsWithoutNtsKe() throws Exception {
        chronyd = Chronyd.in(dir).startServer();
        int cmdPort = Ports.freeTcp();
        long keBefore =
                chronyd.serverstat(
                        "NTS-KE connections accepted"); // the readiness probe counts as one
        AgentDaemon agent = startAgent(ntsAgentDirectives(cmdPort));
        NtpSource source = agent.agent().ntpSources().getFirst();
        await("reach 377", Duration.ofSeconds(30), () -> source.source().reach().bits() == 0xFF);

        String sources = ctl(agent, "sources");
        String srcLine = line(sources, "^");
        assertTrue(srcLine.matches("\\^[*+?] 127\\.0\\.0\\.1 +1 +-2 +377 .*"), srcLine);
        assertTrue(
                sources.startsWith(
                        "MS Name/IP address         Stratum Poll Reach LastRx Last sample"),
                sources);

        String auth = ctl(agent, "-N", "authdata");
        String[] cols = line(auth, "127.0.0.1").trim().split(" +");
        // Name Mode KeyID Type KLen Last Atmp NAK Cook CLen
        assertEquals("NTS", cols[1], auth);
        assertNotEquals("0", cols[2], "KeyID: " + auth);
        assertEquals("15", cols[3], "Type: " + auth);
        assertEquals("256", cols[4], "KLen: " + auth);
        assertEquals("8", cols[8], "Cook: " + auth);
        assertTrue(Integer.parseInt(cols[9]) > 0, "CLen: " + auth);
        assertEquals(1, agent.agent().keSessions(), () -> log.toString(StandardCharsets.UTF_8));
        assertEquals(keBefore + 1, chronyd.serverstat("NTS-KE connections accepted"));

        String tracking = ctl(agent, "tracking");
        assertTrue(
                tracking.startsWith(
                        "Reference ID    : 7F000001 (127.0.0.1)\nStratum         : 2\n"),
                tracking);

        agent.stop();
        daemons.clear();
        Path dump = dir.resolve("agent-nts").resolve("127.0.0.1-" + chronyd.ntsPort() + ".nts");
        assertTrue(Files.exists(dump), "no NTS dump at " + dump);
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dump)));

        AgentDaemon again = startAgent(ntsAgentDirectives(Ports.freeTcp()));
        NtpSource restarted = again.agent().ntpSources().getFirst();
        await(
                "four answered polls after the restart",
                Duration.ofSeconds(30),
                () -> Integer.bitCount(restarted.source().reach().bits()) >= 4);
        assertEquals(0, again.agent().keSessions(), "the restarted agent ran NTS-KE");
        assertEquals(
                keBefore + 1,
                chronyd.serverstat("NTS-KE connections accepted"),
                "chronyd saw a second NTS-KE session");
        assertTrue(restarted.nts().cookies() > 0);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void symmetricKeyServer() throws Exception {
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "1 SHA1 HEX:0123456789ABCDEF0123456789ABCDEF01234567\n");
        chronyd = Chronyd.in(dir).startServer("keyfile " + keys);
        int cmdPort = Ports.freeTcp();
        AgentDaemon agent =
                startAgent(
                        "server 127.0.0.1 port "
                                + chronyd.ntpPort()
                                + " key 1 iburst minpoll -2 maxpoll -2",
                        "keyfile " + keys,
                        "cmdport " + cmdPort,
                        "bindcmdaddress 127.0.0.1");
        NtpSource source = agent.agent().ntpSources().getFirst();
        await("reach 377", Duration.ofSeconds(30), () -> source.source().reach().bits() == 0xFF);
        String[] cols = line(ctl(agent, "authdata"), "127.0.0.1").trim().split(" +");
        assertEquals("SYM", cols[1]);
        assertEquals("1", cols[2]);
        assertEquals("2", cols[3], "SHA1 is chrony's hash 2");
        assertEquals("160", cols[4]);
        String authenticated =
                line(chronyd.chronycLocal("serverstats"), "Authenticated NTP packets");
        assertNotEquals(
                "0",
                authenticated.substring(authenticated.indexOf(':') + 1).strip(),
                authenticated);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void wrongSymmetricKeyGetsNoTime() throws Exception {
        Path chronyKeys = dir.resolve("chrony.keys");
        Files.writeString(chronyKeys, "1 SHA1 HEX:0123456789ABCDEF0123456789ABCDEF01234567\n");
        Path agentKeys = dir.resolve("agent.keys");
        Files.writeString(agentKeys, "1 SHA1 HEX:1123456789ABCDEF0123456789ABCDEF01234567\n");
        chronyd = Chronyd.in(dir).startServer("keyfile " + chronyKeys);
        AgentDaemon agent =
                startAgent(
                        "server 127.0.0.1 port "
                                + chronyd.ntpPort()
                                + " key 1 iburst minpoll -2 maxpoll -2",
                        "keyfile " + agentKeys,
                        "cmdport 0");
        NtpSource source = agent.agent().ntpSources().getFirst();
        await("eight polls", Duration.ofSeconds(30), () -> source.requestsSent() >= 8);
        assertEquals(0, source.source().reach().bits(), "a reply under the wrong key was accepted");
        assertEquals(0, source.source().stats().samples());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void symmetricPeersBothWays() throws Exception {
        Path keys = dir.resolve("keys");
        Files.writeString(
                keys,
                "7 SHA256 HEX:00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF\n");
        int agentPort = Ports.freeUdp();
        chronyd =
                Chronyd.in(dir)
                        .startServer(
                                "keyfile " + keys,
                                "peer 127.0.0.1 port " + agentPort + " key 7 minpoll 0 maxpoll 0");
        AgentDaemon agent =
                startAgent(
                        "peer 127.0.0.1 port " + chronyd.ntpPort() + " key 7 minpoll 0 maxpoll 0",
                        "port " + agentPort,
                        "keyfile " + keys,
                        "cmdport " + Ports.freeTcp(),
                        "bindcmdaddress 127.0.0.1");
        NtpSource peer = agent.agent().ntpSources().getFirst();
        await(
                "three samples from the peer",
                Duration.ofSeconds(40),
                () -> peer.source().stats().samples() >= 3);
        String sources = ctl(agent, "sources");
        assertTrue(line(sources, "=").matches("=[*+?] 127\\.0\\.0\\.1 +1 +0 +[0-7]+ .*"), sources);
        assertEquals("SYM", line(ctl(agent, "authdata"), "127.0.0.1").trim().split(" +")[1]);
        // chronyd sees the agent as its peer too
        await(
                "chronyd to reach the agent",
                Duration.ofSeconds(20),
                () -> {
                    try {
                        String l = line(chronyd.chronycLocal("sources"), "=");
                        return !l.trim().split(" +")[4].equals("0");
                    } catch (Exception | AssertionError e) {
                        return false;
                    }
                });
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void plainNtpSourcesAddedDeletedAndTakenOffline() throws Exception {
        chronyd = Chronyd.in(dir).startServer();
        AgentDaemon agent =
                startAgent(
                        "pool localhost port "
                                + chronyd.ntpPort()
                                + " iburst minpoll -2 maxpoll -2",
                        "cmdport " + Ports.freeTcp(),
                        "bindcmdaddress 127.0.0.1");
        assertTrue(
                agent.agent().sources().stream().anyMatch(s -> s.address().equals("127.0.0.1")),
                "pool localhost gave no 127.0.0.1 source");
        NtpSource pooled =
                agent.agent().ntpSources().stream()
                        .filter(s -> s.name().equals("127.0.0.1"))
                        .findFirst()
                        .orElseThrow();
        await(
                "the pool's 127.0.0.1 to answer",
                Duration.ofSeconds(20),
                () -> pooled.goodResponses() >= 2);
        assertEquals("-", line(ctl(agent, "authdata"), "127.0.0.1").trim().split(" +")[1]);

        for (var s :
                agent.agent().sources()) { // a pool's members are named by address, as in chronyc
            assertEquals("200 OK\n", ctl(agent, "delete", s.address()));
        }
        assertTrue(agent.agent().sources().isEmpty(), "delete left sources behind");
        assertEquals(
                "200 OK\n",
                ctl(
                        agent,
                        "add",
                        "server",
                        "127.0.0.1",
                        "port",
                        Integer.toString(chronyd.ntpPort()),
                        "minpoll",
                        "-2",
                        "maxpoll",
                        "-2"));
        NtpSource added = agent.agent().ntpSources().getFirst();
        await(
                "the added source to answer",
                Duration.ofSeconds(20),
                () -> added.goodResponses() >= 2);
        assertTrue(
                ctl(agent, "activity").startsWith("200 OK\n1 sources online\n0 sources offline\n"));

        assertEquals("200 OK\n", ctl(agent, "offline"));
        await("offline", Duration.ofSeconds(5), () -> !added.online());
        long polls = added.requestsSent();
        // an offline source has no poll due, so nothing can make it send
        assertTrue(!added.pollScheduled(), "an offline source still has a poll scheduled");
        assertEquals(polls, added.requestsSent(), "an offline source polled");
        assertTrue(ctl(agent, "activity").contains("\n0 sources online\n1 sources offline\n"));
        assertEquals("200 OK\n", ctl(agent, "online"));
        await("polling again", Duration.ofSeconds(5), () -> added.requestsSent() > polls);
    }
}
