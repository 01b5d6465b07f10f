package dev.ntsfarm.control;

import dev.ntsfarm.control.impl.ControlEndpointImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Consumer;

/**
 * A control endpoint: gRPC over cleartext HTTP/2 on {@code cmdport} at each {@code bindcmdaddress}
 * (loopback unless told otherwise) and on a Unix socket when one is configured. Beside its own
 * services it serves the standard health service ({@code grpc.health.v1.Health}, SERVING once
 * {@link #start()} completed) and server reflection, so generic gRPC clients can list and call it.
 * {@code cmdallow}/{@code cmddeny} and the command key guard every call (DESIGN 6).
 */
public interface ControlEndpoint {

    /**
     * The clock agent's endpoint: {@code ntsfarm.control.v1.ClockAgent} and the responder's
     * read-only feed {@code ntsfarm.control.v1.ClockSyncState}.
     *
     * @param log where accepted operational calls are logged, with peer and command
     */
    static ControlEndpoint agent(
            Vertx vertx,
            ControlOptions options,
            ClockAgentControl agent,
            ClockSyncFeed feed,
            Consumer<String> log) {
        return ControlEndpointImpl.agent(vertx, options, agent, feed, log);
    }

    /**
     * The farm's endpoint: {@code ntsfarm.control.v1.FarmControl}.
     *
     * @param agentPort where this host's clock agent listens (named when an agent command comes
     *     here)
     */
    static ControlEndpoint farm(
            Vertx vertx,
            ControlOptions options,
            FarmControl farm,
            int agentPort,
            Consumer<String> log) {
        return ControlEndpointImpl.farm(vertx, options, farm, agentPort, log);
    }

    /**
     * Binds every address; completes when all listen, fails (and closes what opened) if one cannot.
     */
    Future<Void> start();

    /** Closes what {@link #start()} opened. */
    Future<Void> stop();

    /** The TCP port listened on (the one chosen when the options asked for 0); -1 before start. */
    int actualPort();

    /**
     * What listens, for the operator: "127.0.0.1:9323", "[::1]:9323", "/run/ntsfarm/ntsfarm.sock".
     */
    List<String> listening();
}
