package dev.ntsfarm.control.impl;

import dev.ntsfarm.control.ClockAgentControl;
import dev.ntsfarm.control.ClockSyncFeed;
import dev.ntsfarm.control.CommandKeys;
import dev.ntsfarm.control.ControlEndpoint;
import dev.ntsfarm.control.ControlOptions;
import dev.ntsfarm.control.FarmControl;
import dev.ntsfarm.core.config.ConfigException;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import dev.ntsfarm.proto.control.v1.ClockAgentGrpcService;
import dev.ntsfarm.proto.control.v1.FarmControlGrpcService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.reflection.ReflectionService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * gRPC over cleartext HTTP/2 on each configured address and the Unix socket, all through one
 * server.
 */
public final class ControlEndpointImpl implements ControlEndpoint {

    private final Vertx vertx;
    private final ControlOptions options;
    private final List<Service> services;
    private final String elsewhere;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final List<String> listening = new CopyOnWriteArrayList<>();
    private final Consumer<String> log;
    private volatile boolean up;

    /** The command key, read (or made) at start; null without a key file. */
    private volatile SymmetricKey commandKey;

    private volatile int actualPort = -1;

    private ControlEndpointImpl(
            Vertx vertx,
            ControlOptions options,
            Function<CommandGate, List<Service>> services,
            String elsewhere,
            Consumer<Boolean> count,
            Consumer<String> log) {
        this.vertx = vertx;
        this.options = options;
        this.services = services.apply(CommandGate.create(options, () -> commandKey, count, log));
        this.elsewhere = elsewhere;
        this.log = log;
    }

    public static ControlEndpoint agent(
            Vertx vertx,
            ControlOptions options,
            ClockAgentControl agent,
            ClockSyncFeed feed,
            Consumer<String> log) {
        return new ControlEndpointImpl(
                vertx,
                options,
                g ->
                        List.of(
                                ClockAgentRpcs.service(vertx, agent, g),
                                SyncStateRpcs.service(feed, g)),
                "this is the clock agent's control endpoint; serverstats, members, keys, rekey and clients are "
                        + "farm commands: the farm control endpoint listens on port "
                        + ControlOptions.DEFAULT_FARM_PORT
                        + " unless its cmdport says otherwise (ntsctl -p PORT COMMAND)",
                refused -> {},
                log);
    }

    public static ControlEndpoint farm(
            Vertx vertx,
            ControlOptions options,
            FarmControl farm,
            int agentPort,
            Consumer<String> log) {
        return new ControlEndpointImpl(
                vertx,
                options,
                g -> List.of(FarmControlRpcs.service(vertx, farm, g)),
                "this is the farm control endpoint; tracking, sources, sourcestats, authdata, activity, waitsync, "
                        + "makestep, burst, online, offline, add and delete are clock-agent commands: this host's "
                        + "clock agent listens on port "
                        + agentPort
                        + " (ntsctl -p "
                        + agentPort
                        + " COMMAND)",
                farm::countCommand,
                log);
    }

    @Override
    public Future<Void> start() {
        if (options.keyFile().isPresent()) {
            try {
                commandKey =
                        CommandKeys.ensure(
                                options.keyFile().get(), options.commandKey(), new SecureRandom());
            } catch (IOException e) {
                return Future.failedFuture(
                        new IOException(
                                "cannot read or write the command key in "
                                        + options.keyFile().get()
                                        + ": "
                                        + e.getMessage(),
                                e));
            } catch (ConfigException e) {
                return Future.failedFuture(e);
            }
        }
        // a call past its caller's deadline is cancelled here too, so waitsync stops working for
        // nobody
        GrpcServer grpc =
                GrpcServer.server(
                        vertx, new GrpcServerOptions().setScheduleDeadlineAutomatically(true));
        HealthService health = HealthService.create(vertx);
        for (Service s : services) {
            grpc.addService(s);
            health.register(s.name(), () -> Future.succeededFuture(up));
        }
        grpc.addService(health);
        grpc.addService(ReflectionService.v1());
        // a method of a service this endpoint does not serve: say where it is served instead
        grpc.callHandler(
                request -> {
                    String service =
                            request.serviceName() != null
                                    ? request.serviceName().fullyQualifiedName()
                                    : "";
                    boolean ours =
                            service.equals(ClockAgentGrpcService.SERVICE_NAME.fullyQualifiedName())
                                    || service.equals(
                                            FarmControlGrpcService.SERVICE_NAME
                                                    .fullyQualifiedName());
                    request.response()
                            .status(GrpcStatus.UNIMPLEMENTED)
                            .statusMessage(
                                    ours
                                            ? elsewhere
                                            : "no such service here: " + request.fullMethodName())
                            .end();
                });
        Future<Void> chain = Future.succeededFuture();
        List<String> addresses = options.addresses();
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            String address = addresses.get(i);
            boolean first = i == 0;
            chain =
                    chain.compose(
                            v ->
                                    listen(
                                                    grpc,
                                                    address,
                                                    first
                                                            ? options.port()
                                                            : Math.max(actualPort, 0))
                                            .recover(
                                                    e -> {
                                                        // no IPv6 (or IPv4) on this host: the other
                                                        // family still serves, as chronyd goes on
                                                        if (ControlOptions.DEFAULT_ADDRESSES
                                                                .contains(address)) {
                                                            failures.add(e);
                                                            return Future.succeededFuture();
                                                        }
                                                        return Future.failedFuture(e);
                                                    }));
        }
        if (options.socket().isPresent()) {
            chain = chain.compose(v -> listenUnix(grpc, options.socket().get()));
        }
        return chain.compose(
                        v -> {
                            if (servers.isEmpty()) {
                                return Future.<Void>failedFuture(
                                        failures.isEmpty()
                                                ? new IOException("nothing to listen on")
                                                : failures.getFirst());
                            }
                            failures.forEach(
                                    e ->
                                            log.accept(
                                                    "Could not open command socket: "
                                                            + e.getMessage()));
                            up = true;
                            return Future.<Void>succeededFuture();
                        })
                .recover(err -> stop().transform(ignored -> Future.failedFuture(err)));
    }

    private Future<Void> listen(GrpcServer grpc, String host, int port) {
        HttpServer server =
                vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port));
        return server.requestHandler(grpc)
                .listen()
                .recover(
                        err ->
                                Future.failedFuture(
                                        new IOException(
                                                "cannot listen on "
                                                        + hostPort(host, port)
                                                        + ": "
                                                        + err.getMessage(),
                                                err)))
                .map(
                        s -> {
                            servers.add(s);
                            actualPort = s.actualPort();
                            listening.add(hostPort(host, s.actualPort()));
                            return null;
                        });
    }

    private Future<Void> listenUnix(GrpcServer grpc, Path socket) {
        if (!vertx.isNativeTransportEnabled()) {
            return Future.failedFuture(
                    new IOException(
                            "cannot listen on "
                                    + socket
                                    + ": a Unix socket needs the native (epoll) transport, which is not available here"));
        }
        try {
            Path dir = socket.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            // only root (the owner) may reach the socket: the directory, not the socket, is the
            // lock
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Files.deleteIfExists(socket);
        } catch (IOException | UnsupportedOperationException e) {
            return Future.failedFuture(
                    new IOException("cannot prepare " + socket + ": " + e.getMessage(), e));
        }
        HttpServer server = vertx.createHttpServer(new HttpServerOptions());
        return server.requestHandler(grpc)
                .listen(SocketAddress.domainSocketAddress(socket.toString()))
                .recover(
                        err ->
                                Future.failedFuture(
                                        new IOException(
                                                "cannot listen on "
                                                        + socket
                                                        + ": "
                                                        + err.getMessage(),
                                                err)))
                .map(
                        s -> {
                            servers.add(s);
                            listening.add(socket.toString());
                            return null;
                        });
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public Future<Void> stop() {
        up = false;
        List<Future<Void>> closing = new ArrayList<>();
        for (HttpServer s : servers) {
            closing.add(s.close());
        }
        servers.clear();
        listening.clear();
        Future<Void> done = Future.join(closing).mapEmpty();
        return done.andThen(
                ar ->
                        options.socket()
                                .ifPresent(
                                        p -> {
                                            try {
                                                Files.deleteIfExists(p);
                                            } catch (IOException e) {
                                                // a stale socket file is replaced at the next start
                                            }
                                        }));
    }

    @Override
    public int actualPort() {
        return actualPort;
    }

    @Override
    public List<String> listening() {
        return List.copyOf(listening);
    }
}
