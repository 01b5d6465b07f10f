package dev.ntsfarm.control.ctl;

import com.google.protobuf.Message;
import dev.ntsfarm.control.CommandAuthenticator;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * ntsctl's one connection to the control endpoints: one Vert.x for the whole run, every call with a
 * deadline, an operational call with the command key's authenticator when a key is known. The host
 * is a name, an IPv4 or IPv6 address (with or without brackets) or a Unix socket path.
 */
final class ControlClient implements AutoCloseable {

    /** How long to wait for a connection. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private final String host;
    private final Vertx vertx;
    private final HttpClient http;
    private final GrpcClient grpc;
    private final SecureRandom random = new SecureRandom();

    ControlClient(String host) {
        this.host = unbracket(host);
        // native transport for Unix sockets; Vert.x falls back to NIO where it is missing
        this.vertx =
                Vertx.vertx(
                        new VertxOptions()
                                .setPreferNativeTransport(true)
                                .setEventLoopPoolSize(1)
                                .setWorkerPoolSize(1)
                                .setInternalBlockingPoolSize(1));
        this.http =
                vertx.createHttpClient(
                        new HttpClientOptions()
                                .setProtocolVersion(HttpVersion.HTTP_2)
                                .setHttp2ClearTextUpgrade(false)
                                .setConnectTimeout((int) CONNECT_TIMEOUT.toMillis()));
        this.grpc = GrpcClient.client(vertx, http);
    }

    static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]")
                ? host.substring(1, host.length() - 1)
                : host;
    }

    boolean unixSocket() {
        return host.startsWith("/");
    }

    /** "127.0.0.1:323", "[::1]:9323", "/run/ntsfarm/ntsfarm.sock". */
    String where(int port) {
        return unixSocket()
                ? host
                : (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** A call failed: a gRPC status with the server's message, or no answer at all. */
    static final class CallFailed extends Exception {
        final GrpcStatus status;

        CallFailed(GrpcStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /**
     * Calls {@code method} of {@code service} and waits for its reply at most {@code deadline}.
     *
     * @param key the command key to authenticate with, or null
     */
    <Req extends Message, Resp extends Message> Resp call(
            int port,
            ServiceName service,
            String method,
            Req request,
            Resp replyType,
            Duration deadline,
            SymmetricKey key,
            boolean sendKeyId)
            throws CallFailed {
        // an IPv6 literal goes in brackets, or the request's :authority is not a valid host:port
        SocketAddress address =
                unixSocket()
                        ? SocketAddress.domainSocketAddress(host)
                        : SocketAddress.inetSocketAddress(
                                port, host.indexOf(':') >= 0 ? "[" + host + "]" : host);
        ServiceMethod<Resp, Req> m =
                ServiceMethod.client(
                        service,
                        method,
                        GrpcMessageEncoder.encoder(),
                        GrpcMessageDecoder.decoder(replyType));
        Future<Resp> reply =
                grpc.request(address, m)
                        .compose(
                                req -> {
                                    req.timeout(deadline.toMillis(), TimeUnit.MILLISECONDS);
                                    if (key != null) {
                                        CommandAuthenticator.headers(
                                                        key,
                                                        sendKeyId,
                                                        m.fullMethodName(),
                                                        request.toByteArray(),
                                                        System.currentTimeMillis(),
                                                        random)
                                                .forEach(req.headers()::set);
                                    }
                                    return req.send(request)
                                            .compose(
                                                    resp ->
                                                            resp.last()
                                                                    .recover(
                                                                            e ->
                                                                                    Future
                                                                                            .failedFuture(
                                                                                                    new CallFailed(
                                                                                                            resp
                                                                                                                    .status(),
                                                                                                            resp
                                                                                                                                    .statusMessage()
                                                                                                                            != null
                                                                                                                    ? resp
                                                                                                                            .statusMessage()
                                                                                                                    : String
                                                                                                                            .valueOf(
                                                                                                                                    resp
                                                                                                                                            .status())))));
                                });
        try {
            return reply.toCompletionStage()
                    .toCompletableFuture()
                    .get(deadline.toMillis() + CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CallFailed f) {
                throw f;
            }
            throw new CallFailed(GrpcStatus.UNAVAILABLE, reason(e.getCause()));
        } catch (TimeoutException e) {
            reply.onComplete(ar -> {});
            throw new CallFailed(
                    GrpcStatus.DEADLINE_EXCEEDED, "no reply within " + deadline.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallFailed(GrpcStatus.CANCELLED, "interrupted");
        }
    }

    /** The cause in a few plain words: "connection refused", "unknown host". */
    static String reason(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (c instanceof java.net.ConnectException
                    || (m != null && m.contains("Connection refused"))) {
                return "connection refused";
            }
            if (c instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
            if (m != null && (m.contains("No such file") || m.contains("ENOENT"))) {
                return "no such socket";
            }
            if (m != null && m.contains("Permission denied")) {
                return "permission denied (the socket's directory is root's only)";
            }
            if (c instanceof io.vertx.core.http.StreamResetException
                    || (m != null && m.contains("timed out"))) {
                return m.contains("timed out") ? "connection timed out" : "stream reset";
            }
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        int colon = m.indexOf(": /");
        m = colon > 0 ? m.substring(0, colon) : m;
        return Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }

    @Override
    public void close() {
        try {
            // every call has its answer: no grace period for the connections (a graceful close
            // waits seconds)
            http.shutdown(0, TimeUnit.SECONDS)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the process is leaving
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // nothing left to do at exit
        }
    }
}
