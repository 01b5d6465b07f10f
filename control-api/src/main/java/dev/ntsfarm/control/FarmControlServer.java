package dev.ntsfarm.control;

import dev.ntsfarm.control.impl.FarmControlServerImpl;
import dev.ntsfarm.core.stats.ServerStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The farm control endpoint: a gRPC server ({@code ntsfarm.control.v1.FarmControl}) on {@code cmdport},
 * loopback only unless {@code bindcmdaddress} says otherwise. It serves chronyc's {@code serverstats}
 * from the services' {@link ServerStats}; every call counts as a command packet received, as chronyd
 * counts its own.
 */
public interface FarmControlServer {

    /**
     * A server reporting {@code stats} (several services of one process may share one; when they
     * count in separate objects, pass them all and the report is their sum).
     */
    static FarmControlServer create(Vertx vertx, FarmControlOptions options, ServerStats... stats) {
        return new FarmControlServerImpl(vertx, options, List.of(stats));
    }

    /** Binds every address; completes when all listen, fails (and closes what opened) if one cannot. */
    Future<Void> start();

    /** Closes what {@link #start()} opened. */
    Future<Void> stop();

    /** The TCP port listened on (the one chosen when the options asked for 0); -1 before start. */
    int actualPort();

    /** The addresses listened on, with the actual port. */
    List<InetSocketAddress> listening();
}
