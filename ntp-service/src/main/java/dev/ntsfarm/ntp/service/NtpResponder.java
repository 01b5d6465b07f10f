package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.config.AccessTable;
import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.farm.keys.KeyRingSource;
import dev.ntsfarm.core.ntp.NtpClock;
import dev.ntsfarm.core.keyfile.KeyFile;
import dev.ntsfarm.core.ntp.SymmetricKeys;
import dev.ntsfarm.core.stats.ServerStats;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The NTP/NTS responder (DESIGN sections 1, 2 and 8): a thin Vert.x adapter that owns the UDP sockets
 * and hands every datagram to nts-core's {@link dev.ntsfarm.core.nts.NtsResponder#handle} decision.
 *
 * <p>With the native epoll transport it binds one SO_REUSEPORT socket per event loop
 * ({@link NtpOptions#eventLoops()}), so the kernel spreads clients over every core; without it
 * (another OS, or the native library missing) it binds one socket and says so in the log. With no
 * {@code bindaddress} it binds {@code ::} as one dual-stack socket set, serving IPv4 and IPv6, or
 * {@code 0.0.0.0} where the host has no IPv6.
 *
 * <p>Per datagram: receive time read first; size, {@code allow}/{@code deny} and {@code ratelimit}
 * checked; then the decision (plain mode 3 to 4, symmetric-key MAC, or NTS with a NAK for a cookie that
 * will not open), whose transmit timestamp is read last inside it; then the send. The hot path never
 * blocks; counts go to {@link ServerStats}: every datagram is "NTP packets received", every one not
 * answered "NTP packets dropped" (chronyd counts only rate-limit drops there; a farm wants them all).
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
    private final List<String> deployments = new ArrayList<>();
    private final ReloadableSymmetricKeys symmetricKeys;
    private volatile int port = -1;
    private volatile int sockets;
    private volatile boolean reusePort;

    private NtpResponder(Vertx vertx, NtpOptions options, ServerStats stats, KeyRingSource keyRing,
                         SyncStateSource sync, NtpClock clock) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.options = Objects.requireNonNull(options, "options");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.keyRing = keyRing;
        this.sync = sync != null ? sync : options.defaultSyncStateSource();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.symmetricKeys = new ReloadableSymmetricKeys(
                options.keyFile().<SymmetricKeys>map(KeyFileSymmetricKeys::of).orElse(SymmetricKeys.NONE));
    }

    /**
     * A responder that has not started.
     *
     * @param keyRing the farm's key ring, read once per NTS request (a volatile read that never blocks);
     *                {@code null} to serve no NTS (NTS requests are then dropped, as chronyd does without keys)
     * @param sync    the clock state to serve; {@code null} for {@link NtpOptions#defaultSyncStateSource()}
     */
    public static NtpResponder create(Vertx vertx, NtpOptions options, ServerStats stats,
                                      KeyRingSource keyRing, SyncStateSource sync) {
        return new NtpResponder(vertx, options, stats, keyRing, sync, SystemNtpClock.INSTANCE);
    }

    /** As {@link #create(Vertx, NtpOptions, ServerStats, KeyRingSource, SyncStateSource)} with the clock passed in. */
    public static NtpResponder create(Vertx vertx, NtpOptions options, ServerStats stats,
                                      KeyRingSource keyRing, SyncStateSource sync, NtpClock clock) {
        return new NtpResponder(vertx, options, stats, keyRing, sync, clock);
    }

    /** Vert.x options the responder wants: the native transport, and an event loop per socket. */
    public static VertxOptions vertxOptions(NtpOptions options) {
        return new VertxOptions()
                .setPreferNativeTransport(true)
                .setEventLoopPoolSize(Math.max(options.eventLoops(), VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE));
    }

    /** Binds every socket; the future completes with the bound port when all are listening. */
    public Future<Integer> start() {
        boolean nativeTransport = vertx.isNativeTransportEnabled();
        int loops = nativeTransport ? options.eventLoops() : 1;
        if (!nativeTransport) {
            Throwable why = vertx.unavailableNativeTransportCause();
            LOG.log(System.Logger.Level.WARNING, "native epoll transport unavailable ("
                    + (why != null ? why.getMessage() : "not preferred by this Vert.x instance")
                    + "): one NTP socket without SO_REUSEPORT, on one event loop");
        }
        reusePort = nativeTransport;
        List<InetAddress> binds = options.bindAddresses();
        if (binds.isEmpty()) {
            return startOn(List.of(anyAddress(true)), loops)
                    .recover(e -> {
                        LOG.log(System.Logger.Level.WARNING, "cannot bind the IPv6 wildcard (" + e.getMessage()
                                + "): serving IPv4 only");
                        return stop().compose(v -> startOn(List.of(anyAddress(false)), loops));
                    });
        }
        return startOn(binds, loops);
    }

    private Future<Integer> startOn(List<InetAddress> binds, int loops) {
        ResponderShared shared = shared(binds);
        ResponderLoop first = new ResponderLoop(shared, options.port());
        return vertx.deployVerticle(first).compose(id -> {
            deployments.add(id);
            int bound = first.boundPort();
            if (loops == 1) {
                return Future.succeededFuture(bound);
            }
            return vertx.deployVerticle(() -> new ResponderLoop(shared, bound),
                            new DeploymentOptions().setInstances(loops - 1))
                    .map(id2 -> {
                        deployments.add(id2);
                        return bound;
                    });
        }).onSuccess(p -> {
            port = p;
            sockets = loops * binds.size();
            LOG.log(System.Logger.Level.INFO, "NTP responder listening on " + binds + " port " + p + " with "
                    + loops + (loops == 1 ? " socket" : " SO_REUSEPORT sockets") + " per address");
        });
    }

    private ResponderShared shared(List<InetAddress> binds) {
        AccessTable access = AccessTable.of(options.accessRules());
        ClientRateLimiter limiter = options.rateLimit()
                .map(l -> ClientRateLimiter.of(l, options.rateLimitKod())).orElse(null);
        SymmetricKeys keys = symmetricKeys;
        KeyRingSource ring = keyRing != null ? keyRing : unopenableRing();
        int minPoll = options.rateLimit().map(l -> l.interval()).orElse(MIN_POLL_WITHOUT_RATELIMIT);
        return new ResponderShared(binds, reusePort, access, limiter, keys, ring, keyRing != null, sync, clock,
                stats, minPoll, Precision.VALUE);
    }

    /** A ring under a random secret nobody holds, for a responder without farm keys: no cookie opens. */
    /** Puts a key file read again (SIGHUP) in force for the next packet; the table is swapped whole. */
    public void useKeyFile(KeyFile keyFile) {
        symmetricKeys.use(keyFile);
    }

    private static KeyRingSource unopenableRing() {
        SecureRandom r = new SecureRandom();
        byte[] secret = new byte[FarmSecret.MIN_LENGTH];
        byte[] seed = new byte[32];
        r.nextBytes(secret);
        r.nextBytes(seed);
        MasterKeyRing ring = MasterKeyRing.of(FarmSecret.of(secret), 0, Map.of(0L, seed));
        return KeyRingSource.of(ring);
    }

    private static InetAddress anyAddress(boolean ipv6) {
        return ipv6 ? Inet6Address.ofLiteral("::") : Inet4Address.ofLiteral("0.0.0.0");
    }

    /** Closes every socket {@link #start()} opened. */
    public Future<Void> stop() {
        List<Future<Void>> undeploying = new ArrayList<>();
        for (String id : deployments) {
            undeploying.add(vertx.undeploy(id));
        }
        deployments.clear();
        return Future.join(undeploying).mapEmpty();
    }

    /** The bound UDP port (the ephemeral one when the options said 0); -1 before start. */
    public int port() {
        return port;
    }

    /** Sockets bound, over every address. */
    public int sockets() {
        return sockets;
    }

    /** Whether the sockets share the port with SO_REUSEPORT (native transport). */
    public boolean reusePort() {
        return reusePort;
    }

    public NtpOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "NtpResponder[port=" + port + ", sockets=" + sockets + ", reusePort=" + reusePort + "]";
    }

    /** The system clock's precision, measured once. */
    private static final class Precision {
        static final int VALUE = SystemNtpClock.measurePrecision();
    }
}
