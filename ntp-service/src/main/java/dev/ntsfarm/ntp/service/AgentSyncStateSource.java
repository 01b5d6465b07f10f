package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.core.ntp.NtpShort;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.proto.control.v1.AgentLeap;
import dev.ntsfarm.proto.control.v1.AgentSyncStateReply;
import dev.ntsfarm.proto.control.v1.AgentSyncStateRequest;
import dev.ntsfarm.proto.control.v1.ClockSyncStateGrpcClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The clock state served from the host's clock agent: its read-only {@code ClockSyncState} service
 * asked at start and every {@link #DEFAULT_POLL_INTERVAL} on a Vert.x timer, the answer kept as an
 * immutable {@link SyncState} in a volatile field, so {@link #current} is one volatile read that
 * never blocks.
 *
 * <p>The mapping from the agent's {@code AgentSyncStateReply}:
 *
 * <ul>
 *   <li>stratum: served as the agent reports it. The agent's stratum is the host clock's own, its
 *       reference's plus one, as chronyc's {@code tracking} shows it and chronyd serves it (the
 *       agent synchronised to a stratum-1 server reports 2). The responder reads the very clock the
 *       agent disciplines, so it is no further hop: a client of the farm sees what it would see
 *       from chronyd on this host.
 *   <li>reference id: the agent's, as chronyd's ({@code 7F000001} for a source at 127.0.0.1; a hash
 *       of the address for IPv6).
 *   <li>root delay: the agent's. Root dispersion: the agent's as of its last clock update, grown by
 *       {@link #PHI} for every second since that reference time (RFC 5905 section 11.2, as chronyd
 *       grows it in {@code REF_GetReferenceParams}); grown at each poll, so at most one interval
 *       behind.
 *   <li>leap and reference time: the agent's.
 * </ul>
 *
 * <p>An agent that cannot be reached, or says it is unsynchronised (stratum 16 or leap 3), is still
 * served from its last good answer for {@link #DEFAULT_GRACE_POLLS} failed polls (a restart of the
 * agent or one lost call should not flap the farm's stratum); after that, and before the first good
 * answer, the fallback ({@code local stratum N}, or unsynchronised) is served. Finding and losing
 * the agent are logged once each.
 */
public final class AgentSyncStateSource implements SyncStateSource {

    private static final System.Logger LOG = System.getLogger(AgentSyncStateSource.class.getName());

    /** How often the agent is asked. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);

    /** Failed polls in a row after which the last good answer is no longer served. */
    public static final int DEFAULT_GRACE_POLLS = 3;

    /**
     * How long one call may take, connecting included; a slow call delays the next poll (they never
     * overlap) and counts as a failed one.
     */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);

    /**
     * RFC 5905's frequency tolerance PHI, 15 ppm: how fast dispersion grows after the reference
     * time.
     */
    public static final double PHI = 15e-6;

    private final Vertx vertx;
    private final ClockAgentEndpoint endpoint;
    private final SyncStateSource fallback;
    private final Duration interval;
    private final int gracePolls;

    /** What the agent's last good answer makes of the clock; null while the fallback is served. */
    private volatile SyncState fromAgent;

    // the rest is touched only on the poller's context
    private Context context;
    private GrpcClient grpc;
    private ClockSyncStateGrpcClient client;
    private long timer = -1;
    private boolean polling;
    private boolean stopped;
    private AgentSyncStateReply lastGood;
    private int misses;
    private String lastMiss;

    private AgentSyncStateSource(
            Vertx vertx,
            ClockAgentEndpoint endpoint,
            SyncStateSource fallback,
            Duration interval,
            int gracePolls) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.interval = Objects.requireNonNull(interval, "interval");
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException(
                    "poll interval " + interval + " (expected: >= 1 ms)");
        }
        if (gracePolls < 1) {
            throw new IllegalArgumentException("grace polls " + gracePolls + " (expected: >= 1)");
        }
        this.gracePolls = gracePolls;
    }

    /**
     * A source asking the agent at {@code endpoint} every {@link #DEFAULT_POLL_INTERVAL}.
     *
     * @param fallback what to serve without the agent: {@link NtpOptions#defaultSyncStateSource()}
     */
    public static AgentSyncStateSource create(
            Vertx vertx, ClockAgentEndpoint endpoint, SyncStateSource fallback) {
        return create(vertx, endpoint, fallback, DEFAULT_POLL_INTERVAL, DEFAULT_GRACE_POLLS);
    }

    /**
     * As {@link #create(Vertx, ClockAgentEndpoint, SyncStateSource)} with the poll interval and
     * grace given.
     */
    public static AgentSyncStateSource create(
            Vertx vertx,
            ClockAgentEndpoint endpoint,
            SyncStateSource fallback,
            Duration interval,
            int gracePolls) {
        return new AgentSyncStateSource(vertx, endpoint, fallback, interval, gracePolls);
    }

    /**
     * Asks the agent once and then on a timer; completes when the first answer (or failure) is in,
     * so a responder started afterwards serves the agent's state from its first reply. Never fails:
     * without an agent the fallback is served.
     */
    public Future<Void> start() {
        Promise<Void> first = Promise.promise();
        context = vertx.getOrCreateContext();
        context.runOnContext(
                v -> {
                    long millis = interval.toMillis();
                    long callTimeout = CALL_TIMEOUT.toMillis();
                    grpc =
                            GrpcClient.client(
                                    vertx,
                                    new GrpcClientOptions()
                                            .setTimeout((int) callTimeout)
                                            .setTimeoutUnit(TimeUnit.MILLISECONDS)
                                            .setScheduleDeadlineAutomatically(true),
                                    new HttpClientOptions()
                                            .setProtocolVersion(HttpVersion.HTTP_2)
                                            .setHttp2ClearTextUpgrade(false)
                                            .setConnectTimeout((int) callTimeout));
                    client =
                            ClockSyncStateGrpcClient.create(
                                    grpc,
                                    SocketAddress.inetSocketAddress(
                                            endpoint.port(), endpoint.host()));
                    poll(callTimeout).onComplete(ar -> first.complete());
                    timer = vertx.setPeriodic(millis, millis, id -> poll(callTimeout));
                });
        return first.future();
    }

    /** Cancels the timer and closes the gRPC client; the fallback is served from then on. */
    public Future<Void> stop() {
        if (context == null) {
            return Future.succeededFuture();
        }
        Promise<Void> done = Promise.promise();
        context.runOnContext(
                v -> {
                    stopped = true;
                    fromAgent = null;
                    if (timer >= 0) {
                        vertx.cancelTimer(timer);
                        timer = -1;
                    }
                    if (grpc != null) {
                        grpc.close().onComplete(ar -> done.complete());
                        grpc = null;
                    } else {
                        done.complete();
                    }
                });
        return done.future();
    }

    @Override
    public SyncState current(long nowNtp) {
        SyncState s = fromAgent;
        return s != null ? s : fallback.current(nowNtp);
    }

    /**
     * Whether the agent's state is what is served now (it answered synchronised within the grace).
     */
    public boolean agentInUse() {
        return fromAgent != null;
    }

    public ClockAgentEndpoint endpoint() {
        return endpoint;
    }

    private Future<Void> poll(long callTimeout) {
        if (polling || stopped) {
            return Future.succeededFuture();
        }
        polling = true;
        return client.syncState(AgentSyncStateRequest.getDefaultInstance())
                .timeout(callTimeout + 250, TimeUnit.MILLISECONDS)
                .transform(
                        ar -> {
                            polling = false;
                            if (stopped) {
                                return Future.succeededFuture();
                            }
                            if (ar.failed()) {
                                miss("unreachable (" + why(ar.cause()) + ")");
                            } else if (!synchronised(ar.result())) {
                                miss("not synchronised");
                            } else {
                                good(ar.result());
                            }
                            return Future.succeededFuture();
                        });
    }

    private void good(AgentSyncStateReply reply) {
        boolean found = fromAgent == null;
        lastGood = reply;
        misses = 0;
        lastMiss = null;
        fromAgent = toSyncState(reply, System.currentTimeMillis() * 1_000_000L);
        if (found) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "clock agent at "
                            + endpoint
                            + " found: serving stratum "
                            + reply.getStratum()
                            + ", reference id "
                            + String.format("%08X", reply.getReferenceId()));
        }
    }

    private void miss(String why) {
        misses++;
        if (lastGood == null) {
            // never found (or lost and not back): the fallback is served already; say so once per
            // reason
            if (!why.equals(lastMiss)) {
                LOG.log(
                        System.Logger.Level.DEBUG,
                        "clock agent at " + endpoint + " " + why + ": serving " + fallbackName());
            }
            lastMiss = why;
            return;
        }
        if (misses < gracePolls) {
            // within the grace: the last good answer still stands, its dispersion growing
            fromAgent = toSyncState(lastGood, System.currentTimeMillis() * 1_000_000L);
            return;
        }
        lastGood = null;
        lastMiss = why;
        fromAgent = null;
        LOG.log(
                System.Logger.Level.WARNING,
                "clock agent at "
                        + endpoint
                        + " lost ("
                        + why
                        + " for "
                        + misses
                        + " polls): serving "
                        + fallbackName());
    }

    private String fallbackName() {
        return fallback instanceof SyncStateSource.LocalReference l
                ? "local stratum " + l.stratum()
                : "unsynchronised";
    }

    private static String why(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** Whether the agent has time to serve: stratum 1 to 15 and a leap indicator other than 3. */
    static boolean synchronised(AgentSyncStateReply r) {
        return r.getStratum() >= 1
                && r.getStratum() < SyncState.MAX_STRATUM
                && r.getLeap() != AgentLeap.AGENT_LEAP_NOT_SYNCHRONISED
                && r.getLeap() != AgentLeap.UNRECOGNIZED;
    }

    /**
     * The state to serve from a synchronised reply, its root dispersion grown to {@code
     * nowUnixNanos}.
     */
    static SyncState toSyncState(AgentSyncStateReply r, long nowUnixNanos) {
        long refNanos = r.getReferenceTimeUnixNanos();
        double age = refNanos > 0 ? Math.max(0, (nowUnixNanos - refNanos) / 1e9) : 0;
        double dispersion = Math.max(0, r.getRootDispersion()) + PHI * age;
        return new SyncState(
                LeapIndicator.of(r.getLeapValue()),
                r.getStratum(),
                r.getReferenceId(),
                refNanos > 0 ? NtpTimestamp.ofUnixNanos(refNanos) : NtpTimestamp.ZERO,
                NtpShort.ofSeconds(r.getRootDelay()),
                NtpShort.ofSeconds(dispersion));
    }

    @Override
    public String toString() {
        return "AgentSyncStateSource["
                + endpoint
                + ", "
                + (fromAgent != null ? "agent" : fallbackName())
                + "]";
    }
}
