package dev.ntsfarm.core.bench;

import dev.ntsfarm.core.aead.Aead;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.FarmSecret;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import java.security.SecureRandom;
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

/**
 * The NTS responder's crypto per request (RFC 8915 section 5.7): open the cookie, verify the
 * authenticator over the request (AD = the request up to the authenticator, empty plaintext), seal
 * one fresh cookie, and seal the response's encrypted field holding that cookie's extension field.
 * Requests cycle through {@value #SESSIONS} sessions and every request re-keys one AEAD for C2S and
 * S2C: the cold reference, what a session the responder's cache does not hold costs ({@code
 * NtsResponderBenchmark} measures the warm case through {@code NtsScratch}).
 *
 * <pre>
 * mvn -q -o -pl nts-core dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp nts-core/target/test-classes:nts-core/target/classes:$(cat /tmp/cp.txt) \
 *     org.openjdk.jmh.Main ResponderCrypto -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ResponderCryptoBenchmark {

    static final int SESSIONS = 64;
    static final int NTP_HEADER = 48;
    static final int UID_FIELD = 4 + 32;
    static final int EF_HEADER = 4;

    /** Authenticator body: nonce length u16, ciphertext length u16 (RFC 8915 section 5.6). */
    static final int AUTH_LENGTHS = 4;

    static final int NONCE = 16;

    @State(Scope.Thread)
    public static class Responder {

        @Param({"15", "30"})
        public int aead;

        AeadAlgorithm alg;
        CookieCodec codec;
        Aead sessionAead;
        final SessionKeys keys = new SessionKeys();
        byte[][] requests;
        int adLength;
        int cookieOffset;
        int cookieLength;
        int authNonceOffset;
        int authSealedOffset;
        int nonceLength;
        byte[] freshCookieField;
        byte[] response;
        byte[] scratch = new byte[64];
        NonceSource nonces;
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            alg = AeadAlgorithm.fromId(aead);
            Random r = new Random(42);
            byte[] secret = new byte[32];
            r.nextBytes(secret);
            long slot = MasterKeyRing.slotAt(1_800_000_000L, 3600);
            Map<Long, byte[]> seeds =
                    Map.of(slot - 1, bytes(r, 32), slot, bytes(r, 32), slot + 1, bytes(r, 32));
            nonces = NonceSource.of(new SecureRandom());
            codec = new CookieCodec(MasterKeyRing.of(FarmSecret.of(secret), slot, seeds), nonces);
            nonceLength = alg.nonceLength();
            cookieLength = CookieCodec.cookieLength(alg);
            int cookieField = pad4(EF_HEADER + cookieLength);
            cookieOffset = NTP_HEADER + UID_FIELD + EF_HEADER;
            adLength = NTP_HEADER + UID_FIELD + cookieField;
            authNonceOffset = adLength + EF_HEADER + AUTH_LENGTHS;
            authSealedOffset = authNonceOffset + pad4(nonceLength);
            int requestLength = authSealedOffset + AeadAlgorithm.TAG_LENGTH;
            requests = new byte[SESSIONS][];
            for (int i = 0; i < SESSIONS; i++) {
                byte[] req = bytes(r, requestLength);
                SessionKeys k =
                        SessionKeys.of(alg, bytes(r, alg.keyLength()), bytes(r, alg.keyLength()));
                codec.seal(k, req, cookieOffset);
                Aead c2s = Aead.of(alg, k.c2s());
                c2s.seal(
                        req,
                        authNonceOffset,
                        nonceLength,
                        req,
                        0,
                        adLength,
                        req,
                        0,
                        0,
                        req,
                        authSealedOffset);
                requests[i] = req;
            }
            freshCookieField = new byte[cookieField];
            // response: header + UID + authenticator with the fresh cookie field encrypted inside
            response =
                    new byte
                            [NTP_HEADER
                                    + UID_FIELD
                                    + EF_HEADER
                                    + AUTH_LENGTHS
                                    + NONCE
                                    + cookieField
                                    + AeadAlgorithm.TAG_LENGTH];
            sessionAead = Aead.of(alg, new byte[alg.keyLength()]);
        }

        private static byte[] bytes(Random r, int n) {
            byte[] b = new byte[n];
            r.nextBytes(b);
            return b;
        }

        private static int pad4(int n) {
            return (n + 3) & ~3;
        }
    }

    @Benchmark
    public int perRequest(Responder s) {
        byte[] req = s.requests[s.next++ & (SESSIONS - 1)];
        if (!s.codec.open(req, s.cookieOffset, s.cookieLength, s.keys)) {
            throw new IllegalStateException("cookie did not open");
        }
        Aead aead = s.sessionAead;
        aead.init(s.keys.c2s(), 0);
        if (aead.open(
                        req,
                        s.authNonceOffset,
                        s.nonceLength,
                        req,
                        0,
                        s.adLength,
                        req,
                        s.authSealedOffset,
                        AeadAlgorithm.TAG_LENGTH,
                        s.scratch,
                        0)
                != 0) {
            throw new IllegalStateException("authenticator did not verify");
        }
        byte[] field = s.freshCookieField;
        s.codec.seal(s.keys, field, EF_HEADER);
        byte[] resp = s.response;
        int nonceOff = NTP_HEADER + UID_FIELD + EF_HEADER + AUTH_LENGTHS;
        s.nonces.nextBytes(resp, nonceOff, s.nonceLength);
        aead.init(s.keys.s2c(), 0);
        return aead.seal(
                resp,
                nonceOff,
                s.nonceLength,
                resp,
                0,
                NTP_HEADER + UID_FIELD,
                field,
                0,
                field.length,
                resp,
                nonceOff + NONCE);
    }

    @State(Scope.Thread)
    public static class Sealing {
        final byte[] nonce = new byte[NONCE];
        final byte[] ad = new byte[NTP_HEADER + UID_FIELD];
        final byte[] plaintext = new byte[108];
        final byte[] out = new byte[108 + AeadAlgorithm.TAG_LENGTH];
        final byte[] otherKey = new byte[32];
        Aead siv;
        Aead gcmSiv;

        @Setup(Level.Trial)
        public void setUp() {
            Random r = new Random(7);
            r.nextBytes(nonce);
            r.nextBytes(ad);
            r.nextBytes(plaintext);
            r.nextBytes(otherKey);
            byte[] key = new byte[32];
            r.nextBytes(key);
            siv = Aead.of(AeadAlgorithm.AES_SIV_CMAC_256, key);
            gcmSiv = Aead.of(AeadAlgorithm.AES_128_GCM_SIV, java.util.Arrays.copyOf(key, 16));
        }
    }

    /** AES-SIV-CMAC-256 seal of a response-sized message under a key already bound. */
    @Benchmark
    public int sivSeal(Sealing s) {
        return s.siv.seal(
                s.nonce,
                0,
                NONCE,
                s.ad,
                0,
                s.ad.length,
                s.plaintext,
                0,
                s.plaintext.length,
                s.out,
                0);
    }

    /** AES-128-GCM-SIV seal of the same message. */
    @Benchmark
    public int gcmSivSeal(Sealing s) {
        return s.gcmSiv.seal(
                s.nonce, 0, 12, s.ad, 0, s.ad.length, s.plaintext, 0, s.plaintext.length, s.out, 0);
    }

    /** What re-binding an AES-SIV instance to a new session key costs (JDK key schedule). */
    @Benchmark
    public Aead sivRekey(Sealing s) {
        // change both halves, or the JDK sees the CTR half unchanged and skips its key schedule
        s.otherKey[0]++;
        s.otherKey[31]++;
        s.siv.init(s.otherKey, 0);
        return s.siv;
    }
}
