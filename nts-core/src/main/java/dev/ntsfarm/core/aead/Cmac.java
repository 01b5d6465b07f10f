package dev.ntsfarm.core.aead;

/**
 * AES-CMAC (RFC 4493) as a CBC-MAC with a zero IV over the message, its last block xored with a
 * subkey: on the JDK's AES one {@code AES/CBC/NoPadding} call for the message (DESIGN section 8:
 * AES-NI intrinsics), or on {@link AesBlock} for keys used once ({@link AesEngine}).
 */
final class Cmac {

    private static final int BLOCK = Jca.BLOCK;

    /** RFC 4493 section 2.3: R_128. */
    private static final int RB = 0x87;

    private final AesEngine cbc;
    private final byte[] subkey1 = new byte[BLOCK];
    private final byte[] subkey2 = new byte[BLOCK];
    private final byte[] tail = new byte[2 * BLOCK];
    private final byte[] last = new byte[BLOCK];

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
        java.util.Arrays.fill(last, (byte) 0);
        cbc.cbcFinal(last, 0, subkey1, 0);
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
        int blocksBeforeLast = len == 0 ? 0 : (len - 1) / BLOCK;
        int lastLen = len - blocksBeforeLast * BLOCK;
        // the blocks the xorend cannot touch go straight from the caller's array
        int untouched =
                xorEnd == null
                        ? blocksBeforeLast
                        : Math.min(blocksBeforeLast, (len - BLOCK) / BLOCK);
        int direct = untouched * BLOCK;
        if (direct > 0) {
            cbc.cbcUpdate(msg, off, direct);
        }
        int rest = len - direct;
        System.arraycopy(msg, off + direct, tail, 0, rest);
        if (xorEnd != null) {
            for (int i = 0; i < BLOCK; i++) {
                tail[rest - BLOCK + i] ^= xorEnd[i];
            }
        }
        int lastStart = rest - lastLen;
        if (lastStart > 0) {
            cbc.cbcUpdate(tail, 0, lastStart);
        }
        if (lastLen == BLOCK) {
            for (int i = 0; i < BLOCK; i++) {
                last[i] = (byte) (tail[lastStart + i] ^ subkey1[i]);
            }
        } else {
            // RFC 4493 2.4: pad with 10*, then xor K2
            for (int i = 0; i < BLOCK; i++) {
                byte b = i < lastLen ? tail[lastStart + i] : (i == lastLen ? (byte) 0x80 : 0);
                last[i] = (byte) (b ^ subkey2[i]);
            }
        }
        cbc.cbcFinal(last, 0, mac, macOff);
    }

    /** Doubling in GF(2^128) (RFC 5297 2.3, RFC 4493 2.3), in place. */
    static void dbl(byte[] b) {
        int carry = (b[0] & 0x80) != 0 ? RB : 0;
        for (int i = 0; i < BLOCK - 1; i++) {
            b[i] = (byte) ((b[i] << 1) | ((b[i + 1] & 0xff) >>> 7));
        }
        b[BLOCK - 1] = (byte) ((b[BLOCK - 1] << 1) ^ carry);
    }
}
