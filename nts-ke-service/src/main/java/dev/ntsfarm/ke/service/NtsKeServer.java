package dev.ntsfarm.ke.service;

import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.farm.keys.KeyRingSource;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * The NTS-KE service (RFC 8915 section 4): TLS 1.3 only, ALPN {@code ntske/1}, one verticle per
 * event loop on a shared port. Each session reads one request (at most 16 KiB, within 2 s), answers
 * with eight cookies sealed under the farm's current master key, or an Error record, and closes.
 *
 * <p>Limits: at most {@code maxntsconnections} sessions open at once, and with {@code ntsratelimit}
 * a per-address bucket ({@link KeRateLimiter}); a connection over either limit is closed at once
 * and counted as dropped. The rate check runs once TLS is up, since Vert.x hands the connection
 * over after the handshake; the handshake itself is bounded by the session timeout.
 */
public final class NtsKeServer {

    private static final System.Logger LOG = System.getLogger(NtsKeServer.class.getName());

    /** Where an IPv4-and-IPv6 listener binds when no {@code bindaddress} is given. */
    static final String ANY_IPV6 = "::";

    static final String ANY_IPV4 = "0.0.0.0";

    /** Negative ports: Vert.x's key for one random port shared by the servers that name it. */
    private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger();

    private final Vertx vertx;
    private final NtsKeShared shared;
    private final List<String> deployments = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<NtsKeVerticle> verticles = new CopyOnWriteArrayList<>();
    private volatile ServerCertificates.Loaded certificates;

    public NtsKeServer(Vertx vertx, NtsKeOptions options, KeyRingSource keys, ServerStats stats) {
        this(vertx, options, keys, stats, nanos -> {});
    }

    /**
     * @param sessionEnded told each accepted session's length in nanoseconds, from the end of its
     *     TLS handshake to its close (the metrics' {@code nts_ke_session_seconds})
     */
    public NtsKeServer(
            Vertx vertx,
            NtsKeOptions options,
            KeyRingSource keys,
            ServerStats stats,
            LongConsumer sessionEnded) {
        this.vertx = vertx;
        this.shared =
                new NtsKeShared(
                        options,
                        keys,
                        stats,
                        NonceSource.of(new SecureRandom()),
                        new KeExchange.KeServerPolicy(
                                options.aeads(), options.ntpServer(), options.ntpPort()),
                        new AtomicInteger(),
                        options.rateLimit().map(KeRateLimiter::new).orElse(null),
                        sessionEnded);
    }

    /**
     * Binds every listener; completes with the bound port of each, in {@code bindaddress} order
     * (one port for the default IPv4-and-IPv6 listener).
     */
    public Future<List<Integer>> start() {
        NtsKeOptions o = shared.options();
        try {
            certificates = ServerCertificates.load(vertx, o.keyCertPairs());
        } catch (ServerCertificates.Unusable e) {
            return Future.failedFuture(new IllegalStateException(e.getMessage()));
        }
        LOG.log(System.Logger.Level.INFO, "NTS-KE certificates: " + certificates.describe());
        Future<Void> chain = Future.succeededFuture();
        if (o.bindAddresses().isEmpty()) {
            // the IPv6 wildcard takes IPv4 too; a host without IPv6 gets the IPv4 wildcard
            chain = chain.compose(v -> listen(ANY_IPV6).recover(e -> listen(ANY_IPV4)));
        } else {
            for (String host : o.bindAddresses()) {
                chain = chain.compose(v -> listen(host));
            }
        }
        return chain.map(v -> List.copyOf(ports))
                .recover(
                        e ->
                                stop().transform(
                                                x ->
                                                        Future.failedFuture(
                                                                new IllegalStateException(
                                                                        "NTS-KE could not listen on port "
                                                                                + o.port()
                                                                                + ": "
                                                                                + e.getMessage(),
                                                                        e))));
    }

    /**
     * One verticle per event loop on one port. Vert.x shares a listening socket between servers of
     * the same host and port; for "any free port" it shares one random port between servers that
     * ask for the same negative port, so each service takes a negative number of its own.
     */
    private Future<Void> listen(String host) {
        AtomicInteger bound = new AtomicInteger();
        int port =
                shared.options().port() == 0
                        ? -RANDOM_PORT_KEYS.incrementAndGet()
                        : shared.options().port();
        return vertx.deployVerticle(
                        () -> {
                            NtsKeVerticle v =
                                    new NtsKeVerticle(
                                            shared, host, port, bound, certificates.options());
                            verticles.add(v);
                            return v;
                        },
                        new DeploymentOptions().setInstances(shared.options().instances()))
                .map(
                        id -> {
                            deployments.add(id);
                            ports.add(bound.get());
                            return null;
                        });
    }

    /**
     * Reads {@code ntsserverkey}/{@code ntsservercert} again (SIGHUP). When every pair reads and
     * checks, new sessions get the new chains and the sessions in flight finish with the old; when
     * one does not, nothing changes and the future fails with a message that names the file and the
     * fault.
     *
     * @return what is now in use, for the log
     */
    public Future<String> reloadCertificates() {
        ServerCertificates.Loaded fresh;
        try {
            fresh = ServerCertificates.load(vertx, shared.options().keyCertPairs());
        } catch (ServerCertificates.Unusable e) {
            return Future.failedFuture(
                    new IllegalStateException(
                            e.getMessage()
                                    + "; the certificates in use stay: "
                                    + certificates.describe()));
        }
        List<Future<Boolean>> updates = new ArrayList<>();
        for (NtsKeVerticle v : verticles) {
            updates.add(v.useCertificates(fresh.options()));
        }
        return Future.all(updates)
                .map(
                        done -> {
                            certificates = fresh;
                            return fresh.describe();
                        });
    }

    /**
     * Checks one key and certificate-chain pair as start and reload would, without serving anything
     * ({@code ntsfarm validate}).
     *
     * @return what is wrong with it, naming the file and never the key; empty when it would serve
     */
    public static Optional<String> checkPair(Vertx vertx, NtsKeOptions.KeyCertPair pair) {
        try {
            ServerCertificates.load(vertx, List.of(pair));
            return Optional.empty();
        } catch (ServerCertificates.Unusable e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Closes every listener; open sessions end with their connections. */
    public Future<Void> stop() {
        List<Future<Void>> undeploys = new ArrayList<>();
        for (String id : deployments) {
            undeploys.add(vertx.undeploy(id));
        }
        deployments.clear();
        ports.clear();
        verticles.clear();
        return Future.join(undeploys).mapEmpty();
    }

    /** Ports bound by {@link #start()}. */
    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    /** Sessions open now. */
    public int openSessions() {
        return shared.openSessions().get();
    }
}
