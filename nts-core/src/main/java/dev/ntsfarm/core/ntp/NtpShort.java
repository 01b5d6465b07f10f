package dev.ntsfarm.core.ntp;

import java.time.Duration;

/**
 * The 32-bit NTP short format (RFC 5905 section 6): 16 bits of seconds, 16 bits of fraction, used
 * for root delay and root dispersion.
 *
 * @param bits the unsigned 32-bit value as it is on the wire
 */
public record NtpShort(int bits) {

    public static final NtpShort ZERO = new NtpShort(0);
    private static final double UNIT = 65536.0;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    public int seconds() {
        return bits >>> 16;
    }

    public int fraction() {
        return bits & 0xFFFF;
    }

    public double toSeconds() {
        return (bits & 0xFFFF_FFFFL) / UNIT;
    }

    public Duration toDuration() {
        return Duration.ofNanos(((bits & 0xFFFF_FFFFL) * NANOS_PER_SECOND + (1L << 15)) >>> 16);
    }

    /** Rounds to the nearest unit of 2^-16 s, clamped to the format's range. */
    public static NtpShort ofSeconds(double seconds) {
        if (!(seconds > 0)) {
            return ZERO;
        }
        double units = Math.rint(seconds * UNIT);
        return new NtpShort(units >= 0xFFFF_FFFFL ? -1 : (int) (long) units);
    }

    /** Rounds to the nearest unit of 2^-16 s, clamped to the format's range. */
    public static NtpShort ofDuration(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            return ZERO;
        }
        if (duration.getSeconds() >= 0x10000L) {
            return new NtpShort(-1);
        }
        long nanos = duration.toNanos();
        long units = ((nanos << 16) + NANOS_PER_SECOND / 2) / NANOS_PER_SECOND;
        return new NtpShort(units > 0xFFFF_FFFFL ? -1 : (int) units);
    }

    @Override
    public String toString() {
        return "NtpShort[" + toSeconds() + "s]";
    }
}
