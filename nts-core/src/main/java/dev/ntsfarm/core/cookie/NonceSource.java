package dev.ntsfarm.core.cookie;

import java.security.SecureRandom;

/** Randomness passed in (SecureRandom in production, deterministic in tests). */
@FunctionalInterface
public interface NonceSource {

    void nextBytes(byte[] buf, int off, int len);

    /** Bytes drawn from the SecureRandom at a time by {@link #of}. */
    int BATCH = 4096;

    /**
     * Fills slices from {@code random}, drawn {@value #BATCH} bytes at a time into a buffer per
     * thread: the default SecureRandom on Linux (NativePRNG) costs microseconds and allocates on
     * every call, which per packet would dominate the responder's crypto. The bytes are nonces,
     * public once sent, so holding a few thousand ahead is no secret at risk. Safe to share
     * between threads when {@code random} is.
     */
    static NonceSource of(SecureRandom random) {
        final class Batch {
            final byte[] bytes = new byte[BATCH];
            int used = BATCH;
        }
        ThreadLocal<Batch> batches = ThreadLocal.withInitial(Batch::new);
        return (buf, off, len) -> {
            Batch b = batches.get();
            while (len > 0) {
                if (b.used == BATCH) {
                    random.nextBytes(b.bytes);
                    b.used = 0;
                }
                int n = Math.min(len, BATCH - b.used);
                System.arraycopy(b.bytes, b.used, buf, off, n);
                b.used += n;
                off += n;
                len -= n;
            }
        };
    }
}
