package dev.ntsfarm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.agent.AgentConfig;
import dev.ntsfarm.agent.AgentDaemon;
import dev.ntsfarm.app.control.AgentEndpoint;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.testsupport.Await;
import dev.ntsfarm.testsupport.Chronyd;
import dev.ntsfarm.testsupport.Ports;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The farm's answers carry the host clock agent's state: chronyd ({@code local stratum 1}) serves
 * NTS, the agent daemon ({@code -x}) synchronises from it and so is at stratum 2 with reference id
 * 7F000001, and the all-in-one farm told {@code clockagent 127.0.0.1:PORT} answers a plain mode-3
 * request with that stratum and reference id; when the agent goes away, with {@code local stratum
 * 1}.
 */
@Timeout(150)
class ClockAgentSyncStateInteropTest {

    static final int REFID_127_0_0_1 = 0x7F00_0001;
    static final int REFID_LOCAL = 0x7F7F_0101;

    @TempDir Path dir;
    private Chronyd chronyd;
    private AgentDaemon agent;
    private Farm farm;
    private final List<String> agentLog = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        if (agent != null) {
            agent.stop();
        }
        if (farm != null) {
            farm.close();
        }
        if (chronyd != null) {
            chronyd.close();
        }
    }

    @Test
    void farmServesTheAgentsStratumAndReferenceIdOnceItIsSynchronised() throws Exception {
        chronyd = Chronyd.in(dir).startServer();
        int agentPort = Ports.freeTcp();

        farm = LocalFarm.start(dir, "syncstate", "clockagent 127.0.0.1:" + agentPort);

        // no agent yet: the farm's own local stratum 1
        byte[] before = ask(farm.ntpPort());
        assertEquals(1, stratum(before));
        assertEquals(REFID_LOCAL, refid(before));
        assertFalse(farm.clockAgentInUse());

        Config agentConfig =
                ((ConfigResult.Parsed)
                                Config.fromArgs(
                                        List.of(
                                                "server 127.0.0.1 port "
                                                        + chronyd.ntpPort()
                                                        + " ntsport "
                                                        + chronyd.ntsPort()
                                                        + " nts iburst minpoll -2 maxpoll -2",
                                                "ntstrustedcerts " + chronyd.certificate().cert(),
                                                "ntsdumpdir " + dir.resolve("agent-nts"),
                                                "cmdport " + agentPort,
                                                "bindcmdaddress 127.0.0.1")))
                        .config();
        java.util.function.Consumer<String> agentLogger =
                line -> {
                    synchronized (agentLog) {
                        agentLog.add(line);
                    }
                };
        agent =
                new AgentDaemon(
                        AgentConfig.from(agentConfig),
                        true,
                        agentLogger,
                        AgentEndpoint.from(agentConfig, agentLogger));
        agent.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

        // chronyd stratum 1 -> the agent (and so this host's clock) stratum 2 -> the farm serves 2
        byte[] synced =
                Await.until(
                        Duration.ofSeconds(60),
                        Duration.ofMillis(250),
                        () -> ask(farm.ntpPort()),
                        r -> refid(r) == REFID_127_0_0_1);
        assertEquals(
                REFID_127_0_0_1,
                refid(synced),
                () -> "never served the agent's state; agent log: " + log());
        assertEquals(2, stratum(synced), "the agent's stratum: chronyd's plus one");
        assertEquals(0, leap(synced), "no leap warning, synchronised");
        assertTrue(farm.clockAgentInUse());
        // the agent's root dispersion, grown since its last update; on loopback with kernel
        // timestamps
        // it is a few microseconds, below the 15 us step of the packet's field
        double served = rootDispersionSeconds(synced);
        double atUpdate = agent.agent().trackingAtUpdate().rootDispersion();
        assertTrue(
                served >= 0 && Math.abs(served - atUpdate) < 1e-3,
                () ->
                        "served root dispersion "
                                + served
                                + " s, the agent's "
                                + atUpdate
                                + " s at its last update");

        // the agent goes away: after the grace, the farm's local stratum 1 again
        agent.stop();
        agent = null;
        byte[] lost =
                Await.until(
                        Duration.ofSeconds(30),
                        Duration.ofMillis(250),
                        () -> ask(farm.ntpPort()),
                        r -> refid(r) == REFID_LOCAL);
        assertEquals(REFID_LOCAL, refid(lost));
        assertEquals(1, stratum(lost));
        assertFalse(farm.clockAgentInUse());
    }

    private String log() {
        synchronized (agentLog) {
            return String.join("\n", agentLog);
        }
    }

    /** A plain NTPv4 client request (mode 3) to the responder on loopback; its answer. */
    static byte[] ask(int port) throws IOException {
        byte[] request = new byte[NtpHeader.LENGTH];
        request[0] = (byte) 0x23; // LI 0, VN 4, mode 3
        // a random transmit timestamp, echoed as the origin
        ByteBuffer.wrap(request, NtpHeader.OFFSET_TRANSMIT_TIMESTAMP, 8)
                .putLong(new SecureRandom().nextLong());
        try (DatagramSocket s =
                new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(2000);
            s.send(
                    new DatagramPacket(
                            request, request.length, InetAddress.getLoopbackAddress(), port));
            DatagramPacket p = new DatagramPacket(new byte[1024], 1024);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                throw new IOException("no answer from the farm's responder on port " + port, e);
            }
            byte[] reply = Arrays.copyOf(p.getData(), p.getLength());
            assertNotNull(reply);
            assertEquals(4, reply[0] & 7, "mode 4");
            assertEquals(
                    NtpHeader.transmitTimestamp(request, 0), NtpHeader.originTimestamp(reply, 0));
            return reply;
        }
    }

    static int stratum(byte[] r) {
        return NtpHeader.stratum(r, 0);
    }

    static int refid(byte[] r) {
        return NtpHeader.referenceId(r, 0);
    }

    static int leap(byte[] r) {
        return (r[0] & 0xFF) >>> 6;
    }

    static double rootDispersionSeconds(byte[] r) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(r).getInt(NtpHeader.OFFSET_ROOT_DISPERSION))
                / 65536.0;
    }
}
