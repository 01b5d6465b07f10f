package dev.ntsfarm.core.aead;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Block arithmetic for the AES modes, eight bytes at a time. */
final class Bytes16 {

    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes16() {}

    /** {@code a[ai, ai+16) ^= b[bi, bi+16)}. */
    static void xor(byte[] a, int ai, byte[] b, int bi) {
        LONGS.set(a, ai, (long) LONGS.get(a, ai) ^ (long) LONGS.get(b, bi));
        LONGS.set(a, ai + 8, (long) LONGS.get(a, ai + 8) ^ (long) LONGS.get(b, bi + 8));
    }

    /** {@code out[o, o+len) = in[i, i+len) ^ ks[0, len)}. */
    static void xorInto(byte[] in, int i, byte[] ks, byte[] out, int o, int len) {
        int n = 0;
        for (; n + 8 <= len; n += 8) {
            LONGS.set(out, o + n, (long) LONGS.get(in, i + n) ^ (long) LONGS.get(ks, n));
        }
        for (; n < len; n++) {
            out[o + n] = (byte) (in[i + n] ^ ks[n]);
        }
    }

    /**
     * {@code b} when it holds at least {@code n} bytes, else a new array of the next power of two
     * (contents not kept): a buffer that grows once per longer message, never on a steady path.
     */
    static byte[] atLeast(byte[] b, int n) {
        return b.length >= n ? b : new byte[Integer.highestOneBit(n - 1) << 1];
    }

    /** The big-endian long at {@code b[i]}. */
    static long get(byte[] b, int i) {
        return (long) LONGS.get(b, i);
    }

    static void set(byte[] b, int i, long v) {
        LONGS.set(b, i, v);
    }
}
