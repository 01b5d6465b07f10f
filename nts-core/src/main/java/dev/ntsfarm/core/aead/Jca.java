package dev.ntsfarm.core.aead;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** The JCA calls the AES modes here make, with the checked exceptions that only a bug can raise. */
final class Jca {

    static final int BLOCK = 16;

    private Jca() {}

    static Cipher cipher(String transformation) {
        try {
            return Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without " + transformation, e);
        }
    }

    /** Binds {@code c} to an AES key; CBC gets the zero IV, so its chain starts at zero. */
    static void initEncrypt(Cipher c, byte[] key, int off, int len, boolean zeroIv) {
        try {
            SecretKeySpec k = new SecretKeySpec(key, off, len, "AES");
            if (zeroIv) {
                c.init(Cipher.ENCRYPT_MODE, k, ZERO_IV);
            } else {
                c.init(Cipher.ENCRYPT_MODE, k);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES key rejected", e);
        }
    }

    static int update(Cipher c, byte[] in, int inOff, int len, byte[] out, int outOff) {
        try {
            return c.update(in, inOff, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final IvParameterSpec ZERO_IV = new IvParameterSpec(new byte[BLOCK]);
}
