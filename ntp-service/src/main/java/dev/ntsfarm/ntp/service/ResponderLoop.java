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
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.SocketAddressImpl;
import java.net.InetAddress;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
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

    private final ResponderShared shared;
    private final int port;
    private final List<DatagramSocket> sockets = new ArrayList<>();
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

    private Future<Integer> bind(InetAddress address, int p) {
        DatagramSocketOptions o = new DatagramSocketOptions()
                .setIpV6(address instanceof java.net.Inet6Address)
                .setReusePort(shared.reusePort);
        DatagramSocket socket = vertx.createDatagramSocket(o);
        socket.handler(packet -> onPacket(socket, packet));
        return socket.listen(p, address.getHostAddress()).map(s -> {
            sockets.add(s);
            return s.localAddress().port();
        });
    }

    int boundPort() {
        return boundPort;
    }

    @Override
    public Future<?> stop() {
        List<Future<Void>> closing = new ArrayList<>();
        for (DatagramSocket s : sockets) {
            closing.add(s.close());
        }
        sockets.clear();
        return Future.join(closing);
    }

    private void onPacket(DatagramSocket socket, DatagramPacket packet) {
        long receiveTime = shared.clock.nowNtp(); // as early as this layer can read it
        ResponderShared sh = shared;
        sh.stats.increment(ServerCounter.NTP_PACKETS_RECEIVED);
        Buffer data = packet.data();
        int len = data.length();
        if (len < NtpHeader.LENGTH || len > MAX_DATAGRAM) {
            sh.stats.increment(ServerCounter.NTP_PACKETS_DROPPED);
            return;
        }
        SocketAddress from = packet.sender();
        InetAddress address = from instanceof SocketAddressImpl impl ? impl.ipAddress() : null;
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
        data.getBytes(0, len, in, 0);
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
                send(socket, r.length(), from);
            }
            case ServerDecision.Nak n -> {
                // chronyd: no NAK when it has no NTS keys, and none instead of a RATE kiss
                if (!sh.hasKeyRing || verdict == ClientRateLimiter.Verdict.KOD) {
                    sh.stats.increment(ServerCounter.NTP_PACKETS_DROPPED);
                    return;
                }
                sh.stats.increment(ServerCounter.NTS_NAKS_SENT);
                send(socket, n.length(), from);
            }
            case ServerDecision.Drop d -> sh.stats.increment(ServerCounter.NTP_PACKETS_DROPPED);
        }
    }

    private void send(DatagramSocket socket, int length, SocketAddress to) {
        // the copy is the one allocation the Vert.x API asks for: the write completes after this returns
        Buffer reply = Buffer.buffer(Arrays.copyOf(out, length));
        socket.send(reply, to.port(), to.hostAddress());
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
