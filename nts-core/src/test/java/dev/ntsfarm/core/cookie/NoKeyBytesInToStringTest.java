package dev.ntsfarm.core.cookie;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DESIGN section 3: never log a key, a seed or a cookie's plaintext. */
class NoKeyBytesInToStringTest {

    private static void assertNoHexOf(byte[] secret, String text) {
        String hex = HexFormat.of().formatHex(secret);
        assertFalse(text.toLowerCase().contains(hex), text);
        assertFalse(text.toUpperCase().contains(hex.toUpperCase()), text);
    }

    @Test
    void ringCodecSecretSessionKeysAndDumpShowNoKeyBytes() {
        byte[] secretBytes = TestKeys.insecureBytes(1, 32);
        FarmSecret secret = FarmSecret.of(secretBytes);
        Map<Long, byte[]> seeds = TestKeys.insecureSeeds(2, 40, 42);
        MasterKeyRing ring = MasterKeyRing.of(secret, 41, seeds);
        CookieCodec codec = new CookieCodec(ring, TestKeys.insecureNonces(3));
        SessionKeys keys = TestKeys.insecureSessionKeys(AeadAlgorithm.AES_SIV_CMAC_256, 4);
        KeyDump.Decoded dump = KeyDump.decode(KeyDump.encode(seeds));

        String all = secret + " " + ring + " " + codec + " " + keys + " " + dump;
        assertTrue(all.contains("41") && all.contains("AES_SIV_CMAC_256"), all);
        assertNoHexOf(secretBytes, all);
        assertNoHexOf(keys.c2s(), all);
        assertNoHexOf(keys.s2c(), all);
        for (var e : seeds.entrySet()) {
            assertNoHexOf(e.getValue(), all);
            assertNoHexOf(CookieKeyDerivation.workingKey(secret, e.getValue(), e.getKey()), all);
        }
        for (int i = 0; i < ring.size(); i++) {
            assertNoHexOf(ring.workingKeyAtIndex(i), all);
        }
    }
}
