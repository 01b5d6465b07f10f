package dev.ntsfarm.core.aead;

/**
 * The AES block cipher, encryption only (FIPS 197), in Java with its key schedule in a reused
 * array: re-keying allocates nothing, where every JCA {@code Cipher.init} with new key bytes
 * allocates a fresh schedule. For what needs a new key per message (AES-GCM-SIV derives one per
 * nonce, RFC 8452 section 4) or per request (a session key seen once). Long-lived keys belong in
 * the JDK's AES, whose AES-NI intrinsics are several times faster per block.
 *
 * <p>Table-driven (four 1 KiB round tables and the S-box), as Bouncy Castle's AESEngine; the tables
 * are shared and read-only. Not thread-safe.
 */
final class AesBlock {

    private static final int[] SBOX = new int[256];
    private static final int[] T0 = new int[256];
    private static final int[] T1 = new int[256];
    private static final int[] T2 = new int[256];
    private static final int[] T3 = new int[256];
    private static final int[] RCON = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36};

    static {
        // the S-box from the multiplicative inverse in GF(2^8) and the affine map (FIPS 197 5.1.1)
        int p = 1;
        int q = 1;
        do {
            p = p ^ ((p << 1) & 0xff) ^ ((p & 0x80) != 0 ? 0x1b : 0);
            q ^= q << 1;
            q ^= q << 2;
            q ^= q << 4;
            q &= 0xff;
            if ((q & 0x80) != 0) {
                q ^= 0x09;
            }
            int x = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4);
            SBOX[p] = (x ^ 0x63) & 0xff;
        } while (p != 1);
        SBOX[0] = 0x63;
        for (int i = 0; i < 256; i++) {
            int s = SBOX[i];
            int s2 = xtime(s);
            int s3 = s2 ^ s;
            int t = (s2 << 24) | (s << 16) | (s << 8) | s3;
            T0[i] = t;
            T1[i] = Integer.rotateRight(t, 8);
            T2[i] = Integer.rotateRight(t, 16);
            T3[i] = Integer.rotateRight(t, 24);
        }
    }

    private static int rotl8(int x, int n) {
        return ((x << n) | (x >>> (8 - n))) & 0xff;
    }

    private static int xtime(int b) {
        return ((b << 1) ^ ((b & 0x80) != 0 ? 0x1b : 0)) & 0xff;
    }

    private final int[] w = new int[60];
    private int rounds;

    /** Expands the 16, 24 or 32 bytes of {@code key} at {@code off}. */
    void init(byte[] key, int off, int len) {
        if (len != 16 && len != 24 && len != 32) {
            throw new IllegalArgumentException(
                    "AES key of " + len + " bytes (expected: 16, 24 or 32)");
        }
        int nk = len / 4;
        rounds = nk + 6;
        for (int i = 0; i < nk; i++) {
            w[i] = be(key, off + 4 * i);
        }
        int total = 4 * (rounds + 1);
        for (int i = nk; i < total; i++) {
            int t = w[i - 1];
            if (i % nk == 0) {
                t = subWord(Integer.rotateLeft(t, 8)) ^ (RCON[i / nk - 1] << 24);
            } else if (nk > 6 && i % nk == 4) {
                t = subWord(t);
            }
            w[i] = w[i - nk] ^ t;
        }
    }

    /** Forgets the key schedule. */
    void clear() {
        java.util.Arrays.fill(w, 0);
    }

    private static int subWord(int x) {
        return (SBOX[x >>> 24] << 24)
                | (SBOX[(x >>> 16) & 0xff] << 16)
                | (SBOX[(x >>> 8) & 0xff] << 8)
                | SBOX[x & 0xff];
    }

    /**
     * Enciphers the block {@code in[inOff, inOff+16)} into {@code out[outOff, outOff+16)} (may be
     * the same).
     */
    void encrypt(byte[] in, int inOff, byte[] out, int outOff) {
        int[] k = w;
        int s0 = be(in, inOff) ^ k[0];
        int s1 = be(in, inOff + 4) ^ k[1];
        int s2 = be(in, inOff + 8) ^ k[2];
        int s3 = be(in, inOff + 12) ^ k[3];
        int r = 4;
        for (int round = 1; round < rounds; round++) {
            int t0 =
                    T0[s0 >>> 24]
                            ^ T1[(s1 >>> 16) & 0xff]
                            ^ T2[(s2 >>> 8) & 0xff]
                            ^ T3[s3 & 0xff]
                            ^ k[r];
            int t1 =
                    T0[s1 >>> 24]
                            ^ T1[(s2 >>> 16) & 0xff]
                            ^ T2[(s3 >>> 8) & 0xff]
                            ^ T3[s0 & 0xff]
                            ^ k[r + 1];
            int t2 =
                    T0[s2 >>> 24]
                            ^ T1[(s3 >>> 16) & 0xff]
                            ^ T2[(s0 >>> 8) & 0xff]
                            ^ T3[s1 & 0xff]
                            ^ k[r + 2];
            int t3 =
                    T0[s3 >>> 24]
                            ^ T1[(s0 >>> 16) & 0xff]
                            ^ T2[(s1 >>> 8) & 0xff]
                            ^ T3[s2 & 0xff]
                            ^ k[r + 3];
            s0 = t0;
            s1 = t1;
            s2 = t2;
            s3 = t3;
            r += 4;
        }
        putBe(out, outOff, last(s0, s1, s2, s3) ^ k[r]);
        putBe(out, outOff + 4, last(s1, s2, s3, s0) ^ k[r + 1]);
        putBe(out, outOff + 8, last(s2, s3, s0, s1) ^ k[r + 2]);
        putBe(out, outOff + 12, last(s3, s0, s1, s2) ^ k[r + 3]);
    }

    private static int last(int a, int b, int c, int d) {
        return (SBOX[a >>> 24] << 24)
                | (SBOX[(b >>> 16) & 0xff] << 16)
                | (SBOX[(c >>> 8) & 0xff] << 8)
                | SBOX[d & 0xff];
    }

    private static int be(byte[] b, int off) {
        return ((b[off] & 0xff) << 24)
                | ((b[off + 1] & 0xff) << 16)
                | ((b[off + 2] & 0xff) << 8)
                | (b[off + 3] & 0xff);
    }

    private static void putBe(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
