package dev.ntsfarm.control;

import dev.ntsfarm.core.keyfile.MacAlgorithm;
import dev.ntsfarm.core.keyfile.SymmetricKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The authenticator an operational call carries (DESIGN 6): an HMAC made with the command key over
 * the method's full name, a timestamp, a nonce and the request's bytes, sent as request headers.
 * The HMAC's hash is the key's own (MD5, SHA1, SHA256, ...); an AES (CMAC) key is used with
 * HMAC-SHA256. The server checks the key id, the timestamp's freshness, that the nonce was not seen
 * before and the HMAC, compared in constant time.
 */
public final class CommandAuthenticator {

    /**
     * The command key's id, when the caller knows it (optional: {@code password} gives a key
     * without one).
     */
    public static final String HEADER_KEY = "ntsfarm-auth-key";

    /** Milliseconds since the Unix epoch when the call was made. */
    public static final String HEADER_TIME = "ntsfarm-auth-time";

    /** {@link #NONCE_LENGTH} random bytes in hex, never used twice. */
    public static final String HEADER_NONCE = "ntsfarm-auth-nonce";

    /** The HMAC in hex. */
    public static final String HEADER_MAC = "ntsfarm-auth-mac";

    public static final int NONCE_LENGTH = 16;
    private static final byte[] LABEL = "ntsfarm control v1".getBytes(StandardCharsets.US_ASCII);

    private CommandAuthenticator() {}

    /**
     * The headers that authenticate one call of {@code fullMethod} with {@code request} as its
     * body.
     */
    public static Map<String, String> headers(
            SymmetricKey key,
            boolean sendKeyId,
            String fullMethod,
            byte[] request,
            long nowMillis,
            SecureRandom random) {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        Map<String, String> h = new LinkedHashMap<>();
        if (sendKeyId) {
            h.put(HEADER_KEY, Long.toString(key.id()));
        }
        h.put(HEADER_TIME, Long.toString(nowMillis));
        h.put(HEADER_NONCE, HexFormat.of().formatHex(nonce));
        h.put(
                HEADER_MAC,
                HexFormat.of().formatHex(mac(key, fullMethod, nowMillis, nonce, request)));
        return h;
    }

    /** The HMAC over label, method, time, nonce and request. */
    public static byte[] mac(
            SymmetricKey key, String fullMethod, long timeMillis, byte[] nonce, byte[] request) {
        try {
            String alg = hmacName(key.algorithm());
            Mac mac = Mac.getInstance(alg);
            mac.init(new SecretKeySpec(key.keyBytes(), alg));
            mac.update(LABEL);
            mac.update((byte) 0);
            mac.update(fullMethod.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(ByteBuffer.allocate(8).putLong(timeMillis).array());
            mac.update(nonce);
            mac.update(request);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "HMAC unavailable for " + key.algorithm().chronyName(), e);
        }
    }

    static String hmacName(MacAlgorithm a) {
        return switch (a) {
            case MD5 -> "HmacMD5";
            case SHA1 -> "HmacSHA1";
            case SHA256, AES128, AES256 -> "HmacSHA256";
            case SHA384 -> "HmacSHA384";
            case SHA512 -> "HmacSHA512";
            case SHA3_224 -> "HmacSHA3-224";
            case SHA3_256 -> "HmacSHA3-256";
            case SHA3_384 -> "HmacSHA3-384";
            case SHA3_512 -> "HmacSHA3-512";
        };
    }
}
