package dev.ntsfarm.core.aead;

import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMSIVBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * AEAD_AES_128_GCM_SIV (RFC 8452) on Bouncy Castle's {@link GCMSIVBlockCipher}. Output is
 * {@code ciphertext || tag} (RFC 8452 section 4), the order nettle and so chrony put on the wire.
 * The nonce is exactly 12 bytes (RFC 8452 section 4: N_MAX = 12).
 *
 * <p>Allocation: Bouncy Castle derives the per-nonce keys and buffers the message on every call,
 * so each seal and open allocates (a few hundred bytes); AEAD 15 is the allocation-free path.
 */
public final class AesGcmSiv implements Aead {

    /** RFC 8452 section 4: nonces are exactly 96 bits. */
    public static final int NONCE_LENGTH = 12;
    private static final int TAG = AeadAlgorithm.TAG_LENGTH;
    private static final int KEY = 16;

    private final GCMSIVBlockCipher gcmSiv = new GCMSIVBlockCipher(AESEngine.newInstance());
    private KeyParameter key;

    AesGcmSiv() {
    }

    @Override
    public AeadAlgorithm algorithm() {
        return AeadAlgorithm.AES_128_GCM_SIV;
    }

    @Override
    public void init(byte[] key, int off) {
        this.key = new KeyParameter(key, off, KEY);
    }

    @Override
    public int seal(byte[] nonce, int nonceOff, int nonceLen,
                    byte[] ad, int adOff, int adLen,
                    byte[] plaintext, int ptOff, int ptLen,
                    byte[] out, int outOff) {
        if (nonceLen != NONCE_LENGTH) {
            throw new IllegalArgumentException(
                    "AES-GCM-SIV nonce length " + nonceLen + " (expected: " + NONCE_LENGTH + ")");
        }
        start(true, nonce, nonceOff, ad, adOff, adLen);
        int n = gcmSiv.processBytes(plaintext, ptOff, ptLen, out, outOff);
        try {
            return n + gcmSiv.doFinal(out, outOff + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("sealing cannot fail to authenticate", e);
        }
    }

    @Override
    public int open(byte[] nonce, int nonceOff, int nonceLen,
                    byte[] ad, int adOff, int adLen,
                    byte[] sealed, int sealedOff, int sealedLen,
                    byte[] out, int outOff) {
        if (nonceLen != NONCE_LENGTH || sealedLen < TAG) {
            return -1;
        }
        start(false, nonce, nonceOff, ad, adOff, adLen);
        int ptLen = sealedLen - TAG;
        try {
            int n = gcmSiv.processBytes(sealed, sealedOff, sealedLen, out, outOff);
            return n + gcmSiv.doFinal(out, outOff + n);
        } catch (InvalidCipherTextException | RuntimeException e) {
            Arrays.fill(out, outOff, Math.min(out.length, outOff + ptLen), (byte) 0);
            return -1;
        }
    }

    private void start(boolean sealing, byte[] nonce, int nonceOff, byte[] ad, int adOff, int adLen) {
        if (key == null) {
            throw new IllegalStateException("AES-GCM-SIV used before init");
        }
        gcmSiv.init(sealing, new ParametersWithIV(key, nonce, nonceOff, NONCE_LENGTH));
        gcmSiv.processAADBytes(ad, adOff, adLen);
    }

    @Override
    public String toString() {
        return "AesGcmSiv[" + AeadAlgorithm.AES_128_GCM_SIV + "]";
    }
}
