package dev.ntsfarm.core.cookie;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
                    "farm secret of "
                            + secret.length
                            + " bytes (expected: at least "
                            + MIN_LENGTH
                            + ")");
        }
        return new FarmSecret(secret.clone());
    }

    /**
     * A 32-byte key for another use of the farm secret than cookie keys, kept apart by its label:
     * HMAC-SHA256(key = the secret, message = {@code "ntsfarm "} || label) (a PRF over a uniformly
     * random key of at least 256 bits). The farm's cluster entries are authenticated under one.
     */
    public byte[] derive(String label) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
            hmac.update("ntsfarm ".getBytes(StandardCharsets.US_ASCII));
            return hmac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without HmacSHA256", e);
        }
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
