package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.farm.keys.KeyRingSource;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.ntp.KissCode;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.ServerDecision;
import dev.ntsfarm.core.ntp.ServerState;
import dev.ntsfarm.core.nts.NtsResponder;
import dev.ntsfarm.core.nts.NtsScratch;
import dev.ntsfarm.core.stats.ServerCounter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.transport.Transport;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One event loop of the responder: its own sockets (SO_REUSEPORT, one per bound address), its own
 * buffers, NTS scratch, randomness and cookie codec, so loops share nothing but the read-only tables,
 * the lock-striped rate limiter and the counters. Everything a request needs is here before the first
 * one arrives; a request copies its bytes in, is decided by nts-core, and its answer copied out.
 */
final class ResponderLoop extends VerticleBase {

    /** Longest datagram read; anything longer is dropped (the longest NTS request is well under 1 KiB). */
    static final int MAX_DATAGRAM = 2048;
    /** Datagrams one epoll read takes in a single recvmmsg call. */
    static final int RECV_BATCH = 16;

    private final ResponderShared shared;
    private final int port;
    private static final System.Logger LOG = System.getLogger(ResponderLoop.class.getName());

    private final List<DatagramChannel> channels = new ArrayList<>();
    private final byte[] in = new byte[MAX_DATAGRAM];
    private final byte[] out = new byte[MAX_DATAGRAM];
    private final NonceSource nonces;
    private final NtsScratch scratch;
    private MasterKeyRing ring;
    private CookieCodec codec;
    private SyncState syncState;
    private ServerState serverState;
    private ServerState rateKissState;
    private int boundPort = -1;

    ResponderLoop(ResponderShared shared, int port) {
        this.shared = shared;
        this.port = port;
        SecureRandom random;
        try {
            // one DRBG per loop: SecureRandom instances lock, so loops must not share one
            random = SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            random = new SecureRandom();
        }
        this.nonces = NonceSource.of(random);
        this.scratch = new NtsScratch(nonces);
    }

    @Override
    public Future<?> start() {
        Future<Integer> chain = Future.succeededFuture(port);
        for (InetAddress address : shared.bindAddresses) {
            chain = chain.compose(p -> bind(address, p));
        }
        return chain.onSuccess(p -> boundPort = p);
    }

    /**
     * Binds one channel straight on this verticle's Netty event loop, created and configured by Vert.x's
     * transport (epoll with SO_REUSEPORT, or NIO), so a reply goes out without Vert.x's per-send name
     * resolution, promises and buffer copy.
     */
    private Future<Integer> bind(InetAddress address, int p) {
        Transport transport = ((VertxInternal) vertx).transport();
        EventLoop loop = ((ContextInternal) context).nettyEventLoop();
        boolean ipv6 = address instanceof Inet6Address;
        DatagramChannel channel = transport.datagramChannel(ipv6 ? InternetProtocolFamily.IPv6 : InternetProtocolFamily.IPv4);
        transport.configure(channel, new DatagramSocketOptions().setIpV6(ipv6).setReusePort(shared.reusePort));
        // one byte more than the longest datagram served, so a longer one shows as too long, not truncated
        if (channel instanceof EpollDatagramChannel epoll) {
            // recvmmsg: one system call reads up to RECV_BATCH datagrams into slices of one buffer
            epoll.config().setMaxDatagramPayloadSize(MAX_DATAGRAM + 1);
            channel.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator((MAX_DATAGRAM + 1) * RECV_BATCH));
        } else {
            channel.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(MAX_DATAGRAM + 1));
        }
        channel.pipeline().addLast(new Handler());
        Promise<Integer> bound = Promise.promise();
        loop.register(channel).addListener((ChannelFuture registered) -> {
            if (!registered.isSuccess()) {
                bound.fail(registered.cause());
                return;
            }
            channel.bind(new InetSocketAddress(address, p)).addListener((ChannelFuture b) -> {
                if (b.isSuccess()) {
                    channels.add(channel);
                    bound.complete(((InetSocketAddress) channel.localAddress()).getPort());
                } else {
                    channel.close();
                    bound.fail(b.cause());
                }
            });
        });
        return bound.future();
    }

    int boundPort() {
        return boundPort;
    }

    @Override
    public Future<?> stop() {
        List<Future<Void>> closing = new ArrayList<>();
        for (DatagramChannel c : channels) {
            Promise<Void> closed = Promise.promise();
            c.close().addListener(f -> closed.complete());
            closing.add(closed.future());
        }
        channels.clear();
        return Future.join(closing);
    }

    /** The channel's only handler: one request per datagram, replies flushed once per read batch. */
    private final class Handler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            long receiveTime = shared.clock.nowNtp(); // as early as this layer can read it
            if (!(msg instanceof DatagramPacket packet)) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            try {
                onPacket(ctx, packet, receiveTime);
            } finally {
                packet.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a failed send or receive on UDP (ICMP unreachable, buffer full): the datagram is lost, the
            // socket stays open
            LOG.log(System.Logger.Level.DEBUG, "NTP socket error: " + cause);
        }
    }

    private void onPacket(ChannelHandlerContext ctx, DatagramPacket packet, long receiveTime) {
        ResponderShared sh = shared;
        sh.stats.increment(ServerCounter.NTP_PACKETS_RECEIVED);
        ByteBuf data = packet.content();
        int len = data.readableBytes();
        if (len < NtpHeader.LENGTH || len > MAX_DATAGRAM) {
            sh.stats.increment(ServerCounter.NTP_PACKETS_DROPPED);
            return;
        }
        InetSocketAddress from = packet.sender();
        InetAddress address = from != null ? from.getAddress() : null;
        if (address == null || !sh.access.allows(address)) {
            sh.stats.increment(ServerCounter.NTP_PACKETS_DROPPED);
            return;
        }
        ClientRateLimiter.Verdict verdict = sh.rateLimiter == null ? ClientRateLimiter.Verdict.PASS
                : sh.rateLimiter.check(address, System.nanoTime());
        if (verdict == ClientRateLimiter.Verdict.DROP) {
            sh.stats.increment(ServerCounter.NTP_PACKETS_DROPPED);
            return;
        }
        data.getBytes(data.readerIndex(), in, 0, len);
        ServerState state = serverState(receiveTime, verdict == ClientRateLimiter.Verdict.KOD);
        ServerDecision decision = NtsResponder.handle(in, 0, len, receiveTime, state, codec(), scratch,
                sh.symmetricKeys, sh.clock, out);
        switch (decision) {
            case ServerDecision.Respond r -> {
                if (r.authentication() != ServerDecision.Authentication.NONE) {
                    sh.stats.increment(ServerCounter.AUTHENTICATED_NTP_PACKETS);
                }
                if (verdict == ClientRateLimiter.Verdict.KOD) {
                    sh.stats.increment(ServerCounter.KISS_RATE_SENT);
                }
                send(ctx, r.length(), from);
            }
            case ServerDecision.Nak n -> {
                // chronyd: no NAK when it has no NTS keys, and none instead of a RATE kiss
                if (!sh.hasKeyRing || verdict == ClientRateLimiter.Verdict.KOD) {
                    sh.stats.increment(ServerCounter.NTP_PACKETS_DROPPED);
                    return;
                }
                sh.stats.increment(ServerCounter.NTS_NAKS_SENT);
                send(ctx, n.length(), from);
            }
            case ServerDecision.Drop d -> sh.stats.increment(ServerCounter.NTP_PACKETS_DROPPED);
        }
    }

    /**
     * Queues the reply in a pooled direct buffer to the sender's own address (nothing resolved), with no
     * completion promise; {@link Handler#channelReadComplete} flushes the batch (sendmmsg with epoll).
     */
    private void send(ChannelHandlerContext ctx, int length, InetSocketAddress to) {
        ByteBuf reply = ctx.alloc().directBuffer(length, length);
        reply.writeBytes(out, 0, length);
        ctx.write(new DatagramPacket(reply, to), ctx.voidPromise());
    }

    /** The reply state for now, rebuilt only when the sync state changes. */
    private ServerState serverState(long nowNtp, boolean rateKiss) {
        SyncState s = shared.sync.current(nowNtp);
        if (s != syncState) {
            serverState = new ServerState(s.leap(), s.wireStratum(), shared.minPoll, shared.precision,
                    s.rootDelay(), s.rootDispersion(), s.referenceId(), s.referenceTimestamp());
            // RFC 5905 section 7.4: a kiss-o'-death is leap 3, stratum 0, the code as reference id
            rateKissState = new ServerState(LeapIndicator.UNSYNCHRONIZED, 0, shared.minPoll, shared.precision,
                    s.rootDelay(), s.rootDispersion(), KissCode.RATE.referenceId(), s.referenceTimestamp());
            syncState = s;
        }
        return rateKiss ? rateKissState : serverState;
    }

    /** This loop's codec for the current ring snapshot, rebuilt when the snapshot is swapped. */
    private CookieCodec codec() {
        MasterKeyRing current = shared.keyRing.current();
        if (current != ring) {
            codec = new CookieCodec(current, nonces);
            ring = current;
        }
        return codec;
    }
}
