package dev.ntsfarm.core.nts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.Aead;
import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.SessionKeys;
import dev.ntsfarm.core.ntp.ServerDecision;
import dev.ntsfarm.core.ntp.SymmetricKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SessionAeadCacheTest {

    private static final byte[] NONCE = new byte[16];
    private static final byte[] AD =
            "associated data".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PLAINTEXT =
            "a plaintext longer than one block"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** One client session and the requests it sends, each with a cookie of its own. */
    private record Session(SessionKeys keys, List<NtsClientRequest> requests) {}

    /**
     * Many sessions' requests, in a random order with repeats, through scratches that cache
     * nothing, one session, {@code cachedSessions} and the default: every decision and every reply
     * byte agree.
     */
    @Property(tries = 40)
    void repliesAreByteIdenticalWithAndWithoutTheCache(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 12) int cachedSessions,
            @ForAll AeadAlgorithm alg) {
        Random r = new Random(seed);
        List<Session> sessions = sessions(alg, seed, 3 + r.nextInt(20), 4);
        int[] sizes = {0, 1, cachedSessions, NtsScratch.DEFAULT_CACHED_SESSIONS};
        NtsScratch[] scratches = new NtsScratch[sizes.length];
        CookieCodec[] codecs = new CookieCodec[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            scratches[i] =
                    new NtsScratch(InsecureNtsFixture.insecureNonces(seed + 1), sizes[i], seed);
            codecs[i] = InsecureNtsFixture.insecureCodec(seed);
        }
        int requests = 30 + r.nextInt(60);
        Map<Session, Integer> sightings = new HashMap<>();
        for (int n = 0; n < requests; n++) {
            Session s = sessions.get(r.nextInt(sessions.size()));
            sightings.merge(s, 1, Integer::sum);
            NtsClientRequest req = s.requests().get(r.nextInt(s.requests().size()));
            byte[] packet = req.packet().clone();
            boolean forged = r.nextInt(8) == 0;
            if (forged) {
                packet[packet.length - 1] ^=
                        1; // the authenticator's tag: a NAK, after C2S was looked up
            }
            ServerDecision first = null;
            byte[] firstOut = null;
            for (int i = 0; i < sizes.length; i++) {
                byte[] out = new byte[packet.length];
                ServerDecision d =
                        NtsResponder.handle(
                                packet,
                                0,
                                packet.length,
                                InsecureNtsFixture.RECEIVE,
                                InsecureNtsFixture.STATE,
                                codecs[i],
                                scratches[i],
                                SymmetricKeys.NONE,
                                () -> InsecureNtsFixture.TRANSMIT,
                                out);
                if (i == 0) {
                    first = d;
                    firstOut = out;
                    if (forged) {
                        assertInstanceOf(ServerDecision.Nak.class, d);
                    } else {
                        ServerDecision.Respond respond =
                                assertInstanceOf(ServerDecision.Respond.class, d);
                        assertInstanceOf(
                                NtsClientResponse.Result.Verified.class,
                                NtsClientResponse.verify(out, 0, respond.length(), req, s.keys()));
                    }
                } else {
                    assertEquals(first, d, "decision with " + sizes[i] + " cached sessions");
                    assertArrayEquals(firstOut, out, "reply with " + sizes[i] + " cached sessions");
                }
            }
        }
        // a key is admitted on its second sighting, so a third finds it bound
        boolean thrice = sightings.values().stream().anyMatch(n -> n >= 3);
        assertEquals(thrice, scratches[3].cachedKeyHits() > 0, "hits in the default cache");
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void evictionWithMoreSessionsThanEntriesStillAnswersEveryClient(AeadAlgorithm alg) {
        int cachedSessions = 2;
        List<Session> sessions = sessions(alg, 5, 40, 3);
        NtsScratch scratch =
                new NtsScratch(InsecureNtsFixture.insecureNonces(6), cachedSessions, 7);
        CookieCodec codec = InsecureNtsFixture.insecureCodec(5);
        for (int round = 0; round < 3; round++) {
            for (Session s : sessions) {
                for (NtsClientRequest req : s.requests()) { // three in a row: seen, admitted, found
                    byte[] out = new byte[req.packet().length];
                    ServerDecision d =
                            NtsResponder.handle(
                                    req.packet(),
                                    0,
                                    req.packet().length,
                                    InsecureNtsFixture.RECEIVE,
                                    InsecureNtsFixture.STATE,
                                    codec,
                                    scratch,
                                    SymmetricKeys.NONE,
                                    () -> InsecureNtsFixture.TRANSMIT,
                                    out);
                    ServerDecision.Respond respond =
                            assertInstanceOf(ServerDecision.Respond.class, d);
                    assertInstanceOf(
                            NtsClientResponse.Result.Verified.class,
                            NtsClientResponse.verify(out, 0, respond.length(), req, s.keys()));
                }
            }
        }
        long lookups = 3L * sessions.size() * 3 * 2;
        assertEquals(lookups, scratch.cachedKeyHits() + scratch.cachedKeyMisses());
        assertTrue(scratch.cachedKeyHits() > 0, "no third request found its keys");
        assertTrue(
                scratch.cachedKeyMisses() >= 2 * lookups / 3,
                "40 sessions fit in 2: " + scratch.cachedKeyMisses());
    }

    @Test
    void warmSessionsHitAndSessionsBeyondTheCacheMiss() {
        AeadAlgorithm alg = AeadAlgorithm.AES_SIV_CMAC_256;
        // 16 entries in sets of 8 ways: 8 keys fit whatever sets they hash to
        NtsScratch scratch = new NtsScratch(InsecureNtsFixture.insecureNonces(2), 8, 9);
        CookieCodec codec = InsecureNtsFixture.insecureCodec(1);
        List<Session> warm = sessions(alg, 1, 4, 1);
        for (int round = 0; round < 2; round++) {
            for (Session s : warm) {
                handle(codec, scratch, s.requests().get(0));
            }
        }
        assertEquals(0, scratch.cachedKeyHits(), "seen, then admitted: no hit yet");
        for (int round = 0; round < 2; round++) {
            for (Session s : warm) {
                handle(codec, scratch, s.requests().get(0));
            }
        }
        assertEquals(16, scratch.cachedKeyHits(), "rounds 3 and 4 find all 4 sessions' 8 keys");
        assertEquals(16, scratch.cachedKeyMisses());
        List<Session> cold = sessions(alg, 1, 3, 200, 1);
        for (Session s : cold) {
            handle(codec, scratch, s.requests().get(0));
        }
        assertEquals(
                16 + 400, scratch.cachedKeyMisses(), "every new session re-keys for its two keys");
        for (Session s : warm) {
            handle(codec, scratch, s.requests().get(0));
        }
        assertEquals(
                16 + 8, scratch.cachedKeyHits(), "sessions seen once do not evict returning ones");
    }

    @Test
    void uncachedScratchRebindsOnEveryLookup() {
        NtsScratch scratch = new NtsScratch(InsecureNtsFixture.insecureNonces(2), 0);
        CookieCodec codec = InsecureNtsFixture.insecureCodec(1);
        Session s = sessions(AeadAlgorithm.AES_SIV_CMAC_256, 1, 1, 1).get(0);
        for (int i = 0; i < 3; i++) {
            handle(codec, scratch, s.requests().get(0));
        }
        assertEquals(0, scratch.cachedKeyHits());
        assertEquals(6, scratch.cachedKeyMisses());
    }

    /**
     * Two keys whose hashes agree in set and tag, found by a birthday search over 32-bit tags: the
     * second is a miss bound to its own instance, never the first key's.
     */
    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void keysCollidingInTheHashNeverShareAnInstance(AeadAlgorithm alg) {
        long seed = 0x5eed;
        byte[][] pair = collidingKeys(alg, seed);
        assertFalse(Arrays.equals(pair[0], pair[1]));
        long ha = SessionAeadCache.hash(seed, pair[0], 0, alg.keyLength());
        long hb = SessionAeadCache.hash(seed, pair[1], 0, alg.keyLength());
        assertEquals(SessionAeadCache.tag(ha), SessionAeadCache.tag(hb));

        SessionAeadCache two =
                new SessionAeadCache(alg, 2, seed); // one set: both set indexes are 0
        assertSealsAs(pair[0], two.aead(pair[0], 0));
        Aead a = two.aead(pair[0], 0); // admitted
        assertSealsAs(pair[1], two.aead(pair[1], 0));
        Aead b = two.aead(pair[1], 0);
        assertNotSame(a, b);
        assertEquals(4, two.misses());
        assertSealsAs(pair[1], b);
        assertSame(a, two.aead(pair[0], 0));
        assertSealsAs(pair[0], a);
        assertSame(b, two.aead(pair[1], 0));
        assertSealsAs(pair[1], b);
        assertEquals(2, two.hits());

        SessionAeadCache one = new SessionAeadCache(alg, 1, seed);
        for (int i = 0; i < 6; i++) {
            byte[] key = pair[i & 1];
            assertSealsAs(key, one.aead(key, 0));
        }
        // the shared tag may admit one early (a ghost matches by tag); each instance still seals as
        // its key
        assertEquals(6, one.hits() + one.misses());
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void keyDifferingInOneByteIsAMiss(AeadAlgorithm alg) {
        byte[] key = InsecureNtsFixture.insecureBytes(11, alg.keyLength());
        SessionAeadCache cache = new SessionAeadCache(alg, 1024, 12);
        cache.aead(key, 0);
        Aead bound = cache.aead(key, 0);
        for (int i = 0; i < key.length; i++) {
            byte[] near = key.clone();
            near[i] ^= (byte) (1 << (i & 7));
            long misses = cache.misses();
            Aead other = cache.aead(near, 0);
            assertEquals(misses + 1, cache.misses(), "byte " + i + " changed and yet a hit");
            assertNotSame(bound, other);
            assertSealsAs(near, other);
        }
        long hits = cache.hits();
        assertSame(bound, cache.aead(key, 0), "the original key is still bound");
        assertEquals(hits + 1, cache.hits());
        assertSealsAs(key, bound);
    }

    @Test
    void keyIsReadFromItsSlice() {
        AeadAlgorithm alg = AeadAlgorithm.AES_SIV_CMAC_256;
        byte[] key = InsecureNtsFixture.insecureBytes(21, alg.keyLength());
        byte[] slice = new byte[key.length + 13];
        System.arraycopy(key, 0, slice, 13, key.length);
        SessionAeadCache cache = new SessionAeadCache(alg, 16, 22);
        cache.aead(slice, 13);
        Aead a = cache.aead(slice, 13);
        assertSealsAs(key, a);
        assertSame(a, cache.aead(key, 0));
        assertEquals(1, cache.hits());
    }

    @Test
    void clockSparesAKeyUsedSinceTheHandLastPassed() {
        AeadAlgorithm alg = AeadAlgorithm.AES_SIV_CMAC_256;
        byte[] a = InsecureNtsFixture.insecureBytes(1, alg.keyLength());
        byte[] b = InsecureNtsFixture.insecureBytes(2, alg.keyLength());
        byte[] c = InsecureNtsFixture.insecureBytes(3, alg.keyLength());
        SessionAeadCache cache = new SessionAeadCache(alg, 2, 4);
        cache.aead(a, 0);
        Aead boundA = cache.aead(a, 0);
        cache.aead(b, 0);
        Aead boundB = cache.aead(b, 0);
        assertSame(boundA, cache.aead(a, 0)); // a used again
        cache.aead(c, 0);
        Aead boundC = cache.aead(c, 0);
        assertSame(boundB, boundC, "b, never used again, is the one evicted");
        assertSealsAs(c, boundC);
        long hits = cache.hits();
        assertSame(boundA, cache.aead(a, 0));
        assertEquals(hits + 1, cache.hits());
        assertSealsAs(a, boundA);
    }

    @Test
    void aKeySeenOnceTakesNoEntry() {
        AeadAlgorithm alg = AeadAlgorithm.AES_SIV_CMAC_256;
        byte[] a = InsecureNtsFixture.insecureBytes(41, alg.keyLength());
        byte[] b = InsecureNtsFixture.insecureBytes(42, alg.keyLength());
        SessionAeadCache cache = new SessionAeadCache(alg, 8, 43);
        Aead first = cache.aead(a, 0);
        assertSame(
                first,
                cache.aead(b, 0),
                "both first sightings re-key the one instance kept for them");
        assertSealsAs(b, first);
        Aead admitted = cache.aead(a, 0);
        assertNotSame(first, admitted);
        assertSealsAs(a, admitted);
        assertSame(admitted, cache.aead(a, 0));
        assertEquals(1, cache.hits());
        assertEquals(3, cache.misses());
    }

    @Test
    void toStringShowsNoKeyBytes() {
        AeadAlgorithm alg = AeadAlgorithm.AES_SIV_CMAC_256;
        byte[] key = InsecureNtsFixture.insecureBytes(31, alg.keyLength());
        SessionAeadCache cache = new SessionAeadCache(alg, 4, 1);
        cache.aead(key, 0);
        String hex = HexFormat.of().formatHex(key, 0, 4);
        assertFalse(cache.toString().toLowerCase().contains(hex), cache.toString());
        assertTrue(cache.toString().contains("4 entries"), cache.toString());
        NtsScratch scratch = new NtsScratch((buf, off, len) -> {}, 3);
        assertTrue(scratch.toString().contains("3 cached sessions"), scratch.toString());
    }

    @Test
    void cachedSessionsOutOfRangeIsRefused() {
        assertThrows(
                IllegalArgumentException.class, () -> new NtsScratch((buf, off, len) -> {}, -1));
        assertThrows(
                IllegalArgumentException.class,
                () -> new NtsScratch((buf, off, len) -> {}, NtsScratch.MAX_CACHED_SESSIONS + 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SessionAeadCache(AeadAlgorithm.AES_SIV_CMAC_256, 0, 1));
        assertEquals(
                NtsScratch.DEFAULT_CACHED_SESSIONS,
                new NtsScratch((buf, off, len) -> {}).cachedSessions());
    }

    /**
     * Sessions of {@code alg}, each with {@code perSession} requests carrying cookies sealed by the
     * codec of {@code seed}.
     */
    private static List<Session> sessions(AeadAlgorithm alg, long seed, int count, int perSession) {
        return sessions(alg, seed, seed * 101, count, perSession);
    }

    /** As above, with the keys and request randomness drawn from {@code keySeed}. */
    private static List<Session> sessions(
            AeadAlgorithm alg, long seed, long keySeed, int count, int perSession) {
        CookieCodec codec = InsecureNtsFixture.insecureCodec(seed);
        Random r = new Random(keySeed);
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SessionKeys keys =
                    SessionKeys.of(
                            alg,
                            InsecureNtsFixture.insecureBytes(r.nextLong(), alg.keyLength()),
                            InsecureNtsFixture.insecureBytes(r.nextLong(), alg.keyLength()));
            List<NtsClientRequest> requests = new ArrayList<>();
            for (int j = 0; j < perSession; j++) {
                byte[] cookie = new byte[CookieCodec.cookieLength(alg)];
                codec.seal(keys, cookie, 0);
                requests.add(
                        NtsClientRequest.builder()
                                .cookie(cookie)
                                .placeholders(r.nextInt(3))
                                .keys(keys)
                                .random(InsecureNtsFixture.insecureNonces(r.nextLong()))
                                .transmitTimestamp(r.nextLong())
                                .build());
            }
            sessions.add(new Session(keys, requests));
        }
        return sessions;
    }

    private static void handle(CookieCodec codec, NtsScratch scratch, NtsClientRequest req) {
        byte[] out = new byte[req.packet().length];
        assertInstanceOf(
                ServerDecision.Respond.class,
                NtsResponder.handle(
                        req.packet(),
                        0,
                        req.packet().length,
                        InsecureNtsFixture.RECEIVE,
                        InsecureNtsFixture.STATE,
                        codec,
                        scratch,
                        SymmetricKeys.NONE,
                        () -> InsecureNtsFixture.TRANSMIT,
                        out));
    }

    /** {@code aead} seals exactly as a fresh instance of {@code key} does. */
    private static void assertSealsAs(byte[] key, Aead aead) {
        AeadAlgorithm alg = aead.algorithm();
        int nonceLength = alg.nonceLength();
        byte[] expected = new byte[PLAINTEXT.length + AeadAlgorithm.TAG_LENGTH];
        Aead.of(alg, key)
                .seal(
                        NONCE,
                        0,
                        nonceLength,
                        AD,
                        0,
                        AD.length,
                        PLAINTEXT,
                        0,
                        PLAINTEXT.length,
                        expected,
                        0);
        byte[] actual = new byte[expected.length];
        aead.seal(
                NONCE, 0, nonceLength, AD, 0, AD.length, PLAINTEXT, 0, PLAINTEXT.length, actual, 0);
        assertArrayEquals(expected, actual, "instance not bound to the key asked for");
    }

    /** Two different keys of {@code alg} whose hashes under {@code seed} share the 32-bit tag. */
    private static byte[][] collidingKeys(AeadAlgorithm alg, long seed) {
        Random r = new Random(seed);
        Map<Integer, byte[]> byTag = new HashMap<>();
        while (true) {
            byte[] key = new byte[alg.keyLength()];
            r.nextBytes(key);
            int tag = SessionAeadCache.tag(SessionAeadCache.hash(seed, key, 0, key.length));
            byte[] earlier = byTag.putIfAbsent(tag, key);
            if (earlier != null && !Arrays.equals(earlier, key)) {
                return new byte[][] {earlier, key};
            }
        }
    }
}
