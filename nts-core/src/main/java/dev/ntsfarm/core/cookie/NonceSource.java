package dev.ntsfarm.core.cookie;

import java.security.SecureRandom;

/** Randomness passed in (SecureRandom in production, deterministic in tests). */
@FunctionalInterface
public interface NonceSource {

    void nextBytes(byte[] buf, int off, int len);

    /**
     * Fills slices from {@code random}. Safe to share between threads when {@code random} is;
     * each thread draws through its own scratch buffer, so no call allocates once warm.
     */
    static NonceSource of(SecureRandom random) {
        ThreadLocal<byte[]> scratch = ThreadLocal.withInitial(() -> new byte[CookieCodec.NONCE_LENGTH]);
        return (buf, off, len) -> {
            byte[] s = scratch.get();
            if (s.length != len) {
                s = new byte[len];
                scratch.set(s);
            }
            random.nextBytes(s);
            System.arraycopy(s, 0, buf, off, len);
        };
    }
}
