package dev.ntsfarm.core.aead;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * AEAD_AES_128_GCM_SIV (RFC 8452): per nonce, a message-authentication key and a message-encryption
 * key derived with the key-generating key (section 4), POLYVAL over the associated data, the
 * plaintext and their bit lengths, the tag as AES under the encryption key of that hash (nonce
 * folded in, top bit cleared), and AES-CTR from the tag with its top bit set. Output is {@code
 * ciphertext || tag} (section 4), the order nettle and so chrony put on the wire; the nonce is
 * exactly 12 bytes.
 *
 * <p>The AES is {@link AesBlock}, in Java with a reused key schedule: the encryption key is new for
 * every nonce, and every JCA {@code Cipher.init} with a new key allocates its schedule; here
 * sealing, opening and {@link #init} allocate nothing. POLYVAL is {@link Polyval}.
 */
public final class AesGcmSiv implements Aead {

    /** RFC 8452 section 4: nonces are exactly 96 bits. */
    public static final int NONCE_LENGTH = 12;

    private static final int TAG = AeadAlgorithm.TAG_LENGTH;
    private static final int KEY = 16;
    private static final int BLOCK = 16;

    private final AesBlock keyGenerating = new AesBlock();
    private final AesBlock encryption = new AesBlock();
    private final Polyval polyval = new Polyval();
    private final byte[] block = new byte[BLOCK];
    private final byte[] derived = new byte[4 * BLOCK];
    private final byte[] keys = new byte[2 * KEY];
    private final byte[] tag = new byte[TAG];
    private final byte[] check = new byte[TAG];
    private final byte[] counter = new byte[BLOCK];
    private final byte[] keystream = new byte[BLOCK];
    private boolean keyed;

    AesGcmSiv() {}

    @Override
    public AeadAlgorithm algorithm() {
        return AeadAlgorithm.AES_128_GCM_SIV;
    }

    @Override
    public void init(byte[] key, int off) {
        keyGenerating.init(key, off, KEY);
        keyed = true;
    }

    @Override
    public int seal(
            byte[] nonce,
            int nonceOff,
            int nonceLen,
            byte[] ad,
            int adOff,
            int adLen,
            byte[] plaintext,
            int ptOff,
            int ptLen,
            byte[] out,
            int outOff) {
        if (nonceLen != NONCE_LENGTH) {
            throw new IllegalArgumentException(
                    "AES-GCM-SIV nonce length " + nonceLen + " (expected: " + NONCE_LENGTH + ")");
        }
        deriveKeys(nonce, nonceOff);
        tag(nonce, nonceOff, ad, adOff, adLen, plaintext, ptOff, ptLen, tag);
        // the tag first: the plaintext may sit where the ciphertext goes
        ctr(tag, plaintext, ptOff, ptLen, out, outOff);
        System.arraycopy(tag, 0, out, outOff + ptLen, TAG);
        return ptLen + TAG;
    }

    @Override
    public int open(
            byte[] nonce,
            int nonceOff,
            int nonceLen,
            byte[] ad,
            int adOff,
            int adLen,
            byte[] sealed,
            int sealedOff,
            int sealedLen,
            byte[] out,
            int outOff) {
        if (nonceLen != NONCE_LENGTH || sealedLen < TAG || !keyed) {
            return -1;
        }
        int ptLen = sealedLen - TAG;
        deriveKeys(nonce, nonceOff);
        System.arraycopy(sealed, sealedOff + ptLen, tag, 0, TAG);
        ctr(tag, sealed, sealedOff, ptLen, out, outOff);
        tag(nonce, nonceOff, ad, adOff, adLen, out, outOff, ptLen, check);
        if (!MessageDigest.isEqual(check, tag)) {
            Arrays.fill(out, outOff, outOff + ptLen, (byte) 0);
            return -1;
        }
        return ptLen;
    }

    /**
     * RFC 8452 section 4: four blocks LE32(i) || nonce under the key-generating key, 8 bytes of
     * each.
     */
    private void deriveKeys(byte[] nonce, int nonceOff) {
        if (!keyed) {
            throw new IllegalStateException("AES-GCM-SIV used before init");
        }
        for (int i = 0; i < 4; i++) {
            block[0] = (byte) i;
            block[1] = 0;
            block[2] = 0;
            block[3] = 0;
            System.arraycopy(nonce, nonceOff, block, 4, NONCE_LENGTH);
            keyGenerating.encrypt(block, 0, derived, i * BLOCK);
            System.arraycopy(derived, i * BLOCK, keys, i * 8, 8);
        }
        polyval.init(keys, 0);
        encryption.init(keys, KEY, KEY);
        Arrays.fill(keys, (byte) 0);
        Arrays.fill(derived, (byte) 0);
    }

    /** RFC 8452 section 4: POLYVAL, nonce xored in, top bit cleared, enciphered. */
    private void tag(
            byte[] nonce,
            int nonceOff,
            byte[] ad,
            int adOff,
            int adLen,
            byte[] pt,
            int ptOff,
            int ptLen,
            byte[] into) {
        polyval.update(ad, adOff, adLen);
        polyval.update(pt, ptOff, ptLen);
        polyval.block((long) adLen * 8, (long) ptLen * 8);
        polyval.digest(block, 0);
        for (int i = 0; i < NONCE_LENGTH; i++) {
            block[i] ^= nonce[nonceOff + i];
        }
        block[15] &= 0x7f;
        encryption.encrypt(block, 0, into, 0);
    }

    /**
     * AES-CTR from the tag with its top bit set; the first 32 bits count, little-endian (section
     * 4).
     */
    private void ctr(byte[] tagBlock, byte[] in, int inOff, int len, byte[] out, int outOff) {
        System.arraycopy(tagBlock, 0, counter, 0, BLOCK);
        counter[15] |= (byte) 0x80;
        int c =
                (counter[0] & 0xff)
                        | (counter[1] & 0xff) << 8
                        | (counter[2] & 0xff) << 16
                        | (counter[3] & 0xff) << 24;
        for (int done = 0; done < len; done += BLOCK) {
            counter[0] = (byte) c;
            counter[1] = (byte) (c >>> 8);
            counter[2] = (byte) (c >>> 16);
            counter[3] = (byte) (c >>> 24);
            encryption.encrypt(counter, 0, keystream, 0);
            int n = Math.min(BLOCK, len - done);
            for (int i = 0; i < n; i++) {
                out[outOff + done + i] = (byte) (in[inOff + done + i] ^ keystream[i]);
            }
            c++;
        }
    }

    @Override
    public String toString() {
        return "AesGcmSiv[" + AeadAlgorithm.AES_128_GCM_SIV + "]";
    }
}
