package dev.ntsfarm.core.nts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.config.AccessRule;
import dev.ntsfarm.core.config.AccessTable;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.config.RateLimit;
import dev.ntsfarm.core.ntp.ClientRateLimiter;
import dev.ntsfarm.core.ntp.DropReason;
import dev.ntsfarm.core.ntp.KissCode;
import dev.ntsfarm.core.ntp.NtpClock;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.core.ntp.ReplyTimestamps;
import dev.ntsfarm.core.ntp.ServerDecision;
import dev.ntsfarm.core.ntp.SymmetricKeys;
import dev.ntsfarm.core.ntp.TransmitDelay;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server's whole decision: length, access, rate limit, interleaved mode, NAK policy, counters.
 */
class NtpNtsServerTest {

    /** The reasons only the server (not NtsResponder) decides; each is reached below. */
    static final EnumSet<DropReason> SERVER_REASONS =
            EnumSet.of(
                    DropReason.WRONG_LENGTH,
                    DropReason.ACCESS_DENIED,
                    DropReason.RATE_LIMITED,
                    DropReason.NAK_WITHHELD);

    static final long LOOPBACK_HIGH = 0;
    static final long LOOPBACK_LOW = 0xFFFF_7F00_0001L;
    static final long OTHER_LOW = 0xFFFF_C000_0201L; // 192.0.2.1
    static final long T0 = 1_790_000_000_000_000_000L;

    final InsecureNtsFixture f = new InsecureNtsFixture(AeadAlgorithm.AES_SIV_CMAC_256, 11);
    final ServerStats stats = new ServerStats();

    static AccessTable allowLoopback() {
        Config c = ((ConfigResult.Parsed) Config.parse("t.conf", "allow 127.0.0.1")).config();
        try {
            return AccessTable.of(List.of(AccessRule.from(c.directives().getFirst())));
        } catch (dev.ntsfarm.core.config.ConfigException e) {
            throw new AssertionError(e);
        }
    }

    NtpNtsServer server(ClientRateLimiter limiter, boolean withKeys) {
        return server(limiter, withKeys, f.clock);
    }

    NtpNtsServer server(ClientRateLimiter limiter, boolean withKeys, NtpClock clock) {
        NtpNtsServer.Policy p =
                new NtpNtsServer.Policy(
                        allowLoopback(),
                        limiter,
                        SymmetricKeys.NONE,
                        withKeys ? f.codec::ring : null,
                        now -> InsecureNtsFixture.STATE,
                        clock,
                        stats);
        return new NtpNtsServer(
                p,
                InsecureNtsFixture.insecureNonces(3),
                new NtsScratch(InsecureNtsFixture.insecureNonces(4)),
                64);
    }

    static byte[] plain(long origin, long receive, long transmit) {
        byte[] r = new byte[48];
        r[0] = 0x23;
        NtpTimestamp.writeBits(origin, r, NtpHeader.OFFSET_ORIGIN_TIMESTAMP);
        NtpTimestamp.writeBits(receive, r, NtpHeader.OFFSET_RECEIVE_TIMESTAMP);
        NtpTimestamp.writeBits(transmit, r, NtpHeader.OFFSET_TRANSMIT_TIMESTAMP);
        return r;
    }

    @Test
    void serverReasonsAreDecidedAndCountedOnce() {
        byte[] out = new byte[NtpNtsServer.MAX_REQUEST_LENGTH];
        NtpNtsServer s = server(null, true);
        assertEquals(
                ServerDecision.Drop.of(DropReason.WRONG_LENGTH),
                s.handle(0, LOOPBACK_LOW, T0, new byte[47], 47, out));
        assertEquals(
                ServerDecision.Drop.of(DropReason.WRONG_LENGTH),
                s.handle(0, LOOPBACK_LOW, T0, new byte[2049], 2049, out));
        assertEquals(
                ServerDecision.Drop.of(DropReason.ACCESS_DENIED),
                s.handle(0, OTHER_LOW, T0, plain(0, 0, 5), 48, out));

        // a burst of 1 refilled every 2^4 s with no leak: the second request at once is dropped
        RateLimit limit = new RateLimit(4, 1, 4, 0);
        ClientRateLimiter limiter = ClientRateLimiter.of(limit, 0, 64, () -> -1L, 0); // never leaks
        NtpNtsServer limited = server(limiter, true);
        assertInstanceOf(
                ServerDecision.Respond.class,
                limited.handle(0, LOOPBACK_LOW, T0, plain(0, 0, 5), 48, out));
        assertEquals(
                ServerDecision.Drop.of(DropReason.RATE_LIMITED),
                limited.handle(0, LOOPBACK_LOW, T0 + 1000, plain(0, 0, 6), 48, out));

        // a cookie that will not open: a NAK with keys, none without (chronyd without NTS keys)
        byte[] nts = f.request(0).packet();
        assertInstanceOf(
                ServerDecision.Nak.class,
                server(null, true)
                        .handle(0, LOOPBACK_LOW, T0, corruptCookie(nts), nts.length, out));
        assertEquals(
                ServerDecision.Drop.of(DropReason.NAK_WITHHELD),
                server(null, false).handle(0, LOOPBACK_LOW, T0, nts, nts.length, out));

        assertEquals(2, stats.dropped(DropReason.WRONG_LENGTH));
        assertEquals(1, stats.dropped(DropReason.ACCESS_DENIED));
        assertEquals(1, stats.dropped(DropReason.RATE_LIMITED));
        assertEquals(1, stats.dropped(DropReason.NAK_WITHHELD));
        assertEquals(5, stats.get(ServerCounter.NTP_PACKETS_DROPPED));
        assertEquals(1, stats.get(ServerCounter.NTS_NAKS_SENT));
        assertEquals(1, stats.naks(dev.ntsfarm.core.ntp.NakReason.COOKIE_NOT_OPENED));
        assertEquals(7, stats.get(ServerCounter.NTP_PACKETS_RECEIVED));
    }

    static byte[] corruptCookie(byte[] nts) {
        byte[] c = nts.clone();
        c[48 + 36 + 4 + 30] ^= 1; // inside the cookie's sealed part, after UID field (4 + 32)
        return c;
    }

    @Test
    void replyCarriesTheReceiveTimeGivenWithTheChronyMarks() {
        byte[] out = new byte[NtpNtsServer.MAX_REQUEST_LENGTH];
        NtpNtsServer s = server(null, true);
        ServerDecision d =
                s.handle(0, LOOPBACK_LOW, T0, plain(0, 0, 0x1234_5678_9abc_def1L), 48, out);
        assertEquals(48, ((ServerDecision.Respond) d).length());
        long rx = NtpHeader.receiveTimestamp(out, 0);
        assertEquals(
                NtpTimestamp.bitsOfUnixNanos(T0) | 1, rx, "the kernel's receive time, marked odd");
        assertEquals(0, NtpHeader.transmitTimestamp(out, 0) & 1, "transmit marked even");
        assertEquals(0x1234_5678_9abc_def1L, NtpHeader.originTimestamp(out, 0));
        assertTrue(
                s.wantsTransmitTimestamp() && TransmitDelay.isTag(s.transmitTimestampTag()),
                "a basic client (origin 0) leaves nothing to remember: its reply is only measured");
        s.onTransmitTimestamp(s.transmitTimestampTag(), T0 + 5_000);
        assertEquals(0, s.interleavedTimestamps().size());
    }

    /**
     * A measured reply's delay from transmit reading to kernel send moves later transmit timestamps
     * of its kind.
     */
    @Test
    void measuredTransmitDelayIsAddedToLaterTransmitTimestamps() {
        byte[] out = new byte[NtpNtsServer.MAX_REQUEST_LENGTH];
        NtpNtsServer s = server(null, true);
        s.handle(0, LOOPBACK_LOW, T0, plain(0, 0, 1), 48, out);
        long read = NtpHeader.transmitTimestamp(out, 0);
        assertTrue(s.wantsTransmitTimestamp());
        long readNanos = NtpTimestamp.unixNanosOf(read, T0);
        s.onTransmitTimestamp(s.transmitTimestampTag(), readNanos + 9_000);

        s.handle(0, LOOPBACK_LOW, T0 + 1_000, plain(0, 0, 2), 48, out);
        assertFalse(s.wantsTransmitTimestamp(), "one measurement per interval while busy");
        long later = NtpTimestamp.unixNanosOf(NtpHeader.transmitTimestamp(out, 0), T0);
        assertTrue(
                Math.abs(later - readNanos - 9_000) <= 1,
                "the same clock reading 9 us later: " + (later - readNanos));
        assertEquals(0, NtpHeader.transmitTimestamp(out, 0) & 1, "still marked even");

        // an NTS reply is sealed after the reading: its own delay, none measured yet
        NtsClientRequest nts = f.request(2);
        s.handle(0, LOOPBACK_LOW, T0 + 2_000, nts.packet(), nts.packet().length, out);
        assertEquals(read, NtpHeader.transmitTimestamp(out, 0));
        assertEquals(9_000.0, s.transmitDelay().compensationNanos(TransmitDelay.PLAIN), 1.0);

        s.handle(
                0, LOOPBACK_LOW, T0 + TransmitDelay.SAMPLE_INTERVAL_NANOS, plain(0, 0, 3), 48, out);
        assertTrue(s.wantsTransmitTimestamp(), "measured again after the interval");
        s.handle(0, LOOPBACK_LOW, T0, plain(0, 0, 4), 48, out);
        assertTrue(s.wantsTransmitTimestamp(), "and when the clock went back");
    }

    static long ntpNanos(long nanos) {
        return (nanos << 32) / 1_000_000_000L;
    }

    /**
     * A reply whose transmit timestamp was read too long before its send is stamped again (an NTS
     * one sealed again, so its client still accepts it, and measured under the new reading); one
     * read moments ago, and one a client may take for interleaving, are left as written.
     */
    @Test
    void aReplyHeldTooLongBeforeItsSendIsStampedAgain() {
        long[] now = {NtpTimestamp.bitsOfUnixNanos(T0) + 0x1000};
        NtpNtsServer s = server(null, true, () -> now[0]);
        byte[] out = new byte[NtpNtsServer.MAX_REQUEST_LENGTH];

        NtsClientRequest nts = f.request(3);
        ServerDecision.Respond r =
                assertInstanceOf(
                        ServerDecision.Respond.class,
                        s.handle(0, LOOPBACK_LOW, T0, nts.packet(), nts.packet().length, out));
        byte[] asWritten = Arrays.copyOf(out, r.length());
        now[0] += ntpNanos(1_000);
        assertFalse(s.restampLast(out), "read a microsecond ago");
        assertArrayEquals(asWritten, Arrays.copyOf(out, r.length()));
        now[0] += ntpNanos(ReplyTimestamps.RESTAMP_AFTER_NANOS);
        assertTrue(s.restampLast(out));
        assertEquals(now[0] & ~1L, NtpHeader.transmitTimestamp(out, 0), "read again");
        assertNotEquals(
                Arrays.toString(Arrays.copyOfRange(asWritten, 48, r.length())),
                Arrays.toString(Arrays.copyOfRange(out, 48, r.length())),
                "sealed again");
        assertInstanceOf(
                NtsClientResponse.Result.Verified.class,
                NtsClientResponse.verify(out, 0, r.length(), nts, f.keys));
        assertTrue(s.wantsTransmitTimestamp());
        assertEquals(TransmitDelay.tag(now[0], TransmitDelay.SEALED), s.transmitTimestampTag());

        // plain: only the transmit timestamp changes
        s.handle(0, LOOPBACK_LOW, T0 + 1_000, plain(0, 0, 7), 48, out);
        byte[] plainReply = Arrays.copyOf(out, 48);
        now[0] += ntpNanos(2 * ReplyTimestamps.RESTAMP_AFTER_NANOS);
        assertTrue(s.restampLast(out));
        assertEquals(now[0] & ~1L, NtpHeader.transmitTimestamp(out, 0));
        System.arraycopy(out, 40, plainReply, 40, 8);
        assertArrayEquals(plainReply, Arrays.copyOf(out, 48));

        // a client asking for interleaving may be served this reply's transmit time as saved
        s.handle(0, LOOPBACK_LOW, T0 + 2_000, plain(0x55L | 1, 5, 6), 48, out);
        byte[] saved = Arrays.copyOf(out, 48);
        now[0] += ntpNanos(2 * ReplyTimestamps.RESTAMP_AFTER_NANOS);
        assertFalse(s.restampLast(out));
        assertArrayEquals(saved, Arrays.copyOf(out, 48));

        // a dropped request leaves nothing to stamp
        s.handle(0, LOOPBACK_LOW, T0 + 3_000, new byte[47], 47, out);
        now[0] += ntpNanos(2 * ReplyTimestamps.RESTAMP_AFTER_NANOS);
        assertFalse(s.restampLast(out));
    }

    /**
     * chronyd's xleave client: its second request names our first receive time, its third gets
     * interleaved.
     */
    @Test
    void interleavedClientGetsTheKernelTransmitTimeOfThePreviousReply() {
        byte[] out = new byte[NtpNtsServer.MAX_REQUEST_LENGTH];
        NtpNtsServer s = server(null, true);
        s.handle(0, LOOPBACK_LOW, T0, plain(0, 0, 0x1111_0000_0000_0000L), 48, out);
        long r1 = NtpHeader.receiveTimestamp(out, 0);

        long clientRx1 = 0x2222_0000_0000_0000L;
        s.handle(
                0,
                LOOPBACK_LOW,
                T0 + 1_000_000_000L,
                plain(r1, clientRx1, 0x3333_0000_0000_0000L),
                48,
                out);
        assertEquals(
                0x3333_0000_0000_0000L, NtpHeader.originTimestamp(out, 0), "not held: basic mode");
        assertTrue(
                s.wantsTransmitTimestamp(),
                "an interleaving client: its reply's transmit time is wanted");
        long r2 = NtpHeader.receiveTimestamp(out, 0);
        assertEquals(r2, s.transmitTimestampTag());
        long userTx2 = NtpHeader.transmitTimestamp(out, 0);
        long kernelTx2Nanos =
                NtpTimestamp.unixNanosOf(userTx2, T0) + 7_000; // 7 us later, in the kernel
        s.onTransmitTimestamp(s.transmitTimestampTag(), kernelTx2Nanos);
        assertEquals(1, s.interleavedTimestamps().size(), "one reply remembered");

        long clientRx2 = 0x4444_0000_0000_0000L;
        s.handle(
                0,
                LOOPBACK_LOW,
                T0 + 2_000_000_000L,
                plain(r2, clientRx2, 0x5555_0000_0000_0000L),
                48,
                out);
        assertEquals(
                clientRx2,
                NtpHeader.originTimestamp(out, 0),
                "interleaved: origin is the request's receive");
        assertEquals(
                NtpTimestamp.bitsOfUnixNanos(kernelTx2Nanos) & ~1L,
                NtpHeader.transmitTimestamp(out, 0),
                "the kernel's transmit time of the previous reply");
        assertNotEquals(userTx2, NtpHeader.transmitTimestamp(out, 0));
        assertEquals(1, stats.get(ServerCounter.INTERLEAVED_NTP_PACKETS));

        // served once: the same origin again gets a basic reply
        s.handle(
                0,
                LOOPBACK_LOW,
                T0 + 3_000_000_000L,
                plain(r2, clientRx2, 0x6666_0000_0000_0000L),
                48,
                out);
        assertEquals(0x6666_0000_0000_0000L, NtpHeader.originTimestamp(out, 0));
        assertEquals(1, stats.get(ServerCounter.INTERLEAVED_NTP_PACKETS));
    }

    @Test
    void ntsRequestsInterleaveToo() {
        byte[] out = new byte[NtpNtsServer.MAX_REQUEST_LENGTH];
        NtpNtsServer s = server(null, true);
        NtsClientRequest first = f.request(1);
        ServerDecision d =
                s.handle(0, LOOPBACK_LOW, T0, first.packet(), first.packet().length, out);
        assertInstanceOf(ServerDecision.Respond.class, d);
        long r1 = NtpHeader.receiveTimestamp(out, 0);
        NtsClientRequest second =
                NtsClientRequest.builder()
                        .cookie(f.cookie())
                        .keys(f.keys)
                        .random(f.random)
                        .transmitTimestamp(0x7777_0000_0000_0000L)
                        .interleaved(r1, 0x8888_0000_0000_0000L)
                        .build();
        s.handle(
                0, LOOPBACK_LOW, T0 + 1_000_000_000L, second.packet(), second.packet().length, out);
        long r2 = NtpHeader.receiveTimestamp(out, 0);
        long tx2 = NtpHeader.transmitTimestamp(out, 0);
        NtsClientRequest third =
                NtsClientRequest.builder()
                        .cookie(f.cookie())
                        .keys(f.keys)
                        .random(f.random)
                        .transmitTimestamp(0x9999_0000_0000_0000L)
                        .interleaved(r2, 0xAAAA_0000_0000_0000L)
                        .build();
        ServerDecision d3 =
                s.handle(
                        0,
                        LOOPBACK_LOW,
                        T0 + 2_000_000_000L,
                        third.packet(),
                        third.packet().length,
                        out);
        ServerDecision.Respond r = assertInstanceOf(ServerDecision.Respond.class, d3);
        assertEquals(ServerDecision.Authentication.NTS, r.authentication());
        assertEquals(
                tx2, NtpHeader.transmitTimestamp(out, 0), "the previous reply's transmit time");
        assertInstanceOf(
                NtsClientResponse.Result.Verified.class,
                NtsClientResponse.verify(out, 0, r.length(), third, f.keys),
                "the client accepts it");
        assertEquals(1, stats.get(ServerCounter.INTERLEAVED_NTP_PACKETS));
        assertEquals(3, stats.get(ServerCounter.AUTHENTICATED_NTP_PACKETS));
    }

    @Test
    void rateKissIsNeverInterleavedAndCountsAsKiss() {
        byte[] out = new byte[NtpNtsServer.MAX_REQUEST_LENGTH];
        RateLimit limit = new RateLimit(4, 1, 1, 1);
        // random draws: not leaked (non-zero), then the kiss's one bit zero
        long[] draws = {-1L, 0L};
        int[] next = {0};
        ClientRateLimiter limiter =
                ClientRateLimiter.of(limit, 1, 64, () -> draws[next[0]++ % 2], 0);
        NtpNtsServer s = server(limiter, true);
        s.handle(0, LOOPBACK_LOW, T0, plain(0, 0, 1), 48, out);
        ServerDecision d = s.handle(0, LOOPBACK_LOW, T0 + 1, plain(0, 0, 2), 48, out);
        assertInstanceOf(ServerDecision.Respond.class, d);
        assertEquals(KissCode.RATE.referenceId(), NtpHeader.referenceId(out, 0));
        assertEquals(0, NtpHeader.stratum(out, 0));
        assertEquals(1, stats.get(ServerCounter.KISS_RATE_SENT));
    }
}
