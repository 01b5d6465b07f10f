package dev.ntsfarm.control.impl;

import dev.ntsfarm.control.FarmControlOptions;
import dev.ntsfarm.control.FarmControlServer;
import dev.ntsfarm.control.ServerStatsMessages;
import dev.ntsfarm.core.stats.ServerCounter;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.proto.control.v1.FarmControlGrpcService;
import dev.ntsfarm.proto.control.v1.FarmControlService;
import dev.ntsfarm.proto.control.v1.ServerStatsReply;
import dev.ntsfarm.proto.control.v1.ServerStatsRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** gRPC over cleartext HTTP/2 on each configured address, all on one port. */
public final class FarmControlServerImpl extends FarmControlService implements FarmControlServer {

    private final Vertx vertx;
    private final FarmControlOptions options;
    private final List<ServerStats> stats;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private volatile int actualPort = -1;

    public FarmControlServerImpl(Vertx vertx, FarmControlOptions options, List<ServerStats> stats) {
        if (stats.isEmpty()) {
            throw new IllegalArgumentException("no ServerStats to report (expected: at least one)");
        }
        this.vertx = vertx;
        this.options = options;
        this.stats = List.copyOf(stats);
    }

    @Override
    public Future<ServerStatsReply> serverStats(ServerStatsRequest request) {
        // counted before the snapshot, as chronyd counts the request it is answering
        stats.getFirst().increment(ServerCounter.COMMAND_PACKETS_RECEIVED);
        Map<ServerCounter, Long> sum = new EnumMap<>(ServerCounter.class);
        for (ServerStats s : stats) {
            s.snapshot().forEach((c, v) -> sum.merge(c, v, Long::sum));
        }
        return Future.succeededFuture(ServerStatsMessages.toReply(sum));
    }

    @Override
    public Future<Void> start() {
        GrpcServer grpc = GrpcServer.server(vertx);
        grpc.addService(FarmControlGrpcService.of(this));
        List<String> addresses = options.addresses();
        // the first bind picks the port when asked for 0; the others follow it
        Future<Void> chain = listen(grpc, addresses.getFirst(), options.port());
        for (String address : addresses.subList(1, addresses.size())) {
            chain = chain.compose(v -> listen(grpc, address, actualPort));
        }
        return chain.recover(err -> stop().transform(ignored -> Future.failedFuture(err)));
    }

    private Future<Void> listen(GrpcServer grpc, String host, int port) {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port));
        return server.requestHandler(grpc).listen()
                .recover(err -> Future.failedFuture(new java.io.IOException(
                        "cannot listen on " + hostPort(host, port) + ": " + err.getMessage(), err)))
                .map(s -> {
                    servers.add(s);
                    actualPort = s.actualPort();
                    return null;
                });
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public Future<Void> stop() {
        List<Future<Void>> closing = new ArrayList<>();
        for (HttpServer s : servers) {
            closing.add(s.close());
        }
        servers.clear();
        return Future.join(closing).mapEmpty();
    }

    @Override
    public int actualPort() {
        return actualPort;
    }

    @Override
    public List<InetSocketAddress> listening() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String a : options.addresses()) {
            out.add(new InetSocketAddress(a, actualPort));
        }
        return out;
    }
}
