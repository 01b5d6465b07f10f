package dev.ntsfarm.ntp.service;

import static dev.ntsfarm.ntp.service.NtpTestPackets.leap;
import static dev.ntsfarm.ntp.service.NtpTestPackets.plain;
import static dev.ntsfarm.ntp.service.NtpTestPackets.refid;
import static dev.ntsfarm.ntp.service.NtpTestPackets.stratum;
import static dev.ntsfarm.ntp.service.NtpTestPackets.u32;
import static dev.ntsfarm.ntp.service.NtpTestPackets.uniqueTransmit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpShort;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.proto.control.v1.AgentLeap;
import dev.ntsfarm.proto.control.v1.AgentSyncStateReply;
import dev.ntsfarm.proto.control.v1.AgentSyncStateRequest;
import dev.ntsfarm.proto.control.v1.ClockSyncStateGrpcService;
import dev.ntsfarm.proto.control.v1.ClockSyncStateService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The responder serving the clock agent's state: a real gRPC server implementing the agent's
 * service answers with controlled replies, and the responder's plain mode-4 answers are read back.
 */
@Timeout(60)
class AgentSyncStateSourceTest {

    static final Duration INTERVAL = Duration.ofMillis(100);
    static final int GRACE = 3;
    static final int REFID_127_0_0_1 = 0x7F00_0001;

    /** The agent's service, answering whatever the test sets, counting the calls. */
    static final class FakeAgent extends ClockSyncStateService {
        volatile AgentSyncStateReply reply;
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Future<AgentSyncStateReply> syncState(AgentSyncStateRequest request) {
            calls.incrementAndGet();
            return Future.succeededFuture(reply);
        }
    }

    Vertx vertx;
    HttpServer agentServer;
    final FakeAgent agent = new FakeAgent();
    AgentSyncStateSource source;
    NtpResponder responder;
    UdpClient udp;

    @AfterEach
    void stop() throws Exception {
        if (udp != null) {
            udp.close();
        }
        if (responder != null) {
            await(responder.stop());
        }
        if (source != null) {
            await(source.stop());
        }
        if (agentServer != null) {
            await(agentServer.close());
        }
        if (vertx != null) {
            await(vertx.close());
        }
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    static AgentSyncStateReply synchronised(int stratum, AgentLeap leap, long refTimeUnixNanos) {
        return AgentSyncStateReply.newBuilder()
                .setStratum(stratum)
                .setReferenceId(REFID_127_0_0_1)
                .setRootDelay(0.0123)
                .setRootDispersion(0.0456)
                .setLeap(leap)
                .setReferenceTimeUnixNanos(refTimeUnixNanos)
                .build();
    }

    static final AgentSyncStateReply UNSYNCHRONISED =
            AgentSyncStateReply.newBuilder()
                    .setStratum(16)
                    .setLeap(AgentLeap.AGENT_LEAP_NOT_SYNCHRONISED)
                    .build();

    int startAgent() throws Exception {
        GrpcServer grpc = GrpcServer.server(vertx);
        grpc.addService(ClockSyncStateGrpcService.of(agent));
        agentServer =
                await(
                        vertx.createHttpServer(
                                        new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                                .requestHandler(grpc)
                                .listen());
        return agentServer.actualPort();
    }

    /** The responder with {@code lines}, its clock state from the agent at {@code agentPort}. */
    void startResponder(int agentPort, String... lines) throws Exception {
        String text =
                String.join("\n", lines)
                        + "\nallow 127.0.0.1\nclockagent 127.0.0.1:"
                        + agentPort
                        + "\n";
        Config config = ((ConfigResult.Parsed) Config.parse("ntp.conf", text)).config();
        NtpOptions options =
                NtpOptions.fromConfig(config)
                        .withPort(0)
                        .withEventLoops(1)
                        .withBindAddresses(
                                java.util.List.of(java.net.InetAddress.ofLiteral("127.0.0.1")));
        source =
                AgentSyncStateSource.create(
                        vertx,
                        options.clockAgent().orElseThrow(),
                        options.defaultSyncStateSource(),
                        INTERVAL,
                        GRACE);
        await(source.start());
        responder = NtpResponder.create(vertx, options, new ServerStats(), null, source);
        int port = await(responder.start());
        udp = new UdpClient("127.0.0.1", port);
    }

    byte[] ask() throws Exception {
        byte[] reply = udp.exchange(plain(uniqueTransmit()), 2000);
        assertNotNull(reply, "the responder answers a plain request");
        return reply;
    }

    /**
     * Asks every 20 ms until an answer satisfies {@code done} or 10 s pass; returns the last
     * answer.
     */
    byte[] askUntil(Predicate<byte[]> done) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        byte[] r = ask();
        while (!done.test(r) && Instant.now().isBefore(deadline)) {
            // the poller runs on its own timer: nothing to wait on but time
            Thread.sleep(20);
            r = ask();
        }
        return r;
    }

    static double rootDelay(byte[] r) {
        return new NtpShort((int) u32(r, NtpHeader.OFFSET_ROOT_DELAY)).toSeconds();
    }

    static double rootDispersion(byte[] r) {
        return new NtpShort((int) u32(r, NtpHeader.OFFSET_ROOT_DISPERSION)).toSeconds();
    }

    static long referenceTimestamp(byte[] r) {
        return NtpTimestamp.readBits(r, NtpHeader.OFFSET_REFERENCE_TIMESTAMP);
    }

    @Test
    void answersCarryTheAgentsStateAndFallBackToLocalStratumWhenItLosesSync() throws Exception {
        vertx = Vertx.vertx();
        long refTime = System.currentTimeMillis() * 1_000_000L - 10_000_000_000L; // 10 s ago
        agent.reply = synchronised(2, AgentLeap.AGENT_LEAP_INSERT_SECOND, refTime);
        startResponder(startAgent(), "local stratum 5");

        // start() waited for the first answer: the very first reply carries the agent's state
        byte[] r = ask();
        assertTrue(source.agentInUse());
        assertEquals(2, stratum(r), "the agent's stratum, already its reference's plus one");
        assertEquals(REFID_127_0_0_1, refid(r));
        assertEquals(1, leap(r), "the agent's leap: insert a second");
        assertEquals(0.0123, rootDelay(r), 1.0 / 65536);
        double grown = 0.0456 + AgentSyncStateSource.PHI * 10;
        assertTrue(
                rootDispersion(r) >= grown - 1.0 / 65536 && rootDispersion(r) < grown + 0.001,
                "dispersion grown since the reference time: " + rootDispersion(r));
        assertEquals(NtpTimestamp.bitsOfUnixNanos(refTime), referenceTimestamp(r));

        int callsBefore = agent.calls.get();
        agent.reply = UNSYNCHRONISED;
        r = askUntil(a -> stratum(a) == 5);
        assertEquals(5, stratum(r), "falls back to local stratum 5");
        assertEquals(SyncState.REFID_LOCAL, refid(r));
        assertEquals(0, leap(r));
        assertFalse(source.agentInUse());
        assertTrue(
                agent.calls.get() - callsBefore >= GRACE,
                "the last good state stands for "
                        + GRACE
                        + " failed polls, saw "
                        + (agent.calls.get() - callsBefore));

        // and back when the agent is synchronised again
        agent.reply =
                synchronised(
                        3, AgentLeap.AGENT_LEAP_NORMAL, System.currentTimeMillis() * 1_000_000L);
        r = askUntil(a -> stratum(a) == 3);
        assertEquals(3, stratum(r));
        assertEquals(REFID_127_0_0_1, refid(r));
        assertEquals(0, leap(r));
    }

    @Test
    void withoutLocalAnAgentThatStopsLeavesTheAnswersUnsynchronised() throws Exception {
        vertx = Vertx.vertx();
        agent.reply =
                synchronised(
                        4, AgentLeap.AGENT_LEAP_NORMAL, System.currentTimeMillis() * 1_000_000L);
        startResponder(startAgent());
        // a loaded machine can miss the 300 ms grace while the responder starts: the agent is back
        // at its next poll
        byte[] r = askUntil(a -> stratum(a) == 4);
        assertEquals(4, stratum(r));
        assertEquals(0, leap(r));

        await(agentServer.close());
        agentServer = null;
        r = askUntil(a -> leap(a) == 3);
        assertEquals(3, leap(r), "unsynchronised without the agent and without local");
        assertEquals(0, stratum(r), "stratum 16 goes on the wire as 0");
        assertEquals(SyncState.REFID_UNSYNC, refid(r));
    }

    @Test
    void noAgentListeningServesLocalStratumFromTheStart() throws Exception {
        vertx = Vertx.vertx();
        int unused;
        try (ServerSocket s = new ServerSocket(0)) {
            unused = s.getLocalPort();
        }
        startResponder(unused, "local stratum 7");
        byte[] r = ask();
        assertEquals(7, stratum(r));
        assertEquals(SyncState.REFID_LOCAL, refid(r));
        assertFalse(source.agentInUse());
    }

    @Test
    void anAgentThatWasNeverSynchronisedIsNotServed() throws Exception {
        vertx = Vertx.vertx();
        agent.reply = UNSYNCHRONISED;
        startResponder(startAgent(), "local stratum 9");
        assertTrue(agent.calls.get() >= 1, "asked at start");
        byte[] r = ask();
        assertEquals(9, stratum(r));
        assertFalse(source.agentInUse());
    }

    @Test
    void dispersionGrowsAtPhiFromTheReferenceTime() {
        long ref = 1_700_000_000_000_000_000L;
        SyncState s =
                AgentSyncStateSource.toSyncState(
                        synchronised(2, AgentLeap.AGENT_LEAP_NORMAL, ref), ref + 100_000_000_000L);
        assertEquals(
                0.0456 + 100 * AgentSyncStateSource.PHI,
                s.rootDispersion().toSeconds(),
                1.0 / 65536);
        assertEquals(2, s.stratum());
        assertFalse(AgentSyncStateSource.synchronised(UNSYNCHRONISED));
        assertFalse(
                AgentSyncStateSource.synchronised(
                        synchronised(16, AgentLeap.AGENT_LEAP_NORMAL, ref)));
        assertFalse(
                AgentSyncStateSource.synchronised(
                        synchronised(0, AgentLeap.AGENT_LEAP_NORMAL, ref)));
    }
}
