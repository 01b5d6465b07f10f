package dev.ntsfarm.core.ntp;

/**
 * The 64-bit NTP timestamp format (RFC 5905 section 6): 32 bits of seconds since the start of the
 * era, 32 bits of fraction. The seconds wrap every 2^32 s, so converting back to a calendar time
 * needs a pivot that picks the era (era 0 began 1900-01-01, era 1 begins 2036-02-07T06:28:16Z).
 *
 * @param bits the unsigned 64-bit value as it is on the wire
 */
public record NtpTimestamp(long bits) implements Comparable<NtpTimestamp> {

    /** Seconds from the NTP prime epoch (1900-01-01) to the Unix epoch (RFC 5905 figure 4). */
    public static final long UNIX_EPOCH_NTP_SECONDS = 2_208_988_800L;

    /** Length of one NTP era in seconds (RFC 5905 section 6). */
    public static final long ERA_SECONDS = 1L << 32;

    /** Unix seconds at which era 1 begins: 2036-02-07T06:28:16Z. */
    public static final long ERA1_UNIX_SECONDS = ERA_SECONDS - UNIX_EPOCH_NTP_SECONDS;

    /** The zero timestamp, which RFC 5905 treats as "unknown". */
    public static final NtpTimestamp ZERO = new NtpTimestamp(0);

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    public static NtpTimestamp of(long seconds, long fraction) {
        return new NtpTimestamp(bitsOf(seconds, fraction));
    }

    /** The era seconds (unsigned 32 bits). */
    public long seconds() {
        return bits >>> 32;
    }

    /** The fraction of a second in units of 2^-32 s (unsigned 32 bits). */
    public long fraction() {
        return bits & 0xFFFF_FFFFL;
    }

    public static long bitsOf(long seconds, long fraction) {
        return (seconds << 32) | (fraction & 0xFFFF_FFFFL);
    }

    /** The timestamp of a Unix time; any era works, the era number itself is not on the wire. */
    public static NtpTimestamp ofUnixNanos(long unixNanos) {
        return new NtpTimestamp(bitsOfUnixNanos(unixNanos));
    }

    /** {@link #ofUnixNanos} without the object, for the hot path. */
    public static long bitsOfUnixNanos(long unixNanos) {
        long unixSeconds = Math.floorDiv(unixNanos, NANOS_PER_SECOND);
        long nanos = Math.floorMod(unixNanos, NANOS_PER_SECOND);
        long seconds = (unixSeconds + UNIX_EPOCH_NTP_SECONDS) & 0xFFFF_FFFFL;
        long fraction = ((nanos << 32) + NANOS_PER_SECOND / 2) / NANOS_PER_SECOND;
        return bitsOf(seconds, fraction);
    }

    /**
     * The Unix time in nanoseconds this timestamp denotes in the era that puts it closest to {@code
     * pivotUnixNanos} (within about 68 years of it, RFC 5905 section 6).
     */
    public long toUnixNanos(long pivotUnixNanos) {
        return unixNanosOf(bits, pivotUnixNanos);
    }

    /** {@link #toUnixNanos} without the object, for the hot path. */
    public static long unixNanosOf(long bits, long pivotUnixNanos) {
        long eraZeroUnixSeconds = (bits >>> 32) - UNIX_EPOCH_NTP_SECONDS;
        long pivotSeconds = Math.floorDiv(pivotUnixNanos, NANOS_PER_SECOND);
        // the era offset that brings the result nearest the pivot
        long era = Math.floorDiv(pivotSeconds - eraZeroUnixSeconds + ERA_SECONDS / 2, ERA_SECONDS);
        long unixSeconds = eraZeroUnixSeconds + era * ERA_SECONDS;
        long nanos = ((bits & 0xFFFF_FFFFL) * NANOS_PER_SECOND + (1L << 31)) >>> 32;
        return unixSeconds * NANOS_PER_SECOND + nanos;
    }

    /** The era (RFC 5905 section 6) of a Unix time: 0 before 2036-02-07T06:28:16Z, 1 after. */
    public static long eraOf(long unixNanos) {
        long unixSeconds = Math.floorDiv(unixNanos, NANOS_PER_SECOND);
        return Math.floorDiv(unixSeconds + UNIX_EPOCH_NTP_SECONDS, ERA_SECONDS);
    }

    /** This timestamp in seconds within its era, as a double. */
    public double toSeconds() {
        return seconds() + fraction() / (double) ERA_SECONDS;
    }

    /** Reads 8 bytes, big-endian; the caller has checked the bounds. */
    public static long readBits(byte[] buf, int off) {
        return ((long) Bytes.u32(buf, off) << 32) | Bytes.u32(buf, off + 4);
    }

    public static void writeBits(long bits, byte[] out, int off) {
        Bytes.putU32(out, off, bits >>> 32);
        Bytes.putU32(out, off + 4, bits);
    }

    public void write(byte[] out, int off) {
        writeBits(bits, out, off);
    }

    @Override
    public int compareTo(NtpTimestamp o) {
        return Long.compareUnsigned(bits, o.bits);
    }

    @Override
    public String toString() {
        return "NtpTimestamp[" + seconds() + "." + String.format("%08x", fraction()) + "]";
    }
}
