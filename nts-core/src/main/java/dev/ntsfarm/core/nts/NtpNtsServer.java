package dev.ntsfarm.core.nts;

import dev.ntsfarm.core.config.AccessTable;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.ntp.ClientRateLimiter;
import dev.ntsfarm.core.ntp.DropReason;
import dev.ntsfarm.core.ntp.InterleavedTimestamps;
import dev.ntsfarm.core.ntp.KissCode;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.core.ntp.NtpClock;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpMode;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.core.ntp.ReplyTimestamps;
import dev.ntsfarm.core.ntp.ServerDecision;
import dev.ntsfarm.core.ntp.ServerState;
import dev.ntsfarm.core.ntp.ServerStateSource;
import dev.ntsfarm.core.ntp.SymmetricKeys;
import dev.ntsfarm.core.ntp.TransmitDelay;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The time server's whole decision on one datagram, plain NTP (RFC 5905, symmetric-key MACs) and
 * NTS (RFC 8915) alike: {@link #handle} takes the sender, the kernel's receive time and the bytes,
 * and answers Respond, Nak or Drop with the reply in the caller's buffer, as ntpd-rs's {@code
 * Server::handle} does. The socket layer only moves bytes and timestamps.
 *
 * <p>In order: length; {@code allow}/{@code deny}; {@code ratelimit} (pass, drop, or a RATE
 * kiss-o'-death); interleaved mode (a request whose origin is one of our receive timestamps gets
 * the kernel's transmit time of the reply that carried it); then {@link NtsResponder}'s decision;
 * then the NAK policy (none without NTS keys, none instead of a RATE kiss, as chronyd). Every
 * outcome is counted once in {@link ServerStats}, drops by their {@link DropReason}.
 *
 * <p>Basic transmit timestamps carry this thread's {@link TransmitDelay}: one reply per 10 ms
 * (every reply of an idle server) has its kernel transmit time read back to measure it.
 *
 * <p>One instance per thread (it holds that thread's NTS scratch, cookie codec, interleaved
 * timestamps and transmit delay); the {@link Policy} is shared. Allocation-free once warm.
 */
public final class NtpNtsServer {

    /** Longest request read; the longest NTS request a client sends is well under 1 KiB. */
    public static final int MAX_REQUEST_LENGTH = 2048;

    /**
     * A request that arrives this long after the previous one is answered over a rehearsed path
     * ({@link ReplyTimestamps#rehearse}): at 1 ms, a thread busy with a thousand requests a second
     * or more never pays for it.
     */
    public static final long REHEARSE_AFTER_IDLE_NANOS = 1_000_000L;

    /**
     * What every thread of one server shares: immutable tables and thread-safe services.
     *
     * @param rateLimiter {@code null} without {@code ratelimit}
     * @param keyRing the farm's keys, read per NTS request; {@code null} to hold none (NTS requests
     *     then get nothing, as chronyd without keys)
     */
    public record Policy(
            AccessTable access,
            ClientRateLimiter rateLimiter,
            SymmetricKeys symmetricKeys,
            Supplier<MasterKeyRing> keyRing,
            ServerStateSource state,
            NtpClock clock,
            ServerStats stats) {
        public Policy {
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(symmetricKeys, "symmetricKeys");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(stats, "stats");
        }
    }

    private final Policy policy;
    private final NonceSource nonces;
    private final NtsScratch scratch;
    private final ReplyTimestamps times;
    private final InterleavedTimestamps timestamps;
    private final TransmitDelay delay;
    private final Supplier<MasterKeyRing> ring;
    private MasterKeyRing codecRing;
    private CookieCodec codec;
    private ServerState servedState;
    private ServerState rateKissState;

    /**
     * Whether {@link #restampLast} may write the last reply again (whether it seals it again
     * follows from the reply: {@link NtsResponder#sealAgain}).
     */
    private boolean restampable;

    private boolean wantsTransmitTimestamp;
    private long transmitTimestampTag;
    private long lastReceiveUnixNanos = Long.MIN_VALUE / 2;
    private long lastMeasuredUnixNanos = Long.MIN_VALUE / 2;

    /**
     * @param interleavedCapacity replies remembered for interleaved mode (0: no interleaved mode)
     */
    public NtpNtsServer(Policy policy, NonceSource nonces, int interleavedCapacity) {
        this(policy, nonces, new NtsScratch(nonces), interleavedCapacity);
    }

    /**
     * A server on a thread whose transmit delay is {@code delay} (see the five-argument
     * constructor).
     */
    public NtpNtsServer(
            Policy policy, NonceSource nonces, int interleavedCapacity, TransmitDelay delay) {
        this(policy, nonces, new NtsScratch(nonces), interleavedCapacity, delay);
    }

    public NtpNtsServer(
            Policy policy, NonceSource nonces, NtsScratch scratch, int interleavedCapacity) {
        this(policy, nonces, scratch, interleavedCapacity, new TransmitDelay());
    }

    /**
     * @param delay the transmit delay of the thread this server runs on, shared with any other
     *     server that thread runs (and measured through them all)
     */
    public NtpNtsServer(
            Policy policy,
            NonceSource nonces,
            NtsScratch scratch,
            int interleavedCapacity,
            TransmitDelay delay) {
        this.delay = Objects.requireNonNull(delay, "delay");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.nonces = nonces;
        this.scratch = scratch;
        this.times = ReplyTimestamps.marked(policy.clock());
        times.compensate(delay);
        this.timestamps =
                interleavedCapacity > 0 ? new InterleavedTimestamps(interleavedCapacity) : null;
        if (policy.keyRing() != null) {
            this.ring = policy.keyRing();
        } else {
            MasterKeyRing none = unopenableRing();
            this.ring = () -> none;
        }
    }

    /**
     * Decides on the datagram {@code req[0, len)} from {@code addressHigh:addressLow} (IPv4 as
     * IPv4-mapped) that arrived at {@code receiveUnixNanos}; a reply goes to {@code out[0]}.
     *
     * @param out at least {@link #MAX_REQUEST_LENGTH} bytes, not the request's array
     */
    public ServerDecision handle(
            long addressHigh,
            long addressLow,
            long receiveUnixNanos,
            byte[] req,
            int len,
            byte[] out) {
        Policy p = policy;
        ServerStats stats = p.stats();
        wantsTransmitTimestamp = false;
        restampable = false;
        stats.increment(ServerCounter.NTP_PACKETS_RECEIVED);
        if (len < NtpHeader.LENGTH || len > MAX_REQUEST_LENGTH) {
            return drop(DropReason.WRONG_LENGTH);
        }
        if (!p.access().allows(addressHigh, addressLow)) {
            return drop(DropReason.ACCESS_DENIED);
        }
        ClientRateLimiter.Verdict verdict =
                p.rateLimiter() == null
                        ? ClientRateLimiter.Verdict.PASS
                        : p.rateLimiter().check(addressHigh, addressLow, receiveUnixNanos);
        if (verdict == ClientRateLimiter.Verdict.DROP) {
            return drop(DropReason.RATE_LIMITED);
        }
        boolean kiss = verdict == ClientRateLimiter.Verdict.KOD;
        long receive = NtpTimestamp.bitsOfUnixNanos(receiveUnixNanos) | 1L;

        // chrony's test for an interleaved request: NTPv4, its origin one of our (odd) receive
        // timestamps, its receive and transmit timestamps different (RFC 5905 interleaved basic
        // mode)
        boolean mayInterleave =
                timestamps != null
                        && !kiss
                        && NtpHeader.version(req, 0) == NtpHeader.VERSION_4
                        && NtpHeader.mode(req, 0) == NtpMode.CLIENT
                        && (NtpHeader.originTimestamp(req, 0) & 1L) != 0
                        && NtpHeader.receiveTimestamp(req, 0)
                                != NtpHeader.transmitTimestamp(req, 0);
        long previousTransmit =
                mayInterleave ? timestamps.take(NtpHeader.originTimestamp(req, 0)) : 0;
        if (previousTransmit != 0) {
            times.interleaved(receive, NtpHeader.receiveTimestamp(req, 0), previousTransmit);
        } else {
            times.basic(receive);
        }
        // the first request after an idle spell finds the path cold: rehearse what follows the
        // transmit read
        times.rehearse(
                receiveUnixNanos - lastReceiveUnixNanos > REHEARSE_AFTER_IDLE_NANOS
                        || receiveUnixNanos < lastReceiveUnixNanos);
        lastReceiveUnixNanos = receiveUnixNanos;

        ServerState state = serverState(p.state().current(receive), kiss);
        ServerDecision decision =
                NtsResponder.handle(
                        req, 0, len, times, state, codec(), scratch, p.symmetricKeys(), out);
        switch (decision) {
            case ServerDecision.Respond r -> {
                if (r.authentication() != ServerDecision.Authentication.NONE) {
                    stats.increment(ServerCounter.AUTHENTICATED_NTP_PACKETS);
                }
                if (kiss) {
                    stats.increment(ServerCounter.KISS_RATE_SENT);
                }
                if (times.isInterleaved()) {
                    stats.increment(ServerCounter.INTERLEAVED_NTP_PACKETS);
                }
                if (mayInterleave) {
                    // this client may ask for this reply's transmit time next: keep it, and ask the
                    // kernel
                    timestamps.save(receive, times.transmitWritten());
                    wantsTransmitTimestamp = true;
                    transmitTimestampTag = receive;
                } else {
                    restampable = r.authentication() != ServerDecision.Authentication.SYMMETRIC_KEY;
                    measureTransmit(receiveUnixNanos);
                }
                return r;
            }
            case ServerDecision.Nak n -> {
                if (p.keyRing() == null || kiss) {
                    return drop(DropReason.NAK_WITHHELD);
                }
                stats.nak(n.reason());
                restampable = true;
                measureTransmit(receiveUnixNanos);
                return n;
            }
            case ServerDecision.Drop d -> {
                stats.drop(d.reason());
                return d;
            }
        }
    }

    /**
     * Asks for the last reply's kernel transmit time when the transmit delay wants a measurement.
     */
    private void measureTransmit(long receiveUnixNanos) {
        long since = receiveUnixNanos - lastMeasuredUnixNanos;
        if (times.transmitRead() != 0
                && (since >= TransmitDelay.SAMPLE_INTERVAL_NANOS || since < 0)) {
            lastMeasuredUnixNanos = receiveUnixNanos;
            wantsTransmitTimestamp = true;
            transmitTimestampTag = TransmitDelay.tag(times.transmitRead(), times.transmitKind());
        }
    }

    private ServerDecision drop(DropReason reason) {
        policy.stats().drop(reason);
        return ServerDecision.Drop.of(reason);
    }

    /**
     * Called just before the reply of the last {@link #handle}, still in {@code out}, is sent: if
     * its transmit timestamp was read too long ago ({@link ReplyTimestamps#RESTAMP_AFTER_NANOS}),
     * reads it again and writes it into {@code out} (sealing the reply again for NTS), and the
     * reply's {@link #transmitTimestampTag} follows. A quiet responder's reply is the one that runs
     * cold; a busy one's replies leave in batches, warm, and the socket layer need not ask.
     * Interleaved replies, replies a client may take for interleaving and MAC replies are left as
     * they are.
     *
     * @return whether {@code out} was written again (same length)
     */
    public boolean restampLast(byte[] out) {
        if (!restampable || !times.stale()) {
            return false;
        }
        if (!NtsResponder.sealAgain(out, times, scratch)) {
            // sent as written (plain NTP, a kiss, an NTS NAK): only the timestamp changes
            NtpTimestamp.writeBits(times.readAgain(), out, NtpHeader.OFFSET_TRANSMIT_TIMESTAMP);
        }
        if (wantsTransmitTimestamp && TransmitDelay.isTag(transmitTimestampTag)) {
            transmitTimestampTag = TransmitDelay.tag(times.transmitRead(), times.transmitKind());
        }
        return true;
    }

    /**
     * What runs just before the transmit timestamp of a reply after an idle spell is read (the
     * socket layer warming its send path); {@code null} for nothing.
     */
    public void beforeTransmit(Runnable hook) {
        times.beforeTransmit(hook);
    }

    /**
     * Whether the reply of the last {@link #handle} should have its kernel transmit time read back
     * (its client may ask for it in interleaved mode, or it measures the transmit delay); then pass
     * it to {@link #onTransmitTimestamp} with {@link #transmitTimestampTag()}.
     */
    public boolean wantsTransmitTimestamp() {
        return wantsTransmitTimestamp;
    }

    /**
     * The tag of the last reply's transmit timestamp: the receive timestamp it carries (odd), or a
     * {@link TransmitDelay#tag} (even).
     */
    public long transmitTimestampTag() {
        return transmitTimestampTag;
    }

    /**
     * The kernel's transmit time of the reply tagged {@code tag}: served in interleaved mode, or a
     * measurement.
     */
    public void onTransmitTimestamp(long tag, long unixNanos) {
        if (TransmitDelay.isTag(tag)) {
            delay.onTransmitted(tag, unixNanos);
        } else if (timestamps != null) {
            timestamps.updateTransmit(tag, NtpTimestamp.bitsOfUnixNanos(unixNanos) & ~1L);
        }
    }

    /** This thread's interleaved-mode memory, or {@code null} without one. */
    public InterleavedTimestamps interleavedTimestamps() {
        return timestamps;
    }

    /** This thread's transmit delay. */
    public TransmitDelay transmitDelay() {
        return delay;
    }

    public NtsScratch scratch() {
        return scratch;
    }

    public Policy policy() {
        return policy;
    }

    /**
     * The state to serve, and its RATE kiss (RFC 5905 7.4: leap 3, stratum 0, code as refid),
     * rebuilt on change.
     */
    private ServerState serverState(ServerState s, boolean rateKiss) {
        if (s != servedState) {
            rateKissState =
                    new ServerState(
                            LeapIndicator.UNSYNCHRONIZED,
                            0,
                            s.poll(),
                            s.precision(),
                            s.rootDelay(),
                            s.rootDispersion(),
                            KissCode.RATE.referenceId(),
                            s.referenceTimestamp());
            servedState = s;
        }
        return rateKiss ? rateKissState : s;
    }

    /** This thread's codec for the current ring snapshot, rebuilt when the snapshot is swapped. */
    private CookieCodec codec() {
        MasterKeyRing current = ring.get();
        if (current != codecRing) {
            codec = new CookieCodec(current, nonces);
            codecRing = current;
        }
        return codec;
    }

    /**
     * A ring under a random secret nobody holds, for a server without farm keys: no cookie opens.
     */
    private static MasterKeyRing unopenableRing() {
        SecureRandom r = new SecureRandom();
        byte[] secret = new byte[FarmSecret.MIN_LENGTH];
        byte[] seed = new byte[32];
        r.nextBytes(secret);
        r.nextBytes(seed);
        return MasterKeyRing.of(FarmSecret.of(secret), 0, Map.of(0L, seed));
    }

    @Override
    public String toString() {
        return "NtpNtsServer[" + scratch + ", " + timestamps + "]";
    }
}
