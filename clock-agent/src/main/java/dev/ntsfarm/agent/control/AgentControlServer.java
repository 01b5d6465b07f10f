package dev.ntsfarm.agent.control;

import dev.ntsfarm.agent.Agent;
import dev.ntsfarm.agent.AgentConfig;
import dev.ntsfarm.agent.Tracking;
import dev.ntsfarm.core.clock.ClockControl;
import dev.ntsfarm.agent.nts.NtsAssociation;
import dev.ntsfarm.agent.source.NtpSource;
import dev.ntsfarm.core.clock.SourceReport;
import dev.ntsfarm.core.clock.SourceState;
import dev.ntsfarm.core.clock.SourceStatsReport;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.config.SourceDirective;
import dev.ntsfarm.core.keyfile.MacAlgorithm;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.proto.control.v1.AgentActivityReply;
import dev.ntsfarm.proto.control.v1.AgentActivityRequest;
import dev.ntsfarm.proto.control.v1.AgentAddSourceRequest;
import dev.ntsfarm.proto.control.v1.AgentAuthData;
import dev.ntsfarm.proto.control.v1.AgentAuthDataReply;
import dev.ntsfarm.proto.control.v1.AgentAuthMode;
import dev.ntsfarm.proto.control.v1.AgentCommandReply;
import dev.ntsfarm.proto.control.v1.AgentLeap;
import dev.ntsfarm.proto.control.v1.AgentMakeStepRequest;
import dev.ntsfarm.proto.control.v1.AgentSource;
import dev.ntsfarm.proto.control.v1.AgentSourceMode;
import dev.ntsfarm.proto.control.v1.AgentSourceSelector;
import dev.ntsfarm.proto.control.v1.AgentSourceState;
import dev.ntsfarm.proto.control.v1.AgentSourceStats;
import dev.ntsfarm.proto.control.v1.AgentSourceStatsReply;
import dev.ntsfarm.proto.control.v1.AgentSourcesReply;
import dev.ntsfarm.proto.control.v1.AgentSourcesRequest;
import dev.ntsfarm.proto.control.v1.AgentSyncStateReply;
import dev.ntsfarm.proto.control.v1.AgentSyncStateRequest;
import dev.ntsfarm.proto.control.v1.AgentTrackingReply;
import dev.ntsfarm.proto.control.v1.AgentTrackingRequest;
import dev.ntsfarm.proto.control.v1.AgentWaitSyncReply;
import dev.ntsfarm.proto.control.v1.AgentWaitSyncRequest;
import dev.ntsfarm.proto.control.v1.ClockAgentGrpcService;
import dev.ntsfarm.proto.control.v1.ClockAgentService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The agent's control endpoint: gRPC over cleartext HTTP/2 on {@code cmdport}, bound to the
 * {@code bindcmdaddress} addresses (loopback by default). Replies carry what chronyc prints.
 */
public final class AgentControlServer extends ClockAgentService {

    /** chronyc's waitsync interval. */
    public static final double DEFAULT_WAITSYNC_INTERVAL = 10;

    private final Vertx vertx;
    private final Agent agent;
    private final ClockControl clock;
    private final AgentConfig config;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private volatile int port = -1;

    public AgentControlServer(Vertx vertx, Agent agent, ClockControl clock, AgentConfig config) {
        this.vertx = vertx;
        this.agent = agent;
        this.clock = clock;
        this.config = config;
    }

    /**
     * Listens on every address; a failure on one (for example no IPv6 on ::1) is tolerated when
     * another listens, as chronyd does. {@code cmdport 0} disables the endpoint.
     */
    public Future<Void> start() {
        if (config.cmdPort() == 0) {
            return Future.succeededFuture();
        }
        GrpcServer grpc = GrpcServer.server(vertx);
        grpc.addService(ClockAgentGrpcService.of(this));
        List<String> addrs = config.bindCmdAddresses();
        Future<Void> chain = listen(grpc, addrs.getFirst(), config.cmdPort());
        List<Throwable> errors = new ArrayList<>();
        for (String a : addrs.subList(1, addrs.size())) {
            chain = chain.transform(ar -> {
                if (ar.failed()) {
                    errors.add(ar.cause());
                }
                return listen(grpc, a, config.cmdPort());
            });
        }
        return chain.transform(ar -> {
            if (ar.failed()) {
                errors.add(ar.cause());
            }
            return servers.isEmpty() ? Future.failedFuture(errors.getFirst()) : Future.succeededFuture();
        });
    }

    private Future<Void> listen(GrpcServer grpc, String host, int p) {
        return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(p)).requestHandler(grpc).listen()
                .recover(e -> Future.failedFuture(new java.io.IOException("cannot listen on "
                        + (host.contains(":") ? "[" + host + "]" : host) + ":" + p + ": " + e.getMessage(), e)))
                .map(s -> {
                    servers.add(s);
                    port = s.actualPort();
                    return null;
                });
    }

    public Future<Void> stop() {
        List<Future<Void>> closing = servers.stream().map(HttpServer::close).toList();
        servers.clear();
        return Future.join(closing).mapEmpty();
    }

    /** The port listened on, -1 when not listening. */
    public int port() {
        return port;
    }

    // ---- reports ----

    static AgentLeap leap(LeapIndicator l) {
        return switch (l) {
            case NO_WARNING -> AgentLeap.AGENT_LEAP_NORMAL;
            case INSERT_SECOND -> AgentLeap.AGENT_LEAP_INSERT_SECOND;
            case DELETE_SECOND -> AgentLeap.AGENT_LEAP_DELETE_SECOND;
            case UNSYNCHRONIZED -> AgentLeap.AGENT_LEAP_NOT_SYNCHRONISED;
        };
    }

    AgentTrackingReply trackingReply() {
        dev.ntsfarm.core.clock.Tracking t = agent.trackingReport();
        // the proto's signs: system time and last offset positive when the clock is behind
        return AgentTrackingReply.newBuilder().setReferenceId(t.refId()).setReferenceName(t.refName())
                .setStratum(t.stratum()).setReferenceTimeUnixNanos(t.refTime())
                .setSystemTime(t.systemTime()).setLastOffset(-t.lastOffset()).setRmsOffset(t.rmsOffset())
                .setFrequencyPpm(t.frequencyPpm()).setResidualFrequencyPpm(t.residualFreqPpm())
                .setSkewPpm(t.skewPpm()).setRootDelay(t.rootDelay()).setRootDispersion(t.rootDispersion())
                .setUpdateInterval(t.updateInterval()).setLeapValue(t.leap().indicator()).build();
    }

    @Override
    public Future<AgentTrackingReply> tracking(AgentTrackingRequest request) {
        return Future.succeededFuture(trackingReply());
    }

    @Override
    public Future<AgentSourcesReply> sources(AgentSourcesRequest request) {
        AgentSourcesReply.Builder b = AgentSourcesReply.newBuilder();
        List<NtpSource> sources = agent.sources();
        List<SourceReport> reports = agent.sourceReports();
        for (int i = 0; i < Math.min(sources.size(), reports.size()); i++) {
            NtpSource s = sources.get(i);
            SourceReport r = reports.get(i);
            if (r == null) {
                continue;
            }
            b.addSources(AgentSource.newBuilder().setName(s.name()).setAddress(s.addressText())
                    .setMode(r.mode() == SourceReport.MODE_PEER ? AgentSourceMode.AGENT_MODE_PEER
                            : AgentSourceMode.AGENT_MODE_SERVER)
                    .setState(state(r.state())).setStratum(r.stratum()).setPoll(r.poll()).setReach(r.reach().bits())
                    .setLastRxSeconds(r.lastRx()).setHasSample(r.lastRx() >= 0)
                    .setAdjustedOffset(-r.lastSample()).setMeasuredOffset(-r.lastSampleOriginal())
                    .setErrorBound(r.lastSampleError()));
        }
        return Future.succeededFuture(b.build());
    }

    private static AgentSourceState state(SourceState s) {
        return switch (s) {
            case SELECTED -> AgentSourceState.AGENT_STATE_SELECTED;
            case COMBINED -> AgentSourceState.AGENT_STATE_COMBINED;
            case NOT_COMBINED -> AgentSourceState.AGENT_STATE_NOT_COMBINED;
            case UNUSABLE -> AgentSourceState.AGENT_STATE_UNUSABLE;
            case FALSETICKER -> AgentSourceState.AGENT_STATE_FALSETICKER;
            case JITTERY -> AgentSourceState.AGENT_STATE_JITTERY;
        };
    }

    @Override
    public Future<AgentSourceStatsReply> sourceStats(AgentSourcesRequest request) {
        AgentSourceStatsReply.Builder b = AgentSourceStatsReply.newBuilder();
        List<NtpSource> sources = agent.sources();
        List<SourceStatsReport> reports = agent.sourceStatsReports();
        for (int i = 0; i < Math.min(sources.size(), reports.size()); i++) {
            SourceStatsReport r = reports.get(i);
            if (r == null) {
                continue;
            }
            b.addSources(AgentSourceStats.newBuilder().setName(sources.get(i).name())
                    .setAddress(sources.get(i).addressText()).setSamples(r.samples()).setRuns(r.runs())
                    .setSpanSeconds(r.span()).setFrequencyPpm(r.frequencyPpm()).setSkewPpm(r.skewPpm())
                    .setOffset(r.offset()).setStdDev(r.stdDev()));
        }
        return Future.succeededFuture(b.build());
    }

    @Override
    public Future<AgentAuthDataReply> authData(AgentSourcesRequest request) {
        long nowSec = clock.readTime() / 1_000_000_000L;
        AgentAuthDataReply.Builder b = AgentAuthDataReply.newBuilder();
        for (NtpSource s : agent.sources()) {
            AgentAuthData.Builder a = AgentAuthData.newBuilder().setName(s.name()).setAddress(s.addressText());
            NtsAssociation nts = s.nts();
            if (nts != null) {
                a.setMode(AgentAuthMode.AGENT_AUTH_NTS).setKeyId(nts.contextId())
                        .setLastSeconds(nts.keUnixSeconds() == Long.MIN_VALUE ? -1 : nowSec - nts.keUnixSeconds())
                        .setAttempts(nts.failedAttempts()).setNaks(nts.naks()).setCookies(nts.cookies())
                        .setCookieLength(nts.cookieLength());
                if (nts.keys() != null) {
                    a.setType(nts.keys().algorithm().id()).setKeyLength(nts.keys().algorithm().keyLength() * 8);
                }
            } else if (s.key() != null) {
                MacAlgorithm alg = s.key().algorithm();
                a.setMode(AgentAuthMode.AGENT_AUTH_SYMMETRIC).setKeyId(s.key().id()).setType(hashType(alg))
                        .setKeyLength((alg.isCmac() ? alg.cmacKeyLength() : s.key().keyLength()) * 8);
            } else {
                a.setMode(AgentAuthMode.AGENT_AUTH_NONE);
            }
            b.addSources(a);
        }
        return Future.succeededFuture(b.build());
    }

    /** chronyc's Type column for symmetric keys: chrony's hash numbering (HSH_MD5 = 1, ...), CMAC 13/14. */
    static int hashType(MacAlgorithm alg) {
        return switch (alg.chronyName()) {
            case "MD5" -> 1;
            case "SHA1" -> 2;
            case "SHA256" -> 3;
            case "SHA384" -> 4;
            case "SHA512" -> 5;
            case "SHA3-224" -> 6;
            case "SHA3-256" -> 7;
            case "SHA3-384" -> 8;
            case "SHA3-512" -> 9;
            case "AES128" -> 13;
            case "AES256" -> 14;
            default -> 0;
        };
    }

    @Override
    public Future<AgentActivityReply> activity(AgentActivityRequest request) {
        int on = 0;
        int off = 0;
        int burstOn = 0;
        for (NtpSource s : agent.sources()) {
            if (agent.bursting(s)) {
                burstOn++;
            } else if (s.online()) {
                on++;
            } else {
                off++;
            }
        }
        return Future.succeededFuture(AgentActivityReply.newBuilder().setOnline(on).setOffline(off)
                .setBurstOnline(burstOn).build());
    }

    @Override
    public Future<AgentWaitSyncReply> waitSync(AgentWaitSyncRequest request) {
        Promise<AgentWaitSyncReply> p = Promise.promise();
        double interval = request.getInterval() > 0 ? request.getInterval() : DEFAULT_WAITSYNC_INTERVAL;
        int[] tries = {0};
        Runnable check = new Runnable() {
            @Override
            public void run() {
                tries[0]++;
                AgentTrackingReply t = trackingReply();
                double correction = Math.abs(t.getSystemTime()) + t.getRootDelay() / 2 + t.getRootDispersion();
                boolean ok = t.getLeap() != AgentLeap.AGENT_LEAP_NOT_SYNCHRONISED && t.getReferenceId() != 0
                        && (request.getMaxCorrection() <= 0 || correction <= request.getMaxCorrection())
                        && (request.getMaxSkewPpm() <= 0 || t.getSkewPpm() <= request.getMaxSkewPpm());
                if (ok || (request.getMaxTries() > 0 && tries[0] >= request.getMaxTries())) {
                    p.complete(AgentWaitSyncReply.newBuilder().setSynchronised(ok).setTries(tries[0]).setTracking(t)
                            .build());
                } else {
                    vertx.setTimer(Math.max(1, Math.round(interval * 1000)), id -> run());
                }
            }
        };
        check.run();
        return p.future();
    }

    @Override
    public Future<AgentCommandReply> makeStep(AgentMakeStepRequest request) {
        if (request.getThreshold() > 0 || request.getLimit() != 0) {
            return Future.succeededFuture(reply(false, "makestep THRESHOLD LIMIT at run time is not supported; "
                    + "set it with the makestep directive"));
        }
        // chronyc makestep: step away whatever correction is still being slewed
        double pending = clock.pendingSlew();
        if (pending != 0) {
            clock.slewOffset(-pending);
            clock.stepOffset(pending);
        }
        return Future.succeededFuture(reply(true, "200 OK"));
    }

    @Override
    public Future<AgentCommandReply> burst(AgentSourceSelector request) {
        List<NtpSource> sel = select(request);
        sel.forEach(agent::burst);
        return Future.succeededFuture(sel.isEmpty() ? reply(false, "no such source") : reply(true, "200 OK"));
    }

    @Override
    public Future<AgentCommandReply> online(AgentSourceSelector request) {
        List<NtpSource> sel = select(request);
        sel.forEach(s -> vertx.runOnContext(v -> s.setOnline(true)));
        return Future.succeededFuture(sel.isEmpty() ? reply(false, "no such source") : reply(true, "200 OK"));
    }

    @Override
    public Future<AgentCommandReply> offline(AgentSourceSelector request) {
        List<NtpSource> sel = select(request);
        sel.forEach(s -> vertx.runOnContext(v -> s.setOnline(false)));
        return Future.succeededFuture(sel.isEmpty() ? reply(false, "no such source") : reply(true, "200 OK"));
    }

    private List<NtpSource> select(AgentSourceSelector request) {
        String a = request.getAddress();
        return agent.sources().stream()
                .filter(s -> a.isEmpty() || s.addressText().equals(a) || s.name().equals(a)).toList();
    }

    @Override
    public Future<AgentCommandReply> addSource(AgentAddSourceRequest request) {
        ConfigResult r = Config.parse("add command", request.getDirective());
        if (r instanceof ConfigResult.Invalid inv) {
            return Future.succeededFuture(reply(false, inv.errors().getFirst().toString()));
        }
        Config c = ((ConfigResult.Parsed) r).config();
        List<SourceDirective> sources;
        try {
            sources = c.sources();
        } catch (ConfigException e) {
            return Future.succeededFuture(reply(false, e.getMessage()));
        }
        if (sources.size() != 1 || c.directives().size() != 1) {
            return Future.succeededFuture(reply(false, "expected one server, pool or peer directive"));
        }
        return agent.addSource(sources.getFirst()).map(v -> reply(true, "200 OK"))
                .recover(e -> Future.succeededFuture(reply(false, e.getMessage())));
    }

    @Override
    public Future<AgentCommandReply> deleteSource(AgentSourceSelector request) {
        if (request.getAddress().isEmpty()) {
            return Future.succeededFuture(reply(false, "expected an address"));
        }
        return agent.deleteSource(request.getAddress())
                .map(found -> found ? reply(true, "200 OK") : reply(false, "no such source"));
    }

    @Override
    public Future<AgentSyncStateReply> syncState(AgentSyncStateRequest request) {
        Tracking t = agent.tracking();
        AgentSyncStateReply.Builder b = AgentSyncStateReply.newBuilder();
        if (!t.synchronised()) {
            b.setStratum(16).setLeap(AgentLeap.AGENT_LEAP_NOT_SYNCHRONISED);
        } else {
            b.setStratum(t.stratum()).setReferenceId(t.referenceId()).setRootDelay(t.rootDelay())
                    .setRootDispersion(t.rootDispersion()).setLeap(leap(t.leap()))
                    .setReferenceTimeUnixNanos(t.referenceTimeUnixNanos());
        }
        return Future.succeededFuture(b.build());
    }

    private static AgentCommandReply reply(boolean ok, String message) {
        return AgentCommandReply.newBuilder().setOk(ok).setMessage(message).build();
    }
}
