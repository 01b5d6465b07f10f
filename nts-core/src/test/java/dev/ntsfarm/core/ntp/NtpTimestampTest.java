package dev.ntsfarm.core.ntp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class NtpTimestampTest {

    private static final long NANOS = 1_000_000_000L;

    private static long unixNanos(String instant) {
        Instant i = Instant.parse(instant);
        return i.getEpochSecond() * NANOS + i.getNano();
    }

    @Test
    void unixEpochIsTheKnownNtpSecond() {
        NtpTimestamp t = NtpTimestamp.ofUnixNanos(0);
        assertEquals(0x83AA7E80L, t.seconds()); // RFC 5905 figure 4: 2,208,988,800
        assertEquals(0, t.fraction());
    }

    @Test
    void eraOneBeginsOn2036February7() {
        long start = unixNanos("2036-02-07T06:28:16Z");
        assertEquals(NtpTimestamp.ERA1_UNIX_SECONDS * NANOS, start);
        assertEquals(0L, NtpTimestamp.ofUnixNanos(start).bits());
        assertEquals(1, NtpTimestamp.eraOf(start));
        assertEquals(0, NtpTimestamp.eraOf(start - 1));
        assertEquals(0xFFFF_FFFFL, NtpTimestamp.ofUnixNanos(start - NANOS).seconds());
    }

    @Test
    void pivotPicksTheEra() {
        NtpTimestamp zero = NtpTimestamp.ZERO;
        assertEquals(
                unixNanos("1900-01-01T00:00:00Z"),
                zero.toUnixNanos(unixNanos("1950-01-01T00:00:00Z")));
        assertEquals(
                unixNanos("2036-02-07T06:28:16Z"),
                zero.toUnixNanos(unixNanos("2030-01-01T00:00:00Z")));
        NtpTimestamp last = NtpTimestamp.of(0xFFFF_FFFFL, 0);
        assertEquals(
                unixNanos("2036-02-07T06:28:15Z"),
                last.toUnixNanos(unixNanos("2040-01-01T00:00:00Z")));
        // just after the wrap, a pivot just before it still lands in era 1
        NtpTimestamp small = NtpTimestamp.of(10, 0);
        assertEquals(
                unixNanos("2036-02-07T06:28:26Z"),
                small.toUnixNanos(unixNanos("2036-02-07T06:00:00Z")));
    }

    @Test
    void fractionHalfIsHalfASecond() {
        NtpTimestamp t = NtpTimestamp.ofUnixNanos(NANOS / 2);
        assertEquals(0x8000_0000L, t.fraction());
        assertEquals(NANOS / 2, t.toUnixNanos(0));
    }

    @Test
    void largestFractionCarriesIntoTheSecond() {
        NtpTimestamp t = NtpTimestamp.of(NtpTimestamp.UNIX_EPOCH_NTP_SECONDS, 0xFFFF_FFFFL);
        assertEquals(NANOS, t.toUnixNanos(0));
    }

    @Property
    void unixNanosRoundTripNearThePivot(
            @ForAll @LongRange(min = -2_208_988_800L * 1_000_000_000L, max = Long.MAX_VALUE / 2)
                    long unixNanos,
            @ForAll @IntRange(min = -2_000_000_000, max = 2_000_000_000) int pivotShiftSeconds) {
        long pivot = unixNanos + pivotShiftSeconds * NANOS;
        assertEquals(unixNanos, NtpTimestamp.ofUnixNanos(unixNanos).toUnixNanos(pivot));
    }

    @Property
    void bytesRoundTrip(@ForAll long bits) {
        byte[] buf = new byte[12];
        new NtpTimestamp(bits).write(buf, 3);
        assertEquals(bits, NtpTimestamp.readBits(buf, 3));
    }

    @Test
    void shortFormatKnownValues() {
        assertEquals(1.5, new NtpShort(0x0001_8000).toSeconds());
        assertEquals(Duration.ofMillis(1500), new NtpShort(0x0001_8000).toDuration());
        assertEquals(0x0001_8000, NtpShort.ofSeconds(1.5).bits());
        assertEquals(0x0001_8000, NtpShort.ofDuration(Duration.ofMillis(1500)).bits());
        assertEquals(0, NtpShort.ofSeconds(-1).bits());
        assertEquals(-1, NtpShort.ofDuration(Duration.ofDays(2)).bits());
        assertEquals(65535.0 + 65535 / 65536.0, new NtpShort(-1).toSeconds());
    }

    @Property
    void shortDurationRoundTrip(@ForAll int bits) {
        NtpShort s = new NtpShort(bits);
        assertEquals(s, NtpShort.ofDuration(s.toDuration()));
        assertEquals(s, NtpShort.ofSeconds(s.toSeconds()));
    }
}
