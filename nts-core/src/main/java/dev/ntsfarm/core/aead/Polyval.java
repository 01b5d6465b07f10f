package dev.ntsfarm.core.aead;

/**
 * POLYVAL (RFC 8452 section 3): the universal hash of AES-GCM-SIV over GF(2^128) with x^128 + x^127
 * + x^126 + x^121 + 1, little-endian, where each step is {@code S = dot(S xor X, H)} and {@code
 * dot(a, b) = a * b * x^-128}. In Java, without a carry-less multiply instruction: 64 x 64 products
 * from integer multiplies of bit-interleaved masks (no table, so no key-dependent memory access),
 * Karatsuba for 128 bits, and a Montgomery reduction by x^-128. Allocation-free; not thread-safe.
 */
final class Polyval {

    private static final long M1 = 0x1111_1111_1111_1111L;
    private static final long M2 = 0x2222_2222_2222_2222L;
    private static final long M4 = 0x4444_4444_4444_4444L;
    private static final long M8 = 0x8888_8888_8888_8888L;

    private long h0;
    private long h1;
    private long s0;
    private long s1;

    /** Starts a hash under the key {@code h[off, off+16)}. */
    void init(byte[] h, int off) {
        h0 = le64(h, off);
        h1 = le64(h, off + 8);
        s0 = 0;
        s1 = 0;
    }

    /**
     * Absorbs {@code len} bytes, zero-padded to whole blocks (AES-GCM-SIV pads each input to 16).
     */
    void update(byte[] b, int off, int len) {
        int full = len & ~15;
        for (int i = 0; i < full; i += 16) {
            block(le64(b, off + i), le64(b, off + i + 8));
        }
        int rest = len - full;
        if (rest > 0) {
            long lo = 0;
            long hi = 0;
            for (int i = 0; i < rest; i++) {
                long v = (b[off + full + i] & 0xFFL) << (8 * (i & 7));
                if (i < 8) {
                    lo |= v;
                } else {
                    hi |= v;
                }
            }
            block(lo, hi);
        }
    }

    /** Absorbs one block given as its two little-endian halves. */
    void block(long lo, long hi) {
        long a0 = s0 ^ lo;
        long a1 = s1 ^ hi;
        long b0 = h0;
        long b1 = h1;
        long a0r = Long.reverse(a0);
        long a1r = Long.reverse(a1);
        long b0r = Long.reverse(b0);
        long b1r = Long.reverse(b1);
        long z0 = bmul(a0, b0);
        long z1 = bmul(a1, b1);
        long z2 = bmul(a0 ^ a1, b0 ^ b1);
        long z0h = bmul(a0r, b0r);
        long z1h = bmul(a1r, b1r);
        long z2h = bmul(a0r ^ a1r, b0r ^ b1r);
        z2 ^= z0 ^ z1;
        z2h ^= z0h ^ z1h;
        z0h = Long.reverse(z0h) >>> 1;
        z1h = Long.reverse(z1h) >>> 1;
        z2h = Long.reverse(z2h) >>> 1;
        // the 256-bit product v3:v2:v1:v0, then two folds of x^-64 each
        long v0 = z0;
        long v1 = z0h ^ z2;
        long v2 = z1 ^ z2h;
        long v3 = z1h;
        v2 ^= v0 ^ (v0 >>> 1) ^ (v0 >>> 2) ^ (v0 >>> 7);
        v1 ^= (v0 << 63) ^ (v0 << 62) ^ (v0 << 57);
        v3 ^= v1 ^ (v1 >>> 1) ^ (v1 >>> 2) ^ (v1 >>> 7);
        v2 ^= (v1 << 63) ^ (v1 << 62) ^ (v1 << 57);
        s0 = v2;
        s1 = v3;
    }

    /** The low 64 bits of the carry-less product of {@code x} and {@code y}. */
    private static long bmul(long x, long y) {
        long x0 = x & M1;
        long x1 = x & M2;
        long x2 = x & M4;
        long x3 = x & M8;
        long y0 = y & M1;
        long y1 = y & M2;
        long y2 = y & M4;
        long y3 = y & M8;
        long z0 = (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1);
        long z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2);
        long z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3);
        long z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0);
        return (z0 & M1) | (z1 & M2) | (z2 & M4) | (z3 & M8);
    }

    /** Writes the hash so far, 16 bytes little-endian, at {@code out[off]}. */
    void digest(byte[] out, int off) {
        putLe64(out, off, s0);
        putLe64(out, off + 8, s1);
    }

    void clear() {
        h0 = h1 = s0 = s1 = 0;
    }

    static long le64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    static void putLe64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }
}
