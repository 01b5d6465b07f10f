package dev.ntsfarm.core.ntp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The transmit delay: the least of the recent delays per kind, capped, and its tags. */
class TransmitDelayTest {

    static final long T0 = 1_790_000_000_000_000_000L;

    @Test
    void compensationIsTheLeastRecentDelayOfItsKindCapped() {
        TransmitDelay d = new TransmitDelay();
        assertEquals(
                0, d.compensationNanos(TransmitDelay.PLAIN), "nothing measured: nothing added");
        d.add(TransmitDelay.PLAIN, 9_000);
        d.add(TransmitDelay.PLAIN, 7_000);
        d.add(TransmitDelay.PLAIN, 300_000); // a reply preempted between read and send
        assertEquals(7_000, d.compensationNanos(TransmitDelay.PLAIN));
        assertEquals((7_000L << 32) / 1_000_000_000L, d.compensationNtp(TransmitDelay.PLAIN));
        assertEquals(0, d.compensationNanos(TransmitDelay.SEALED), "each kind its own");

        d.add(TransmitDelay.PLAIN, -5);
        d.add(TransmitDelay.PLAIN, TransmitDelay.DISCARD_NANOS + 1);
        assertEquals(7_000, d.compensationNanos(TransmitDelay.PLAIN), "clock steps are no delays");

        // a path slower for good: once the window holds only slow replies, the cap holds
        for (int i = 0; i < TransmitDelay.WINDOW - 2; i++) {
            d.add(TransmitDelay.PLAIN, 40_000);
        }
        assertEquals(
                7_000, d.compensationNanos(TransmitDelay.PLAIN), "7 us is still in the window");
        d.add(TransmitDelay.PLAIN, 40_000);
        assertEquals(
                TransmitDelay.MAX_NANOS,
                d.compensationNanos(TransmitDelay.PLAIN),
                "7 us has left the window; 40 us is more than the cap");
        d.add(TransmitDelay.PLAIN, 6_000);
        assertEquals(
                6_000, d.compensationNanos(TransmitDelay.PLAIN), "a fast reply lowers it at once");
    }

    @Test
    void tagsCarryTheReadingAndKindAndAreNeverReceiveTimestamps() {
        long read = NtpTimestamp.bitsOfUnixNanos(T0);
        long tag = TransmitDelay.tag(read, TransmitDelay.SEALED);
        assertTrue(TransmitDelay.isTag(tag));
        assertTrue(TransmitDelay.isTag(TransmitDelay.tag(read | 3, TransmitDelay.PLAIN)));
        assertFalse(
                TransmitDelay.isTag(read | 1),
                "a receive timestamp (odd) is an interleaved-mode tag");

        TransmitDelay d = new TransmitDelay();
        d.onTransmitted(tag, T0 + 11_000);
        assertEquals(11_000.0, d.compensationNanos(TransmitDelay.SEALED), 1.0);
        assertEquals(0, d.compensationNanos(TransmitDelay.PLAIN));
    }
}
