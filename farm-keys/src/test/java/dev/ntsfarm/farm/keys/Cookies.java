package dev.ntsfarm.farm.keys;

import dev.ntsfarm.core.aead.AeadAlgorithm;
import dev.ntsfarm.core.cookie.CookieCodec;
import dev.ntsfarm.core.cookie.MasterKeyRing;
import dev.ntsfarm.core.cookie.NonceSource;
import dev.ntsfarm.core.cookie.SessionKeys;
import java.security.SecureRandom;
import java.util.Arrays;

/** Seals and opens test cookies under a ring. */
final class Cookies {

    static final SessionKeys KEYS;

    static {
        byte[] c2s = new byte[32];
        byte[] s2c = new byte[32];
        Arrays.fill(c2s, (byte) 0x11);
        Arrays.fill(s2c, (byte) 0x22);
        KEYS = SessionKeys.of(AeadAlgorithm.AES_SIV_CMAC_256, c2s, s2c);
    }

    private Cookies() {}

    static byte[] seal(MasterKeyRing ring) {
        CookieCodec codec = new CookieCodec(ring, NonceSource.of(new SecureRandom()));
        byte[] out = new byte[CookieCodec.cookieLength(KEYS.algorithm())];
        codec.seal(KEYS, out, 0);
        return out;
    }

    static boolean opens(MasterKeyRing ring, byte[] cookie) {
        CookieCodec codec = new CookieCodec(ring, NonceSource.of(new SecureRandom()));
        SessionKeys into = new SessionKeys();
        return codec.open(cookie, 0, cookie.length, into)
                && Arrays.equals(into.c2s(), KEYS.c2s())
                && Arrays.equals(into.s2c(), KEYS.s2c());
    }

    static long keyId(byte[] cookie) {
        return ((cookie[0] & 0xffL) << 24)
                | ((cookie[1] & 0xff) << 16)
                | ((cookie[2] & 0xff) << 8)
                | (cookie[3] & 0xff);
    }
}
