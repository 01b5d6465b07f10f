package dev.ntsfarm.core.clock;

import dev.ntsfarm.core.config.SourceDirective;
import dev.ntsfarm.core.cookie.NonceSource;
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
import dev.ntsfarm.core.nts.NtsClientRequest;
import dev.ntsfarm.core.nts.NtsClientResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One time source's protocol, sans-IO (chrony's ntp_core.c, in the shape of ntpd-rs's source): a
 * {@code server} (client mode) or a symmetric {@code peer}. The caller owns the socket and the
 * timer; it calls {@link #onTimer} when the timer fires and {@link #onPacket} with each datagram
 * from the source and its receive timestamp, and carries out the {@link Action}s returned (send
 * these bytes, set the timer, run NTS-KE, demobilize). Valid samples go to the {@link Host}, which
 * selects and disciplines.
 *
 * <p>A response must pass chrony's tests: 1 not a duplicate, 2 an answer to our latest request, 3
 * no zero timestamp, 5 authentic, 6 a synchronised server, 7 a sane root distance; and, before its
 * sample is used, A (delay within {@code maxdelay}, not negative, a sane offset, the server's
 * processing under 4 s), B ({@code maxdelayratio}), C ({@code maxdelaydevratio}) and D (not
 * synchronised to us). The poll interval follows chrony: it shortens when the statistics predict
 * the new sample badly, lengthens while they hold more than {@code polltarget} samples, and backs
 * off slowly when responses are missing. Not thread-safe: one event loop drives it.
 */
public final class NtpSource {
    /**
     * A receive timestamp the caller does not have (no kernel timestamp): the call's {@code now} is
     * used.
     */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    /** The first request goes out this long after the start (chrony's INITIAL_DELAY). */
    public static final double INITIAL_DELAY = 0.2;

    /** Burst requests go at most this far apart, and at most this fraction of the poll interval. */
    public static final double MAX_BURST_INTERVAL = 2.0;

    public static final double MAX_BURST_POLL_RATIO = 0.25;

    /** {@code iburst}: four good samples or eight requests, as chronyd. */
    public static final int IBURST_GOOD_SAMPLES = 4;

    public static final int IBURST_TOTAL_SAMPLES = Reach.WIDTH;

    /** {@code burst}: one good sample out of at most four requests at each poll. */
    public static final int BURST_GOOD_SAMPLES = 1;

    public static final int MAX_BURST_TOTAL_SAMPLES = 4;

    /** chronyc's {@code burst} default: 4/8. */
    public static final int DEFAULT_BURST_GOOD = 4;

    public static final int DEFAULT_BURST_TOTAL = 8;

    /** Sub-second polls only for a reachable source whose delay says it is on the local network. */
    static final int MIN_NONLAN_POLL = 0;

    static final double MAX_LAN_PEER_DELAY = 0.01;

    /**
     * A server's processing time above this makes its sample unusable (chrony's
     * MAX_SERVER_INTERVAL).
     */
    public static final double MAX_SERVER_INTERVAL = 4.0;

    /** RFC 5905's MAXDISP: a root distance at or above 16 s is bad data (test 7). */
    public static final double NTP_MAX_DISPERSION = 16.0;

    /** Interleaved client requests only while fewer responses than this are missing. */
    static final int MAX_CLIENT_INTERLEAVED_TX = 4;

    /**
     * Interleaved mode prefers the previous request's timestamps when they shorten the intervals
     * this much.
     */
    static final double MAX_INTERLEAVED_L2L_RATIO = 0.1;

    /**
     * A transmit time this far from when the request was made is not its own (chrony's
     * MAX_TX_DELAY).
     */
    static final double MAX_TX_DELAY = 1.0;

    /** Symmetric peers space their packets by this factor when strata differ (chrony). */
    static final double PEER_SAMPLING_ADJ = 1.1;

    /**
     * Timers are stretched by up to this fraction at random, so polls cannot be predicted to the
     * microsecond.
     */
    static final double SAMPLING_RANDOMNESS = 0.02;

    /** Offsets beyond this are not time (chrony's UTI_IsTimeOffsetSane). */
    static final double MAX_SANE_OFFSET = 1L << 31;

    /** What a source needs of the system it is part of (the {@link SystemProcess}). */
    public interface Host {
        /**
         * A good sample: accumulate it, select, and perhaps correct the clock; actions go to {@code
         * out}.
         */
        void accumulate(NtpSource source, Sample sample, List<Action> out);

        /**
         * The source's reach register changed (selection may change when it became unreachable).
         */
        void reachabilityUpdated(NtpSource source, List<Action> out);

        /**
         * Our own synchronisation (chronyc's tracking), told to peers and checked against loops.
         */
        Tracking reference(long now);

        /** Whether {@code source} is the system peer. */
        boolean isSelected(NtpSource source);
    }

    private enum Mode {
        CLIENT,
        ACTIVE
    }

    private enum OpMode {
        OFFLINE,
        ONLINE,
        BURST_WAS_ONLINE,
        BURST_WAS_OFFLINE
    }

    private final SourceDirective directive;
    private final Mode mode;
    private final Source source;
    private SourceAuth auth;
    private final NonceSource random;
    private final double precision;
    private final int precisionLog;
    private final Host host;
    private final int minPoll;
    private final int maxPoll;

    private int localPoll;
    private double pollScore;
    private OpMode opmode = OpMode.OFFLINE;
    private boolean started;
    private int burstGoodLeft;
    private int burstTotalLeft;

    private int txCount;
    private boolean validRx;
    private boolean validTimestamps;
    private int remotePoll;
    private int remoteStratum;
    private double remoteRootDelay;
    private double remoteRootDispersion;
    private long remoteNtpRx;
    private long remoteNtpTx;
    private long localNtpRx;
    private long localNtpTx;
    private long localRx;
    private long localTx;
    private long prevLocalTx;
    private int prevLocalPoll;
    private int prevTxCount;
    private boolean updatedInitTimestamps;
    private long initRemoteNtpTx;
    private long initLocalRx;
    private NtsClientRequest pendingNts;
    private byte[] lastSent;
    private long requestBuilt;
    private boolean waitingForKeys;

    private long totalTx;
    private long totalRx;
    private long totalValid;
    private long totalGood;
    private long totalInterleaved;
    private String lastRejection = "";

    /**
     * @param directive the {@code server} or {@code peer} line (a pool's member as a server line)
     * @param refId the reference id (from the address: {@link #referenceId})
     * @param auth how its packets are authenticated
     * @param random for transmit timestamps, NTS identifiers and nonces, and timer randomness
     * @param precision the local clock's precision, seconds
     * @param host the system this source is part of
     */
    public NtpSource(
            SourceDirective directive,
            int refId,
            SourceAuth auth,
            NonceSource random,
            double precision,
            Host host) {
        this.directive = directive;
        this.mode = directive.kind() == SourceDirective.Kind.PEER ? Mode.ACTIVE : Mode.CLIENT;
        this.auth = auth;
        this.random = random;
        this.precision = precision;
        this.precisionLog = Math.getExponent(precision);
        this.host = host;
        this.minPoll = directive.minPoll();
        this.maxPoll = Math.max(directive.minPoll(), directive.maxPoll());
        this.localPoll = Math.max(minPoll, MIN_NONLAN_POLL);
        var p = directive.parameters();
        this.source =
                new Source(
                        directive.host(),
                        refId,
                        mode == Mode.ACTIVE ? SourceReport.MODE_PEER : SourceReport.MODE_SERVER,
                        new SourceStats(p.minSamples(), directive.maxSamples(), precision));
    }

    // ---- what the caller drives ----

    /**
     * Starts polling: the first request goes after {@link #INITIAL_DELAY} (an {@code iburst}
     * follows).
     */
    public List<Action> start(long now) {
        List<Action> out = new ArrayList<>();
        started = true;
        setOnline(now, true, out);
        return out;
    }

    /** The source's timer fired: send a request (chrony's transmit_timeout). */
    public List<Action> onTimer(long now) {
        List<Action> out = new ArrayList<>();
        transmit(now, out);
        return out;
    }

    /**
     * The request in {@code packet} (from a {@link Action.Send} of this source) left at {@code
     * txTime}: T1. Called when the send completed, and again with the kernel's transmit timestamp
     * (on the clock's scale) when the kernel gives one, which then replaces it; a time more than
     * {@link #MAX_TX_DELAY} from when the request was made is not the request's and is ignored, and
     * so is one that comes after the response was processed.
     */
    public void onSent(byte[] packet, long txTime) {
        if (packet == lastSent
                && !validRx
                && Math.abs(SourceStats.seconds(txTime - requestBuilt)) <= MAX_TX_DELAY) {
            localTx = txTime;
        }
    }

    /**
     * A datagram from the source.
     *
     * @param now the local clock now
     * @param rxTime its kernel receive timestamp on the clock's scale, or {@link #NO_TIMESTAMP}
     */
    public List<Action> onPacket(long now, byte[] buf, int off, int len, long rxTime) {
        List<Action> out = new ArrayList<>();
        totalRx++;
        if (len < NtpHeader.LENGTH
                || !(NtpHeader.read(buf, off, len) instanceof NtpHeader.Read.Parsed parsed)) {
            reject("packet shorter than an NTP header");
            return out;
        }
        NtpHeader h = parsed.header();
        boolean process =
                switch (h.mode()) {
                    case SERVER -> mode == Mode.CLIENT;
                    case SYMMETRIC_ACTIVE, SYMMETRIC_PASSIVE -> mode == Mode.ACTIVE;
                    default -> false;
                };
        if (!process) {
            reject("mode " + h.mode().code() + " does not answer our mode");
            return out;
        }
        if (opmode == OpMode.OFFLINE || !started) {
            reject("source offline");
            return out;
        }
        processResponse(rxTime == NO_TIMESTAMP ? now : rxTime, h, buf, off, len, out);
        return out;
    }

    /**
     * NTS-KE succeeded: poll with the new keys and cookies (at once if polls were waiting for
     * them).
     */
    public List<Action> onKeyEstablished(long now, NtsAssociation.Session session) {
        List<Action> out = new ArrayList<>();
        if (!(auth instanceof SourceAuth.Nts(NtsAssociation nts))) {
            return out;
        }
        nts.keyEstablishmentSucceeded(session, Math.floorDiv(now, 1_000_000_000L));
        out.add(new Action.SaveNtsState(this));
        if (waitingForKeys && opmode != OpMode.OFFLINE) {
            waitingForKeys = false;
            restartTimeout(INITIAL_DELAY, out);
        }
        return out;
    }

    /** NTS-KE failed: tried again after a back-off, while polls find no keys. */
    public List<Action> onKeyEstablishmentFailed(long now, String why) {
        List<Action> out = new ArrayList<>();
        if (auth instanceof SourceAuth.Nts(NtsAssociation nts)) {
            nts.keyEstablishmentFailed(Math.floorDiv(now, 1_000_000_000L), why);
            out.add(
                    new Action.Notice(
                            "NTS-KE with "
                                    + nts.keHost()
                                    + ":"
                                    + nts.kePort()
                                    + " failed: "
                                    + why));
        }
        return out;
    }

    /**
     * The key file was read again ({@code SIGHUP}): a symmetric-key source whose key id is {@code
     * key}'s authenticates with it from its next packet. False (nothing changes) for a source of
     * another key id or without a key.
     */
    public boolean useKey(SymmetricKey key) {
        if (auth instanceof SourceAuth.Symmetric(SymmetricKey old) && old.id() == key.id()) {
            auth = new SourceAuth.Symmetric(key);
            return true;
        }
        return false;
    }

    /** chronyc's {@code online}/{@code offline}. */
    public List<Action> setOnline(long now, boolean online) {
        List<Action> out = new ArrayList<>();
        setOnline(now, online, out);
        return out;
    }

    /** chronyc's {@code burst GOOD/TOTAL}: a burst of requests, then back to the normal poll. */
    public List<Action> burst(long now, int good, int total) {
        List<Action> out = new ArrayList<>();
        initiateBurst(now, good, total, out);
        return out;
    }

    /**
     * The clock was corrected at {@code when} (advanced by {@code offset} seconds, made faster by
     * {@code frequency}): the local timestamps kept for the protocol move with it (chrony's
     * NCR_SlewTimes); the statistics are moved by the system.
     */
    public void slew(long when, double offset, double frequency) {
        localRx = adjust(localRx, when, offset, frequency);
        localTx = adjust(localTx, when, offset, frequency);
        prevLocalTx = adjust(prevLocalTx, when, offset, frequency);
        initLocalRx = adjust(initLocalRx, when, offset, frequency);
    }

    private static long adjust(long t, long when, double offset, double frequency) {
        if (t == 0) {
            return 0;
        }
        return t + Math.round((offset + frequency * SourceStats.seconds(t - when)) * 1e9);
    }

    // ---- connectivity and bursts ----

    private void setOnline(long now, boolean online, List<Action> out) {
        if (online) {
            switch (opmode) {
                case OFFLINE -> {
                    opmode = OpMode.ONLINE;
                    resetInstance();
                    startInitialTimeout(now, out);
                    if (directive.iburst()) {
                        initiateBurst(now, IBURST_GOOD_SAMPLES, IBURST_TOTAL_SAMPLES, out);
                    }
                }
                case BURST_WAS_OFFLINE -> opmode = OpMode.BURST_WAS_ONLINE;
                default -> {}
            }
        } else {
            switch (opmode) {
                case ONLINE -> takeOffline(out);
                case BURST_WAS_ONLINE -> opmode = OpMode.BURST_WAS_OFFLINE;
                default -> {}
            }
        }
    }

    private void takeOffline(List<Action> out) {
        opmode = OpMode.OFFLINE;
        out.add(new Action.CancelTimer(this));
        source.resetReachability();
        source.updateReachability(false);
        host.reachabilityUpdated(this, out);
        resetInstance();
    }

    private void initiateBurst(long now, int good, int total, List<Action> out) {
        if (mode != Mode.CLIENT) {
            return; // a burst would upset a peer's sampling
        }
        switch (opmode) {
            case ONLINE, OFFLINE -> {
                opmode =
                        opmode == OpMode.ONLINE
                                ? OpMode.BURST_WAS_ONLINE
                                : OpMode.BURST_WAS_OFFLINE;
                burstGoodLeft = good;
                burstTotalLeft = total;
                startInitialTimeout(now, out);
            }
            default -> {}
        }
    }

    private void startInitialTimeout(long now, List<Action> out) {
        double delay = localTx != 0 ? transmitDelay(now, false) : 0.0;
        restartTimeout(Math.max(delay, INITIAL_DELAY), out);
    }

    private void restartTimeout(double delay, List<Action> out) {
        if (!started) {
            return;
        }
        byte[] b = new byte[2];
        random.nextBytes(b, 0, 2);
        double u = ((b[0] & 0xFF) << 8 | (b[1] & 0xFF)) / 65536.0;
        // a timer set replaces the one set before, in this list too
        out.removeIf(a -> a instanceof Action.SetTimer t && t.source() == this);
        out.add(new Action.SetTimer(this, delay * (1.0 + SAMPLING_RANDOMNESS * u)));
    }

    private void resetInstance() {
        txCount = 0;
        remotePoll = 0;
        remoteStratum = 0;
        remoteRootDelay = 0;
        remoteRootDispersion = 0;
        validRx = false;
        validTimestamps = false;
        remoteNtpRx = 0;
        remoteNtpTx = 0;
        localNtpRx = 0;
        localNtpTx = 0;
        localRx = 0;
        prevLocalTx = 0;
        prevLocalPoll = 0;
        prevTxCount = 0;
        updatedInitTimestamps = false;
        initRemoteNtpTx = 0;
        initLocalRx = 0;
    }

    // ---- polling ----

    private void adjustPoll(double adj) {
        pollScore += adj;
        if (pollScore >= 1.0) {
            localPoll += (int) pollScore;
            pollScore -= (int) pollScore;
        }
        if (pollScore < 0.0) {
            localPoll += (int) (pollScore - 1.0);
            pollScore -= (int) (pollScore - 1.0);
        }
        if (localPoll < minPoll) {
            localPoll = minPoll;
            pollScore = 0;
        } else if (localPoll > maxPoll) {
            localPoll = maxPoll;
            pollScore = 1.0;
        }
        // no sub-second polls of an unreachable source or one beyond the local network
        if (localPoll < MIN_NONLAN_POLL
                && (!source.reach().reachable()
                        || source.stats().minDelay() > MAX_LAN_PEER_DELAY)) {
            localPoll = MIN_NONLAN_POLL;
        }
    }

    /**
     * chrony's get_poll_adj: shorten when mispredicted, else steer the samples kept toward
     * polltarget.
     */
    private double pollAdjustment(double errorInEstimate, double peerDistance) {
        if (errorInEstimate > peerDistance) {
            return -Math.log(errorInEstimate / peerDistance) / Math.log(2.0);
        }
        int target = directive.parameters().pollTarget();
        int samples = source.stats().samples();
        double adj = ((double) samples / target - 1.0) / target;
        return samples < target ? 2.0 * adj : adj;
    }

    private int transmitPoll() {
        int poll = localPoll;
        if (mode == Mode.ACTIVE && poll > remotePoll && source.reach().reachable()) {
            poll = Math.max(remotePoll, minPoll);
        }
        return poll;
    }

    private double transmitDelay(long now, boolean onTx) {
        double lastTx = !onTx && localTx != 0 ? SourceStats.seconds(now - localTx) : 0.0;
        double delay = Math.scalb(1.0, transmitPoll());
        switch (opmode) {
            case ONLINE -> {
                if (mode == Mode.ACTIVE) {
                    int stratumDiff = remoteStratum - host.reference(now).stratum();
                    if ((stratumDiff > 0 && lastTx * PEER_SAMPLING_ADJ < delay)
                            || (!onTx
                                    && stratumDiff == 0
                                    && lastTx / delay > PEER_SAMPLING_ADJ - 0.5)) {
                        delay *= PEER_SAMPLING_ADJ;
                    }
                }
            }
            case BURST_WAS_ONLINE, BURST_WAS_OFFLINE ->
                    delay = Math.min(MAX_BURST_INTERVAL, MAX_BURST_POLL_RATIO * delay);
            case OFFLINE -> {}
        }
        if (lastTx > 0.0) {
            delay -= lastTx;
        }
        return Math.max(0.0, delay);
    }

    private void transmit(long now, List<Action> out) {
        switch (opmode) {
            case BURST_WAS_ONLINE -> {
                if (burstTotalLeft <= 1) {
                    opmode = OpMode.ONLINE;
                }
            }
            case BURST_WAS_OFFLINE -> {
                if (burstTotalLeft <= 0) {
                    takeOffline(out);
                }
            }
            case ONLINE -> {
                if (directive.parameters().burst() && localPoll > minPoll) {
                    initiateBurst(
                            now,
                            BURST_GOOD_SAMPLES,
                            Math.min(
                                    1 << Math.min(30, localPoll - minPoll),
                                    MAX_BURST_TOTAL_SAMPLES),
                            out);
                }
            }
            case OFFLINE -> {}
        }
        if (opmode == OpMode.OFFLINE) {
            return;
        }
        if (!prepareAuth(now, out)) {
            source.updateReachability(false);
            host.reachabilityUpdated(this, out);
            restartTimeout(transmitDelay(now, true), out);
            return;
        }

        boolean interleaved =
                directive.parameters().xleave()
                        && mode == Mode.CLIENT
                        && txCount < MAX_CLIENT_INTERLEAVED_TX;
        boolean initial = mode == Mode.ACTIVE && !validRx && initRemoteNtpTx != 0;
        validRx = false;
        updatedInitTimestamps = false;
        if (initial) {
            validTimestamps = false;
        }
        byte[] packet = buildRequest(now, interleaved, initial);
        lastSent = packet;
        out.add(new Action.Send(this, packet));
        txCount++;
        totalTx++;
        if (txCount >= 2) {
            // at least one request went unanswered: back off, slowly for the system peer
            adjustPoll(host.isSelected(this) ? 0.1 : 0.25);
            source.updateReachability(false);
            host.reachabilityUpdated(this, out);
        }
        if (opmode == OpMode.BURST_WAS_ONLINE || opmode == OpMode.BURST_WAS_OFFLINE) {
            burstTotalLeft--;
        }
        restartTimeout(transmitDelay(now, true), out);
    }

    /**
     * chrony's NAU_PrepareRequestAuth: NTS needs keys and a cookie, and NTS-KE when they run out or
     * expire.
     */
    private boolean prepareAuth(long now, List<Action> out) {
        if (!(auth instanceof SourceAuth.Nts(NtsAssociation nts))) {
            return true;
        }
        if (nts.needsKeyEstablishment(Math.floorDiv(now, 1_000_000_000L))) {
            nts.keyEstablishmentStarted();
            out.add(new Action.StartKeyEstablishment(this));
        }
        if (!nts.ready()) {
            waitingForKeys = true;
            return false;
        }
        return true;
    }

    private byte[] buildRequest(long now, boolean interleaved, boolean initial) {
        if (interleaved && (remoteNtpRx == 0 || localTx == 0)) {
            interleaved = false;
        }
        int poll = localPoll;
        long origin = 0;
        long receive = 0;
        long transmit;
        if (mode == Mode.ACTIVE || interleaved) {
            origin = interleaved ? remoteNtpRx : (initial ? initRemoteNtpTx : remoteNtpTx);
            long rx = initial ? initLocalRx : localRx;
            receive = rx == 0 ? 0 : NtpTimestamp.bitsOfUnixNanos(rx);
        }
        if (interleaved) {
            transmit = NtpTimestamp.bitsOfUnixNanos(localTx);
        } else if (mode == Mode.ACTIVE) {
            // a peer reads our transmit timestamp as its T1, so it must be the real time
            transmit = NtpTimestamp.bitsOfUnixNanos(now);
        } else {
            transmit = randomBits(); // RFC 9109: a client's transmit timestamp reveals nothing
        }
        while (transmit != 0
                && (transmit == receive || transmit == origin || transmit == localNtpTx)) {
            transmit ^= 1;
        }
        localNtpRx = receive;
        localNtpTx = transmit;
        localTx = now;
        requestBuilt = now;
        pendingNts = null;
        return switch (auth) {
            case SourceAuth.Nts(NtsAssociation nts) -> {
                pendingNts =
                        interleaved
                                ? nts.nextRequest(poll, random, transmit, origin, receive)
                                : nts.nextRequest(poll, random, transmit);
                yield pendingNts.packet();
            }
            case SourceAuth.Symmetric(SymmetricKey key) -> {
                byte[] p =
                        new byte
                                [NtpHeader.LENGTH
                                        + key.algorithm().trailerLength(NtpHeader.VERSION_4)];
                header(now, poll, origin, receive, transmit).write(p, 0);
                NtpMac.writeTrailer(
                        key, NtpHeader.VERSION_4, p, 0, NtpHeader.LENGTH, p, NtpHeader.LENGTH);
                yield p;
            }
            case SourceAuth.None none -> {
                byte[] p = new byte[NtpHeader.LENGTH];
                header(now, poll, origin, receive, transmit).write(p, 0);
                yield p;
            }
        };
    }

    private NtpHeader header(long now, int poll, long origin, long receive, long transmit) {
        if (mode == Mode.CLIENT) {
            // a client reveals neither its clock's state nor its precision (chrony)
            return new NtpHeader(
                    LeapIndicator.NO_WARNING,
                    NtpHeader.VERSION_4,
                    NtpMode.CLIENT,
                    0,
                    poll,
                    32,
                    NtpShort.ZERO,
                    NtpShort.ZERO,
                    0,
                    NtpTimestamp.ZERO,
                    new NtpTimestamp(origin),
                    new NtpTimestamp(receive),
                    new NtpTimestamp(transmit));
        }
        // a symmetric peer learns our own synchronisation from the header (RFC 5905 section 9)
        Tracking t = host.reference(now);
        boolean synced = t.leap() != LeapIndicator.UNSYNCHRONIZED && t.stratum() > 0;
        return new NtpHeader(
                synced ? t.leap() : LeapIndicator.UNSYNCHRONIZED,
                NtpHeader.VERSION_4,
                NtpMode.SYMMETRIC_ACTIVE,
                synced ? Math.min(t.stratum(), 15) : 0,
                poll,
                precisionLog,
                NtpShort.ofSeconds(t.rootDelay()),
                NtpShort.ofSeconds(t.rootDispersion()),
                synced ? t.refId() : 0,
                synced ? NtpTimestamp.ofUnixNanos(t.refTime()) : NtpTimestamp.ZERO,
                new NtpTimestamp(origin),
                new NtpTimestamp(receive),
                new NtpTimestamp(transmit));
    }

    private long randomBits() {
        byte[] b = new byte[8];
        random.nextBytes(b, 0, 8);
        return java.nio.ByteBuffer.wrap(b).getLong();
    }

    // ---- responses ----

    private void processResponse(
            long rx, NtpHeader m, byte[] buf, int off, int len, List<Action> out) {
        long msgRx = m.receiveTimestamp().bits();
        long msgTx = m.transmitTimestamp().bits();
        long msgOrigin = m.originTimestamp().bits();
        LeapIndicator leap = m.leap();
        double rootDelay = m.rootDelay().toSeconds();
        double rootDispersion = m.rootDispersion().toSeconds();

        boolean test1 = msgRx != remoteNtpRx || msgTx != remoteNtpTx;
        boolean test2n = msgOrigin == localNtpTx;
        boolean test2i =
                directive.parameters().xleave()
                        && mode == Mode.CLIENT
                        && msgOrigin == localNtpRx
                        && localNtpRx != 0;
        boolean test2 = test2n || test2i;
        boolean interleavedPacket = !test2n && test2i;
        boolean test3 = msgOrigin != 0 && msgRx != 0 && msgTx != 0;
        Authenticity authenticity = checkAuth(buf, off, len, test2, out);
        boolean test5 = authenticity != Authenticity.FAILED;
        boolean test6 =
                leap != LeapIndicator.UNSYNCHRONIZED && m.stratum() < 16 && m.stratum() != 0;
        boolean test7 = rootDelay / 2.0 + rootDispersion < NTP_MAX_DISPERSION;
        boolean valid = test1 && test2 && test3 && test5;
        boolean synced = valid && test6 && test7;
        KissCode kiss =
                test1 && test2 && test5 && leap == LeapIndicator.UNSYNCHRONIZED && m.stratum() == 0
                        ? KissCode.ofReferenceId(m.referenceId())
                        : null;

        Sample sample = null;
        boolean testA = false;
        boolean testB = false;
        boolean testC = false;
        boolean testD = false;
        long localTransmit = localTx;
        String why = null;
        if (synced && (!interleavedPacket || validTimestamps)) {
            long remoteReceive;
            long remoteRequestReceive;
            long localReceive;
            double sampleRootDelay;
            double sampleRootDispersion;
            long remoteTransmit = m.transmitTimestamp().toUnixNanos(rx);
            if (interleavedPacket) {
                if (prevLocalTx != 0
                        && MAX_INTERLEAVED_L2L_RATIO * SourceStats.seconds(localTx - localRx)
                                > SourceStats.seconds(localRx - prevLocalTx)) {
                    remoteReceive = NtpTimestamp.unixNanosOf(remoteNtpRx, rx);
                    remoteRequestReceive = remoteReceive;
                    localTransmit = prevLocalTx;
                    sampleRootDelay = remoteRootDelay;
                    sampleRootDispersion = remoteRootDispersion;
                } else {
                    remoteReceive = m.receiveTimestamp().toUnixNanos(rx);
                    remoteRequestReceive = NtpTimestamp.unixNanosOf(remoteNtpRx, rx);
                    localTransmit = localTx;
                    sampleRootDelay = Math.max(rootDelay, remoteRootDelay);
                    sampleRootDispersion = Math.max(rootDispersion, remoteRootDispersion);
                }
                localReceive = localRx;
            } else {
                remoteReceive = m.receiveTimestamp().toUnixNanos(rx);
                remoteRequestReceive = remoteReceive;
                localReceive = rx;
                localTransmit = localTx;
                sampleRootDelay = rootDelay;
                sampleRootDispersion = rootDispersion;
            }
            // intervals and midpoints (chrony's UTI_AverageDiffTimespecs)
            double remoteInterval = SourceStats.seconds(remoteTransmit - remoteReceive);
            double localInterval = SourceStats.seconds(localReceive - localTransmit);
            long remoteAverage = remoteReceive + (remoteTransmit - remoteReceive) / 2;
            long localAverage = localTransmit + (localReceive - localTransmit) / 2;
            double responseTime =
                    Math.abs(SourceStats.seconds(remoteTransmit - remoteRequestReceive));
            double sampleprecision = precision + Math.scalb(1.0, m.precision());
            double signedDelay =
                    interleavedPacket
                            ? Math.abs(localInterval - remoteInterval)
                            : localInterval - remoteInterval;
            double delay = Math.max(sampleprecision, Math.abs(signedDelay));
            double offset = SourceStats.seconds(remoteAverage - localAverage);
            double dispersion =
                    sampleprecision + source.stats().skewForDispersion() * Math.abs(localInterval);
            sample =
                    new Sample(
                            localAverage,
                            offset,
                            delay,
                            dispersion,
                            sampleRootDelay + delay,
                            sampleRootDispersion + dispersion);

            // Test A: chrony's, plus what no honest exchange produces: a negative round trip (the
            // server claims to have held the request longer than it was away), a server that sent
            // before it received, or a reply that came back before the request left
            if (!interleavedPacket && signedDelay < -sampleprecision) {
                why = String.format(Locale.ROOT, "negative delay %.9f s", signedDelay);
            } else if (!interleavedPacket && remoteInterval < -sampleprecision) {
                why = "server transmitted before it received";
            } else if (!interleavedPacket && localInterval < 0) {
                why = "reply before request";
            } else if (delay - dispersion > directive.parameters().maxDelay()
                    || sampleprecision > directive.parameters().maxDelay()) {
                why = String.format(Locale.ROOT, "delay %.6f s above maxdelay", delay);
            } else if (!Double.isFinite(offset)
                    || Math.abs(offset) >= MAX_SANE_OFFSET
                    || localAverage + offset * 1e9 < 0) {
                why = "offset not sane";
            } else if (mode == Mode.CLIENT && responseTime > MAX_SERVER_INTERVAL) {
                why = String.format(Locale.ROOT, "server held the request %.3f s", responseTime);
            } else if (mode == Mode.CLIENT
                    && interleavedPacket
                    && prevLocalTx == 0
                    && localTransmit == localTx) {
                why = "interleaved reply to a basic exchange";
            }
            testA = why == null;
            testB = delayRatioOk(sample);
            if (testA && !testB) {
                why = "delay above maxdelayratio";
            }
            testC = delayDevRatioOk(sample);
            if (testA && testB && !testC) {
                why = "delay above maxdelaydevratio";
            }
            testD = !isLoop(m, rx);
            if (testA && testB && testC && !testD) {
                why = "source synchronised to us";
            }
        } else if (!valid) {
            why =
                    !test1
                            ? "duplicate"
                            : !test2
                                    ? "not an answer to our latest request"
                                    : !test3 ? "zero timestamp" : "not authentic";
        } else if (kiss != null) {
            why = "kiss-o'-death " + kiss;
        } else {
            why =
                    !test6
                            ? "server not synchronised"
                            : !test7 ? "root distance too large" : "no timestamps yet";
        }
        boolean good = testA && testB && testC && testD;

        // keep the timestamps of the latest valid response (and, for peers, of any packet to
        // answer)
        if ((mode == Mode.CLIENT && valid && !validRx)
                || (mode == Mode.ACTIVE
                        && valid
                        && (!validRx || Long.compareUnsigned(remoteNtpTx, msgTx) < 0))) {
            remoteNtpRx = msgRx;
            remoteNtpTx = msgTx;
            localRx = rx;
            validTimestamps = synced;
            initRemoteNtpTx = 0;
            initLocalRx = 0;
            updatedInitTimestamps = false;
            prevLocalTx = interleavedPacket || !good ? localTx : 0;
        } else if (mode == Mode.ACTIVE
                && test1
                && msgTx != 0
                && test5
                && (!updatedInitTimestamps || Long.compareUnsigned(initRemoteNtpTx, msgTx) < 0)) {
            initRemoteNtpTx = msgTx;
            initLocalRx = rx;
            updatedInitTimestamps = true;
        }
        // at most one response per request
        if (validRx) {
            valid = false;
            synced = false;
            good = false;
            if (why == null) {
                why = "a second response to one request";
            }
        } else if (valid) {
            validRx = true;
        }
        if (!good) {
            reject(why);
        }
        if (!valid) {
            return;
        }

        remotePoll = m.poll();
        remoteStratum = m.stratum() != 0 ? Math.min(m.stratum(), 16) : 16;
        remoteRootDelay = rootDelay;
        remoteRootDispersion = rootDispersion;
        prevLocalPoll = localPoll;
        prevTxCount = txCount;
        txCount = 0;
        totalValid++;
        source.updateReachability(synced);
        host.reachabilityUpdated(this, out);
        if (synced) {
            source.updateStatus(m.stratum(), leap);
        }
        if (good) {
            totalGood++;
            if (interleavedPacket) {
                totalInterleaved++;
            }
            lastRejection = "";
            double predicted = source.stats().predictOffset(sample.localTime());
            double errorInEstimate = Math.abs(sample.offset() - predicted);
            source.accumulate(sample);
            host.accumulate(this, sample, out);
            adjustPoll(pollAdjustment(errorInEstimate, sample.dispersion() + 0.5 * sample.delay()));
            if (opmode == OpMode.BURST_WAS_ONLINE || opmode == OpMode.BURST_WAS_OFFLINE) {
                if (--burstGoodLeft <= 0) {
                    if (opmode == OpMode.BURST_WAS_ONLINE) {
                        opmode = OpMode.ONLINE;
                    } else {
                        takeOffline(out);
                    }
                }
            }
        } else {
            // slowly lengthen the poll while no good response comes
            adjustPoll(testD ? 0.02 : 0.1);
        }
        if (kiss == KissCode.DENY || kiss == KissCode.RSTR) {
            if (authenticity == Authenticity.AUTHENTICATED) {
                // RFC 5905 section 7.4: an authenticated refusal ends the association
                out.add(
                        new Action.Demobilize(
                                this, "Received authenticated KoD " + kiss + " from " + name()));
                opmode = OpMode.OFFLINE;
                out.add(new Action.CancelTimer(this));
                return;
            }
            out.add(new Action.Notice("Received KoD " + kiss + " from " + name()));
        }
        if (opmode != OpMode.OFFLINE) {
            double delay = transmitDelay(rx, false);
            if (kiss == KissCode.RATE) {
                out.add(new Action.Notice("Received KoD RATE from " + name()));
                delay += 4 * Math.scalb(1.0, localPoll);
                if (opmode == OpMode.BURST_WAS_ONLINE || opmode == OpMode.BURST_WAS_OFFLINE) {
                    burstGoodLeft = 0;
                }
            }
            restartTimeout(delay, out);
        }
    }

    private enum Authenticity {
        FAILED,
        NONE_NEEDED,
        AUTHENTICATED
    }

    /** Test 5, and for NTS the NAK that asks for new cookies. */
    private Authenticity checkAuth(
            byte[] buf, int off, int len, boolean answersLatest, List<Action> out) {
        return switch (auth) {
            case SourceAuth.None none -> Authenticity.NONE_NEEDED;
            case SourceAuth.Symmetric(SymmetricKey key) ->
                    macValid(key, buf, off, len) ? Authenticity.AUTHENTICATED : Authenticity.FAILED;
            case SourceAuth.Nts(NtsAssociation nts) -> {
                if (pendingNts == null || !answersLatest) {
                    yield Authenticity.FAILED;
                }
                NtsClientResponse.Result r = nts.acceptReply(buf, off, len, pendingNts);
                if (r instanceof NtsClientResponse.Result.Nak) {
                    out.add(new Action.Notice("Received NTS NAK from " + name()));
                    yield Authenticity.FAILED;
                }
                if (r instanceof NtsClientResponse.Result.Verified) {
                    pendingNts = null; // each request's identifier is answered once
                    yield Authenticity.AUTHENTICATED;
                }
                yield Authenticity.FAILED;
            }
        };
    }

    private static boolean macValid(SymmetricKey key, byte[] buf, int off, int len) {
        int trailer = len - NtpHeader.LENGTH;
        if (trailer < MacAlgorithm.NTP_MIN_MAC_LENGTH
                || Bytes.u32(buf, off + NtpHeader.LENGTH) != key.id()) {
            return false;
        }
        int macOff = off + NtpHeader.LENGTH + MacAlgorithm.KEY_ID_LENGTH;
        return NtpMac.verify(
                key,
                NtpHeader.version(buf, off),
                buf,
                off,
                NtpHeader.LENGTH,
                buf,
                macOff,
                off + len - macOff);
    }

    /** Test B ({@code maxdelayratio}). */
    private boolean delayRatioOk(Sample s) {
        double ratio = directive.parameters().maxDelayRatio();
        SourceStats.DelayTestData d = source.stats().delayTestData(s.localTime());
        if (ratio < 1.0 || d == null) {
            return true;
        }
        return s.delay()
                <= d.minDelay() * ratio
                        + d.lastSampleAgo() * (d.skew() + SourceStats.MAX_CLOCK_ERROR);
    }

    /**
     * Test C ({@code maxdelaydevratio}): a rise in delay must be explained by the jitter, or by the
     * offset.
     */
    private boolean delayDevRatioOk(Sample s) {
        SourceStats.DelayTestData d = source.stats().delayTestData(s.localTime());
        if (d == null) {
            return true;
        }
        double maxDelta =
                d.stdDev() * directive.parameters().maxDelayDevRatio()
                        + d.lastSampleAgo() * (d.skew() + SourceStats.MAX_CLOCK_ERROR);
        double delta = (s.delay() - d.minDelay()) / 2.0;
        if (delta <= maxDelta) {
            return true;
        }
        double errorInEstimate = s.offset() - d.predictedOffset();
        return Math.abs(errorInEstimate) - delta > maxDelta;
    }

    /** Test D: the source is us, or follows us (our own reference echoed back). */
    private boolean isLoop(NtpHeader m, long now) {
        Tracking ours = host.reference(now);
        if (ours.stratum() == 0 || ours.refTime() == 0) {
            return false;
        }
        return m.stratum() == ours.stratum()
                && m.referenceId() == ours.refId()
                && m.rootDelay().bits() == NtpShort.ofSeconds(ours.rootDelay()).bits()
                && m.referenceTimestamp().bits() == NtpTimestamp.bitsOfUnixNanos(ours.refTime());
    }

    private void reject(String why) {
        if (why != null) {
            lastRejection = why;
        }
    }

    // ---- what reports read ----

    public SourceDirective directive() {
        return directive;
    }

    /** The name on the source's line (a pool member's address). */
    public String name() {
        return directive.host();
    }

    public Source source() {
        return source;
    }

    public SourceAuth auth() {
        return auth;
    }

    /** The NTS state, or null for a source without {@code nts}. */
    public NtsAssociation nts() {
        return auth instanceof SourceAuth.Nts(NtsAssociation nts) ? nts : null;
    }

    /** Where requests go: the NTS-KE server's Port Negotiation, else the {@code port}. */
    public int ntpPort() {
        return auth instanceof SourceAuth.Nts(NtsAssociation nts)
                ? nts.ntpPort()
                : directive.port();
    }

    /** Where requests go: the NTS-KE server's Server Negotiation, else the line's host. */
    public String ntpServer() {
        return auth instanceof SourceAuth.Nts(NtsAssociation nts)
                ? nts.ntpServer()
                : directive.host();
    }

    public boolean isPeer() {
        return mode == Mode.ACTIVE;
    }

    /** The poll exponent chronyc's {@code sources} shows. */
    public int poll() {
        return transmitPoll();
    }

    public boolean online() {
        return opmode == OpMode.ONLINE || opmode == OpMode.BURST_WAS_ONLINE;
    }

    /** True while a burst ({@code iburst}, {@code burst}) is under way. */
    public boolean bursting() {
        return opmode == OpMode.BURST_WAS_ONLINE || opmode == OpMode.BURST_WAS_OFFLINE;
    }

    /** Whether a poll is due: false once the source is offline. */
    public boolean pollScheduled() {
        return started && opmode != OpMode.OFFLINE;
    }

    public long requestsSent() {
        return totalTx;
    }

    public long packetsReceived() {
        return totalRx;
    }

    /** Responses that passed tests 1-5. */
    public long validResponses() {
        return totalValid;
    }

    /** Responses whose sample was used. */
    public long goodResponses() {
        return totalGood;
    }

    /**
     * Good responses in interleaved mode ({@code xleave}): their T3 is the server's kernel transmit
     * time.
     */
    public long interleavedResponses() {
        return totalInterleaved;
    }

    /** Why the last packet's sample was not used (empty after a good one). */
    public String lastRejection() {
        return lastRejection;
    }

    /** chronyc's {@code sources} line. */
    public SourceReport report(long now) {
        return source.report(now, poll());
    }

    @Override
    public String toString() {
        return "NtpSource[" + directive.toLine() + ", reach " + source.reach() + "]";
    }

    /**
     * chrony's reference id of a source: an IPv4 address itself, otherwise the first four bytes of
     * the MD5 of the address (RFC 5905 section 7.3).
     */
    public static int referenceId(byte[] address) {
        if (address.length == 4) {
            return Bytes.s32(address, 0);
        }
        try {
            byte[] h = java.security.MessageDigest.getInstance("MD5").digest(address);
            return Bytes.s32(h, 0);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is a required JDK algorithm", e);
        }
    }
}
