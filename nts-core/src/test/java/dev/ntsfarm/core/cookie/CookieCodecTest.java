package dev.ntsfarm.core.cookie;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CookieCodecTest {

    private static final long CURRENT = 1000;
    private static final FarmSecret SECRET = TestKeys.insecureFarmSecret(1);
    private static final Map<Long, byte[]> SEEDS =
            TestKeys.insecureSeeds(2, CURRENT - 3, CURRENT + 1);

    private static CookieCodec codec(
            FarmSecret secret, long current, Map<Long, byte[]> seeds, long nonceSeed) {
        return new CookieCodec(
                MasterKeyRing.of(secret, current, seeds), TestKeys.insecureNonces(nonceSeed));
    }

    private static byte[] sealed(CookieCodec codec, SessionKeys keys) {
        byte[] cookie = new byte[CookieCodec.cookieLength(keys.algorithm())];
        assertEquals(cookie.length, codec.seal(keys, cookie, 0));
        return cookie;
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void aCookieOpensUnderAnotherRingBuiltFromTheSameSeedsAndSecret(AeadAlgorithm alg) {
        SessionKeys keys = TestKeys.insecureSessionKeys(alg, 7);
        byte[] cookie = sealed(codec(SECRET, CURRENT, SEEDS, 1), keys);
        SessionKeys opened = new SessionKeys();
        assertTrue(
                codec(FarmSecret.of(TestKeys.insecureBytes(1, 32)), CURRENT, Map.copyOf(SEEDS), 99)
                        .open(cookie, 0, cookie.length, opened));
        assertEquals(alg, opened.algorithm());
        assertArrayEquals(keys.c2s(), opened.c2s());
        assertArrayEquals(keys.s2c(), opened.s2c());
    }

    @Test
    void cookieLengthsAreFixedPerAead() {
        assertEquals(104, CookieCodec.cookieLength(AeadAlgorithm.AES_SIV_CMAC_256));
        assertEquals(136, CookieCodec.cookieLength(AeadAlgorithm.AES_SIV_CMAC_384));
        assertEquals(168, CookieCodec.cookieLength(AeadAlgorithm.AES_SIV_CMAC_512));
        assertEquals(72, CookieCodec.cookieLength(AeadAlgorithm.AES_128_GCM_SIV));
    }

    @Test
    void everyCookieIsWordAlignedAsChronyRequires() {
        for (AeadAlgorithm alg : AeadAlgorithm.values()) {
            assertEquals(0, CookieCodec.cookieLength(alg) % 4, alg.name());
        }
    }

    @Test
    void aCookieOpensUnderNoOtherRing() {
        SessionKeys keys = TestKeys.insecureSessionKeys(AeadAlgorithm.AES_SIV_CMAC_256, 7);
        byte[] cookie = sealed(codec(SECRET, CURRENT, SEEDS, 1), keys);
        SessionKeys into = new SessionKeys();
        // another farm secret, same seeds
        assertFalse(
                codec(TestKeys.insecureFarmSecret(3), CURRENT, SEEDS, 1)
                        .open(cookie, 0, cookie.length, into));
        // same secret, other seeds for the same slots
        assertFalse(
                codec(SECRET, CURRENT, TestKeys.insecureSeeds(4, CURRENT - 3, CURRENT + 1), 1)
                        .open(cookie, 0, cookie.length, into));
        // same secret and seeds, but the slot is no longer in the ring
        assertFalse(
                codec(SECRET, CURRENT + 1, Map.of(CURRENT + 1, SEEDS.get(CURRENT + 1)), 1)
                        .open(cookie, 0, cookie.length, into));
        assertNull(into.algorithm(), "a failed open leaves the holder untouched");
    }

    @Test
    void cookiesFromPastSlotsOpenWithinRetentionAndNotAfter() {
        Map<Long, byte[]> seeds = TestKeys.insecureSeeds(5, 0, 20);
        SessionKeys keys = TestKeys.insecureSessionKeys(AeadAlgorithm.AES_SIV_CMAC_256, 8);
        byte[] minted =
                sealed(
                        new CookieCodec(
                                MasterKeyRing.of(SECRET, 10, seeds, 3), TestKeys.insecureNonces(1)),
                        keys);
        SessionKeys into = new SessionKeys();
        for (long now = 10; now <= 13; now++) {
            CookieCodec later =
                    new CookieCodec(
                            MasterKeyRing.of(SECRET, now, seeds, 3), TestKeys.insecureNonces(1));
            assertTrue(
                    later.open(minted, 0, minted.length, into), "slot 10 retained at slot " + now);
        }
        CookieCodec tooLate =
                new CookieCodec(MasterKeyRing.of(SECRET, 14, seeds, 3), TestKeys.insecureNonces(1));
        assertFalse(tooLate.open(minted, 0, minted.length, into));
        // a ring one slot behind already accepts cookies of its next slot (clock skew between
        // members)
        CookieCodec behind =
                new CookieCodec(MasterKeyRing.of(SECRET, 9, seeds, 3), TestKeys.insecureNonces(1));
        assertTrue(behind.open(minted, 0, minted.length, into));
    }

    @Test
    void theKeyIdIsTheCurrentSlot() {
        byte[] cookie =
                sealed(
                        codec(SECRET, CURRENT, SEEDS, 1),
                        TestKeys.insecureSessionKeys(AeadAlgorithm.AES_SIV_CMAC_256, 1));
        assertEquals(
                CURRENT,
                ((cookie[0] & 0xffL) << 24)
                        | ((cookie[1] & 0xff) << 16)
                        | ((cookie[2] & 0xff) << 8)
                        | (cookie[3] & 0xff));
    }

    @Test
    void badInputIsRejectedNotThrown() {
        CookieCodec codec = codec(SECRET, CURRENT, SEEDS, 1);
        SessionKeys into = new SessionKeys();
        assertFalse(codec.open(null, 0, 0, into));
        assertFalse(codec.open(new byte[10], 0, 10, into));
        assertFalse(codec.open(new byte[102], 5, 102, into));
        assertFalse(codec.open(new byte[102], -1, 102, into));
        assertFalse(codec.open(new byte[4000], 0, 4000, into));
    }
}
