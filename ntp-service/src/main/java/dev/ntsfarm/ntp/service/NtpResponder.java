package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.config.AccessTable;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.keyfile.KeyFile;
import dev.ntsfarm.core.ntp.ClientRateLimiter;
import dev.ntsfarm.core.ntp.InterleavedTimestamps;
import dev.ntsfarm.core.ntp.NtpClock;
import dev.ntsfarm.core.ntp.ServerState;
import dev.ntsfarm.core.ntp.ServerStateSource;
import dev.ntsfarm.core.ntp.SymmetricKeys;
import dev.ntsfarm.core.ntp.TransmitDelay;
import dev.ntsfarm.core.nts.NtpNtsServer;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.farm.keys.KeyRingSource;
import dev.ntsfarm.socket.TimestampedSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.SocketException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The NTP/NTS responder (DESIGN sections 1, 2 and 8): a thin adapter that owns the UDP sockets and
 * hands every datagram, with its sender and the kernel's receive time, to nts-core's {@link
 * NtpNtsServer#handle} decision, then sends what it decided.
 *
 * <p>One thread and one SO_REUSEPORT socket per core and bound address ({@link
 * NtpOptions#eventLoops()}), so the kernel spreads clients over every core; {@code recvmmsg}/{@code
 * sendmmsg} batches of 16 ({@link TimestampedSocket}). With no {@code bindaddress} it binds {@code
 * ::} as one dual-stack socket set, serving IPv4 and IPv6, or {@code 0.0.0.0} where the host has no
 * IPv6.
 *
 * <p>Timestamps: the receive time is the kernel's (SO_TIMESTAMPING), not one read after the thread
 * woke; the transmit time is read last, just before the send; for clients in interleaved mode
 * (chrony's {@code xleave}) the kernel's transmit time of each reply is read back from the socket's
 * error queue and served in the next one. Counts go to {@link ServerStats}: every datagram is "NTP
 * packets received", every one not answered "NTP packets dropped" (chronyd counts only rate-limit
 * drops there; a farm wants them all), by {@link dev.ntsfarm.core.ntp.DropReason}.
 */
public final class NtpResponder {

    private static final System.Logger LOG = System.getLogger(NtpResponder.class.getName());

    /** chronyd's least advertised poll without {@code ratelimit} ({@code MIN_LIMIT_INTERVAL}). */
    static final int MIN_POLL_WITHOUT_RATELIMIT = -19;

    private final Vertx vertx;
    private final NtpOptions options;
    private final ServerStats stats;
    private final KeyRingSource keyRing;
    private final SyncStateSource sync;
    private final NtpClock clock;
    private final List<ResponderLoop> loops = new ArrayList<>();
    private final ReloadableSymmetricKeys symmetricKeys;
    private volatile int port = -1;
    private volatile int sockets;
    private volatile ClientRateLimiter limiter;

    /** Whether the JIT has seen the path yet: once per process is enough. */
    private static volatile boolean warmedUp;

    private NtpResponder(
            Vertx vertx,
            NtpOptions options,
            ServerStats stats,
            KeyRingSource keyRing,
            SyncStateSource sync,
            NtpClock clock) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.options = Objects.requireNonNull(options, "options");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.keyRing = keyRing;
        this.sync = sync != null ? sync : options.defaultSyncStateSource();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.symmetricKeys =
                new ReloadableSymmetricKeys(
                        options.keyFile()
                                .<SymmetricKeys>map(KeyFileSymmetricKeys::of)
                                .orElse(SymmetricKeys.NONE));
    }

    /**
     * A responder that has not started.
     *
     * @param keyRing the farm's key ring, read once per NTS request (a volatile read that never
     *     blocks); {@code null} to serve no NTS (NTS requests are then dropped, as chronyd does
     *     without keys)
     * @param sync the clock state to serve; {@code null} for {@link
     *     NtpOptions#defaultSyncStateSource()}
     */
    public static NtpResponder create(
            Vertx vertx,
            NtpOptions options,
            ServerStats stats,
            KeyRingSource keyRing,
            SyncStateSource sync) {
        return new NtpResponder(vertx, options, stats, keyRing, sync, SystemNtpClock.INSTANCE);
    }

    /**
     * As {@link #create(Vertx, NtpOptions, ServerStats, KeyRingSource, SyncStateSource)} with the
     * clock passed in.
     */
    public static NtpResponder create(
            Vertx vertx,
            NtpOptions options,
            ServerStats stats,
            KeyRingSource keyRing,
            SyncStateSource sync,
            NtpClock clock) {
        return new NtpResponder(vertx, options, stats, keyRing, sync, clock);
    }

    /** Binds every socket and starts its thread; the future completes with the bound port. */
    public Future<Integer> start() {
        // binding is quick, but the warm-up runs for up to a few seconds: never on an event loop
        return vertx.executeBlocking(this::startNow, false);
    }

    private Integer startNow() throws SocketException {
        List<InetAddress> binds = options.bindAddresses();
        try {
            if (binds.isEmpty()) {
                try {
                    return startOn(List.of(anyAddress(true)));
                } catch (SocketException e) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "cannot bind the IPv6 wildcard ("
                                    + e.getMessage()
                                    + "): serving IPv4 only");
                    closeAll();
                    return startOn(List.of(anyAddress(false)));
                }
            }
            return startOn(binds);
        } catch (SocketException | RuntimeException e) {
            closeAll();
            throw e;
        }
    }

    private int startOn(List<InetAddress> binds) throws SocketException {
        int threads = options.eventLoops();
        NtpNtsServer.Policy policy = policy();
        int perThread =
                options.clientLogLimit() == 0
                        ? 0
                        : Math.max(
                                16,
                                options.clientLogLimit()
                                        / InterleavedTimestamps.BYTES_PER_ENTRY
                                        / (threads * binds.size()));
        if (!warmedUp) {
            ResponderWarmUp.Result w = ResponderWarmUp.run(policy, binds);
            warmedUp = true;
            LOG.log(
                    w.compiled() ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                    "responder path run "
                            + w.decisions()
                            + " times and "
                            + w.roundTrips()
                            + " times through a socket before serving ("
                            + w.millis()
                            + " ms): "
                            + (w.compiled()
                                    ? "the JIT has compiled it"
                                    : "the JIT has not compiled it yet; the threads go on practising while idle"));
        }
        int bound = options.port();
        List<ResponderLoop> made = new ArrayList<>();
        for (InetAddress address : binds) {
            for (int i = 0; i < threads; i++) {
                TimestampedSocket socket = TimestampedSocket.bind(address, bound, SOCKET_OPTIONS);
                bound = socket.port();
                if (socket.receiveTimestamps() == TimestampedSocket.ReceiveTimestamps.NONE
                        && made.isEmpty()) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "the kernel gives no receive timestamps on "
                                    + socket
                                    + ": receive times are read in user space, after the thread wakes");
                }
                NtpNtsServer server = new NtpNtsServer(policy, NonceSource.of(drbg()), perThread);
                made.add(
                        new ResponderLoop(
                                socket,
                                server,
                                clock,
                                "ntp-responder-" + loops.size() + made.size(),
                                practice(policy, address, server.transmitDelay())));
                loops.add(made.getLast());
            }
        }
        for (ResponderLoop l : made) {
            l.start();
        }
        List<ResponderLoop> all = List.copyOf(loops);
        stats.gauge(
                ServerCounter.NTP_TIMESTAMPS_HELD,
                () -> {
                    long n = 0;
                    for (ResponderLoop l : all) {
                        n +=
                                l.server().interleavedTimestamps() == null
                                        ? 0
                                        : l.server().interleavedTimestamps().size();
                    }
                    return n;
                });
        stats.gauge(
                ServerCounter.NTP_TIMESTAMP_SPAN,
                () -> {
                    long span = 0;
                    for (ResponderLoop l : all) {
                        if (l.server().interleavedTimestamps() != null) {
                            span = Math.max(span, l.server().interleavedTimestamps().spanSeconds());
                        }
                    }
                    return span;
                });
        port = bound;
        sockets = made.size();
        TimestampedSocket first = made.getFirst().socket();
        LOG.log(
                System.Logger.Level.INFO,
                "NTP responder listening on "
                        + binds
                        + " port "
                        + bound
                        + " with "
                        + threads
                        + (threads == 1 ? " socket" : " SO_REUSEPORT sockets")
                        + " per address; receive timestamps "
                        + first.receiveTimestamps()
                        + ", transmit timestamps "
                        + (first.transmitTimestamps()
                                ? "SO_TIMESTAMPING (interleaved mode)"
                                : "none"));
        return bound;
    }

    /**
     * A thread's idle practice over loopback of the families a socket bound to {@code bound}
     * serves, measuring that thread's {@code delay}; {@code null} where none binds.
     */
    private static ResponderWarmUp.Practice practice(
            NtpNtsServer.Policy policy, InetAddress bound, TransmitDelay delay) {
        List<InetAddress> loopbacks = ResponderWarmUp.loopbacks(bound);
        try {
            return ResponderWarmUp.Practice.open(policy, loopbacks, delay);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "no idle practice over " + loopbacks + ": " + e);
            return null;
        }
    }

    private NtpNtsServer.Policy policy() {
        AccessTable access = AccessTable.of(options.accessRules());
        ClientRateLimiter limiter =
                options.rateLimit()
                        .map(l -> ClientRateLimiter.of(l, options.rateLimitKod()))
                        .orElse(null);
        SymmetricKeys keys = symmetricKeys;
        int minPoll = options.rateLimit().map(l -> l.interval()).orElse(MIN_POLL_WITHOUT_RATELIMIT);
        this.limiter = limiter;
        return new NtpNtsServer.Policy(
                access,
                limiter,
                keys,
                keyRing == null ? null : keyRing::current,
                new ServedState(sync, minPoll, Precision.VALUE),
                clock,
                stats);
    }

    /**
     * Puts a key file read again (SIGHUP) in force for the next packet; the table is swapped whole.
     */
    public void useKeyFile(KeyFile keyFile) {
        symmetricKeys.use(keyFile);
    }

    /**
     * A responder thread's random source, seeded now: a DRBG seeds itself from the system's entropy
     * on its first use, which took milliseconds inside a fresh farm's first reply.
     */
    static SecureRandom drbg() {
        SecureRandom r;
        try {
            // one DRBG per thread: SecureRandom instances lock, so threads must not share one
            r = SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            r = new SecureRandom();
        }
        r.nextBytes(new byte[16]);
        return r;
    }

    private static InetAddress anyAddress(boolean ipv6) {
        return ipv6 ? Inet6Address.ofLiteral("::") : Inet4Address.ofLiteral("0.0.0.0");
    }

    /** Stops every thread {@link #start()} started and closes its socket. */
    public Future<Void> stop() {
        closeAll();
        return Future.succeededFuture();
    }

    private void closeAll() {
        for (ResponderLoop l : loops) {
            try {
                l.stop(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        loops.clear();
    }

    /** The clock state as reply headers carry it, rebuilt only when the sync state changes. */
    private record Served(SyncState sync, ServerState state) {}

    private static final class ServedState implements ServerStateSource {
        private final SyncStateSource sync;
        private final int minPoll;
        private final int precision;
        private volatile Served served;

        ServedState(SyncStateSource sync, int minPoll, int precision) {
            this.sync = sync;
            this.minPoll = minPoll;
            this.precision = precision;
        }

        @Override
        public ServerState current(long nowNtp) {
            SyncState s = sync.current(nowNtp);
            Served last = served;
            if (last != null && last.sync() == s) {
                return last.state();
            }
            ServerState state =
                    new ServerState(
                            s.leap(),
                            s.wireStratum(),
                            minPoll,
                            precision,
                            s.rootDelay(),
                            s.rootDispersion(),
                            s.referenceId(),
                            s.referenceTimestamp());
            served = new Served(s, state);
            return state;
        }
    }

    /**
     * The clients the rate limiter holds, most recent first, at most {@code max} (chronyc's {@code
     * clients}); empty without {@code ratelimit}. For reports, off the hot path.
     */
    public List<ClientRateLimiter.ClientRecord> clientRecords(int max) {
        ClientRateLimiter l = limiter;
        return l == null ? List.of() : l.records(System.currentTimeMillis() * 1_000_000L, max);
    }

    /** The bound UDP port (the ephemeral one when the options said 0); -1 before start. */
    public int port() {
        return port;
    }

    /** Sockets bound, over every address. */
    public int sockets() {
        return sockets;
    }

    /** Whether the sockets share the port with SO_REUSEPORT (always, on Linux). */
    public boolean reusePort() {
        return true;
    }

    public NtpOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "NtpResponder[port=" + port + ", sockets=" + sockets + "]";
    }

    /**
     * A thread idle this long practises its path ({@link ResponderWarmUp#IDLE_ROUND_TRIPS} round
     * trips).
     */
    static final int IDLE_MILLIS = 50;

    private static final TimestampedSocket.Options SOCKET_OPTIONS =
            TimestampedSocket.Options.DEFAULT.withReceiveTimeoutMillis(IDLE_MILLIS);

    /** The system clock's precision, measured once. */
    private static final class Precision {
        static final int VALUE = SystemNtpClock.measurePrecision();
    }
}
