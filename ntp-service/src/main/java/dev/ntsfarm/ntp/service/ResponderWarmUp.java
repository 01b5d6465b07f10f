package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.config.AccessRule;
import dev.ntsfarm.core.config.AccessTable;
import dev.ntsfarm.core.config.RateLimit;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.ntp.ClientRateLimiter;
import dev.ntsfarm.core.ntp.NtpHeader;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.core.ntp.TransmitDelay;
import dev.ntsfarm.core.nts.NtpNtsServer;
import dev.ntsfarm.core.nts.NtsClientRequest;
import dev.ntsfarm.core.stats.ServerStats;
import dev.ntsfarm.socket.DatagramBatch;
import dev.ntsfarm.socket.SocketAddresses;
import dev.ntsfarm.socket.TimestampedSocket;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import javax.management.ObjectName;

/**
 * Keeps the responder's whole path, decision and socket, compiled by the JIT's top tier, so that a
 * reply's transmit timestamp is read a few microseconds before the kernel sends it, from the first
 * answer on.
 *
 * <p>A time server reads its transmit timestamp before the reply is sealed and sent. Run by the
 * interpreter or by the JIT's first, profiling tier, what follows that read took 100-300 µs here,
 * and a client's offset is off by half of it: a freshly started farm's first answers were 50-150 µs
 * off, and so were a quiet farm's answers hours later, because requests seconds apart never reach
 * the JIT's thresholds again after a deoptimization. Two remedies, both through {@link Practice}, a
 * responder of its own (its own access table copy, limiter, counters and interleaved table, so no
 * real client or count is touched) on a loopback socket of its own, over the same classes:
 *
 * <ul>
 *   <li>{@link #run}, before serving: decisions and round trips until the JIT has compiled the path
 *       at its top tier (HotSpot's code list says so) and then compiles nothing more or a second
 *       has passed, or a time bound;
 *   <li>{@link ResponderLoop} practises a round trip whenever its socket was idle for a receive
 *       timeout, so whatever a real request deoptimized is compiled again within a second or so,
 *       and one more before the first batch after such a spell, whose caches other threads had (a
 *       client's NTS-KE comes just before its first request).
 * </ul>
 *
 * What is left between the reading and the send, the practice measures too: its server shares the
 * real thread's {@link TransmitDelay}.
 */
final class ResponderWarmUp {

    /**
     * How long the start-up warm-up may take at most: on a machine too loaded to finish, serving
     * matters more.
     */
    static final long MAX_NANOS = 15_000_000_000L;

    /** One round of the warm-up runs at least this long before the JIT's state is looked at. */
    static final long ROUND_NANOS = 50_000_000L;

    /**
     * Rounds in a row with the path at its top tier, the last with the JIT idle, to call it done.
     */
    static final int QUIET_ROUNDS = 3;

    /**
     * Rounds in a row with the path at its top tier to call it done even while the JIT still
     * compiles (the rest of a starting process keeps it busy for seconds).
     */
    static final int COMPILED_ROUNDS = 20;

    /** Round trips an idle responder thread practises per receive timeout. */
    static final int IDLE_ROUND_TRIPS = 1;

    /**
     * The methods that must run as top-tier compiled code (the rest of the path is inlined into
     * them).
     */
    static final List<String> HOT_METHODS =
            List.of(
                    ResponderLoop.class.getName() + ".serveOnce(",
                    NtpNtsServer.class.getName() + ".handle(",
                    "dev.ntsfarm.core.nts.NtsResponder.handle(");

    private static final int TOP_TIER = 4;

    private static final System.Logger LOG = System.getLogger(ResponderWarmUp.class.getName());
    private static final long TEST_NET_HIGH = 0;
    private static final long TEST_NET_LOW = 0xFFFF_C000_0201L; // 192.0.2.1, never a real client

    private ResponderWarmUp() {}

    /** What {@link #run} did. */
    record Result(long millis, long decisions, long roundTrips, boolean compiled) {}

    /**
     * Runs the path {@code policy} serves until the JIT has compiled it, over sockets bound as
     * {@code binds} are (their families), at most {@link #MAX_NANOS}.
     */
    static Result run(NtpNtsServer.Policy policy, List<InetAddress> binds) {
        long start = System.nanoTime();
        long deadline = start + MAX_NANOS;
        List<InetAddress> loopbacks = new ArrayList<>();
        for (InetAddress b : binds) {
            for (InetAddress l : loopbacks(b)) {
                if (!loopbacks.contains(l)) {
                    loopbacks.add(l);
                }
            }
        }
        Practice practice;
        try {
            practice = Practice.open(policy, loopbacks, new TransmitDelay());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "responder warm-up without sockets: " + e);
            practice = Practice.unbound(policy);
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long lastJit = timed ? jit.getTotalCompilationTime() : 0;
        int compiledRounds = 0;
        long n = 0;
        long trips = 0;
        boolean compiled = false;
        try {
            while (System.nanoTime() < deadline) {
                long roundEnd = System.nanoTime() + ROUND_NANOS;
                do {
                    n += practice.decisions(256);
                    trips += practice.roundTrips(32 * Math.max(1, loopbacks.size()));
                } while (System.nanoTime() < roundEnd);
                long nowJit = timed ? jit.getTotalCompilationTime() : 0;
                compiled = topTier();
                compiledRounds = compiled ? compiledRounds + 1 : 0;
                boolean jitIdle = nowJit == lastJit;
                lastJit = nowJit;
                if ((compiledRounds >= QUIET_ROUNDS && jitIdle)
                        || compiledRounds >= COMPILED_ROUNDS) {
                    break;
                }
            }
        } finally {
            practice.close();
        }
        return new Result((System.nanoTime() - start) / 1_000_000, n, trips, compiled);
    }

    /**
     * Whether every method of {@link #HOT_METHODS} has live top-tier code, from HotSpot's code list
     * ({@code jcmd PID Compiler.codelist}: compile id, tier, state 0 for live, method); true where
     * the list cannot be read, so the caller goes by the compiler's quiet alone.
     */
    static boolean topTier() {
        String list;
        try {
            list =
                    (String)
                            ManagementFactory.getPlatformMBeanServer()
                                    .invoke(
                                            new ObjectName(
                                                    "com.sun.management:type=DiagnosticCommand"),
                                            "compilerCodelist",
                                            new Object[] {null},
                                            new String[] {String[].class.getName()});
        } catch (Exception | LinkageError e) {
            return true;
        }
        boolean[] found = new boolean[HOT_METHODS.size()];
        for (String line : (Iterable<String>) list.lines()::iterator) {
            String[] f = line.split(" ", 4);
            if (f.length < 4 || !f[1].equals(String.valueOf(TOP_TIER)) || !f[2].equals("0")) {
                continue;
            }
            for (int i = 0; i < found.length; i++) {
                found[i] |= f[3].startsWith(HOT_METHODS.get(i));
            }
        }
        for (boolean b : found) {
            if (!b) {
                return false;
            }
        }
        return true;
    }

    /**
     * The loopback addresses to practise for a socket bound to {@code bound}: both families for the
     * IPv6 wildcard (a dual-stack socket: IPv4 clients reach it too), else its own family's.
     */
    static List<InetAddress> loopbacks(InetAddress bound) {
        if (bound instanceof Inet6Address) {
            return bound.isAnyLocalAddress()
                    ? List.of(IPV6_LOOPBACK, IPV4_LOOPBACK)
                    : List.of(IPV6_LOOPBACK);
        }
        return List.of(IPV4_LOOPBACK);
    }

    private static final InetAddress IPV6_LOOPBACK = Inet6Address.ofLiteral("::1");
    private static final InetAddress IPV4_LOOPBACK = Inet4Address.ofLiteral("127.0.0.1");

    /**
     * A responder of its own with a loopback socket of its own per address family and a client
     * there: runs the real loop's turn ({@link ResponderLoop#serveOnce}) on made-up requests, plain
     * (basic and asking for interleaving) and, with farm keys, NTS with AEAD 15 and 30. Its server
     * has the same kind of nonce source as the real ones and shares the real thread's {@link
     * TransmitDelay}, so what it practises also measures that thread's path. Used by one thread.
     */
    static final class Practice implements AutoCloseable {
        private final NtpNtsServer server;
        private final NtpNtsServer.Policy real;
        private final SecureRandom random = new SecureRandom();
        private final Lane[] lanes;
        private final byte[] out = new byte[NtpNtsServer.MAX_REQUEST_LENGTH];
        private final byte[] rehearsal = new byte[NtpHeader.LENGTH];

        /** The one hook object every server of this thread runs before a cold transmit reading. */
        private final Runnable rehearsalHook = this::rehearseSend;

        private final DatagramBatch rehearsalBatch;
        private List<ByteBuffer> requests;
        private MasterKeyRing ring;
        private CookieCodec codec;
        private NonceSource nonces;
        private int next;
        private int turn;
        private Lane rehearseOn;

        /** One family's socket, its loop's turn and a client there. */
        private record Lane(
                TimestampedSocket socket,
                ResponderLoop loop,
                DatagramBatch batch,
                DatagramChannel client,
                long clientHigh,
                long clientLow,
                int clientPort,
                ByteBuffer reply,
                boolean ipv4) {}

        private Practice(NtpNtsServer.Policy real, List<InetAddress> loopbacks, TransmitDelay delay)
                throws IOException {
            this.real = real;
            // the real access table where it lets loopback in (the same table, the same branches),
            // else
            // all (the sockets are bound to loopback: only this host reaches them)
            boolean realLetsIn = true;
            for (InetAddress l : loopbacks) {
                long[] a = SocketAddresses.toLongs(l);
                realLetsIn &= real.access().allows(a[0], a[1]);
            }
            AccessTable access =
                    realLetsIn
                            ? real.access()
                            : AccessTable.of(List.of(new AccessRule(true, false, null, 0)));
            ClientRateLimiter limiter =
                    real.rateLimiter() == null
                            ? null
                            : ClientRateLimiter.of(new RateLimit(-19, 255, 4, 0), 0);
            NtpNtsServer.Policy own =
                    new NtpNtsServer.Policy(
                            access,
                            limiter,
                            real.symmetricKeys(),
                            real.keyRing(),
                            real.state(),
                            real.clock(),
                            new ServerStats());
            this.server = new NtpNtsServer(own, NonceSource.of(NtpResponder.drbg()), 256, delay);
            this.requests = requests();
            List<Lane> made = new ArrayList<>();
            try {
                for (InetAddress l : loopbacks) {
                    made.add(lane(l));
                }
            } catch (IOException | RuntimeException e) {
                for (Lane l : made) {
                    close(l);
                }
                throw e;
            }
            this.lanes = made.toArray(new Lane[0]);
            this.rehearseOn = lanes.length == 0 ? null : lanes[0];
            this.rehearsalBatch = lanes.length == 0 ? null : new DatagramBatch(1, NtpHeader.LENGTH);
            // its own server runs the same hook as the real one, so the JIT has seen that branch
            // and type
            server.beforeTransmit(rehearsalHook);
        }

        /**
         * What a real server of this thread runs just before a cold reply's transmit timestamp is
         * read ({@link NtpNtsServer#beforeTransmit}): {@link #rehearseSend}, as this practice's own
         * server does.
         */
        Runnable rehearsal() {
            return rehearsalHook;
        }

        private Lane lane(InetAddress loopback) throws IOException {
            TimestampedSocket s =
                    TimestampedSocket.bind(
                            loopback,
                            0,
                            TimestampedSocket.Options.DEFAULT
                                    .withReusePort(false)
                                    .withReceiveTimeoutMillis(100));
            DatagramChannel c = null;
            try {
                c = DatagramChannel.open();
                c.connect(new InetSocketAddress(loopback, s.port()));
                // the client never waits for an answer (one the server drops would block it): it
                // reads what came
                c.configureBlocking(false);
                long[] a = SocketAddresses.toLongs(loopback);
                return new Lane(
                        s,
                        new ResponderLoop(s, server, real.clock(), "ntp-practice", null),
                        new DatagramBatch(
                                ResponderLoop.RECV_BATCH, NtpNtsServer.MAX_REQUEST_LENGTH),
                        c,
                        a[0],
                        a[1],
                        ((InetSocketAddress) c.getLocalAddress()).getPort(),
                        ByteBuffer.allocateDirect(NtpNtsServer.MAX_REQUEST_LENGTH),
                        loopback instanceof Inet4Address);
            } catch (IOException | RuntimeException e) {
                s.close();
                if (c != null) {
                    c.close();
                }
                throw e;
            }
        }

        /**
         * A practice over sockets bound to {@code loopbacks} (127.0.0.1, ::1), ports ephemeral,
         * measuring {@code delay}.
         */
        static Practice open(
                NtpNtsServer.Policy real, List<InetAddress> loopbacks, TransmitDelay delay)
                throws IOException {
            return new Practice(real, loopbacks, delay);
        }

        /** A practice of decisions only, for a host where no loopback socket binds. */
        static Practice unbound(NtpNtsServer.Policy real) {
            try {
                return new Practice(real, List.of(), new TransmitDelay());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * The next made-up request: one in four from a session nobody used before (a client's first
         * request after NTS-KE binds new keys), the rest from the list.
         */
        private ByteBuffer nextRequest() {
            int k = next++;
            if (ring != null && (k & 3) == 3) {
                return fresh(
                        (k & 4) == 0
                                ? AeadAlgorithm.AES_SIV_CMAC_256
                                : AeadAlgorithm.AES_128_GCM_SIV,
                        k & 7);
            }
            return requests.get(k % requests.size());
        }

        /** {@code count} decisions without a socket; returns how many ran. */
        int decisions(int count) {
            refresh();
            long now = System.currentTimeMillis() * 1_000_000L;
            for (int i = 0; i < count; i++) {
                // as if idle before each eighth, so the rehearsed path is compiled too
                now += (i & 7) == 0 ? NtpNtsServer.REHEARSE_AFTER_IDLE_NANOS + 1 : 1000;
                ByteBuffer r = nextRequest();
                server.handle(TEST_NET_HIGH, TEST_NET_LOW, now, r.array(), r.limit(), out);
            }
            return count;
        }

        /**
         * {@code count} requests through the sockets (the families in turn) and the loop's turn;
         * returns how many went round.
         */
        int roundTrips(int count) {
            if (lanes.length == 0) {
                return 0;
            }
            refresh();
            int done = 0;
            for (int i = 0; i < count; i++) {
                if (!roundTrip(lanes[turn++ % lanes.length])) {
                    break;
                }
                done++;
            }
            return done;
        }

        /**
         * One round trip over the {@link #select selected} family, just before a real batch is
         * served.
         */
        void preflight() {
            if (rehearseOn != null) {
                refresh();
                roundTrip(rehearseOn);
            }
        }

        private boolean roundTrip(Lane l) {
            try {
                l.client().write(nextRequest().duplicate());
                if (l.loop().serveOnce(l.batch()) <= 0) {
                    return false;
                }
                do {
                    // the answer, and any rehearsal datagrams sent here since
                    l.reply().clear();
                } while (l.client().receive(l.reply()) != null);
                return true;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "practice round trip: " + e);
                return false;
            }
        }

        /**
         * The family {@link #rehearseSend} uses next: that of a real request from {@code high:low}.
         */
        void select(long high, long low) {
            if (lanes.length > 1) {
                boolean v4 = SocketAddresses.isIpv4(high, low);
                for (Lane l : lanes) {
                    if (l.ipv4() == v4) {
                        rehearseOn = l;
                    }
                }
            }
        }

        /**
         * Sends one datagram through this practice's socket of the {@link #select selected} family
         * to its own client, the way a reply goes: run just before a cold reply's transmit
         * timestamp is read, it brings the send path (the system call, the kernel's UDP and
         * loopback code) into the caches, so the real reply leaves soon after that read. Only on
         * the thread that owns this practice.
         */
        void rehearseSend() {
            Lane l = rehearseOn;
            if (l != null
                    && rehearsalBatch.queueTo(
                            l.socket(),
                            l.clientHigh(),
                            l.clientLow(),
                            l.clientPort(),
                            rehearsal,
                            rehearsal.length,
                            false,
                            0)) {
                rehearsalBatch.send(l.socket());
            }
        }

        /** A request of a session of its own, never seen before. */
        private ByteBuffer fresh(AeadAlgorithm alg, int placeholders) {
            byte[] c2s = new byte[alg.keyLength()];
            byte[] s2c = new byte[alg.keyLength()];
            random.nextBytes(c2s);
            random.nextBytes(s2c);
            SessionKeys keys = SessionKeys.of(alg, c2s, s2c);
            byte[] cookie = new byte[CookieCodec.cookieLength(alg)];
            codec.seal(keys, cookie, 0);
            return ByteBuffer.wrap(
                    NtsClientRequest.builder()
                            .cookie(cookie)
                            .keys(keys)
                            .random(nonces)
                            .placeholders(placeholders)
                            .transmitTimestamp(random.nextLong())
                            .build()
                            .packet());
        }

        /** New NTS requests when the farm's key ring was swapped (old cookies stop opening). */
        private void refresh() {
            Supplier<MasterKeyRing> keys = real.keyRing();
            if (keys != null && keys.get() != ring) {
                requests = requests();
            }
        }

        /**
         * Plain requests (basic and as an interleaving client sends them) and, with farm keys, NTS
         * ones.
         */
        private List<ByteBuffer> requests() {
            List<ByteBuffer> made = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] plain = new byte[NtpHeader.LENGTH];
                plain[0] = 0x23;
                // odd origins: asks for interleaving, and finds nothing held
                NtpTimestamp.writeBits(
                        (i & 1) == 0 ? 0 : random.nextLong() | 1,
                        plain,
                        NtpHeader.OFFSET_ORIGIN_TIMESTAMP);
                NtpTimestamp.writeBits(
                        random.nextLong(), plain, NtpHeader.OFFSET_RECEIVE_TIMESTAMP);
                NtpTimestamp.writeBits(
                        random.nextLong(), plain, NtpHeader.OFFSET_TRANSMIT_TIMESTAMP);
                made.add(ByteBuffer.wrap(plain));
            }
            ring = real.keyRing() != null ? real.keyRing().get() : null;
            if (ring == null) {
                return made;
            }
            nonces = NonceSource.of(random);
            codec = new CookieCodec(ring, nonces);
            for (AeadAlgorithm alg :
                    List.of(AeadAlgorithm.AES_SIV_CMAC_256, AeadAlgorithm.AES_128_GCM_SIV)) {
                for (int s = 0; s < 16; s++) {
                    made.add(fresh(alg, s % 8));
                }
            }
            // mixed, so every few requests run each branch
            Collections.shuffle(made, random);
            return made;
        }

        @Override
        public void close() {
            for (Lane l : lanes) {
                close(l);
            }
            if (rehearsalBatch != null) {
                rehearsalBatch.close();
            }
        }

        private static void close(Lane l) {
            l.socket().close();
            l.batch().close();
            try {
                l.client().close();
            } catch (IOException e) {
                // nothing to keep
            }
        }
    }
}
