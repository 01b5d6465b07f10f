package dev.ntsfarm.core.bench;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.config.AccessRule;
import dev.ntsfarm.core.config.AccessTable;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.ntp.LeapIndicator;
import dev.ntsfarm.core.ntp.NtpClock;
import dev.ntsfarm.core.ntp.NtpShort;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import dev.ntsfarm.core.ntp.ServerDecision;
import dev.ntsfarm.core.ntp.ServerState;
import dev.ntsfarm.core.ntp.SymmetricKeys;
import dev.ntsfarm.core.nts.NtpNtsServer;
import dev.ntsfarm.core.nts.NtsClientRequest;
import dev.ntsfarm.core.nts.NtsScratch;
import dev.ntsfarm.core.stats.ServerStats;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The whole responder decision for one NTS request, as the ntp-service calls it per datagram
 * ({@link NtpNtsServer#handle}: length, access, counters, interleaving check, then the NTS
 * decision): frame and check the fields, open the cookie, verify the authenticator with C2S, seal 1
 * + placeholders fresh cookies, build and seal the reply with S2C. Requests come from the client
 * side of nts-core, one per session, and cycle through {@code sessions} sessions: 64 is warm
 * (polling clients whose C2S and S2C AEADs the scratch keeps bound), 65536 is cold (far more
 * sessions than the scratch's {@value NtsScratch#DEFAULT_CACHED_SESSIONS}, so every request re-keys
 * both AEADs, as a new client's does). The trial fails if the warm case missed after its first two
 * cycles (a key is admitted on its second sighting) or the cold case ever hit.
 *
 * <pre>
 * ./ntsfarm jmh NtsResponderBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NtsResponderBenchmark {

    @State(Scope.Thread)
    public static class Farm {

        @Param({"15", "30"})
        public int aead;

        /** Cookie placeholders in each request: 0 is a client's steady state, 7 after losses. */
        @Param({"0"})
        public int placeholders;

        /** Sessions the requests cycle through; a power of two. */
        @Param({"64", "65536"})
        public int sessions;

        /**
         * Sessions the scratch keeps bound; {@code -p cachedSessions=0} re-keys on every request as
         * before.
         */
        @Param({"" + NtsScratch.DEFAULT_CACHED_SESSIONS})
        public int cachedSessions;

        byte[][] requests;
        byte[] out;
        NtpNtsServer server;
        CookieCodec codec;
        NtsScratch scratch;
        ServerState state;
        final NtpClock clock = () -> NtpTimestamp.bitsOfUnixNanos(1_800_000_000_000_000_000L);
        int next;
        int mask;

        @Setup(Level.Trial)
        public void setUp() {
            AeadAlgorithm alg = AeadAlgorithm.fromId(aead);
            Random r = new Random(42);
            long slot = MasterKeyRing.slotAt(1_800_000_000L, 3600);
            Map<Long, byte[]> seeds =
                    Map.of(slot - 1, bytes(r, 32), slot, bytes(r, 32), slot + 1, bytes(r, 32));
            // as ResponderLoop does: one DRBG per loop for cookie and reply nonces (NativePRNG
            // would
            // allocate some 12 KB per 4 KB batch, about 100 B per request)
            NonceSource nonces = NonceSource.of(drbg());
            codec =
                    new CookieCodec(
                            MasterKeyRing.of(FarmSecret.of(bytes(r, 32)), slot, seeds), nonces);
            scratch = new NtsScratch(nonces, cachedSessions);
            state =
                    new ServerState(
                            LeapIndicator.NO_WARNING,
                            1,
                            4,
                            -24,
                            new NtpShort(0),
                            new NtpShort(0x10),
                            0x4c4f434c,
                            NtpTimestamp.of(0xEB00_0000L, 0));
            if (Integer.bitCount(sessions) != 1) {
                throw new IllegalArgumentException(
                        "sessions " + sessions + " (expected: a power of two)");
            }
            mask = sessions - 1;
            requests = new byte[sessions][];
            for (int i = 0; i < sessions; i++) {
                SessionKeys keys =
                        SessionKeys.of(alg, bytes(r, alg.keyLength()), bytes(r, alg.keyLength()));
                byte[] cookie = new byte[CookieCodec.cookieLength(alg)];
                codec.seal(keys, cookie, 0);
                requests[i] =
                        NtsClientRequest.builder()
                                .cookie(cookie)
                                .placeholders(placeholders)
                                .keys(keys)
                                .random(nonces)
                                .transmitTimestamp(r.nextLong())
                                .build()
                                .packet();
            }
            out = new byte[NtpNtsServer.MAX_REQUEST_LENGTH];
            MasterKeyRing ring = codec.ring();
            AccessTable everyone = AccessTable.of(List.of(new AccessRule(true, false, null, 0)));
            server =
                    new NtpNtsServer(
                            new NtpNtsServer.Policy(
                                    everyone,
                                    null,
                                    SymmetricKeys.NONE,
                                    () -> ring,
                                    now -> state,
                                    clock,
                                    new ServerStats()),
                            nonces,
                            scratch,
                            1024);
            byte[] req = requests[0];
            if (!(server.handle(0, LOOPBACK, RECEIVED, req, req.length, out)
                    instanceof ServerDecision.Respond)) {
                throw new IllegalStateException("the benchmark's request is not answered");
            }
            next = 1;
        }

        /** The cache did what the case says: warm misses only on first sight, cold never hits. */
        @TearDown(Level.Trial)
        public void checkCache() {
            long hits = scratch.cachedKeyHits();
            long misses = scratch.cachedKeyMisses();
            if (cachedSessions == 0) {
                return;
            }
            boolean warm = sessions <= cachedSessions;
            // a key is admitted on its second sighting: two cycles of misses at most, then hits
            if (warm ? misses > 4L * sessions : hits > 0) {
                throw new IllegalStateException(
                        "sessions "
                                + sessions
                                + ": "
                                + hits
                                + " hits, "
                                + misses
                                + " misses (expected: "
                                + (warm ? "at most " + 4 * sessions + " misses" : "no hit")
                                + ")");
            }
        }

        private static SecureRandom drbg() {
            try {
                return SecureRandom.getInstance("DRBG");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("JDK without DRBG", e);
            }
        }

        private static byte[] bytes(Random r, int n) {
            byte[] b = new byte[n];
            r.nextBytes(b);
            return b;
        }
    }

    /** 127.0.0.1, IPv4-mapped. */
    static final long LOOPBACK = 0xFFFF_7F00_0001L;

    static final long RECEIVED = 1_800_000_000_000_000_000L;

    @Benchmark
    public ServerDecision handle(Farm f) {
        byte[] req = f.requests[f.next++ & f.mask];
        return f.server.handle(0, LOOPBACK, RECEIVED, req, req.length, f.out);
    }
}
