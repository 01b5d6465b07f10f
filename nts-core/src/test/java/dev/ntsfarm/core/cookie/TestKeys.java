package dev.ntsfarm.core.cookie;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Deterministic keys and randomness for tests only: never use these outside a test. */
final class TestKeys {
    private TestKeys() {}

    static byte[] insecureBytes(long seed, int len) {
        byte[] b = new byte[len];
        new Random(seed).nextBytes(b);
        return b;
    }

    static FarmSecret insecureFarmSecret(long seed) {
        return FarmSecret.of(insecureBytes(seed, 32));
    }

    /** Seeds for slots {@code from..to}, each derived from {@code seed} and the slot. */
    static Map<Long, byte[]> insecureSeeds(long seed, long from, long to) {
        Map<Long, byte[]> seeds = new TreeMap<>();
        for (long s = from; s <= to; s++) {
            seeds.put(s, insecureBytes(seed * 1_000_003 + s, 32));
        }
        return seeds;
    }

    static NonceSource insecureNonces(long seed) {
        Random r = new Random(seed);
        return (buf, off, len) -> {
            for (int i = 0; i < len; i++) {
                buf[off + i] = (byte) r.nextInt();
            }
        };
    }

    static SessionKeys insecureSessionKeys(AeadAlgorithm alg, long seed) {
        return SessionKeys.of(
                alg, insecureBytes(seed, alg.keyLength()), insecureBytes(~seed, alg.keyLength()));
    }
}
