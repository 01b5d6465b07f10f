package dev.ntsfarm.core.aead;

import java.util.Arrays;

/**
 * AES-CMAC (RFC 4493) as a CBC-MAC with a zero IV over the message, its last block xored with a
 * subkey: the message is copied into a buffer of this instance, its last block made ready there,
 * and MACed in one call of {@link AesEngine#cbcMac} (on the JDK's AES, one {@code Cipher.update}:
 * DESIGN section 8, AES-NI intrinsics), or on {@link AesBlock} for keys used once.
 */
final class Cmac {

    private static final int BLOCK = Jca.BLOCK;

    /** RFC 4493 section 2.3: R_128. */
    private static final int RB = 0x87;

    private final AesEngine cbc;
    private final byte[] subkey1 = new byte[BLOCK];
    private final byte[] subkey2 = new byte[BLOCK];

    /** The message being MACed, padded; grows to the longest message seen. */
    private byte[] work = new byte[256];

    /** On the JDK's AES. */
    Cmac() {
        this(AesEngine.jdk(true));
    }

    Cmac(AesEngine cbc) {
        this.cbc = cbc;
    }

    void init(byte[] key, int off, int len) {
        cbc.init(key, off, len);
        // RFC 4493 2.3: L = AES(K, 0); K1 = dbl(L); K2 = dbl(K1)
        Arrays.fill(work, 0, BLOCK, (byte) 0);
        cbc.cbcMac(work, 0, BLOCK, subkey1, 0);
        dbl(subkey1);
        System.arraycopy(subkey1, 0, subkey2, 0, BLOCK);
        dbl(subkey2);
    }

    /** CMAC of {@code msg[off, off+len)} into {@code mac} at {@code macOff}. */
    void mac(byte[] msg, int off, int len, byte[] mac, int macOff) {
        mac(msg, off, len, null, mac, macOff);
    }

    /**
     * CMAC of the message whose last 16 bytes are first xored with {@code xorEnd} (RFC 5297 2.4,
     * "xorend"); {@code xorEnd == null} means the message as it is. With {@code xorEnd}, len >= 16.
     */
    void mac(byte[] msg, int off, int len, byte[] xorEnd, byte[] mac, int macOff) {
        int padded = len == 0 ? BLOCK : (len + BLOCK - 1) & -BLOCK;
        byte[] w = Bytes16.atLeast(work, padded);
        work = w;
        System.arraycopy(msg, off, w, 0, len);
        if (xorEnd != null) {
            Bytes16.xor(w, len - BLOCK, xorEnd, 0);
        }
        int lastStart = padded - BLOCK;
        if (len == padded) {
            Bytes16.xor(w, lastStart, subkey1, 0);
        } else {
            // RFC 4493 2.4: pad with 10*, then xor K2
            w[len] = (byte) 0x80;
            Arrays.fill(w, len + 1, padded, (byte) 0);
            Bytes16.xor(w, lastStart, subkey2, 0);
        }
        cbc.cbcMac(w, 0, padded, mac, macOff);
    }

    /** Doubling in GF(2^128) (RFC 5297 2.3, RFC 4493 2.3), in place. */
    static void dbl(byte[] b) {
        long hi = Bytes16.get(b, 0);
        long lo = Bytes16.get(b, 8);
        Bytes16.set(b, 0, (hi << 1) | (lo >>> 63));
        Bytes16.set(b, 8, (lo << 1) ^ ((hi >> 63) & RB));
    }
}
