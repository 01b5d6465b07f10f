package dev.ntsfarm.ntp.service;

import dev.ntsfarm.core.ntp.NtpClock;
import dev.ntsfarm.core.ntp.NtpTimestamp;
import java.time.Instant;

/** The system's real-time clock as NTP timestamp bits. */
public final class SystemNtpClock implements NtpClock {

    /** The one instance. */
    public static final SystemNtpClock INSTANCE = new SystemNtpClock();

    private SystemNtpClock() {}

    @Override
    public long nowNtp() {
        Instant now = Instant.now(); // scalar-replaced once inlined: no allocation on the hot path
        return NtpTimestamp.bitsOfUnixNanos(now.getEpochSecond() * 1_000_000_000L + now.getNano());
    }

    /**
     * The clock's precision as NTP's log2 seconds, measured as chronyd measures its own: the
     * smallest step seen between successive readings, rounded up to a power of two.
     */
    public static int measurePrecision() {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 100; i++) {
            Instant a = Instant.now();
            Instant b;
            do {
                b = Instant.now();
            } while (b.equals(a));
            long step =
                    (b.getEpochSecond() - a.getEpochSecond()) * 1_000_000_000L
                            + (b.getNano() - a.getNano());
            if (step > 0) {
                best = Math.min(best, step);
            }
        }
        double seconds = best / 1e9;
        return Math.clamp((int) Math.ceil(Math.log(seconds) / Math.log(2)), -30, 0);
    }

    @Override
    public String toString() {
        return "SystemNtpClock";
    }
}
