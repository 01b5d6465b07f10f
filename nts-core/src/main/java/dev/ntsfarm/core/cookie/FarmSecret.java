package dev.ntsfarm.core.cookie;

import java.util.Arrays;

/**
 * The farm secret: local bytes (at least {@value #MIN_LENGTH}) that never enter the cluster. Mixed
 * with each slot's seed into its working key (DESIGN section 3), so the seeds alone open nothing.
 */
public final class FarmSecret {

    /** As long as the working key it keys (HKDF-SHA256's IKM, RFC 5869). */
    public static final int MIN_LENGTH = 32;

    private final byte[] secret;

    private FarmSecret(byte[] secret) {
        this.secret = secret;
    }

    /**
     * A copy of {@code secret}.
     *
     * @throws IllegalArgumentException when shorter than {@value #MIN_LENGTH} bytes
     */
    public static FarmSecret of(byte[] secret) {
        if (secret.length < MIN_LENGTH) {
            throw new IllegalArgumentException(
                    "farm secret of " + secret.length + " bytes (expected: at least " + MIN_LENGTH + ")");
        }
        return new FarmSecret(secret.clone());
    }

    /** The backing bytes, for key derivation in this package only. */
    byte[] bytes() {
        return secret;
    }

    @Override
    public String toString() {
        return "FarmSecret[" + secret.length + " bytes]";
    }
}
