package dev.ntsfarm.ke.service;

import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.core.ke.KeProtocol;
import dev.ntsfarm.core.stats.ServerCounter;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLSession;

/**
 * One event loop's share of the NTS-KE service: a TLS server on the shared port (Vert.x hands each
 * instance its turn of the accepted connections), a cookie codec of its own over the current ring,
 * and the sessions it accepted.
 */
final class NtsKeVerticle extends VerticleBase {

    private static final System.Logger LOG = System.getLogger(NtsKeVerticle.class.getName());

    private final NtsKeShared shared;
    private final String host;
    private final int port;
    private final AtomicInteger boundPort;
    private final PemKeyCertOptions certificates;
    private NetServer server;
    private CookieCodec codec;

    NtsKeVerticle(
            NtsKeShared shared,
            String host,
            int port,
            AtomicInteger boundPort,
            PemKeyCertOptions certificates) {
        this.shared = shared;
        this.host = host;
        this.port = port;
        this.boundPort = boundPort;
        this.certificates = certificates;
    }

    @Override
    public Future<?> start() {
        server = vertx.createNetServer(shared.serverOptions(host, port, certificates));
        server.connectHandler(this::accept);
        return server.listen().onSuccess(s -> boundPort.compareAndSet(0, s.actualPort()));
    }

    /**
     * Puts {@code pem} in force for the sessions accepted from now on; sessions already past their
     * handshake keep theirs and finish. Forced: the options name the same files, with new contents.
     */
    Future<Boolean> useCertificates(PemKeyCertOptions pem) {
        if (server == null) {
            return Future.succeededFuture(false);
        }
        return server.updateSSLOptions(shared.serverOptions(host, port, pem).getSslOptions(), true);
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void accept(NetSocket socket) {
        AtomicInteger open = shared.openSessions();
        if (open.incrementAndGet() > shared.options().maxConnections()) {
            open.decrementAndGet();
            drop(socket, "maxntsconnections reached");
            return;
        }
        InetAddress client = clientAddress(socket);
        if (shared.rateLimiter() != null
                && client != null
                && !shared.rateLimiter().allow(client, System.nanoTime())) {
            open.decrementAndGet();
            drop(socket, "ntsratelimit");
            return;
        }
        shared.stats().increment(ServerCounter.NTS_KE_CONNECTIONS_ACCEPTED);
        long started = System.nanoTime();
        long timer =
                vertx.setTimer(
                        shared.options().sessionTimeout().toMillis(),
                        id -> {
                            LOG.log(
                                    System.Logger.Level.DEBUG,
                                    "NTS-KE session from {0} timed out",
                                    client);
                            socket.close();
                        });
        socket.closeHandler(
                v -> {
                    vertx.cancelTimer(timer);
                    open.decrementAndGet();
                    shared.sessionEnded().accept(System.nanoTime() - started);
                });
        socket.exceptionHandler(
                e -> {
                    LOG.log(
                            System.Logger.Level.DEBUG,
                            "NTS-KE session from {0}: {1}",
                            client,
                            e.toString());
                    socket.close();
                });
        String alpn = negotiatedAlpn(socket);
        SSLSession session = socket.sslSession();
        if (!KeProtocol.ALPN.equals(alpn) || !(session instanceof ExtendedSSLSession tls)) {
            // RFC 8915 section 4: NTS-KE is ntske/1 over TLS; a client that named no ALPN gets
            // nothing
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "NTS-KE session from {0} refused: ALPN {1}",
                    client,
                    alpn);
            socket.close();
            return;
        }
        KeExchange exchange = new KeExchange(shared.policy(), shared.options().maxMessageLength());
        socket.handler(
                buffer -> {
                    byte[] bytes = buffer.getBytes();
                    KeExchange.Step step =
                            exchange.offer(
                                    bytes, 0, bytes.length, tls::exportKeyingMaterialData, codec());
                    if (step instanceof KeExchange.Step.Answer answer) {
                        socket.handler(null);
                        LOG.log(
                                System.Logger.Level.DEBUG,
                                "NTS-KE session from {0}: {1} ({2})",
                                client,
                                answer.outcome(),
                                answer.reason());
                        socket.write(Buffer.buffer(answer.response()))
                                .onComplete(w -> socket.close());
                    }
                });
    }

    private void drop(NetSocket socket, String why) {
        shared.stats().increment(ServerCounter.NTS_KE_CONNECTIONS_DROPPED);
        LOG.log(
                System.Logger.Level.DEBUG,
                "NTS-KE connection from {0} dropped: {1}",
                socket.remoteAddress(),
                why);
        socket.close();
    }

    /** The codec of this event loop, rebuilt when the ring in force is a new snapshot. */
    private CookieCodec codec() {
        MasterKeyRing ring = shared.keys().current();
        if (codec == null || codec.ring() != ring) {
            codec = new CookieCodec(ring, shared.nonces());
        }
        return codec;
    }

    /**
     * The ALPN protocol TLS agreed on, read from Netty's handler: Vert.x 5's {@code
     * NetSocket.applicationLayerProtocol()} is null on the server side (DESIGN section 9).
     */
    private static String negotiatedAlpn(NetSocket socket) {
        if (socket instanceof NetSocketInternal internal) {
            SslHandler ssl = internal.channelHandlerContext().pipeline().get(SslHandler.class);
            if (ssl != null) {
                return ssl.applicationProtocol();
            }
        }
        return socket.applicationLayerProtocol();
    }

    private static InetAddress clientAddress(NetSocket socket) {
        try {
            String ip = socket.remoteAddress().hostAddress();
            return ip == null ? null : InetAddress.ofLiteral(ip);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
