package dev.ntsfarm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.agent.kernel.KernelClock;
import dev.ntsfarm.agent.kernel.ReadOnlyClock;
import dev.ntsfarm.core.clock.NtpSource;
import dev.ntsfarm.core.clock.sim.SimulatedServer;
import dev.ntsfarm.core.keyfile.MacAlgorithm;
import dev.ntsfarm.core.keyfile.NtpMac;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import dev.ntsfarm.core.ntp.NtpHeader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent daemon ({@code -x}: the clock kept in software, observable) against real UDP servers on
 * loopback that answer as broken or hostile servers do: each reply is rejected or handled as
 * chronyd does, and the clock is not moved.
 */
class HostileServerTest {

    /**
     * A UDP server that answers every client request with {@code fault}, its clock {@code bias}
     * ahead.
     */
    static final class HostileServer implements AutoCloseable {
        final DatagramSocket socket;
        final AtomicLong answered = new AtomicLong();
        private final Thread thread;

        HostileServer(SimulatedServer.Fault fault, double bias, SymmetricKey key)
                throws SocketException {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            SimulatedServer server =
                    new SimulatedServer("hostile", bias, 0, 0, 1.0, 1).fault(fault);
            thread =
                    Thread.ofPlatform()
                            .daemon()
                            .start(
                                    () -> {
                                        byte[] buf = new byte[1024];
                                        while (!socket.isClosed()) {
                                            try {
                                                DatagramPacket p =
                                                        new DatagramPacket(buf, buf.length);
                                                socket.receive(p);
                                                long t2 =
                                                        KernelClock.realtimeNanos()
                                                                + Math.round(bias * 1e9);
                                                if (!(NtpHeader.read(buf, 0, p.getLength())
                                                        instanceof NtpHeader.Read.Parsed h)) {
                                                    continue;
                                                }
                                                byte[] reply =
                                                        server.response(
                                                                h.header(), t2, t2 + 10_000);
                                                if (key != null) {
                                                    reply =
                                                            Arrays.copyOf(
                                                                    reply,
                                                                    NtpHeader.LENGTH
                                                                            + key.algorithm()
                                                                                    .trailerLength(
                                                                                            4));
                                                    NtpMac.writeTrailer(
                                                            key,
                                                            4,
                                                            reply,
                                                            0,
                                                            NtpHeader.LENGTH,
                                                            reply,
                                                            NtpHeader.LENGTH);
                                                }
                                                socket.send(
                                                        new DatagramPacket(
                                                                reply,
                                                                reply.length,
                                                                p.getSocketAddress()));
                                                answered.incrementAndGet();
                                            } catch (Exception e) {
                                                return; // closed
                                            }
                                        }
                                    });
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            thread.join(5000);
        }
    }

    @TempDir Path dir;
    private HostileServer server;
    @RegisterExtension final AgentUnderTest daemon = new AgentUnderTest();

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private Agent start(SimulatedServer.Fault fault, double bias, SymmetricKey key, String... more)
            throws Exception {
        server = new HostileServer(fault, bias, key);
        List<String> directives =
                new java.util.ArrayList<>(
                        List.of(
                                "server 127.0.0.1 port "
                                        + server.port()
                                        + " iburst minpoll -2 maxpoll -2"
                                        + (key == null ? "" : " key " + key.id())));
        directives.addAll(List.of(more));
        return daemon.start(directives);
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        AgentUnderTest.await(what, Duration.ofSeconds(30), done);
    }

    private static void assertClockUntouched(Agent agent) {
        ReadOnlyClock clock = (ReadOnlyClock) agent.clock();
        assertEquals(0.0, clock.offset(), 1e-9, "the clock was moved");
        assertEquals(0.0, clock.frequencyPpm(), 1e-9, "the clock's frequency was changed");
        assertEquals(0, agent.tracking().stratum(), "synchronised to a hostile server");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aNegativeDelayIsRejected() throws Exception {
        Agent agent = start(SimulatedServer.Fault.NEGATIVE_DELAY, 0.0, null);
        await("eight answers", () -> server.answered.get() >= 8);
        assertEquals(0L, daemon.read(NtpSource::goodResponses));
        assertTrue(
                daemon.read(NtpSource::lastRejection).startsWith("negative delay"),
                daemon.read(NtpSource::lastRejection));
        assertEquals(Integer.valueOf(0), daemon.read(s -> s.source().stats().samples()));
        assertClockUntouched(agent);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aZeroTransmitTimestampIsRejected() throws Exception {
        Agent agent = start(SimulatedServer.Fault.ZERO_TRANSMIT, 0.0, null);
        await("eight answers", () -> server.answered.get() >= 8);
        assertEquals(0L, daemon.read(NtpSource::validResponses), "not even an answer");
        assertEquals("zero timestamp", daemon.read(NtpSource::lastRejection));
        assertEquals(Integer.valueOf(0), daemon.read(s -> s.source().reach().bits()));
        assertClockUntouched(agent);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aReplyAThousandSecondsOffBeyondMaxchangeIsIgnored() throws Exception {
        Agent agent = start(SimulatedServer.Fault.NONE, 1000.0, null, "maxchange 100 0 -1");
        await(
                "maxchange to refuse",
                () ->
                        daemon.log()
                                .contains(
                                        "Adjustment of 1000.000 seconds exceeds the allowed maximum"
                                                + " of 100.000 seconds (ignored)"));
        assertTrue(daemon.read(NtpSource::goodResponses) >= 3, "the samples themselves were good");
        assertClockUntouched(agent);
        assertTrue(agent.exited().result() == null, "a negative IGNORE never gives up");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void maxchangeGivesUpAfterItsIgnoreCount() throws Exception {
        Agent agent = start(SimulatedServer.Fault.NONE, 1000.0, null, "maxchange 100 0 1");
        String message =
                agent.exited().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(message.endsWith("(exiting)"), message);
        assertClockUntouched(agent);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aKissOfDeathDenyIsNoAnswerAndPollingGoesOn() throws Exception {
        Agent agent = start(SimulatedServer.Fault.KOD_DENY, 0.0, null);
        await("four answers", () -> server.answered.get() >= 4);
        assertEquals("kiss-o'-death DENY", daemon.read(NtpSource::lastRejection));
        assertEquals(Integer.valueOf(0), daemon.read(s -> s.source().reach().bits()));
        assertTrue(daemon.log().contains("Received KoD DENY from 127.0.0.1"), daemon.log());
        long answered = server.answered.get();
        await("polling to go on", () -> server.answered.get() > answered);
        assertEquals(
                1,
                agent.sources().size(),
                "an unauthenticated refusal could be forged: the source stays");
        assertClockUntouched(agent);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anAuthenticatedDenyRemovesTheSource() throws Exception {
        SymmetricKey key =
                new SymmetricKey(
                        3,
                        MacAlgorithm.SHA256,
                        "hostile-but-keyed-0123".getBytes(StandardCharsets.US_ASCII));
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "3 SHA256 ASCII:hostile-but-keyed-0123\n");
        Agent agent = start(SimulatedServer.Fault.KOD_DENY, 0.0, key, "keyfile " + keys);
        await("the source to be removed", () -> agent.sources().isEmpty());
        assertTrue(
                daemon.log()
                        .contains("Received authenticated KoD DENY from 127.0.0.1: source removed"),
                daemon.log());
        assertTrue(agent.ntpSources().isEmpty(), "nothing left to poll the server");
        assertClockUntouched(agent);
    }
}
