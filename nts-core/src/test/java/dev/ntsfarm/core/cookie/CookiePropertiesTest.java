package dev.ntsfarm.core.cookie;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class CookiePropertiesTest {

    @Property(tries = 200)
    void sealedKeysOpenBackUnchanged(
            @ForAll AeadAlgorithm alg,
            @ForAll @Size(64) byte[] c2s,
            @ForAll @Size(64) byte[] s2c,
            @ForAll @Size(32) byte[] secret,
            @ForAll @Size(16) byte[] seed,
            @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long slot,
            @ForAll @IntRange(min = 0, max = 9) int offset) {
        SessionKeys keys =
                SessionKeys.of(
                        alg,
                        Arrays.copyOf(c2s, alg.keyLength()),
                        Arrays.copyOf(s2c, alg.keyLength()));
        MasterKeyRing ring =
                MasterKeyRing.of(FarmSecret.of(secret), slot, java.util.Map.of(slot, seed));
        CookieCodec codec = new CookieCodec(ring, TestKeys.insecureNonces(slot));
        byte[] buf = new byte[offset + CookieCodec.cookieLength(alg)];
        assertEquals(CookieCodec.cookieLength(alg), codec.seal(keys, buf, offset));
        SessionKeys into = new SessionKeys();
        assertTrue(codec.open(buf, offset, buf.length - offset, into));
        assertEquals(alg, into.algorithm());
        assertArrayEquals(keys.c2s(), into.c2s());
        assertArrayEquals(keys.s2c(), into.s2c());
    }

    @Property(tries = 200)
    void slotsAreFloorOfTimeOverRotation(
            @ForAll @LongRange(min = -1_000_000_000L, max = 10_000_000_000L) long t,
            @ForAll @LongRange(min = 1, max = 1_000_000) long rotate) {
        long slot = MasterKeyRing.slotAt(t, rotate);
        assertTrue(slot * rotate <= t && t < (slot + 1) * rotate);
    }
}
