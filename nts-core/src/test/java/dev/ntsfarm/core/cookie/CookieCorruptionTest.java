package dev.ntsfarm.core.cookie;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** chrony's cookie test habit: damage a good cookie 10,000 ways and expect each to be rejected. */
class CookieCorruptionTest {

    private static final int ITERATIONS = 10_000;

    @Test
    void everyCorruptedCookieIsRejected() {
        FarmSecret secret = TestKeys.insecureFarmSecret(11);
        Map<Long, byte[]> seeds = TestKeys.insecureSeeds(12, 100, 110);
        CookieCodec codec =
                new CookieCodec(MasterKeyRing.of(secret, 105, seeds), TestKeys.insecureNonces(13));
        Random random = new Random(14);
        AeadAlgorithm[] algs = AeadAlgorithm.values();
        SessionKeys into = new SessionKeys();
        for (int i = 0; i < ITERATIONS; i++) {
            AeadAlgorithm alg = algs[i % algs.length];
            byte[] good = new byte[CookieCodec.cookieLength(alg)];
            codec.seal(TestKeys.insecureSessionKeys(alg, i), good, 0);
            assertTrue(codec.open(good, 0, good.length, into));
            byte[] bad = corrupt(good, random);
            assertFalse(
                    codec.open(bad, 0, bad.length, into), () -> "accepted " + Arrays.toString(bad));
        }
    }

    private static byte[] corrupt(byte[] good, Random random) {
        byte[] bad = good.clone();
        switch (random.nextInt(5)) {
            case 0 -> { // flip one to four random bytes (never to the same value)
                int n = 1 + random.nextInt(4);
                for (int k = 0; k < n; k++) {
                    bad[random.nextInt(bad.length)] ^= (byte) (1 + random.nextInt(255));
                }
                if (Arrays.equals(bad, good)) {
                    bad[0] ^= 1;
                }
            }
            case 1 -> bad = Arrays.copyOf(good, random.nextInt(good.length)); // truncate
            case 2 -> { // extend with random bytes
                bad = Arrays.copyOf(good, good.length + 1 + random.nextInt(64));
                for (int k = good.length; k < bad.length; k++) {
                    bad[k] = (byte) random.nextInt();
                }
            }
            case 3 -> { // swap the key id for another slot of the ring (rotate keys)
                long slot = 100 + random.nextInt(11);
                if (slot == 105) {
                    slot = 106;
                }
                bad[2] = (byte) (slot >>> 8);
                bad[3] = (byte) slot;
            }
            default -> { // a key id no ring holds
                bad[0] = (byte) (1 + random.nextInt(255));
            }
        }
        return bad;
    }
}
