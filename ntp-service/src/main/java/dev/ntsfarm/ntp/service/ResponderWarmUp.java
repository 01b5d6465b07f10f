package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.config.AccessRule;
import dev.ntsfarm.core.config.RateLimit;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.config.AccessTable;
import dev.ntsfarm.core.ntp.ClientRateLimiter;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.core.nts.NtpNtsServer;
import dev.ntsfarm.core.nts.NtsClientRequest;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.socket.DatagramBatch;
import dev.ntsfarm.socket.TimestampedSocket;
import java.io.IOException;
import dev.ntsfarm.core.ntp.NtpClock;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the responder's whole path, decision and socket, on made-up requests before the first real
 * one, so the JIT has compiled it. A time server's transmit timestamp is read before the reply is
 * sealed and sent; run by the interpreter, what follows that read takes hundreds of microseconds, and
 * a freshly started farm's first answers were that far off (1.5 ms over IPv6). Nothing here touches
 * the real sockets, counters, rate limiter or interleaved table: it uses a server of its own, over
 * the same classes, and a loopback socket of its own.
 */
final class ResponderWarmUp {

    /** Decisions per kind of request: past the JIT's thresholds for its top tier. */
    static final int DECISIONS = 5_000;
    /** The warm-up's bound: on a machine too loaded to finish it, serving soon matters more. */
    static final long MAX_NANOS = 1_000_000_000L;
    /** Round trips through a loopback socket of its own. */
    static final int ROUND_TRIPS = 1_000;

    private static final System.Logger LOG = System.getLogger(ResponderWarmUp.class.getName());
    private static final long TEST_NET_HIGH = 0;
    private static final long TEST_NET_LOW = 0xFFFF_C000_0201L; // 192.0.2.1, never a real client

    private ResponderWarmUp() {
    }

    /** Warms the path {@code policy} serves; returns how long it took, in milliseconds. */
    static long run(NtpNtsServer.Policy policy) {
        long start = System.nanoTime();
        SecureRandom random = new SecureRandom();
        // the same classes as the real path at every call site the JIT profiles (a type or branch it
        // never saw sends compiled code back to the interpreter on the first real request); only
        // the access table, limiter and counters are its own, so no real client or count is touched
        NtpNtsServer.Policy own = new NtpNtsServer.Policy(AccessTable.of(List.of(new AccessRule(true, false, null, 0))),
                policy.rateLimiter() == null ? null : ClientRateLimiter.of(new RateLimit(-19, 255, 4, 0), 0),
                policy.symmetricKeys(), policy.keyRing(), policy.state(), policy.clock(), new ServerStats());
        NtpNtsServer server = new NtpNtsServer(own, NonceSource.of(random), 256);
        List<byte[]> requests = requests(policy, random);
        byte[] out = new byte[NtpNtsServer.MAX_REQUEST_LENGTH];
        long now = System.currentTimeMillis() * 1_000_000L;
        long deadline = start + MAX_NANOS;
        for (int i = 0; i < DECISIONS && (i % 1024 != 0 || System.nanoTime() < deadline); i++) {
            byte[] r = requests.get(i % requests.size());
            server.handle(TEST_NET_HIGH, TEST_NET_LOW, now + 1000L * i, r, r.length, out);
        }
        for (String family : List.of("127.0.0.1", "::1")) {
            try {
                roundTrips(server, policy.clock(), InetAddress.ofLiteral(family), requests, deadline + MAX_NANOS / 3);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "socket warm-up over " + family + " skipped: " + e);
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Plain requests (basic and as an interleaving client sends them) and, with farm keys, NTS ones. */
    private static List<byte[]> requests(NtpNtsServer.Policy policy, SecureRandom random) {
        List<byte[]> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] plain = new byte[NtpHeader.LENGTH];
            plain[0] = 0x23;
            // odd origins: asks for interleaving, and finds nothing held
            NtpTimestamp.writeBits((i & 1) == 0 ? 0 : random.nextLong() | 1, plain, NtpHeader.OFFSET_ORIGIN_TIMESTAMP);
            NtpTimestamp.writeBits(random.nextLong(), plain, NtpHeader.OFFSET_RECEIVE_TIMESTAMP);
            NtpTimestamp.writeBits(random.nextLong(), plain, NtpHeader.OFFSET_TRANSMIT_TIMESTAMP);
            requests.add(plain);
        }
        MasterKeyRing ring = policy.keyRing() != null ? policy.keyRing().get() : null;
        if (ring == null) {
            return requests;
        }
        NonceSource nonces = NonceSource.of(random);
        CookieCodec codec = new CookieCodec(ring, nonces);
        for (AeadAlgorithm alg : List.of(AeadAlgorithm.AES_SIV_CMAC_256, AeadAlgorithm.AES_128_GCM_SIV)) {
            for (int s = 0; s < 32; s++) {
                byte[] c2s = new byte[alg.keyLength()];
                byte[] s2c = new byte[alg.keyLength()];
                random.nextBytes(c2s);
                random.nextBytes(s2c);
                SessionKeys keys = SessionKeys.of(alg, c2s, s2c);
                byte[] cookie = new byte[CookieCodec.cookieLength(alg)];
                codec.seal(keys, cookie, 0);
                requests.add(NtsClientRequest.builder().cookie(cookie).keys(keys).random(nonces)
                        .placeholders(s % 8).transmitTimestamp(random.nextLong()).build().packet());
            }
        }
        return requests;
    }

    /** The loop's own turn ({@link ResponderLoop#serveOnce}) on a socket of its own, from a client there. */
    private static void roundTrips(NtpNtsServer server, NtpClock clock, InetAddress lo, List<byte[]> requests,
                                   long deadline) throws IOException {
        // bound as the real sockets are: the wildcard (dual stack) for IPv6, so the same branches run
        InetAddress bind = lo instanceof Inet6Address ? Inet6Address.ofLiteral("::") : lo;
        TimestampedSocket socket = TimestampedSocket.bind(bind, 0, TimestampedSocket.Options.DEFAULT
                .withReusePort(false).withReceiveTimeoutMillis(1000));
        ResponderLoop loop = new ResponderLoop(socket, server, clock, "ntp-warm-up");
        try (DatagramBatch batch = new DatagramBatch(ResponderLoop.RECV_BATCH, NtpNtsServer.MAX_REQUEST_LENGTH);
             DatagramChannel client = DatagramChannel.open()) {
            client.connect(new InetSocketAddress(lo, socket.port()));
            ByteBuffer reply = ByteBuffer.allocate(NtpNtsServer.MAX_REQUEST_LENGTH);
            // the client does not wait for answers (one the server drops would block it): it reads what came
            client.configureBlocking(false);
            for (int i = 0; i < ROUND_TRIPS && (i % 256 != 0 || System.nanoTime() < deadline); i++) {
                client.write(ByteBuffer.wrap(requests.get(i % requests.size())));
                loop.serveOnce(batch);
                reply.clear();
                client.receive(reply);
            }
        } finally {
            socket.close();
        }
    }

}
