package dev.ntsfarm.core.clock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.clock.sim.SimulatedServer;
import dev.ntsfarm.core.config.AccessRule;
import dev.ntsfarm.core.config.AccessTable;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.config.SourceDirective;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.keyfile.MacAlgorithm;
import dev.ntsfarm.core.keyfile.NtpMac;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import dev.ntsfarm.core.ntp.Bytes;
import dev.ntsfarm.core.ntp.KissCode;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpMode;
import dev.ntsfarm.core.ntp.NtpShort;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.core.ntp.ServerDecision;
import dev.ntsfarm.core.ntp.ServerState;
import dev.ntsfarm.core.ntp.SymmetricKeys;
import dev.ntsfarm.core.ntp.TransmitDelay;
import dev.ntsfarm.core.nts.NtpNtsServer;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The source state machine driven with bytes and times only: no socket, no clock. Each exchange
 * takes the request bytes from a {@link Action.Send}, answers them as a server whose clock is
 * {@code serverOffset} ahead would, and hands the reply bytes back with their arrival time.
 */
class NtpSourceTest {
    static final long T0 = 1_795_314_696_000_000_000L;
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    /** The system side, recording what the source hands over. */
    static final class RecordingHost implements NtpSource.Host {
        final List<Sample> samples = new ArrayList<>();
        Tracking reference = Tracking.unsynchronised(0, 1);

        @Override
        public void accumulate(NtpSource source, Sample sample, List<Action> out) {
            samples.add(sample);
        }

        @Override
        public void reachabilityUpdated(NtpSource source, List<Action> out) {}

        @Override
        public Tracking reference(long now) {
            return reference;
        }

        @Override
        public boolean isSelected(NtpSource source) {
            return false;
        }
    }

    final RecordingHost host = new RecordingHost();
    final SimulatedServer server = new SimulatedServer("192.0.2.1", 0.0, 0.0, 0.0, 1.0, 1);

    static SourceDirective line(String text) throws Exception {
        var c =
                ((dev.ntsfarm.core.config.ConfigResult.Parsed)
                                dev.ntsfarm.core.config.Config.fromArgs(List.of(text)))
                        .config();
        return c.sources().getFirst();
    }

    NtpSource source(String text, SourceAuth auth) throws Exception {
        return new NtpSource(
                line(text),
                0xC0000201,
                auth,
                DisciplineSimulationTest.seeded(7),
                Math.scalb(1.0, -24),
                host);
    }

    static <T extends Action> List<T> all(List<Action> actions, Class<T> type) {
        return actions.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends Action> T one(List<Action> actions, Class<T> type) {
        List<T> found = all(actions, type);
        assertEquals(1, found.size(), () -> "one " + type.getSimpleName() + " in " + actions);
        return found.getFirst();
    }

    static NtpHeader header(byte[] packet) {
        return ((NtpHeader.Read.Parsed) NtpHeader.read(packet, 0, packet.length)).header();
    }

    /** The reply of an honest server whose clock is {@code serverOffset} ahead, 1 ms away. */
    byte[] reply(byte[] request, long sent, double serverOffset) {
        long t2 = sent + MS / 2 + Math.round(serverOffset * 1e9);
        return server.response(header(request), t2, t2 + 10_000);
    }

    /**
     * One poll: the timer fires at {@code at}, the reply comes back after 1 ms of network and 10 us
     * in the server.
     */
    List<Action> exchange(NtpSource s, long at, double serverOffset) {
        byte[] request = one(s.onTimer(at), Action.Send.class).packet();
        return s.onPacket(
                at + MS + 10_000,
                reply(request, at, serverOffset),
                0,
                NtpHeader.LENGTH,
                NtpSource.NO_TIMESTAMP);
    }

    @Test
    void startWaitsAMomentThenIburstPollsEveryTwoSeconds() throws Exception {
        NtpSource s = source("server 192.0.2.1 iburst", SourceAuth.NONE);
        List<Action> start = s.start(T0);
        double first = one(start, Action.SetTimer.class).seconds();
        assertTrue(
                first >= NtpSource.INITIAL_DELAY && first < NtpSource.INITIAL_DELAY * 1.03,
                "first poll " + first);
        assertTrue(s.bursting());
        List<Action> poll = s.onTimer(T0);
        byte[] request = one(poll, Action.Send.class).packet();
        assertEquals(NtpHeader.LENGTH, request.length);
        NtpHeader h = header(request);
        assertEquals(NtpMode.CLIENT, h.mode());
        assertEquals(0L, h.originTimestamp().bits(), "a client reveals nothing in its origin");
        assertEquals(0L, h.receiveTimestamp().bits());
        double next = one(poll, Action.SetTimer.class).seconds();
        assertTrue(next >= 2.0 && next < 2.1, "burst interval " + next);
    }

    @Test
    void aGoodReplyBecomesASampleWithTheServersOffset() throws Exception {
        NtpSource s = source("server 192.0.2.1", SourceAuth.NONE);
        s.start(T0);
        List<Action> after = exchange(s, T0, 0.25);
        assertEquals(1, host.samples.size(), s.lastRejection());
        Sample sample = host.samples.getFirst();
        assertEquals(0.25, sample.offset(), 1e-9);
        assertEquals(0.001, sample.delay(), 1e-9);
        assertEquals(
                T0 + (MS + 10_000) / 2,
                sample.localTime(),
                "the sample is taken midway through the exchange");
        assertEquals("1", s.source().reach().octal());
        assertEquals(1, s.source().stratum());
        assertEquals(
                1,
                one(after, Action.SetTimer.class).seconds(),
                64 * 1.021,
                "the next poll after minpoll");
    }

    @Test
    void aZeroTransmitTimestampIsRejected() throws Exception {
        NtpSource s = source("server 192.0.2.1", SourceAuth.NONE);
        s.start(T0);
        server.fault(SimulatedServer.Fault.ZERO_TRANSMIT);
        List<Action> after = exchange(s, T0, 0.0);
        assertTrue(host.samples.isEmpty());
        assertEquals("zero timestamp", s.lastRejection());
        assertEquals("0", s.source().reach().octal(), "an invalid packet is no answer");
        assertTrue(
                all(after, Action.SetTimer.class).isEmpty(),
                "the poll timer set when sending stays");
    }

    @Test
    void aNegativeDelayIsRejectedNotClamped() throws Exception {
        NtpSource s = source("server 192.0.2.1", SourceAuth.NONE);
        s.start(T0);
        server.fault(SimulatedServer.Fault.NEGATIVE_DELAY);
        exchange(s, T0, 0.0);
        assertTrue(host.samples.isEmpty());
        assertTrue(s.lastRejection().startsWith("negative delay"), s.lastRejection());
    }

    @Test
    void aReplyToAnotherRequestOrATwiceSentOneIsIgnored() throws Exception {
        NtpSource s = source("server 192.0.2.1", SourceAuth.NONE);
        s.start(T0);
        byte[] first = one(s.onTimer(T0), Action.Send.class).packet();
        byte[] second = one(s.onTimer(T0 + 64 * S), Action.Send.class).packet();
        s.onPacket(
                T0 + 64 * S + MS, reply(first, T0, 0), 0, NtpHeader.LENGTH, NtpSource.NO_TIMESTAMP);
        assertEquals("not an answer to our latest request", s.lastRejection());
        byte[] good = reply(second, T0 + 64 * S, 0);
        s.onPacket(T0 + 64 * S + MS, good, 0, NtpHeader.LENGTH, NtpSource.NO_TIMESTAMP);
        assertEquals(1, host.samples.size());
        s.onPacket(T0 + 64 * S + 2 * MS, good, 0, NtpHeader.LENGTH, NtpSource.NO_TIMESTAMP);
        assertEquals("duplicate", s.lastRejection());
        assertEquals(1, host.samples.size());
    }

    @Test
    void truncatedOrWrongModePacketsAreDropped() throws Exception {
        NtpSource s = source("server 192.0.2.1", SourceAuth.NONE);
        s.start(T0);
        byte[] request = one(s.onTimer(T0), Action.Send.class).packet();
        byte[] good = reply(request, T0, 0);
        assertTrue(s.onPacket(T0 + MS, good, 0, 47, NtpSource.NO_TIMESTAMP).isEmpty());
        byte[] client = good.clone();
        client[0] = (byte) ((client[0] & ~7) | NtpMode.CLIENT.code());
        s.onPacket(T0 + MS, client, 0, client.length, NtpSource.NO_TIMESTAMP);
        assertTrue(host.samples.isEmpty());
        s.onPacket(T0 + MS, good, 0, good.length, NtpSource.NO_TIMESTAMP);
        assertEquals(1, host.samples.size(), "the real reply still counts after the junk");
    }

    @Test
    void maxdelayAndAServerHoldingTheRequestRejectTheSample() throws Exception {
        NtpSource s = source("server 192.0.2.1 maxdelay 0.0005", SourceAuth.NONE);
        s.start(T0);
        exchange(s, T0, 0.0);
        assertTrue(s.lastRejection().contains("above maxdelay"), s.lastRejection());
        assertTrue(host.samples.isEmpty());

        NtpSource t = source("server 192.0.2.1", SourceAuth.NONE);
        t.start(T0);
        byte[] request = one(t.onTimer(T0), Action.Send.class).packet();
        long t2 = T0 + MS / 2;
        byte[] held = server.response(header(request), t2, t2 + 5 * S); // T3 - T2 = 5 s
        t.onPacket(T0 + 5 * S + MS, held, 0, held.length, NtpSource.NO_TIMESTAMP);
        assertTrue(t.lastRejection().startsWith("server held the request"), t.lastRejection());
        assertTrue(host.samples.isEmpty());
    }

    @Test
    void anUnsynchronisedServerIsAnsweredButNotUsed() throws Exception {
        NtpSource s = source("server 192.0.2.1", SourceAuth.NONE);
        s.start(T0);
        server.fault(SimulatedServer.Fault.UNSYNCHRONISED);
        exchange(s, T0, 0.0);
        assertEquals("server not synchronised", s.lastRejection());
        assertTrue(host.samples.isEmpty());
        assertEquals("0", s.source().reach().octal());
    }

    @Test
    void aKissOfDeathDenyIsHandledAsChronydDoes() throws Exception {
        NtpSource s = source("server 192.0.2.1", SourceAuth.NONE);
        s.start(T0);
        server.fault(SimulatedServer.Fault.KOD_DENY);
        List<Action> after = exchange(s, T0, 0.0);
        assertTrue(host.samples.isEmpty());
        assertEquals("kiss-o'-death DENY", s.lastRejection());
        assertEquals("0", s.source().reach().octal(), "no reach from a refusal");
        assertTrue(
                all(after, Action.Demobilize.class).isEmpty(),
                "an unauthenticated refusal could be forged");
        assertEquals("Received KoD DENY from 192.0.2.1", one(after, Action.Notice.class).message());
        assertFalse(all(after, Action.SetTimer.class).isEmpty(), "polling goes on");
    }

    @Test
    void anAuthenticatedDenyDemobilizes() throws Exception {
        SymmetricKey key =
                new SymmetricKey(
                        5,
                        MacAlgorithm.SHA256,
                        "0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        NtpSource s = source("server 192.0.2.1 key 5", new SourceAuth.Symmetric(key));
        s.start(T0);
        byte[] request = one(s.onTimer(T0), Action.Send.class).packet();
        server.fault(SimulatedServer.Fault.KOD_DENY);
        byte[] reply = signed(key, reply(request, T0, 0));
        List<Action> after = s.onPacket(T0 + MS, reply, 0, reply.length, NtpSource.NO_TIMESTAMP);
        Action.Demobilize d = one(after, Action.Demobilize.class);
        assertTrue(d.reason().contains("DENY"), d.reason());
        assertFalse(s.pollScheduled());
    }

    @Test
    void aKissOfDeathRateBacksOff() throws Exception {
        NtpSource s = source("server 192.0.2.1", SourceAuth.NONE);
        s.start(T0);
        server.fault(SimulatedServer.Fault.KOD_RATE);
        List<Action> after = exchange(s, T0, 0.0);
        double next = one(after, Action.SetTimer.class).seconds();
        assertTrue(next >= 64 + 4 * 64 - 1, "backed off to " + next);
    }

    @Test
    void theKernelsTransmitTimeIsT1AndAStrayOneIsIgnored() throws Exception {
        NtpSource s = source("server 192.0.2.1", SourceAuth.NONE);
        s.start(T0);
        byte[] request = one(s.onTimer(T0), Action.Send.class).packet();
        long kernelTx = T0 + 20_000;
        s.onSent(request, T0 + 300_000); // the send returned
        s.onSent(request, kernelTx); // the kernel's transmit time replaces it
        s.onSent(request, T0 + 2 * S); // more than a second from the request: not its time
        s.onSent(new byte[NtpHeader.LENGTH], T0 + 5_000); // another packet's
        long t4 = kernelTx + MS + 10_000;
        s.onPacket(t4, reply(request, kernelTx, 0), 0, NtpHeader.LENGTH, t4);
        Sample sample = host.samples.getFirst();
        assertEquals(0.0, sample.offset(), 1e-9, "T1 is the kernel's transmit time");
        assertEquals(0.001, sample.delay(), 1e-9);
    }

    /**
     * Our responder's whole decision ({@link NtpNtsServer}) as the server. Its clock is read {@code
     * lag} before each reply leaves, as a user-space transmit timestamp is; the kernel's transmit
     * time of each reply is handed back to it, as the responder's socket does.
     */
    static final class Responder {
        final ServerStats stats = new ServerStats();
        final byte[] out = new byte[NtpNtsServer.MAX_REQUEST_LENGTH];
        final NtpNtsServer server;
        long clockRead;

        Responder() throws Exception {
            var c = ((ConfigResult.Parsed) Config.parse("t.conf", "allow 127.0.0.1")).config();
            AccessTable access =
                    AccessTable.of(List.of(AccessRule.from(c.directives().getFirst())));
            ServerState state =
                    new ServerState(
                            LeapIndicator.NO_WARNING,
                            1,
                            0,
                            SimulatedServer.PRECISION,
                            NtpShort.ZERO,
                            NtpShort.ZERO,
                            0x47505300,
                            NtpTimestamp.ofUnixNanos(T0 - S));
            server =
                    new NtpNtsServer(
                            new NtpNtsServer.Policy(
                                    access,
                                    null,
                                    SymmetricKeys.NONE,
                                    null,
                                    now -> state,
                                    () -> NtpTimestamp.bitsOfUnixNanos(clockRead),
                                    stats),
                            DisciplineSimulationTest.seeded(3),
                            16);
        }

        /**
         * The reply to {@code request} that arrived at {@code rx} and leaves at {@code departs},
         * {@code lag} after its clock was read.
         */
        byte[] answer(byte[] request, long rx, long departs, long lag) {
            clockRead = departs - lag;
            ServerDecision d =
                    server.handle(0, 0xFFFF_7F00_0001L, rx, request, request.length, out);
            int length = assertInstanceOf(ServerDecision.Respond.class, d).length();
            if (server.wantsTransmitTimestamp()) {
                server.onTransmitTimestamp(server.transmitTimestampTag(), departs);
            }
            return Arrays.copyOf(out, length);
        }
    }

    @Test
    void xleaveSendsInterleavedRequestsAndMeasuresWithTheServersKernelTransmitTime()
            throws Exception {
        Responder server = new Responder();
        NtpSource s = source("server 127.0.0.1 xleave minpoll 0 maxpoll 0", SourceAuth.NONE);
        s.start(T0);
        long lag =
                40_000; // a user-space transmit timestamp 40 us early: a basic sample is 20 us off
        long previousServerRx = 0;
        for (int k = 0; k < 6; k++) {
            long t1 = T0 + k * S;
            byte[] request = one(s.onTimer(t1), Action.Send.class).packet();
            s.onSent(request, t1);
            NtpHeader h = header(request);
            if (k >= 1) {
                assertEquals(
                        previousServerRx,
                        h.originTimestamp().bits(),
                        "interleaved: origin is the server's last receive time");
                assertTrue(h.receiveTimestamp().bits() != 0 && h.transmitTimestamp().bits() != 0);
            }
            long t2 = t1 + MS / 2;
            long departs = t2 + 10_000 + lag;
            byte[] reply = server.answer(request, t2, departs, lag);
            previousServerRx = header(reply).receiveTimestamp().bits();
            long t4 = departs + MS / 2;
            s.onPacket(t4, reply, 0, reply.length, t4);
        }
        // the responder interleaves from the third request (the second named a reply it had not
        // kept);
        // the first interleaved reply follows a basic one and is not used (chrony), the rest are
        assertEquals(4, server.stats.get(ServerCounter.INTERLEAVED_NTP_PACKETS));
        assertEquals(3, s.interleavedResponses());
        assertEquals(5, s.goodResponses());
        List<Double> offsets = host.samples.stream().map(Sample::offset).toList();
        assertEquals(-lag / 2e9, offsets.get(0), 1e-8, "basic: " + offsets);
        // the server measured the first reply's lag and adds it, up to its cap, to the next basic
        // one
        assertEquals(
                -(lag - TransmitDelay.MAX_NANOS) / 2e9,
                offsets.get(1),
                1e-8,
                "basic, compensated: " + offsets);
        for (int i = 2; i < 5; i++) {
            assertEquals(
                    0.0,
                    offsets.get(i),
                    1e-8,
                    "interleaved: the kernel's transmit time: " + offsets);
        }
    }

    static byte[] signed(SymmetricKey key, byte[] header) {
        byte[] p =
                Arrays.copyOf(
                        header,
                        NtpHeader.LENGTH + key.algorithm().trailerLength(NtpHeader.VERSION_4));
        NtpMac.writeTrailer(key, NtpHeader.VERSION_4, p, 0, NtpHeader.LENGTH, p, NtpHeader.LENGTH);
        return p;
    }

    @Test
    void aSymmetricKeySourceSignsAndChecks() throws Exception {
        SymmetricKey key =
                new SymmetricKey(
                        5,
                        MacAlgorithm.SHA1,
                        "0123456789abcdef0123".getBytes(StandardCharsets.US_ASCII));
        SymmetricKey other =
                new SymmetricKey(
                        5,
                        MacAlgorithm.SHA1,
                        "x123456789abcdef0123".getBytes(StandardCharsets.US_ASCII));
        NtpSource s = source("server 192.0.2.1 key 5", new SourceAuth.Symmetric(key));
        s.start(T0);
        byte[] request = one(s.onTimer(T0), Action.Send.class).packet();
        assertEquals(NtpHeader.LENGTH + 4 + 20, request.length);
        assertEquals(5, Bytes.u32(request, NtpHeader.LENGTH), "key id after the header");
        byte[] forged = signed(other, reply(request, T0, 0));
        s.onPacket(T0 + MS, forged, 0, forged.length, NtpSource.NO_TIMESTAMP);
        assertEquals("not authentic", s.lastRejection());
        byte[] unsigned = reply(request, T0, 0);
        s.onPacket(T0 + MS, unsigned, 0, unsigned.length, NtpSource.NO_TIMESTAMP);
        assertTrue(host.samples.isEmpty());
        byte[] good = signed(key, reply(request, T0, 0));
        s.onPacket(T0 + MS, good, 0, good.length, NtpSource.NO_TIMESTAMP);
        assertEquals(1, host.samples.size(), s.lastRejection());
    }

    @Test
    void missedRepliesEmptyTheReachRegisterAndBackOffSlowly() throws Exception {
        NtpSource s = source("server 192.0.2.1", SourceAuth.NONE);
        s.start(T0);
        exchange(s, T0, 0);
        long t = T0;
        for (int i = 0; i < 8; i++) {
            t += 64 * S;
            s.onTimer(t);
        }
        assertEquals(
                "200",
                s.source().reach().octal(),
                "a poll counts as missed when the next one goes out");
        s.onTimer(t + 64 * S);
        assertEquals("0", s.source().reach().octal());
        assertTrue(s.poll() > 6, "unanswered polls lengthen the interval: " + s.poll());
    }

    @Test
    void aSourceTakenOfflineSendsNothingUntilOnline() throws Exception {
        NtpSource s = source("server 192.0.2.1", SourceAuth.NONE);
        s.start(T0);
        List<Action> off = s.setOnline(T0, false);
        one(off, Action.CancelTimer.class);
        assertFalse(s.pollScheduled());
        assertTrue(s.onTimer(T0 + S).isEmpty(), "a stale timer sends nothing");
        List<Action> on = s.setOnline(T0 + 2 * S, true);
        one(on, Action.SetTimer.class);
        assertTrue(s.online());
    }

    @Test
    void pollLengthensWithAGoodSourceAndShortensWhenItJumps() throws Exception {
        NtpSource s = source("server 192.0.2.1 minpoll 4 maxpoll 10 polltarget 6", SourceAuth.NONE);
        s.start(T0);
        long t = T0;
        SourceStats stats = s.source().stats();
        java.util.Random noise = new java.util.Random(3);
        for (int i = 0; i < 40; i++) {
            exchange(s, t, 0.001 + 20e-6 * noise.nextGaussian());
            t += Math.round(Math.scalb(1.0, s.poll()) * S);
        }
        assertEquals(40, host.samples.size());
        int longPoll = s.poll();
        assertTrue(longPoll > 4, "poll " + longPoll + " with " + stats.samples() + " samples");
        exchange(s, t, 0.05); // 49 ms from the prediction, far beyond the peer distance
        assertTrue(s.poll() < longPoll, "a jump shortens the poll: " + s.poll());
    }

    @Test
    void aPeerSendsItsOwnStateAndTimestampsTheExchange() throws Exception {
        host.reference =
                new Tracking(
                        0x7F000001,
                        "127.0.0.1",
                        2,
                        T0 - 10 * S,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0.001,
                        0.002,
                        64,
                        LeapIndicator.NO_WARNING);
        NtpSource s = source("peer 192.0.2.1 minpoll 0 maxpoll 0", SourceAuth.NONE);
        s.start(T0);
        assertFalse(s.bursting(), "no bursts toward a peer");
        byte[] request = one(s.onTimer(T0), Action.Send.class).packet();
        NtpHeader h = header(request);
        assertEquals(NtpMode.SYMMETRIC_ACTIVE, h.mode());
        assertEquals(2, h.stratum());
        assertEquals(0x7F000001, h.referenceId());
        assertEquals(
                NtpTimestamp.bitsOfUnixNanos(T0),
                h.transmitTimestamp().bits(),
                "a peer's T1 is real");
        // the peer answers in symmetric passive mode
        long t2 = T0 + MS / 2;
        byte[] reply = new byte[NtpHeader.LENGTH];
        new NtpHeader(
                        LeapIndicator.NO_WARNING,
                        4,
                        NtpMode.SYMMETRIC_PASSIVE,
                        1,
                        0,
                        -20,
                        NtpShort.ZERO,
                        NtpShort.ZERO,
                        0x47505300,
                        NtpTimestamp.ofUnixNanos(T0 - S),
                        h.transmitTimestamp(),
                        NtpTimestamp.ofUnixNanos(t2),
                        NtpTimestamp.ofUnixNanos(t2 + 10_000))
                .write(reply, 0);
        s.onPacket(T0 + MS, reply, 0, reply.length, NtpSource.NO_TIMESTAMP);
        assertEquals(1, host.samples.size(), s.lastRejection());
        byte[] next = one(s.onTimer(T0 + S), Action.Send.class).packet();
        NtpHeader n = header(next);
        assertEquals(
                NtpTimestamp.bitsOfUnixNanos(t2 + 10_000),
                n.originTimestamp().bits(),
                "echoes the peer's T3");
        assertEquals(
                NtpTimestamp.bitsOfUnixNanos(T0 + MS),
                n.receiveTimestamp().bits(),
                "and when it arrived");
    }

    @Test
    void anNtsSourceRunsKeyEstablishmentBeforeItPolls() throws Exception {
        NtsAssociation nts =
                new NtsAssociation("192.0.2.1", 4460, 123, NtsAssociation.DEFAULT_REFRESH_SECONDS);
        NtpSource s = source("server 192.0.2.1 nts iburst", new SourceAuth.Nts(nts));
        s.start(T0);
        List<Action> first = s.onTimer(T0);
        one(first, Action.StartKeyEstablishment.class);
        assertTrue(all(first, Action.Send.class).isEmpty(), "no request without keys");
        assertTrue(
                s.onTimer(T0 + 2 * S).stream()
                        .noneMatch(a -> a instanceof Action.StartKeyEstablishment),
                "one NTS-KE at a time");
        byte[] c2s = new byte[32];
        byte[] s2c = new byte[32];
        Arrays.fill(s2c, (byte) 1);
        List<byte[]> cookies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] c = new byte[100];
            Arrays.fill(c, (byte) (i + 1));
            cookies.add(c);
        }
        var session =
                new NtsAssociation.Session(
                        SessionKeys.of(AeadAlgorithm.AES_SIV_CMAC_256, c2s, s2c),
                        null,
                        cookies,
                        "192.0.2.1",
                        123);
        List<Action> done = s.onKeyEstablished(T0 + 3 * S, session);
        one(done, Action.SaveNtsState.class);
        assertTrue(
                one(done, Action.SetTimer.class).seconds() < 1,
                "polls at once when it was waiting");
        byte[] request = one(s.onTimer(T0 + 3 * S), Action.Send.class).packet();
        assertTrue(request.length > NtpHeader.LENGTH + 100, "uid, cookie and authenticator");
        assertEquals(7, nts.cookies());
        byte[] plain = reply(request, T0 + 3 * S, 0);
        s.onPacket(T0 + 3 * S + MS, plain, 0, plain.length, NtpSource.NO_TIMESTAMP);
        assertEquals("not authentic", s.lastRejection());
        assertTrue(host.samples.isEmpty());
        assertNotNull(nts.snapshot());
        assertArrayEquals(
                cookies.get(1), nts.snapshot().cookies().getFirst(), "the first cookie was spent");
    }

    @Test
    void keyEstablishmentFailuresBackOff() throws Exception {
        NtsAssociation nts = new NtsAssociation("192.0.2.1", 4460, 123, 1000);
        NtpSource s = source("server 192.0.2.1 nts", new SourceAuth.Nts(nts));
        s.start(T0);
        one(s.onTimer(T0), Action.StartKeyEstablishment.class);
        List<Action> failed = s.onKeyEstablishmentFailed(T0 + S, "connection refused");
        assertTrue(
                one(failed, Action.Notice.class).message().endsWith("failed: connection refused"));
        assertEquals(1, nts.failedAttempts());
        assertTrue(
                all(s.onTimer(T0 + 2 * S), Action.StartKeyEstablishment.class).isEmpty(),
                "backing off");
        one(s.onTimer(T0 + 4 * S), Action.StartKeyEstablishment.class);
        assertEquals(2, NtsAssociation.backoffSeconds(1));
        assertEquals(4, NtsAssociation.backoffSeconds(2));
        assertEquals(NtsAssociation.MAX_BACKOFF_SECONDS, NtsAssociation.backoffSeconds(40));
    }

    @Test
    void referenceIdsAreChronys() {
        assertEquals(0x7F000001, NtpSource.referenceId(new byte[] {127, 0, 0, 1}));
        byte[] v6 = new byte[16];
        v6[15] = 1;
        assertInstanceOf(Integer.class, NtpSource.referenceId(v6));
        assertTrue(NtpSource.referenceId(v6) != 0);
        assertEquals(
                KissCode.DENY.referenceId(),
                Bytes.s32("DENY".getBytes(StandardCharsets.US_ASCII), 0));
    }
}
