package dev.ntsfarm.core.cookie;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Randomness passed in (SecureRandom in production, deterministic in tests). */
@FunctionalInterface
public interface NonceSource {

    void nextBytes(byte[] buf, int off, int len);

    /** Bytes made at a time into each thread's buffer by {@link #of}. */
    int BATCH = 4096;

    /**
     * Bytes {@link #of} makes under one key before it draws the next from the SecureRandom: 2^26
     * AES blocks, where counter mode stays within 2^-76 of random bytes (the PRP/PRF switching
     * bound, q^2 / 2^129). A new key costs some 1.5 KB of garbage (the cipher's key schedule, the
     * DRBG's own buffers); drawn every MiB that was the last allocation left on a request's path,
     * 0.03 B per NTS reply.
     */
    int REKEY_BYTES = 1 << 30;

    /** Bytes drawn from the SecureRandom per key: an AES-128 key and the counter's start. */
    int SEED_BYTES = 32;

    /**
     * Fills slices from a keystream per thread: AES-128 in counter mode (the JDK's AES) under a key
     * and counter drawn from {@code random}, a fresh pair every {@value #REKEY_BYTES} bytes, made
     * {@value #BATCH} bytes at a time. Drawing from the SecureRandom itself costs more than the
     * rest of a request's crypto: the DRBG takes about 19 µs and allocates 200 bytes for 4 KiB
     * here, and NativePRNG allocates on every call; the keystream takes a few microseconds for the
     * same and allocates nothing. The bytes are nonces, public once sent, and counter mode under a
     * random key is indistinguishable from random (NIST SP 800-90A's CTR_DRBG is built the same
     * way), so holding a few thousand ahead is no secret at risk. Safe to share between threads
     * when {@code random} is.
     */
    static NonceSource of(SecureRandom random) {
        return of(random, REKEY_BYTES);
    }

    /** {@link #of(SecureRandom)} with a fresh key and counter every {@code rekeyBytes} bytes. */
    static NonceSource of(SecureRandom random, int rekeyBytes) {
        if (rekeyBytes < BATCH) {
            throw new IllegalArgumentException(
                    "rekeyBytes " + rekeyBytes + " (expected: at least " + BATCH + ")");
        }
        final class Keystream {
            final byte[] bytes = new byte[BATCH];
            final byte[] zeros = new byte[BATCH];
            final byte[] seed = new byte[SEED_BYTES];
            final Cipher ctr;
            int used = BATCH;
            int sinceKey = rekeyBytes;

            Keystream() {
                try {
                    ctr = Cipher.getInstance("AES/CTR/NoPadding");
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("AES/CTR is part of every JDK", e);
                }
            }

            void refill() {
                try {
                    if (sinceKey >= rekeyBytes) {
                        random.nextBytes(seed);
                        ctr.init(
                                Cipher.ENCRYPT_MODE,
                                new SecretKeySpec(seed, 0, 16, "AES"),
                                new IvParameterSpec(seed, 16, 16));
                        Arrays.fill(seed, (byte) 0);
                        sinceKey = 0;
                    }
                    ctr.update(zeros, 0, BATCH, bytes, 0);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("AES/CTR keystream: " + e, e);
                }
                sinceKey += BATCH;
                used = 0;
            }
        }
        ThreadLocal<Keystream> streams = ThreadLocal.withInitial(Keystream::new);
        return (buf, off, len) -> {
            Keystream k = streams.get();
            while (len > 0) {
                if (k.used == BATCH) {
                    k.refill();
                }
                int n = Math.min(len, BATCH - k.used);
                System.arraycopy(k.bytes, k.used, buf, off, n);
                k.used += n;
                off += n;
                len -= n;
            }
        };
    }
}
