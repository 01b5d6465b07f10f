package dev.ntsfarm.core.cookie;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The working key of a slot: HKDF-SHA256 (RFC 5869) with IKM = farm secret, salt = the slot's seed,
 * info = {@code "ntsfarm cookie key"} (ASCII) || slot (u32, big-endian), L = 32 bytes (one
 * AES-SIV-CMAC-256 key). Extract: PRK = HMAC(seed, secret); expand: T(1) = HMAC(PRK, info || 0x01).
 */
final class CookieKeyDerivation {

    static final byte[] INFO_LABEL = "ntsfarm cookie key".getBytes(StandardCharsets.US_ASCII);
    static final int KEY_LENGTH = 32;

    private CookieKeyDerivation() {}

    static byte[] workingKey(FarmSecret secret, byte[] seed, long slot) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(seed, "HmacSHA256"));
            byte[] prk = hmac.doFinal(secret.bytes());
            hmac.init(new SecretKeySpec(prk, "HmacSHA256"));
            hmac.update(INFO_LABEL);
            hmac.update(
                    new byte[] {
                        (byte) (slot >>> 24), (byte) (slot >>> 16), (byte) (slot >>> 8), (byte) slot
                    });
            hmac.update((byte) 1);
            byte[] okm = hmac.doFinal();
            java.util.Arrays.fill(prk, (byte) 0);
            return okm; // SHA-256 output is exactly KEY_LENGTH: one expand block
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without HmacSHA256", e);
        }
    }
}
