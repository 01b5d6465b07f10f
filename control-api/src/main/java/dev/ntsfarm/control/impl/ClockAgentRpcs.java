package dev.ntsfarm.control.impl;

import dev.ntsfarm.control.ClockAgentControl;
import dev.ntsfarm.control.ControlException;
import dev.ntsfarm.control.wire.AgentMessages;
import dev.ntsfarm.core.config.Config;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.config.ConfigResult;
import dev.ntsfarm.core.config.SourceDirective;
import dev.ntsfarm.proto.control.v1.AgentActivityRequest;
import dev.ntsfarm.proto.control.v1.AgentAddSourceRequest;
import dev.ntsfarm.proto.control.v1.AgentCommandReply;
import dev.ntsfarm.proto.control.v1.AgentLeap;
import dev.ntsfarm.proto.control.v1.AgentMakeStepRequest;
import dev.ntsfarm.proto.control.v1.AgentSourceSelector;
import dev.ntsfarm.proto.control.v1.AgentSourcesRequest;
import dev.ntsfarm.proto.control.v1.AgentTrackingReply;
import dev.ntsfarm.proto.control.v1.AgentTrackingRequest;
import dev.ntsfarm.proto.control.v1.AgentWaitSyncReply;
import dev.ntsfarm.proto.control.v1.AgentWaitSyncRequest;
import dev.ntsfarm.proto.control.v1.ClockAgentGrpcService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;

/** The methods of {@code ntsfarm.control.v1.ClockAgent} over a {@link ClockAgentControl}. */
public final class ClockAgentRpcs {

    /** chronyc's waitsync interval, seconds. */
    public static final double DEFAULT_WAITSYNC_INTERVAL = 10;

    /** chronyc's smallest waitsync interval, seconds. */
    public static final double MIN_WAITSYNC_INTERVAL = 0.1;

    /** The most tries one waitsync may make (chronyc's 0, "for ever", is bounded to this). */
    public static final int MAX_WAITSYNC_TRIES = 10_000;

    /** The most sources {@code add} may bring the agent to. */
    public static final int MAX_SOURCES = 64;

    private static final AgentCommandReply OK =
            AgentCommandReply.newBuilder().setMessage("200 OK").build();

    private ClockAgentRpcs() {}

    public static ControlService service(Vertx vertx, ClockAgentControl agent, CallGate gate) {
        List<Rpc<?, ?>> rpcs =
                List.of(
                        Rpc.readOnly(
                                "Tracking",
                                AgentTrackingRequest.parser(),
                                (r, c) ->
                                        Future.succeededFuture(
                                                AgentMessages.toWire(agent.tracking()))),
                        Rpc.readOnly(
                                "Sources",
                                AgentSourcesRequest.parser(),
                                (r, c) ->
                                        Future.succeededFuture(
                                                AgentMessages.sourcesToWire(agent.sources()))),
                        Rpc.readOnly(
                                "SourceStats",
                                AgentSourcesRequest.parser(),
                                (r, c) ->
                                        Future.succeededFuture(
                                                AgentMessages.sourceStatsToWire(
                                                        agent.sourceStats()))),
                        Rpc.readOnly(
                                "AuthData",
                                AgentSourcesRequest.parser(),
                                (r, c) ->
                                        Future.succeededFuture(
                                                AgentMessages.authDataToWire(agent.authData()))),
                        Rpc.readOnly(
                                "Activity",
                                AgentActivityRequest.parser(),
                                (r, c) ->
                                        Future.succeededFuture(
                                                AgentMessages.toWire(agent.activity()))),
                        Rpc.readOnly(
                                "WaitSync",
                                AgentWaitSyncRequest.parser(),
                                (r, c) -> waitSync(vertx, agent, r, c)),
                        Rpc.operational(
                                "MakeStep",
                                AgentMakeStepRequest.parser(),
                                (r, c) -> makeStep(agent, r)),
                        Rpc.operational(
                                "Burst",
                                AgentSourceSelector.parser(),
                                (r, c) -> selected(agent.burst(selector(r)), r)),
                        Rpc.operational(
                                "Online",
                                AgentSourceSelector.parser(),
                                (r, c) -> selected(agent.setOnline(selector(r), true), r)),
                        Rpc.operational(
                                "Offline",
                                AgentSourceSelector.parser(),
                                (r, c) -> selected(agent.setOnline(selector(r), false), r)),
                        Rpc.operational(
                                "AddSource",
                                AgentAddSourceRequest.parser(),
                                (r, c) -> addSource(agent, r)),
                        Rpc.operational(
                                "DeleteSource",
                                AgentSourceSelector.parser(),
                                (r, c) -> deleteSource(agent, r)));
        return new ControlService(
                ClockAgentGrpcService.SERVICE_NAME,
                ClockAgentGrpcService.SERVICE_DESCRIPTOR,
                rpcs,
                gate);
    }

    private static String selector(AgentSourceSelector r) {
        return r.getAddress().strip();
    }

    private static Future<AgentCommandReply> selected(int count, AgentSourceSelector r) {
        if (count == 0) {
            return Future.failedFuture(
                    new ControlException(
                            ControlException.Reason.NOT_FOUND,
                            r.getAddress().isBlank()
                                    ? "no sources"
                                    : "no such source: " + r.getAddress()));
        }
        return Future.succeededFuture(OK);
    }

    private static Future<AgentCommandReply> makeStep(
            ClockAgentControl agent, AgentMakeStepRequest r) {
        if (r.getThreshold() != 0 || r.getLimit() != 0) {
            return Future.failedFuture(
                    new ControlException(
                            ControlException.Reason.INVALID,
                            "makestep THRESHOLD LIMIT at run time is not supported; set it with the makestep directive"));
        }
        return agent.makeStep().map(OK);
    }

    private static Future<AgentCommandReply> addSource(
            ClockAgentControl agent, AgentAddSourceRequest r) {
        ConfigResult parsed = Config.parse("add command", r.getDirective());
        if (parsed instanceof ConfigResult.Invalid inv) {
            return invalid(inv.errors().getFirst().toString());
        }
        Config c = ((ConfigResult.Parsed) parsed).config();
        List<SourceDirective> sources;
        try {
            sources = c.sources();
        } catch (ConfigException e) {
            return invalid(e.getMessage());
        }
        if (sources.size() != 1 || c.directives().size() != 1) {
            return invalid(
                    "expected one server, pool or peer directive, e.g. add server 192.0.2.1 iburst");
        }
        if (agent.sourceCount() >= MAX_SOURCES) {
            return Future.failedFuture(
                    new ControlException(
                            ControlException.Reason.LIMIT,
                            "the agent has "
                                    + agent.sourceCount()
                                    + " sources, the most add may make is "
                                    + MAX_SOURCES
                                    + " (delete one first)"));
        }
        return agent.addSource(sources.getFirst()).map(OK);
    }

    private static Future<AgentCommandReply> deleteSource(
            ClockAgentControl agent, AgentSourceSelector r) {
        if (r.getAddress().isBlank()) {
            return invalid("expected an address: delete ADDRESS");
        }
        return agent.deleteSource(r.getAddress().strip())
                .compose(
                        found ->
                                found
                                        ? Future.succeededFuture(OK)
                                        : Future.failedFuture(
                                                new ControlException(
                                                        ControlException.Reason.NOT_FOUND,
                                                        "no such source: " + r.getAddress())));
    }

    private static <T> Future<T> invalid(String message) {
        return Future.failedFuture(new ControlException(ControlException.Reason.INVALID, message));
    }

    /**
     * chronyc waitsync: checks at once and then every interval (at least {@link
     * #MIN_WAITSYNC_INTERVAL}) until synchronised within the limits or out of tries (at most {@link
     * #MAX_WAITSYNC_TRIES}); stops as soon as the caller goes away.
     */
    static Future<AgentWaitSyncReply> waitSync(
            Vertx vertx, ClockAgentControl agent, AgentWaitSyncRequest r, CallContext call) {
        if (!(r.getInterval() == 0 || r.getInterval() >= MIN_WAITSYNC_INTERVAL)
                || Double.isNaN(r.getInterval())
                || r.getMaxCorrection() < 0
                || r.getMaxSkewPpm() < 0) {
            return invalid(
                    "waitsync: interval must be at least "
                            + MIN_WAITSYNC_INTERVAL
                            + " seconds and the limits not negative");
        }
        double interval = r.getInterval() > 0 ? r.getInterval() : DEFAULT_WAITSYNC_INTERVAL;
        long tries =
                r.getMaxTries() == 0
                        ? MAX_WAITSYNC_TRIES
                        : Math.min(MAX_WAITSYNC_TRIES, Integer.toUnsignedLong(r.getMaxTries()));
        Promise<AgentWaitSyncReply> result = Promise.promise();
        long[] timer = {-1};
        int[] done = {0};
        call.gone()
                .onComplete(
                        v -> {
                            if (timer[0] >= 0) {
                                vertx.cancelTimer(timer[0]);
                            }
                            result.tryFail(
                                    new ControlException(
                                            ControlException.Reason.REFUSED, "cancelled"));
                        });
        Runnable check =
                new Runnable() {
                    @Override
                    public void run() {
                        if (result.future().isComplete()) {
                            return;
                        }
                        done[0]++;
                        AgentTrackingReply t = AgentMessages.toWire(agent.tracking());
                        double correction =
                                Math.abs(t.getSystemTime())
                                        + t.getRootDelay() / 2
                                        + t.getRootDispersion();
                        boolean ok =
                                t.getLeap() != AgentLeap.AGENT_LEAP_NOT_SYNCHRONISED
                                        && t.getReferenceId() != 0
                                        && (r.getMaxCorrection() <= 0
                                                || correction <= r.getMaxCorrection())
                                        && (r.getMaxSkewPpm() <= 0
                                                || t.getSkewPpm() <= r.getMaxSkewPpm());
                        if (ok || done[0] >= tries) {
                            result.tryComplete(
                                    AgentWaitSyncReply.newBuilder()
                                            .setSynchronised(ok)
                                            .setTries(done[0])
                                            .setTracking(t)
                                            .build());
                        } else {
                            timer[0] =
                                    vertx.setTimer(
                                            Math.max(1, Math.round(interval * 1000)), id -> run());
                        }
                    }
                };
        check.run();
        return result.future();
    }
}
