package dev.ntsfarm.core.aead;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * AES-SIV-CMAC-256/384/512 (RFC 5297) on the JDK's AES intrinsics: S2V as CMAC, one {@code
 * AES/CBC/NoPadding} update per message component ({@link Cmac}), and CTR as counter blocks
 * enciphered by one {@code AES/ECB/NoPadding} update and xored in. The ECB route keeps one cipher
 * bound to K2 for the life of the key, where {@code AES/CTR} would need a fresh {@code init} (and
 * its allocations) for every message's IV. A seal or open is four JCA calls, three when its
 * associated data is the short one of the call before (a cookie's key id).
 *
 * <p>NTS (RFC 8915 section 5.6) passes the S2V components associated data, nonce, plaintext; an
 * empty associated data is still a component. Output is {@code V || C} (RFC 5297 section 2.6).
 *
 * <p>Allocation: sealing and opening allocate nothing (JMH {@code -prof gc}: 0 B/op), but for a
 * component longer than any before it and than 256 bytes, which grows a buffer once. {@link #init}
 * does: on every {@code Cipher.init} with a new key the JDK copies the key and expands the AES key
 * schedule into new arrays (measured 1104 B per AES-SIV-CMAC-256 init, two ciphers, on JDK 25), and
 * the schedule is computed in Java, not with AES-NI. An init with unchanged key bytes skips the
 * schedule in the JDK. Keep one instance per long-lived key (as {@code CookieCodec} does per slot).
 */
public final class AesSiv implements Aead {

    private static final int BLOCK = Jca.BLOCK;
    private static final int TAG = AeadAlgorithm.TAG_LENGTH;

    /** Counter blocks enciphered per ECB call. */
    private static final int CTR_CHUNK = 512;

    private final AeadAlgorithm alg;
    private final int halfKey;
    private final Cmac cmac;
    private final AesEngine ecb;

    /** CMAC(K1, 0^128), the S2V starting value; fixed per key. */
    private final byte[] cmacOfZero = new byte[BLOCK];

    /**
     * S2V's state after a short first component (associated data of at most one block): a cookie's
     * key id is the same for every cookie of a slot, so its CMAC is made once per key.
     */
    private final byte[] memoAd = new byte[BLOCK];

    private final byte[] memoD = new byte[BLOCK];
    private int memoAdLength = -1;

    private final byte[] d = new byte[BLOCK];
    private final byte[] block = new byte[BLOCK];
    private final byte[] v = new byte[BLOCK];
    private final byte[] check = new byte[BLOCK];
    private final byte[] counters = new byte[CTR_CHUNK];
    private final byte[] keystream = new byte[CTR_CHUNK];
    private boolean keyed;

    AesSiv(AeadAlgorithm alg) {
        this(alg, false);
    }

    /**
     * @param aesInJava the AES of {@link AesBlock} instead of the JDK's: slower per block, but
     *     {@link #init} allocates nothing, for a key used once
     */
    AesSiv(AeadAlgorithm alg, boolean aesInJava) {
        if (alg == AeadAlgorithm.AES_128_GCM_SIV) {
            throw new IllegalArgumentException("not an AES-SIV-CMAC algorithm: " + alg);
        }
        this.alg = alg;
        this.halfKey = alg.keyLength() / 2;
        this.cmac = aesInJava ? new Cmac(AesEngine.inJava()) : new Cmac();
        this.ecb = aesInJava ? AesEngine.inJava() : AesEngine.jdk(false);
    }

    /** A new instance bound to a copy of {@code key} (32, 48 or 64 bytes: AEAD 15, 16, 17). */
    public static AesSiv of(byte[] key) {
        AeadAlgorithm alg =
                switch (key.length) {
                    case 32 -> AeadAlgorithm.AES_SIV_CMAC_256;
                    case 48 -> AeadAlgorithm.AES_SIV_CMAC_384;
                    case 64 -> AeadAlgorithm.AES_SIV_CMAC_512;
                    default ->
                            throw new IllegalArgumentException(
                                    "AES-SIV key length "
                                            + key.length
                                            + " (expected: 32, 48 or 64)");
                };
        AesSiv siv = new AesSiv(alg);
        siv.init(key, 0);
        return siv;
    }

    @Override
    public AeadAlgorithm algorithm() {
        return alg;
    }

    @Override
    public void init(byte[] key, int off) {
        // RFC 5297 2.6: K1 (S2V) is the left half, K2 (CTR) the right half
        cmac.init(key, off, halfKey);
        ecb.init(key, off + halfKey, halfKey);
        Arrays.fill(block, (byte) 0);
        cmac.mac(block, 0, BLOCK, cmacOfZero, 0);
        memoAdLength = -1;
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
        s2vStartWith(ad, adOff, adLen);
        s2vAdd(nonce, nonceOff, nonceLen);
        return finishSeal(plaintext, ptOff, ptLen, out, outOff);
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
        if (sealedLen < TAG) {
            return -1;
        }
        int ptLen = sealedLen - TAG;
        System.arraycopy(sealed, sealedOff, v, 0, TAG);
        ctr(sealed, sealedOff + TAG, ptLen, out, outOff);
        s2vStartWith(ad, adOff, adLen);
        s2vAdd(nonce, nonceOff, nonceLen);
        return finishOpen(out, outOff, ptLen);
    }

    /**
     * Seals with any number of S2V components before the plaintext (RFC 5297 section 2.6: the
     * associated data items, then the nonce if there is one), as in its Appendix A.2.
     */
    public int sealComponents(
            byte[][] components, byte[] plaintext, int ptOff, int ptLen, byte[] out, int outOff) {
        s2vStart();
        for (byte[] c : components) {
            s2vAdd(c, 0, c.length);
        }
        return finishSeal(plaintext, ptOff, ptLen, out, outOff);
    }

    /** Opens what {@link #sealComponents} sealed; {@code -1} when it does not authenticate. */
    public int openComponents(
            byte[][] components,
            byte[] sealed,
            int sealedOff,
            int sealedLen,
            byte[] out,
            int outOff) {
        if (sealedLen < TAG) {
            return -1;
        }
        int ptLen = sealedLen - TAG;
        System.arraycopy(sealed, sealedOff, v, 0, TAG);
        ctr(sealed, sealedOff + TAG, ptLen, out, outOff);
        s2vStart();
        for (byte[] c : components) {
            s2vAdd(c, 0, c.length);
        }
        return finishOpen(out, outOff, ptLen);
    }

    private int finishSeal(byte[] plaintext, int ptOff, int ptLen, byte[] out, int outOff) {
        s2vFinish(plaintext, ptOff, ptLen, v);
        ctr(plaintext, ptOff, ptLen, out, outOff + TAG);
        System.arraycopy(v, 0, out, outOff, TAG);
        return ptLen + TAG;
    }

    private int finishOpen(byte[] out, int outOff, int ptLen) {
        s2vFinish(out, outOff, ptLen, check);
        if (!MessageDigest.isEqual(check, v)) {
            Arrays.fill(out, outOff, outOff + ptLen, (byte) 0);
            return -1;
        }
        return ptLen;
    }

    private void s2vStart() {
        if (!keyed) {
            throw new IllegalStateException("AES-SIV used before init");
        }
        System.arraycopy(cmacOfZero, 0, d, 0, BLOCK);
    }

    /** {@link #s2vStart} and {@link #s2vAdd} of the first component, a short one from memory. */
    private void s2vStartWith(byte[] ad, int adOff, int adLen) {
        if (adLen <= BLOCK
                && adLen == memoAdLength
                && Arrays.equals(memoAd, 0, adLen, ad, adOff, adOff + adLen)) {
            System.arraycopy(memoD, 0, d, 0, BLOCK);
            return;
        }
        s2vStart();
        s2vAdd(ad, adOff, adLen);
        if (adLen <= BLOCK) {
            System.arraycopy(ad, adOff, memoAd, 0, adLen);
            System.arraycopy(d, 0, memoD, 0, BLOCK);
            memoAdLength = adLen;
        }
    }

    /** RFC 5297 2.4: D = dbl(D) xor CMAC(K, Si). */
    private void s2vAdd(byte[] s, int off, int len) {
        cmac.mac(s, off, len, block, 0);
        Cmac.dbl(d);
        Bytes16.xor(d, 0, block, 0);
    }

    /** RFC 5297 2.4: the last component, Sn; V into {@code into}. */
    private void s2vFinish(byte[] s, int off, int len, byte[] into) {
        if (len >= BLOCK) {
            cmac.mac(s, off, len, d, into, 0);
        } else {
            Cmac.dbl(d);
            System.arraycopy(s, off, block, 0, len);
            block[len] = (byte) 0x80;
            Arrays.fill(block, len + 1, BLOCK, (byte) 0);
            Bytes16.xor(block, 0, d, 0);
            cmac.mac(block, 0, BLOCK, into, 0);
        }
    }

    /** RFC 5297 2.5/2.6: CTR keyed with K2 from Q = V with bits 63 and 31 cleared. */
    private void ctr(byte[] in, int inOff, int len, byte[] out, int outOff) {
        // the counter is a 128-bit big-endian integer (RFC 5297 2.5: Q + i mod 2^128)
        long hi = Bytes16.get(v, 0);
        long lo = Bytes16.get(v, 8) & 0x7fff_ffff_7fff_ffffL;
        for (int done = 0; done < len; ) {
            int n = Math.min(CTR_CHUNK, len - done);
            int blocks = (n + BLOCK - 1) / BLOCK;
            for (int b = 0; b < blocks; b++) {
                Bytes16.set(counters, b * BLOCK, hi);
                Bytes16.set(counters, b * BLOCK + 8, lo);
                if (++lo == 0) {
                    hi++;
                }
            }
            ecb.ecb(counters, 0, blocks * BLOCK, keystream, 0);
            Bytes16.xorInto(in, inOff + done, keystream, out, outOff + done, n);
            done += n;
        }
    }

    @Override
    public String toString() {
        return "AesSiv[" + alg + "]";
    }
}
