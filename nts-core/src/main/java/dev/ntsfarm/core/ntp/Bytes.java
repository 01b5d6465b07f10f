package dev.ntsfarm.core.ntp;

/** Big-endian reads and writes of unsigned network integers; callers check bounds first. */
public final class Bytes {

    private Bytes() {}

    public static int u8(byte[] buf, int off) {
        return buf[off] & 0xFF;
    }

    public static int u16(byte[] buf, int off) {
        return ((buf[off] & 0xFF) << 8) | (buf[off + 1] & 0xFF);
    }

    public static long u32(byte[] buf, int off) {
        return s32(buf, off) & 0xFFFF_FFFFL;
    }

    public static int s32(byte[] buf, int off) {
        return ((buf[off] & 0xFF) << 24)
                | ((buf[off + 1] & 0xFF) << 16)
                | ((buf[off + 2] & 0xFF) << 8)
                | (buf[off + 3] & 0xFF);
    }

    public static void putU16(byte[] out, int off, int value) {
        out[off] = (byte) (value >>> 8);
        out[off + 1] = (byte) value;
    }

    public static void putU32(byte[] out, int off, long value) {
        out[off] = (byte) (value >>> 24);
        out[off + 1] = (byte) (value >>> 16);
        out[off + 2] = (byte) (value >>> 8);
        out[off + 3] = (byte) value;
    }

    /** Zeroes {@code len} bytes. */
    public static void zero(byte[] out, int off, int len) {
        java.util.Arrays.fill(out, off, off + len, (byte) 0);
    }

    /** Constant-time equality of two slices of the same length. */
    public static boolean equal(byte[] a, int aOff, byte[] b, int bOff, int len) {
        int diff = 0;
        for (int i = 0; i < len; i++) {
            diff |= a[aOff + i] ^ b[bOff + i];
        }
        return diff == 0;
    }

    /** {@code len} rounded up to a multiple of 4 (the NTP word). */
    public static int padded4(int len) {
        return (len + 3) & ~3;
    }
}
